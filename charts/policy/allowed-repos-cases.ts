/**
 * The allowed-registries policy's specification, as cases. One table feeds both the jest
 * suite (which evaluates the synthesized CEL as Gatekeeper and as a ValidatingAdmissionPolicy
 * would) and the gator suite under policy-tests/ (gator-suite.ts), so the two cannot drift.
 * Runbook: "kubectl run ... --image=centos -n production" and "--image=kevingbb/khbobble".
 */

/** How the Pod reaches admission: `kubectl debug` updates the ephemeralcontainers subresource. */
export interface PolicyCaseRequest {
  readonly operation: 'CREATE' | 'UPDATE';
  readonly subResource?: 'ephemeralcontainers';
}

/** A container as a case writes it: name and image (undefined: a container without one). */
export type ContainerSpec = readonly [name: string, image: string | undefined];

export interface PodSpecInput {
  readonly name: string;
  readonly namespace: string;
  readonly containers: readonly ContainerSpec[];
  readonly initContainers?: readonly ContainerSpec[];
  readonly ephemeralContainers?: readonly ContainerSpec[];
}

export interface PolicyCase {
  /** File-name safe; the gator case name. */
  readonly name: string;
  /** What the case shows, in one line. */
  readonly description: string;
  readonly pod: PodSpecInput;
  /** @default CREATE of the pods resource */
  readonly request?: PolicyCaseRequest;
  /** Exact number of violations (Gatekeeper) and, when > 0, a denial (VAP). */
  readonly violations: number;
  /** Literal fragments, each of which must occur in exactly one violation message. */
  readonly messages?: readonly string[];
}

export interface PolicyCaseGroup {
  /** File-name safe; the gator test name. */
  readonly name: string;
  readonly description: string;
  /** metadata.name of the constraint (and VAP) this group renders. */
  readonly constraintName: string;
  readonly namespaces: readonly string[];
  /** spec.parameters.repos; undefined renders a constraint without parameters. */
  readonly repos?: readonly string[];
  readonly cases: readonly PolicyCase[];
}

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const LINKERD_PROXY = 'cr.l5d.io/linkerd/proxy:stable-2.14.10';
const LINKERD_INIT = 'gcr.io/linkerd-io/proxy-init:v1.3.11';
const DEBUG: PolicyCaseRequest = { operation: 'UPDATE', subResource: 'ephemeralcontainers' };

/** Entries of every shape: bare names, a registry host, prefixes ending in "/", a pinned tag. */
const PRODUCTION_REPOS = [
  'kevingbb',
  'myacr.azurecr.io',
  'cr.l5d.io/linkerd/',
  'gcr.io/linkerd-io/',
  'docker.io/library/busybox:1.36',
] as const;

const prod = (
  name: string,
  containers: readonly ContainerSpec[],
  more: Omit<PodSpecInput, 'name' | 'namespace' | 'containers'> = {},
): PodSpecInput => ({ name, namespace: 'production', containers, ...more });

