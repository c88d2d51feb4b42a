import {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  createConfiguration,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  ServerConfiguration,
  type Middleware as PromiseMiddleware,
  type RequestContext,
  type ResponseContext,
} from './client-node';
import { ConnectError, type KubeconfigSource } from './kubeconfig-source';
import { errorFromResponse, errorFromTransport, type Connection, type KubeApi, type KubeList, type KubeObject } from './kube-api';

/**
 * KubeApi over @kubernetes/client-node: the one file that knows the transport. It loads the
 * kubeconfig, bounds every request with a timeout, turns every failure into a KubeApiError and
 * collects the credentials it sends so the CLI can keep them out of everything it prints.
 *
 * This file is only ever loaded by `import()` from cli.ts after the arguments, config and
 * manifests were checked; client-node comes from ./client-node (bundled by scripts/run.cjs into
 * one file, which loads four times faster than the ES module the package ships). Jest never
 * loads it: the checks are tested against an in-memory KubeApi, and this file by running the
 * real CLI against a fake API server.
 */

export interface ConnectOptions {
  /** --context; the kubeconfig's current-context when undefined. */
  readonly context?: string;
  readonly requestTimeoutMs: number;
}

export function connect(source: KubeconfigSource, options: ConnectOptions): Connection {
  const kc = load(source);
  if (options.context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(options.context)) {
      throw new ConnectError(`--context ${options.context}: not in the kubeconfig (contexts: ${names.join(', ') || 'none'})`);
    }
    kc.setCurrentContext(options.context);
  }
  const contextName = kc.getCurrentContext();
  const context = kc.getContextObject(contextName);
  if (!contextName || !context) {
    const names = kc.getContexts().map((c) => c.name);
    throw new ConnectError(`the kubeconfig has no current context: pass --context (contexts: ${names.join(', ') || 'none'})`);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new ConnectError(`context ${contextName} names no cluster with a server address`);

  const secrets = new Set<string>();
  const user = kc.getCurrentUser();
  for (const value of [
    user?.token,
    user?.password,
    user?.keyData,
    ...Object.values((user?.authProvider?.config ?? {}) as Record<string, unknown>),
    ...((user?.exec?.env ?? []) as Array<{ value?: string }>).map((e) => e.value),
  ]) {
    if (typeof value === 'string') secrets.add(value);
  }

  const server = cluster.server;
  const timeoutMs = options.requestTimeoutMs;
  const bound: PromiseMiddleware = {
    pre: async (ctx: RequestContext) => {
      ctx.setSignal(AbortSignal.timeout(timeoutMs));
      const auth = ctx.getHeaders()['Authorization'];
      if (auth) {
        secrets.add(auth);
        secrets.add(auth.replace(/^(Bearer|Basic)\s+/i, ''));
      }
      return ctx;
    },
    post: async (rsp: ResponseContext) => rsp,
  };
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [bound],
  });
  const core = new CoreV1Api(configuration);
  const batch = new BatchV1Api(configuration);
  const discovery = new DiscoveryV1Api(configuration);
  const custom = new CustomObjectsApi(configuration);

  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (e) {
      if (e instanceof ApiException) throw errorFromResponse(e.code, e.body);
      throw errorFromTransport(e, server, timeoutMs);
    }
  };
  const asObject = (value: unknown) => value as KubeObject;
  const asList = (value: unknown) => value as KubeList;

  const api: KubeApi = {
    listNodes: () => call(() => core.listNode()).then(asList),
    listEndpointSlices: (namespace, labelSelector) =>
      call(() => discovery.listNamespacedEndpointSlice({ namespace, labelSelector })).then(asList),
    getClusterObject: ({ group, version, plural, name }) =>
      call(() => custom.getClusterCustomObject({ group, version, plural, name })).then(asObject),
    listClusterObjects: ({ group, version, plural }) => call(() => custom.listClusterCustomObject({ group, version, plural })).then(asList),
    dryRunCreatePod: (namespace, pod) =>
      call(() => core.createNamespacedPod({ namespace, body: pod as never, dryRun: 'All' })).then(asObject),
    createConfigMap: (namespace, configMap) =>
      call(() => core.createNamespacedConfigMap({ namespace, body: configMap as never })).then(asObject),
    deleteConfigMap: async (namespace, name) => {
      await call(() => core.deleteNamespacedConfigMap({ namespace, name }));
    },
    createJob: (namespace, job) => call(() => batch.createNamespacedJob({ namespace, body: job as never })).then(asObject),
    readJob: (namespace, name) => call(() => batch.readNamespacedJob({ namespace, name })).then(asObject),
    deleteJob: async (namespace, name) => {
      await call(() => batch.deleteNamespacedJob({ namespace, name, propagationPolicy: 'Background' }));
    },
    listPods: (namespace, labelSelector) => call(() => core.listNamespacedPod({ namespace, labelSelector })).then(asList),
    readPodLog: (namespace, pod, container, tailLines) =>
      call(async () => {
        try {
          return await core.readNamespacedPodLog({ namespace, name: pod, container, tailLines });
        } catch (e) {
          // A Pod with no node yet has nothing to stream: the API server answers 204 with no
          // body and no Content-Type (k8s.io/kubernetes pkg/registry/core/pod/strategy.go
          // LogLocation), which client-node 1.4 cannot parse. An empty log, not a failure.
          if (!(e instanceof ApiException) && /No Content-Type/.test((e as Error).message ?? '')) return '';
          throw e;
        }
      }).then((text) => String(text ?? '')),
  };
  return { api, contextName, clusterName: context.cluster, server, secrets: () => [...secrets] };
}

function load(source: KubeconfigSource): KubeConfig {
  const kc = new KubeConfig();
  if (source.kind === 'in-cluster') {
    try {
      kc.loadFromCluster();
    } catch (e) {
      throw new ConnectError(`cannot use the in-cluster service account: ${(e as Error).message?.split('\n')[0] ?? String(e)}`);
    }
    return kc;
  }
  source.paths.forEach((path, i) => {
    const target = i === 0 ? kc : new KubeConfig();
    try {
      target.loadFromFile(path);
    } catch (e) {
      // YAML errors quote the offending lines, which may hold a token: keep only the reason.
      const err = e as { reason?: string; message?: string };
      throw new ConnectError(`cannot read kubeconfig ${path}: ${err.reason ?? (err.message ?? String(e)).split('\n')[0]}`);
    }
    if (target !== kc) kc.mergeConfig(target);
  });
  return kc;
}
