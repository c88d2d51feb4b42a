/**
 * Runs the synthesized CEL the way Gatekeeper and the Kubernetes API server would, with
 * @marcbachmann/cel-js standing in for cel-go. What that stands in for, and what it does not:
 *  - The evaluation order and inputs are Gatekeeper's: variables.anyObject and variables.params
 *    first, then the template's variables in order, then each validation; an error in a
 *    validation (or a variable it reads) is a violation; a failing messageExpression falls back
 *    to the static message. The VAP gets object/request and its own variables instead.
 *  - cel-js is strict here (declared variables only, homogeneous aggregate literals), but it is
 *    not cel-go: it has no Kubernetes extension libraries beyond what the rule uses (the
 *    strings extension's substring and join, which cel-js also has), no cost limits, and no
 *    OpenAPI-typed `object`. `has()` on a field of null answers false in cel-js where cel-go
 *    errors, so the rule never relies on it (it tests `!= null` first).
 *  - Matching (constraint match, VAP matchConstraints, binding namespaceSelector) is emulated
 *    for the fields aks-day2 writes, not for every selector Kubernetes supports.
 * cel-js is ESM-only and jest here runs CommonJS, so esbuild bundles it to CJS in memory.
 */
import { buildSync } from 'esbuild';
import type * as CelJs from '@marcbachmann/cel-js';

