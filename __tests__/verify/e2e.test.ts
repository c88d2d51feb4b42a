/**
 * The real thing minus the cluster: `node scripts/run.cjs verify …` (what `npm run verify`
 * runs: esbuild bundles, @kubernetes/client-node bundled into one file) against an HTTP server on
 * 127.0.0.1 that answers like a Kubernetes API server (helpers/fake-cluster.ts: emulated shapes,
 * not a recording of a live cluster). The kubeconfig carries a recognizable fake token that
 * must never appear in stdout, stderr or the JUnit file.
 *
 * Seven child processes, started together in beforeAll (about 1 s of CPU each). No answer has
 * to beat a timeout: the one short request timeout is met by a server that never answers, the
 * Job wait by a Job that never finishes. Everything the in-memory tests cover in detail is only
 * sampled here.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { renderCluster } from '../../charts/render';
import { loadConfig } from '../../config/load';
import { startFakeApiServer, type FakeApiServer } from './helpers/fake-api-server';
import { CONTOSOVAP_POLICY, FakeCluster, policyUnderTest, type Behaviour, type PolicyUnderTest } from './helpers/fake-cluster';
import { FAKE_TOKEN, FIXTURE_DIST, ROOT, distWithConfigMapSmoke, runVerifyProcess, writeKubeconfig, type CliRun } from './helpers/cli-process';
import { xmlProblem } from './helpers/xml-check';
import { CHILD_PROCESS_LIMIT_MS } from '../support/limits';
import { tempDir } from '../support/temp';

interface Scenario {
  readonly run: CliRun;
  readonly fake: FakeCluster;
  readonly server: FakeApiServer;
  readonly junit: string;
}

const out = tempDir('aks-day2-verify-e2e-');

async function scenario(
  name: string,
  behaviour: Behaviour,
  args: string[],
  opts: { policy?: PolicyUnderTest; cluster?: string; aks?: string; token?: string; closeFirst?: boolean; dist?: string; config?: string } = {},
): Promise<Scenario> {
  const fake = new FakeCluster(behaviour, opts.policy);
  const server = await startFakeApiServer(fake);
  if (opts.closeFirst) await server.close(); // nothing listens on the port any more: connection refused
  const kubeconfig = writeKubeconfig(server.url, opts.token ?? FAKE_TOKEN, opts.aks);
  const junit = join(out, `${name}.xml`);
  const run = await runVerifyProcess(['--cluster', opts.cluster ?? 'contosofin', '--dist', opts.dist ?? FIXTURE_DIST, '--junit', junit, ...args], {
    KUBECONFIG: kubeconfig.path,
    ...(opts.config ? { AKS_DAY2_CONFIG: opts.config } : {}),
  });
  if (!opts.closeFirst) await server.close();
  return { run, fake, server, junit };
}

let healthy: Scenario;
let faults: Scenario;
let hanging: Scenario;
let refused: Scenario;
let unauthorized: Scenario;
let vap: Scenario;
let brokenKubeconfig: CliRun;
const brokenPath = join(out, 'broken-kubeconfig');

/**
 * The healthy run uses what charts/ synthesizes from the contosofin fixture (rendered here, so the
 * test does not depend on dist/ being committed): the real Job, policy names and allow-list.
 */
const EXAMPLE = join(ROOT, '__tests__', 'fixtures', 'contosofin.yaml');
const example = loadConfig(EXAMPLE).clusters[0];
const exampleDist = join(out, 'dist');
for (const [path, text] of renderCluster(example)) {
  mkdirSync(dirname(join(exampleDist, example.name, path)), { recursive: true });
  writeFileSync(join(exampleDist, example.name, path), text);
}
const exampleJob = parseAllDocuments(readFileSync(join(exampleDist, example.name, 'smoke-test', 'smoke-test.yaml'), 'utf8'))
  .map((d) => d.toJS())
  .find((o) => o?.kind === 'Job');
const EXAMPLE_POLICY: PolicyUnderTest = policyUnderTest(join(exampleDist, example.name));

