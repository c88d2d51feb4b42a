/**
 * The allowed-registries policy's specification, as two tables:
 *
 *  - IMAGE_FACTS: engine-neutral facts, "under this allow-list, this image is admitted or not".
 *    config/image-rule.ts (the TypeScript rule), the CEL under two CEL engines, and any other
 *    rendering of the allow-list (an Azure Policy regex) must agree with every one.
 *  - POLICY_CASE_GROUPS: what admission does with whole requests (Pods and workloads; create,
 *    update, delete, connect; subresources; messages), run against the synthesized Gatekeeper
 *    template + constraint and the VAP + binding, and rendered as the gator suite under
 *    policy-tests/ (gator-suite.ts), so the two cannot drift.
 *
 * Runbook: "kubectl run ... --image=centos -n production" and "--image=kevingbb/khbobble".
 */

// ---- Image facts -----------------------------------------------------------------------------

export interface ImageFact {
  readonly image: string;
  readonly allowed: boolean;
  /** Why, in a few words. */
  readonly why: string;
}

export interface ImageFactGroup {
  /** File-name safe. */
  readonly name: string;
  readonly repos: readonly string[];
  readonly facts: readonly ImageFact[];
}

export const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
export const OTHER_DIGEST = `sha256:${'fedcba9876543210'.repeat(4)}`;
const LINKERD_PROXY = 'cr.l5d.io/linkerd/proxy:stable-2.14.10';
const LINKERD_INIT = 'gcr.io/linkerd-io/proxy-init:v1.3.11';

/** Entries of every kind: bare names, a registry host, prefixes ending in "/", pins. */
export const PRODUCTION_REPOS = [
  'kevingbb',
  'myacr.azurecr.io/',
  'cr.l5d.io/linkerd/',
  'gcr.io/linkerd-io/',
  'docker.io/library/busybox:1.36',
  `docker.io/library/alpine:3.20@${DIGEST}`,
  `mcr.microsoft.com/azurelinux/base/core@${DIGEST}`,
] as const;

const allowed = (image: string, why: string): ImageFact => ({ image, allowed: true, why });
const denied = (image: string, why: string): ImageFact => ({ image, allowed: false, why });

