/**
 * The allowed-registries rule as CEL, in ONE place: the Gatekeeper ConstraintTemplate
 * (K8sNativeValidation) and the native ValidatingAdmissionPolicy both ship exactly these
 * variables and validations. Runbook: "kubectl apply -f <k8sallowedrepos template URL>".
 *
 * The expressions read only what Gatekeeper injects, `variables.anyObject` (the object under
 * review) and `variables.params` (the constraint's spec.parameters, or null). The VAP defines
 * those two itself ({@link vapPreludeVariables}) and then runs the same program, so the two
 * engines cannot drift apart.
 *
 * Kubernetes' CEL type checker must accept every expression, so they use only the standard
 * library plus Kubernetes' strings extension (`substring`, `join`), `has()` only on fields of
 * dyn maps, homogeneous list and map literals, and no optional types (`.?`, `orValue`).
 */

/** A named CEL expression; later ones read earlier ones as `variables.<name>`. */
export interface CelVariable {
  readonly name: string;
  readonly expression: string;
}

/** One rule: a violation whenever `expression` is not true (or fails to evaluate). */
export interface CelValidation {
  readonly expression: string;
  /** Static message, also the fallback when `messageExpression` fails. */
  readonly message: string;
  /** A CEL expression of type string that names the offending containers. */
  readonly messageExpression?: string;
}

/** Variables Gatekeeper injects for every K8sNativeValidation template (names reserved there). */
export const GATEKEEPER_INJECTED_VARIABLES = ['anyObject', 'params'] as const;

/** The three container lists of a Pod spec, and how a message names one of their entries. */
export const CONTAINER_LISTS = [
  { field: 'containers', kind: 'container', variable: 'badContainers' },
  { field: 'initContainers', kind: 'initContainer', variable: 'badInitContainers' },
  { field: 'ephemeralContainers', kind: 'ephemeralContainer', variable: 'badEphemeralContainers' },
] as const;

/** Message of the fail-closed rule: without a usable allow-list every Pod is denied. */
export const NO_REPOS_MESSAGE =
  'no allowed image repos are configured (parameters.repos is missing, empty or holds only empty strings), so every Pod is denied';

/** A CEL string literal for any JS string (JSON escapes are a subset of CEL's). */
export function celString(value: string): string {
  return JSON.stringify(value);
}

/**
 * CEL that is true when `image` is allowed by the allow-list entry `entry` (both CEL string
 * expressions). Upstream matches plain prefixes, so `kevingbb` admitted `kevingbbevil/x`; here
 * an image must
 *  - equal the entry, or
 *  - continue it after `/` (a path below it; an entry ending in `/` is a prefix as upstream), or
 *  - continue it after `:` (a tag) or `@` (a digest) with no `/` after that point: otherwise
 *    `kevingbb:5000/x` would pull from a registry host that happens to be called `kevingbb`.
 */
export function celImageAllowedBy(image: string, entry: string): string {
  const tagOrDigest = (sep: string) =>
    `(${image}.startsWith(${entry} + "${sep}") && !${image}.substring(size(${entry}) + 1).contains("/"))`;
  return [
    `${image} == ${entry}`,
    `(${entry}.endsWith("/") && ${image}.startsWith(${entry}))`,
    `${image}.startsWith(${entry} + "/")`,
    tagOrDigest(':'),
    tagOrDigest('@'),
  ].join(' || ');
}

/** `value` (a CEL string expression) for a message line: a line break would split the line. */
function oneLine(value: string, placeholder: string): string {
  return `(${value}.contains("\\n") || ${value}.contains("\\r") ? ${celString(placeholder)} : ${value})`;
}

/** Template variables, evaluated in order after Gatekeeper's injected ones. */
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
  {
    name: 'allowedReposText',
    expression: `variables.allowedRepos.map(r, ${oneLine('r', '(an entry with a line break)')}).join(", ")`,
  },
  ...CONTAINER_LISTS.map(({ field }) => ({
    name: field,
    expression:
      `has(variables.anyObject.spec) && has(variables.anyObject.spec.${field})` +
      ` ? variables.anyObject.spec.${field} : []`,
  })),
  ...CONTAINER_LISTS.map(({ field, variable }) => ({
    name: variable,
    // `||` in CEL short-circuits errors too: c.image is only read when it exists.
    expression:
      `variables.${field}.filter(c, !has(c.image) || ` +
      `!variables.allowedRepos.exists(r, ${celImageAllowedBy('c.image', 'r')}))`,
  })),
];

/** One line per offending container: kind, name and image, joined by "; ". */
function describeBad(kind: string, variable: string): string {
  const name = `(has(c.name) ? c.name : "")`;
  const image = `(has(c.image) ? ${oneLine('c.image', '(an image name with a line break)')} : "(no image)")`;
  return (
    `variables.${variable}.map(c, "${kind} \\"" + ${name} + "\\" has image \\"" + ${image} + "\\"").join("; ")` +
    ` + ", which is not from an allowed repo (allowed: " + variables.allowedReposText + ")"`
  );
}

/**
 * The validations, each one violation. An empty allow-list reports once (the first rule)
 * instead of once per container list.
 */
export const ALLOWED_REPOS_VALIDATIONS: readonly CelValidation[] = [
  { expression: 'size(variables.allowedRepos) > 0', message: NO_REPOS_MESSAGE },
  ...CONTAINER_LISTS.map(({ field, kind, variable }) => ({
    expression: `size(variables.allowedRepos) == 0 || size(variables.${variable}) == 0`,
    message: `spec.${field}: an image is not from an allowed repo`,
    messageExpression: describeBad(kind, variable),
  })),
];

/**
 * What a ValidatingAdmissionPolicy declares in place of Gatekeeper's injections: the object
 * (the policy matches only CREATE and UPDATE, so `object` is never null) and the parameters,
 * baked in from the config. A VAP has no constraint to read them from; a paramKind would need
 * a second object (a ConfigMap of strings, split by CEL) for a list that changes only with the
 * config anyway. `dyn()` gives `params` the type Gatekeeper's has, so `!= null` type-checks.
 */
export function vapPreludeVariables(repos: readonly string[]): readonly CelVariable[] {
  return [
    { name: 'anyObject', expression: 'object' },
    { name: 'params', expression: `dyn({"repos": [${repos.map(celString).join(', ')}]})` },
  ];
}
