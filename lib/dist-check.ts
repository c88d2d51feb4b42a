import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { distFolders, staleClusterDirs } from './stale';

/**
 * `aks-day2 synth --check`: does the committed dist/ hold exactly what the config synthesizes?
 * Unlike `git diff --exit-code dist/`, it also sees a cluster folder that was never committed
 * (untracked files are not in a diff) and one left behind by a cluster removed from the config.
 */

/** Files of one folder: path relative to it (with `/`) → content. */
export type FileTree = ReadonlyMap<string, string>;

export interface FileChange {
  readonly path: string;
  /** 1-based line where the committed file first differs from the synthesized one. */
  readonly line: number;
  readonly committed: string;
  readonly synthesized: string;
}

export interface ClusterDrift {
  readonly cluster: string;
  /** The folder is not there at all (a cluster whose output was never committed). */
  readonly folderMissing: boolean;
  readonly changed: readonly FileChange[];
  /** Synthesized, not in dist/. */
  readonly missing: readonly string[];
  /** In dist/, not synthesized. */
  readonly extra: readonly string[];
}

export interface DistReport {
  /** Clusters whose folder differs, in config order. */
  readonly drift: readonly ClusterDrift[];
  /** dist/ folders that belong to no cluster in the config. */
  readonly stale: readonly string[];
  /** Clusters and files compared. */
  readonly clusters: number;
  readonly files: number;
}

/** Every file under `dir` (none when it does not exist), read as text. */
export function readTree(dir: string): Map<string, string> | undefined {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/** Where two texts first differ, by line. */
function firstDifference(committed: string, synthesized: string): FileChange['line'] {
  const a = committed.split('\n');
  const b = synthesized.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i + 1;
}

/**
 * Compare what the config synthesizes (cluster → files) with what dist/ holds. Pure: the
 * caller reads dist/ (`readTree`) and lists its folders.
 */
export function compareDist(
  synthesized: ReadonlyMap<string, FileTree>,
  committed: (cluster: string) => FileTree | undefined,
  distFolders: readonly string[],
): DistReport {
  const drift: ClusterDrift[] = [];
  let files = 0;
  for (const [cluster, expected] of synthesized) {
    const actual = committed(cluster);
    files += expected.size;
    const changed: FileChange[] = [];
    const missing: string[] = [];
    for (const [path, content] of [...expected].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const have = actual?.get(path);
      if (have === undefined) missing.push(path);
      else if (have !== content) {
        const line = firstDifference(have, content);
        changed.push({
          path,
          line,
          committed: have.split('\n')[line - 1] ?? '(end of file)',
          synthesized: content.split('\n')[line - 1] ?? '(end of file)',
        });
      }
    }
    const extra = [...(actual?.keys() ?? [])].filter((p) => !expected.has(p)).sort();
    if (actual === undefined || changed.length + missing.length + extra.length > 0) {
      drift.push({ cluster, folderMissing: actual === undefined, changed, missing, extra });
    }
  }
  const stale = staleClusterDirs(distFolders, [...synthesized.keys()]);
  return { drift, stale, clusters: synthesized.size, files };
}

/** `compareDist` against the folder `distDir` on disk. */
export function checkDist(synthesized: ReadonlyMap<string, FileTree>, distDir: string): DistReport {
  return compareDist(synthesized, (cluster) => readTree(join(distDir, cluster)), distFolders(distDir));
}

/** Longest excerpt of a differing line shown in the report. */
const EXCERPT = 100;
const excerpt = (line: string) => JSON.stringify(line.length > EXCERPT ? `${line.slice(0, EXCERPT)}…` : line);

/** dist/ holds exactly what the config synthesizes (a stale folder is only a warning). */
export function inSync(report: DistReport): boolean {
  return report.drift.length === 0;
}

/**
 * A folder left by a cluster that is gone from the config is reported but is no difference:
 * `npm run synth` never deletes a folder (GitOps may still apply it), so replacing the
 * example cluster with your own and synthesizing leaves the check green, with this warning.
 */
export function staleWarnings(report: DistReport, configPath: string, distDir: string): string[] {
  return report.stale.map(
    (s) =>
      `warning: ${distDir}/${s}/ belongs to no cluster in ${configPath}; remove it with \`git rm -r ${distDir}/${s}\` ` +
      `(after \`npx cdktf destroy ${s}\` if its Azure resources should go too)`,
  );
}

/**
 * The report as lines: a one-line summary when dist/ is up to date; otherwise each differing
 * cluster with its files, then the command that fixes it. Stale folders: see staleWarnings.
 */
export function formatDistReport(report: DistReport, configPath: string, distDir: string, synthCommand: string): string[] {
  if (inSync(report)) {
    return [`${distDir}/ matches ${configPath}: ${report.clusters} cluster(s), ${report.files} file(s).`];
  }
  const lines = [`${distDir}/ does not match ${configPath}:`];
  for (const d of report.drift) {
    if (d.folderMissing) {
      lines.push(`  ${d.cluster}: ${distDir}/${d.cluster}/ is missing (${d.missing.length} file(s) synthesized, none committed)`);
      continue;
    }
    lines.push(`  ${d.cluster}:`);
    for (const c of d.changed) {
      lines.push(`    changed  ${c.path} (line ${c.line}: committed ${excerpt(c.committed)}, synthesized ${excerpt(c.synthesized)})`);
    }
    for (const p of d.missing) lines.push(`    missing  ${p} (synthesized, not in ${distDir}/${d.cluster}/)`);
    for (const p of d.extra) lines.push(`    extra    ${p} (in ${distDir}/${d.cluster}/, not synthesized)`);
  }
  lines.push(`To fix: ${synthCommand}, then commit ${distDir}/.`);
  return lines;
}
