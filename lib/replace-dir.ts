import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Output is written beside its target and moved into place only when complete, so a failed
 * synth (bad config, a construct that throws, a full disk) never leaves half-written output
 * and never removes what was there before.
 *
 * Beside `<target>` live, for a moment, `<target>.tmp-<pid>` (being written) and
 * `<target>.old-<pid>` (the previous output, moved aside while the new one moves in). An
 * interrupted synth removes its own (`discardPending`, from the signal handler); one that was
 * killed outright leaves them, and the next synth removes them once process <pid> is gone
 * (`removeDeadLeftovers`). A folder of a process that is still running is never touched:
 * parallel tests run synth concurrently.
 */

/** Staging folders of this process that are neither moved into place nor discarded yet. */
const pending = new Set<string>();

/** A fresh, empty sibling of `target` to build into. */
export function stagingDirFor(target: string): string {
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  pending.add(staging);
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
  pending.delete(staging);
  if (had) rmSync(old, { recursive: true, force: true });
}

/** Remove a staging directory after a failure. */
export function discard(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
  pending.delete(staging);
}

/** Remove every staging folder of this process still pending (an interrupt); returns them. */
export function discardPending(): string[] {
  const removed = [...pending].sort();
  for (const staging of removed) discard(staging);
  return removed;
}

/** `<target>.tmp-<pid>` or `<target>.old-<pid>`. */
const LEFTOVER = /^(.+)\.(tmp|old)-([1-9]\d*)$/;

/** Whether a folder name is a staging or moved-aside folder's (`<target>.tmp-<pid>`, `<target>.old-<pid>`). */
export function isStagingName(name: string): boolean {
  return LEFTOVER.test(name);
}

export interface Leftover {
  /** The folder itself. */
  readonly path: string;
  /** The output folder it belongs to (`dist/gk` for `dist/gk.tmp-123`). */
  readonly target: string;
  /** `tmp`: output being written; `old`: the previous output, moved aside. */
  readonly kind: 'tmp' | 'old';
  /** The process that made it. */
  readonly pid: number;
}

/**
 * Staging and moved-aside folders in `dir`, sorted by name; with `targetName`, only those of
 * `dir/<targetName>` (the project root holds other things that could match the pattern).
 */
export function leftoversIn(dir: string, targetName?: string): Leftover[] {
  if (!existsSync(dir)) return [];
  const found: Leftover[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const m = LEFTOVER.exec(entry.name);
    if (!m || !entry.isDirectory() || (targetName !== undefined && m[1] !== targetName)) continue;
    found.push({ path: join(dir, entry.name), target: join(dir, m[1]), kind: m[2] as Leftover['kind'], pid: Number(m[3]) });
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Whether process `pid` exists (signal 0 only checks; ESRCH: no such process; EPERM: it exists, not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export interface LeftoverAction {
  readonly leftover: Leftover;
  /** `restored`: an `old` folder whose target was missing was moved back to it. */
  readonly action: 'removed' | 'restored';
}

/**
 * Clear the leftovers of processes that no longer exist. A process killed between moving its
 * target aside and moving the new output in leaves `<target>.old-<pid>` and no target: that
 * folder is the previous output, so it is moved back rather than removed. Leftovers of a
 * process that is still running (or whose pid was reused) are left alone. Returns what was
 * done, by path.
 */
export function removeDeadLeftovers(leftovers: readonly Leftover[], alive: (pid: number) => boolean = processAlive): LeftoverAction[] {
  const actions: LeftoverAction[] = [];
  // `old` folders first: a restored target makes any other `old` folder of it garbage.
  const ordered = [...leftovers.filter((l) => l.kind === 'old'), ...leftovers.filter((l) => l.kind === 'tmp')];
  for (const leftover of ordered) {
    if (leftover.pid === process.pid || alive(leftover.pid)) continue;
    if (leftover.kind === 'old' && !existsSync(leftover.target)) {
      renameSync(leftover.path, leftover.target);
      actions.push({ leftover, action: 'restored' });
    } else {
      rmSync(leftover.path, { recursive: true, force: true });
      actions.push({ leftover, action: 'removed' });
    }
  }
  return actions.sort((a, b) => (a.leftover.path < b.leftover.path ? -1 : 1));
}
