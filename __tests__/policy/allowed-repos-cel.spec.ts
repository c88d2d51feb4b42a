import { App } from 'cdk8s';
import {
  ALLOWED_REPOS_VALIDATIONS,
  ALLOWED_REPOS_VARIABLES,
  BAD_IMAGE_MESSAGE,
  GATEKEEPER_INJECTED_VARIABLES,
  NO_REPOS_MESSAGE,
  celString,
  vapPreludeVariables,
  vapValidations,
} from '../../charts/policy/allowed-repos-cel';
import { DIGEST, GRID_ENTRIES, GRID_SUFFIXES, IMAGE_FACT_GROUPS, objectManifest, type ObjectInput } from '../../charts/policy/allowed-repos-cases';
import { AllowedReposConstraintChart } from '../../charts/policy/allowed-repos-constraint-chart';
import { AllowedReposTemplateChart } from '../../charts/policy/allowed-repos-template-chart';
import { AllowedReposVapChart } from '../../charts/policy/allowed-repos-vap-chart';
import type { PolicyConfig, PolicyEnforcement } from '../../config/model';
import { imageAllowed, imageAllowedBy } from '../../config/image-rule';
import {
  ENGINES,
  cel,
  celJsEnv,
  celSource,
  reviewBoth,
  reviewGatekeeper,
  reviewVap,
  type AdmissionRequest,
  type Review,
} from './cel-harness';

const app = () => new App({ outdir: '.unused' });
const template = new AllowedReposTemplateChart(app(), 'template').toJson()[0];
const source = celSource(template);

const policyOf = (repos: readonly string[], more: Partial<PolicyConfig> = {}): PolicyConfig => ({
  engine: 'gatekeeper',
  namespaces: ['production'],
  allowedRepos: repos,
  name: 'allowed-repos',
  workloads: true,
  enforcement: 'deny',
  ...more,
});
const constraints = new Map<string, any>();
/** The synthesized constraint for an allow-list (cached: synthesis dominates the run time). */
const constraintFor = (repos: readonly string[], enforcement: PolicyEnforcement = 'deny') => {
  const key = JSON.stringify([repos, enforcement]);
  if (!constraints.has(key)) constraints.set(key, new AllowedReposConstraintChart(app(), 'c', { policy: policyOf(repos, { enforcement }) }).toJson()[0]);
  return constraints.get(key);
};
const vapFor = (repos: readonly string[], enforcement: PolicyEnforcement = 'deny') =>
  new AllowedReposVapChart(app(), 'vap', { policy: policyOf(repos, { engine: 'vap', enforcement }) }).toJson();

const podInput = (...images: (string | undefined)[]): ObjectInput => ({
  name: 'p',
  namespace: 'production',
  spec: { containers: images.map((image, i) => [`c${i}`, image] as const) },
});
const create = (object: Record<string, unknown>): AdmissionRequest => ({
  operation: 'CREATE',
  object,
  oldObject: null,
  namespace: 'production',
  name: 'p',
  kind: { group: '', version: 'v1', kind: 'Pod' },
  resource: { group: '', version: 'v1', resource: 'pods' },
});
const pod = (...images: (string | undefined)[]) => objectManifest(podInput(...images));

const gatekeeper = (repos: readonly string[], request: AdmissionRequest, enforcement: PolicyEnforcement = 'deny'): Review =>
  reviewBoth((engine) => reviewGatekeeper(engine, template, constraintFor(repos, enforcement), request));
const vap = (repos: readonly string[], request: AdmissionRequest, enforcement: PolicyEnforcement = 'deny'): Review => {
  const [policy, binding] = vapFor(repos, enforcement);
  return reviewBoth((engine) => reviewVap(engine, policy, binding, request));
};

