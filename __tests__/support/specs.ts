import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Load every `*.spec.ts` of a test folder into the calling test file. jest gives each test file
 * its own module registry, so a folder of small files each paid again for cdktf, the provider
 * classes, zod or the CEL engines (about 0.7 s per file for the stacks); one `<area>.test.ts`
 * per folder pays once and runs the specs, one per construct or module, as before. Run one
 * spec with `npx jest <area> -t '<describe name>'`.
 */
export function loadSpecs(dir: string): string[] {
  const specs = readdirSync(dir)
    .filter((name) => name.endsWith('.spec.ts'))
    .sort();
  for (const spec of specs) require(join(dir, spec));
  return specs;
}
