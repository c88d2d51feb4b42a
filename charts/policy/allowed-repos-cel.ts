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
 *  - What is judged: every image a Pod pulls, the image of each container, init container and
 *    ephemeral container, and of each image volume (`spec.volumes[].image.reference`, GA in
 *    Kubernetes 1.36: the kubelet pulls it and mounts its content) (IMAGE_SLOTS).
 *  - Images are compared in the runtime's normal form, entries too (config/image-rule.ts): every
 *    spelling of one image is judged alike. The message quotes the image as written.
 *  - On UPDATE an image is exempt per slot: only where the same slot (the same container of the
 *    same list, or the same image volume, by name) had exactly that reference in oldObject. So
 *    labelling, finalizer removal or a replicas change of an object that predates the policy
 *    goes through, while a changed image, a new container, a new image volume or a new
 *    ephemeral container (`kubectl debug`) is judged in full, even when the same image runs
 *    elsewhere in the old object. The ReplicaSets and Pods a controller then creates for such a
 *    workload are CREATEs, judged in full: scale-up, rollout restart and the replacements after
 *    a node drain are refused (FailedCreate). Audit and gator without an AdmissionReview have no
 *    oldObject: every image is judged.
 *  - Pods, and the Pod templates of workloads (WORKLOAD_KINDS): one rule, the same messages,
 *    naming the paths of the kind at hand.
 *  - One violation names every offending slot of all four lists. There are two
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

/**
 * The places of a Pod spec that name an image the kubelet pulls: its three container lists and
 * its image volumes; how to read each slot's image (in CEL, of the slot bound as `c`), whether an
 * item of the list is such a slot at all, and how a message names one.
 */
export interface ImageSlot {
  /** The Pod spec field holding the list. */
  readonly field: 'containers' | 'initContainers' | 'ephemeralContainers' | 'volumes';
  /** How a message names one item: `container "app"`, `volume "data"`. */
  readonly kind: string;
  /** CEL: whether item `c` pulls an image (every container does; only image volumes do). */
  readonly pulls: string;
  /** CEL: whether item `c` names its image (a container's image may be left out in a template). */
  readonly hasImage: string;
  /** CEL: item `c`'s image, read only where `hasImage` holds. */
  readonly image: string;
}

export const IMAGE_SLOTS: readonly ImageSlot[] = [
  { field: 'containers', kind: 'container', pulls: 'true', hasImage: 'has(c.image)', image: 'c.image' },
  { field: 'initContainers', kind: 'initContainer', pulls: 'true', hasImage: 'has(c.image)', image: 'c.image' },
  { field: 'ephemeralContainers', kind: 'ephemeralContainer', pulls: 'true', hasImage: 'has(c.image)', image: 'c.image' },
  // core/v1 Volume.image: ImageVolumeSource{reference, pullPolicy} (k8s.io/api v0.36 core/v1/types.go).
  { field: 'volumes', kind: 'volume', pulls: 'has(c.image)', hasImage: 'has(c.image.reference)', image: 'c.image.reference' },
];

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
export const BAD_IMAGE_MESSAGE = 'an image is not from an allowed repo';

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

/** CEL for a slot's image (`c`), "" when it has none (workload templates may omit it). */
const imageOrEmpty = (slot: ImageSlot, c = 'c') => `(${slot.hasImage.replaceAll('c.', `${c}.`)} ? ${slot.image.replaceAll('c.', `${c}.`)} : "")`;

/** CEL: whether the first path component `d` (a CEL string) names a registry (config/image-rule.ts isRegistry). */
const celIsRegistry = (d: string) => `(${d} == "localhost" || ${d}.contains(".") || ${d}.contains(":") || ${d}.matches("[A-Z]"))`;

/**
 * CEL for the runtime's normal form of an image reference `image` (a CEL string expression):
 * config/image-rule.ts normalizeImage, with each intermediate bound once as a one-element list
 * mapped over (`[x].map(v, …)[0]`): CEL has no `let` in the versions the API server runs.
 */
export function celNormalize(image: string): string {
  const byRegistry =
    `[s.substring(0, s.indexOf("/"))].map(d, !${celIsRegistry('d')} ? "docker.io/" + s : ` +
    `(d != "docker.io" && d != "index.docker.io") ? s : ` +
    `[s.substring(size(d) + 1)].map(r, "docker.io/" + (r.contains("/") || r == "" ? r : "library/" + r))[0])[0]`;
  return `[${image}].map(s, s == "" ? "" : !s.contains("/") ? "docker.io/library/" + s : ${byRegistry})[0]`;
}

/**
 * CEL: the second normal form of entry `e` (a CEL string), for a one-component Docker Hub name
 * written without `library/` (`kevingbb`, `docker.io/kevingbb`): its namespace, `docker.io/kevingbb/`
 * (config/image-rule.ts normalizeEntry). `n` is the entry's first normal form.
 */