export const IMAGE_FACT_GROUPS: readonly ImageFactGroup[] = [
  {
    name: 'production',
    repos: PRODUCTION_REPOS,
    facts: [
      allowed('kevingbb', 'equal to a bare entry'),
      allowed('kevingbb/khbobble', 'below a bare entry'),
      allowed('kevingbb/khbobble:v1', 'below a bare entry, with a tag'),
      allowed('kevingbb:1.0', 'a tag continues a bare entry'),
      allowed(`kevingbb@${DIGEST}`, 'a digest continues a bare entry'),
      allowed(`kevingbb/khbobble@${DIGEST}`, 'a digest-pinned image below an entry'),
      allowed(`kevingbb/khbobble:v1@${DIGEST}`, 'tag and digest below an entry'),
      allowed('myacr.azurecr.io/tools/setup:2.0', 'below a registry entry'),
      allowed(LINKERD_PROXY, 'below an entry ending in "/"'),
      allowed(LINKERD_INIT, 'below an entry ending in "/"'),
      allowed('docker.io/library/busybox:1.36', 'exactly a pinned tag'),
      allowed(`docker.io/library/alpine:3.20@${DIGEST}`, 'exactly a pinned tag and digest'),
      allowed(`mcr.microsoft.com/azurelinux/base/core@${DIGEST}`, 'exactly a pinned digest'),
      denied('centos', 'not on the list'),
      denied('docker.io/library/nginx:1.27', 'not on the list'),
      denied('kevingbbevil/x:1', 'upstream prefix matching let "kevingbb" admit "kevingbbevil/..."'),
      denied('myacr.azurecr.io.evil.com/x:1', 'upstream let "myacr.azurecr.io" admit "myacr.azurecr.io.evil.com/..."'),
      denied('myacr.azurecr.io:1', 'the Docker Hub image "myacr.azurecr.io" (docker.io/library/myacr.azurecr.io:1), not the registry'),
      denied('kevingbb:5000/x:1', '"kevingbb:5000/x" is a registry named kevingbb on port 5000, not a kevingbb tag'),
      denied(`kevingbbevil/khbobble@${DIGEST}`, 'a digest does not make an image from elsewhere allowed'),
      denied('gcr.io/linkerd-io-evil/proxy:1', 'an entry ending in "/" admits what is below it, not its siblings'),
      denied('docker.io/library/busybox:1.36-evil', 'a pinned tag does not admit a longer tag'),
      denied('docker.io/library/busybox:1.36.1', 'a pinned tag does not admit a longer tag'),
      denied(`docker.io/library/busybox:1.36@${DIGEST}`, 'a digest after a pinned tag: the runtime would pull the digest'),
      denied('docker.io/library/busybox', 'the repository of a pinned tag is not pinned'),
      denied('docker.io/library/busybox:latest', 'another tag of a pinned repository'),
      denied('docker.io/library/busybox:1.36/x', 'nothing is below a pinned tag'),
      denied('docker.io/library/alpine:3.20', 'a tag-and-digest pin needs the digest'),
      denied(`docker.io/library/alpine:3.20@${OTHER_DIGEST}`, 'another digest than the pinned one'),
      denied(`mcr.microsoft.com/azurelinux/base/core:3.0@${DIGEST}`, 'a tag added to a pinned digest is another string'),
      denied(`mcr.microsoft.com/azurelinux/base/core@${OTHER_DIGEST}`, 'another digest than the pinned one'),
      // One spelling per image: the runtime's normal form (distribution/reference normalize.go).
      allowed('docker.io/kevingbb/x', 'kevingbb/x spelled with its registry'),
      allowed('index.docker.io/kevingbb/x:1', "kevingbb/x:1 spelled with Docker Hub's legacy registry name"),
      allowed('docker.io/kevingbb:1.0', 'the image kevingbb (docker.io/library/kevingbb) spelled with its registry'),
      allowed('index.docker.io/library/kevingbb:1.0', 'the image kevingbb spelled in full'),
      allowed('library/kevingbb', 'the image kevingbb spelled with its namespace'),
      allowed('busybox:1.36', 'the pinned docker.io/library/busybox:1.36, spelled short'),
      allowed('library/busybox:1.36', 'the same pin, without registry'),
      allowed('docker.io/busybox:1.36', 'the same pin, without library/'),
      allowed('index.docker.io/busybox:1.36', 'the same pin, legacy registry name'),
      allowed(`alpine:3.20@${DIGEST}`, 'the tag-and-digest pin, spelled short'),
      allowed(`index.docker.io/library/alpine:3.20@${DIGEST}`, 'the tag-and-digest pin, spelled in full'),
      denied('busybox:1.37', 'another tag of the pin, spelled short'),
      denied('index.docker.io/library/busybox:latest', 'another tag of the pin, spelled in full'),
      denied('busybox', 'the repository of a pin, spelled short'),
      denied('docker.io/kevingbbevil/x', 'a look-alike namespace, spelled with its registry'),
      denied('index.docker.io/kevingbbevil/x', 'and with the legacy registry name'),
      denied('evil.io/library/busybox:1.36', 'the pin on another registry'),
      denied('evil.io/kevingbb/x', 'the namespace on another registry'),
      denied('localhost/kevingbb/x', 'localhost is a registry, not a Docker Hub namespace'),
      denied('KEVINGBB/x', 'case-sensitive'),
      denied('', 'an empty image'),
      // Bypasses of a regex rendering (Azure Policy's allowedContainerImagesRegex, matched
      // anywhere in the image name): each must stay refused.
      denied('myacr-azurecr.io/tools/setup:2.0', 'a "." in an entry is a dot (an unescaped regex "." admits any character)'),
      denied('crxl5d.io/linkerd/proxy:1', 'the same in an entry ending in "/"'),
      denied('evil.io/myacr.azurecr.io/x:1', 'a listed registry inside the path of another registry (an unanchored regex finds it)'),
      denied('evil.io/kevingbb/khbobble:v1', 'a bare entry inside another path'),
      denied('evil.io/cr.l5d.io/linkerd/proxy:1', 'an entry ending in "/" inside another path'),
      denied('evil.io/docker.io/library/busybox:1.36', 'a pin at the end of another path'),
      denied('myacr.azurecr.ioevil/x:1', 'a suffix glued to a registry host entry'),
      denied('cr.l5d.io/linkerd', 'an entry ending in "/" without its "/"'),
      denied(`mcr.microsoft.com/azurelinux/base/core@${DIGEST}0`, 'a suffix after a pinned digest'),
      allowed('kevingbb/', 'a bare entry followed by "/" and nothing'),
      allowed('kevingbb/x\ny', 'below a bare entry, whatever follows, a line break included'),
      denied('kevingbb:1\n/x', 'a "/" after a tag, also after a line break'),
    ],
  },
  {
    // Entries are literal strings: none of these characters means anything to the rule.
    name: 'regex-metacharacters',
    repos: ['reg.io/a+b/', 'c.d/', 'e?f', 'g*h', '(i)', '[j]', 'k{2}', 'l|m', '^n', 'o$', 'p\\q'],
    facts: [
      allowed('reg.io/a+b/x', '"+" is a character'),
      denied('reg.io/aab/x', 'an unescaped "+" would repeat the "a"'),
      allowed('c.d/x', '"." is a character'),
      denied('cxd/x', 'an unescaped "." admits any character'),
      allowed('e?f:1', '"?" is a character'),
      denied('f', 'an unescaped "?" would make the "e" optional'),
      denied('ef', 'the "?" is part of the name'),
      allowed('g*h', '"*" is a character'),
      denied('h', 'an unescaped "*" would allow no "g"'),
      denied('gggh', 'or many'),
      allowed('(i)/x', 'parentheses are characters'),
      denied('i/x', 'unescaped parentheses would only group'),
      allowed('[j]', 'brackets are characters'),
      denied('j', 'unescaped brackets would be a class'),
      allowed('k{2}', 'braces are characters'),
      denied('kk', 'unescaped braces would repeat'),
      allowed('l|m', '"|" is a character'),
      denied('l', 'an unescaped "|" would split the alternatives'),
      denied('m/x', 'and admit what is below its right half'),
      allowed('^n', '"^" is a character'),
      denied('n', 'an unescaped "^" would be an anchor'),
      allowed('o$', '"$" is a character'),
      denied('o', 'an unescaped "$" would be an anchor'),
      allowed('p\\q', 'a backslash is a character'),
      denied('pq', 'an unescaped backslash would escape the "q"'),
    ],
  },
  {
    name: 'only-empty-entries',
    repos: [''],
    facts: [denied('centos', 'an empty entry admits nothing'), denied('', 'not even the empty image')],
  },
  {
    name: 'registry-ports',
    repos: ['localhost:5000/', 'reg.example:5000', 'reg.example.com:443/team'],
    facts: [
      allowed('localhost:5000/app:1', 'a registry on a port, written host:port/'),
      allowed('reg.example:5000', 'host:port without "/" is the image "reg.example" with tag 5000: exactly that'),
      denied('reg.example:5000/app:1', 'so it is not a registry entry'),
      allowed('reg.example.com:443/team/app:1', 'a port before a "/" is part of the host'),
      allowed('reg.example.com:443/team:2', 'a tag continues a repository on a host with a port'),
      denied('reg.example.com:443/teamevil/app', 'no partial segments after a port either'),
      denied('localhost:5001/app', 'another port'),
    ],
  },
  {
    name: 'empty-entries',
    repos: ['', 'kevingbb/'],
    facts: [
      allowed('kevingbb/app', 'the real entry still works'),
      denied('centos', 'an empty entry is not a prefix of everything'),
    ],
  },
];

