/**
 * `npm run conformance`: the real engines judge what aks-day2 synthesizes. Builds each engine
 * once (conformance/build.ts), runs each suite, prints every failure (file, object, the engine's
 * own message) and a closing table, and exits 1 on any failure, 0 when all passed, 2 on a usage
 * error. An engine that cannot be built fails the run unless it is skipped with --skip, which
 * the closing table shows.
 */
import { parseFlags } from '../lib/args';
import { exitCleanlyOnInterrupt } from '../lib/interrupt';
import { BuildError, cacheRoot, type Built, type ensureBuilt } from './build';
import type { Engine, EngineId } from './engines';
import { cleanUp, cleanUpNow } from './processes';
import { progressTo, table, type Row } from './progress';
import type { Failure, Suite, SuiteResult } from './suite';

const usage = (suites: readonly Suite[]) => `usage: npm run conformance -- [--only <suite>[,<suite>…]] [--skip <engine>[,<engine>…]] [--build-only]

Builds the pinned engines (conformance/engines.ts) from the Go module proxy into
${'$'}AKS_DAY2_ENGINE_CACHE or ~/.cache/aks-day2/engines (once; later runs reuse them), then runs:
${suites.map((s) => `  ${s.id.padEnd(15)} ${s.describe}`).join('\n')}

  --only <suites>    run only these suites (and build only what they need)
  --skip <engines>   do not build or run these engines; suites that need them are skipped,
                     which the closing table says (a skipped engine is not a failure)
  --build-only       build the engines and stop
`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** What a run uses: conformance/cli.ts passes the real ones; tests pass their own (no engine is built there). */
export interface Deps {
  readonly suites: readonly Suite[];
  readonly engines: readonly Engine[];
  readonly build: typeof ensureBuilt;
}

