/**
 * The checks, in-process, against the emulated API server (helpers/fake-cluster.ts) through the
 * in-memory KubeApi, on a fake clock: every answer shape and fault the issue lists, with no
 * waiting. The same emulation is served over HTTP to the real CLI in e2e.test.ts.
 */
import { join } from 'node:path';
import { parseConfig } from '../../config/load';
import { readFileSync } from 'node:fs';
import type { CheckContext, CheckId } from '../../verify/check';
import { ALL_CHECKS } from '../../verify/checks';
import { findPolicy, findSmoke, readManifestFiles } from '../../verify/manifests';
import { runChecks, type CheckResult } from '../../verify/runner';
import * as shapes from './fixtures/api-shapes';
import { FIXTURE_CONFIG, FIXTURE_DIST, distWithConfigMapSmoke } from './helpers/cli-process';
import { policyWorksCheck } from '../../verify/checks/policy-works';
import { prometheusAgentCheck } from '../../verify/checks/prometheus-agent';
import type { ClusterConfig, PolicyEnforcement } from '../../config/model';
import { CONTOSOFIN_POLICY, CONTOSOVAP_POLICY, FakeCluster, matchesLabelSelector, type Behaviour } from './helpers/fake-cluster';
import { FakeClock, FakeKubeApi } from './helpers/fake-kube-api';

const clusters = parseConfig(readFileSync(FIXTURE_CONFIG, 'utf8')).clusters;

interface Run {
  readonly results: CheckResult[];
  readonly byId: Record<string, CheckResult>;
  readonly fake: FakeCluster;
  readonly progress: string[];
  readonly clock: FakeClock;
}

async function run(
  behaviour: Behaviour,
  opts: {
    cluster?: 'contosofin' | 'contosovap';
    only?: CheckId[];
    timeoutMs?: number;
    requestTimeoutMs?: number;
    unreachable?: boolean;
    /** Another dist/ root (e.g. with the ConfigMap smoke variant). */
    dist?: string;
    /** The config's policy.enforcement, as if the fixture said so. */
    enforcement?: PolicyEnforcement;
  } = {},
): Promise<Run> {
  const name = opts.cluster ?? 'contosofin';
  const configured = clusters.find((c) => c.name === name)!;
  const cluster: ClusterConfig = opts.enforcement ? { ...configured, policy: { ...configured.policy!, enforcement: opts.enforcement } } : configured;
  const fake = new FakeCluster(behaviour, name === 'contosofin' ? CONTOSOFIN_POLICY : CONTOSOVAP_POLICY);
  const dir = join(opts.dist ?? FIXTURE_DIST, name);
  const files = readManifestFiles(dir);
  const clock = new FakeClock();
  const progress: string[] = [];
  const ctx: CheckContext = {
    api: new FakeKubeApi(fake, { requestTimeoutMs: opts.requestTimeoutMs, unreachable: opts.unreachable }),
    cluster,
    distDir: dir,
    policy: findPolicy(files, cluster.policy!.engine, dir, cluster),
    smoke: findSmoke(files, dir),
    clock,
    timeoutMs: opts.timeoutMs ?? 5000,
    progress: (line) => progress.push(line),
  };
  // As the CLI does: --only as given, else every check the config enables.
  const checks = ALL_CHECKS.filter((c) => (opts.only ? opts.only.includes(c.id) : !c.notApplicable(cluster)));
  const results = await runChecks(checks, ctx, () => undefined);
  return { results, byId: Object.fromEntries(results.map((r) => [r.id, r])), fake, progress, clock };
}

describe('nodes', () => {
  test('every node Ready passes and names them', async () => {
    const { byId } = await run({}, { only: ['nodes'] });
    expect(byId.nodes).toMatchObject({ status: 'passed', expected: 'every node Ready' });
    expect(byId.nodes.got).toBe(`3/3 Ready (${shapes.NODE_NAMES.join(', ')})`);
  });

  test('a NotReady node fails the check, named with its condition', async () => {
    const { byId } = await run({ notReadyNodes: ['aks-user-12345678-vmss000001'] }, { only: ['nodes'] });
    expect(byId.nodes.status).toBe('failed');
    expect(byId.nodes.got).toBe(
      '2/3 Ready; not Ready: aks-user-12345678-vmss000001 (Ready=Unknown: NodeStatusUnknown: Kubelet stopped posting node status.)',
    );
  });
});

