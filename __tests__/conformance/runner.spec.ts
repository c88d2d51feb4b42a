/**
 * conformance/main.ts, the runner, with stand-in suites and builds (no engine is built or run
 * here): what it builds, what it runs, what it prints and how it exits. And
 * conformance/processes.ts: what it starts is stopped, what it creates is removed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { BuildError, type Built } from '../../conformance/build';
import type { Engine, EngineId } from '../../conformance/engines';
import { main, type Deps } from '../../conformance/main';
import { cleanUpNow, tempDir, track } from '../../conformance/processes';
import { table } from '../../conformance/progress';
import type { Suite } from '../../conformance/suite';

const engineOf = (id: EngineId): Engine => ({
  id,
  version: `v1-${id}`,
  module: `example.com/${id}`,
  moduleVersion: 'v1.0.0',
  recipe: { kind: 'install', pkg: `example.com/${id}` },
  binary: id,
});

function harness(opts: { brokenBuild?: EngineId; suites?: Suite[] } = {}) {
  const built: EngineId[] = [];
  const ran: string[] = [];
  const suite = (id: string, needs: EngineId[], failures: number): Suite => ({
    id,
    needs,
    describe: `the ${id} suite`,
    async run(ctx) {
      ran.push(id);
      for (const n of needs) expect(ctx.engines.get(n)?.path).toBe(`/cache/${n}`);
      return {
        run: 3,
        passed: 3 - failures,
        failures: Array.from({ length: failures }, (_, i) => ({ file: `dist/c/${i}.yaml`, object: `Pod p${i}`, message: `engine says no ${i}` })),
      };
    },
  });
  const deps: Deps = {
    engines: (['tofu', 'azurerm', 'opa', 'gator'] as EngineId[]).map(engineOf),
    suites: opts.suites ?? [suite('tofu', ['tofu', 'azurerm'], 0), suite('opa', ['opa'], 0), suite('gator', ['gator'], 1)],
    build: async (_root, e): Promise<Built> => {
      built.push(e.id);
      if (e.id === opts.brokenBuild) throw new BuildError(`${e.id}: go install of ${e.module}@${e.moduleVersion} failed (exit 1) after 3 s:\nmodule not served`);
      return e.id === 'opa' ? { engine: e, path: `/cache/${e.id}`, cached: { recipe: 'r', seconds: 42, builtAt: 'then' } } : { engine: e, path: `/cache/${e.id}`, seconds: 7 };
    },
  };
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  return {
    built,
    ran,
    run: async (argv: string[]) => {
      const code = await main(argv, {}, io, '/repo', deps);
      return { code, out, err };
    },
  };
}

describe('the runner', () => {
  test('builds what the suites need, runs them, prints each failure and the closing table; a failure exits 1', async () => {
    const h = harness();
    const { code, out, err } = await h.run([]);
    expect(h.built).toEqual(['tofu', 'azurerm', 'opa', 'gator']);
    expect(h.ran).toEqual(['tofu', 'opa', 'gator']);
    expect(out).toContain('FAIL gator: dist/c/0.yaml: Pod p0\n    engine says no 0\n');
    expect(out).toMatch(/^tofu +v1-tofu +7 s +3 +3 +0$/m);
    expect(out).toMatch(/^opa +v1-opa +cached \(42 s\) +3 +3 +0$/m);
    expect(out).toMatch(/^gator +v1-gator +7 s +3 +2 +1$/m);
    expect(out.trimEnd().split('\n').pop()).toBe('conformance: FAILED');
    expect(err).toMatch(/\[ *\d+s\] gator: the gator suite/);
    expect(code).toBe(1);
  });

  test('--only runs some suites and builds only their engines; all passed exits 0', async () => {
    const h = harness();
    const { code, out } = await h.run(['--only', 'tofu,opa']);
    expect(h.built).toEqual(['tofu', 'azurerm', 'opa']);
    expect(h.ran).toEqual(['tofu', 'opa']);
    expect(out).not.toMatch(/^gator/m);
    expect(out.trimEnd().split('\n').pop()).toBe('conformance: passed');
    expect(code).toBe(0);
  });

  test('an engine that cannot be built: the run goes on, the suite is not run, the reason is printed, exit 1', async () => {
    const h = harness({ brokenBuild: 'azurerm' });
    const { code, out } = await h.run([]);
    expect(h.ran).toEqual(['opa', 'gator']);
    expect(out).toContain('FAIL build azurerm:\n    azurerm: go install of example.com/azurerm@v1.0.0 failed (exit 1) after 3 s:\n    module not served');
    expect(out).toMatch(/^tofu .*not run: azurerm could not be built$/m);
    expect(out).toMatch(/^azurerm +v1-azurerm +failed/m);
    expect(code).toBe(1);
  });

  test('--skip leaves an engine out: its suites are skipped, the table says so, and that alone is no failure', async () => {
    const h = harness({ suites: undefined });
    const { code, out } = await h.run(['--skip', 'gator']);
    expect(h.built).not.toContain('gator');
    expect(h.ran).toEqual(['tofu', 'opa']);
    expect(out).toMatch(/^gator +v1-gator +skipped \(--skip\) +0 +0 +0 +skipped: --skip gator$/m);
    expect(out.trimEnd().split('\n').pop()).toBe('conformance: passed (skipped on request: --skip gator)');
    expect(code).toBe(0);
  });

  test.each([
    [['--only', 'nope'], '--only: no suite "nope" (suites: tofu, opa, gator)'],
    [['--skip', 'nope'], '--skip: no engine "nope" (engines: tofu, azurerm, opa, gator)'],
    [['--bogus'], 'unexpected argument "--bogus"'],
  ])('%j is a usage error (exit 2), nothing built', async (argv, message) => {
    const h = harness();
    const { code, err } = await h.run(argv);
    expect(err).toContain(`conformance: ${message}`);
    expect(h.built).toEqual([]);
    expect(code).toBe(2);
  });

  test('a suite that throws is a failure naming the suite, and the others still run', async () => {
    const boom: Suite = { id: 'tofu', needs: ['tofu'], describe: 'x', run: async () => Promise.reject(new Error('tofu crashed')) };
    const ok: Suite = { id: 'opa', needs: ['opa'], describe: 'y', run: async () => ({ run: 1, passed: 1, failures: [] }) };
    const h = harness({ suites: [boom, ok] });
    const { code, out } = await h.run([]);
    expect(out).toMatch(/FAIL tofu: -: tofu\n {4}the suite stopped: Error: tofu crashed/);
    expect(out).toMatch(/^opa +v1-opa +cached \(42 s\) +1 +1 +0$/m);
    expect(code).toBe(1);
  });
});

describe('the closing table', () => {
  test('columns are padded to their widest cell; no trailing spaces', () => {
    const text = table([
      { engine: 'tofu', version: 'v1.12.6', build: '312 s', run: 94, passed: 94, failed: 0 },
      { engine: 'kube-apiserver', version: 'v1.36.3', build: 'cached (8 s)', run: 5, passed: 4, failed: 1, note: 'one note' },
    ]);
    expect(text.split('\n')).toEqual([
      'engine          version  build         cases  passed  failed  note',
      '--------------  -------  ------------  -----  ------  ------  --------',
      'tofu            v1.12.6  312 s         94     94      0',
      'kube-apiserver  v1.36.3  cached (8 s)  5      4       1       one note',
      '',
    ]);
  });
});

describe('processes', () => {
  test('cleanUpNow stops a tracked child and what it started (its process group) and removes temp folders', async () => {
    const dir = tempDir('spec');
    // A shell that starts a grandchild: both must go.
    const child = spawn('sh', ['-c', 'sleep 300 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    track(child, 'sleeper');
    const grandchild = await new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    cleanUpNow();
    await exited;
    expect(existsSync(dir)).toBe(false);
    // The grandchild got SIGKILL with its group: gone, or a zombie (state Z) until reaped.
    const dead = () => {
      try {
        return readFileSync(`/proc/${grandchild}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
      } catch {
        return true;
      }
    };
    while (!dead()) await new Promise((r) => setImmediate(r));
    expect(dead()).toBe(true);
  });
});