describe('the CEL parses and passes a strict type check (cel-js checker; Kubernetes declares the same variables)', () => {
  // Each expression on its own, so a syntax error names the expression that has it.
  const expressions = [
    ...source.variables.map((v) => ['variable ' + v.name, v.expression, 'any'] as const),
    ...source.validations.map((v, i) => [`validation ${i}`, v.expression, 'bool'] as const),
    ...source.validations.filter((v) => v.messageExpression).map((v, i) => [`messageExpression ${i}`, v.messageExpression!, 'string'] as const),
    ...vapPreludeVariables(['kevingbb']).map((v) => ['VAP variable ' + v.name, v.expression, 'any'] as const),
  ];

  it.each(expressions)('%s', (_label, expression, type) => {
    const checked = celJsEnv().check(expression);
    expect(checked.error?.message).toBeUndefined();
    expect(checked.valid).toBe(true);
    if (type !== 'any') expect(String(checked.type)).toBe(type);
  });

  it.each(expressions)('%s parses under @bufbuild/cel too', (_label, expression) => {
    for (const engine of ENGINES) expect(() => engine.program(expression)).not.toThrow();
  });

  it('a mixed-type list literal is rejected, so the checker is strict about literals', () => {
    expect(celJsEnv().check('["a", 1]').valid).toBe(false);
  });

  it('the template defines neither anyObject nor params itself: Gatekeeper injects them', () => {
    for (const v of source.variables) expect(GATEKEEPER_INJECTED_VARIABLES).not.toContain(v.name);
    expect(source.variables.every((v) => !v.name.startsWith('gatekeeper_internal_'))).toBe(true);
  });
});

describe('one source of truth', () => {
  const [vapPolicy, vapBinding] = vapFor(['kevingbb', 'we"ird\\entry/']);

  it('the template ships exactly the shared variables and validations', () => {
    expect(source.variables).toEqual(ALLOWED_REPOS_VARIABLES);
    expect(source.validations).toEqual(ALLOWED_REPOS_VALIDATIONS);
  });

  it('the VAP ships the same program after its own anyObject and params, each validation with reason Forbidden', () => {
    const variables = vapPolicy.spec.variables;
    expect(variables.slice(0, 2).map((v: any) => v.name)).toEqual(['anyObject', 'params']);
    expect(variables.slice(2)).toEqual(ALLOWED_REPOS_VARIABLES);
    expect(vapPolicy.spec.validations).toEqual(ALLOWED_REPOS_VALIDATIONS.map((v) => ({ ...v, reason: 'Forbidden' })));
    expect(vapPolicy.spec.validations).toEqual(vapValidations());
    expect(vapBinding.kind).toBe('ValidatingAdmissionPolicyBinding');
  });

  it('the VAP bakes the list in as a CEL string list, escaping what needs it', () => {
    const [, params] = vapPreludeVariables(['kevingbb', 'we"ird\\entry/']);
    expect(params!.expression).toBe('dyn({"repos": ["kevingbb", "we\\"ird\\\\entry/"]})');
    expect(cel.evaluate(params!.expression)).toEqual({ repos: ['kevingbb', 'we"ird\\entry/'] });
    expect(cel.evaluate(celString('a\nb"c'))).toBe('a\nb"c');
  });

  it('an empty list renders an empty literal that type-checks', () => {
    const [, params] = vapPreludeVariables([]);
    expect(params!.expression).toBe('dyn({"repos": []})');
    expect(celJsEnv().check(params!.expression).valid).toBe(true);
  });
});

describe('image facts (charts/policy/allowed-repos-cases.ts IMAGE_FACT_GROUPS): the CEL, under both engines and both admission paths', () => {
  const rows = IMAGE_FACT_GROUPS.flatMap((g) => g.facts.map((f) => [g.name, f.image, g.repos, f] as const));

  it.each(rows)('%s: %j', (_g, image, repos, fact) => {
    const request = create(pod(image));
    const viaGatekeeper = gatekeeper(repos, request);
    const viaVap = vap(repos, request);
    expect(viaGatekeeper.violations.length === 0).toBe(fact.allowed);
    expect(viaVap.response.allowed).toBe(fact.allowed);
    // The TypeScript copy (config/image-rule.ts) agrees.
    expect(imageAllowed(image, repos)).toBe(fact.allowed);
  });
});

