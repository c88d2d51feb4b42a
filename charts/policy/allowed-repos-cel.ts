/**
 * The allowed-registries rule as CEL, in ONE place: the Gatekeeper ConstraintTemplate
 * (K8sNativeValidation) and the native ValidatingAdmissionPolicy both ship exactly these
 * variables and validations (the VAP adds `reason: Forbidden`). Runbook: "kubectl apply -f
 * <k8sallowedrepos template URL>". The match rule itself is described in config/image-rule.ts.
 *
 * What the expressions read, in both engines:
 *  - `variables.anyObject` and `variables.params`: Gatekeeper injects them (gatekeeper
 *    pkg/drivers/k8scel/transform/cel_snippets.go: anyObject is `object`, or `oldObject` on a
 *    DELETE; params is the constraint's spec.parameters or null). The VAP defines the same two
 *    itself ({@link vapPreludeVariables}).
 *  - `oldObject` and `request.operation`: both engines evaluate with the API server's validator
 *    (k8s.io/apiserver pkg/admission/plugin/policy/validating/validator.go; Gatekeeper's
 *    driver pkg/drivers/k8scel/driver.go builds the same validator), whose environment declares
 *    object, oldObject, request and namespaceObject (pkg/admission/plugin/cel/compile.go).
 *
 * Behaviour:
 *  - DELETE and CONNECT are never judged (Gatekeeper sends DELETE when installed with
 *    enableDeleteOperations, with anyObject = the old object).
 *  - On UPDATE only the images the update introduces are judged: an image that is present in
 *    any container list of oldObject is not judged again, so labelling, finalizer removal or a
 *    replicas change of an object that predates the policy goes through, while changing an
 *    image or adding an ephemeral container (`kubectl debug`) is judged. The ReplicaSets and
 *    Pods a controller then creates for such a workload are CREATEs, judged in full: scale-up,
 *    rollout restart and the replacements after a node drain are refused (FailedCreate).
 *    Audit and gator without an AdmissionReview have no oldObject: every image is judged.
 *  - Pods, and the Pod templates of workloads (WORKLOAD_KINDS): one rule, the same messages,
 *    naming the container paths of the kind at hand.
 *  - One violation names every offending container of all three lists. There are two
 *    validations, and they cannot both fail: the first only when there is no usable allow-list
 *    (then the second passes), so the VAP, which reports only the first failing validation
 *    (dispatcher.go: the denial is built from deniedDecisions[0]), says the same as Gatekeeper.
 *
 * Kubernetes' CEL type checker must accept every expression, so they use only the standard
 * library plus Kubernetes' strings extension (`substring`, `lastIndexOf`, `join`), `has()` only
 * on fields of dyn maps, homogeneous list and map literals, no optional types (`.?`,
 * `orValue`). The VAP type-checks `object` against each matched kind's schema; reading the
 * object through `dyn()` keeps a Pod-only field path from warning on a Deployment.
 * Runtime cost is linear in containers × allow-list entries (measured in
 * __tests__/policy/allowed-repos-cost.spec.ts against the budgets of apiserver
 * pkg/apis/cel/config.go).
 */

/** A named CEL expression; later ones read earlier ones as `variables.<name>`. */
export interface CelVariable {
  readonly name: string;
  readonly expression: string;
}

/** One rule: a violation whenever `expression` is not true (or fails to evaluate). */
export interface CelValidation {
  readonly expression: string;
  /** Static message, also the fallback when `messageExpression` fails or is too long. */
  readonly message: string;
  /** A CEL expression of type string that names the offending containers. */
  readonly messageExpression?: string;
}

/** A validation as a ValidatingAdmissionPolicy ships it: with the status reason of a denial. */
export interface VapValidation extends CelValidation {
  /** Forbidden answers 403 like Gatekeeper; without it the API server answers 422 Invalid. */
  readonly reason: 'Forbidden';
}

/** Variables Gatekeeper injects for every K8sNativeValidation template (names reserved there). */
export const GATEKEEPER_INJECTED_VARIABLES = ['anyObject', 'params'] as const;

/** The three container lists of a Pod spec, and how a message names one of their entries. */
export const CONTAINER_LISTS = [
  { field: 'containers', kind: 'container' },
  { field: 'initContainers', kind: 'initContainer' },
  { field: 'ephemeralContainers', kind: 'ephemeralContainer' },
] as const;

/** A kind whose objects carry a Pod spec, and where it is. */
export interface PodSpecKind {
  readonly apiGroup: string;
  readonly kind: string;
  /** The REST resource (VAP resourceRules). */
  readonly resource: string;
  /** Where the Pod spec is in the object, as a dotted path. */
  readonly podSpecPath: string;
}

const TEMPLATE = 'spec.template.spec';

/** Pods, checked always. */
export const POD_KIND: PodSpecKind = { apiGroup: '', kind: 'Pod', resource: 'pods', podSpecPath: 'spec' };

