/**
 * Builds each engine once into a cache outside the clone, reused by later runs and by CI on the
 * same machine: `<cache>/<engine>-<version>/<binary>` beside a `build.json` that records what was
 * built (module, version, recipe, Go version, the wrapper module's go.sum) and what it cost
 * (seconds, peak memory). A cache entry whose record differs from today's recipe is rebuilt.
 *
 * The cache is `$AKS_DAY2_ENGINE_CACHE`, else `$XDG_CACHE_HOME/aks-day2/engines`, else
 * `~/.cache/aks-day2/engines`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from './engines';
import type { Progress } from './progress';
import { track } from './processes';

/** Our modules that build engines as tool dependencies. */
export const goDir = (root: string) => join(root, 'conformance', 'go');

export function cacheRoot(env: NodeJS.ProcessEnv): string {
  if (env.AKS_DAY2_ENGINE_CACHE) return env.AKS_DAY2_ENGINE_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'aks-day2', 'engines');
}

/** Cache folder name: the engine and the version it was built at (a commit or tag, file-name safe). */
export function folderName(e: Engine): string {
  const version = e.moduleVersion.startsWith('(') ? e.version.split(' ')[0] : e.moduleVersion.split('-').pop()!;
  return `${e.id}-${version}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

interface BuildRecord {
  readonly recipe: string;
  readonly seconds: number;
  readonly peakMiB?: number;
  readonly builtAt: string;
}

export interface Built {
  readonly engine: Engine;
  readonly path: string;
  /** Seconds this run spent building; undefined when the cached binary was used. */
  readonly seconds?: number;
  readonly peakMiB?: number;
  /** The build of the cached binary, when it was reused. */
  readonly cached?: BuildRecord;
}

export class BuildError extends Error {}

function goVersion(): string | undefined {
  const r = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Everything that decides the binary: a change to any of it rebuilds. */
function recipeOf(root: string, e: Engine, go: string): string {
  const parts = [e.module, e.moduleVersion, JSON.stringify(e.recipe), e.ldflags ?? '', go];
  if (e.recipe.kind === 'tool') {
    for (const f of ['go.mod', 'go.sum']) parts.push(readFileSync(join(goDir(root), e.recipe.dir, f), 'utf8'));
    if (e.module.startsWith('aks-day2.local/') || e.recipe.pkg.startsWith('aks-day2.local/')) parts.push(ourSources(root, e.recipe.dir));
  }
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

/** Programs of our own (stand-ins, helpers): their sources are part of the recipe. */
function ourSources(root: string, dir: string): string {
  const r = spawnSync('sh', ['-c', 'find . -name "*.go" | LC_ALL=C sort | xargs cat'], { cwd: join(goDir(root), dir), encoding: 'utf8' });
  return r.stdout;
}

const TIME = '/usr/bin/time';

/** Builds `e` unless the cache holds the same build; throws BuildError naming the engine and why. */
export async function ensureBuilt(root: string, e: Engine, env: NodeJS.ProcessEnv, progress: Progress): Promise<Built> {
  const go = goVersion();
  if (!go) throw new BuildError('go is not on PATH: the engines are built from the Go module proxy (Go 1.26 or newer)');
  const dir = join(cacheRoot(env), folderName(e));
  const path = join(dir, e.binary);
  const recordFile = join(dir, `${e.binary}.build.json`);
  const recipe = recipeOf(root, e, go);
  if (existsSync(path) && existsSync(recordFile)) {
    try {
      const record = JSON.parse(readFileSync(recordFile, 'utf8')) as BuildRecord;
      if (record.recipe === recipe) return { engine: e, path, cached: record };
    } catch {
      // unreadable record: rebuild
    }
  }

  mkdirSync(dir, { recursive: true });
  const scratch = mkdtempSync(join(dir, '.build-'));
  const out = join(scratch, e.binary);
  const flags = ['-trimpath', ...(e.ldflags ? [`-ldflags=${e.ldflags}`] : []), '-v'];
  const args =
    e.recipe.kind === 'install'
      ? ['install', ...flags, `${e.recipe.pkg}@${e.moduleVersion}`]
      : ['build', ...flags, '-o', out, e.recipe.pkg];
  const cwd = e.recipe.kind === 'tool' ? join(goDir(root), e.recipe.dir) : scratch;
  const useTime = existsSync(TIME);
  const command = useTime ? TIME : 'go';
  const argv = useTime ? ['-f', 'AKS_DAY2_PEAK_KIB=%M', 'go', ...args] : args;
  progress.step(`${e.id}: go ${args.filter((a) => a !== '-v').join(' ')}`);

  const started = Date.now();
  let packages = 0;
  let tail: string[] = [];
  let peakKiB: number | undefined;
  const child = spawn(command, argv, {
    cwd,
    env: { ...env, GOBIN: scratch, GOFLAGS: env.GOFLAGS ?? '', GOTOOLCHAIN: env.GOTOOLCHAIN ?? 'local' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // Tracked until it exits: Ctrl-C during a build stops the go command and its compilers.
  track(child, `go build of ${e.id}`);
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  let pending = '';
  child.stderr.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const peak = /^AKS_DAY2_PEAK_KIB=(\d+)$/.exec(line);
      if (peak) peakKiB = Number(peak[1]);
      // `go build -v` names each package as it compiles it; anything else is a message.
      else if (/^[\w.-]+(\/[\w.@+~-]+)*$/.test(line)) packages++;
      else tail = [...tail, line].slice(-20);
    }
  });
  const heartbeat = setInterval(() => progress.note(`${e.id}: building, ${packages} packages compiled`), 30_000);
  const code: number | null = await new Promise((resolve) => child.on('close', (c) => resolve(c)));
  clearInterval(heartbeat);
  const seconds = Math.round((Date.now() - started) / 1000);
  if (code !== 0 || !existsSync(out)) {
    rmSync(scratch, { recursive: true, force: true });
    throw new BuildError(
      `${e.id}: go ${args[0]} of ${e.module}@${e.moduleVersion} failed (exit ${code}) after ${seconds} s:\n${tail.join('\n')}`,
    );
  }
  renameSync(out, path);
  const peakMiB = peakKiB === undefined ? undefined : Math.round(peakKiB / 1024);
  const record: BuildRecord = { recipe, seconds, ...(peakMiB === undefined ? {} : { peakMiB }), builtAt: new Date().toISOString() };
  writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  rmSync(scratch, { recursive: true, force: true });
  return { engine: e, path, seconds, ...(peakMiB === undefined ? {} : { peakMiB }) };
}