describe('image matching agrees with config/image-rule.ts on every entry × image pair', () => {
  const D = DIGEST;
  const entries = GRID_ENTRIES;
  const suffixes = GRID_SUFFIXES;
  const images = [...new Set([...entries.flatMap((e) => suffixes.map((s) => e + s)), 'centos', '', 'x/kevingbb/y', 'KEVINGBB/x', `nginx:1.27@${D}`])];
  const pairs = entries.flatMap((entry) => images.map((image) => [entry, image] as const));

  it(`${pairs.length} pairs, as Gatekeeper evaluates them, under both engines`, () => {
    // A review per entry and batch of 20 images, as containers c0, c1, … of one Pod: the one
    // violation names each offending container, so the denied images are read from it. The
    // whole template runs, as for a single image, at a fifteenth of the cost of a review per
    // pair. Batches keep the message under the 5 KiB after which the static message is used.
    const BATCH = 20;
    const disagreements = entries.flatMap((entry) => {
      const wrong: (readonly [string, string])[] = [];
      for (let start = 0; start < images.length; start += BATCH) {
        const batch = images.slice(start, start + BATCH);
        const review = gatekeeper([entry], create(pod(...batch)));
        const text = review.violations.join('\n');
        const denied = new Set([...text.matchAll(/container "c(\d+)"/g)].map((m) => Number(m[1])));
        if (review.violations.length > 0) expect(denied.size).toBeGreaterThan(0); // not the static fallback
        batch.forEach((image, i) => {
          if (denied.has(i) === imageAllowedBy(image, entry)) wrong.push([entry, image]);
        });
      }
      return wrong;
    });
    expect(disagreements).toEqual([]);
    expect(pairs.length).toBe(entries.length * images.length);
  });

  it('the TypeScript rule on the cases that motivated it', () => {
    expect(imageAllowedBy('kevingbbevil/x', 'kevingbb')).toBe(false);
    expect(imageAllowedBy('docker.io/library/busybox:1.36@' + D, 'docker.io/library/busybox:1.36')).toBe(false);
    expect(imageAllowedBy('docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.36')).toBe(true);
    expect(imageAllowedBy('localhost:5000/app', 'localhost:5000')).toBe(false);
    expect(imageAllowedBy('localhost:5000/app', 'localhost:5000/')).toBe(true);
  });
});

describe('messages', () => {
  it('are one line even when an image or entry holds a line break', () => {
    const review = gatekeeper(['kevingbb', 'bad\nentry', 'bad\rentry'], create(pod('evil/\nx')));
    expect(review.violations).toEqual([
      'container "c0" (spec.containers) has image "(an image name with a line break)", which is not from an allowed repo (allowed: kevingbb, (an entry with a line break), (an entry with a line break))',
    ]);
  });

  it('fail closed with a single message when nothing is allowed', () => {
    expect(gatekeeper([], create(pod('kevingbb/x'))).violations).toEqual([NO_REPOS_MESSAGE]);
    const noParameters = { ...constraintFor([]), spec: { ...constraintFor([]).spec, parameters: undefined } };
    expect(reviewBoth((e) => reviewGatekeeper(e, template, noParameters, create(pod('kevingbb/x')))).violations).toEqual([NO_REPOS_MESSAGE]);
  });

  it('a malformed object is denied, not admitted (evaluation errors are violations)', () => {
    const weird = { ...pod('kevingbb/x'), spec: { containers: 'not-a-list' } };
    expect(gatekeeper(['kevingbb'], create(weird)).violations).toHaveLength(1);
    // The VAP answers an evaluation error with reason Invalid (422): decision.Reason is not set.
    expect(vap(['kevingbb'], create(weird)).response.status).toMatchObject({ code: 422, reason: 'Invalid' });
  });

  it('a message longer than 5 KiB falls back to the static message (validator.go)', () => {
    const images = Array.from({ length: 80 }, (_, i) => `evil.example.com/some/long/repository/path/image-${i}:1.0.0`);
    const review = gatekeeper(['kevingbb'], create(pod(...images)));
    expect(review.violations).toEqual([BAD_IMAGE_MESSAGE]);
  });

  it('the VAP gives the same text as Gatekeeper, behind its own prefix', () => {
    const request = create(pod('centos'));
    const text = 'container "c0" (spec.containers) has image "centos", which is not from an allowed repo (allowed: kevingbb)';
    expect(gatekeeper(['kevingbb'], request).violations).toEqual([text]);
    expect(vap(['kevingbb'], request).response.status).toEqual({
      code: 403,
      reason: 'Forbidden',
      message: `pods "p" is forbidden: ValidatingAdmissionPolicy 'allowed-repos' with binding 'allowed-repos' denied request: ${text}`,
    });
  });
});

describe('DELETE and CONNECT are never judged, whatever reaches the CEL', () => {
  // Neither reaches the rule as configured (the VAP matches CREATE and UPDATE; a CONNECT carries
  // PodExecOptions, which the constraint does not match). The guard in the CEL covers a
  // Gatekeeper installed with enableDeleteOperations, and a constraint someone widened.
  const bad = pod('centos');

  it('Gatekeeper DELETE: anyObject is the old object, and nothing is refused', () => {
    const review = gatekeeper(['kevingbb'], { ...create(bad), operation: 'DELETE', object: null, oldObject: bad });
    expect(review.matched).toBe(true);
    expect(review.violations).toEqual([]);
  });

  it('a CONNECT that carried a Pod would not be refused either', () => {
    expect(gatekeeper(['kevingbb'], { ...create(bad), operation: 'CONNECT' }).violations).toEqual([]);
  });

  it('the same Pod as a CREATE is refused (the guard is what admits the two above)', () => {
    expect(gatekeeper(['kevingbb'], create(bad)).violations).toHaveLength(1);
  });
});

