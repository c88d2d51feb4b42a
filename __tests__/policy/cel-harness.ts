/**
 * Runs the synthesized CEL the way Gatekeeper and the Kubernetes API server do, under two
 * independent CEL implementations standing in for cel-go: @marcbachmann/cel-js and
 * @bufbuild/cel. Every review runs under both; callers compare them (reviewBoth).
 *
 * What is emulated, and from which source (read at k8s.io/apiserver v0.34.10, Gatekeeper v3.23.0):
 *  - The validator both engines share (apiserver pkg/admission/plugin/policy/validating/
 *    validator.go, Validate): variables are evaluated lazily and an error surfaces where one is
 *    read; each validation is one decision; an evaluation error denies (failurePolicy Fail) with
 *    the error as message and no reason; a false result denies with the validation's reason
 *    (default Invalid) and the messageExpression's value, trimmed, unless it is not a string,
 *    longer than 5 KiB (pkg/apis/cel/config.go MaxEvaluatedMessageExpressionSizeBytes) or holds
 *    a "\n", then the static message, then "failed expression: <expression>".
 *  - Gatekeeper (pkg/target/target.go handleReview/setObjectOnDelete, pkg/target/matcher.go,
 *    pkg/mutation/match/match.go, pkg/drivers/k8scel/driver.go Query,
 *    pkg/drivers/k8scel/transform/cel_snippets.go, pkg/webhook/policy.go Handle): on DELETE the
 *    review's object is the old object for matching, then the driver unsets `object`;
 *    `variables.anyObject` is the old object on DELETE and the object otherwise,
 *    `variables.params` the constraint's spec.parameters or null; the constraint matches when
 *    object or oldObject matches spec.match (kinds by the object's own apiVersion/kind,
 *    namespaces by its metadata.namespace); every denied decision is one violation; the webhook
 *    answers per enforcementAction: deny → 403 Forbidden with "[<constraint>] <message>" lines
 *    joined by "\n", warn → admitted with those lines as warnings, dryrun → admitted silently.
 *    The API server prefixes a webhook denial with `admission webhook "<name>" denied the
 *    request: ` (pkg/admission/plugin/webhook/errors/statuserror.go ToStatusErr).
 *  - ValidatingAdmissionPolicy (validating/dispatcher.go Dispatch, policy_decision.go
 *    reasonToCode, pkg/admission/errors.go NewForbidden): per binding action, each denied
 *    decision becomes a denial (Deny), a warning "Validation failed for
 *    ValidatingAdmissionPolicy '<p>' with binding '<b>': <message>" (Warn), or the audit
 *    annotation validation.policy.admission.k8s.io/validation_failure (Audit; the request's
 *    annotations refuse a second value for the same key, so only the first is kept). The
 *    denial is built from the FIRST denied decision only: `<resource> "<name>" is forbidden:
 *    ValidatingAdmissionPolicy '<p>' with binding '<b>' denied request: <message>`, with its
 *    reason (empty → Invalid) and reason → HTTP code (Forbidden 403, Invalid 422).
 * What is not: cel-go's cost accounting, Kubernetes' typed `object` (the VAP type checker), the
 * CEL library beyond what the rule uses, and matching beyond the fields aks-day2 writes (an
 * unknown one throws). `has()` on a field of null answers false in both stand-ins where cel-go
 * errors, and `error || true` is an error in @bufbuild/cel where cel-go answers true: the rule
 * relies on neither (it tests `!= null` first, and puts the guard left of `||`).
 * cel-js is ESM-only and jest here runs CommonJS, so esbuild bundles it to CJS in memory.
 */
import { buildSync } from 'esbuild';
import type * as CelJs from '@marcbachmann/cel-js';
import { celEnv, celMap, isCelError, isCelList, isCelMap, parse as bufParse, plan as bufPlan } from '@bufbuild/cel';
import { strings as bufStrings } from '@bufbuild/cel/ext';

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
  readonly reason?: string;
}

// ---- Two CEL engines --------------------------------------------------------------------------

