import { k8s } from 'cdk8s-plus-27';

/**
 * Pod Security Standards `restricted`, spelled out field by field for the smoke Pods.
 * Pure functions: the chart composes them, tests read them.
 *
 * Identity and seccomp sit at pod level, so an ephemeral container added with `kubectl debug`
 * inherits them; the rest exists only per container.
 */

/** Pod-level: non-root uid and gid, the runtime's default seccomp profile. */
export function restrictedPodSecurityContext(uid: number, gid: number): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    // The curl image names its user (USER curl_user); kubelet can only verify runAsNonRoot
    // against a numeric uid, so the uid is always explicit.
    runAsUser: uid,
    // Explicit so a uid missing from the image's /etc/passwd never falls back to gid 0.
    runAsGroup: gid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * Container-level: no privilege escalation, no capabilities, and a read-only root filesystem
 * (curl writes nothing unless told to, busybox sh needs no writable file).
 */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
  };
}

/**
 * Small and bounded: one curl at a time. The memory limit leaves room for a TLS handshake and
 * the at most 64 KiB body the script keeps. Memory request equals limit: a Pod that stays within
 * its request is the last kubelet evicts under node memory pressure.
 */
export function smokeResources(): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('64Mi') },
    limits: { cpu: k8s.Quantity.fromString('200m'), memory: k8s.Quantity.fromString('64Mi') },
  };
}