/**
 * Entries for the entry × image grids: each alone, every image built from the entries and
 * GRID_SUFFIXES is judged by the engine under test and by config/image-rule.ts, pair by pair.
 * Bare names, trailing `/` prefixes, registries with ports, pinned tags and digests.
 */
export const GRID_ENTRIES: readonly string[] = [
  'kevingbb',
  'kevingbb/',
  'myacr.azurecr.io',
  'myacr.azurecr.io/',
  'myacr.azurecr.io/team',
  'docker.io/library/busybox:1.36',
  `nginx@${DIGEST}`,
  `nginx:1.27@${DIGEST}`,
  'localhost:5000',
  'localhost:5000/',
  'reg.io:443/team',
  'a',
  // Docker Hub, each in another spelling: one spelling per image (config/image-rule.ts).
  'busybox',
  'docker.io/library/busybox',
  'index.docker.io/kevingbb/',
  'library/',
  'docker.io/',
  // Written with `library/`: the official image only, never also a namespace of that name.
  'library/kevingbb',
  'library/a/b',
];

/** What a grid appends to an entry: a path, a tag, a digest, a look-alike host, nothing. */
export const GRID_SUFFIXES: readonly string[] = ['', '/x', '/x:1', ':1', ':1.2@sha256:ff', `@${DIGEST}`, '@sha256:ff', ':5000/x', '@x/y', 'evil/x', '.evil.com/x', '-x', 'x', '//x', '/'];

/**
 * The grid for renderings of the allow-list as a regular expression (the Azure Policy regex),
 * which can go wrong where the CEL cannot: GRID_ENTRIES plus entries made of regex
 * metacharacters; GRID_SUFFIXES plus line breaks (RE2's `$` and `.` differ there from a naive
 * reading); every image also behind a prefix (an unanchored search finds an entry inside another
 * name); and a few strays.
 */
export const REGEX_GRID_ENTRIES: readonly string[] = [...GRID_ENTRIES, 'a.b+c/', '(x)|y'];
export const REGEX_GRID_SUFFIXES: readonly string[] = [...GRID_SUFFIXES, '\n', '\n/x', ':\n'];
export const REGEX_GRID_PREFIXES: readonly string[] = ['', 'evil.io/', 'x', 'docker.io/', 'index.docker.io/', 'library/', 'docker.io/library/', 'localhost/', 'Local/'];
const REGEX_GRID_STRAYS: readonly string[] = ['centos', '', 'x/kevingbb/y', 'KEVINGBB/x', 'myacrXazurecr.io/x', 'aXb+c/x', 'a.bbc/x', 'y'];

/** The images of the regex grid over `entries` (prefix + entry + suffix, then the strays), each once, in a fixed order. */
export function regexGridImages(entries: readonly string[] = REGEX_GRID_ENTRIES): string[] {
  const built = entries.flatMap((e) => REGEX_GRID_PREFIXES.flatMap((p) => REGEX_GRID_SUFFIXES.map((s) => p + e + s)));
  return [...new Set([...built, ...REGEX_GRID_STRAYS])];
}

/**
 * The images an allow-list implies, to judge a rendering of that list (a committed constraint, an
 * assignment's regex) by: the regex grid over its entries, each entry ending in "/" also without
 * it, so a rendering whose entry lost or gained the "/" admits or refuses some image differently.
 */
export function listGridImages(entries: readonly string[]): string[] {
  return regexGridImages([...new Set(entries.flatMap((e) => (e.endsWith('/') && e.length > 1 ? [e, e.slice(0, -1)] : [e])))]);
}

// ---- Admission cases -------------------------------------------------------------------------

/** A container as a case writes it: name and image (undefined: a container without one). */
export type ContainerSpec = readonly [name: string, image: string | undefined];

/** An image volume as a case writes it: name and image reference (undefined: none given). */
export type ImageVolumeSpec = readonly [name: string, reference: string | undefined];

export interface PodSpecInput {
  readonly containers: readonly ContainerSpec[];
  readonly initContainers?: readonly ContainerSpec[];
  readonly ephemeralContainers?: readonly ContainerSpec[];
  /** `spec.volumes[].image` (Kubernetes >= 1.35 beta, 1.36 GA): the kubelet pulls and mounts them. */
  readonly imageVolumes?: readonly ImageVolumeSpec[];
  /** Volumes that pull nothing (emptyDir), by name: not judged. */
  readonly emptyDirVolumes?: readonly string[];
}

/** Kinds the cases use: Pods and the workloads the policy matches (charts/policy/allowed-repos-cel.ts). */
export type CaseKind =
  | 'Pod'
  | 'Deployment'
  | 'ReplicaSet'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'Job'
  | 'CronJob'
  | 'ReplicationController';

export interface ObjectInput {
  /** @default Pod */
  readonly kind?: CaseKind;
  readonly name: string;
  readonly namespace: string;
  readonly spec: PodSpecInput;
}

/**
 * How the object reaches the policy. AUDIT is no admission request at all: Gatekeeper's audit
 * of an object in the cluster, or gator with a plain object (request.operation is empty and
 * there is no oldObject). A ValidatingAdmissionPolicy never sees it.
 */
export interface PolicyCaseRequest {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | 'AUDIT';
  /** ephemeralcontainers: `kubectl debug`; status: a controller's status write; exec: `kubectl exec` (CONNECT). */
  readonly subResource?: 'ephemeralcontainers' | 'status' | 'exec';
  /** The Pod spec before the request (UPDATE, DELETE), same kind, name and namespace. */
  readonly oldSpec?: PodSpecInput;
}