beforeAll(async () => {
  // YAML errors quote the lines around the problem: here, the token.
  writeFileSync(brokenPath, `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${FAKE_TOKEN}\n   oops: [\n`);
  // --timeout 20 where the Job completes: it does at its second read, one poll (a twentieth of
  // the timeout) after the first, so a slow machine has twenty times what it needs.
  [healthy, faults, hanging, refused, unauthorized, vap, brokenKubeconfig] = await Promise.all([
    scenario('healthy', { token: FAKE_TOKEN, installed: 'gatekeeper', job: 'completes' }, ['--timeout', '20'], {
      policy: EXAMPLE_POLICY,
      dist: exampleDist,
      config: EXAMPLE,
    }),
    scenario(
      'faults',
      {
        token: FAKE_TOKEN,
        installed: 'gatekeeper',
        notReadyNodes: ['aks-user-12345678-vmss000001'],
        apiServerIps: [],
        rbacForbidden: /constrainttemplates/,
        echoCredentialInForbidden: true,
        admission: 'webhook-timeout',
        job: 'unscheduled',
      },
      // The Job never finishes: --timeout is met however slowly the machine runs. (A progress line
      // comes at the first poll after a quarter of it; polls are a twentieth apart.)
      ['--timeout', '3'],
    ),
    // Accepts connections, never answers: the first request meets the (short) request timeout,
    // and no other request has to beat it, since none is made.
    scenario('hanging', { token: FAKE_TOKEN, slow: /./, slowMs: Infinity }, ['--request-timeout', '1']),
    // The default request timeout (15 s): a refused connection fails at once, not by the timeout.
    scenario('refused', { token: FAKE_TOKEN }, [], { closeFirst: true }),
    scenario('unauthorized', { token: 'the-token-the-server-wants' }, []),
    scenario('vap', { token: FAKE_TOKEN, installed: 'vap' }, ['--timeout', '20'], {
      policy: CONTOSOVAP_POLICY,
      cluster: 'contosovap',
      aks: 'contosovap-aks',
      dist: distWithConfigMapSmoke('contosovap'),
    }),
    runVerifyProcess(['--cluster', 'contosofin', '--dist', FIXTURE_DIST, '--junit', join(out, 'broken.xml')], { KUBECONFIG: brokenPath }),
  ]);
}, CHILD_PROCESS_LIMIT_MS + 10_000);

const lines = (s: Scenario) => s.run.stdout.split('\n').filter(Boolean);
const line = (s: Scenario, prefix: string) => lines(s).find((l) => l.startsWith(prefix)) ?? `(no line starting "${prefix}")`;
const everything = (s: Scenario) => [s.run.stdout, s.run.stderr, readFileSync(s.junit, 'utf8')].join('\n');

