import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { leftoversIn } from './replace-dir';

/**
 * Cluster folders under dist/, sorted. Staging folders (`<cluster>.tmp-<pid>`,
 * `<cluster>.old-<pid>`) are no cluster's folder: `stagingLeftovers` lists them.
 */
export function distFolders(distDir: string): string[] {
  const staging = new Set(stagingLeftovers(distDir));
  if (!existsSync(distDir)) return [];
  return readdirSync(distDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !staging.has(d.name))
    .map((d) => d.name)
    .sort();
}

/**
 * Staging folders under dist/ (names, sorted): a synth in progress, or the leftovers of one
 * that was killed. `git add dist` would commit them, so `synth --check` reports them.
 */
export function stagingLeftovers(distDir: string): string[] {
  return leftoversIn(distDir).map((l) => basename(l.path));
}

/** Folders under dist/ that no configured cluster owns (a cluster removed from the config). */
export function staleClusterDirs(folders: readonly string[], clusters: readonly string[]): string[] {
  const known = new Set(clusters);
  return folders.filter((name) => !known.has(name));
}