/** What an expression sees: the admission variables and the lazily evaluated `variables`. */
interface Scope {
  readonly object: unknown;
  readonly oldObject: unknown;
  readonly request: unknown;
  readonly variables: LazyVariables;
}

/** A compiled expression: returns a JS value, throws on a CEL error. */
type Program = (scope: Scope) => unknown;

export interface CelEngine {
  readonly name: EngineName;
  program(expression: string): Program;
}
export type EngineName = 'cel-js' | '@bufbuild/cel';

const STRICT = { unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: true, enableOptionalTypes: false };

/**
 * The environment of a validation in both engines: apiserver pkg/admission/plugin/cel/compile.go
 * createEnvForOpts declares object and oldObject (dyn), request and namespaceObject, plus
 * `variables` (composition). Gatekeeper's driver compiles with the same declarations.
 */
export function celJsEnv(): CelJs.Environment {
  return new cel.Environment(STRICT)
    .registerVariable('variables', 'map')
    .registerVariable('object', 'dyn')
    .registerVariable('oldObject', 'dyn')
    .registerVariable('request', 'map');
}

/** Memoizes compiled programs per expression (parsing dominates the cost). */
function memo(compile: (expression: string) => Program): (expression: string) => Program {
  const programs = new Map<string, Program>();
  return (expression) => {
    let p = programs.get(expression);
    if (!p) programs.set(expression, (p = compile(expression)));
    return p;
  };
}

function celJsEngine(): CelEngine {
  const env = celJsEnv();
  return {
    name: 'cel-js',
    program: memo((expression) => {
      const parsed = env.parse(expression);
      return (scope) => parsed({ ...scope, variables: scope.variables.asObject() });
    }),
  };
}

/** A function call as @bufbuild/cel dispatches it (operators included): name, target, arguments. */
export type CallObserver = (name: string, target: unknown, args: readonly unknown[]) => void;

/** @bufbuild/cel; `observe` sees every function and operator call (for cost measurements). */
export function bufbuildEngine(observe?: CallObserver): CelEngine {
  const env = celEnv({ funcs: bufStrings });
  if (observe) {
    // Wrap the resolver's groups: the planner looks a group up once and calls it per evaluation.
    const resolver = env.funcs as unknown as { find(name: string): any };
    const find = resolver.find.bind(resolver);
    resolver.find = (name: string) => {
      const group = find(name);
      if (!group) return group;
      return {
        name: group.name,
        [Symbol.iterator]: () => group[Symbol.iterator](),
        call(id: number, target: unknown, args: unknown[]) {
          observe(name, target, args);
          return group.call(id, target, args);
        },
      };
    };
  }
  return {
    name: '@bufbuild/cel',
    program: memo((expression) => {
      const run = bufPlan(env, bufParse(expression));
      return (scope) => {
        const result = run({
          object: scope.object as never,
          oldObject: scope.oldObject as never,
          request: scope.request as never,
          variables: celMap(scope.variables.asMap() as unknown as ReadonlyMap<string, never>) as never,
        });
        if (isCelError(result)) throw new Error(result.message);
        return fromBufbuild(result);
      };
    }),
  };
}

/** @bufbuild/cel's lists and maps as JS arrays and objects; scalars as they are. */
function fromBufbuild(value: unknown): unknown {
  if (isCelList(value)) return [...value].map(fromBufbuild);
  if (isCelMap(value)) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), fromBufbuild(v)]));
  return value;
}

export const ENGINES: readonly CelEngine[] = [celJsEngine(), bufbuildEngine()];

// ---- Lazily evaluated variables ---------------------------------------------------------------

class Failed {
  constructor(readonly error: unknown) {}
}

/**
 * `variables`, evaluated when first read and cached, as the composition environment does
 * (apiserver pkg/admission/plugin/cel/composition.go); an error is cached too and thrown to
 * whatever reads the variable.
 */
class LazyVariables {
  private readonly values = new Map<string, unknown>();
  private readonly compute = new Map<string, () => unknown>();