const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io, root: string, deps: Deps): Promise<number> {
  const { suites: allSuites, engines: allEngines } = deps;
  const parsed = parseFlags(argv, { only: { type: 'string' }, skip: { type: 'string' }, 'build-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if ('error' in parsed) {
    io.err(`conformance: ${parsed.error}\n\n${usage(allSuites)}`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(usage(allSuites));
    return 0;
  }
  const only = list(parsed.values.only);
  const skip = list(parsed.values.skip);
  for (const id of only) {
    if (!allSuites.some((s) => s.id === id)) {
      io.err(`conformance: --only: no suite "${id}" (suites: ${allSuites.map((s) => s.id).join(', ')})\n`);
      return 2;
    }
  }
  for (const id of skip) {
    if (!allEngines.some((e) => e.id === id)) {
      io.err(`conformance: --skip: no engine "${id}" (engines: ${allEngines.map((e) => e.id).join(', ')})\n`);
      return 2;
    }
  }

  const stopListening = exitCleanlyOnInterrupt(() => {
    cleanUpNow();
    return 'conformance: interrupted; stopped every process it started and removed its temporary folders';
  }, (line) => io.err(`${line}\n`));
  try {
    return await run(env, io, root, only, skip as EngineId[], parsed.values['build-only'] === true, deps);
  } finally {
    await cleanUp();
    stopListening();
  }
}

async function run(env: NodeJS.ProcessEnv, io: Io, root: string, only: string[], skip: EngineId[], buildOnly: boolean, deps: Deps): Promise<number> {
  const progress = progressTo((line) => io.err(line));
  const suites = deps.suites.filter((s) => only.length === 0 || only.includes(s.id));
  const needed = deps.engines.filter((e) => suites.some((s) => s.needs.includes(e.id)));
  progress.step(`engines: ${needed.map((e) => `${e.id} ${e.version}`).join(', ')}; cache ${cacheRoot(env)}`);

  const built = new Map<EngineId, Built>();
  const buildFailed = new Map<EngineId, string>();
  for (const e of needed) {
    if (skip.includes(e.id)) continue;
    try {
      const b = await deps.build(root, e, env, progress);
      built.set(e.id, b);
      progress.note(b.seconds === undefined ? `${e.id}: cached` : `${e.id}: built in ${b.seconds} s${b.peakMiB ? `, peak ${b.peakMiB} MiB` : ''}`);
    } catch (err) {
      if (!(err instanceof BuildError)) throw err;
      buildFailed.set(e.id, err.message);
      progress.note(`${e.id}: cannot be built: ${err.message.split('\n')[0]}`);
    }
  }

  const results = new Map<string, SuiteResult | { readonly notRun: string; readonly failed: boolean }>();
  for (const suite of suites) {
    const skipped = suite.needs.filter((id) => skip.includes(id));
    const broken = suite.needs.filter((id) => buildFailed.has(id));
    if (skipped.length > 0) {
      results.set(suite.id, { notRun: `skipped: --skip ${skipped.join(',')}`, failed: false });
      continue;
    }
    if (broken.length > 0) {
      results.set(suite.id, { notRun: `not run: ${broken.join(', ')} could not be built`, failed: true });
      continue;
    }
    if (buildOnly) continue;
    progress.step(`${suite.id}: ${suite.describe}`);
    try {
      results.set(suite.id, await suite.run({ root, env, progress, engines: built }));
    } catch (err) {
      results.set(suite.id, { run: 0, passed: 0, failures: [{ file: '-', object: suite.id, message: `the suite stopped: ${(err as Error).stack ?? err}` }] });
    }
  }

  // Failures first, each naming the file, the object and the engine's own message.
  const failures: Array<Failure & { suite: string }> = [];
  for (const [id, r] of results) if ('failures' in r) for (const f of r.failures) failures.push({ ...f, suite: id });
  for (const f of failures) io.out(`FAIL ${f.suite}: ${f.file}: ${f.object}\n${indent(f.message)}\n`);
  for (const [id, message] of buildFailed) io.out(`FAIL build ${id}:\n${indent(message)}\n`);
  for (const [id, r] of results) if ('notes' in r && r.notes) for (const n of r.notes) io.out(`note ${id}: ${n}\n`);

  io.out(`\n${table(rows(needed, suites, built, buildFailed, skip, results))}`);
  const failed = failures.length > 0 || buildFailed.size > 0 || [...results.values()].some((r) => 'notRun' in r && r.failed);
  const skippedNote = skip.length > 0 ? ` (skipped on request: --skip ${skip.join(',')})` : '';
  io.out(failed ? `conformance: FAILED${skippedNote}\n` : `conformance: passed${skippedNote}\n`);
  return failed ? 1 : 0;
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}

function rows(
  engines: readonly Engine[],
  suites: readonly Suite[],
  built: ReadonlyMap<EngineId, Built>,
  buildFailed: ReadonlyMap<EngineId, string>,
  skip: readonly EngineId[],
  results: ReadonlyMap<string, SuiteResult | { readonly notRun: string; readonly failed: boolean }>,
): Row[] {
  return engines.map((e) => {
    const id = e.id;
    const b = built.get(id);
    const build = skip.includes(id)
      ? 'skipped (--skip)'
      : buildFailed.has(id)
        ? 'failed'
        : b?.seconds !== undefined
          ? `${b.seconds} s`
          : b?.cached
            ? `cached (${b.cached.seconds} s)`
            : '-';
    // A suite's cases are counted on the row of the engine it is named after.
    const own = suites.filter((s) => s.needs[0] === id);
    let run = 0;
    let passed = 0;
    let failed = 0;
    const notes: string[] = [];
    for (const s of own) {
      const r = results.get(s.id);
      if (!r) continue;
      if ('notRun' in r) notes.push(r.notRun);
      else {
        run += r.run;
        passed += r.passed;
        failed += r.failures.length;
      }
    }
    if (e.note) notes.push(e.note);
    return { engine: id, version: e.version, build, run, passed, failed, note: notes.join('; ') };
  });
}
