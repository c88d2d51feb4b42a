#!/usr/bin/env node
// `npm run bench`: wall time and peak memory of the whole `npm run synth` command (both apps)
// for generated configs of 1, 10 and 100 clusters, each run as its own process, as CI runs it;
// then the README's test command (`npm test`: type check + every jest suite) and its parts, and the
// same command on a fresh clone (cold caches).
// Prints numbers and the machine they were taken on; asserts nothing
// (targets: 1 cluster < 1 s, 100 clusters < 5 s, npm test < 20 s on 2 cores).
// BENCH_RUNS (default 3), BENCH_SIZES (default 1,10,100), BENCH_TEST=0 skips npm test,
// BENCH_FRESH=0 skips npm test on a fresh clone,
// BENCH_BARREL=0 skips the root-import reference.
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, writeFileSync, rmSync, symlinkSync } = require('node:fs');
const { tmpdir, cpus, totalmem } = require('node:os');
const { join } = require('node:path');
const YAML = require('yaml');

const root = join(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS || 3);
const sizes = (process.env.BENCH_SIZES || '1,10,100').split(',').map(Number);
const example = YAML.parse(readFileSync(join(root, '__tests__', 'fixtures', 'contosofin.yaml'), 'utf8'));

/** The example cluster, repeated with unique names and storage accounts. */
function configOf(n) {
  const clusters = [];
  for (let i = 0; i < n; i++) {
    const c = structuredClone(example.clusters[0]);
    const id = String(i).padStart(3, '0');
    c.name = `${c.name}${id}`;
    c.aksName = `${c.aksName}${id}`;
    clusters.push(c);
  }
  return YAML.stringify({ ...example, clusters });
}

// Reports the child's peak RSS (KiB on Linux) on stderr as it exits.
const probeDir = mkdtempSync(join(tmpdir(), 'aks-day2-bench-'));
process.on('exit', () => rmSync(probeDir, { recursive: true, force: true }));
const probe = join(probeDir, 'rss.cjs');
writeFileSync(
  probe,
  "process.on('exit', () => require('fs').writeSync(2, `\\nBENCH_MAXRSS=${process.resourceUsage().maxRSS}\\n`));\n",
);

function measure(args, env, cwd) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', probe, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const rss = Number(/BENCH_MAXRSS=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  return { ms, rss };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

const cpu = cpus();
console.log(
  `aks-day2 bench: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ${runs} runs each (median, min)`,
);
console.log('clusters  wall (median)  wall (min)  peak RSS   files');
for (const n of sizes) {
  const cwd = mkdtempSync(join(tmpdir(), `aks-day2-bench-${n}-`));
  const config = join(cwd, 'config.yaml');
  writeFileSync(config, configOf(n));
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(measure([join(root, 'scripts', 'run.cjs'), 'synth'], { AKS_DAY2_CONFIG: config }, cwd));
  const files = spawnSync('find', ['cdktf.out', 'dist', '-type', 'f'], { cwd, encoding: 'utf8' }).stdout.trim().split('\n').length;
  console.log(
    `${String(n).padStart(8)}  ${fmt(median(samples.map((s) => s.ms))).padStart(13)}  ${fmt(Math.min(...samples.map((s) => s.ms))).padStart(10)}  ${median(samples.map((s) => s.rss)).toFixed(0).padStart(5)} MiB  ${String(files).padStart(5)}`,
  );
  rmSync(cwd, { recursive: true, force: true });
}

// Reference: what the conventional root import of the provider alone costs.
if (process.env.BENCH_BARREL !== '0') {
  const barrel = measure(['-e', "require('@cdktf/provider-azurerm')"], {}, root);
  console.log(`reference: require('@cdktf/provider-azurerm') alone: ${fmt(barrel.ms)}, ${barrel.rss.toFixed(0)} MiB`);
}

// The README's test command, as a user runs it (one run: it takes seconds, and its parts show
// where the time goes). CI=true as on a CI runner, so no snapshot is written. jest writes its
// results as JSON beside the normal output: each test file's own time, and which files failed.
if (process.env.BENCH_TEST !== '0') {
  const timed = (cmd, args, cwd = root) => {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, env: { ...process.env, CI: 'true' }, encoding: 'utf8' });
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, r };
  };
  /** One line, no stack trace: what failed and where to look. */
  const failed = (what, r, detail) => {
    console.error(`bench: ${what} failed (exit ${r.status})${detail ? `: ${detail}` : ''}; run it alone to see why`);
    process.exit(1);
  };
  const typecheck = timed('npm', ['run', '-s', 'typecheck']);
  if (typecheck.r.status !== 0) {
    failed('the type check (npm run typecheck)', typecheck.r, (typecheck.r.stdout + typecheck.r.stderr).split('\n').find((l) => l.trim()));
  }
  const results = join(probeDir, 'jest.json');
  const test = timed('npm', ['test', '--silent', '--', '--json', `--outputFile=${results}`]);
  let report;
  try {
    report = JSON.parse(readFileSync(results, 'utf8'));
  } catch {
    report = undefined;
  }
  const file = (t) => t.name.slice(root.length + 1);
  if (test.r.status !== 0) {
    const red = report ? report.testResults.filter((t) => t.status !== 'passed').map(file) : [];
    failed('npm test', test.r, red.length > 0 ? `failing test files: ${red.join(', ')}` : undefined);
  }
  console.log(`npm test: ${fmt(test.ms)} wall (of which the type check alone: ${fmt(typecheck.ms)})`);
  if (report) {
    // Each file's own wall time (jest runs them on both cores at once, so they add up to more).
    const files = report.testResults
      .map((t) => ({ name: file(t), ms: t.endTime - t.startTime, tests: t.assertionResults.length }))
      .sort((a, b) => b.ms - a.ms);
    for (const f of files) console.log(`  ${fmt(f.ms).padStart(8)}  ${f.name} (${f.tests} tests)`);
  }

  // The same command on a fresh clone of HEAD, as a new user's first `npm test` after `npm ci`:
  // no bundles in .build/, no type-check or jest cache. node_modules is this checkout's, linked
  // (an install would take a minute and change nothing measured). BENCH_FRESH=0 skips it.
  if (process.env.BENCH_FRESH !== '0') {
    const clone = mkdtempSync(join(tmpdir(), 'aks-day2-bench-clone-'));
    try {
      const git = spawnSync('git', ['clone', '--quiet', root, clone], { encoding: 'utf8' });
      if (git.status !== 0) failed('git clone of this checkout', git, git.stderr.trim());
      symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));
      const first = timed('npm', ['test', '--silent', '--', `--cacheDirectory=${join(clone, '.jest-cache')}`], clone);
      if (first.r.status !== 0) failed('npm test on a fresh clone', first.r, `run it in a clone of ${root}`);
      console.log(`npm test on a fresh clone of HEAD (no bundles, no caches): ${fmt(first.ms)} wall`);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  }
}

