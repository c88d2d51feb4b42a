/**
 * The allowed-registries case table (charts/policy/allowed-repos-cases.ts) as real requests to a
 * real kube-apiserver: each group's ValidatingAdmissionPolicy and binding, rendered by the VAP
 * chart, are created for real; every case becomes the request it describes (CREATE, UPDATE,
 * DELETE, CONNECT; pods/ephemeralcontainers and status writes), dry-run where the API allows it
 * (nothing is stored); and the answer (status code, reason, message; the Warning headers in
 * Warn mode; the audit annotation in Audit mode) is compared with what the emulation the jest
 * suite uses (__tests__/policy/cel-harness.ts, reviewVap under both CEL libraries) predicts.
 * Every difference is reported: the API server is right, the emulation or the table is wrong.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { App } from 'cdk8s';
import {
  POLICY_CASE_GROUPS,
  caseAdmission,
  objectManifest,
  type CaseKind,
  type PolicyCase,
  type PolicyCaseGroup,
  type PodSpecInput,
} from '../charts/policy/allowed-repos-cases';
import { AllowedReposVapChart } from '../charts/policy/allowed-repos-vap-chart';
import { groupPolicy } from '../charts/policy/gator-suite';
import { reviewBoth, reviewVap, type Review } from '../__tests__/policy/cel-harness';
import type { ControlPlane } from './apiserver';
import type { Answer, Requester } from './kube-client';
import type { Progress } from './progress';
import type { Failure } from './suite';

const TABLE = 'charts/policy/allowed-repos-cases.ts';
type Action = 'Deny' | 'Warn' | 'Audit';

const RESOURCE: Readonly<Record<CaseKind, { readonly prefix: string; readonly plural: string }>> = {
  Pod: { prefix: '/api/v1', plural: 'pods' },
  ReplicationController: { prefix: '/api/v1', plural: 'replicationcontrollers' },
  Deployment: { prefix: '/apis/apps/v1', plural: 'deployments' },
  ReplicaSet: { prefix: '/apis/apps/v1', plural: 'replicasets' },
  StatefulSet: { prefix: '/apis/apps/v1', plural: 'statefulsets' },
  DaemonSet: { prefix: '/apis/apps/v1', plural: 'daemonsets' },
  Job: { prefix: '/apis/batch/v1', plural: 'jobs' },
  CronJob: { prefix: '/apis/batch/v1', plural: 'cronjobs' },
};

/** A DNS label unique to the case (objects of all cases live side by side). */
export function objectName(group: PolicyCaseGroup, c: PolicyCase): string {
  const base = `${group.name}-${c.name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (base.length <= 63) return base;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 8);
  return `${base.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

const operationOf = (c: PolicyCase) => c.request?.operation ?? 'CREATE';

/** The case with its object renamed to the name it has on the server. */
function onServer(group: PolicyCaseGroup, c: PolicyCase): PolicyCase {
  return { ...c, object: { ...c.object, name: objectName(group, c) } };
}

const collection = (kind: CaseKind, namespace: string) => `${RESOURCE[kind].prefix}/namespaces/${namespace}/${RESOURCE[kind].plural}`;
const item = (kind: CaseKind, namespace: string, name: string) => `${collection(kind, namespace)}/${name}`;

/** The pod template of an object of any case kind. */
function podSpecOf(obj: any): any {
  if (obj.kind === 'Pod') return obj.spec;
  if (obj.kind === 'CronJob') return obj.spec.jobTemplate.spec.template.spec;
  return obj.spec.template.spec;
}

/**
 * The stored object changed as the case's new spec says: each container's image set by name,
 * containers the new spec adds appended, those it drops removed. What admission added at
 * creation (the service account token volume, default tolerations) stays, as a client's update
 * of a live object keeps it.
 */
function updated(stored: any, spec: PodSpecInput): any {
  const next = structuredClone(stored);
  const target = podSpecOf(next);
  // Volumes: those the case names are set as it says; others (the token volume admission added) stay.
  const named = new Set([...(spec.imageVolumes ?? []).map(([n]) => n), ...(spec.emptyDirVolumes ?? [])]);
  const wanted = new Map<string, unknown>([
    ...(spec.emptyDirVolumes ?? []).map((name): [string, unknown] => [name, { name, emptyDir: {} }]),
    ...(spec.imageVolumes ?? []).map(([name, reference]): [string, unknown] => [
      name,
      { name, image: { ...(reference === undefined ? {} : { reference }), pullPolicy: 'IfNotPresent' } },
    ]),
  ]);
  // In the stored order (a Pod update may not reorder them), new ones at the end.
  const current = (target.volumes ?? []) as Array<{ name: string; image?: unknown; emptyDir?: unknown }>;
  const volumes = [
    ...current.filter((v) => named.has(v.name) || !(v.image || v.emptyDir)).map((v) => (named.has(v.name) ? { ...v, ...(wanted.get(v.name) as object) } : v)),
    ...[...wanted.entries()].filter(([name]) => !current.some((v) => v.name === name)).map(([, v]) => v),
  ];
  if (volumes.length > 0) target.volumes = volumes;
  else delete target.volumes;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    const wanted = spec[list];
    if (!wanted) {
      delete target[list];
      continue;
    }
    const before: any[] = target[list] ?? [];
    target[list] = wanted.map(([name, image]) => {
      const old = before.find((x) => x.name === name);
      const container = old ? { ...old } : { name, ...(list === 'ephemeralContainers' ? { terminationMessagePolicy: 'File' } : {}) };
      if (image === undefined) delete container.image;
      else container.image = image;
      return container;
    });
  }
  return next;
}

/** Creates, for real, the objects a case's request acts on (before any policy exists). */
async function createExisting(api: Requester, group: PolicyCaseGroup, c: PolicyCase): Promise<Answer | undefined> {
  const op = operationOf(c);
  if (op === 'CREATE' || op === 'AUDIT') return undefined;
  const server = onServer(group, c);
  const spec = op === 'UPDATE' ? (c.request?.oldSpec ?? c.object.spec) : c.object.spec;
  const kind = c.object.kind ?? 'Pod';
  // Ephemeral containers cannot be set on create: they are added as `kubectl debug` adds them,
  // through the pods/ephemeralcontainers subresource.
  const { ephemeralContainers, ...created } = spec;
  const answer = await api('POST', collection(kind, c.object.namespace), objectManifest(server.object, created));
  if (answer.status !== 201 || !ephemeralContainers) return answer.status === 201 ? undefined : answer;
  const debugged = await api('PUT', `${item(kind, c.object.namespace, server.object.name)}/ephemeralcontainers`, updated(answer.body, spec));
  return debugged.status === 200 ? undefined : debugged;
}

/** Sends the case's request; returns the answer and what was sent. */
async function send(api: Requester, group: PolicyCaseGroup, c: PolicyCase): Promise<Answer> {
  const server = onServer(group, c);
  const kind = c.object.kind ?? 'Pod';
  const ns = c.object.namespace;
  const name = server.object.name;
  const r = c.request ?? { operation: 'CREATE' as const };
  switch (r.operation) {
    case 'CREATE':
      return api('POST', `${collection(kind, ns)}?dryRun=All`, objectManifest(server.object));
    case 'DELETE':
      return api('DELETE', `${item(kind, ns, name)}?dryRun=All`);
    case 'CONNECT':
      // Not upgraded to a stream: the API server answers after admission, without a node.
      return api('POST', `${item(kind, ns, name)}/exec?command=sh&container=app&stdin=true&stdout=true&tty=true`);
    case 'UPDATE': {
      const stored = await api('GET', item(kind, ns, name));
      if (stored.status !== 200) return stored;
      const path = r.subResource ? `${item(kind, ns, name)}/${r.subResource}` : item(kind, ns, name);
      return api('PUT', `${path}?dryRun=All`, updated(stored.body, c.object.spec));
    }
    default:
      throw new Error(`no request for operation ${r.operation}`);
  }
}

interface Rendered {
  readonly policy: any;
  readonly binding: any;
}

/** The group's VAP (or, `imageVolumesOnly`, the companion the azure-policy engine ships) with `action`. */
function render(group: PolicyCaseGroup, action: Action, imageVolumesOnly = false): Rendered {
  const [policy, binding] = new AllowedReposVapChart(new App({ outdir: '.unused' }), 'vap', {
    policy: { ...groupPolicy(group), engine: imageVolumesOnly ? 'azure-policy' : 'vap' },
    imageVolumesOnly,
  }).toJson();
  return { policy, binding: { ...binding, spec: { ...binding.spec, validationActions: [action] } } };
}

function predict(rendered: Rendered, group: PolicyCaseGroup, c: PolicyCase): Review {
  return reviewBoth((engine) => reviewVap(engine, rendered.policy, rendered.binding, caseAdmission(onServer(group, c))));
}

const PROBE_IMAGE = 'conformance.invalid/probe:1';

/** A Pod the group's policy (and its companion) must judge, with an image no group allows. */
function probe(group: PolicyCaseGroup): PolicyCase {
  return {
    name: 'conformance-probe',
    description: 'is the policy in effect?',
    // A container and an image volume: the companion policy judges only the volume.
    object: { name: 'probe', namespace: group.namespaces[0], spec: { containers: [['app', PROBE_IMAGE]], imageVolumes: [['probe', PROBE_IMAGE]] } },
    denied: true,
  };
}

/** Waits until the API server judges the probe as `rendered` predicts (policies take effect asynchronously). */
async function inEffect(api: Requester, rendered: Rendered | undefined, group: PolicyCaseGroup): Promise<void> {
  const p = probe(group);
  const wanted = rendered ? predict(rendered, group, p).response : { allowed: true, warnings: [] as string[] };
  const deadline = Date.now() + 120_000;
  for (;;) {
    const a = await send(api, group, p);
    const denied = a.status >= 400;
    const ok = wanted.allowed ? !denied && a.warnings.length === (wanted.warnings?.length ?? 0) : denied;
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the policy for group ${group.name} did not take effect within 120 s (last answer ${a.status})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Waits until the controller manager has type-checked the policy (status.observedGeneration
 * reaches metadata.generation), then fails on any expression warning it recorded.
 */
async function typeChecked(api: Requester, name: string): Promise<Failure | undefined> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const a = await api('GET', `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${name}`);
    const status = a.body?.status;
    if (status?.observedGeneration === a.body?.metadata?.generation && status?.typeChecking) {
      const warnings: Array<{ fieldRef?: string; warning?: string }> = status.typeChecking.expressionWarnings ?? [];
      return warnings.length === 0
        ? undefined
        : { file: TABLE, object: `ValidatingAdmissionPolicy ${name} (type check)`, message: warnings.map((w) => `${w.fieldRef}: ${w.warning}`).join('\n') };
    }
    if (Date.now() > deadline) {
      return { file: TABLE, object: `ValidatingAdmissionPolicy ${name} (type check)`, message: 'kube-controller-manager did not type-check it within 120 s' };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The audit annotation the API server recorded for a request, by its Audit-Id. */
function auditAnnotations(cp: ControlPlane, auditId: string | undefined): Record<string, string> | undefined {
  if (!auditId) return undefined;
  for (const line of readFileSync(cp.auditLog, 'utf8').split('\n')) {
    if (!line.includes(auditId)) continue;
    const event = JSON.parse(line);
    if (event.auditID === auditId && event.stage === 'ResponseComplete') return event.annotations ?? {};
  }
  return undefined;
}

const AUDIT_KEY = 'validation.policy.admission.k8s.io/validation_failure';

/** What differs between the API server's answer and the prediction, or undefined. */
function compare(action: Action, c: PolicyCase, a: Answer, review: Review, annotations: Record<string, string> | undefined): string | undefined {
  const want = review.response;
  const got = `${a.status} ${a.body?.reason ?? ''}: ${a.body?.message ?? ''}`.trim();
  if (c.apiServer) {
    // The API server's own validation refuses it before any policy: the table says with what.
    const fragment = c.apiServer.refusedBeforeAdmission;
    if (a.status === 422 && a.body?.reason === 'Invalid' && String(a.body?.message ?? '').includes(fragment)) return undefined;
    return `the API server answered ${got}\nthe table (apiServer.refusedBeforeAdmission) says its validation refuses it first with "${fragment}"`;
  }
  const isPolicy = (a.body?.message ?? '').includes('ValidatingAdmissionPolicy');
  if (!want.allowed) {
    if (a.status === want.status?.code && a.body?.reason === want.status?.reason && a.body?.message === want.status?.message) return undefined;
    return `the API server answered ${got}\nthe emulation predicts ${want.status?.code} ${want.status?.reason}: ${want.status?.message}`;
  }
  const problems: string[] = [];
  if (operationOf(c) === 'CONNECT') {
    // Admitted by the policy; with no node behind the Pod the API server then fails the stream.
    if (isPolicy) problems.push(`the API server answered ${got}\nthe emulation predicts the policy lets CONNECT through`);
  } else if (a.status >= 300) {
    problems.push(`the API server answered ${got}\nthe emulation predicts it is admitted`);
  }
  const warnings = want.warnings ?? [];
  if (JSON.stringify(a.warnings) !== JSON.stringify(warnings)) {
    problems.push(`Warning headers: the API server sent ${JSON.stringify(a.warnings)}\nthe emulation predicts ${JSON.stringify(warnings)}`);
  }
  if (action === 'Audit') {
    const predicted = want.auditAnnotations?.[AUDIT_KEY];
    const recorded = annotations?.[AUDIT_KEY];
    if (annotations === undefined) problems.push('no audit event found for the request');
    else if (predicted !== recorded) problems.push(`audit annotation ${AUDIT_KEY}: the API server recorded ${recorded ?? '(none)'}\nthe emulation predicts ${predicted ?? '(none)'}`);
  }
  return problems.length > 0 ? problems.join('\n') : undefined;
}

/**
 * Runs every group of the case table in each validation action. Objects that requests act on
 * are created before any policy exists (they predate it, as in a running cluster).
 */
export async function runCaseTable(cp: ControlPlane, api: Requester, progress: Progress): Promise<Array<Failure | undefined>> {
  const outcomes: Array<Failure | undefined> = [];
  const fail = (object: string, message: string): Failure => ({ file: TABLE, object, message });

  const namespaces = new Set(POLICY_CASE_GROUPS.flatMap((g) => [...g.namespaces, ...g.cases.map((c) => c.object.namespace)]));
  for (const ns of namespaces) {
    await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // Pods need their service account (ServiceAccount admission); no controller makes it here.
    await api('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
  }
  for (const group of POLICY_CASE_GROUPS) {
    for (const c of group.cases) {
      const refused = await createExisting(api, group, c);
      if (refused) outcomes.push(fail(`${group.name}/${c.name}`, `the object the request acts on could not be created: ${refused.status} ${refused.body?.message ?? ''}`));
    }
  }

  for (const group of POLICY_CASE_GROUPS) {
    const cases = group.cases.filter((c) => operationOf(c) !== 'AUDIT'); // a VAP never sees Gatekeeper's audit
    progress.note(`case table: group ${group.name}, ${cases.length} requests × Deny, Warn, Audit`);
    let previous: Rendered | undefined;
    const passes = [
      ...(['Deny', 'Warn', 'Audit'] as const).map((action) => ({ action, companion: false })),
      // The azure-policy engine's companion, which judges image volumes only.
      { action: 'Deny' as const, companion: true },
    ];
    for (const { action, companion } of passes) {
      const rendered = render(group, action, companion);
      if (previous && previous.policy.metadata.name !== rendered.policy.metadata.name) {
        // Another policy: the previous one goes first, and must be gone before the next counts.
        await api('DELETE', `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${previous.binding.metadata.name}`);
        await api('DELETE', `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${previous.policy.metadata.name}`);
        await inEffect(api, undefined, group);
        previous = undefined;
      }
      if (!previous) {
        const p = await api('POST', '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies', rendered.policy);
        if (p.status !== 201) throw new Error(`creating the VAP of group ${group.name}: ${p.status} ${p.body?.message}`);
        const b = await api('POST', '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings', rendered.binding);
        if (b.status !== 201) throw new Error(`creating the binding of group ${group.name}: ${b.status} ${b.body?.message}`);
        for (const w of p.warnings) outcomes.push(fail(`ValidatingAdmissionPolicy ${rendered.policy.metadata.name}`, `warning on create: ${w}`));
        // kube-controller-manager type-checks each expression against the schemas of the kinds
        // the policy matches and writes what it found into the status.
        outcomes.push(await typeChecked(api, rendered.policy.metadata.name));
      } else {
        const name = rendered.binding.metadata.name;
        const current = await api('GET', `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${name}`);
        const b = await api('PUT', `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${name}`, {
          ...rendered.binding,
          metadata: { ...rendered.binding.metadata, resourceVersion: current.body.metadata.resourceVersion },
        });
        if (b.status !== 200) throw new Error(`switching the binding of group ${group.name} to ${action}: ${b.status} ${b.body?.message}`);
      }
      await inEffect(api, rendered, group);
      for (const c of cases) {
        const review = predict(rendered, group, c);
        const answer = await send(api, group, c);
        const annotations = action === 'Audit' ? auditAnnotations(cp, answer.auditId) : undefined;
        const problem = compare(action, c, answer, review, annotations);
        const label = companion ? `${action}, azure-policy companion` : action;
        outcomes.push(problem ? fail(`${group.name}/${c.name} (${label}; ${c.description})`, problem) : undefined);
      }
      previous = rendered;
    }
    const policyName = previous!.policy.metadata.name;
    await api('DELETE', `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${previous!.binding.metadata.name}`);
    await api('DELETE', `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${policyName}`);
    await inEffect(api, undefined, group);
  }
  return outcomes;
}