  constructor(engine: CelEngine, injected: Record<string, unknown>, variables: readonly NamedExpression[], scope: () => Scope) {
    for (const [name, value] of Object.entries(injected)) this.values.set(name, value);
    for (const v of variables) {
      const program = engine.program(v.expression);
      this.compute.set(v.name, () => program(scope()));
    }
  }

  get(name: string): unknown {
    if (!this.values.has(name)) {
      const compute = this.compute.get(name);
      if (!compute) return undefined;
      try {
        this.values.set(name, compute());
      } catch (err) {
        this.values.set(name, new Failed(err));
      }
    }
    const value = this.values.get(name);
    if (value instanceof Failed) throw value.error;
    return value;
  }

  // The set of names is fixed at construction; the views below are built once and read lazily
  // (every expression of a review reads `variables`, so rebuilding them each time was most of
  // the harness's cost).
  private namesCache?: string[];
  private bag?: Record<string, unknown>;
  private map?: Map<string, unknown>;

  names(): string[] {
    return (this.namesCache ??= [...new Set([...this.values.keys(), ...this.compute.keys()])]);
  }

  /** For cel-js: an object whose properties are getters. */
  asObject(): Record<string, unknown> {
    if (this.bag) return this.bag;
    const bag: Record<string, unknown> = {};
    for (const name of this.names()) Object.defineProperty(bag, name, { enumerable: true, get: () => this.get(name) });
    return (this.bag = bag);
  }

  /** For @bufbuild/cel: a Map whose get() evaluates (plain objects are converted eagerly there). */
  asMap(): Map<string, unknown> {
    if (this.map) return this.map;
    const self = this;
    const names = this.names();
    const known = new Set(names);
    return (this.map = new (class extends Map<string, unknown> {
      override get(key: string) {
        return known.has(key) ? self.get(key) : undefined;
      }
      override has(key: string) {
        return known.has(key);
      }
      override get size() {
        return names.length;
      }
      override *entries(): MapIterator<[string, unknown]> {
        for (const n of names) yield [n, self.get(n)];
      }
      override keys(): MapIterator<string> {
        return names[Symbol.iterator]() as MapIterator<string>;
      }
    })());
  }
}

/** CEL integers are int64: manifests' whole numbers become BigInt in both engines. */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  }
  return value;
}

// ---- The validator both engines share ---------------------------------------------------------

/** validator.go's PolicyDecision, for a validation that did not admit. */
export interface DeniedDecision {
  /** Index of the validation (the audit annotation's expressionIndex). */
  readonly index: number;
  readonly message: string;
  /** The engine's own error text, for an evaluation error (cel-go's differs from both). */
  readonly error?: string;
  /** Empty for evaluation errors (the dispatcher then answers Invalid). */
  readonly reason: string;
}

const MAX_MESSAGE_BYTES = 5 * 1024;

function validate(engine: CelEngine, validations: readonly ValidationRule[], scope: Scope): DeniedDecision[] {
  const denied: DeniedDecision[] = [];
  validations.forEach((rule, index) => {
    let result: unknown;
    try {
      result = engine.program(rule.expression)(scope);
    } catch (err) {
      // validator.go uses the evaluation error as the message; its text is cel-go's, which
      // neither stand-in reproduces, so the message says only that it failed.
      denied.push({ index, reason: '', message: `expression '${rule.expression}' resulted in error`, error: (err as Error).message });
      return;
    }
    if (result === true) return;
    let message = '';
    if (rule.messageExpression) {
      try {
        const m = engine.program(rule.messageExpression)(scope);
        if (typeof m === 'string') {
          message = m.trim();
          if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES || message.includes('\n')) message = '';
        }
      } catch {
        // validator.go only logs a failing messageExpression and falls back.
      }
    }
    if (message === '' && rule.message) message = rule.message.trim();
    if (message === '') message = `failed expression: ${rule.expression.trim()}`;
    denied.push({ index, reason: rule.reason ?? 'Invalid', message });
  });
  return denied;
}