describe('api-endpoints', () => {
  test("lists the kubernetes Service's ready addresses with the port, read from EndpointSlices", async () => {
    const { byId, fake } = await run({ apiServerIps: ['20.62.134.11', '20.62.134.10'] }, { only: ['api-endpoints'] });
    expect(byId['api-endpoints']).toMatchObject({ status: 'passed', got: '20.62.134.10:443, 20.62.134.11:443' });
    expect(fake.requests.map((r) => `${r.path}?${r.query}`)).toEqual([
      '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dkubernetes',
    ]);
  });

  test('no slice fails', async () => {
    const { byId } = await run({ apiServerIps: [] }, { only: ['api-endpoints'] });
    expect(byId['api-endpoints']).toMatchObject({ status: 'failed', got: 'no EndpointSlice labelled kubernetes.io/service-name=kubernetes in namespace default' });
  });

  test('an answer slower than the request timeout fails that check, and the rest are not run', async () => {
    const { byId } = await run({ installed: 'gatekeeper', slow: /endpointslices/, slowMs: 2000 }, { only: ['nodes', 'api-endpoints', 'policy-installed'], requestTimeoutMs: 300 });
    expect(byId.nodes.status).toBe('passed');
    expect(byId['api-endpoints']).toMatchObject({ status: 'failed', got: expect.stringMatching(/^no answer from the API server at .* within 0\.3 s$/) });
    expect(byId['policy-installed']).toMatchObject({ status: 'skipped', got: expect.stringMatching(/^not run: no answer from the API server at .* within 0\.3 s$/) });
  });
});

describe('policy-installed', () => {
  test('Gatekeeper: template created, constraint present and enforcing', async () => {
    const { byId, fake } = await run({ installed: 'gatekeeper' }, { only: ['policy-installed'] });
    expect(byId['policy-installed']).toMatchObject({
      status: 'passed',
      expected: 'ConstraintTemplate k8sallowedrepos created; K8sAllowedRepos allowed-repos present, enforcementAction deny (policy.enforcement deny)',
      got: 'template created; K8sAllowedRepos allowed-repos present, enforcementAction deny; audit: 0 existing violation(s)',
    });
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/apis/templates.gatekeeper.sh/v1/constrainttemplates/k8sallowedrepos',
      '/apis/constraints.gatekeeper.sh/v1beta1/k8sallowedrepos/allowed-repos',
    ]);
  });

  test('Gatekeeper not installed: says so', async () => {
    const { byId } = await run({ installed: 'nothing' }, { only: ['policy-installed'] });
    expect(byId['policy-installed'].status).toBe('failed');
    expect(byId['policy-installed'].got).toMatch(/^ConstraintTemplate k8sallowedrepos not found \(is Gatekeeper installed\? apply .*contosofin\/gatekeeper-templates\/\)$/);
  });

  test('template not (yet) created by Gatekeeper', async () => {
    const { byId } = await run({ installed: 'gatekeeper', templateCreated: false }, { only: ['policy-installed'] });
    expect(byId['policy-installed']).toMatchObject({ status: 'failed', got: 'ConstraintTemplate k8sallowedrepos not created (status.created: undefined)' });
  });

  test('a constraint in dryrun refuses nothing: fails when the config says deny', async () => {
    const { byId } = await run({ installed: 'gatekeeper', enforcementAction: 'dryrun' }, { only: ['policy-installed'] });
    expect(byId['policy-installed'].status).toBe('failed');
    expect(byId['policy-installed'].got).toMatch(/enforcementAction dryrun \(policy\.enforcement deny means deny: apply .*\/policy\/\)/);
  });

  test.each([
    ['audit', 'dryrun', 'passed'],
    ['audit', 'deny', 'failed'],
    ['warn', 'warn', 'passed'],
    ['warn', 'dryrun', 'failed'],
    ['deny', 'warn', 'failed'],
  ] as const)('config %s, constraint %s on the cluster: %s', async (enforcement, live, status) => {
    const { byId } = await run({ installed: 'gatekeeper', enforcementAction: live }, { only: ['policy-installed'], enforcement });
    expect(byId['policy-installed'].status).toBe(status);
    expect(byId['policy-installed'].got).toContain(`enforcementAction ${live}`);
  });

  test('RBAC forbids reading templates: the 403 message, and the run goes on', async () => {
    const { byId } = await run({ installed: 'gatekeeper', rbacForbidden: /constrainttemplates/ }, { only: ['policy-installed', 'policy-works'] });
    expect(byId['policy-installed']).toMatchObject({
      status: 'failed',
      got: '403 Forbidden: constrainttemplates.templates.gatekeeper.sh "k8sallowedrepos" is forbidden: User "system:serviceaccount:ci:aks-day2-verify" cannot get resource "constrainttemplates" in API group "templates.gatekeeper.sh" at the cluster scope: Azure does not have opinion for this user.',
    });
    expect(byId['policy-works'].status).toBe('passed');
  });

  test('VAP: policy and binding (names from the manifests), Deny', async () => {
    const { byId, fake } = await run({ installed: 'vap' }, { cluster: 'contosovap', only: ['policy-installed'] });
    expect(byId['policy-installed']).toMatchObject({
      status: 'passed',
      expected: 'ValidatingAdmissionPolicy allowed-repos without type-check warnings; binding allowed-repos with validationActions [Deny] (policy.enforcement deny)',
      got: 'policy allowed-repos and binding allowed-repos present, validationActions [Deny]',
    });
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/allowed-repos',
      '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/allowed-repos',
    ]);
  });

  test.each([
    ['deny', ['Audit'], 'failed'],
    ['deny', ['Deny', 'Audit'], 'failed'],
    ['audit', ['Audit'], 'passed'],
    ['audit', ['Deny'], 'failed'],
    ['warn', ['Warn'], 'passed'],
  ] as const)('VAP: config %s, binding %j on the cluster: %s', async (enforcement, live, status) => {
    const { byId } = await run({ installed: 'vap', validationActions: live }, { cluster: 'contosovap', only: ['policy-installed'], enforcement });
    expect(byId['policy-installed'].status).toBe(status);
    if (status === 'failed') expect(byId['policy-installed'].got).toContain(`policy.enforcement ${enforcement} means`);
  });

  test('VAP with type-check warnings fails and quotes them', async () => {
    const warnings = [{ fieldRef: 'spec.validations[1].expression', warning: "ERROR: <input>:1:5: undefined field 'imagez'\n | x" }];
    const { byId } = await run({ installed: 'vap', vapWarnings: warnings }, { cluster: 'contosovap', only: ['policy-installed'] });
    expect(byId['policy-installed']).toMatchObject({
      status: 'failed',
      got: "type-check warnings: spec.validations[1].expression: ERROR: <input>:1:5: undefined field 'imagez'",
    });
  });

  test('VAP missing (e.g. Kubernetes before 1.30)', async () => {
    const { byId } = await run({ installed: 'nothing' }, { cluster: 'contosovap', only: ['policy-installed'] });
    expect(byId['policy-installed'].got).toMatch(/^ValidatingAdmissionPolicy allowed-repos not found .*Kubernetes 1\.30 or later\)$/);
  });
});