export interface PolicyCase {
  /** File-name safe; the gator case name. */
  readonly name: string;
  /** What the case shows, in one line. */
  readonly description: string;
  readonly object: ObjectInput;
  /** @default CREATE of the object's resource */
  readonly request?: PolicyCaseRequest;
  /** Whether admission refuses it (deny mode): one violation in Gatekeeper, a 403 from the VAP. */
  readonly denied: boolean;
  /** Literal fragments, each of which must occur in the violation's message. */
  readonly messages?: readonly string[];
  /** Literal fragments that must not occur in it (images the request did not introduce). */
  readonly notInMessage?: readonly string[];
  /**
   * The object is one the API server refuses in its own validation, before any admission
   * policy runs (a container without an image, a name that is no DNS label, a Pod update that
   * adds a container): no VAP and no Gatekeeper webhook ever sees it. The policy still fails
   * closed on it where it can meet it (gator, an emulation, a hand-made review). The fragment
   * must occur in the API server's answer (422 Invalid); npm run conformance checks it there.
   */
  readonly apiServer?: { readonly refusedBeforeAdmission: string };
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
  /** policy.workloads @default true */
  readonly workloads?: boolean;
  readonly cases: readonly PolicyCase[];
}

const DEBUG = (oldSpec: PodSpecInput): PolicyCaseRequest => ({ operation: 'UPDATE', subResource: 'ephemeralcontainers', oldSpec });
const UPDATE = (oldSpec: PodSpecInput): PolicyCaseRequest => ({ operation: 'UPDATE', oldSpec });

const prod = (name: string, spec: PodSpecInput, kind: CaseKind = 'Pod'): ObjectInput => ({ kind, name, namespace: 'production', spec });
const only = (...containers: ContainerSpec[]): PodSpecInput => ({ containers });