// ---- Admission requests -------------------------------------------------------------------------

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** What reaches admission, in the fields both engines read. */
export interface AdmissionRequest {
  /** '' for Gatekeeper's audit and gator with a plain object (no admission request). */
  readonly operation: Operation | '';
  readonly object: any;
  readonly oldObject: any;
  readonly namespace: string;
  readonly name: string;
  readonly subResource?: string;
  readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly resource: { readonly group: string; readonly version: string; readonly resource: string };
}

/** The answer the API server gives the client. */
export interface AdmissionResponse {
  readonly allowed: boolean;
  /** On a refusal: the Status the client sees. */
  readonly status?: { readonly code: number; readonly reason: string; readonly message: string };
  readonly warnings: readonly string[];
  readonly auditAnnotations: Readonly<Record<string, string>>;
}

export interface Review {
  /** Whether the request reached the rule (constraint match, VAP match and binding). */
  readonly matched: boolean;
  /** Messages of the denied decisions, in validation order (Gatekeeper: one violation each). */
  readonly violations: readonly string[];
  readonly response: AdmissionResponse;
  /** Evaluation errors in the engine's words (not compared between engines). */
  readonly errors?: readonly string[];
}

const ADMITTED: AdmissionResponse = { allowed: true, warnings: [], auditAnnotations: {} };

/** The `request` variable (apiserver pkg/admission/plugin/cel CreateAdmissionRequest). */
function requestValue(r: AdmissionRequest): Record<string, unknown> {
  return {
    kind: r.kind,
    resource: r.resource,
    subResource: r.subResource ?? '',
    requestKind: r.kind,
    requestResource: r.resource,
    requestSubResource: r.subResource ?? '',
    name: r.name,
    namespace: r.namespace,
    operation: r.operation,
    userInfo: { username: 'jane@example.com', groups: ['system:authenticated'] },
    dryRun: false,
  };
}

// ---- Gatekeeper ---------------------------------------------------------------------------

const globMatch = (pattern: string, value: string) =>
  pattern.endsWith('*')
    ? value.startsWith(pattern.slice(0, -1))
    : pattern.startsWith('*')
      ? value.endsWith(pattern.slice(1))
      : pattern === value;

/** spec.match of a constraint against one object (match.go Matches), for the fields aks-day2 writes. */
export function constraintMatchesObject(constraint: any, obj: any): boolean {
  const match = constraint?.spec?.match ?? {};
  for (const key of Object.keys(match)) {
    if (!['kinds', 'namespaces', 'excludedNamespaces', 'scope'].includes(key)) {
      throw new Error(`the harness does not emulate spec.match.${key}`);
    }
  }
  const apiVersion: string = obj?.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
  const kind: string = obj?.kind ?? '';
  if (match.kinds?.length) {
    const ok = match.kinds.some(
      (k: any) =>
        (!k.kinds?.length || k.kinds.includes('*') || k.kinds.includes(kind)) &&
        (!k.apiGroups?.length || k.apiGroups.includes('*') || k.apiGroups.includes(group)),
    );
    if (!ok) return false;
  }
  const namespace: string = obj?.metadata?.namespace ?? '';
  // match.go: without a namespace (cluster-scoped), namespaces cannot disqualify.
  if (namespace && match.namespaces?.length && !match.namespaces.some((p: string) => globMatch(p, namespace))) return false;
  if (namespace && match.excludedNamespaces?.some((p: string) => globMatch(p, namespace))) return false;
  return true;
}

/** The K8sNativeValidation source of a synthesized ConstraintTemplate. */
export function celSource(template: any): { variables: NamedExpression[]; validations: ValidationRule[] } {
  const targets = template.spec.targets;
  if (targets.length !== 1) throw new Error('Gatekeeper supports exactly one target');
  const code = targets[0].code.find((c: any) => c.engine === 'K8sNativeValidation');
  if (!code) throw new Error('no K8sNativeValidation code');
  for (const v of code.source.validations ?? []) {
    // Gatekeeper's schema (pkg/drivers/k8scel/schema/schema.go Validation) has no reason field.
    if ('reason' in v) throw new Error('K8sNativeValidation validations have no reason');
  }
  return { variables: code.source.variables ?? [], validations: code.source.validations ?? [] };
}

