import { existsSync, readdirSync } from 'node:fs';

/** Folders under dist/ that no configured cluster owns (a cluster removed from the config). */
export function staleClusterDirs(distDir: string, clusters: readonly string[]): string[] {
  if (!existsSync(distDir)) return [];
  const known = new Set(clusters);
  return readdirSync(distDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !known.has(d.name) && !d.name.includes('.tmp-') && !d.name.includes('.old-'))
    .map((d) => d.name)
    .sort();
}