const GOOD = 'kevingbb/khbobble:v1';
/** A Pod that predates the policy: it runs an image the list does not admit. */
const OLD_BAD: PodSpecInput = { containers: [['app', 'centos']], initContainers: [['setup', 'alpine:3.20']] };
const ALLOWED_TEXT = `(allowed: ${PRODUCTION_REPOS.join(', ')})`;

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
        object: prod('app', only(['app', GOOD])),
        denied: false,
      },
      {
        name: 'container-denied',
        description: 'an image from Docker Hub library is not on the list',
        object: prod('app', only(['app', 'docker.io/library/nginx:1.27'])),
        denied: true,
        messages: [`container "app" (spec.containers) has image "docker.io/library/nginx:1.27", which is not from an allowed repo ${ALLOWED_TEXT}`],
      },
      {
        name: 'init-container-allowed',
        description: 'an init container from the registry host entry',
        object: prod('app', { containers: [['app', GOOD]], initContainers: [['setup', 'myacr.azurecr.io/tools/setup:2.0']] }),
        denied: false,
      },
      {
        name: 'init-container-denied',
        description: 'init containers are checked too',
        object: prod('app', { containers: [['app', GOOD]], initContainers: [['setup', 'quay.io/evil/setup:1']] }),
        denied: true,
        messages: ['initContainer "setup" (spec.initContainers) has image "quay.io/evil/setup:1", which is not'],
      },
      {
        name: 'ephemeral-container-allowed',
        description: 'kubectl debug with the pinned busybox tag',
        object: prod('app', { containers: [['app', GOOD]], ephemeralContainers: [['debugger', 'docker.io/library/busybox:1.36']] }),
        request: DEBUG(only(['app', GOOD])),
        denied: false,
      },
      {
        name: 'ephemeral-container-denied',
        description: 'kubectl debug with an image that is not on the list',
        object: prod('app', { containers: [['app', GOOD]], ephemeralContainers: [['debugger', 'docker.io/library/busybox:latest']] }),
        request: DEBUG(only(['app', GOOD])),
        denied: true,
        messages: ['ephemeralContainer "debugger" (spec.ephemeralContainers) has image "docker.io/library/busybox:latest"'],
      },
      {
        name: 'two-lists-one-message',
        description: 'one violation names the offending containers of both lists',
        object: prod('app', { containers: [['app', 'centos']], initContainers: [['setup', 'alpine:3.20']] }),
        denied: true,
        messages: [
          `container "app" (spec.containers) has image "centos"; initContainer "setup" (spec.initContainers) has image "alpine:3.20", which are not from an allowed repo ${ALLOWED_TEXT}`,
        ],
      },
      {
        name: 'all-three-lists-one-message',
        description: 'audit of a running Pod: one violation names every offending container of all three lists',
        request: { operation: 'AUDIT' },
        object: prod('app', {
          containers: [['web', 'evil.io/web:1'], ['ok', GOOD], ['worker', 'evil.io/worker:1']],
          initContainers: [['setup', 'alpine:3.20']],
          ephemeralContainers: [['debugger', 'busybox']],
        }),
        denied: true,
        messages: [
          'container "web" (spec.containers) has image "evil.io/web:1"; container "worker" (spec.containers) has image "evil.io/worker:1"; ' +
            'initContainer "setup" (spec.initContainers) has image "alpine:3.20"; ephemeralContainer "debugger" (spec.ephemeralContainers) has image "busybox", ' +
            `which are not from an allowed repo ${ALLOWED_TEXT}`,
        ],
        notInMessage: [`image "${GOOD}"`],
      },
      {
        name: 'linkerd-sidecar-allowed',
        description: 'a Linkerd-injected Pod when the mesh registries are listed',
        object: prod('app', { containers: [['app', GOOD], ['linkerd-proxy', LINKERD_PROXY]], initContainers: [['linkerd-init', LINKERD_INIT]] }),
        denied: false,
      },
      {
        name: 'container-without-image',
        description: 'a container without an image fails closed',
        object: prod('app', only(['app', undefined])),
        denied: true,
        messages: ['container "app" (spec.containers) has image "(no image)"'],
        apiServer: { refusedBeforeAdmission: 'spec.containers[0].image: Required value' },
      },
      {
        name: 'image-with-line-feed',
        description: 'a line feed in an image name would split the message: it is replaced',
        object: prod('app', only(['app', 'evil.io/x\ny:1'])),
        denied: true,
        messages: ['container "app" (spec.containers) has image "(an image name with a line break)"'],
      },
      {
        name: 'image-with-carriage-return',
        description: 'a carriage return too (the API server only refuses messages with "\\n")',
        object: prod('app', only(['app', 'evil.io/x\ry:1'])),
        denied: true,
        messages: ['container "app" (spec.containers) has image "(an image name with a line break)"'],
      },
      {
        name: 'container-name-with-carriage-return',
        description: 'and in a container name',
        object: prod('app', only(['a\rb', 'centos'])),
        denied: true,
        messages: ['container "(a name with a line break)" (spec.containers) has image "centos"'],
        apiServer: { refusedBeforeAdmission: 'spec.containers[0].name: Invalid value' },
      },
      {
        name: 'audit-old-pod-reported',
        description: 'audit (and Gatekeeper dryrun) reports a running Pod that predates the policy, every image',
        request: { operation: 'AUDIT' },
        object: prod('old', OLD_BAD),
        denied: true,
        messages: ['container "app" (spec.containers) has image "centos"; initContainer "setup" (spec.initContainers) has image "alpine:3.20", which are not'],
      },
      {
        name: 'other-namespace-not-checked',
        description: 'the constraint matches only its namespaces',
        object: { name: 'app', namespace: 'dev', spec: only(['app', 'centos']) },
        denied: false,
      },

      // UPDATE: an image is exempt only in the slot (list and name) that held it before.
      {
        name: 'update-label-on-old-pod-allowed',
        description: 'a label or finalizer change on a Pod that predates the policy (the Job controller removing its finalizer)',
        object: prod('old', OLD_BAD),
        request: UPDATE(OLD_BAD),
        denied: false,
      },
      {
        name: 'update-label-on-debugged-pod-allowed',
        description: 'a label change on a Pod whose old object holds an ephemeral container the list does not admit (debugged before the policy)',
        object: prod('debugged', { containers: [['app', GOOD]], ephemeralContainers: [['debugger', 'docker.io/library/busybox:latest']] }),
        request: UPDATE({ containers: [['app', GOOD]], ephemeralContainers: [['debugger', 'docker.io/library/busybox:latest']] }),
        denied: false,
      },
      {
        name: 'update-image-to-disallowed-denied',
        description: 'changing an image to one the list does not admit',
        object: prod('app', { containers: [['app', 'centos']], initContainers: [['setup', GOOD]] }),
        request: UPDATE({ containers: [['app', GOOD]], initContainers: [['setup', GOOD]] }),
        denied: true,
        messages: ['container "app" (spec.containers) has image "centos", which is not'],
      },
      {
        name: 'update-new-image-on-old-pod-denied',
        description: 'on a Pod that predates the policy, only the changed slot is named',
        object: prod('old', { containers: [['app', 'quay.io/evil/x:1']], initContainers: OLD_BAD.initContainers }),
        request: UPDATE(OLD_BAD),
        denied: true,
        messages: ['container "app" (spec.containers) has image "quay.io/evil/x:1", which is not'],
        notInMessage: ['image "alpine:3.20"'],
      },
      {
        name: 'update-new-container-on-old-deployment-denied',
        description: 'a container added to the template of a Deployment that predates the policy is judged; the old ones are not',
        object: prod('old', { containers: [['app', 'centos'], ['extra', 'quay.io/evil/x:1']], initContainers: OLD_BAD.initContainers }, 'Deployment'),
        request: UPDATE(OLD_BAD),
        denied: true,
        messages: ['container "extra" (spec.template.spec.containers) has image "quay.io/evil/x:1", which is not'],
        notInMessage: ['image "centos"', 'image "alpine:3.20"'],
      },
      {
        name: 'update-image-swapped-between-lists-denied',
        description: 'an image that ran in another list (or another container) of the old object is no pass: both slots changed',
        object: prod('old', { containers: [['app', 'alpine:3.20']], initContainers: [['setup', 'centos']] }),
        request: UPDATE(OLD_BAD),
        denied: true,
        messages: ['container "app" (spec.containers) has image "alpine:3.20"; initContainer "setup" (spec.initContainers) has image "centos", which are not'],
      },
      {
        name: 'update-borrowed-image-into-other-container-denied',
        description: "an update puts an old container's disallowed image into another container",
        object: prod('old', { containers: [['app', 'centos'], ['side', 'centos']] }),
        request: UPDATE({ containers: [['app', 'centos'], ['side', GOOD]] }),
        denied: true,
        messages: ['container "side" (spec.containers) has image "centos", which is not'],
        notInMessage: ['container "app"'],
      },
      {
        name: 'update-borrowed-image-new-container-denied',
        description: 'a new container in a template with an image an old container runs',
        object: prod('old', { containers: [['app', 'centos'], ['copy', 'centos']] }, 'Deployment'),
        request: UPDATE({ containers: [['app', 'centos']] }),
        denied: true,
        messages: ['container "copy" (spec.template.spec.containers) has image "centos", which is not'],
        notInMessage: ['container "app"'],
      },
      {
        name: 'debug-old-pod-allowed-image',
        description: 'kubectl debug on a Pod that predates the policy, with an allowed image',
        object: prod('old', { ...OLD_BAD, ephemeralContainers: [['debugger', 'docker.io/library/busybox:1.36']] }),
        request: DEBUG(OLD_BAD),
        denied: false,
      },
      {
        name: 'debug-with-borrowed-image-denied',
        description: "kubectl debug --image with the disallowed image the old Pod's own container runs: no interactive shell in it",
        object: prod('old', { ...OLD_BAD, ephemeralContainers: [['debugger', 'centos']] }),
        request: DEBUG(OLD_BAD),
        denied: true,
        messages: ['ephemeralContainer "debugger" (spec.ephemeralContainers) has image "centos", which is not'],
        notInMessage: ['container "app"'],
      },
      {
        name: 'debug-old-pod-denied-image',
        description: 'kubectl debug on a Pod that predates the policy, with an image the list does not admit',
        object: prod('old', { ...OLD_BAD, ephemeralContainers: [['debugger', 'docker.io/library/busybox:latest']] }),
        request: DEBUG(OLD_BAD),
        denied: true,
        messages: ['ephemeralContainer "debugger" (spec.ephemeralContainers) has image "docker.io/library/busybox:latest", which is not'],
        notInMessage: ['image "centos"'],
      },
      {
        name: 'status-update-old-pod-allowed',
        description: "the kubelet's status write on a Pod that predates the policy (pods/status is not matched)",
        object: prod('old', OLD_BAD),
        request: { operation: 'UPDATE', subResource: 'status', oldSpec: OLD_BAD },
        denied: false,
      },
      {
        name: 'delete-old-pod-allowed',
        description: 'deleting a Pod the list does not admit (Gatekeeper with enableDeleteOperations sends it)',
        object: prod('old', OLD_BAD),
        request: { operation: 'DELETE', oldSpec: OLD_BAD },
        denied: false,
      },
      {
        name: 'exec-old-pod-allowed',
        description: 'kubectl exec into a Pod the list does not admit (CONNECT pods/exec)',
        object: prod('old', OLD_BAD),
        request: { operation: 'CONNECT', subResource: 'exec' },
        denied: false,
      },

      // Image volumes: the kubelet pulls spec.volumes[].image.reference and mounts it.
      {
        name: 'image-volume-allowed',
        description: 'an image volume from the registry entry beside an allowed container',
        object: prod('app', { containers: [['app', GOOD]], imageVolumes: [['models', 'myacr.azurecr.io/models:1']] }),
        denied: false,
      },
      {
        name: 'image-volume-denied',
        description: 'an image volume the list does not admit, beside an allowed container',
        object: prod('app', { containers: [['app', GOOD]], imageVolumes: [['data', 'evil.io/payload:1']] }),
        denied: true,
        messages: [`volume "data" (spec.volumes) has image "evil.io/payload:1", which is not from an allowed repo ${ALLOWED_TEXT}`],
        notInMessage: [`image "${GOOD}"`],
      },
      {
        name: 'image-volume-and-container-one-message',
        description: 'one violation names a container and an image volume',
        object: prod('app', { containers: [['app', 'centos']], imageVolumes: [['data', 'evil.io/payload:1']] }),
        denied: true,
        messages: ['container "app" (spec.containers) has image "centos"; volume "data" (spec.volumes) has image "evil.io/payload:1", which are not'],
      },
      {
        name: 'image-volume-docker-hub-spelling-allowed',
        description: 'an image volume of the pinned busybox, spelled short',
        object: prod('app', { containers: [['app', GOOD]], imageVolumes: [['tools', 'busybox:1.36']] }),
        denied: false,
      },
      {
        name: 'emptydir-volume-not-judged',
        description: 'a volume that pulls nothing is not an image',
        object: prod('app', { containers: [['app', GOOD]], emptyDirVolumes: ['scratch'] }),
        denied: false,
      },
      {
        name: 'image-volume-without-reference-denied',
        description: 'an image volume without a reference fails closed',
        object: prod('app', { containers: [['app', GOOD]], imageVolumes: [['data', undefined]] }),
        denied: true,
        messages: ['volume "data" (spec.volumes) has image "(no image)"'],
        apiServer: { refusedBeforeAdmission: 'spec.volumes[0].image.reference: Required value' },
      },
      {
        name: 'update-label-on-pod-with-old-image-volume-allowed',
        description: 'a label change on a Pod whose image volume predates the policy',
        object: prod('old', { containers: [['app', GOOD]], imageVolumes: [['data', 'evil.io/payload:1']] }),
        request: UPDATE({ containers: [['app', GOOD]], imageVolumes: [['data', 'evil.io/payload:1']] }),
        denied: false,
      },
      {
        name: 'update-adds-image-volume-denied',
        description: 'an image volume added to the template of a Deployment that predates the policy',
        object: prod('old', { ...OLD_BAD, imageVolumes: [['data', 'evil.io/payload:1']] }, 'Deployment'),
        request: UPDATE(OLD_BAD),
        denied: true,
        messages: ['volume "data" (spec.template.spec.volumes) has image "evil.io/payload:1", which is not'],
        notInMessage: ['image "centos"'],
      },
      {
        name: 'update-image-volume-borrows-container-image-denied',
        description: "an image volume gets the disallowed image an old container runs",
        object: prod('old', { containers: [['app', 'centos']], imageVolumes: [['data', 'centos']] }, 'Deployment'),
        request: UPDATE({ containers: [['app', 'centos']], imageVolumes: [['data', 'myacr.azurecr.io/models:1']] }),
        denied: true,
        messages: ['volume "data" (spec.template.spec.volumes) has image "centos", which is not'],
        notInMessage: ['container "app"'],
      },
      ...(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController'] as const).map(
        (kind): PolicyCase => ({
          name: `${kind.toLowerCase()}-image-volume-denied`,
          description: `a ${kind} whose template mounts an image volume the list does not admit`,
          object: prod('w', { containers: [['app', GOOD]], imageVolumes: [['data', 'evil.io/payload:1']] }, kind),
          denied: true,
          messages: [`volume "data" (${kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec'}.volumes) has image "evil.io/payload:1", which is not`],
        }),
      ),

      // Workloads: the same rule on Pod templates, refused at `kubectl apply`.
      {
        name: 'deployment-allowed',
        description: 'a Deployment whose template uses allowed images',
        object: prod('web', { containers: [['web', GOOD], ['linkerd-proxy', LINKERD_PROXY]] }, 'Deployment'),
        denied: false,
      },
      {
        name: 'deployment-denied',
        description: 'a Deployment is refused when it is applied, not its Pods later',
        object: prod('web', { containers: [['web', 'centos']], initContainers: [['setup', GOOD]] }, 'Deployment'),
        denied: true,
        messages: ['container "web" (spec.template.spec.containers) has image "centos", which is not'],
      },
      ...(['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController'] as const).map(
        (kind): PolicyCase => ({
          name: `${kind.toLowerCase()}-denied`,
          description: `a ${kind} with a disallowed init container`,
          object: prod('w', { containers: [['app', GOOD]], initContainers: [['setup', 'quay.io/evil/setup:1']] }, kind),
          denied: true,
          messages: ['initContainer "setup" (spec.template.spec.initContainers) has image "quay.io/evil/setup:1", which is not'],
        }),
      ),
      {
        name: 'cronjob-denied',
        description: "a CronJob's Pod template is two levels down",
        object: prod('nightly', { containers: [['backup', 'centos']] }, 'CronJob'),
        denied: true,
        messages: ['container "backup" (spec.jobTemplate.spec.template.spec.containers) has image "centos", which is not'],
      },
      {
        name: 'cronjob-allowed',
        description: 'a CronJob with an allowed image',
        object: prod('nightly', { containers: [['backup', 'myacr.azurecr.io/backup:1']] }, 'CronJob'),
        denied: false,
      },
      {
        name: 'deployment-without-image-denied',
        description: 'a workload template without an image fails closed (the API server refuses it before, a review of such an object still does)',
        object: prod('web', only(['web', undefined]), 'Deployment'),
        denied: true,
        messages: ['container "web" (spec.template.spec.containers) has image "(no image)"'],
        apiServer: { refusedBeforeAdmission: 'spec.template.spec.containers[0].image: Required value' },
      },
      {
        name: 'scale-old-deployment-allowed',
        description: 'a replicas or label change on a Deployment that predates the policy (its new Pods are creates: see the next case)',
        object: prod('old', OLD_BAD, 'Deployment'),
        request: UPDATE(OLD_BAD),
        denied: false,
      },
      {
        name: 'new-pod-of-old-deployment-denied',
        description: 'a Pod the ReplicaSet controller creates for an old Deployment (scale-up, rollout restart, node drain) is judged in full',
        object: prod('old-7d4b9c-x2k8p', OLD_BAD),
        denied: true,
        messages: ['container "app" (spec.containers) has image "centos"; initContainer "setup" (spec.initContainers) has image "alpine:3.20", which are not'],
      },
      {
        name: 'new-replicaset-of-old-deployment-denied',
        description: 'the ReplicaSet a rollout restart creates for an old Deployment is a create too, judged in full',
        object: prod('old-5f6d8b', OLD_BAD, 'ReplicaSet'),
        denied: true,
        messages: ['container "app" (spec.template.spec.containers) has image "centos"; initContainer "setup" (spec.template.spec.initContainers) has image "alpine:3.20"'],
      },
      {
        name: 'rollout-old-deployment-denied',
        description: 'a rollout to another disallowed image names that image only',
        object: prod('old', { ...OLD_BAD, containers: [['app', 'centos:7']] }, 'Deployment'),
        request: UPDATE(OLD_BAD),
        denied: true,
        messages: ['container "app" (spec.template.spec.containers) has image "centos:7", which is not'],
        notInMessage: ['image "alpine:3.20"'],
      },
      {
        name: 'deployment-status-update-allowed',
        description: "the controller's status write on a Deployment that predates the policy (deployments/status is not matched)",
        object: prod('old', OLD_BAD, 'Deployment'),
        request: { operation: 'UPDATE', subResource: 'status', oldSpec: OLD_BAD },
        denied: false,
      },
    ],
  },
  {
    name: 'pods-only',
    description: 'policy.workloads: false matches Pods only, as upstream',
    constraintName: 'pods-only',
    namespaces: ['production'],
    repos: ['kevingbb'],
    workloads: false,
    cases: [
      {
        name: 'deployment-not-checked',
        description: 'the Deployment is admitted; its Pods are refused later (FailedCreate on the ReplicaSet)',
        object: prod('web', only(['web', 'centos']), 'Deployment'),
        denied: false,
      },
      {
        name: 'pod-denied',
        description: 'Pods are still checked',
        object: prod('web-7d4f8', only(['web', 'centos'])),
        denied: true,
        messages: ['container "web" (spec.containers) has image "centos", which is not from an allowed repo (allowed: kevingbb)'],
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
        object: prod('centosprod', only(['centosprod', 'centos'])),
        denied: true,
        messages: ['container "centosprod" (spec.containers) has image "centos", which is not from an allowed repo (allowed: kevingbb)'],
      },
      {
        name: 'bobblehead-allowed',
        description: 'kubectl run bobblehead --image=kevingbb/khbobble -n production',
        object: prod('bobblehead', only(['bobblehead', 'kevingbb/khbobble'])),
        denied: false,
      },
      {
        name: 'bobblehead-with-linkerd-sidecars-denied',
        description: 'production is Linkerd-injected: the sidecar images are not on the runbook list',
        object: prod('bobblehead', { containers: [['bobblehead', 'kevingbb/khbobble'], ['linkerd-proxy', LINKERD_PROXY]], initContainers: [['linkerd-init', LINKERD_INIT]] }),
        denied: true,
        messages: [
          `container "linkerd-proxy" (spec.containers) has image "${LINKERD_PROXY}"; initContainer "linkerd-init" (spec.initContainers) has image "${LINKERD_INIT}", which are not`,
        ],
      },
      {
        name: 'centos-in-default-not-checked',
        description: 'kubectl run centosdefault --image=centos -n default',
        object: { name: 'centosdefault', namespace: 'default', spec: only(['centosdefault', 'centos']) },
        denied: false,
      },
    ],
  },
  {
    name: 'no-parameters',
    description: 'A constraint without spec.parameters admits no new image',
    constraintName: 'no-parameters',
    namespaces: ['production'],
    cases: [
      {
        name: 'any-image-denied',
        description: 'even an image that a list would typically allow',
        object: prod('bobblehead', only(['bobblehead', 'kevingbb/khbobble'])),
        denied: true,
        messages: ['no allowed image repos are configured'],
      },
    ],
  },
  {
    name: 'empty-repos',
    description: 'An empty repos list admits no new image',
    constraintName: 'empty-repos',
    namespaces: ['production'],
    repos: [],
    cases: [
      {
        name: 'any-image-denied',
        description: 'every new Pod is denied, with one message',
        object: prod('bobblehead', { containers: [['bobblehead', 'kevingbb/khbobble']], initContainers: [['setup', 'centos']] }),
        denied: true,
        messages: ['no allowed image repos are configured'],
        notInMessage: ['image "centos"'],
      },
      {
        name: 'update-label-allowed',
        description: 'an update that introduces no image still goes through',
        object: prod('old', OLD_BAD),
        request: UPDATE(OLD_BAD),
        denied: false,
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
        object: prod('centosprod', only(['centosprod', 'centos'])),
        denied: true,
        messages: ['no allowed image repos are configured'],
      },
    ],
  },
];