function loadCelJs(): typeof CelJs {
  const { outputFiles } = buildSync({
    entryPoints: [require.resolve('@marcbachmann/cel-js')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const mod: { exports: Record<string, unknown> } = { exports: {} };
  new Function('module', 'exports', outputFiles[0]!.text)(mod, mod.exports);
  return mod.exports as unknown as typeof CelJs;
}

export const cel = loadCelJs();

export interface NamedExpression {
  readonly name: string;
  readonly expression: string;
}
export interface ValidationRule {
  readonly expression: string;
  readonly message?: string;
  readonly messageExpression?: string;
}

const STRICT = { unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: true, enableOptionalTypes: false };

/** Gatekeeper's template code sees `variables` only (params is bound into variables.params). */
export function gatekeeperEnv(): CelJs.Environment {
  return new cel.Environment(STRICT).registerVariable('variables', 'map');
}

/** A VAP without paramKind sees object, oldObject, request and its variables. */
export function vapEnv(): CelJs.Environment {
  return new cel.Environment(STRICT)
    .registerVariable('variables', 'map')
    .registerVariable('object', 'map')
    .registerVariable('oldObject', 'map')
    .registerVariable('request', 'map');
}

type Program = ReturnType<CelJs.Environment['parse']>;

/** An environment that parses each expression once (parsing dominates the cost). */
class Compiler {
  private readonly env: CelJs.Environment;
  private readonly programs = new Map<string, Program>();
  constructor(env: CelJs.Environment) {
    this.env = env;
  }
  program(expression: string): Program {
    let p = this.programs.get(expression);
    if (!p) this.programs.set(expression, (p = this.env.parse(expression)));
    return p;
  }
}

const gatekeeper = new Compiler(gatekeeperEnv());
const vap = new Compiler(vapEnv());

export interface AdmissionRequest {
  readonly operation: 'CREATE' | 'UPDATE';
  readonly subResource?: string;
  readonly namespace: string;
}

export interface Decision {
  /** Violations in validation order (Gatekeeper: one each; a VAP denies if there is any). */
  readonly messages: readonly string[];
  /** Whether the request reached the rule at all (constraint match or VAP match). */
  readonly matched: boolean;
}

/** cel-js takes integers as BigInt: convert the manifest's numbers. */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  }
  return value;
}

class Failed {
  constructor(readonly error: unknown) {}
}

/**
 * Evaluate variables lazily, as Kubernetes does: a variable is computed when first read, and
 * an error surfaces in whatever reads it.
 */
function bindVariables(
  env: Compiler,
  variables: readonly NamedExpression[],
  base: Record<string, unknown>,
  context: Record<string, unknown>,
): Record<string, unknown> {
  const bag: Record<string, unknown> = { ...base };
  const scope = { ...context, variables: bag };
  for (const v of variables) {
    const program = env.program(v.expression);
    let cached: unknown;
    let done = false;
    Object.defineProperty(bag, v.name, {
      enumerable: true,
      get() {
        if (!done) {
          done = true;
          try {
            cached = program(scope);
          } catch (err) {
            cached = new Failed(err);
          }
        }
        if (cached instanceof Failed) throw cached.error;
        return cached;
      },
    });
  }
  return scope;
}

function runValidations(env: Compiler, validations: readonly ValidationRule[], scope: Record<string, unknown>): string[] {
  const messages: string[] = [];
  for (const rule of validations) {
    let ok: unknown;
    try {
      ok = env.program(rule.expression)(scope);
    } catch (err) {
      messages.push(`expression '${rule.expression}' resulted in error: ${(err as Error).message}`);
      continue;
    }
    if (ok === true) continue;
    if (typeof ok !== 'boolean') {
      messages.push(`expression '${rule.expression}' must evaluate to bool`);
      continue;
    }
    let message = rule.message ?? `failed expression: ${rule.expression}`;
    if (rule.messageExpression) {
      try {
        const m = env.program(rule.messageExpression)(scope);
        if (typeof m === 'string' && m.trim() !== '') message = m;
      } catch {
        // Kubernetes falls back to the static message.
      }
    }
    messages.push(message);
  }
  return messages;
}

// ---- Gatekeeper ---------------------------------------------------------------------------

const globMatch = (pattern: string, value: string) =>
  pattern.endsWith('*')
    ? value.startsWith(pattern.slice(0, -1))
    : pattern.startsWith('*')
      ? value.endsWith(pattern.slice(1))
      : pattern === value;

/** spec.match of a constraint, for the fields aks-day2 writes (kinds, namespaces, excludedNamespaces). */
export function constraintMatches(constraint: any, kind: { group: string; kind: string }, namespace: string): boolean {
  const match = constraint?.spec?.match ?? {};
  if (match.kinds) {
    const ok = match.kinds.some(
      (k: any) =>
        (!k.apiGroups?.length || k.apiGroups.includes('*') || k.apiGroups.includes(kind.group)) &&
        (!k.kinds?.length || k.kinds.includes('*') || k.kinds.includes(kind.kind)),
    );
    if (!ok) return false;
  }
  if (match.namespaces && !match.namespaces.some((p: string) => globMatch(p, namespace))) return false;
  if (match.excludedNamespaces?.some((p: string) => globMatch(p, namespace))) return false;
  for (const key of Object.keys(match)) {
    if (!['kinds', 'namespaces', 'excludedNamespaces', 'scope'].includes(key)) {
      throw new Error(`the harness does not emulate spec.match.${key}`);
    }
  }
  return true;
}

/** The K8sNativeValidation source of a synthesized ConstraintTemplate. */
export function celSource(template: any): { variables: NamedExpression[]; validations: ValidationRule[] } {
  const targets = template.spec.targets;
  if (targets.length !== 1) throw new Error('Gatekeeper supports exactly one target');
  const code = targets[0].code.find((c: any) => c.engine === 'K8sNativeValidation');
  if (!code) throw new Error('no K8sNativeValidation code');
  return { variables: code.source.variables ?? [], validations: code.source.validations ?? [] };
}

/** Review `object` against a constraint of the template, as Gatekeeper's CEL driver does. */
export function reviewGatekeeper(template: any, constraint: any, object: any): Decision {
  const namespace = object?.metadata?.namespace ?? '';
  if (!constraintMatches(constraint, { group: '', kind: object.kind }, namespace)) return { matched: false, messages: [] };
  const { variables, validations } = celSource(template);
  const injected = { anyObject: toCel(object), params: toCel(constraint?.spec?.parameters ?? null) };
  const scope = bindVariables(gatekeeper, variables, injected, {});
  return { matched: true, messages: runValidations(gatekeeper, validations, scope) };
}

// ---- ValidatingAdmissionPolicy -------------------------------------------------------------

function ruleMatches(rule: any, request: AdmissionRequest): boolean {
  const resource = request.subResource ? `pods/${request.subResource}` : 'pods';
  const has = (list: readonly string[] | undefined, value: string) => !!list && (list.includes('*') || list.includes(value));
  const resources: readonly string[] = rule.resources ?? [];
  // "*" matches resources but not subresources; "pods/*" matches the subresources of pods.
  const resourceOk =
    resources.includes(resource) ||
    (!request.subResource && resources.includes('*')) ||
    (!!request.subResource && (resources.includes('*/*') || resources.includes('pods/*')));
  return has(rule.apiGroups, '') && has(rule.apiVersions, 'v1') && has(rule.operations, request.operation) && resourceOk;
}

function selectorMatches(selector: any, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const present = e.key in labels;
    const ok =
      e.operator === 'In'
        ? present && e.values.includes(labels[e.key])
        : e.operator === 'NotIn'
          ? !present || !e.values.includes(labels[e.key])
          : e.operator === 'Exists'
            ? present
            : !present;
    if (!ok) return false;
  }
  return true;
}

/** Admit `object` through a policy and its binding, as the API server's VAP plugin does. */
export function reviewVap(policy: any, binding: any, object: any, request: AdmissionRequest): Decision {
  if (binding.spec.policyName !== policy.metadata.name) throw new Error('binding names another policy');
  const rules = policy.spec.matchConstraints?.resourceRules ?? [];
  const nsLabels = { 'kubernetes.io/metadata.name': request.namespace };
  if (!rules.some((r: any) => ruleMatches(r, request))) return { matched: false, messages: [] };
  if (!selectorMatches(policy.spec.matchConstraints?.namespaceSelector, nsLabels)) return { matched: false, messages: [] };
  if (!selectorMatches(binding.spec.matchResources?.namespaceSelector, nsLabels)) return { matched: false, messages: [] };
  const context = {
    object: toCel(object),
    oldObject: request.operation === 'UPDATE' ? toCel(object) : null,
    request: {
      operation: request.operation,
      namespace: request.namespace,
      subResource: request.subResource ?? '',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
    },
  };
  const scope = bindVariables(vap, policy.spec.variables ?? [], {}, context);
  return { matched: true, messages: runValidations(vap, policy.spec.validations ?? [], scope) };
}
