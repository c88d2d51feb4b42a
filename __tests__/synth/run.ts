import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CHILD_PROCESS_LIMIT_MS } from '../support/limits';

export const ROOT = join(__dirname, '..', '..');
/** The contosofin fixture (what config/fleet.yaml ships with; tests never read the fleet config). */
export const EXAMPLE = join(ROOT, '__tests__', 'fixtures', 'contosofin.yaml');

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the real command line (`node scripts/run.cjs …`, what `npm run synth` runs) in `cwd`. */
export function runCli(args: readonly string[], cwd: string, env: Record<string, string> = {}): RunResult {
  const { CDKTF_OUTDIR: _ignored, ...parentEnv } = process.env;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'run.cjs'), ...args], {
    cwd,
    env: { ...parentEnv, ...env },
    encoding: 'utf8',
    timeout: CHILD_PROCESS_LIMIT_MS,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export { tempDir } from '../support/temp';

/** Every file under `dir`: relative path → sha256 of its bytes. */
export function treeHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory()) walk(dir);
  return out;
}

/**
 * The warning for dist/retired/, whose cluster left the config. `cdktf destroy <stack>` finds
 * only the stacks the app synthesizes (the clusters in the config), so the destroy needs the
 * cluster back in the config; the folder may or may not have been committed.
 */
export const retiredWarning = (config: string) => [
  `warning: dist/retired/ belongs to no cluster in ${config}; synth keeps it (GitOps may still apply it).`,
  `  Its Azure resources stay too: \`npx cdktf destroy retired\` works only while retired is in ${config}, so put it back there for the destroy if they should go.`,
  '  Then delete the folder: `git rm -r dist/retired` if it was committed, `rm -r dist/retired` if it never was.',
];