/** Review a request against one constraint of the template, as Gatekeeper's webhook does. */
export function reviewGatekeeper(engine: CelEngine, template: any, constraint: any, request: AdmissionRequest): Review {
  // target.go setObjectOnDelete: a DELETE's review carries the old object as its object.
  if (request.operation === 'DELETE' && !request.oldObject) throw new Error('oldObject cannot be nil for DELETE operations');
  const reviewed = request.operation === 'DELETE' ? request.oldObject : request.object;
  // matcher.go matchAny: object or oldObject.
  const matched = [reviewed, request.oldObject].some((o) => o && constraintMatchesObject(constraint, o));
  if (!matched) return { matched: false, violations: [], response: ADMITTED };

  // driver.go Query: Object unset on DELETE; cel_snippets.go: anyObject and params.
  const object = request.operation === 'DELETE' ? null : toCel(request.object);
  const oldObject = request.oldObject ? toCel(request.oldObject) : null;
  const anyObject = request.operation === 'DELETE' && object === null ? oldObject : object;
  const params = toCel(constraint?.spec?.parameters ?? null);
  const { variables, validations } = celSource(template);
  const scope: Scope = {
    object,
    oldObject,
    request: toCel(requestValue(request)),
    variables: new LazyVariables(engine, { anyObject, params }, variables, () => scope),
  };
  const decisions = validate(engine, validations, scope);
  const violations = decisions.map((d) => d.message);
  const errors = decisions.flatMap((d) => (d.error ? [d.error] : []));

  // policy.go getValidationMessages and Handle.
  const name: string = constraint?.metadata?.name ?? '';
  const lines = violations.map((m) => `[${name}] ${m}`);
  const action: string = constraint?.spec?.enforcementAction ?? 'deny';
  if (!['deny', 'warn', 'dryrun'].includes(action)) throw new Error(`the harness does not emulate enforcementAction ${action}`);
  if (action === 'deny' && lines.length > 0) {
    return {
      matched,
      violations,
      errors,
      response: {
        allowed: false,
        status: {
          code: 403,
          reason: 'Forbidden',
          message: `admission webhook "validation.gatekeeper.sh" denied the request: ${lines.join('\n')}`,
        },
        warnings: [],
        auditAnnotations: {},
      },
    };
  }
  return { matched, violations, errors, response: { ...ADMITTED, warnings: action === 'warn' ? lines : [] } };
}

// ---- ValidatingAdmissionPolicy -------------------------------------------------------------

