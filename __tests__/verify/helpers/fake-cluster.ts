import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RE2JS } from '@bufbuild/re2';
import { parseAllDocuments } from 'yaml';
import { renderCluster } from '../../../charts/render';
import { ADDON_CONSTRAINT, allowedImagesParameters } from '../../../config/azure-policy-definition';
import { loadConfig } from '../../../config/load';
import type { ClusterConfig } from '../../../config/model';
import * as shapes from '../fixtures/api-shapes';
import { ENGINES, constraintMatchesObject, reviewGatekeeper, reviewVap, type AdmissionRequest, type Review } from '../../policy/cel-harness';
import { FIXTURE_CONFIG, FIXTURE_DIST } from './cli-process';

/**
 * An emulated Kubernetes API server: routes the REST calls `verify` makes (method + path +
 * query, as client-node sends them) to answers in the real shapes (fixtures/api-shapes.ts),
 * with state where the checks depend on it (a Job that goes active → complete, objects that
 * exist until deleted). The same instance serves the in-memory KubeApi (checks tested in-process)
 * and the HTTP server (the real CLI and client-node tested end to end), and records every request.
 * Pod admission runs the policy synthesized into dist/<cluster>/ through the policy tests' engine
 * emulation (__tests__/policy/cel-harness.ts), so verify is tested against the shipped CEL.
 */

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body?: unknown;
  readonly authorization?: string;
}

export interface Reply {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  /**
   * Answer only after this long (the HTTP server waits; the in-memory API compares it to its
   * timeout). Infinity: never answer, as an API server that accepts connections and hangs.
   */
  readonly delayMs?: number;
}

export interface Behaviour {
  /** Bearer token the server accepts; others get 401. Undefined: no authentication. */
  readonly token?: string;
  readonly notReadyNodes?: readonly string[];
  readonly apiServerIps?: readonly string[];
  readonly installed?: 'gatekeeper' | 'vap' | 'azure-policy' | 'nothing';
  /**
   * azure-policy: how far the add-on got with the assignment. synced (default): its constraint is
   * there; no-template: the constraint kind does not exist yet; not-yet: other assignments'
   * constraints only; stale-regex: the constraint still carries an older imageRegex.
   */
  readonly addonSync?: 'synced' | 'no-template' | 'not-yet' | 'stale-regex';
  /** azure-policy: the assignment's excludedContainers as someone set it outside aks-day2 (the add-on copies it to the constraint). */
  readonly excludedContainers?: readonly string[];
  readonly templateCreated?: boolean;
  /** Overrides the applied constraint's spec.enforcementAction (someone edited it on the cluster). */
  readonly enforcementAction?: string;
  /** Overrides the applied binding's spec.validationActions. */
  readonly validationActions?: readonly string[];
  readonly vapWarnings?: ReadonlyArray<{ fieldRef: string; warning: string }>;
  /**
   * How Pod admission behaves: the synthesized policy (enforcing, the default), nothing at all
   * (admit-all: Gatekeeper's webhook down with failurePolicy Ignore), a webhook timeout, Pod
   * Security refusing everything, or the policy with an empty allow-list (no-repos: its denial
   * names no image).
   */
  readonly admission?: 'enforcing' | 'admit-all' | 'webhook-timeout' | 'pod-security' | 'no-repos';
  /** unscheduled: never finishes, and its Pod never gets a node (its log answers 204, as the API server's does). */
  readonly job?: 'completes' | 'fails' | 'never' | 'unscheduled';
  /** A Job of that name exists already (left from an earlier run). */
  readonly leftoverJob?: boolean;
  /** The first create of the Job answers 409, as while the old one is still being deleted. */
  readonly jobConflictOnce?: boolean;
  /**
   * Managed Prometheus's parts in kube-system (the Deployment ama-metrics, the node DaemonSet
   * ama-metrics-node, kube-state-metrics ama-metrics-ksm): each ready (default), absent,
   * crash-looping, or in a rollout (one Pod still ContainerCreating). One value sets all three:
   * `absent` is managed Prometheus off.
   */
  readonly prometheusAgent?: shapes.AmaMetricsPartState | Partial<Record<shapes.AmaMetricsPart, shapes.AmaMetricsPartState>>;
  /** AKS Automatic's DaemonSet sizing: node Pods also from `ama-metrics-node-s` (same Pod label). */
  readonly prometheusNodeSizes?: boolean;
  /** Requests whose path matches answer after `slowMs` (Infinity: never; the connection stays open). */
  readonly slow?: RegExp;
  readonly slowMs?: number;
  /** GETs whose path matches are refused by RBAC. */
  readonly rbacForbidden?: RegExp;
  /** Put the caller's Authorization header into RBAC messages (a server echoing a credential). */
  readonly echoCredentialInForbidden?: boolean;
}