export const POLICY_CASE_GROUPS: readonly PolicyCaseGroup[] = [
  {
    name: 'allowed-repos',
    description: 'An allow-list with every kind of entry, enforced in namespace production',
    constraintName: 'allowed-repos',
    namespaces: ['production'],
    repos: PRODUCTION_REPOS,
    cases: [
      {
        name: 'container-allowed',
        description: 'an image below a bare entry ("kevingbb" admits "kevingbb/...")',
        pod: prod('app', [['app', 'kevingbb/khbobble:v1']]),
        violations: 0,
      },
      {
        name: 'container-denied',
        description: 'an image from Docker Hub library is not on the list',
        pod: prod('app', [['app', 'docker.io/library/nginx:1.27']]),
        violations: 1,
        messages: [
          'container "app" has image "docker.io/library/nginx:1.27", which is not from an allowed repo (allowed: kevingbb, myacr.azurecr.io, cr.l5d.io/linkerd/, gcr.io/linkerd-io/, docker.io/library/busybox:1.36)',
        ],
      },
      {
        name: 'init-container-allowed',
        description: 'an init container from the registry host entry',
        pod: prod('app', [['app', 'kevingbb/khbobble:v1']], { initContainers: [['setup', 'myacr.azurecr.io/tools/setup:2.0']] }),
        violations: 0,
      },
      {
        name: 'init-container-denied',
        description: 'init containers are checked too',
        pod: prod('app', [['app', 'kevingbb/khbobble:v1']], { initContainers: [['setup', 'quay.io/evil/setup:1']] }),
        violations: 1,
        messages: ['initContainer "setup" has image "quay.io/evil/setup:1"'],
      },
      {
        name: 'ephemeral-container-allowed',
        description: 'kubectl debug with the pinned busybox tag',
        pod: prod('app', [['app', 'kevingbb/khbobble:v1']], {
          ephemeralContainers: [['debugger', 'docker.io/library/busybox:1.36']],
        }),
        request: DEBUG,
        violations: 0,
      },
      {
        name: 'ephemeral-container-denied',
        description: 'kubectl debug with an image that is not on the list',
        pod: prod('app', [['app', 'kevingbb/khbobble:v1']], {
          ephemeralContainers: [['debugger', 'docker.io/library/busybox:latest']],
        }),
        request: DEBUG,
        violations: 1,
        messages: ['ephemeralContainer "debugger" has image "docker.io/library/busybox:latest"'],
      },
      {
        name: 'containers-and-init-containers-denied',
        description: 'two bad lists are two violations',
        pod: prod('app', [['app', 'centos']], { initContainers: [['setup', 'alpine:3.20']] }),
        violations: 2,
        messages: ['container "app" has image "centos"', 'initContainer "setup" has image "alpine:3.20"'],
      },
      {
        name: 'all-three-lists-denied',
        description: 'one violation per bad list',
        pod: prod('app', [['app', 'centos']], {
          initContainers: [['setup', 'alpine:3.20']],
          ephemeralContainers: [['debugger', 'busybox']],
        }),
        request: DEBUG,
        violations: 3,
        messages: [
          'container "app" has image "centos"',
          'initContainer "setup" has image "alpine:3.20"',
          'ephemeralContainer "debugger" has image "busybox"',
        ],
      },
      {
        name: 'two-bad-containers-one-line',
        description: 'every offending container of a list is named, on one line',
        pod: prod('app', [
          ['web', 'evil.io/web:1'],
          ['ok', 'kevingbb/khbobble:v1'],
          ['worker', 'evil.io/worker:1'],
        ]),
        violations: 1,
        messages: ['container "web" has image "evil.io/web:1"; container "worker" has image "evil.io/worker:1", which'],
      },
      {
        name: 'bypass-name-prefix',
        description: 'upstream prefix matching let "kevingbb" admit "kevingbbevil/..."',
        pod: prod('app', [['app', 'kevingbbevil/x:1']]),
        violations: 1,
        messages: ['image "kevingbbevil/x:1"'],
      },
      {
        name: 'bypass-registry-suffix',
        description: 'upstream prefix matching let "myacr.azurecr.io" admit "myacr.azurecr.io.evil.com/..."',
        pod: prod('app', [['app', 'myacr.azurecr.io.evil.com/x:1']]),
        violations: 1,
        messages: ['image "myacr.azurecr.io.evil.com/x:1"'],
      },
      {
        name: 'bypass-registry-port',
        description: '"kevingbb:5000/x" is a registry host named kevingbb, not a kevingbb tag',
        pod: prod('app', [['app', 'kevingbb:5000/x:1']]),
        violations: 1,
        messages: ['image "kevingbb:5000/x:1"'],
      },
      {
        name: 'bypass-tag-prefix',
        description: 'a pinned tag entry does not admit a longer tag',
        pod: prod('app', [['app', 'docker.io/library/busybox:1.36-evil']]),
        violations: 1,
        messages: ['image "docker.io/library/busybox:1.36-evil"'],
      },
      {
        name: 'bypass-sibling-of-slash-entry',
        description: 'an entry ending in "/" admits what is below it, not its siblings',
        pod: prod('app', [['app', 'gcr.io/linkerd-io-evil/proxy:1']]),
        violations: 1,
        messages: ['image "gcr.io/linkerd-io-evil/proxy:1"'],
      },
      {
        name: 'image-equal-to-entry',
        description: 'an image equal to a bare entry',
        pod: prod('app', [['app', 'kevingbb']]),
        violations: 0,
      },
      {
        name: 'tag-on-bare-entry',
        description: 'a tag continues a bare entry',
        pod: prod('app', [['app', 'kevingbb:1.0']]),
        violations: 0,
      },
      {
        name: 'digest-pinned-allowed',
        description: 'a digest-pinned image below an entry',
        pod: prod('app', [['app', `kevingbb/khbobble@${DIGEST}`]]),
        violations: 0,
      },
      {
        name: 'digest-after-pinned-tag-allowed',
        description: 'a digest continues a pinned-tag entry',
        pod: prod('app', [['app', `docker.io/library/busybox:1.36@${DIGEST}`]]),
        violations: 0,
      },
      {
        name: 'digest-pinned-denied',
        description: 'a digest does not make an image from elsewhere allowed',
        pod: prod('app', [['app', `kevingbbevil/khbobble@${DIGEST}`]]),
        violations: 1,
        messages: [`image "kevingbbevil/khbobble@${DIGEST}"`],
      },
      {
        name: 'linkerd-sidecar-allowed',
        description: 'a Linkerd-injected Pod when the mesh registries are listed',
        pod: prod('app', [['app', 'kevingbb/khbobble:v1'], ['linkerd-proxy', LINKERD_PROXY]], {
          initContainers: [['linkerd-init', LINKERD_INIT]],
        }),
        violations: 0,
      },
      {
        name: 'container-without-image',
        description: 'a container without an image fails closed',
        pod: prod('app', [['app', undefined]]),
        violations: 1,
        messages: ['container "app" has image "(no image)"'],
      },
      {
        name: 'other-namespace-not-checked',
        description: 'the constraint matches only its namespaces',
        pod: { name: 'app', namespace: 'dev', containers: [['app', 'centos']] },
        violations: 0,
      },
    ],
  },
  {
    name: 'runbook',
    description: "The runbook's constraint prod-repo-is-kevingbb: repos [kevingbb] in production",
    constraintName: 'prod-repo-is-kevingbb',
    namespaces: ['production'],
    repos: ['kevingbb'],
    cases: [
      {
        name: 'centos-in-production-denied',
        description: 'kubectl run centosprod --image=centos -n production',
        pod: prod('centosprod', [['centosprod', 'centos']]),
        violations: 1,
        messages: ['container "centosprod" has image "centos", which is not from an allowed repo (allowed: kevingbb)'],
      },
      {
        name: 'bobblehead-allowed',
        description: 'kubectl run bobblehead --image=kevingbb/khbobble -n production',
        pod: prod('bobblehead', [['bobblehead', 'kevingbb/khbobble']]),
        violations: 0,
      },
      {
        name: 'bobblehead-with-linkerd-sidecars-denied',
        description: 'production is Linkerd-injected: the sidecar images are not on the runbook list',
        pod: prod('bobblehead', [['bobblehead', 'kevingbb/khbobble'], ['linkerd-proxy', LINKERD_PROXY]], {
          initContainers: [['linkerd-init', LINKERD_INIT]],
        }),
        violations: 2,
        messages: [`container "linkerd-proxy" has image "${LINKERD_PROXY}"`, `initContainer "linkerd-init" has image "${LINKERD_INIT}"`],
      },
      {
        name: 'centos-in-default-not-checked',
        description: 'kubectl run centosdefault --image=centos -n default',
        pod: { name: 'centosdefault', namespace: 'default', containers: [['centosdefault', 'centos']] },
        violations: 0,
      },
    ],
  },
  {
    name: 'no-parameters',
    description: 'A constraint without spec.parameters admits nothing',
    constraintName: 'no-parameters',
    namespaces: ['production'],
    cases: [
      {
        name: 'any-image-denied',
        description: 'even an image that a list would typically allow',
        pod: prod('bobblehead', [['bobblehead', 'kevingbb/khbobble']]),
        violations: 1,
        messages: ['no allowed image repos are configured'],
      },
    ],
  },
  {
    name: 'empty-repos',
    description: 'An empty repos list admits nothing',
    constraintName: 'empty-repos',
    namespaces: ['production'],
    repos: [],
    cases: [
      {
        name: 'any-image-denied',
        description: 'every Pod is denied, with one message',
        pod: prod('bobblehead', [['bobblehead', 'kevingbb/khbobble']], { initContainers: [['setup', 'centos']] }),
        violations: 1,
        messages: ['no allowed image repos are configured'],
      },
    ],
  },
  {
    name: 'empty-string-repo',
    description: 'An empty-string entry is a prefix of every image: it must admit nothing',
    constraintName: 'empty-string-repo',
    namespaces: ['production'],
    repos: [''],
    cases: [
      {
        name: 'any-image-denied',
        description: 'upstream would admit every image here',
        pod: prod('centosprod', [['centosprod', 'centos']]),
        violations: 1,
        messages: ['no allowed image repos are configured'],
      },
    ],
  },
  {
    name: 'empty-string-among-repos',
    description: 'An empty-string entry next to real ones is ignored',
    constraintName: 'empty-string-among-repos',
    namespaces: ['production'],
    repos: ['', 'kevingbb'],
    cases: [
      {
        name: 'listed-image-allowed',
        description: 'the real entry still works',
        pod: prod('bobblehead', [['bobblehead', 'kevingbb/khbobble']]),
        violations: 0,
      },
      {
        name: 'other-image-denied',
        description: 'the empty entry does not admit everything else',
        pod: prod('centosprod', [['centosprod', 'centos']]),
        violations: 1,
        messages: ['container "centosprod" has image "centos", which is not from an allowed repo (allowed: kevingbb)'],
      },
    ],
  },
];

/** The Pod object a case reviews, as a plain Kubernetes manifest. */
export function podManifest(pod: PodSpecInput): Record<string, unknown> {
  const list = (specs: readonly ContainerSpec[]) =>
    specs.map(([name, image]) => (image === undefined ? { name } : { name, image }));
  const spec: Record<string, unknown> = { containers: list(pod.containers) };
  if (pod.initContainers) spec.initContainers = list(pod.initContainers);
  if (pod.ephemeralContainers) spec.ephemeralContainers = list(pod.ephemeralContainers);
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.name, namespace: pod.namespace }, spec };
}
