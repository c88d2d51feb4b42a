import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary folders for one test file, removed when the file's tests are done: `npm test`
 * leaves nothing in the temp directory. Import this module at the top of a test file (the
 * removal hook is registered there, once per file).
 */
const created: string[] = [];

export function tempDir(prefix = 'aks-day2-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});