/** The policy objects of one dist/<cluster>/ folder, as GitOps applied them. */
export interface PolicyUnderTest {
  readonly template?: any;
  readonly constraint?: any;
  readonly vap?: any;
  readonly binding?: any;
  /** azure-policy: the constraint the add-on makes from this cluster's assignment, and those of other assignments. */
  readonly addon?: { readonly ours: any; readonly others: readonly any[] };
}

/** Read the policy objects of a synthesized cluster folder. */
export function policyUnderTest(clusterDir: string): PolicyUnderTest {
  const objects: any[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.yaml')) objects.push(...parseAllDocuments(readFileSync(join(d, e.name), 'utf8')).map((doc) => doc.toJS()));
    }
  };
  walk(clusterDir);
  const find = (kind: string) => objects.find((o) => o?.kind === kind);
  return {
    template: find('ConstraintTemplate'),
    constraint: find('K8sAllowedRepos'),
    vap: find('ValidatingAdmissionPolicy'),
    binding: find('ValidatingAdmissionPolicyBinding'),
  };
}

export const CONTOSOFIN_POLICY = policyUnderTest(join(FIXTURE_DIST, 'contosofin'));
export const CONTOSOVAP_POLICY = policyUnderTest(join(FIXTURE_DIST, 'contosovap'));

/**
 * What the Azure Policy add-on puts on the cluster for an azure-policy cluster: its constraint,
 * made from the assignment's parameters (the function the stack passes them through; the stack
 * specs check the synthesized assignment against it), and the constraint of another assignment of
 * the same definition (a subscription-wide one, audit only, with an unanchored aks-baseline-style
 * regex), so verify must pick its own by the assignment annotation.
 */
export function azurePolicyUnderTest(cluster: ClusterConfig): PolicyUnderTest {
  const policy = cluster.policy!;
  const params = allowedImagesParameters(policy);
  const sub = cluster.subscriptionId ?? '00000000-0000-0000-0000-000000000000';
  // The companion VAP for image volumes, as GitOps applied it from dist/<cluster>/policy/ for
  // this (deployed) config.
  const [vap, binding] = [...renderCluster(cluster)]
    .filter(([path]) => path.startsWith('policy/') && !path.endsWith('kustomization.yaml'))
    .flatMap(([, text]) => parseAllDocuments(text).map((doc) => doc.toJS()))
    .filter((o) => o?.kind?.startsWith('ValidatingAdmissionPolicy'));
  return {
    vap,
    binding,
    addon: {
      // `resourcegroups` lowercased: how it appears in a public kubectl transcript of such a constraint.
      ours: shapes.addonConstraint({
        name: 'azurepolicy-k8sazurev2containerallowedimag-3f1c0a9e7b5d2c4e6a80',
        assignmentId: `/subscriptions/${sub}/resourcegroups/${cluster.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${cluster.aksName}/providers/Microsoft.Authorization/policyAssignments/${policy.azurePolicy!.name}`,
        enforcement: policy.enforcement,
        imageRegex: params.allowedContainerImagesRegex.value,
        namespaces: params.namespaces.value,
        excludedNamespaces: params.excludedNamespaces.value,
      }),
      others: [
        shapes.addonConstraint({
          name: 'azurepolicy-k8sazurev2containerallowedimag-9e8d7c6b5a4f3e2d1c0b',
          assignmentId: `/subscriptions/${sub}/providers/Microsoft.Authorization/policyAssignments/platform-allowed-images`,
          enforcement: 'audit',
          imageRegex: '(docker\\.io|mcr\\.microsoft\\.com)/.+',
          namespaces: [],
          excludedNamespaces: ['kube-system', 'gatekeeper-system', 'azure-arc'],
          totalViolations: 4,
        }),
      ],
    },
  };
}

