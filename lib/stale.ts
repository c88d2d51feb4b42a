import { existsSync, readdirSync } from 'node:fs';
import { isStagingName } from './replace-dir';

/**
 * Cluster folders under dist/, sorted. Staging folders (`<cluster>.tmp-<pid>`,
 * `<cluster>.old-<pid>`) are no cluster's folder: they are told apart by name within this one
 * listing, so one that a parallel synth creates meanwhile is never taken for a cluster's.
 */
export function distFolders(distDir: string): string[] {
  if (!existsSync(distDir)) return [];
  return readdirSync(distDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !isStagingName(d.name))
    .map((d) => d.name)
    .sort();
}

/** Folders under dist/ that no configured cluster owns (a cluster removed from the config). */
export function staleClusterDirs(folders: readonly string[], clusters: readonly string[]): string[] {
  const known = new Set(clusters);
  return folders.filter((name) => !known.has(name));
}