function celHubNamespace(e: string, n: string): string {
  const rest = `${n}.substring(18)`; // after "docker.io/library/"
  return (
    `(${n}.startsWith("docker.io/library/") && !${e}.startsWith("library/") && !${e}.contains("/library/") && ` +
    `!${rest}.contains(":") && !${rest}.contains("@") && !${celIsRegistry(rest)})`
  );
}

const cap = (field: string) => `${field[0]!.toUpperCase()}${field.slice(1)}`;

/**
 * Template variables, evaluated lazily in order after Gatekeeper's injected ones, for the slots
 * judged (all of them, but for the companion policy of the azure-policy engine, which judges
 * image volumes only: the add-on's built-in definition judges the containers).
 */
export function allowedReposVariables(slots: readonly ImageSlot[] = IMAGE_SLOTS): CelVariable[] {
  return [
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
    {
      // The entries in the runtime's normal form: each one's own, then the Docker Hub
      // namespaces of one-component names (config/image-rule.ts normalizeEntry).
      name: 'normalRepos',
      expression:
        `variables.allowedRepos.map(e, ${celNormalize('e')}) + ` +
        `variables.allowedRepos.filter(e, [${celNormalize('e')}].exists(n, ${celHubNamespace('e', 'n')}))` +
        `.map(e, "docker.io/" + ${celNormalize('e')}.substring(18) + "/")`,
    },
    { name: 'pinnedRepos', expression: `variables.normalRepos.filter(r, ${celIsPinned('r')})` },
    { name: 'unpinnedRepos', expression: `variables.normalRepos.filter(r, !${celIsPinned('r')})` },
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
    ...slots.map((slot) => ({
      // The slots whose image this request introduces: all but those whose slot (same list,
      // same name) held exactly this reference in the old object.
      name: slot.field,
      expression:
        `variables.judged && has(variables.podSpec.${slot.field})` +
        ` ? variables.podSpec.${slot.field}.filter(c, ${slot.pulls} && !(has(variables.oldPodSpec.${slot.field}) &&` +
        ` variables.oldPodSpec.${slot.field}.exists(o, ${slot.pulls.replaceAll('c.', 'o.')} && has(o.name) && has(c.name) && o.name == c.name &&` +
        ` ${imageOrEmpty(slot, 'o')} == ${imageOrEmpty(slot)}))) : []`,
    })),
    ...slots.map((slot) => ({
      // One description per introduced slot whose image no entry admits; `||` short-circuits
      // errors too, so the image is only read when it exists.
      name: `bad${cap(slot.field)}`,
      expression:
        `variables.${slot.field}.filter(c, !${slot.hasImage} || ![${celNormalize(slot.image)}].exists(n, n != "" && (n in variables.pinnedRepos || ` +
        `variables.unpinnedRepos.exists(r, ${celUnpinnedAdmits('n', 'r')}))))` +
        `.map(c, ${describe(slot)})`,
    })),
    {
      // Every list, for the one violation.
      name: 'offending',
      expression: slots.map((slot) => `variables.bad${cap(slot.field)}`).join(' + '),
    },
  ];
}

/** `<kind> "<name>" (<path>) has image "<image>"` for slot `c` of list `slot.field`. */
function describe(slot: ImageSlot): string {
  const name = `(has(c.name) ? ${oneLine('c.name', '(a name with a line break)')} : "")`;
  const image = `(${slot.hasImage} ? ${oneLine(slot.image, '(an image name with a line break)')} : "(no image)")`;
  return `"${slot.kind} \\"" + ${name} + "\\" (" + variables.podSpecPath + ".${slot.field}) has image \\"" + ${image} + "\\""`;
}

/**
 * The validations, each one violation. They cannot both fail: the first only without a
 * usable allow-list (and then only when an image is introduced), the second only with one.
 */
export function allowedReposValidations(slots: readonly ImageSlot[] = IMAGE_SLOTS): CelValidation[] {
  const introduced = slots.map((slot) => `size(variables.${slot.field})`).join(' + ');
  return [
    { expression: `size(variables.allowedRepos) > 0 || ${introduced} == 0`, message: NO_REPOS_MESSAGE },
    {
      expression: 'size(variables.allowedRepos) == 0 || size(variables.offending) == 0',
      message: BAD_IMAGE_MESSAGE,
      messageExpression:
        'variables.offending.join("; ") + (size(variables.offending) == 1 ? ", which is" : ", which are")' +
        ' + " not from an allowed repo (allowed: " + variables.allowedReposText + ")"',
    },
  ];
}

/** Every slot judged: what the Gatekeeper template and the VAP ship. */
export const ALLOWED_REPOS_VARIABLES: readonly CelVariable[] = allowedReposVariables();
export const ALLOWED_REPOS_VALIDATIONS: readonly CelValidation[] = allowedReposValidations();

/** The validations as the VAP ships them: a denial answers 403 Forbidden, as Gatekeeper's does. */
export function vapValidations(slots: readonly ImageSlot[] = IMAGE_SLOTS): readonly VapValidation[] {
  return allowedReposValidations(slots).map((v) => ({ ...v, reason: 'Forbidden' as const }));
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
