import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Output is written beside its target and moved into place only when complete, so a failed
 * synth (bad config, a construct that throws, a full disk) never leaves half-written output
 * and never removes what was there before.
 */

/** A fresh, empty sibling of `target` to build into. */
export function stagingDirFor(target: string): string {
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  return staging;
}

/** Write `files` (relative path → content) under `dir`. */
export function writeFiles(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [rel, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

/**
 * Replace `target` with the finished `staging` directory. The old target is moved aside first
 * and removed only after the new one is in place.
 */
export function replaceDir(staging: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  const old = `${target}.old-${process.pid}`;
  const had = existsSync(target);
  if (had) renameSync(target, old);
  try {
    renameSync(staging, target);
  } catch (e) {
    if (had) renameSync(old, target);
    throw e;
  }
  if (had) rmSync(old, { recursive: true, force: true });
}

/** Remove a staging directory after a failure. */
export function discard(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
}
