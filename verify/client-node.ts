/**
 * The parts of @kubernetes/client-node verify uses, and the one file that names the package.
 * scripts/run.cjs bundles this file, and with it only what these exports need, into
 * .build/client-node.js: loaded as the ES module it ships as, the package's ~2,500 generated
 * model files take about 1 s; as one CommonJS file, about 0.25 s.
 */
export {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  createConfiguration,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  ServerConfiguration,
  type Middleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
