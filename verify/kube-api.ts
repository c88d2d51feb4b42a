/**
 * The few Kubernetes API calls `verify` makes, as an interface the checks depend on. The checks
 * never see a transport: the real implementation (client-node-api.ts) wraps
 * @kubernetes/client-node, tests substitute an in-memory one, and both report failures as
 * KubeApiError built by the functions below from what an API server answers.
 */

/** The parts of a Kubernetes object the checks read. Everything else passes through untouched. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly creationTimestamp?: string | Date;
  };
  readonly [field: string]: unknown;
}

export interface KubeList<T = KubeObject> {
  readonly items: readonly T[];
}

/** A cluster-scoped object of a named API group (ConstraintTemplate, constraint, VAP, binding). */
export interface ClusterObjectRef {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly name: string;
}

/** A cluster-scoped resource of a named API group, e.g. the constraints of one kind. */
export type ClusterResourceRef = Omit<ClusterObjectRef, 'name'>;

export interface KubeApi {
  listNodes(): Promise<KubeList>;
  listEndpointSlices(namespace: string, labelSelector: string): Promise<KubeList>;
  getClusterObject(ref: ClusterObjectRef): Promise<KubeObject>;
  /** Every object of a cluster-scoped custom resource (the Azure Policy add-on's constraints, whose names it picks). */
  listClusterObjects(ref: ClusterResourceRef): Promise<KubeList>;
  /** POST the Pod with `?dryRun=All`: admission runs in full, nothing is stored. */
  dryRunCreatePod(namespace: string, pod: KubeObject): Promise<KubeObject>;
  createConfigMap(namespace: string, configMap: KubeObject): Promise<KubeObject>;
  deleteConfigMap(namespace: string, name: string): Promise<void>;
  createJob(namespace: string, job: KubeObject): Promise<KubeObject>;
  readJob(namespace: string, name: string): Promise<KubeObject>;
  /** Deletes with propagationPolicy Background, so the Job's Pods go too. */
  deleteJob(namespace: string, name: string): Promise<void>;
  listPods(namespace: string, labelSelector: string): Promise<KubeList>;
  readPodLog(namespace: string, pod: string, container: string | undefined, tailLines: number): Promise<string>;
}

/** An API client bound to one kubeconfig context. */
export interface Connection {
  readonly api: KubeApi;
  readonly contextName: string;
  readonly clusterName: string;
  readonly server: string;
  /**
   * Credential strings (tokens, passwords, keys) seen so far: from the kubeconfig at load time,
   * and from each request's Authorization header (exec plugins such as kubelogin mint tokens
   * per request). Read it when printing, not once.
   */
  readonly secrets: () => readonly string[];
}

/** A `Status` object as the API server returns it for every failed request. */
export interface KubeStatus {
  readonly kind?: string;
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly causes?: ReadonlyArray<{ readonly message?: string; readonly reason?: string; readonly field?: string }>;
  };
}

/**
 * What went wrong, sorted by what a user does about it:
 * - unreachable: nothing answered (refused, DNS, TLS); fix the network or the kubeconfig's server.
 * - timeout: no answer within --request-timeout.
 * - unauthorized: 401; the credentials are missing or expired.
 * - forbidden: 403 from authorization (RBAC); the identity lacks a permission.
 * - admission-denied: an admission controller refused the object (webhook, ValidatingAdmissionPolicy,
 *   Pod Security); for the policy check this is the expected answer.
 * - webhook-failure: the API server could not get an answer from an admission webhook.
 * - not-found, conflict, invalid: 404, 409, 422 not from admission.
 * - server: any other answer outside 2xx.
 * - client: the client could not build the request (bad kubeconfig credentials, exec plugin failed).
 */
export type KubeApiErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'admission-denied'
  | 'webhook-failure'
  | 'not-found'
  | 'conflict'
  | 'invalid'
  | 'server'
  | 'client';