export const CONTOSOAZP_POLICY = azurePolicyUnderTest(loadConfig(FIXTURE_CONFIG).clusters.find((c) => c.name === 'contosoazp')!);

/**
 * The violations of the add-on's template for one Pod, as the definition's v2 template computes
 * them (the template its templateInfo URL names, published in Azure/azure-policy as
 * samples/KubernetesService/container-allowed-images/template.yaml, kind
 * K8sAzureV2ContainerAllowedImages): each container of containers, initContainers and
 * ephemeralContainers, minus excludedContainers, whose image `re_match`es no part of imageRegex
 * (Rego's re_match is Go's regexp, a search).
 */
export function addonTemplateViolations(constraint: any, pod: any): string[] {
  const regex = RE2JS.compile(constraint.spec.parameters.imageRegex);
  const excluded: string[] = constraint.spec.parameters.excludedContainers ?? [];
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
  return containers
    .filter((c: any) => !excluded.includes(c.name) && !regex.test(c.image ?? ''))
    .map((c: any) => `Container image ${c.image} for container ${c.name} has not been allowed.`);
}

const json = (status: number, body: unknown): Reply => ({ status, json: body });

export class FakeCluster {
  readonly requests: FakeRequest[] = [];
  readonly jobs = new Map<string, { job: Record<string, unknown>; reads: number }>();
  readonly configMaps = new Map<string, unknown>();
  private jobConflictPending: boolean;

  constructor(
    readonly behaviour: Behaviour,
    readonly policy: PolicyUnderTest = CONTOSOFIN_POLICY,
  ) {
    this.jobConflictPending = behaviour.jobConflictOnce ?? false;
    if (behaviour.leftoverJob) this.jobs.set('default/aks-day2-smoke', { job: { metadata: { name: 'aks-day2-smoke' }, spec: {} }, reads: 99 });
  }