/** Workloads whose Pod templates the policy checks when `policy.workloads` is on (all v1). */
export const WORKLOAD_KINDS: readonly PodSpecKind[] = [
  { apiGroup: 'apps', kind: 'Deployment', resource: 'deployments', podSpecPath: TEMPLATE },
  { apiGroup: 'apps', kind: 'ReplicaSet', resource: 'replicasets', podSpecPath: TEMPLATE },
  { apiGroup: 'apps', kind: 'StatefulSet', resource: 'statefulsets', podSpecPath: TEMPLATE },
  { apiGroup: 'apps', kind: 'DaemonSet', resource: 'daemonsets', podSpecPath: TEMPLATE },
  { apiGroup: 'batch', kind: 'Job', resource: 'jobs', podSpecPath: TEMPLATE },
  { apiGroup: 'batch', kind: 'CronJob', resource: 'cronjobs', podSpecPath: 'spec.jobTemplate.spec.template.spec' },
  { apiGroup: '', kind: 'ReplicationController', resource: 'replicationcontrollers', podSpecPath: TEMPLATE },
];

/** Every kind the CEL knows where to find the Pod spec of. */
export const POD_SPEC_KINDS: readonly PodSpecKind[] = [POD_KIND, ...WORKLOAD_KINDS];

/** Message of the fail-closed rule: without a usable allow-list every new image is denied. */
export const NO_REPOS_MESSAGE =
  'no allowed image repos are configured (parameters.repos is missing, empty or holds only empty strings), so every image is denied';

/** Static message of the image rule (shown if the named list is too long for a message). */
export const BAD_IMAGE_MESSAGE = 'a container image is not from an allowed repo';

/** A CEL string literal for any JS string (JSON escapes are a subset of CEL's). */
export function celString(value: string): string {
  return JSON.stringify(value);
}

/** CEL that is true when the entry (a CEL string expression) carries a tag or digest. */
export function celIsPinned(entry: string): string {
  const last = `${entry}.substring(${entry}.lastIndexOf("/") + 1)`;
  return `(${last}.contains(":") || ${last}.contains("@"))`;
}

/**
 * CEL that is true when an entry without tag or digest (`entry`, a CEL string expression)
 * admits `image`: config/image-rule.ts kinds 2 and 4. Pinned entries (kind 3) are compared
 * for equality, empty ones (kind 1) are dropped before.
 */
export function celUnpinnedAdmits(image: string, entry: string): string {
  const tagOrDigest = (sep: string) =>
    `(${image}.startsWith(${entry} + "${sep}") && !${image}.substring(size(${entry}) + 1).contains("/"))`;
  return [
    `(${entry}.endsWith("/") ? ${image}.startsWith(${entry}) : (`,
    `${image} == ${entry} || ${image}.startsWith(${entry} + "/") || ${tagOrDigest(':')} || ${tagOrDigest('@')}`,
    '))',
  ].join('');
}

/** `value` (a CEL string expression) for a message line: a line break would split the line. */
function oneLine(value: string, placeholder: string): string {
  return `(${value}.contains("\\n") || ${value}.contains("\\r") ? ${celString(placeholder)} : ${value})`;
}

/**
 * CEL for the Pod spec of `object` (a dyn CEL expression) of kind `kind` (a CEL string
 * expression), or an empty map where the object has none.
 */
function celPodSpec(object: string, kind: string): string {
  const at = (path: string) => {
    const parts = path.split('.');
    const steps = parts.map((_, i) => `${object}.${parts.slice(0, i + 1).join('.')}`);
    return `(${steps.map((s) => `has(${s})`).join(' && ')} ? ${steps.at(-1)} : {})`;
  };
  const special = POD_SPEC_KINDS.filter((k) => k.podSpecPath !== TEMPLATE);
  return special.reduceRight((otherwise, k) => `(${kind} == "${k.kind}" ? ${at(k.podSpecPath)} : ${otherwise})`, at(TEMPLATE));
}

/** CEL for the dotted path of the Pod spec in an object of kind `kind`. */
function celPodSpecPath(kind: string): string {
  const special = POD_SPEC_KINDS.filter((k) => k.podSpecPath !== TEMPLATE);
  return special.reduceRight((otherwise, k) => `(${kind} == "${k.kind}" ? "${k.podSpecPath}" : ${otherwise})`, `"${TEMPLATE}"`);
}

/** CEL for a container's image, "" when it has none (workload templates may omit it). */
const IMAGE_OR_EMPTY = '(has(c.image) ? c.image : "")';

