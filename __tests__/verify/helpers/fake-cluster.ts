import * as shapes from '../fixtures/api-shapes';

/**
 * An emulated Kubernetes API server: routes the REST calls `verify` makes (method + path +
 * query, as client-node sends them) to answers in the real shapes (fixtures/api-shapes.ts),
 * with state where the checks depend on it (a Job that goes active → complete, objects that
 * exist until deleted). The same instance serves the in-memory KubeApi (checks tested in-process)
 * and the HTTP server (the real CLI and client-node tested end to end), and records every request.
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
  /** Answer only after this long (the HTTP server waits; the in-memory API compares it to its timeout). */
  readonly delayMs?: number;
}

export interface Behaviour {
  /** Bearer token the server accepts; others get 401. Undefined: no authentication. */
  readonly token?: string;
  readonly notReadyNodes?: readonly string[];
  readonly apiServerIps?: readonly string[];
  readonly installed?: 'gatekeeper' | 'vap' | 'nothing';
  readonly templateCreated?: boolean;
  readonly enforcementAction?: string;
  readonly vapWarnings?: ReadonlyArray<{ fieldRef: string; warning: string }>;
  /** How Pod admission behaves for images the policy does not allow. */
  readonly admission?: 'enforcing' | 'admit-all' | 'webhook-timeout' | 'pod-security';
  readonly job?: 'completes' | 'fails' | 'never';
  /** A Job of that name exists already (left from an earlier run). */
  readonly leftoverJob?: boolean;
  /** The first create of the Job answers 409, as while the old one is still being deleted. */
  readonly jobConflictOnce?: boolean;
  /** Requests whose path matches answer after `slowMs`. */
  readonly slow?: RegExp;
  readonly slowMs?: number;
  /** GETs whose path matches are refused by RBAC. */
  readonly rbacForbidden?: RegExp;
  /** Put the caller's Authorization header into RBAC messages (a server echoing a credential). */
  readonly echoCredentialInForbidden?: boolean;
}

/** What the emulated policy engine enforces (names as in fixtures/dist/). */
export interface PolicyUnderTest {
  readonly namespaces: readonly string[];
  readonly repos: readonly string[];
  readonly constraintName: string;
  readonly vapName: string;
  readonly vapBindingName: string;
}

export const CONTOSOFIN_POLICY: PolicyUnderTest = {
  namespaces: ['production'],
  repos: ['kevingbb/', 'cr.l5d.io/linkerd/'],
  constraintName: 'allowed-repos',
  vapName: 'allowed-repos',
  vapBindingName: 'allowed-repos-production',
};

export const CONTOSOVAP_POLICY: PolicyUnderTest = {
  namespaces: ['production', 'staging'],
  repos: ['contosovapacr.azurecr.io'],
  constraintName: 'allowed-repos',
  vapName: 'allowed-repos',
  vapBindingName: 'allowed-repos-production',
};

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

    if (method === 'GET' && (m = path.match(/^\/apis\/templates\.gatekeeper\.sh\/v1\/constrainttemplates\/([^/]+)$/))) {
      if (b.installed !== 'gatekeeper') return json(404, shapes.noSuchResourceStatus);
      return m[1] === 'k8sallowedrepos'
        ? json(200, shapes.constraintTemplate(m[1], b.templateCreated ?? true))
        : json(404, shapes.notFoundStatus('constrainttemplates', 'templates.gatekeeper.sh', m[1]));
    }
    if (method === 'GET' && (m = path.match(/^\/apis\/constraints\.gatekeeper\.sh\/v1beta1\/k8sallowedrepos\/([^/]+)$/))) {
      if (b.installed !== 'gatekeeper') return json(404, shapes.noSuchResourceStatus);
      return m[1] === this.policy.constraintName
        ? json(200, shapes.constraint('K8sAllowedRepos', m[1], this.policy.repos, b.enforcementAction))
        : json(404, shapes.notFoundStatus('k8sallowedrepos', 'constraints.gatekeeper.sh', m[1]));
    }
    if (method === 'GET' && (m = path.match(/^\/apis\/admissionregistration\.k8s\.io\/v1\/(validatingadmissionpolicies|validatingadmissionpolicybindings)\/([^/]+)$/))) {
      const [, resource, name] = m;
      const exists = b.installed === 'vap' && name === (resource === 'validatingadmissionpolicies' ? this.policy.vapName : this.policy.vapBindingName);
      if (!exists) return json(404, shapes.notFoundStatus(resource, 'admissionregistration.k8s.io', name));
      return json(
        200,
        resource === 'validatingadmissionpolicies'
          ? shapes.validatingAdmissionPolicy(name, b.vapWarnings)
          : shapes.validatingAdmissionPolicyBinding(name, this.policy.vapName),
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

    if (method === 'GET' && (m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods$/))) {
      const ns = m[1];
      const job = [...this.jobs.entries()].find(([key]) => key.startsWith(`${ns}/`));
      const selector = req.query.get('labelSelector') ?? '';
      if (!job || job[1].reads === 0 || selector !== `batch.kubernetes.io/controller-uid=${shapes.JOB_UID}`) {
        return json(200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1001' }, items: [] });
      }
      const name = job[0].split('/')[1];
      return json(200, shapes.jobPodList(name, ns, this.jobPhase(job[1].reads) === 'complete' ? 'Succeeded' : this.jobPhase(job[1].reads) === 'failed' ? 'Failed' : 'Running'));
    }
    if (method === 'GET' && (m = path.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/))) {
      const job = [...this.jobs.values()][0];
      const phase = job ? this.jobPhase(job.reads) : 'active';
      return { status: 200, text: phase === 'complete' ? shapes.smokeLog.passed : phase === 'failed' ? shapes.smokeLog.failed : shapes.smokeLog.running };
    }

    return json(404, shapes.noSuchResourceStatus);
  }

  private admitPod(ns: string, req: FakeRequest): Reply {
    const b = this.behaviour;
    const pod = req.body as { metadata?: { name?: string }; spec?: { containers?: Array<{ name: string; image: string }> } };
    const name = pod.metadata?.name ?? '';
    const images = (pod.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image }));
    const p = this.policy;
    const inScope = p.namespaces.includes(ns);
    const bad = images.filter((c) => !p.repos.some((r) => allowedBy(c.image, r)));
    if (b.admission === 'pod-security') return json(403, shapes.podSecurityDenialStatus(name));
    if (inScope && b.admission === 'webhook-timeout' && b.installed === 'gatekeeper') return json(500, shapes.webhookTimeoutStatus);
    if (inScope && bad.length > 0 && b.admission !== 'admit-all') {
      const violation = `container "${bad[0].name}" has image "${bad[0].image}", which is not from an allowed repo (allowed: ${p.repos.join(', ')})`;
      if (b.installed === 'gatekeeper') return json(403, shapes.gatekeeperDenialStatus(p.constraintName, [violation]));
      if (b.installed === 'vap') return json(422, shapes.vapDenialStatus(name, p.vapName, p.vapBindingName, violation));
    }
    return json(201, shapes.createdPod(pod as never, ns));
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
    if (outcome === 'never' || reads < 2) return 'active';
    return outcome === 'completes' ? 'complete' : 'failed';
  }
}

/** The emulated policy's own match rule (the project's rule: equal, or continued at / : @). */
function allowedBy(image: string, entry: string): boolean {
  return image === entry || (image.startsWith(entry) && (entry.endsWith('/') || '/:@'.includes(image[entry.length])));
}
