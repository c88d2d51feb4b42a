import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where the credentials come from, found without reading them. */
export type KubeconfigSource =
  | { readonly kind: 'files'; readonly paths: readonly string[] }
  | { readonly kind: 'in-cluster' };

export const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * kubectl's order: --kubeconfig, then $KUBECONFIG (a list), then ~/.kube/config; inside a Pod
 * (a pipeline agent running in the cluster), the service account. Returns an error message
 * when there is none; `hint` says how to get one.
 */
export function locateKubeconfig(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  hint: string,
  exists: (path: string) => boolean = existsSync,
): KubeconfigSource | { readonly error: string } {
  if (flag !== undefined) {
    return exists(flag) ? { kind: 'files', paths: [flag] } : { error: `--kubeconfig ${flag}: no such file` };
  }
  if (env.KUBECONFIG) {
    const listed = env.KUBECONFIG.split(delimiter).filter(Boolean);
    const paths = listed.filter((p) => exists(p));
    return paths.length > 0 ? { kind: 'files', paths } : { error: `KUBECONFIG is set, but ${listed.join(', ')} does not exist. ${hint}` };
  }
  const home = env.HOME || env.USERPROFILE || homedir();
  const fallback = join(home, '.kube', 'config');
  if (exists(fallback)) return { kind: 'files', paths: [fallback] };
  if (env.KUBERNETES_SERVICE_HOST && exists(IN_CLUSTER_TOKEN)) return { kind: 'in-cluster' };
  return { error: `no kubeconfig: KUBECONFIG is not set and ${fallback} does not exist. ${hint}` };
}

/** A kubeconfig that cannot be used; the message never quotes the file's contents. */
export class ConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectError';
  }
}