/** Template variables, evaluated lazily in order after Gatekeeper's injected ones. */
export const ALLOWED_REPOS_VARIABLES: readonly CelVariable[] = [
  {
    // A constraint without parameters gets variables.params == null: treat it as an empty list.
    name: 'repos',
    expression: 'variables.params != null && has(variables.params.repos) ? variables.params.repos : []',
  },
  {
    // An empty entry would be a prefix of every image: drop it rather than admit everything.
    name: 'allowedRepos',
    expression: 'variables.repos.filter(r, size(r) > 0)',
  },
  { name: 'pinnedRepos', expression: `variables.allowedRepos.filter(r, ${celIsPinned('r')})` },
  { name: 'unpinnedRepos', expression: `variables.allowedRepos.filter(r, !${celIsPinned('r')})` },
  {
    name: 'allowedReposText',
    expression: `variables.allowedRepos.map(r, ${oneLine('r', '(an entry with a line break)')}).join(", ")`,
  },
  {
    // DELETE and CONNECT never introduce an image; audit and gator send an empty operation.
    name: 'judged',
    expression: '!(request.operation in ["DELETE", "CONNECT"])',
  },
  { name: 'kind', expression: 'has(variables.anyObject.kind) ? variables.anyObject.kind : ""' },
  { name: 'podSpecPath', expression: celPodSpecPath('variables.kind') },
  { name: 'podSpec', expression: celPodSpec('variables.anyObject', 'variables.kind') },
  {
    // The object before this update: none on CREATE, in audit and in gator. Through a
    // variable, as has() takes a field of a name, not of a call such as dyn(oldObject).
    name: 'oldAnyObject',
    expression: 'oldObject == null ? {} : dyn(oldObject)',
  },
  { name: 'oldPodSpec', expression: celPodSpec('variables.oldAnyObject', 'variables.kind') },
  {
    name: 'oldImages',
    expression: CONTAINER_LISTS.map(
      ({ field }) => `(has(variables.oldPodSpec.${field}) ? variables.oldPodSpec.${field}.map(c, ${IMAGE_OR_EMPTY}) : [])`,
    ).join(' + '),
  },
  ...CONTAINER_LISTS.map(({ field }) => ({
    // The containers whose image this request introduces.
    name: field,
    expression:
      `variables.judged && has(variables.podSpec.${field})` +
      ` ? variables.podSpec.${field}.filter(c, !(${IMAGE_OR_EMPTY} in variables.oldImages)) : []`,
  })),
  ...CONTAINER_LISTS.map(({ field, kind }) => ({
    // One description per introduced container whose image no entry admits; `||`
    // short-circuits errors too, so c.image is only read when it exists.
    name: `bad${field[0]!.toUpperCase()}${field.slice(1)}`,
    expression:
      `variables.${field}.filter(c, !has(c.image) || !(c.image in variables.pinnedRepos || ` +
      `variables.unpinnedRepos.exists(r, ${celUnpinnedAdmits('c.image', 'r')})))` +
      `.map(c, ${describe(kind, field)})`,
  })),
  {
    // All three lists, for the one violation.
    name: 'offending',
    expression: 'variables.badContainers + variables.badInitContainers + variables.badEphemeralContainers',
  },
];

/** `<kind> "<name>" (<path>) has image "<image>"` for container `c` of list `field`. */
function describe(kind: string, field: string): string {
  const name = `(has(c.name) ? ${oneLine('c.name', '(a name with a line break)')} : "")`;
  const image = `(has(c.image) ? ${oneLine('c.image', '(an image name with a line break)')} : "(no image)")`;
  return `"${kind} \\"" + ${name} + "\\" (" + variables.podSpecPath + ".${field}) has image \\"" + ${image} + "\\""`;
}

/** Containers whose image this request introduces, in all three lists. */
const INTRODUCED = CONTAINER_LISTS.map(({ field }) => `size(variables.${field})`).join(' + ');

/**
 * The validations, each one violation. They cannot both fail: the first only without a
 * usable allow-list (and then only when an image is introduced), the second only with one.
 */
export const ALLOWED_REPOS_VALIDATIONS: readonly CelValidation[] = [
  { expression: `size(variables.allowedRepos) > 0 || ${INTRODUCED} == 0`, message: NO_REPOS_MESSAGE },
  {
    expression: 'size(variables.allowedRepos) == 0 || size(variables.offending) == 0',
    message: BAD_IMAGE_MESSAGE,
    messageExpression:
      'variables.offending.join("; ") + (size(variables.offending) == 1 ? ", which is" : ", which are")' +
      ' + " not from an allowed repo (allowed: " + variables.allowedReposText + ")"',
  },
];

/** The validations as the VAP ships them: a denial answers 403 Forbidden, as Gatekeeper's does. */
export function vapValidations(): readonly VapValidation[] {
  return ALLOWED_REPOS_VALIDATIONS.map((v) => ({ ...v, reason: 'Forbidden' as const }));
}

/**
 * What a ValidatingAdmissionPolicy declares in place of Gatekeeper's injections: the object
 * under review (as Gatekeeper defines anyObject: the old object on DELETE, which this VAP does
 * not match anyway) and the parameters, baked in from the config. `dyn()` turns off the
 * schema-typed field checks of the VAP type checker (one program serves eight kinds) and gives
 * `params` the type Gatekeeper's has, so `!= null` type-checks. A VAP has no constraint to
 * read parameters from; a paramKind would need a second object (a ConfigMap of strings, split
 * by CEL) for a list that changes only with the config anyway.
 */
export function vapPreludeVariables(repos: readonly string[]): readonly CelVariable[] {
  return [
    { name: 'anyObject', expression: 'request.operation == "DELETE" ? dyn(oldObject) : dyn(object)' },
    { name: 'params', expression: `dyn({"repos": [${repos.map(celString).join(', ')}]})` },
  ];
}