/** A NamedRuleWithOperations against the request (resource and subresource patterns as the API documents them). */
function ruleMatches(rule: any, r: AdmissionRequest): boolean {
  const has = (list: readonly string[] | undefined, value: string) => !!list && (list.includes('*') || list.includes(value));
  const sub = r.subResource ?? '';
  const resources: readonly string[] = rule.resources ?? [];
  const resourceOk = resources.some((pattern) => {
    const [res, patSub] = pattern.split('/') as [string, string | undefined];
    if (patSub === undefined) return sub === '' && (res === '*' || res === r.resource.resource);
    return (res === '*' || res === r.resource.resource) && (patSub === '*' || patSub === sub);
  });
  return (
    has(rule.apiGroups, r.resource.group) &&
    has(rule.apiVersions, r.resource.version) &&
    has(rule.operations, r.operation) &&
    resourceOk
  );
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

/** policy_decision.go reasonToCode. */
function reasonToCode(reason: string): number {
  return reason === 'Forbidden' ? 403 : reason === 'Unauthorized' ? 401 : reason === 'RequestEntityTooLarge' ? 413 : 422;
}

/** Admit a request through a policy and its binding, as the API server's VAP plugin does. */
export function reviewVap(engine: CelEngine, policy: any, binding: any, request: AdmissionRequest): Review {
  if (binding.spec.policyName !== policy.metadata.name) throw new Error('binding names another policy');
  for (const key of ['excludeResourceRules', 'objectSelector', 'matchPolicy']) {
    if (policy.spec.matchConstraints?.[key] || binding.spec.matchResources?.[key]) throw new Error(`the harness does not emulate ${key}`);
  }
  if (policy.spec.matchConditions || policy.spec.auditAnnotations || policy.spec.paramKind) {
    throw new Error('the harness does not emulate matchConditions, auditAnnotations or paramKind');
  }
  const nsLabels = { 'kubernetes.io/metadata.name': request.namespace };
  const rules = policy.spec.matchConstraints?.resourceRules ?? [];
  const matched =
    rules.some((r: any) => ruleMatches(r, request)) &&
    selectorMatches(policy.spec.matchConstraints?.namespaceSelector, nsLabels) &&
    (!binding.spec.matchResources?.resourceRules || binding.spec.matchResources.resourceRules.some((r: any) => ruleMatches(r, request))) &&
    selectorMatches(binding.spec.matchResources?.namespaceSelector, nsLabels);
  if (!matched) return { matched: false, violations: [], response: ADMITTED };

  const scope: Scope = {
    object: request.object ? toCel(request.object) : null,
    oldObject: request.oldObject ? toCel(request.oldObject) : null,
    request: toCel(requestValue(request)),
    variables: new LazyVariables(engine, {}, policy.spec.variables ?? [], () => scope),
  };
  const decisions = validate(engine, policy.spec.validations ?? [], scope);

  // dispatcher.go: per denied decision and binding action.
  const actions: readonly string[] = binding.spec.validationActions ?? [];
  const p = policy.metadata.name;
  const b = binding.metadata.name;
  const denials = actions.includes('Deny') ? decisions : [];
  const warnings = actions.includes('Warn')
    ? decisions.map((d) => `Validation failed for ValidatingAdmissionPolicy '${p}' with binding '${b}': ${d.message}`)
    : [];
  const auditAnnotations: Record<string, string> = {};
  const first = actions.includes('Audit') ? decisions[0] : undefined;
  if (first) {
    auditAnnotations['validation.policy.admission.k8s.io/validation_failure'] = JSON.stringify([
      { message: first.message, policy: p, binding: b, expressionIndex: first.index, validationActions: actions },
    ]);
  }
  const violations = decisions.map((d) => d.message);
  const errors = decisions.flatMap((d) => (d.error ? [d.error] : []));
  if (denials.length === 0) return { matched, violations, errors, response: { allowed: true, warnings, auditAnnotations } };
  const denied = denials[0]!;
  const reason = denied.reason || 'Invalid';
  const name: string = request.name || request.object?.metadata?.name || request.object?.metadata?.generateName || 'Unknown';
  const resource = request.resource.group ? `${request.resource.resource}.${request.resource.group}` : request.resource.resource;
  return {
    matched,
    violations,
    errors,
    response: {
      allowed: false,
      status: {
        code: reasonToCode(reason),
        reason,
        message: `${resource} "${name}" is forbidden: ValidatingAdmissionPolicy '${p}' with binding '${b}' denied request: ${denied.message}`,
      },
      warnings,
      auditAnnotations,
    },
  };
}

// ---- Both engines ---------------------------------------------------------------------------

/**
 * Run a review under every engine; throws when they disagree (the message shows both), so a
 * caller gets one result that two independent CEL implementations agree on.
 */
export function reviewBoth(review: (engine: CelEngine) => Review): Review {
  const [first, ...rest] = ENGINES.map((engine) => ({ engine: engine.name, result: review(engine) }));
  const compared = ({ errors, ...r }: Review) => JSON.stringify({ ...r, errors: errors?.length ?? 0 });
  for (const other of rest) {
    const a = compared(first!.result);
    const b = compared(other.result);
    if (a !== b) throw new Error(`the CEL engines disagree:\n${first!.engine}: ${a}\n${other.engine}: ${b}`);
  }
  const { errors: _errors, ...result } = first!.result;
  return result;
}
