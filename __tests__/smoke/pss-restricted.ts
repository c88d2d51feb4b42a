/**
 * A checker for the Pod Security Standards `restricted` profile (which includes `baseline`),
 * written from the published policy table for Linux Pods. It stands in for the API server's
 * PodSecurity admission (`pod-security.kubernetes.io/enforce: restricted`), which cannot run here.
 * Windows-only rules are limited to hostProcess; AppArmor annotations are checked as well as fields.
 */

type Obj = Record<string, any>;

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** Baseline: capabilities a container may add. Restricted narrows it to NET_BIND_SERVICE. */
const RESTRICTED_ADDABLE_CAPABILITIES = new Set(['NET_BIND_SERVICE']);
const BASELINE_SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
/** Restricted: the only volume sources allowed. */
const RESTRICTED_VOLUME_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

export interface PodTemplate {
  /** e.g. `Job/default/aks-day2-smoke` */
  readonly where: string;
  readonly metadata: Obj;
  readonly spec: Obj;
}

/** Every Pod spec in a list of manifests: Pods, workload templates, CronJob job templates. */
export function podTemplates(manifests: readonly Obj[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const m of manifests) {
    const where = `${m.kind}/${m.metadata?.namespace ?? ''}/${m.metadata?.name ?? ''}`;
    if (m.kind === 'Pod') out.push({ where, metadata: m.metadata ?? {}, spec: m.spec ?? {} });
    else if (m.spec?.template?.spec) out.push({ where, metadata: m.spec.template.metadata ?? {}, spec: m.spec.template.spec });
    else if (m.spec?.jobTemplate?.spec?.template?.spec) {
      const t = m.spec.jobTemplate.spec.template;
      out.push({ where, metadata: t.metadata ?? {}, spec: t.spec });
    }
  }
  return out;
}

/** Violations of `restricted` in one Pod template; empty when it complies. */
export function restrictedViolations(pod: { metadata?: Obj; spec: Obj }): string[] {
  const v: string[] = [];
  const spec = pod.spec;
  const psc: Obj = spec.securityContext ?? {};
  const containers: Array<{ path: string; c: Obj }> = CONTAINER_LISTS.flatMap((list) =>
    ((spec[list] ?? []) as Obj[]).map((c) => ({ path: `${list}[${c.name}]`, c })),
  );
  if (containers.length === 0) v.push('spec: no containers');

  // ---- baseline
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[ns] === true) v.push(`spec.${ns}: host namespaces are not allowed`);
  }
  if (psc.windowsOptions?.hostProcess === true) v.push('securityContext.windowsOptions.hostProcess: not allowed');
  checkSeLinux(psc.seLinuxOptions, 'securityContext', v);
  for (const s of (psc.sysctls ?? []) as Obj[]) {
    if (!SAFE_SYSCTLS.has(s.name)) v.push(`securityContext.sysctls: ${s.name} is not a safe sysctl`);
  }
  checkAppArmor(psc.appArmorProfile, 'securityContext', v);
  for (const [key, value] of Object.entries((pod.metadata?.annotations ?? {}) as Record<string, string>)) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && !(value === 'runtime/default' || value.startsWith('localhost/'))) {
      v.push(`metadata.annotations[${key}]: AppArmor must be runtime/default or localhost/*`);
    }
  }
  for (const vol of (spec.volumes ?? []) as Obj[]) {
    const types = Object.keys(vol).filter((k) => k !== 'name');
    for (const t of types) {
      if (!RESTRICTED_VOLUME_TYPES.has(t)) v.push(`volumes[${vol.name}]: volume type ${t} is not allowed`);
    }
  }

  // ---- restricted, pod level
  if (psc.runAsUser === 0) v.push('securityContext.runAsUser: must not be 0');
  if (psc.seccompProfile?.type !== undefined && !isRestrictedSeccomp(psc.seccompProfile.type)) {
    v.push(`securityContext.seccompProfile.type: ${psc.seccompProfile.type} is not allowed`);
  }

  for (const { path, c } of containers) {
    const sc: Obj = c.securityContext ?? {};
    // baseline
    if (sc.privileged === true) v.push(`${path}.securityContext.privileged: not allowed`);
    if (sc.windowsOptions?.hostProcess === true) v.push(`${path}.securityContext.windowsOptions.hostProcess: not allowed`);
    for (const p of (c.ports ?? []) as Obj[]) {
      if (p.hostPort !== undefined && p.hostPort !== 0) v.push(`${path}.ports: hostPort ${p.hostPort} is not allowed`);
    }
    if (sc.procMount !== undefined && sc.procMount !== 'Default') v.push(`${path}.securityContext.procMount: must be Default`);
    checkSeLinux(sc.seLinuxOptions, `${path}.securityContext`, v);
    checkAppArmor(sc.appArmorProfile, `${path}.securityContext`, v);
    // restricted
    if (sc.allowPrivilegeEscalation !== false) v.push(`${path}.securityContext.allowPrivilegeEscalation: must be false`);
    const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
    if (nonRoot !== true) v.push(`${path}: runAsNonRoot must be true (container or pod)`);
    if (sc.runAsUser === 0) v.push(`${path}.securityContext.runAsUser: must not be 0`);
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (!isRestrictedSeccomp(seccomp)) v.push(`${path}: seccompProfile.type must be RuntimeDefault or Localhost (container or pod), got ${seccomp}`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) v.push(`${path}.securityContext.capabilities.drop: must include ALL`);
    for (const cap of (sc.capabilities?.add ?? []) as string[]) {
      if (!RESTRICTED_ADDABLE_CAPABILITIES.has(cap)) v.push(`${path}.securityContext.capabilities.add: ${cap} is not allowed`);
    }
  }
  return v;
}

function isRestrictedSeccomp(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function checkSeLinux(opts: Obj | undefined, path: string, v: string[]): void {
  if (!opts) return;
  if (!BASELINE_SELINUX_TYPES.has(opts.type ?? '')) v.push(`${path}.seLinuxOptions.type: ${opts.type} is not allowed`);
  if (opts.user) v.push(`${path}.seLinuxOptions.user: must not be set`);
  if (opts.role) v.push(`${path}.seLinuxOptions.role: must not be set`);
}

function checkAppArmor(profile: Obj | undefined, path: string, v: string[]): void {
  if (profile && profile.type !== 'RuntimeDefault' && profile.type !== 'Localhost') {
    v.push(`${path}.appArmorProfile.type: ${profile.type} is not allowed`);
  }
}
