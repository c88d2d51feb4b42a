import { App } from 'cdk8s';
import {
  ALLOWED_REPOS_VALIDATIONS,
  ALLOWED_REPOS_VARIABLES,
  GATEKEEPER_INJECTED_VARIABLES,
  NO_REPOS_MESSAGE,
  celString,
  vapPreludeVariables,
} from '../../charts/policy/allowed-repos-cel';
import { AllowedReposTemplateChart } from '../../charts/policy/allowed-repos-template-chart';
import { AllowedReposVapChart } from '../../charts/policy/allowed-repos-vap-chart';
import { imageAllowedBy } from '../../config/image-rule';
import { cel, celSource, gatekeeperEnv, reviewGatekeeper, reviewVap, vapEnv } from './cel-harness';

const template = new AllowedReposTemplateChart(new App({ outdir: '.unused' }), 'template').toJson()[0];
const source = celSource(template);
const vap = new AllowedReposVapChart(new App({ outdir: '.unused' }), 'vap', {
  policy: { engine: 'vap', namespaces: ['production'], allowedRepos: ['kevingbb', 'we"ird\\entry/'], name: 'allowed-repos' },
});
const [vapPolicy, vapBinding] = vap.toJson();

/**
 * The rule's semantics in TypeScript (config/image-rule.ts, which config validation and verify
 * use): the CEL must agree with it on every pair below.
 */
const allowedBy = imageAllowedBy;

const pod = (image: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'production' },
  spec: { containers: [{ name: 'c', image }] },
});
const constraintFor = (repos: readonly string[]) => ({
  spec: { match: { namespaces: ['production'] }, parameters: { repos } },
});

describe('the CEL parses and passes a strict type check', () => {
  // Each expression is parsed on its own so a syntax error names the expression that has it.
  const gatekeeperExpressions = [
    ...source.variables.map((v) => ['variable ' + v.name, v.expression, 'any'] as const),
    ...source.validations.map((v, i) => [`validation ${i}`, v.expression, 'bool'] as const),
    ...source.validations
      .filter((v) => v.messageExpression)
      .map((v, i) => [`messageExpression ${i}`, v.messageExpression!, 'string'] as const),
  ];

  it.each(gatekeeperExpressions)('template %s', (_label, expression, type) => {
    const env = gatekeeperEnv();
    expect(() => env.parse(expression)).not.toThrow();
    const checked = env.check(expression);
    expect(checked.error?.message).toBeUndefined();
    expect(checked.valid).toBe(true);
    if (type !== 'any') expect(String(checked.type)).toBe(type);
  });

  const vapVariables: [string, string][] = vapPolicy.spec.variables.map((v: any) => [v.name, v.expression]);
  it.each(vapVariables)('VAP variable %s', (_name, expression) => {
    const checked = vapEnv().check(expression);
    expect(checked.error?.message).toBeUndefined();
    expect(checked.valid).toBe(true);
  });

  it('a mixed-type list literal is rejected, so the checker is strict about literals', () => {
    expect(gatekeeperEnv().check('["a", 1]').valid).toBe(false);
  });

  it('the template reads neither `object` nor `params` directly, only what Gatekeeper injects', () => {
    // gatekeeperEnv declares only `variables`: any other top-level identifier fails the check above.
    for (const v of source.variables) expect(GATEKEEPER_INJECTED_VARIABLES).not.toContain(v.name);
    expect(source.variables.every((v) => !v.name.startsWith('gatekeeper_internal_'))).toBe(true);
  });
});

describe('one source of truth', () => {
  it('the template ships exactly the shared variables and validations', () => {
    expect(source.variables).toEqual(ALLOWED_REPOS_VARIABLES);
    expect(source.validations).toEqual(ALLOWED_REPOS_VALIDATIONS);
  });

  it('the VAP ships the same program after its own anyObject and params', () => {
    const variables = vapPolicy.spec.variables;
    expect(variables.slice(0, 2).map((v: any) => v.name)).toEqual(['anyObject', 'params']);
    expect(variables.slice(2)).toEqual(ALLOWED_REPOS_VARIABLES);
    expect(vapPolicy.spec.validations).toEqual(ALLOWED_REPOS_VALIDATIONS);
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
    expect(vapEnv().check(params!.expression).valid).toBe(true);
  });
});

