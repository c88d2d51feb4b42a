import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { leftoversIn, processAlive } from './replace-dir';
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
  /** That line of each file, without its newline; null past the file's last line. */
  readonly committed: string | null;
  readonly synthesized: string | null;
  /**
   * The two lines differ only in the newline that ends them (the last line of one file has
   * none): which file lacks it.
   */
  readonly noFinalNewline?: 'committed' | 'synthesized';
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

/** A staging folder found in dist/, and what the next synth does with it. */
export interface StagingFolder {
  /** Its name in dist/ (`gk.tmp-4242`). */
  readonly name: string;
  readonly pid: number;
  /** The process that made it still exists: a synth in progress (or a reused pid). */
  readonly running: boolean;
  /**
   * A moved-aside previous output whose cluster folder is missing: the next synth moves it
   * back (lib/replace-dir.ts removeDeadLeftovers) instead of removing it.
   */
  readonly restored: boolean;
}

export interface DistReport {
  /** Clusters whose folder differs, in config order. */
  readonly drift: readonly ClusterDrift[];
  /**
   * Staging folders in dist/ (`<cluster>.tmp-<pid>`, `<cluster>.old-<pid>`): left by a synth
   * that was killed, or of one still running. A difference: `git add dist` would commit them.
   */
  readonly leftovers: readonly StagingFolder[];
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

/** The lines of `text`, each with the newline that ends it (the last one may have none). */
const linesOf = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

/** Where two texts first differ, by line, and the two lines there. */
function firstDifference(path: string, committed: string, synthesized: string): FileChange {
  const a = linesOf(committed);
  const b = linesOf(synthesized);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const strip = (l: string | undefined) => (l === undefined ? null : l.replace(/\n$/, ''));
  const change: FileChange = { path, line: i + 1, committed: strip(a[i]), synthesized: strip(b[i]) };
  if (change.committed !== null && change.committed === change.synthesized) {
    return { ...change, noFinalNewline: a[i].endsWith('\n') ? 'synthesized' : 'committed' };
  }
  return change;
}

/**
 * Compare what the config synthesizes (cluster → files) with what dist/ holds. Pure: the
 * caller reads dist/ (`readTree`) and lists its folders.
 */
export function compareDist(
  synthesized: ReadonlyMap<string, FileTree>,
  committed: (cluster: string) => FileTree | undefined,
  distFolders: readonly string[],
  leftovers: readonly StagingFolder[] = [],
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
      else if (have !== content) changed.push(firstDifference(path, have, content));
    }
    const extra = [...(actual?.keys() ?? [])].filter((p) => !expected.has(p)).sort();
    if (actual === undefined || changed.length + missing.length + extra.length > 0) {
      drift.push({ cluster, folderMissing: actual === undefined, changed, missing, extra });
    }
  }
  const stale = staleClusterDirs(distFolders, [...synthesized.keys()]);
  return { drift, leftovers: [...leftovers], stale, clusters: synthesized.size, files };
}

/** `compareDist` against the folder `distDir` on disk. */
export function checkDist(synthesized: ReadonlyMap<string, FileTree>, distDir: string): DistReport {
  // --check stages nothing, so a folder with this process's pid is no folder of a live synth.
  // The next synth restores only the first moved-aside folder of a missing target (in this
  // order, lib/replace-dir.ts removeDeadLeftovers) and removes any other.
  const restoring = new Set<string>();
  const leftovers = leftoversIn(distDir).map((l) => {
    const running = l.pid !== process.pid && processAlive(l.pid);
    const restored = !running && l.kind === 'old' && !existsSync(l.target) && !restoring.has(l.target);
    if (restored) restoring.add(l.target);
    return { name: basename(l.path), pid: l.pid, running, restored };
  });
  return compareDist(synthesized, (cluster) => readTree(join(distDir, cluster)), distFolders(distDir), leftovers);
}

/** Longest excerpt of a differing line shown in the report. */
const EXCERPT = 100;
const excerpt = (line: string | null) =>
  line === null ? '(end of file)' : JSON.stringify(line.length > EXCERPT ? `${line.slice(0, EXCERPT)}…` : line);

