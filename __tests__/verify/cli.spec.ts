/**
 * The command line in-process (runVerify with an in-memory connection and a fake clock):
 * arguments, config, cluster names, manifests, kubeconfig lookup, output, JUnit, exit codes and
 * credential redaction. The real client-node path runs in e2e.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, HELP, parseArgs, redactSecrets, runVerify, type VerifyDeps } from '../../verify/cli';
import type { KubeconfigSource } from '../../verify/kubeconfig-source';
import { ConnectError } from '../../verify/kubeconfig-source';
import { FAKE_TOKEN, FIXTURE_CONFIG, FIXTURE_DIST, writeKubeconfig } from './helpers/cli-process';
import { CONTOSOFIN_POLICY, FakeCluster, type Behaviour } from './helpers/fake-cluster';
import { FakeClock, FakeKubeApi, fakeConnection } from './helpers/fake-kube-api';
import { xmlProblem } from './helpers/xml-check';
import { tempDir } from '../support/temp';

const kubeconfig = writeKubeconfig('https://contosofin-aks-dns-12345678.hcp.eastus.azmk8s.io:443');

interface Outcome {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
  readonly sources: KubeconfigSource[];
  readonly fake: FakeCluster;
}

async function cli(
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; behaviour?: Behaviour; secrets?: string[]; contextName?: string; connectError?: string; authorization?: string } = {},
): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const sources: KubeconfigSource[] = [];
  const fake = new FakeCluster(opts.behaviour ?? { installed: 'gatekeeper' }, CONTOSOFIN_POLICY);
  const deps: VerifyDeps = {
    connect: async (source) => {
      sources.push(source);
      if (opts.connectError) throw new ConnectError(opts.connectError);
      return fakeConnection(new FakeKubeApi(fake, { authorization: opts.authorization }), {
        secrets: () => opts.secrets ?? [],
        ...(opts.contextName ? { contextName: opts.contextName, clusterName: opts.contextName } : {}),
      });
    },
    clock: new FakeClock(),
  };
  const env = opts.env ?? { AKS_DAY2_CONFIG: FIXTURE_CONFIG, KUBECONFIG: kubeconfig.path };
  const code = await runVerify(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) }, deps);
  return { code, out, err, sources, fake };
}

const base = ['--cluster', 'contosofin', '--dist', FIXTURE_DIST];

describe('usage (exit 2)', () => {
  test('--help prints the checks, options and exit codes, exit 0', async () => {
    const { code, out } = await cli(['--help']);
    expect(code).toBe(EXIT.passed);
    expect(out).toEqual([HELP]);
    for (const id of ['nodes', 'api-endpoints', 'policy-installed', 'policy-works', 'smoke-job', 'prometheus-agent']) expect(HELP).toContain(`  ${id} `);
    expect(HELP).toMatch(/exit codes:\n  0  every selected check passed \(of every cluster\)\n  1  a check failed/);
  });

  test.each([
    [['--cluster'], '--cluster needs a value'],
    [['--cluster', 'contosofin', '--nope'], 'unexpected argument "--nope"'],
    [
      ['--cluster', 'contosofin', '--only', 'nodes,bogus'],
      '--only: unknown check id "bogus" (ids: nodes, api-endpoints, policy-installed, policy-works, smoke-job, prometheus-agent, ' +
        'roles-granted, audit-logs-arriving, flow-logs-arriving, firewall-allowlist, policy-compliant, alerts-wired)',
    ],
    [['--cluster', 'contosofin', '--only', 'roles-granted'], '--only: roles-granted is an Azure check: add --azure'],
    [['--cluster', 'contosofin', '--since', '2h'], '--since applies to the Azure checks: add --azure'],
    [['--cluster', 'contosofin', '--send-test-notification'], '--send-test-notification applies to the Azure checks: add --azure'],
    [['--cluster', 'contosofin', '--azure', '--since', '0'], '--since must be a whole number of minutes (90, 90m) or hours (2h), got "0"'],
    [['--cluster', 'contosofin', '--azure', '--since', '1d'], '--since must be a whole number of minutes (90, 90m) or hours (2h), got "1d"'],
    [['--cluster', 'contosofin', '--timeout=-1'], '--timeout must be a positive number of seconds, got "-1"'],
    [['--cluster', 'contosofin', '--timeout', '-1'], '--timeout needs a value (for a value that starts with "-", write --timeout=<value>)'],
    [['--cluster', 'contosofin', 'smoke-job'], 'unexpected argument "smoke-job"'],
    [['--cluster', 'contosofin', '--timeout', '1e3'], '--timeout must be a positive number of seconds, got "1e3"'],
    [['--cluster', 'a', '--cluster=b'], '--cluster given twice'],
  ])('%j → %s', async (argv, message) => {
    const { code, err } = await cli(argv);
    expect(code).toBe(EXIT.usage);
    expect(err[0]).toBe(`aks-day2 verify: ${message}`);
  });

  test('--cluster missing or unknown: lists the clusters of the config', async () => {
    const missing = await cli([]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.err).toEqual([`aks-day2 verify: --cluster or --all is required (clusters in ${FIXTURE_CONFIG}: contosofin, contosovap, contosoazp, bare, contosoprom)`]);
    const unknown = await cli(['--cluster', 'contoso']);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.err).toEqual([`aks-day2 verify: unknown cluster "contoso"; clusters in ${FIXTURE_CONFIG}: contosofin, contosovap, contosoazp, bare, contosoprom`]);
  });

  test('--only with a check the config does not enable', async () => {
    const { code, err } = await cli(['--cluster', 'bare', '--only', 'nodes,smoke-job']);
    expect(code).toBe(EXIT.usage);
    expect(err).toEqual([`aks-day2 verify: smoke-job does not apply: the cluster has no smokeTest in the config (cluster bare in ${FIXTURE_CONFIG})`]);
  });

  test('parseArgs accepts --flag=value and fractional seconds', () => {
    expect(parseArgs(['--cluster=c', '--timeout=0.5', '--request-timeout', '2', '--only', 'nodes, smoke-job'])).toMatchObject({
      cluster: 'c',
      timeoutMs: 500,
      requestTimeoutMs: 2000,
      only: ['nodes', 'smoke-job'],
      dist: 'dist',
    });
  });
});

describe('setup errors (exit 3), before any API call', () => {
  test('an invalid config prints its problems', async () => {
    const dir = tempDir('aks-day2-verify-cfg-');
    writeFileSync(join(dir, 'bad.yaml'), 'clusters:\n  - name: Bad_Name\n');
    const { code, err, sources } = await cli(base, { env: { AKS_DAY2_CONFIG: join(dir, 'bad.yaml'), KUBECONFIG: kubeconfig.path } });
    expect(code).toBe(EXIT.setup);
    expect(err[0]).toMatch(/^aks-day2 verify: .*bad\.yaml: \d+ problems? in the config:/);
    expect(sources).toEqual([]);
  });

  test('dist/<cluster>/ missing: run npm run synth', async () => {
    const { code, err } = await cli(['--cluster', 'contosofin', '--dist', join(FIXTURE_DIST, 'nowhere')]);
    expect(code).toBe(EXIT.setup);
    expect(err).toEqual([`aks-day2 verify: ${join(FIXTURE_DIST, 'nowhere', 'contosofin')}/ does not exist: run \`npm run synth\` to synthesize the manifests verify reads`]);
  });

  test('--dist naming a file is a setup error, not a stack trace', async () => {
    const dir = tempDir('aks-day2-verify-dist-');
    writeFileSync(join(dir, 'file'), '');
    const { code, err } = await cli(['--cluster', 'contosofin', '--dist', join(dir, 'file')]);
    expect(code).toBe(EXIT.setup);
    expect(err).toEqual([`aks-day2 verify: cannot read ${join(dir, 'file', 'contosofin')}/: ENOTDIR`]);
  });

  test('nodes and api-endpoints alone need no manifests', async () => {
    const { code } = await cli(['--cluster', 'contosofin', '--dist', join(FIXTURE_DIST, 'nowhere'), '--only', 'nodes,api-endpoints']);
    expect(code).toBe(EXIT.passed);
  });

  test('no kubeconfig: says where it looked and how to get credentials for this cluster', async () => {
    const home = tempDir('aks-day2-home-');
    const { code, err, sources } = await cli(base, { env: { AKS_DAY2_CONFIG: FIXTURE_CONFIG, HOME: home } });
    expect(code).toBe(EXIT.setup);
    expect(err).toEqual([
      `aks-day2 verify: no kubeconfig: KUBECONFIG is not set and ${join(home, '.kube', 'config')} does not exist. Get credentials with: az aks get-credentials -g contosofin-rg -n contosofin-aks`,
    ]);
    expect(sources).toEqual([]);
  });

  test('KUBECONFIG naming a missing file; ~/.kube/config used when KUBECONFIG is unset', async () => {
    const missing = await cli(base, { env: { AKS_DAY2_CONFIG: FIXTURE_CONFIG, KUBECONFIG: '/nonexistent/kubeconfig' } });
    expect(missing.code).toBe(EXIT.setup);
    expect(missing.err[0]).toMatch(/KUBECONFIG is set, but \/nonexistent\/kubeconfig does not exist\. Get credentials with: az aks get-credentials/);

    const home = tempDir('aks-day2-home-');
    const kube = join(home, '.kube');
    require('node:fs').mkdirSync(kube);
    writeFileSync(join(kube, 'config'), 'apiVersion: v1\n');
    const found = await cli(base, { env: { AKS_DAY2_CONFIG: FIXTURE_CONFIG, HOME: home } });
    expect(found.sources).toEqual([{ kind: 'files', paths: [join(kube, 'config')] }]);
  });

  test('an unusable kubeconfig (e.g. unknown --context) is a setup error with its message', async () => {
    const { code, err } = await cli([...base, '--context', 'x'], { connectError: '--context x: not in the kubeconfig (contexts: contosofin-aks-admin)' });
    expect(code).toBe(EXIT.setup);
    expect(err).toEqual(['aks-day2 verify: --context x: not in the kubeconfig (contexts: contosofin-aks-admin)']);
  });

  test('--junit still gets a file: one error testcase', async () => {
    const junit = join(tempDir('aks-day2-junit-'), 'sub', 'verify.xml');
    const home = tempDir('aks-day2-home-');
    await cli([...base, '--junit', junit], { env: { AKS_DAY2_CONFIG: FIXTURE_CONFIG, HOME: home } });
    const xml = readFileSync(junit, 'utf8');
    expect(xmlProblem(xml)).toBeUndefined();
    expect(xml).toMatch(/<error message="no kubeconfig: KUBECONFIG is not set/);
  });
});

describe('a run', () => {
  test('all pass: header, one line per check, summary; exit 0; JUnit written', async () => {
    const junit = join(tempDir('aks-day2-junit-'), 'verify.xml');
    const { code, out, err } = await cli([...base, '--junit', junit]);
    expect(code).toBe(EXIT.passed);
    expect(err).toEqual([]);
    expect(out[0]).toBe(
      `aks-day2 verify: cluster contosofin from ${FIXTURE_CONFIG} (AKS contosofin-aks), context contosofin-aks-admin, API server https://contosofin-aks-dns-12345678.hcp.eastus.azmk8s.io`,
    );
    expect(out.filter((l) => /^(PASS|FAIL|SKIP) /.test(l)).map((l) => l.slice(0, 21).trim())).toEqual([
      'PASS nodes',
      'PASS api-endpoints',
      'PASS policy-installed',
      'PASS policy-works',
      'PASS smoke-job',
    ]);
    // Default --timeout 180 s polls the Job every 2 s (fake clock: no real waiting).
    expect(out.at(-1)).toBe('verify contosofin: 5 passed, 0 failed of 5 check(s) in 2.00 s');
    expect(xmlProblem(readFileSync(junit, 'utf8'))).toBeUndefined();
    expect(readFileSync(junit, 'utf8')).toContain('tests="5" failures="0" errors="0" skipped="0" time="2.000"');
  });

  test('a failed check: exit 1', async () => {
    const { code, out } = await cli(base, { behaviour: { installed: 'gatekeeper', notReadyNodes: ['aks-system-12345678-vmss000000'] } });
    expect(code).toBe(EXIT.failed);
    expect(out.find((l) => l.startsWith('FAIL nodes'))).toMatch(/not Ready: aks-system-12345678-vmss000000 \(Ready=Unknown/);
  });

  test('--only runs the named checks, in the runbook order', async () => {
    const { code, out, fake } = await cli([...base, '--only', 'api-endpoints,nodes']);
    expect(code).toBe(EXIT.passed);
    expect(out.filter((l) => /^PASS /.test(l)).map((l) => l.split(/\s+/)[1])).toEqual(['nodes', 'api-endpoints']);
    expect(fake.writes).toEqual([]);
  });

  test('checks the config does not enable are noted, not run', async () => {
    const { code, out } = await cli(['--cluster', 'bare', '--dist', FIXTURE_DIST]);
    expect(code).toBe(EXIT.passed);
    expect(out.slice(1, 5)).toEqual([
      'note: policy-installed not run: the cluster has no policy in the config',
      'note: policy-works not run: the cluster has no policy in the config',
      'note: smoke-job not run: the cluster has no smokeTest in the config',
      'note: prometheus-agent not run: the cluster has no alerts.prometheus in the config',
    ]);
  });

  test('alerts.prometheus: the agent check runs after the others; managed Prometheus off, or one part of it missing, fails the run; a node Pod being created does not', async () => {
    const prom = ['--cluster', 'contosoprom', '--dist', FIXTURE_DIST];
    const on = await cli(prom, { behaviour: {} });
    expect(on.code).toBe(EXIT.passed);
    expect(on.out.filter((l) => /^(PASS|FAIL|SKIP) /.test(l)).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'PASS nodes',
      'PASS api-endpoints',
      'PASS prometheus-agent',
    ]);
    const off = await cli(prom, { behaviour: { prometheusAgent: 'absent' } });
    expect(off.code).toBe(EXIT.failed);
    expect(off.out.find((l) => l.startsWith('FAIL prometheus-agent'))).toContain('managed Prometheus is off');
    const noNodeAgent = await cli(prom, { behaviour: { prometheusAgent: { 'ama-metrics-node': 'absent' } } });
    expect(noNodeAgent.code).toBe(EXIT.failed);
    const line = noNodeAgent.out.find((l) => l.startsWith('FAIL prometheus-agent'))!;
    expect(line).toContain('got: no Ready Pod of ama-metrics-node: ama-metrics: 2/2 Ready; ama-metrics-node: no Pod (dsName=ama-metrics-node); ama-metrics-ksm: 1/1 Ready');
    expect(line).not.toContain('managed Prometheus is off');
    const rollout = await cli(prom, { behaviour: { prometheusAgent: { 'ama-metrics-node': 'rollout' } } });
    expect(rollout.code).toBe(EXIT.passed);
    expect(rollout.out.find((l) => l.startsWith('PASS prometheus-agent'))).toContain('not Ready: ama-metrics-node-tq4lm on aks-user-12345678-vmss000001 (Pending, ContainerCreating)');
  });

  test('a context that does not look like the cluster: warning on stderr, checks still run', async () => {
    const { code, err } = await cli(base, { contextName: 'kind-dev' });
    expect(code).toBe(EXIT.passed);
    expect(err).toEqual([
      `warning: context "kind-dev" (cluster "kind-dev") does not look like contosofin-aks's; az aks get-credentials names it contosofin-aks. Checking it anyway; pass --context to choose another.`,
    ]);
  });

  test('progress lines go to stderr while the Job runs', async () => {
    const { err, code } = await cli([...base, '--only', 'smoke-job', '--timeout', '1'], { behaviour: { job: 'never' } });
    expect(code).toBe(EXIT.failed);
    expect(err).toEqual([
      '... smoke-job: waiting for Job default/aks-day2-smoke (active 1), 0.25 s of 1 s',
      '... smoke-job: waiting for Job default/aks-day2-smoke (active 1), 0.5 s of 1 s',
      '... smoke-job: waiting for Job default/aks-day2-smoke (active 1), 0.75 s of 1 s',
    ]);
  });

  test('a credential echoed by the server is redacted everywhere, JUnit included', async () => {
    const junit = join(tempDir('aks-day2-junit-'), 'verify.xml');
    const { code, out, err } = await cli([...base, '--junit', junit], {
      behaviour: { installed: 'gatekeeper', token: FAKE_TOKEN, rbacForbidden: /constrainttemplates/, echoCredentialInForbidden: true },
      authorization: `Bearer ${FAKE_TOKEN}`,
      secrets: [FAKE_TOKEN, `Bearer ${FAKE_TOKEN}`],
    });
    expect(code).toBe(EXIT.failed);
    const all = [...out, ...err, readFileSync(junit, 'utf8')].join('\n');
    expect(all).not.toContain(FAKE_TOKEN);
    expect(out.find((l) => l.startsWith('FAIL policy-installed'))).toContain('User "token:[redacted]" cannot get resource "constrainttemplates"');
  });

  test('redactSecrets: longest first, short strings left alone', () => {
    expect(redactSecrets('Authorization: Bearer abcdefgh12345678 and abcdefgh12345678', ['abcdefgh12345678', 'Bearer abcdefgh12345678'])).toBe(
      'Authorization: [redacted] and [redacted]',
    );
    expect(redactSecrets('a default value', ['a', 'default'])).toBe('a default value');
  });

  test('a --junit path that cannot be written is reported, the exit code stays the checks\'', async () => {
    const file = join(tempDir('aks-day2-junit-'), 'f');
    writeFileSync(file, '');
    const { code, err } = await cli([...base, '--only', 'nodes', '--junit', join(file, 'verify.xml')]);
    expect(code).toBe(EXIT.passed);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(new RegExp(`^aks-day2 verify: cannot write --junit .*/f/verify\\.xml: (ENOTDIR|EEXIST)$`));
    expect(existsSync(join(file, 'verify.xml'))).toBe(false);
  });
});