describe('image matching agrees with the intended rule', () => {
  const entries = [
    'kevingbb',
    'kevingbb/',
    'myacr.azurecr.io',
    'myacr.azurecr.io/',
    'myacr.azurecr.io/team',
    'docker.io/library/busybox:1.36',
    'nginx@sha256:abc',
    'a',
  ];
  const suffixes = ['', '/x', '/x:1', ':1', ':1.2@sha256:ff', '@sha256:ff', ':5000/x', '@x/y', 'evil/x', '.evil.com/x', '-x', 'x', '//x', '/'];
  const images = [...new Set([...entries.flatMap((e) => suffixes.map((s) => e + s)), 'centos', '', 'x/kevingbb/y', 'KEVINGBB/x'])];
  const pairs = entries.flatMap((entry) => images.map((image) => [entry, image] as const));

  it(`matches ${pairs.length} image/entry pairs exactly like the plain-TypeScript rule`, () => {
    const disagreements = pairs.filter(([entry, image]) => {
      const decision = reviewGatekeeper(template, constraintFor([entry]), pod(image));
      return (decision.messages.length === 0) !== allowedBy(image, entry);
    });
    expect(disagreements).toEqual([]);
  });

  it.each([
    ['kevingbb', 'kevingbbevil/x', false],
    ['myacr.azurecr.io', 'myacr.azurecr.io.evil.com/x', false],
    ['kevingbb', 'kevingbb:5000/x', false],
    ['kevingbb', 'kevingbb/x', true],
    ['kevingbb/', 'kevingbb/x', true],
    ['kevingbb', `kevingbb/x@sha256:${'a'.repeat(64)}`, true],
    ['myacr.azurecr.io', 'myacr.azurecr.io/app:1', true],
    ['docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.36.1', false],
  ])('entry %s, image %s: allowed=%s', (entry, image, allowed) => {
    expect(allowedBy(image, entry)).toBe(allowed);
    expect(reviewGatekeeper(template, constraintFor([entry]), pod(image)).messages.length === 0).toBe(allowed);
  });
});

describe('messages', () => {
  it('are one line even when an image or entry holds a line break', () => {
    const decision = reviewGatekeeper(template, constraintFor(['kevingbb', 'bad\nentry']), pod('evil/\nx'));
    expect(decision.messages).toEqual([
      'container "c" has image "(an image name with a line break)", which is not from an allowed repo (allowed: kevingbb, (an entry with a line break))',
    ]);
  });

  it('fail closed with a single message when nothing is allowed', () => {
    expect(reviewGatekeeper(template, constraintFor([]), pod('kevingbb/x')).messages).toEqual([NO_REPOS_MESSAGE]);
    expect(reviewGatekeeper(template, { spec: {} }, pod('kevingbb/x')).messages).toEqual([NO_REPOS_MESSAGE]);
  });

  it('a malformed object is denied, not admitted (evaluation errors are violations)', () => {
    const weird = { ...pod('kevingbb/x'), spec: { containers: 'not-a-list' } };
    const decision = reviewGatekeeper(template, constraintFor(['kevingbb']), weird);
    expect(decision.messages.length).toBeGreaterThan(0);
  });

  it('the VAP gives the same messages as Gatekeeper', () => {
    const object = pod('centos');
    const viaVap = reviewVap(vapPolicy, vapBinding, object, { operation: 'CREATE', namespace: 'production' });
    const viaGatekeeper = reviewGatekeeper(template, constraintFor(['kevingbb', 'we"ird\\entry/']), object);
    expect(viaVap.messages).toEqual(viaGatekeeper.messages);
    expect(viaVap.messages).toEqual([
      'container "c" has image "centos", which is not from an allowed repo (allowed: kevingbb, we"ird\\entry/)',
    ]);
  });
});