  /** Requests other than the reads, as `METHOD path?query`, for assertions on what was changed. */
  get writes(): string[] {
    return this.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}${r.query.size ? `?${r.query}` : ''}`);
  }

  handle(req: FakeRequest): Reply {
    this.requests.push(req);
    const b = this.behaviour;
    if (b.token !== undefined && req.authorization !== `Bearer ${b.token}`) return json(401, shapes.unauthorizedStatus);
    const reply = this.route(req);
    return b.slow?.test(req.path) ? { ...reply, delayMs: b.slowMs ?? 2000 } : reply;
  }

  private route(req: FakeRequest): Reply {
    const b = this.behaviour;
    const { method, path } = req;
    let m: RegExpMatchArray | null;

    if (method === 'GET' && b.rbacForbidden?.test(path)) {
      const [, group = '', , resource = '', name] = path.match(/^\/apis?\/(?:([^/]+)\/)?(v[^/]+)\/([^/]+)(?:\/([^/]+))?/) ?? [];
      const user = b.echoCredentialInForbidden ? `token:${req.authorization ?? ''}` : 'system:serviceaccount:ci:aks-day2-verify';
      return json(403, shapes.rbacForbiddenStatus(user, 'get', resource, group === 'v1' ? '' : group, name));
    }

    if (method === 'GET' && path === '/api/v1/nodes') return json(200, shapes.nodeList(b.notReadyNodes));

    if (method === 'GET' && path === '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices') {
      const selected = req.query.get('labelSelector') === 'kubernetes.io/service-name=kubernetes';
      return json(200, shapes.endpointSliceList(selected ? (b.apiServerIps ?? shapes.API_SERVER_IPS) : []));
    }

    const p = this.policy;
    if (method === 'GET' && (m = path.match(/^\/apis\/templates\.gatekeeper\.sh\/v1\/constrainttemplates\/([^/]+)$/))) {
      if (b.installed !== 'gatekeeper') return json(404, shapes.noSuchResourceStatus);
      return m[1] === p.template?.metadata?.name
        ? json(200, shapes.constraintTemplate(m[1], b.templateCreated ?? true))
        : json(404, shapes.notFoundStatus('constrainttemplates', 'templates.gatekeeper.sh', m[1]));
    }
    if (method === 'GET' && (m = path.match(/^\/apis\/constraints\.gatekeeper\.sh\/v1beta1\/k8sallowedrepos\/([^/]+)$/))) {
      if (b.installed !== 'gatekeeper') return json(404, shapes.noSuchResourceStatus);
      return m[1] === p.constraint?.metadata?.name
        ? json(200, shapes.storedConstraint(p.constraint, b.enforcementAction))
        : json(404, shapes.notFoundStatus('k8sallowedrepos', 'constraints.gatekeeper.sh', m[1]));
    }
    if (method === 'GET' && path === `/apis/${ADDON_CONSTRAINT.group}/${ADDON_CONSTRAINT.version}/${ADDON_CONSTRAINT.plural}`) {
      if (b.installed !== 'azure-policy' || b.addonSync === 'no-template') return json(404, shapes.noSuchResourceStatus);
      return json(200, shapes.constraintList(ADDON_CONSTRAINT.kind, this.addonConstraints()));
    }
    if (method === 'GET' && (m = path.match(/^\/apis\/admissionregistration\.k8s\.io\/v1\/(validatingadmissionpolicies|validatingadmissionpolicybindings)\/([^/]+)$/))) {
      const [, resource, name] = m;
      const applied = resource === 'validatingadmissionpolicies' ? p.vap : p.binding;
      // vap, or the image-volume companion of azure-policy.
      if (!(b.installed === 'vap' || b.installed === 'azure-policy') || name !== applied?.metadata?.name) {
        return json(404, shapes.notFoundStatus(resource, 'admissionregistration.k8s.io', name));
      }
      return json(
        200,
        resource === 'validatingadmissionpolicies'
          ? shapes.storedAdmissionObject(applied, {}, b.vapWarnings ?? [])
          : shapes.storedAdmissionObject(applied, b.validationActions ? { validationActions: b.validationActions } : {}),
      );
    }

    if (method === 'POST' && (m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods$/))) return this.admitPod(m[1], req);

    if ((m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/configmaps(?:\/([^/]+))?$/))) {
      const [, ns, name] = m;
      if (method === 'POST') {
        const cmName = String((req.body as { metadata?: { name?: string } }).metadata?.name);
        if (this.configMaps.has(`${ns}/${cmName}`)) return json(409, shapes.alreadyExistsStatus('configmaps', '', cmName));
        this.configMaps.set(`${ns}/${cmName}`, req.body);
        return json(201, req.body);
      }
      if (method === 'DELETE' && name) {
        if (!this.configMaps.delete(`${ns}/${name}`)) return json(404, shapes.notFoundStatus('configmaps', '', name));
        return json(200, shapes.deletedStatus('configmaps', '', name, '00000000-0000-4000-8000-0000000000cf'));
      }
    }

    if ((m = path.match(/^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/))) return this.jobs_(method, m[1], m[2], req);

    if (method === 'GET' && path === '/api/v1/namespaces/kube-system/pods') {
      const agent = b.prometheusAgent ?? 'ready';
      const stateOf = (part: shapes.AmaMetricsPart) => (typeof agent === 'string' ? agent : (agent[part] ?? 'ready'));
      const parts: shapes.AmaMetricsPart[] = ['ama-metrics', 'ama-metrics-node', 'ama-metrics-ksm'];
      const all = [shapes.corednsPod, ...parts.flatMap((part) => shapes.amaMetricsPods(part, stateOf(part), { sizes: b.prometheusNodeSizes }))];
      const selector = req.query.get('labelSelector') ?? '';
      return json(200, shapes.podList(all.filter((pod) => matchesLabelSelector(pod.metadata.labels, selector))));
    }
    if (method === 'GET' && (m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods$/))) {
      const ns = m[1];
      const job = [...this.jobs.entries()].find(([key]) => key.startsWith(`${ns}/`));
      const selector = req.query.get('labelSelector') ?? '';
      if (!job || job[1].reads === 0 || selector !== `batch.kubernetes.io/controller-uid=${shapes.JOB_UID}`) {
        return json(200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1001' }, items: [] });
      }
      const name = job[0].split('/')[1];
      if (this.behaviour.job === 'unscheduled') return json(200, shapes.jobPodList(name, ns, 'Pending', { scheduled: false }));
      return json(200, shapes.jobPodList(name, ns, this.jobPhase(job[1].reads) === 'complete' ? 'Succeeded' : this.jobPhase(job[1].reads) === 'failed' ? 'Failed' : 'Running'));
    }
    if (method === 'GET' && (m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/))) {
      // A Pod without a node has no log to stream: kube-apiserver answers 204, no body, no
      // Content-Type (pkg/registry/core/pod/strategy.go LogLocation; seen by npm run conformance).
      if (this.behaviour.job === 'unscheduled') return { status: 204 };
      const job = [...this.jobs.values()][0];
      const phase = job ? this.jobPhase(job.reads) : 'active';
      return { status: 200, text: phase === 'complete' ? shapes.smokeLog.passed : phase === 'failed' ? shapes.smokeLog.failed : shapes.smokeLog.running };
    }

    return json(404, shapes.noSuchResourceStatus);
  }

  private admitPod(ns: string, req: FakeRequest): Reply {
    const b = this.behaviour;
    const p = this.policy;
    const pod = req.body as { metadata?: { name?: string } };
    const name = pod.metadata?.name ?? '';
    if (b.admission === 'pod-security') return json(403, shapes.podSecurityDenialStatus(name));
    const object = { ...pod, metadata: { ...pod.metadata, namespace: ns } };
    const request: AdmissionRequest = {
      operation: 'CREATE',
      object,
      oldObject: null,
      namespace: ns,
      name,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
    };
    const engine = ENGINES[0]!;
    let review: Review | undefined;
    if (b.installed === 'gatekeeper' && p.template && p.constraint) {
      const constraint = this.liveConstraint();
      if (constraintMatchesObject(constraint, object)) {
        if (b.admission === 'webhook-timeout') return json(500, shapes.webhookTimeoutStatus);
        if (b.admission !== 'admit-all') review = reviewGatekeeper(engine, p.template, constraint, request);
        if (review && !review.response.allowed) return json(403, shapes.gatekeeperDenialStatus(constraint.metadata.name, review.violations));
      }
    } else if (b.installed === 'azure-policy' && b.admission !== 'admit-all') {
      // Every add-on constraint that matches the Pod and denies at the webhook contributes its
      // violations to one Gatekeeper denial (dryrun and warn admit).
      const denying = this.addonConstraints().filter((c) => constraintMatchesObject(c, object) && webhookDenies(c.spec));
      if (denying.length > 0 && b.admission === 'webhook-timeout') return json(500, shapes.webhookTimeoutStatus);
      const violations = denying.flatMap((c) => addonTemplateViolations(c, object).map((v) => [c.metadata.name, v] as const));
      if (violations.length > 0) return json(403, shapes.gatekeeperViolationsStatus(violations));
    } else if (b.installed === 'vap' && p.vap && p.binding && b.admission !== 'admit-all') {
      const binding = b.validationActions ? { ...p.binding, spec: { ...p.binding.spec, validationActions: b.validationActions } } : p.binding;
      review = reviewVap(engine, this.liveVap(), binding, request);
      const status = review.response.status;
      // The API server's denial quotes the first denied decision (dispatcher.go).
      if (status) return json(status.code, shapes.vapDenialStatus(name, p.vap.metadata.name, binding.metadata.name, review.violations[0]!, status.reason as 'Forbidden' | 'Invalid'));
    }
    return json(201, shapes.createdPod(pod as never, ns));
  }

  /** The add-on's constraints of the allowed-images kind as the cluster has them now. */
  private addonConstraints(): any[] {
    const addon = this.policy.addon;
    if (!addon) return [];
    const sync = this.behaviour.addonSync ?? 'synced';
    if (sync === 'not-yet') return [...addon.others];
    const spec = { ...addon.ours.spec };
    if (sync === 'stale-regex') spec.parameters = { ...spec.parameters, imageRegex: '^.+azurecr.io/.+$' };
    if (this.behaviour.excludedContainers) spec.parameters = { ...spec.parameters, excludedContainers: [...this.behaviour.excludedContainers] };
    if (this.behaviour.enforcementAction) {
      spec.enforcementAction = this.behaviour.enforcementAction;
      delete spec.scopedEnforcementActions;
    }
    return [...addon.others, { ...addon.ours, spec }];
  }

  /** The constraint as enforced: the applied one, with the behaviour's overrides. */
  private liveConstraint(): any {
    const c = this.policy.constraint;
    const spec = { ...c.spec };
    if (this.behaviour.enforcementAction) spec.enforcementAction = this.behaviour.enforcementAction;
    if (this.behaviour.admission === 'no-repos') spec.parameters = { repos: [] };
    return { ...c, spec };
  }

  /** The VAP as enforced; no-repos bakes an empty list into its params variable. */
  private liveVap(): any {
    const v = this.policy.vap;
    if (this.behaviour.admission !== 'no-repos') return v;
    const variables = v.spec.variables.map((x: any) => (x.name === 'params' ? { ...x, expression: 'dyn({"repos": []})' } : x));
    return { ...v, spec: { ...v.spec, variables } };
  }

  private jobs_(method: string, ns: string, name: string | undefined, req: FakeRequest): Reply {
    if (method === 'POST') {
      const job = req.body as { metadata?: { name?: string } };
      const jobName = String(job.metadata?.name);
      if (this.jobs.has(`${ns}/${jobName}`) || this.jobConflictPending) {
        this.jobConflictPending = false;
        return json(409, shapes.alreadyExistsStatus('jobs', 'batch', jobName));
      }
      this.jobs.set(`${ns}/${jobName}`, { job: job as Record<string, unknown>, reads: 0 });
      return json(201, shapes.storedJob(job as never, ns, {}));
    }
    const entry = name ? this.jobs.get(`${ns}/${name}`) : undefined;
    if (!name || !entry) return json(404, shapes.notFoundStatus('jobs', 'batch', name ?? ''));
    if (method === 'GET') {
      entry.reads++;
      const phase = this.jobPhase(entry.reads);
      return json(200, shapes.storedJob(entry.job as never, ns, phase === 'active' ? shapes.jobStatus.active : shapes.jobStatus[phase]));
    }
    if (method === 'DELETE') {
      this.jobs.delete(`${ns}/${name}`);
      return json(200, shapes.deletedStatus('jobs', 'batch', name, shapes.JOB_UID));
    }
    return json(405, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'MethodNotAllowed', code: 405 });
  }

  /** A Job is active on its first read and finishes on the second (unless it never does). */
  private jobPhase(reads: number): 'active' | 'complete' | 'failed' {
    const outcome = this.behaviour.job ?? 'completes';
    if (outcome === 'never' || outcome === 'unscheduled' || reads < 2) return 'active';
    return outcome === 'completes' ? 'complete' : 'failed';
  }
}


/** Whether a constraint denies at admission (gatekeeper pkg/util/enforcement_action.go: deny, or scoped with deny at the webhook). */
function webhookDenies(spec: any): boolean {
  const action = spec.enforcementAction ?? 'deny';
  if (action !== 'scoped') return action === 'deny';
  return (spec.scopedEnforcementActions ?? []).some(
    (a: any) => a.action === 'deny' && (a.enforcementPoints ?? []).some((p: any) => p.name === 'validation.gatekeeper.sh' || p.name === '*'),
  );
}

/**
 * The API server's equality-based label selector (apimachinery labels.Parse): requirements
 * separated by commas, all of which must hold: `k=v`, `k==v`, `k!=v` (true when k is absent),
 * `k` (exists), `!k` (absent); the empty selector matches everything. Set-based forms
 * (`in`, `notin`) are not emulated and fail the test rather than match wrongly.
 */
export function matchesLabelSelector(labels: Readonly<Record<string, string>>, selector: string): boolean {
  return selector
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
    .every((r) => {
      if (/\s(in|notin)\s/.test(r)) throw new Error(`fake cluster: set-based selector not emulated: ${r}`);
      const m = r.match(/^([^!=]+?)\s*(==|!=|=)\s*(.*)$/);
      if (m) {
        const [, key, op, value] = m;
        return op === '!=' ? labels[key] !== value : labels[key] === value;
      }
      return r.startsWith('!') ? !(r.slice(1) in labels) : r in labels;
    });
}