// ---- Manifests --------------------------------------------------------------------------------

/** apiVersion of each case kind. */
export const CASE_KIND_API_VERSION: Readonly<Record<CaseKind, string>> = {
  Pod: 'v1',
  ReplicationController: 'v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

function podSpec(spec: PodSpecInput): Record<string, unknown> {
  const list = (specs: readonly ContainerSpec[]) => specs.map(([name, image]) => (image === undefined ? { name } : { name, image }));
  const out: Record<string, unknown> = { containers: list(spec.containers) };
  if (spec.initContainers) out.initContainers = list(spec.initContainers);
  if (spec.ephemeralContainers) out.ephemeralContainers = list(spec.ephemeralContainers);
  const volumes = [
    ...(spec.emptyDirVolumes ?? []).map((name) => ({ name, emptyDir: {} })),
    ...(spec.imageVolumes ?? []).map(([name, reference]) => ({
      name,
      image: reference === undefined ? { pullPolicy: 'IfNotPresent' } : { reference, pullPolicy: 'IfNotPresent' },
    })),
  ];
  if (volumes.length > 0) out.volumes = volumes;
  return out;
}

/** The object a case reviews, as a plain Kubernetes manifest of its kind. */
export function objectManifest(object: ObjectInput, spec: PodSpecInput = object.spec): Record<string, unknown> {
  const kind = object.kind ?? 'Pod';
  const labels = { app: object.name };
  const template = { metadata: { labels }, spec: { ...podSpec(spec), restartPolicy: kind === 'Job' || kind === 'CronJob' ? 'Never' : undefined } };
  if (template.spec.restartPolicy === undefined) delete template.spec.restartPolicy;
  const selector = { matchLabels: labels };
  const specByKind: Record<CaseKind, unknown> = {
    Pod: podSpec(spec),
    Deployment: { selector, template },
    ReplicaSet: { selector, template },
    StatefulSet: { selector, serviceName: object.name, template },
    DaemonSet: { selector, template },
    Job: { template },
    CronJob: { schedule: '0 3 * * *', jobTemplate: { spec: { template } } },
    ReplicationController: { selector: labels, template },
  };
  return {
    apiVersion: CASE_KIND_API_VERSION[kind],
    kind,
    metadata: { name: object.name, namespace: object.namespace },
    spec: specByKind[kind],
  };
}

/** An admission request (or audit review) in the fields both engines read. */
export interface CaseAdmission {
  /** '' for AUDIT: no admission request. */
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | '';
  readonly object: Record<string, unknown> | null;
  readonly oldObject: Record<string, unknown> | null;
  readonly subResource?: string;
  readonly name: string;
  readonly namespace: string;
  readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly resource: { readonly group: string; readonly version: string; readonly resource: string };
}

const RESOURCE_OF: Readonly<Record<CaseKind, string>> = {
  Pod: 'pods',
  ReplicationController: 'replicationcontrollers',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  CronJob: 'cronjobs',
};

/**
 * The request a case stands for, as the API server builds it: DELETE carries only oldObject;
 * CONNECT pods/exec carries PodExecOptions as its object and kind; a subresource write of
 * ephemeralcontainers or status carries the whole object.
 */
export function caseAdmission(c: PolicyCase): CaseAdmission {
  const kind = c.object.kind ?? 'Pod';
  const [group, version] = CASE_KIND_API_VERSION[kind].includes('/') ? CASE_KIND_API_VERSION[kind].split('/') as [string, string] : ['', 'v1'];
  const r = c.request ?? { operation: 'CREATE' };
  const base = {
    name: c.object.name,
    namespace: c.object.namespace,
    resource: { group, version, resource: RESOURCE_OF[kind] },
    ...(r.subResource ? { subResource: r.subResource } : {}),
  };
  const oldObject = r.oldSpec ? objectManifest(c.object, r.oldSpec) : null;
  switch (r.operation) {
    case 'CONNECT':
      return { ...base, operation: 'CONNECT', kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, object: execOptionsManifest(), oldObject: null };
    case 'DELETE':
      return { ...base, operation: 'DELETE', kind: { group, version, kind }, object: null, oldObject: objectManifest(c.object) };
    case 'AUDIT':
      return { ...base, operation: '', kind: { group, version, kind }, object: objectManifest(c.object), oldObject: null };
    default:
      return { ...base, operation: r.operation, kind: { group, version, kind }, object: objectManifest(c.object), oldObject };
  }
}

/** What a CONNECT to pods/exec carries as its object (core/v1 PodExecOptions). */
export function execOptionsManifest(): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'PodExecOptions', command: ['sh'], container: 'app', stdin: true, stdout: true, tty: true };
}