describe('against a healthy cluster (Gatekeeper), with the manifests synthesized from the example config', () => {
  test('every check passes, exit 0', () => {
    expect(healthy.run.stderr).toBe('');
    expect(healthy.run.code).toBe(0);
    expect(lines(healthy)[0]).toBe(
      `aks-day2 verify: cluster contosofin from ${EXAMPLE} (AKS contosofin-aks), context contosofin-aks-admin, API server ${healthy.server.url}`,
    );
    expect(lines(healthy).filter((l) => /^(PASS|FAIL|SKIP) /.test(l)).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'PASS nodes',
      'PASS api-endpoints',
      'PASS policy-installed',
      'PASS policy-works',
      'PASS smoke-job',
    ]);
    expect(line(healthy, 'PASS api-endpoints')).toMatch(/got: 20\.62\.134\.10:443 \(\d+\.\d\d s\)$/);
    expect(lines(healthy).at(-1)).toMatch(/^verify contosofin: 5 passed, 0 failed of 5 check\(s\) in \d+\.\d\d s$/);
  });

  test("client-node sent the kubeconfig's token on every request", () => {
    expect(healthy.fake.requests.length).toBeGreaterThan(10);
    expect(new Set(healthy.fake.requests.map((r) => r.authorization))).toEqual(new Set([`Bearer ${FAKE_TOKEN}`]));
  });

  test('the policy check only dry-ran (dryRun=All), and the 403 denial body came through', () => {
    const pods = healthy.fake.writes.filter((w) => w.includes('/pods'));
    expect(pods).toEqual([
      'POST /api/v1/namespaces/production/pods?dryRun=All',
      'POST /api/v1/namespaces/production/pods?dryRun=All',
      'POST /api/v1/namespaces/default/pods?dryRun=All',
    ]);
    expect(healthy.run.stdout).toContain(
      '     ok   production: centos refused: admission webhook "validation.gatekeeper.sh" denied the request: [allowed-repos] container "probe" (spec.containers) has image "centos"',
    );
  });

  test('the smoke Job: deleted first, created from the manifest, log shown, deleted with Background propagation', () => {
    expect(healthy.fake.writes.filter((w) => w.includes('/jobs'))).toEqual([
      'DELETE /apis/batch/v1/namespaces/default/jobs/aks-day2-smoke?propagationPolicy=Background',
      'POST /apis/batch/v1/namespaces/default/jobs',
      'DELETE /apis/batch/v1/namespaces/default/jobs/aks-day2-smoke?propagationPolicy=Background',
    ]);
    // What client-node serialized is the synthesized Job, every field of it (its models drop
    // fields they do not know; none may be lost).
    const created = healthy.fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/jobs'))!.body;
    expect(exampleJob).toMatchObject({ kind: 'Job', metadata: { name: 'aks-day2-smoke', namespace: 'default' } });
    expect(created).toEqual(exampleJob);
    expect(healthy.run.stdout).toContain('     log | PASS blocked http://www.superman.com: HTTP 470 Action: Deny\n');
    expect(healthy.fake.jobs.size).toBe(0);
  });

  test('JUnit: well-formed, five passing testcases', () => {
    const xml = readFileSync(healthy.junit, 'utf8');
    expect(xmlProblem(xml)).toBeUndefined();
    expect(xml).toMatch(/<testsuite name="aks-day2 verify contosofin" tests="5" failures="0" errors="0" skipped="0" time="\d+\.\d{3}">/);
  });

  test('the token never appears in stdout, stderr or JUnit', () => {
    expect(everything(healthy)).not.toContain(FAKE_TOKEN);
  });
});

describe('against a cluster with every fault at once', () => {
  test('exit 1, every check failed with its own reason', () => {
    expect(faults.run.code).toBe(1);
    expect(line(faults, 'FAIL nodes')).toMatch(
      /got: 2\/3 Ready; not Ready: aks-user-12345678-vmss000001 \(Ready=Unknown: NodeStatusUnknown: Kubelet stopped posting node status\.\)/,
    );
    expect(line(faults, 'FAIL api-endpoints')).toMatch(/got: no EndpointSlice labelled kubernetes\.io\/service-name=kubernetes in namespace default/);
    expect(line(faults, 'FAIL policy-installed')).toMatch(
      /got: 403 Forbidden: constrainttemplates\.templates\.gatekeeper\.sh "k8sallowedrepos" is forbidden: User "token:\[redacted\]" cannot get resource "constrainttemplates"/,
    );
    expect(line(faults, 'FAIL policy-works')).toMatch(/an admission webhook timed out: Internal error occurred: failed calling webhook "validation\.gatekeeper\.sh"/);
    // Its Pod never got a node: the API server's 204 for its log reaches client-node as a body it cannot parse.
    expect(line(faults, 'FAIL smoke-job')).toMatch(
      /got: still running after \d+(\.\d+)? s \(active 1\); raise --timeout if it needs longer; no log: Pod aks-day2-smoke-x7k2p has no node yet \(unschedulable\? kubectl -n default describe pod aks-day2-smoke-x7k2p\)/,
    );
    expect(lines(faults).at(-1)).toMatch(/^verify contosofin: 0 passed, 5 failed of 5 check\(s\)/);
  });

  test('progress lines on stderr while the Job runs; the Job is deleted anyway', () => {
    expect(faults.run.stderr).toMatch(/^\.\.\. smoke-job: waiting for Job default\/aks-day2-smoke \(active 1\), \d+\.\d+ s of 3 s$/m);
    expect(faults.fake.jobs.size).toBe(0);
  });

  test('the credential the server echoed is redacted everywhere', () => {
    expect(everything(faults)).not.toContain(FAKE_TOKEN);
    expect(readFileSync(faults.junit, 'utf8')).toContain('User &quot;token:[redacted]&quot;');
  });

  test('JUnit: five failures, well-formed', () => {
    const xml = readFileSync(faults.junit, 'utf8');
    expect(xmlProblem(xml)).toBeUndefined();
    expect(xml).toContain('tests="5" failures="5" errors="0" skipped="0"');
  });
});

