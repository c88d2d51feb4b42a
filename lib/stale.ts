import { existsSync, readdirSync } from 'node:fs';

/** Cluster folders under dist/ (staging folders of a synth in progress excluded), sorted. */
export function distFolders(distDir: string): string[] {
  if (!existsSync(distDir)) return [];
  return readdirSync(distDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.includes('.tmp-') && !d.name.includes('.old-'))
    .map((d) => d.name)
    .sort();
}

/** Folders under dist/ that no configured cluster owns (a cluster removed from the config). */
export function staleClusterDirs(folders: readonly string[], clusters: readonly string[]): string[] {
  const known = new Set(clusters);
  return folders.filter((name) => !known.has(name));
}