describe('enforcement modes, as each engine answers the client', () => {
  const request = create(pod('centos'));
  const text = 'container "c0" (spec.containers) has image "centos", which is not from an allowed repo (allowed: kevingbb)';

  it('Gatekeeper deny / warn / dryrun (policy.go Handle)', () => {
    expect(gatekeeper(['kevingbb'], request, 'deny').response).toMatchObject({ allowed: false, status: { code: 403 } });
    expect(gatekeeper(['kevingbb'], request, 'warn').response).toEqual({ allowed: true, warnings: [`[allowed-repos] ${text}`], auditAnnotations: {} });
    expect(gatekeeper(['kevingbb'], request, 'audit').response).toEqual({ allowed: true, warnings: [], auditAnnotations: {} });
  });

  it('VAP [Deny] / [Warn] / [Audit] (dispatcher.go)', () => {
    expect(vap(['kevingbb'], request, 'deny').response).toMatchObject({ allowed: false, status: { code: 403 } });
    expect(vap(['kevingbb'], request, 'warn').response).toEqual({
      allowed: true,
      warnings: [`Validation failed for ValidatingAdmissionPolicy 'allowed-repos' with binding 'allowed-repos': ${text}`],
      auditAnnotations: {},
    });
    const audit = vap(['kevingbb'], request, 'audit').response;
    expect(audit.allowed).toBe(true);
    expect(audit.warnings).toEqual([]);
    expect(JSON.parse(audit.auditAnnotations['validation.policy.admission.k8s.io/validation_failure']!)).toEqual([
      { message: text, policy: 'allowed-repos', binding: 'allowed-repos', expressionIndex: 1, validationActions: ['Audit'] },
    ]);
  });
});

describe('the emulations themselves behave as their sources do', () => {
  // Two validations that both fail, with different reasons: what each engine makes of them.
  const twoFailing = [
    { expression: 'false', message: 'first', reason: 'Invalid' },
    { expression: 'false', message: 'second', reason: 'Forbidden' },
  ];
  const vapPolicy = (validations: object[]) => ({
    metadata: { name: 'p' },
    spec: { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] }, validations },
  });
  const binding = (actions: string[]) => ({ metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: actions } });

  it('VAP: the denial is built from the first denied decision only, with its reason and code', () => {
    const review = reviewBoth((e) => reviewVap(e, vapPolicy(twoFailing), binding(['Deny']), create(pod('x'))));
    expect(review.violations).toEqual(['first', 'second']);
    expect(review.response.status).toEqual({
      code: 422,
      reason: 'Invalid',
      message: `pods "p" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b' denied request: first`,
    });
    const reversed = reviewBoth((e) => reviewVap(e, vapPolicy([...twoFailing].reverse()), binding(['Deny']), create(pod('x'))));
    expect(reversed.response.status).toMatchObject({ code: 403, reason: 'Forbidden' });
  });

  it('VAP: Warn warns once per failing validation; a validation without reason answers Invalid', () => {
    const review = reviewBoth((e) => reviewVap(e, vapPolicy(twoFailing), binding(['Warn']), create(pod('x'))));
    expect(review.response.warnings).toHaveLength(2);
    const noReason = reviewBoth((e) => reviewVap(e, vapPolicy([{ expression: 'false' }]), binding(['Deny']), create(pod('x'))));
    expect(noReason.response.status).toMatchObject({ code: 422, reason: 'Invalid', message: expect.stringContaining('failed expression: false') });
  });

  it('Gatekeeper: every failing validation is its own violation, one line each', () => {
    const t = { spec: { targets: [{ code: [{ engine: 'K8sNativeValidation', source: { validations: twoFailing.map(({ reason: _r, ...v }) => v) } }] }] } };
    const constraint = { metadata: { name: 'c' }, spec: {} };
    const review = reviewBoth((e) => reviewGatekeeper(e, t, constraint, create(pod('x'))));
    expect(review.violations).toEqual(['first', 'second']);
    expect(review.response.status!.message).toBe('admission webhook "validation.gatekeeper.sh" denied the request: [c] first\n[c] second');
  });
});
