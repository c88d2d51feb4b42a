import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The Terraform snapshot files of the fleet (`<dir>/<cluster>.tf.json`) under jest's snapshot
 * rules. Whenever a file is written or removed (never under CI), `say` gets one line naming it,
 * so the user knows there is something to review and commit: jest's own summary counts only
 * its .snap files, not these.
 */

/** jest's snapshot update mode: 'all' with -u, 'new' by default, 'none' under --ci (CI=true). */
export type UpdateMode = 'all' | 'new' | 'none';

export const SUFFIX = '.tf.json';

export interface SnapshotFiles {
  readonly dir: string;
  /** Paths in messages are relative to this folder (the project root). */
  readonly root: string;
  /** The config the clusters come from, as messages name it. */
  readonly config: string;
  readonly say: (line: string) => void;
}

export type RecordResult =
  | { readonly kind: 'same' }
  | { readonly kind: 'written' }
  /** Not written (CI, or a change without -u): the caller fails the test. */
  | { readonly kind: 'missing'; readonly file: string }
  | { readonly kind: 'changed'; readonly file: string; readonly committed: string };

/** Compare `synthesized` with the cluster's snapshot file; write it where jest would. */
export function recordSnapshot(files: SnapshotFiles, cluster: string, synthesized: string, mode: UpdateMode): RecordResult {
  const file = join(files.dir, `${cluster}${SUFFIX}`);
  const committed = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (committed === synthesized) return { kind: 'same' };
  if (mode === 'all' || (committed === undefined && mode === 'new')) {
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(file, synthesized);
    files.say(
      committed === undefined
        ? `fleet snapshot: wrote ${shown(files, file)} (new cluster "${cluster}" of ${files.config}); review it and commit it`
        : `fleet snapshot: updated ${shown(files, file)} (cluster "${cluster}" of ${files.config}); review the diff and commit it`,
    );
    return { kind: 'written' };
  }
  return committed === undefined ? { kind: 'missing', file } : { kind: 'changed', file, committed };
}

/**
 * Snapshot files of clusters that are not in the config: removed (and named) unless `mode` is
 * 'none'; returns those left in place.
 */
export function removeLeftoverSnapshots(files: SnapshotFiles, clusters: readonly string[], mode: UpdateMode): string[] {
  const names = new Set(clusters);
  const leftover = existsSync(files.dir)
    ? readdirSync(files.dir)
        .filter((f) => f.endsWith(SUFFIX) && !names.has(f.slice(0, -SUFFIX.length)))
        .sort()
        .map((f) => join(files.dir, f))
    : [];
  if (mode === 'none') return leftover;
  for (const file of leftover) {
    rmSync(file);
    files.say(`fleet snapshot: removed ${shown(files, file)} (its cluster is not in ${files.config}); commit the removal`);
  }
  return [];
}

export const shown = (files: SnapshotFiles, file: string) => relative(files.root, file);
