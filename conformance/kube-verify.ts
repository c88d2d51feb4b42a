/**
 * `verify` meets a real API server: its requests, its parsing of real answers and the permissions
 * docs/verify.md lists. For each target, the cluster's synthesized manifests are applied for
 * real, a user holding exactly the documented permissions is bound, and `aks-day2 verify` runs
 * as that user. The control plane has no nodes and no Gatekeeper, so some checks must fail, and
 * each must fail for that reason (its `got`), never for a refused request or an answer verify
 * cannot read.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ClusterConfig } from '../config/model';
import { ADVERTISED_ADDRESS, type ControlPlane } from './apiserver';
import { kubectl, type Tools } from './kube-dist';
import type { Requester } from './kube-client';
import { runTool, tempDir } from './processes';
import type { Progress } from './progress';
import type { Failure } from './suite';

export interface VerifyTarget {
  /** Config file (repository-relative) and the cluster in it. */
  readonly config: string;
  readonly cluster: ClusterConfig;
  /** The folder holding dist/<cluster>/ (the committed dist/, or a fresh synth). */
  readonly dist: string;
}

interface Expected {
  readonly status: 'PASS' | 'FAIL' | 'SKIP';
  /** What `got` must say. */
  readonly got: RegExp;
  readonly why: string;
}

/** What each check must report on this control plane: no nodes, no Gatekeeper, no Job ever runs. */
function expectations(cluster: ClusterConfig): Record<string, Expected> {
  const engine = cluster.policy?.engine ?? 'gatekeeper';
  const out: Record<string, Expected> = {
    nodes: { status: 'FAIL', got: /^no nodes registered$/, why: 'the control plane has no nodes' },
    'api-endpoints': {
      status: 'PASS',
      got: new RegExp(ADVERTISED_ADDRESS.replace(/\./g, '\\.')),
      why: 'the API server publishes its advertised address in the EndpointSlice of default/kubernetes',
    },
  };
  if (cluster.policy) {
    if (engine === 'gatekeeper') {
      out['policy-installed'] = { status: 'FAIL', got: /not created/, why: 'no Gatekeeper controller marks the ConstraintTemplate created' };
      out['policy-works'] = { status: 'FAIL', got: /admitted|not refused/, why: 'no Gatekeeper webhook refuses the disallowed image' };
    } else if (engine === 'vap') {
      out['policy-installed'] = { status: 'PASS', got: /./, why: 'the VAP and binding exist and the controller manager type-checked them' };
      out['policy-works'] = { status: 'PASS', got: /./, why: 'the API server itself enforces the VAP' };
    }
  }
  if (cluster.smokeTest) {
    out['smoke-job'] = { status: 'FAIL', got: /still running after/, why: 'the Job\'s Pod is never scheduled (no nodes)' };
  }
  return out;
}

/**
 * RBAC for exactly the permissions docs/verify.md lists ("Permissions the identity needs"):
 * a refused request during the run means the list is incomplete.
 */
function documentedPermissions(cluster: ClusterConfig, user: string): unknown[] {
  const engine = cluster.policy?.engine ?? 'gatekeeper';
  const clusterRules: unknown[] = [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }];
  if (cluster.policy && engine === 'gatekeeper') {
    clusterRules.push({ apiGroups: ['templates.gatekeeper.sh'], resources: ['constrainttemplates'], verbs: ['get'] });
    clusterRules.push({ apiGroups: ['constraints.gatekeeper.sh'], resources: ['k8sallowedrepos'], verbs: ['get'] });
  }
  if (cluster.policy && engine === 'vap') {
    clusterRules.push({
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['validatingadmissionpolicies', 'validatingadmissionpolicybindings'],
      verbs: ['get'],
    });
  }
  if (cluster.policy && engine === 'azure-policy') {
    clusterRules.push({ apiGroups: ['constraints.gatekeeper.sh'], resources: ['k8sazurev2containerallowedimages'], verbs: ['list'] });
  }
  const roles = new Map<string, unknown[]>();
  const add = (ns: string, rule: unknown) => roles.set(ns, [...(roles.get(ns) ?? []), rule]);
  add('default', { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] });
  for (const ns of cluster.policy?.namespaces ?? []) add(ns, { apiGroups: [''], resources: ['pods'], verbs: ['create'] });
  if (cluster.smokeTest) {
    const ns = cluster.smokeTest.namespace;
    add(ns, { apiGroups: [''], resources: ['pods'], verbs: ['create', 'list'] });
    add(ns, { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'delete'] });
    add(ns, { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] });
    add(ns, { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'delete'] });
  }
  if (cluster.alerts?.prometheus) add('kube-system', { apiGroups: [''], resources: ['pods'], verbs: ['list'] });

  const name = `aks-day2-verify-${cluster.name}`;
  const subject = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: user };
  const objects: unknown[] = [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: clusterRules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [subject],
    },
  ];
  for (const [namespace, rules] of roles) {
    objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules });
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [subject],
    });
  }
  return objects;
}