// `verify --all` over a fleet of loopback clusters (BENCH_FLEET, default 100; 0 skips): the
// example cluster repeated, synthesized, each with its own emulated API server on 127.0.0.1 (the
// tests' __tests__/verify/helpers: Gatekeeper's policy, a smoke Job that completes) and its own
// kubeconfig context, checked by the real command at its default --parallel. Target: 100 clusters
// under 60 s on 2 cores. The servers run in this process, so the command runs beside it.
const fleetSize = Number(process.env.BENCH_FLEET ?? 100);
if (fleetSize > 0) {
  (async () => {
    const { spawn } = require('node:child_process');
    const { loadTs } = require('./load-ts.cjs');
    // The test helpers register their temp folders' cleanup with jest's afterAll; here the
    // bench's own clean-up at exit runs them.
    const cleanups = [];
    globalThis.afterAll = (fn) => cleanups.push(fn);
    process.on('exit', () => cleanups.forEach((fn) => fn()));
    const { FakeCluster, policyUnderTest } = loadTs('__tests__/verify/helpers/fake-cluster.ts');
    const { startFakeApiServer } = loadTs('__tests__/verify/helpers/fake-api-server.ts');
    const cwd = mkdtempSync(join(tmpdir(), 'aks-day2-bench-fleet-'));
    const config = join(cwd, 'config.yaml');
    writeFileSync(config, configOf(fleetSize));
    const dist = join(cwd, 'dist');
    const synth = spawnSync(process.execPath, [join(root, 'scripts', 'run.cjs'), 'synth', '--only', 'kubernetes', '--config', config], {
      cwd,
      env: { ...process.env, CDK8S_OUTDIR: dist },
      encoding: 'utf8',
    });
    if (synth.status !== 0) {
      console.error(`bench: synth of the fleet failed (exit ${synth.status}): ${synth.stderr.split('\n')[0]}`);
      process.exit(1);
    }
    const clusters = YAML.parse(readFileSync(config, 'utf8')).clusters;
    const servers = [];
    for (const c of clusters) {
      servers.push({ aks: c.aksName, server: await startFakeApiServer(new FakeCluster({ installed: 'gatekeeper' }, policyUnderTest(join(dist, c.name)))) });
    }
    const kubeconfig = join(cwd, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      YAML.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        // Plain HTTP on loopback: client-node speaks it only with insecure-skip-tls-verify.
        clusters: servers.map((s) => ({ name: s.aks, cluster: { server: s.server.url, 'insecure-skip-tls-verify': true } })),
        users: [{ name: 'bench', user: { token: 'bench-token-not-a-secret' } }],
        contexts: servers.map((s) => ({ name: s.aks, context: { cluster: s.aks, user: 'bench' } })),
        'current-context': servers[0].aks,
      }),
    );
    const start = process.hrtime.bigint();
    // --timeout 10: the emulated Jobs complete on their second poll (every timeout/20 s).
    const child = spawn(
      process.execPath,
      ['-r', probe, join(root, 'scripts', 'run.cjs'), 'verify', '--all', '--config', config, '--dist', dist, '--kubeconfig', kubeconfig, '--timeout', '10', '--junit', join(cwd, 'verify.xml')],
      { cwd, env: { ...process.env, KUBECONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    for (const s of servers) await s.server.close();
    rmSync(cwd, { recursive: true, force: true });
    const rss = Number(/BENCH_MAXRSS=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
    const last = stdout.trim().split('\n').pop();
    if (code !== 0) {
      console.error(`bench: verify --all over ${fleetSize} clusters failed (exit ${code}): ${last}`);
      if (process.env.BENCH_DEBUG) console.error(stdout + stderr);
      process.exit(1);
    }
    console.log(`verify --all, ${fleetSize} loopback clusters (default --parallel): ${fmt(ms)} wall, ${rss.toFixed(0)} MiB peak; ${last}`);
  })();
}
