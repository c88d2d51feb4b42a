import { imageAllowedBy, isPinned } from '../config/image-rule';
import type { KubeObject } from './kube-api';

/**
 * The Pods `verify` submits with a server-side dry run to see the registry policy at work
 * (the runbook's `kubectl run centosprod --image=centos -n production`, which must be refused,
 * and `--image=kevingbb/khbobble`, which must not). Nothing is created.
 */

/** The runbook's refused image. */
export const RUNBOOK_DENIED_IMAGE = 'centos';
/** Used instead when an allowed entry would admit `centos`: `.invalid` never resolves. */
export const FALLBACK_DENIED_IMAGE = 'registry.aks-day2.invalid/denied/probe:latest';
/** Repository name appended to an allowed entry that names a registry or a path. */
export const ALLOWED_PROBE_REPO = 'aks-day2-probe';

/** An image no entry allows: the runbook's `centos`, unless the list allows it. */
export function deniedImage(allowedRepos: readonly string[]): string {
  return allowedRepos.some((e) => imageAllowedBy(RUNBOOK_DENIED_IMAGE, e)) ? FALLBACK_DENIED_IMAGE : RUNBOOK_DENIED_IMAGE;
}

/**
 * An image the first allowed entry admits (config/image-rule.ts): `kevingbb/` →
 * `kevingbb/aks-day2-probe:latest`; an entry with a tag or digest (a pin, `localhost:5000`
 * included) → the entry itself, the only image it admits; a repository (`kevingbb/khbobble`,
 * `kevingbb`) → `kevingbb/khbobble:latest`.
 */
export function allowedImage(allowedRepos: readonly string[]): string | undefined {
  const entry = allowedRepos.find((e) => e !== '');
  if (entry === undefined) return undefined;
  if (entry.endsWith('/')) return `${entry}${ALLOWED_PROBE_REPO}:latest`;
  if (isPinned(entry)) return entry;
  // A tag continues any repository (`myacr.azurecr.io` without "/" is the Docker Hub image of
  // that name, which the config refuses as an entry; as a repository it admits its tags).
  return `${entry}:latest`;
}

/**
 * A Pod that passes Pod Security `restricted` and carries no service-account token, so that in a
 * namespace enforcing it the only reason for a refusal is the image.
 */
export function probePod(name: string, namespace: string, image: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'aks-day2-verify' } },
    spec: {
      automountServiceAccountToken: false,
      restartPolicy: 'Never',
      securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'probe',
          image,
          command: ['sleep', '1'],
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } },
        },
      ],
    },
  };
}