/** Polls every quarter second until `ready` holds; false after two minutes. */
async function settle(ready: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (await ready()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const LINE = /^(PASS|FAIL|SKIP) (\S+)\s+expected: (.*) \| got: (.*?)(?: \(\d+(?:\.\d+)? s\))?$/;

export async function runVerify(root: string, cp: ControlPlane, api: Requester, tools: Tools, target: VerifyTarget, progress: Progress): Promise<Array<Failure | undefined>> {
  const { cluster } = target;
  const label = `verify --cluster ${cluster.name} (${target.config})`;
  progress.note(label);
  const scratch = tempDir('verify');
  const fail = (object: string, message: string): Failure => ({ file: target.config, object: `${label}: ${object}`, message });

  // The namespaces a cluster of the user's has: the policy's and the smoke test's.
  for (const ns of new Set([...(cluster.policy?.namespaces ?? []), ...(cluster.smokeTest ? [cluster.smokeTest.namespace] : [])])) {
    await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  const dist = join(target.dist, cluster.name);
  const applied = await kubectl(cp, tools, ['apply', '--server-side', '--field-manager=aks-day2-conformance', '-k', dist]);
  if (applied.code !== 0) return [fail('kubectl apply -k', applied.stderr.trim())];
  const rbacFile = join(scratch, 'rbac.json');
  writeFileSync(rbacFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: documentedPermissions(cluster, cp.limitedUser) }));
  const rbac = await kubectl(cp, tools, ['apply', '--server-side', '--field-manager=aks-day2-conformance', '-f', rbacFile]);
  if (rbac.code !== 0) return [fail('RBAC of docs/verify.md', rbac.stderr.trim())];
  // RBAC and a policy take effect asynchronously (informers): wait until they have.
  const ready = await settle(async () => {
    const can = await kubectl(cp, tools, ['auth', 'can-i', 'list', 'nodes'], 'limited');
    if (can.stdout.trim() !== 'yes') return false;
    if (cluster.policy?.engine !== 'vap') return true;
    const ns = cluster.policy.namespaces[0];
    const probe = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'conformance-probe', namespace: ns }, spec: { containers: [{ name: 'app', image: 'conformance.invalid/probe:1' }] } };
    const answer = await api('POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, probe);
    // deny: refused; warn: admitted with the policy's Warning header; audit leaves no trace in the answer.
    if (cluster.policy.enforcement === 'deny') return answer.status === 403;
    if (cluster.policy.enforcement === 'warn') return answer.warnings.some((w) => w.includes('ValidatingAdmissionPolicy'));
    return true;
  });
  if (!ready) return [fail('setup', 'the RBAC or the policy applied for this run did not take effect within 120 s')];

  const junit = join(scratch, 'verify.xml');
  const r = await runTool(
    process.execPath,
    [
      join(root, 'scripts', 'run.cjs'),
      'verify',
      '--cluster',
      cluster.name,
      '--config',
      join(root, target.config),
      '--dist',
      target.dist,
      '--kubeconfig',
      cp.kubeconfig('limited'),
      '--timeout',
      '5',
      '--junit',
      junit,
    ],
    root,
    { ...process.env, KUBECONFIG: '' },
  );
  const results = new Map<string, { status: string; got: string }>();
  for (const line of r.stdout.split('\n')) {
    const m = LINE.exec(line);
    if (m) results.set(m[2], { status: m[1], got: m[4] });
  }
  const outcomes: Array<Failure | undefined> = [];
  if (r.code !== 0 && r.code !== 1) outcomes.push(fail('exit code', `verify exited ${r.code}:\n${r.stderr}${r.stdout}`));
  // An RBAC refusal names the user ("User \"aks-day2-verify\" cannot list resource …"); a policy's denial does not.
  if (new RegExp(`User \\\\?"${cp.limitedUser}\\\\?" cannot `).test(r.stdout + r.stderr)) {
    outcomes.push(fail('permissions', `a request was refused: docs/verify.md's list of permissions is incomplete:\n${r.stdout}${r.stderr}`));
  }
  for (const [id, want] of Object.entries(expectations(cluster))) {
    const got = results.get(id);
    const ok = got !== undefined && got.status === want.status && want.got.test(got.got);
    outcomes.push(
      ok ? undefined : fail(id, `expected ${want.status} (${want.why}), matching ${want.got}; verify said: ${got ? `${got.status} ${got.got}` : '(no result line)'}\n${r.stdout}`),
    );
  }
  for (const id of results.keys()) {
    if (!(id in expectations(cluster))) outcomes.push(fail(id, `a check with no expectation here: ${results.get(id)!.status} ${results.get(id)!.got}`));
  }
  try {
    const xml = readFileSync(junit, 'utf8');
    outcomes.push(xml.includes(`<testsuite`) ? undefined : fail('--junit', `no <testsuite> in ${relative(root, junit)}`));
  } catch (e) {
    outcomes.push(fail('--junit', `no JUnit file written: ${(e as Error).message}`));
  }
  return outcomes;
}