describe('policy-works (server-side dry run)', () => {
  test('Gatekeeper: centos refused in production with the policy message, an allowed image admitted, centos admitted in default', async () => {
    const { byId, fake } = await run({ installed: 'gatekeeper' }, { only: ['policy-works'] });
    const r = byId['policy-works'];
    expect(r.status).toBe('passed');
    expect(r.expected).toBe(
      'centos refused by K8sAllowedRepos allowed-repos in production; kevingbb/aks-day2-probe:latest admitted there; centos admitted in default',
    );
    expect(r.details).toEqual([
      'ok   production: centos refused: admission webhook "validation.gatekeeper.sh" denied the request: [allowed-repos] container "probe" (spec.containers) has image "centos", which is not from an allowed repo (allowed: kevingbb/, cr.l5d.io/linkerd/)',
      'ok   production: kevingbb/aks-day2-probe:latest (allowed image) admitted',
      'ok   default: centos (outside the policy) admitted',
    ]);
    // Nothing but dry runs: every write carried dryRun=All.
    expect(fake.writes).toEqual([
      'POST /api/v1/namespaces/production/pods?dryRun=All',
      'POST /api/v1/namespaces/production/pods?dryRun=All',
      'POST /api/v1/namespaces/default/pods?dryRun=All',
    ]);
    expect(fake.requests.map((q) => (q.body as any)?.spec?.containers?.[0]?.image).filter(Boolean)).toEqual([
      'centos',
      'kevingbb/aks-day2-probe:latest',
      'centos',
    ]);
  });

  test('VAP: 403 denial recognized by policy and binding name, in every policy namespace', async () => {
    const { byId } = await run({ installed: 'vap' }, { cluster: 'contosovap', only: ['policy-works'] });
    const r = byId['policy-works'];
    expect(r.status).toBe('passed');
    expect(r.details).toEqual([
      `ok   production: centos refused: pods "aks-day2-verify-denied" is forbidden: ValidatingAdmissionPolicy 'allowed-repos' with binding 'allowed-repos' denied request: container "probe" (spec.containers) has image "centos", which is not from an allowed repo (allowed: contosovapacr.azurecr.io/)`,
      'ok   production: contosovapacr.azurecr.io/aks-day2-probe:latest (allowed image) admitted',
      `ok   staging: centos refused: pods "aks-day2-verify-denied" is forbidden: ValidatingAdmissionPolicy 'allowed-repos' with binding 'allowed-repos' denied request: container "probe" (spec.containers) has image "centos", which is not from an allowed repo (allowed: contosovapacr.azurecr.io/)`,
      'ok   staging: contosovapacr.azurecr.io/aks-day2-probe:latest (allowed image) admitted',
      'ok   smoke: centos (outside the policy) admitted',
    ]);
  });

  test('a policy that admits everything fails, with the failurePolicy hint for Gatekeeper', async () => {
    const { byId } = await run({ installed: 'gatekeeper', admission: 'admit-all' }, { only: ['policy-works'] });
    const r = byId['policy-works'];
    expect(r.status).toBe('failed');
    expect(r.got).toMatch(/^production: centos was admitted, expected refusal by K8sAllowedRepos allowed-repos \(with Gatekeeper's default failurePolicy Ignore/);
  });

  test('a webhook timeout is named as such', async () => {
    const { byId } = await run({ installed: 'gatekeeper', admission: 'webhook-timeout' }, { only: ['policy-works'] });
    const r = byId['policy-works'];
    expect(r.status).toBe('failed');
    expect(r.details[0]).toMatch(/^FAIL production: centos: an admission webhook timed out: Internal error occurred: failed calling webhook "validation\.gatekeeper\.sh": .*context deadline exceeded$/);
    expect(r.details[1]).toMatch(/^FAIL production: kevingbb\/aks-day2-probe:latest \(allowed image\) expected admitted, got an admission webhook timed out/);
  });

  test.each(['gatekeeper', 'vap'] as const)('%s: a refusal by the policy that does not name the probed image fails (an empty allow-list refuses everything)', async (engine) => {
    const cluster = engine === 'gatekeeper' ? 'contosofin' : 'contosovap';
    const { byId } = await run({ installed: engine, admission: 'no-repos' }, { cluster, only: ['policy-works'] });
    const r = byId['policy-works'];
    expect(r.status).toBe('failed');
    expect(r.details[0]).toMatch(/^FAIL production: centos refused by the policy, but the message does not name the image: .*no allowed image repos are configured/);
    // The allowed image is refused too: the list is empty.
    expect(r.details[1]).toMatch(/^FAIL production: \S+ \(allowed image\) expected admitted, got refused: .*no allowed image repos are configured/);
  });

  test('not applicable when policy.enforcement is warn or audit: nothing is refused, so there is nothing to probe', () => {
    const cluster = clusters.find((c) => c.name === 'contosofin')!;
    expect(policyWorksCheck.notApplicable(cluster)).toBeUndefined();
    for (const enforcement of ['warn', 'audit'] as const) {
      expect(policyWorksCheck.notApplicable({ ...cluster, policy: { ...cluster.policy!, enforcement } })).toMatch(
        new RegExp(`^policy\\.enforcement is ${enforcement}: the policy refuses nothing`),
      );
    }
  });

  test('a refusal by something else (Pod Security) is not the policy working', async () => {
    const { byId } = await run({ installed: 'gatekeeper', admission: 'pod-security' }, { only: ['policy-works'] });
    expect(byId['policy-works'].details[0]).toMatch(/^FAIL production: centos refused, but not by K8sAllowedRepos allowed-repos: pods "aks-day2-verify-denied" is forbidden: violates PodSecurity/);
  });
});

describe('smoke-job', () => {
  test('applies the Job, waits, shows its log, deletes it (Background)', async () => {
    const { byId, fake, clock } = await run({ job: 'completes' }, { only: ['smoke-job'] });
    const r = byId['smoke-job'];
    expect(r.status).toBe('passed');
    expect(r.expected).toBe('Job default/aks-day2-smoke (from smoke-test/smoke-test.yaml) completes within 5 s');
    expect(r.got).toBe('completed after 0.25 s; log: PASS blocked http://www.superman.com: HTTP 470 Action: Deny');
    expect(r.details).toEqual([
      'log | PASS ingress http://100.64.2.4 answered HTTP 404',
      'log | PASS blocked http://www.superman.com: HTTP 470 Action: Deny',
      'cleanup: deleted Job default/aks-day2-smoke',
    ]);
    expect(fake.writes).toEqual([
      'DELETE /apis/batch/v1/namespaces/default/jobs/aks-day2-smoke?propagationPolicy=Background',
      'POST /apis/batch/v1/namespaces/default/jobs',
      'DELETE /apis/batch/v1/namespaces/default/jobs/aks-day2-smoke?propagationPolicy=Background',
    ]);
    expect(fake.jobs.size).toBe(0);
    expect(clock.sleeps).toEqual([250]);
    const created = fake.requests.find((q) => q.method === 'POST')!.body as any;
    expect(created.metadata).toMatchObject({ name: 'aks-day2-smoke', namespace: 'default' });
    expect(created.spec.template.spec.containers[0].name).toBe('smoke');
    // The log is read from the Job's Pod, found by the selector the server filled in.
    expect(fake.requests.find((q) => q.path === '/api/v1/namespaces/default/pods')!.query.get('labelSelector')).toBe(
      `batch.kubernetes.io/controller-uid=${shapes.JOB_UID}`,
    );
    expect(fake.requests.find((q) => q.path.endsWith('/log'))!.query.toString()).toBe('container=smoke&tailLines=40');
  });

  test('a failed Job fails the check with its reason and FAIL line, and is still deleted', async () => {
    const { byId, fake } = await run({ job: 'fails' }, { only: ['smoke-job'] });
    const r = byId['smoke-job'];
    expect(r.status).toBe('failed');
    expect(r.got).toBe(
      'failed after 0.25 s (BackoffLimitExceeded: Job has reached the specified backoff limit); log: FAIL blocked http://www.superman.com answered HTTP 200, expected blocked',
    );
    expect(fake.jobs.size).toBe(0);
  });

  test('a Job that never finishes: bounded by --timeout, progress lines while waiting, deleted', async () => {
    const { byId, fake, progress, clock } = await run({ job: 'never' }, { only: ['smoke-job'], timeoutMs: 2000 });
    const r = byId['smoke-job'];
    expect(r.status).toBe('failed');
    expect(r.got).toBe('still running after 2 s (active 1); raise --timeout if it needs longer; log: PASS ingress http://100.64.2.4 answered HTTP 404');
    expect(clock.t).toBe(2000);
    expect(progress).toEqual([
      'smoke-job: waiting for Job default/aks-day2-smoke (active 1), 0.5 s of 2 s',
      'smoke-job: waiting for Job default/aks-day2-smoke (active 1), 1 s of 2 s',
      'smoke-job: waiting for Job default/aks-day2-smoke (active 1), 1.5 s of 2 s',
    ]);
    expect(fake.jobs.size).toBe(0);
    expect(fake.writes.at(-1)).toBe('DELETE /apis/batch/v1/namespaces/default/jobs/aks-day2-smoke?propagationPolicy=Background');
  });

  test('a Job left from an earlier run is deleted first; a 409 while it goes is retried', async () => {
    const { byId, fake } = await run({ leftoverJob: true, jobConflictOnce: true }, { only: ['smoke-job'] });
    expect(byId['smoke-job'].status).toBe('passed');
    expect(fake.writes).toEqual([
      'DELETE /apis/batch/v1/namespaces/default/jobs/aks-day2-smoke?propagationPolicy=Background',
      'POST /apis/batch/v1/namespaces/default/jobs',
      'POST /apis/batch/v1/namespaces/default/jobs',
      'DELETE /apis/batch/v1/namespaces/default/jobs/aks-day2-smoke?propagationPolicy=Background',
    ]);
  });

  test('a script ConfigMap is applied before the Job and deleted after it; others are left alone', async () => {
    const { byId, fake } = await run({}, { cluster: 'contosovap', only: ['smoke-job'], dist: distWithConfigMapSmoke('contosovap') });
    expect(byId['smoke-job'].status).toBe('passed');
    expect(byId['smoke-job'].details.at(-1)).toBe('cleanup: deleted Job smoke/aks-day2-smoke and 1 ConfigMap(s)');
    expect(fake.writes).toEqual([
      'DELETE /apis/batch/v1/namespaces/smoke/jobs/aks-day2-smoke?propagationPolicy=Background',
      'DELETE /api/v1/namespaces/smoke/configmaps/aks-day2-smoke-script',
      'POST /api/v1/namespaces/smoke/configmaps',
      'POST /apis/batch/v1/namespaces/smoke/jobs',
      'DELETE /apis/batch/v1/namespaces/smoke/jobs/aks-day2-smoke?propagationPolicy=Background',
      'DELETE /api/v1/namespaces/smoke/configmaps/aks-day2-smoke-script',
    ]);
    expect(fake.configMaps.size).toBe(0);
  });
});

describe('prometheus-agent (alerts.prometheus needs managed Prometheus on the cluster)', () => {
  const prom = clusters.find((c) => c.name === 'contosoprom')!;
  const WORKSPACE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contosoprom-rg/providers/Microsoft.Monitor/accounts/contosoprom-amw';
  const EXPECTED =
    'a Ready Pod of each part of managed Prometheus in kube-system: ama-metrics (rsName=ama-metrics), ama-metrics-node (dsName=ama-metrics-node), ' +
    'ama-metrics-ksm (app.kubernetes.io/name=ama-metrics-ksm); feeding alerts.prometheus';
  const WHERE =
    `the rule groups query ${WORKSPACE}; the workspace the agent writes to is set by a data collection rule associated with the cluster: ` +
    'az monitor data-collection rule association list --resource "$(az aks show -g contosoprom-rg -n contosoprom-aks --query id -o tsv)" --query "[].dataCollectionRuleId" -o tsv, ' +
    'then for each rule id: az monitor data-collection rule show --ids <rule id> --query "destinations.monitoringAccounts[].accountResourceId" ' +
    "(managed Prometheus's rule names an Azure Monitor workspace there; compare ignoring case)";

  async function runAgent(behaviour: Behaviour) {
    const fake = new FakeCluster(behaviour);
    const ctx: CheckContext = {
      api: new FakeKubeApi(fake, {}),
      cluster: prom,
      distDir: join(FIXTURE_DIST, 'contosoprom'),
      clock: new FakeClock(),
      timeoutMs: 5000,
      progress: () => undefined,
    };
    const [result] = await runChecks([prometheusAgentCheck], ctx, () => undefined);
    return { result, fake };
  }

  test('applies only with alerts.prometheus', () => {
    expect(prometheusAgentCheck.notApplicable(prom)).toBeUndefined();
    expect(clusters.filter((c) => !prometheusAgentCheck.notApplicable(c)).map((c) => c.name)).toEqual(['contosoprom']);
    expect(prometheusAgentCheck.notApplicable(clusters.find((c) => c.name === 'contosofin')!)).toBe('the cluster has no alerts.prometheus in the config');
  });

  const SELECTORS = ['rsName=ama-metrics', 'dsName=ama-metrics-node', 'app.kubernetes.io/name=ama-metrics-ksm'];
  const ROLE = {
    deployment:
      'ama-metrics scrapes the cluster-wide targets, kube-state-metrics among them: the kube_* series every rule group reads come through it; ' +
      'look at it: kubectl -n kube-system describe deployment ama-metrics',
    node:
      "ama-metrics-node scrapes each Linux node's kubelet, cAdvisor and node-exporter: the kubelet_*, container_* and node_* series " +
      '(volume and disk usage, container CPU and memory, pod start-up latency rules); ' +
      'look at it: kubectl -n kube-system describe daemonsets -l app.kubernetes.io/name=ama-metrics-node',
    ksm:
      'ama-metrics-ksm is kube-state-metrics: the kube_* series (pods, nodes, deployments, jobs, volumes) every rule group reads; ' +
      'look at it: kubectl -n kube-system describe deployment ama-metrics-ksm',
  };

  test('all three parts Ready: passes, one list per part by its label, says where the rule groups look', async () => {
    const { result, fake } = await runAgent({});
    expect(result).toMatchObject({
      status: 'passed',
      expected: EXPECTED,
      got: 'ama-metrics: 2/2 Ready; ama-metrics-node: 3/3 Ready; ama-metrics-ksm: 1/1 Ready',
      details: [WHERE],
    });
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.query.get('labelSelector')}`)).toEqual(
      SELECTORS.map((sel) => `GET /api/v1/namespaces/kube-system/pods ${sel}`),
    );
  });

  test('no part has a Pod (managed Prometheus off): fails with the az command that turns it on for the configured workspace', async () => {
    const { result } = await runAgent({ prometheusAgent: 'absent' });
    expect(result).toMatchObject({
      status: 'failed',
      got: `no Pod of ama-metrics, ama-metrics-node or ama-metrics-ksm in kube-system: managed Prometheus is off, so the Prometheus rule groups get no data from this cluster; turn it on: az aks update -g contosoprom-rg -n contosoprom-aks --enable-azure-monitor-metrics --azure-monitor-workspace-resource-id ${WORKSPACE}`,
      details: [],
    });
  });

  test('the node DaemonSet missing, the rest Ready: fails naming it and what the rules lose, not "off"', async () => {
    const { result } = await runAgent({ prometheusAgent: { 'ama-metrics-node': 'absent' } });
    expect(result).toMatchObject({
      status: 'failed',
      got: 'no Ready Pod of ama-metrics-node: ama-metrics: 2/2 Ready; ama-metrics-node: no Pod (dsName=ama-metrics-node); ama-metrics-ksm: 1/1 Ready',
      details: [ROLE.node, WHERE],
    });
  });

  test('kube-state-metrics crash-looping and the Deployment missing: fails naming both, the crash-looping Pod with phase and reason', async () => {
    const { result } = await runAgent({ prometheusAgent: { 'ama-metrics': 'absent', 'ama-metrics-ksm': 'crashloop' } });
    expect(result).toMatchObject({
      status: 'failed',
      got:
        'no Ready Pod of ama-metrics and ama-metrics-ksm: ama-metrics: no Pod (rsName=ama-metrics); ama-metrics-node: 3/3 Ready; ' +
        'ama-metrics-ksm: 0/1 Ready, not Ready: ama-metrics-ksm-5c8f9d7b64-r2k7d (Running, CrashLoopBackOff)',
      details: [ROLE.deployment, ROLE.ksm, WHERE],
    });
  });

  test('everything crash-looping: fails, naming each Pod (DaemonSet Pods with their node)', async () => {
    const { result } = await runAgent({ prometheusAgent: 'crashloop' });
    expect(result).toMatchObject({
      status: 'failed',
      got:
        'no Ready Pod of ama-metrics, ama-metrics-node and ama-metrics-ksm: ' +
        'ama-metrics: 0/2 Ready, not Ready: ama-metrics-7d9c8b6f5-2xq8m (Running, CrashLoopBackOff), ama-metrics-7d9c8b6f5-k4w9z (Running, CrashLoopBackOff); ' +
        'ama-metrics-node: 0/3 Ready, not Ready: ama-metrics-node-5xq2d on aks-system-12345678-vmss000000 (Running, CrashLoopBackOff), ' +
        'ama-metrics-node-h8nwz on aks-user-12345678-vmss000000 (Running, CrashLoopBackOff), ama-metrics-node-tq4lm on aks-user-12345678-vmss000001 (Running, CrashLoopBackOff); ' +
        'ama-metrics-ksm: 0/1 Ready, not Ready: ama-metrics-ksm-5c8f9d7b64-r2k7d (Running, CrashLoopBackOff)',
      details: [ROLE.deployment, ROLE.node, ROLE.ksm, WHERE],
    });
  });

  test('a node DaemonSet Pod still being created (node upgrade or scale-out): passes, naming it, its node and the series missing meanwhile', async () => {
    const { result } = await runAgent({ prometheusAgent: { 'ama-metrics-node': 'rollout' } });
    expect(result).toMatchObject({
      status: 'passed',
      got:
        'ama-metrics: 2/2 Ready; ama-metrics-node: 2/3 Ready, not Ready: ama-metrics-node-tq4lm on aks-user-12345678-vmss000001 (Pending, ContainerCreating); ' +
        'ama-metrics-ksm: 1/1 Ready',
      details: [
        'ama-metrics-node: 1 of 3 Pod(s) not Ready; passes, as usual while nodes are upgraded or added and the add-on updates ' +
          '(until they are, the kubelet, cAdvisor and node-exporter series of aks-user-12345678-vmss000001 are missing). ' +
          'If it stays so: kubectl -n kube-system describe pod ama-metrics-node-tq4lm',
        WHERE,
      ],
    });
  });

  test('a Deployment rolling out (a new Pod beside a Ready one): passes with a detail', async () => {
    const { result } = await runAgent({ prometheusAgent: { 'ama-metrics-ksm': 'rollout' } });
    expect(result.status).toBe('passed');
    expect(result.got).toBe(
      'ama-metrics: 2/2 Ready; ama-metrics-node: 3/3 Ready; ama-metrics-ksm: 1/2 Ready, not Ready: ama-metrics-ksm-6f9b8c5d7-w4n8x (Pending, ContainerCreating)',
    );
    expect(result.details).toEqual([
      'ama-metrics-ksm: 1 of 2 Pod(s) not Ready; passes, as usual while nodes are upgraded or added and the add-on updates (another Pod is Ready). ' +
        'If it stays so: kubectl -n kube-system describe pod ama-metrics-ksm-6f9b8c5d7-w4n8x',
      WHERE,
    ]);
  });

  test('sized node DaemonSets (AKS Automatic: ama-metrics-node-s beside ama-metrics-node) are found by their Pod label', async () => {
    const { result } = await runAgent({ prometheusNodeSizes: true, prometheusAgent: { 'ama-metrics-node': 'rollout' } });
    expect(result.status).toBe('passed');
    expect(result.got).toContain(
      'ama-metrics-node: 2/3 Ready, not Ready: ama-metrics-node-s-tq4lm on aks-user-12345678-vmss000001 (Pending, ContainerCreating);',
    );
    const { result: down } = await runAgent({ prometheusNodeSizes: true, prometheusAgent: { 'ama-metrics-node': 'crashloop' } });
    expect(down.got).toContain('ama-metrics-node: 0/3 Ready, not Ready: ama-metrics-node-5xq2d on aks-system-12345678-vmss000000 (Running, CrashLoopBackOff), ama-metrics-node-s-h8nwz');
  });

  test('the emulated API server selects kube-system Pods by label as an API server does (equality-based selectors)', async () => {
    const api = new FakeKubeApi(new FakeCluster({ prometheusNodeSizes: true }), {});
    const names = async (selector: string) => (await api.listPods('kube-system', selector)).items.map((p) => p.metadata?.name);
    expect(await names('')).toHaveLength(7); // CoreDNS, 2 ama-metrics, 3 ama-metrics-node, 1 ama-metrics-ksm
    expect(await names('kubernetes.azure.com/managedby=aks')).toHaveLength(7);
    expect(await names('k8s-app')).toEqual(['coredns-6f9d8c7b5-p2m4k']);
    expect(await names('dsName=ama-metrics-node,kubernetes.azure.com/ds-tshirt-size=s')).toEqual(['ama-metrics-node-s-h8nwz', 'ama-metrics-node-s-tq4lm']);
    expect(await names('dsName==ama-metrics-node,kubernetes.azure.com/ds-tshirt-size!=s')).toEqual(['ama-metrics-node-5xq2d']);
    expect(await names('dsName=ama-metrics-node,!kubernetes.azure.com/ds-tshirt-size')).toEqual(['ama-metrics-node-5xq2d']);
    expect(await names('rsName=ama-metrics-ksm')).toEqual([]);
    expect(() => matchesLabelSelector({}, 'dsName in (ama-metrics-node)')).toThrow('set-based selector not emulated');
  });

  test('README and docs/verify.md give the commands the detail line gives, not azureMonitorProfile.metrics (no workspace there)', () => {
    const root = join(__dirname, '..', '..');
    for (const file of ['README.md', 'docs/verify.md']) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(text).toContain('az monitor data-collection rule association list');
      expect(text).toContain('--query "[].dataCollectionRuleId" -o tsv');
      expect(text).toContain('--query "destinations.monitoringAccounts[].accountResourceId"');
      // `azureMonitorProfile.metrics.enabled` (is it on) is fine; the bare object as "the workspace" is not.
      expect(text).not.toMatch(/--query azureMonitorProfile\.metrics(?!\.enabled)/);
    }
    expect(WHERE).toContain('--query "[].dataCollectionRuleId" -o tsv');
    expect(WHERE).toContain('--query "destinations.monitoringAccounts[].accountResourceId"');
  });

  test('RBAC refusing pods in kube-system: the 403 is reported, not a pass', async () => {
    const { result } = await runAgent({ rbacForbidden: /namespaces\/kube-system\/pods/ });
    expect(result.status).toBe('failed');
    expect(result.got).toMatch(/^403 Forbidden: /);
  });
});

describe('the run as a whole', () => {
  test('all five pass against a healthy emulated cluster', async () => {
    const { results } = await run({ installed: 'gatekeeper' });
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['nodes', 'passed'],
      ['api-endpoints', 'passed'],
      ['policy-installed', 'passed'],
      ['policy-works', 'passed'],
      ['smoke-job', 'passed'],
    ]);
  });

  test('connection refused: the first check says so, the rest are not run', async () => {
    const { results, fake } = await run({ installed: 'gatekeeper' }, { unreachable: true });
    expect(results[0]).toMatchObject({
      status: 'failed',
      got: 'cannot reach the API server at https://contosofin-aks-dns-12345678.hcp.eastus.azmk8s.io:443: connection refused (ECONNREFUSED)',
    });
    expect(results.slice(1).map((r) => [r.status, r.got])).toEqual(
      Array(4).fill(['skipped', `not run: ${results[0].got}`]),
    );
    expect(fake.requests).toEqual([]);
  });

  test('401: the first check says how to refresh credentials, the rest are not run', async () => {
    const { results, fake } = await run({ installed: 'gatekeeper', token: 'the-right-one' });
    expect(results[0].status).toBe('failed');
    expect(results[0].got).toMatch(/^401 Unauthorized: the API server rejected the kubeconfig's credentials/);
    expect(results.slice(1).every((r) => r.status === 'skipped')).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });
});