/** Files listed for a cluster folder that was never committed; the rest are counted. */
export const MAX_LISTED = 20;

/** dist/ holds exactly what the config synthesizes, and nothing else (a stale folder is only a warning). */
export function inSync(report: DistReport): boolean {
  return report.drift.length === 0 && report.leftovers.length === 0;
}

/**
 * A folder left by a cluster that is gone from the config is reported but is no difference:
 * `npm run synth` never deletes a folder (GitOps may still apply it), so replacing the
 * example cluster with your own and synthesizing leaves the check green, with this warning.
 * It cannot tell whether the folder was ever committed, so it gives both ways to delete it;
 * and `cdktf destroy` finds only the stacks of clusters in the config, so destroying comes
 * first, with the cluster (back) in the config.
 */
export function staleWarnings(report: DistReport, configPath: string, distDir: string): string[] {
  return report.stale.flatMap((s) => [
    `warning: ${distDir}/${s}/ belongs to no cluster in ${configPath}; synth keeps it (GitOps may still apply it).`,
    `  Its Azure resources stay too: \`npx cdktf destroy ${s}\` works only while ${s} is in ${configPath}, so put it back there for the destroy if they should go.`,
    `  Then delete the folder: \`git rm -r ${distDir}/${s}\` if it was committed, \`rm -r ${distDir}/${s}\` if it never was.`,
  ]);
}

/**
 * The report as lines: a one-line summary when dist/ is up to date; otherwise each differing
 * cluster with its files, staging leftovers, then the command that fixes it. Stale folders:
 * see staleWarnings.
 */
export function formatDistReport(report: DistReport, configPath: string, distDir: string, synthCommand: string): string[] {
  if (inSync(report)) {
    return [`${distDir}/ matches ${configPath}: ${report.clusters} cluster(s), ${report.files} file(s).`];
  }
  const lines = [`${distDir}/ does not match ${configPath}:`];
  for (const d of report.drift) {
    if (d.folderMissing) {
      lines.push(`  ${d.cluster}: ${distDir}/${d.cluster}/ is missing (${d.missing.length} file(s) synthesized):`);
      for (const p of d.missing.slice(0, MAX_LISTED)) lines.push(`    missing  ${p}`);
      if (d.missing.length > MAX_LISTED) lines.push(`    … and ${d.missing.length - MAX_LISTED} more`);
      continue;
    }
    lines.push(`  ${d.cluster}:`);
    for (const c of d.changed) {
      const where = c.noFinalNewline
        ? `line ${c.line}: the ${c.noFinalNewline} file has no newline at its end`
        : `line ${c.line}: committed ${excerpt(c.committed)}, synthesized ${excerpt(c.synthesized)}`;
      lines.push(`    changed  ${c.path} (${where})`);
    }
    for (const p of d.missing) lines.push(`    missing  ${p} (synthesized, not in ${distDir}/${d.cluster}/)`);
    for (const p of d.extra) lines.push(`    extra    ${p} (in ${distDir}/${d.cluster}/, not synthesized)`);
  }
  for (const l of report.leftovers) {
    const folder = `${distDir}/${l.name}`;
    const target = `${distDir}/${l.name.replace(/\.(tmp|old)-\d+$/, '')}`;
    lines.push(
      l.running
        ? `  ${folder}/: staging folder of a synth still running (process ${l.pid}); check again when it is done ` +
          `(if no synth runs here, the folder came from elsewhere, e.g. a commit: \`rm -r ${folder}\`)`
        : l.restored
          ? `  ${folder}/: the previous ${target}/, moved aside by a synth (process ${l.pid}) that was killed; \`npm run synth\` moves it back, then writes ${target}/ anew`
          : `  ${folder}/: staging folder of a synth (process ${l.pid}) that was killed; \`npm run synth\` removes it (or \`rm -r ${folder}\`)`,
    );
  }
  lines.push(`To fix: ${synthCommand}, then commit ${distDir}/.`);
  return lines;
}
