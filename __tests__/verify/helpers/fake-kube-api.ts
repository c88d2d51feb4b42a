import { errorFromResponse, errorFromTransport, type Connection, type KubeApi, type KubeList, type KubeObject } from '../../../verify/kube-api';
import type { FakeCluster, FakeRequest } from './fake-cluster';

export const FAKE_SERVER = 'https://contosofin-aks-dns-12345678.hcp.eastus.azmk8s.io:443';

/**
 * KubeApi in memory over a FakeCluster: the same paths and query parameters client-node sends,
 * the same answers, and failures turned into KubeApiError by the same functions the real
 * adapter uses. A reply slower than `requestTimeoutMs` becomes the timeout error at once (no
 * waiting); `unreachable` makes every call fail like a refused connection.
 */
export class FakeKubeApi implements KubeApi {
  constructor(
    readonly cluster: FakeCluster,
    readonly options: { requestTimeoutMs?: number; unreachable?: boolean; authorization?: string } = {},
  ) {}

  private async call(method: string, path: string, query: Record<string, string | undefined> = {}, body?: unknown): Promise<unknown> {
    if (this.options.unreachable) throw errorFromTransport({ name: 'FetchError', type: 'system', code: 'ECONNREFUSED' }, FAKE_SERVER, 1000);
    const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
    const req: FakeRequest = {
      method,
      path,
      query: q,
      body: body === undefined ? undefined : JSON.parse(JSON.stringify(body)),
      authorization: this.options.authorization,
    };
    const reply = this.cluster.handle(req);
    const timeout = this.options.requestTimeoutMs ?? 15_000;
    if ((reply.delayMs ?? 0) > timeout) throw errorFromTransport({ name: 'AbortError', type: 'aborted' }, FAKE_SERVER, timeout);
    if (reply.status >= 200 && reply.status < 300) return reply.text ?? reply.json;
    throw errorFromResponse(reply.status, reply.text ?? (reply.json === undefined ? undefined : JSON.stringify(reply.json)));
  }

  listNodes = () => this.call('GET', '/api/v1/nodes') as Promise<KubeList>;
  listEndpointSlices = (ns: string, labelSelector: string) =>
    this.call('GET', `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, { labelSelector }) as Promise<KubeList>;
  getClusterObject = ({ group, version, plural, name }: { group: string; version: string; plural: string; name: string }) =>
    this.call('GET', `/apis/${group}/${version}/${plural}/${name}`) as Promise<KubeObject>;
  listClusterObjects = ({ group, version, plural }: { group: string; version: string; plural: string }) =>
    this.call('GET', `/apis/${group}/${version}/${plural}`) as Promise<KubeList>;
  dryRunCreatePod = (ns: string, pod: KubeObject) => this.call('POST', `/api/v1/namespaces/${ns}/pods`, { dryRun: 'All' }, pod) as Promise<KubeObject>;
  createConfigMap = (ns: string, cm: KubeObject) => this.call('POST', `/api/v1/namespaces/${ns}/configmaps`, {}, cm) as Promise<KubeObject>;
  deleteConfigMap = async (ns: string, name: string) => {
    await this.call('DELETE', `/api/v1/namespaces/${ns}/configmaps/${name}`);
  };
  createJob = (ns: string, job: KubeObject) => this.call('POST', `/apis/batch/v1/namespaces/${ns}/jobs`, {}, job) as Promise<KubeObject>;
  readJob = (ns: string, name: string) => this.call('GET', `/apis/batch/v1/namespaces/${ns}/jobs/${name}`) as Promise<KubeObject>;
  deleteJob = async (ns: string, name: string) => {
    await this.call('DELETE', `/apis/batch/v1/namespaces/${ns}/jobs/${name}`, { propagationPolicy: 'Background' });
  };
  listPods = (ns: string, labelSelector: string) => this.call('GET', `/api/v1/namespaces/${ns}/pods`, { labelSelector }) as Promise<KubeList>;
  readPodLog = async (ns: string, pod: string, container: string | undefined, tailLines: number) =>
    String((await this.call('GET', `/api/v1/namespaces/${ns}/pods/${pod}/log`, { container, tailLines: String(tailLines) })) ?? '');
}

export function fakeConnection(api: KubeApi, overrides: Partial<Connection> = {}): Connection {
  return { api, contextName: 'contosofin-aks-admin', clusterName: 'contosofin-aks', server: FAKE_SERVER, secrets: () => [], ...overrides };
}

/** A clock that advances only when something sleeps: waiting logic runs instantly and deterministically. */
export class FakeClock {
  t = 0;
  readonly sleeps: number[] = [];
  now = () => this.t;
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.t += ms;
  };
}