describe('when the API cannot be used', () => {
  test('an API server that accepts connections and never answers: the first check times out, the rest are not run', () => {
    expect(hanging.run.code).toBe(1);
    const timedOut = `no answer from the API server at ${hanging.server.url} within 1 s`;
    expect(line(hanging, 'FAIL nodes')).toContain(`got: ${timedOut}`);
    const skipped = lines(hanging).filter((l) => l.startsWith('SKIP '));
    expect(skipped).toHaveLength(4);
    for (const l of skipped) expect(l).toContain(`got: not run: ${timedOut}`);
    expect(hanging.fake.requests.map((r) => r.path)).toEqual(['/api/v1/nodes']);
  });

  test('connection refused: clear message, the other checks not run, exit 1', () => {
    expect(refused.run.code).toBe(1);
    expect(line(refused, 'FAIL nodes')).toContain(`got: cannot reach the API server at ${refused.server.url}: connection refused (ECONNREFUSED)`);
    expect(lines(refused).filter((l) => l.startsWith('SKIP '))).toHaveLength(4);
    expect(readFileSync(refused.junit, 'utf8')).toContain('tests="5" failures="1" errors="0" skipped="4"');
    expect(refused.fake.requests).toEqual([]);
  });

  test('401: says the credentials were rejected, no further requests, token not printed', () => {
    expect(unauthorized.run.code).toBe(1);
    expect(line(unauthorized, 'FAIL nodes')).toContain("got: 401 Unauthorized: the API server rejected the kubeconfig's credentials");
    expect(lines(unauthorized).filter((l) => l.startsWith('SKIP '))).toHaveLength(4);
    expect(unauthorized.fake.requests).toHaveLength(1);
    expect(everything(unauthorized)).not.toContain(FAKE_TOKEN);
  });

  test('a kubeconfig that does not parse: exit 3, the reason without the quoted lines', () => {
    expect(brokenKubeconfig.code).toBe(3);
    expect(brokenKubeconfig.stderr).toBe(`aks-day2 verify: cannot read kubeconfig ${brokenPath}: bad indentation of a mapping entry\n`);
    expect(brokenKubeconfig.stdout).toBe('');
    expect(readFileSync(join(out, 'broken.xml'), 'utf8')).not.toContain(FAKE_TOKEN);
  });
});

describe('against a cluster with a ValidatingAdmissionPolicy and a script ConfigMap', () => {
  test('passes: 403 denials of the synthesized VAP recognized, ConfigMap applied before the Job and deleted after', () => {
    expect(vap.run.stderr).toBe('');
    expect(vap.run.code).toBe(0);
    expect(vap.run.stdout).toContain(
      `     ok   staging: centos refused: pods "aks-day2-verify-denied" is forbidden: ValidatingAdmissionPolicy 'allowed-repos' with binding 'allowed-repos' denied request: container "probe" (spec.containers) has image "centos"`,
    );
    expect(vap.fake.writes.filter((w) => !w.includes('/pods'))).toEqual([
      'DELETE /apis/batch/v1/namespaces/smoke/jobs/aks-day2-smoke?propagationPolicy=Background',
      'DELETE /api/v1/namespaces/smoke/configmaps/aks-day2-smoke-script',
      'POST /api/v1/namespaces/smoke/configmaps',
      'POST /apis/batch/v1/namespaces/smoke/jobs',
      'DELETE /apis/batch/v1/namespaces/smoke/jobs/aks-day2-smoke?propagationPolicy=Background',
      'DELETE /api/v1/namespaces/smoke/configmaps/aks-day2-smoke-script',
    ]);
    expect(vap.fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/configmaps'))!.body).toMatchObject({
      kind: 'ConfigMap',
      metadata: { name: 'aks-day2-smoke-script', namespace: 'smoke' },
      data: { 'smoke.sh': 'echo fixture\n' },
    });
  });
});
