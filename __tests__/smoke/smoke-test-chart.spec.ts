import { parseConfig } from '../../config/load';
import { SMOKE_ENV, SMOKE_SCRIPT } from '../../charts/smoke/smoke-script';
import { SMOKE_JOB_NAME, SMOKE_SHELL_POD_NAME } from '../../charts/smoke/smoke-test-chart';
import { podTemplates, restrictedViolations } from './pss-restricted';
import { RUNBOOK_SMOKE, byKind, smokeChart, synthManifests, synthYaml } from './synth';

/** Every leaf path of an object; array items collapse to `[]`, keys with dots or slashes are quoted. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => leafPaths(item, `${prefix}[]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      leafPaths(v, /^[A-Za-z0-9_]+$/.test(k) ? (prefix ? `${prefix}.${k}` : k) : `${prefix}["${k}"]`),
    );
  }
  return [prefix];
}
const uniqueSorted = (paths: string[]) => [...new Set(paths)].sort();

const manifests = synthManifests();
const pod = byKind(manifests, 'Pod');
const job = byKind(manifests, 'Job');
const podSpecs = podTemplates(manifests);
const allContainers = podSpecs.flatMap((t) => [
  ...(t.spec.containers ?? []),
  ...(t.spec.initContainers ?? []),
  ...(t.spec.ephemeralContainers ?? []),
]);

describe('what the smoke-test chart emits', () => {
  test('exactly the shell Pod and the Job, named without hashes, in the configured namespace', () => {
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind} ${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      `v1 Pod default/${SMOKE_SHELL_POD_NAME}`,
      `batch/v1 Job default/${SMOKE_JOB_NAME}`,
    ]);
    const other = synthManifests({ ...RUNBOOK_SMOKE, namespace: 'smoke' });
    expect(other.map((m) => m.metadata.namespace)).toEqual(['smoke', 'smoke']);
  });

  test('labels are fixed strings: no cdk8s.io address labels, no hashes', () => {
    const labels = {
      'app.kubernetes.io/name': 'aks-day2-smoke-test',
      'app.kubernetes.io/part-of': 'aks-day2',
    };
    expect(pod.metadata.labels).toEqual({ ...labels, 'app.kubernetes.io/component': 'shell' });
    expect(job.metadata.labels).toEqual({ ...labels, 'app.kubernetes.io/component': 'job' });
    expect(job.spec.template.metadata.labels).toEqual(job.metadata.labels);
    expect(synthYaml()).not.toMatch(/cdk8s\.io/);
  });

  test('synthesis is deterministic', () => {
    expect(synthYaml()).toBe(synthYaml());
  });
});

// A whitelist of every field: a new default from a library upgrade (a probe, a pull policy, a
// label) changes this list and fails here, and then someone decides whether it belongs.
describe('field whitelist', () => {
  const podSecurity = [
    'securityContext.runAsGroup',
    'securityContext.runAsNonRoot',
    'securityContext.runAsUser',
    'securityContext.seccompProfile.type',
  ];
  const containerCommon = [
    'command[]',
    'image',
    'name',
    'resources.limits.cpu',
    'resources.limits.memory',
    'resources.requests.cpu',
    'resources.requests.memory',
    'securityContext.allowPrivilegeEscalation',
    'securityContext.capabilities.drop[]',
    'securityContext.readOnlyRootFilesystem',
  ];

  test('shell Pod', () => {
    expect(uniqueSorted(leafPaths(pod))).toEqual(
      uniqueSorted([
        'apiVersion',
        'kind',
        'metadata.annotations["linkerd.io/inject"]',
        'metadata.labels["app.kubernetes.io/component"]',
        'metadata.labels["app.kubernetes.io/name"]',
        'metadata.labels["app.kubernetes.io/part-of"]',
        'metadata.name',
        'metadata.namespace',
        'spec.automountServiceAccountToken',
        ...containerCommon.map((p) => `spec.containers[].${p}`),
        'spec.containers[].volumeMounts[].mountPath',
        'spec.containers[].volumeMounts[].name',
        'spec.restartPolicy',
        ...podSecurity.map((p) => `spec.${p}`),
        'spec.terminationGracePeriodSeconds',
        'spec.volumes[].emptyDir.sizeLimit',
        'spec.volumes[].name',
      ]),
    );
  });

  test('Job', () => {
    const t = 'spec.template';
    expect(uniqueSorted(leafPaths(job))).toEqual(
      uniqueSorted([
        'apiVersion',
        'kind',
        'metadata.labels["app.kubernetes.io/component"]',
        'metadata.labels["app.kubernetes.io/name"]',
        'metadata.labels["app.kubernetes.io/part-of"]',
        'metadata.name',
        'metadata.namespace',
        'spec.activeDeadlineSeconds',
        'spec.backoffLimit',
        'spec.ttlSecondsAfterFinished',
        `${t}.metadata.annotations["linkerd.io/inject"]`,
        `${t}.metadata.labels["app.kubernetes.io/component"]`,
        `${t}.metadata.labels["app.kubernetes.io/name"]`,
        `${t}.metadata.labels["app.kubernetes.io/part-of"]`,
        `${t}.spec.automountServiceAccountToken`,
        ...containerCommon.map((p) => `${t}.spec.containers[].${p}`),
        `${t}.spec.containers[].env[].name`,
        `${t}.spec.containers[].env[].value`,
        `${t}.spec.containers[].terminationMessagePolicy`,
        `${t}.spec.restartPolicy`,
        ...podSecurity.map((p) => `${t}.spec.${p}`),
        `${t}.spec.terminationGracePeriodSeconds`,
      ]),
    );
  });

  test('one container per Pod, no init or ephemeral containers', () => {
    expect(podSpecs.map((t) => [t.where, t.spec.containers.length, t.spec.initContainers, t.spec.ephemeralContainers])).toEqual([
      [`Pod/default/${SMOKE_SHELL_POD_NAME}`, 1, undefined, undefined],
      [`Job/default/${SMOKE_JOB_NAME}`, 1, undefined, undefined],
    ]);
  });
});

describe('Pod Security Standards restricted', () => {
  test('every Pod template passes the restricted checker', () => {
    expect(podSpecs).toHaveLength(2);
    for (const t of podSpecs) expect({ where: t.where, violations: restrictedViolations(t) }).toEqual({ where: t.where, violations: [] });
  });

  test.each(podSpecs.map((t) => [t.where, t] as const))('%s: the fields restricted asks for, spelled out', (_where, t) => {
    expect(t.spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 100,
      runAsGroup: 100,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(t.spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
    });
    expect(t.spec.automountServiceAccountToken).toBe(false);
    expect(t.spec.hostNetwork).toBeUndefined();
  });

  test('uid and gid follow smokeTest.runAsUser', () => {
    const other = podTemplates(synthManifests({ ...RUNBOOK_SMOKE, runAsUser: 10001 }));
    for (const t of other) {
      expect(t.spec.securityContext.runAsUser).toBe(10001);
      expect(t.spec.securityContext.runAsGroup).toBe(10001);
    }
  });

  test('requests and limits for cpu and memory on every container; no probes, no ports', () => {
    expect(allContainers).toHaveLength(2);
    for (const c of allContainers) {
      expect(c.resources).toEqual({
        requests: { cpu: '10m', memory: '64Mi' },
        limits: { cpu: '200m', memory: '64Mi' },
      });
      // A startup probe on a port nothing listens on kills the sleep Pod (cdk8s-plus's default).
      expect([c.startupProbe, c.livenessProbe, c.readinessProbe, c.ports]).toEqual([undefined, undefined, undefined, undefined]);
    }
  });

  // The checker must be able to fail: each broken copy of the shell Pod trips the rule named.
  describe('the checker itself', () => {
    const base = () => structuredClone(podSpecs[0]);
    const cases: Array<[string, (t: any) => void, RegExp]> = [
      ['hostNetwork', (t) => (t.spec.hostNetwork = true), /hostNetwork/],
      ['hostPID', (t) => (t.spec.hostPID = true), /hostPID/],
      ['privileged', (t) => (t.spec.containers[0].securityContext.privileged = true), /privileged/],
      ['allowPrivilegeEscalation unset', (t) => delete t.spec.containers[0].securityContext.allowPrivilegeEscalation, /allowPrivilegeEscalation/],
      ['runAsNonRoot unset', (t) => delete t.spec.securityContext.runAsNonRoot, /runAsNonRoot/],
      ['container runAsNonRoot false', (t) => (t.spec.containers[0].securityContext.runAsNonRoot = false), /runAsNonRoot/],
      ['runAsUser 0', (t) => (t.spec.securityContext.runAsUser = 0), /runAsUser: must not be 0/],
      ['container runAsUser 0', (t) => (t.spec.containers[0].securityContext.runAsUser = 0), /runAsUser: must not be 0/],
      ['seccomp unset', (t) => delete t.spec.securityContext.seccompProfile, /seccompProfile/],
      ['container seccomp Unconfined', (t) => (t.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }), /seccompProfile/],
      ['capabilities not dropped', (t) => delete t.spec.containers[0].securityContext.capabilities, /drop: must include ALL/],
      ['NET_ADMIN added', (t) => (t.spec.containers[0].securityContext.capabilities.add = ['NET_ADMIN']), /NET_ADMIN/],
      ['hostPath volume', (t) => t.spec.volumes.push({ name: 'h', hostPath: { path: '/' } }), /hostPath/],
      ['hostPort', (t) => (t.spec.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]), /hostPort/],
      ['unsafe sysctl', (t) => (t.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]), /kernel\.msgmax/],
      ['procMount Unmasked', (t) => (t.spec.containers[0].securityContext.procMount = 'Unmasked'), /procMount/],
      ['SELinux user', (t) => (t.spec.securityContext.seLinuxOptions = { user: 'system_u' }), /seLinuxOptions\.user/],
      ['AppArmor unconfined', (t) => (t.spec.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }), /appArmorProfile/],
      [
        'an init container without the settings',
        (t) => (t.spec.initContainers = [{ name: 'init', image: 'x' }]),
        /initContainers\[init\]\.securityContext\.allowPrivilegeEscalation/,
      ],
      [
        'an ephemeral (kubectl debug) container adding SYS_PTRACE',
        (t) =>
          (t.spec.ephemeralContainers = [
            { name: 'debug', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['SYS_PTRACE'] } } },
          ]),
        /ephemeralContainers\[debug\].*SYS_PTRACE/,
      ],
    ];
    test.each(cases)('%s is a violation', (_name, breakIt, message) => {
      const t = base();
      breakIt(t);
      const violations = restrictedViolations(t);
      expect(violations.some((v) => message.test(v))).toBe(true);
    });
  });
});

describe('the shell Pod (runbook: "spin up a Pod, exec into it")', () => {
  const c = pod.spec.containers[0];
  test('sleeps an hour in the configured image, then ends instead of restarting', () => {
    expect(c.name).toBe('shell');
    expect(c.image).toBe('docker.io/curlimages/curl:8.16.0');
    expect(c.command).toEqual(['sleep', '3600']);
    expect(pod.spec.restartPolicy).toBe('Never');
  });

  test('read-only root with a small writable /tmp', () => {
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }]);
  });

  test('opts out of Linkerd injection (a proxy-init needs NET_ADMIN, a sidecar never exits)', () => {
    expect(pod.metadata.annotations).toEqual({ 'linkerd.io/inject': 'disabled' });
    expect(job.spec.template.metadata.annotations).toEqual({ 'linkerd.io/inject': 'disabled' });
  });
});

describe('the smoke Job (runbook: "curl 100.64.2.4", "curl www.superman.com  # should be blocked")', () => {
  const c = job.spec.template.spec.containers[0];

  test('bounded: one try, a deadline, cleaned up after an hour', () => {
    expect(job.spec.backoffLimit).toBe(0);
    // 2 requests x 10 s + 120 s for scheduling and the image pull
    expect(job.spec.activeDeadlineSeconds).toBe(140);
    expect(smokeChart().activeDeadlineSeconds).toBe(140);
    expect(job.spec.ttlSecondsAfterFinished).toBe(3600);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(c.terminationMessagePolicy).toBe('FallbackToLogsOnError');
  });

  test('the deadline follows timeoutSeconds', () => {
    const j = byKind(synthManifests({ ...RUNBOOK_SMOKE, timeoutSeconds: 30 }), 'Job');
    expect(j.spec.activeDeadlineSeconds).toBe(180);
    expect(j.spec.template.spec.containers[0].env[2]).toEqual({ name: SMOKE_ENV.timeoutSeconds, value: '30' });
  });

  test('the URLs reach the script as environment variables, never as shell code', () => {
    expect(c.env).toEqual([
      { name: 'SMOKE_INGRESS_URL', value: 'http://100.64.2.4' },
      { name: 'SMOKE_BLOCKED_URL', value: 'http://www.superman.com' },
      { name: 'SMOKE_TIMEOUT_SECONDS', value: '10' },
    ]);
    const hostile = "http://x/';touch /tmp/p;'$(id)`id`";
    const j = byKind(synthManifests({ ...RUNBOOK_SMOKE, ingressUrl: hostile }), 'Job');
    const hc = j.spec.template.spec.containers[0];
    expect(hc.command).toEqual(c.command);
    expect(hc.env[0]).toEqual({ name: 'SMOKE_INGRESS_URL', value: hostile });
  });

  test('the script is the sh -c argument and survives the YAML round trip byte for byte', () => {
    expect(c.command).toHaveLength(3);
    expect(c.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(c.command[2]).toBe(SMOKE_SCRIPT);
    expect(c.args).toBeUndefined();
    // Written as a literal block, so the committed YAML reads as a script.
    expect(synthYaml()).toContain('            - |\n              # aks-day2 smoke test.');
  });

  test('kubelet leaves the script alone: no $(NAME) reference and no $$ escape in it', () => {
    // Kubernetes expands $(VAR) in command/args and turns $$ into $; the script must use neither.
    expect(SMOKE_SCRIPT).not.toMatch(/\$\$/);
    expect(SMOKE_SCRIPT).not.toMatch(/\$\([A-Za-z_][A-Za-z0-9_]*\)/);
  });
});

test('defaults flow from a minimal config: curl image, uid 100, 10 s per request', () => {
  const config = parseConfig(
    [
      'clusters:',
      '  - name: c1',
      '    resourceGroup: rg',
      '    aksName: c1-aks',
      '    location: eastus',
      '    smokeTest:',
      '      ingressUrl: http://100.64.2.4',
      '      blockedUrl: http://www.superman.com',
    ].join('\n'),
  );
  const smokeTest = config.clusters[0].smokeTest!;
  expect(synthYaml(smokeTest)).toBe(synthYaml(RUNBOOK_SMOKE));
});

test('snapshot of the whole chart (a complement to the assertions above)', () => {
  expect(synthYaml()).toMatchSnapshot();
});