export class KubeApiError extends Error {
  constructor(
    readonly kind: KubeApiErrorKind,
    message: string,
    /** HTTP status, when an answer came back. */
    readonly code?: number,
    /** The Status the server sent, when it sent one. */
    readonly status?: KubeStatus,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  /** True when the webhook failure was a timeout (the API server's context deadline). */
  get webhookTimedOut(): boolean {
    return this.kind === 'webhook-failure' && /deadline exceeded|timeout|timed out/i.test(this.message);
  }
}

/** Matches the API server's wording for a webhook denial, a VAP denial and a Pod Security refusal. */
const ADMISSION_DENIAL = /admission webhook "[^"]*" denied the request|ValidatingAdmissionPolicy '[^']*'.* denied request|violates PodSecurity/;

/**
 * Turn an API server answer outside 2xx into a KubeApiError. `body` is the response text (a JSON
 * Status in practice; anything else is kept as a short message).
 */
export function errorFromResponse(code: number, body: unknown): KubeApiError {
  const status = parseStatus(body);
  const message = status?.message || (typeof body === 'string' && body.trim() ? firstLine(body) : `HTTP ${code}`);
  if (code === 401) return new KubeApiError('unauthorized', message, code, status);
  if (ADMISSION_DENIAL.test(message)) return new KubeApiError('admission-denied', message, code, status);
  if (/failed calling webhook/.test(message)) return new KubeApiError('webhook-failure', message, code, status);
  if (code === 403) return new KubeApiError('forbidden', message, code, status);
  if (code === 404) return new KubeApiError('not-found', message, code, status);
  if (code === 409) return new KubeApiError('conflict', message, code, status);
  if (code === 422) return new KubeApiError('invalid', message, code, status);
  return new KubeApiError('server', message, code, status);
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * Turn a failure without an HTTP answer (what fetch throws) into a KubeApiError. The message is
 * rebuilt from the error code rather than passed through, so nothing the request carried leaks.
 */
export function errorFromTransport(err: unknown, server: string, timeoutMs: number): KubeApiError {
  const e = (err ?? {}) as { name?: string; type?: string; code?: string; errno?: string; message?: string };
  if (e.name === 'AbortError' || e.name === 'TimeoutError' || e.type === 'aborted') {
    return new KubeApiError('timeout', `no answer from the API server at ${server} within ${seconds(timeoutMs)}`);
  }
  const code = e.code ?? e.errno;
  if (code && UNREACHABLE_CODES.has(code)) {
    const why = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' ? 'host not found' : code;
    return new KubeApiError('unreachable', `cannot reach the API server at ${server}: ${why} (${code})`);
  }
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/i.test(code)) {
    return new KubeApiError('unreachable', `TLS to the API server at ${server} failed: ${code}`);
  }
  if (e.type === 'system' || e.name === 'FetchError') {
    return new KubeApiError('unreachable', `cannot reach the API server at ${server}: ${code ?? firstLine(e.message ?? '')}`);
  }
  return new KubeApiError('client', `the request to ${server} could not be made: ${firstLine(e.message ?? String(err))}`);
}

/**
 * Errors after which every further call would fail the same way (nothing answers, the
 * credentials are refused, the client cannot build a request): the run stops there. A timeout
 * too: an API server that accepts connections but never answers made every later check wait
 * its full request timeout (136 s for a run that a refused connection ends in 1 s).
 */
export function isFatal(err: unknown): boolean {
  return (
    !(err instanceof KubeApiError) || err.kind === 'unreachable' || err.kind === 'unauthorized' || err.kind === 'client' || err.kind === 'timeout'
  );
}

/** One line a person can act on, for any KubeApiError. */
export function describeApiError(err: KubeApiError): string {
  switch (err.kind) {
    case 'unauthorized':
      return `401 Unauthorized: the API server rejected the kubeconfig's credentials (expired or wrong); refresh them with az aks get-credentials (or kubelogin)`;
    case 'forbidden':
      return `403 Forbidden: ${err.message}`;
    case 'webhook-failure':
      return err.webhookTimedOut
        ? `an admission webhook timed out: ${err.message}`
        : `an admission webhook could not be called: ${err.message}`;
    case 'unreachable':
    case 'timeout':
    case 'client':
      return err.message;
    default:
      return err.code ? `${err.code} ${err.status?.reason ?? ''}: ${err.message}`.replace(' :', ':') : err.message;
  }
}

function parseStatus(body: unknown): KubeStatus | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (value && typeof value === 'object' && (value as KubeStatus).kind === 'Status') return value as KubeStatus;
  return undefined;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0].slice(0, 300);
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}
