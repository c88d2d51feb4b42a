/**
 * The case table (charts/policy/allowed-repos-cases.ts) run against the synthesized policy:
 * once as Gatekeeper evaluates the template with each group's constraint, once as the API
 * server evaluates the VAP chart rendered from the same group. See cel-harness.ts for what
 * the emulation stands in for.
 */
import { App } from 'cdk8s';
import { POLICY_CASE_GROUPS, podManifest, type PolicyCase } from '../../charts/policy/allowed-repos-cases';
import { AllowedReposTemplateChart } from '../../charts/policy/allowed-repos-template-chart';
import { AllowedReposVapChart } from '../../charts/policy/allowed-repos-vap-chart';
import { escapeRegExp, groupConstraint, groupPolicy } from '../../charts/policy/gator-suite';
import { reviewGatekeeper, reviewVap, type Decision } from './cel-harness';

const template = new AllowedReposTemplateChart(new App({ outdir: '.unused' }), 'template').toJson()[0];

const rows = POLICY_CASE_GROUPS.flatMap((group) => group.cases.map((c) => [group.name, c.name, group, c] as const));

/** What a case promises, checked the way gator checks it (messages as escaped regexes). */
function expectDecision(decision: Decision, c: PolicyCase) {
  expect(decision.messages).toHaveLength(c.violations);
  for (const fragment of c.messages ?? []) {
    const re = new RegExp(escapeRegExp(fragment));
    expect(decision.messages.filter((m) => re.test(m))).toHaveLength(1);
  }
  for (const m of decision.messages) expect(m).not.toMatch(/[\r\n]/);
}

describe('Gatekeeper: template + constraint', () => {
  it.each(rows)('%s / %s', (_g, _c, group, c) => {
    const decision = reviewGatekeeper(template, groupConstraint(group), podManifest(c.pod));
    expectDecision(decision, c);
    // A Pod outside the constrained namespaces is never reviewed: proven by the match, not the CEL.
    expect(decision.matched).toBe(group.namespaces.includes(c.pod.namespace));
  });
});

describe('ValidatingAdmissionPolicy: policy + binding', () => {
  it.each(rows)('%s / %s', (_g, _c, group, c) => {
    // A group without parameters has no VAP counterpart: the VAP always bakes a list in, so
    // "missing" is rendered as the empty list, which must deny the same way.
    const [policy, binding] = new AllowedReposVapChart(new App({ outdir: '.unused' }), 'vap', {
      policy: { ...groupPolicy(group), engine: 'vap' },
    }).toJson();
    const request = { operation: c.request?.operation ?? 'CREATE', subResource: c.request?.subResource, namespace: c.pod.namespace } as const;
    const decision = reviewVap(policy, binding, podManifest(c.pod), request);
    expectDecision(decision, c);
    expect(decision.matched).toBe(group.namespaces.includes(c.pod.namespace));
  });
});

describe('the table covers what the issue asks for', () => {
  const all = rows.map(([, , group, c]) => ({ group, c }));
  const images = (c: PolicyCase) =>
    [...c.pod.containers, ...(c.pod.initContainers ?? []), ...(c.pod.ephemeralContainers ?? [])].map(([, i]) => i ?? '');

  it.each([
    ['containers', (c: PolicyCase) => c.pod.containers.length > 0 && !c.pod.initContainers && !c.pod.ephemeralContainers],
    ['initContainers', (c: PolicyCase) => !!c.pod.initContainers],
    ['ephemeralContainers', (c: PolicyCase) => !!c.pod.ephemeralContainers],
  ])('%s: an allowed and a denied case', (_list, uses) => {
    expect(all.some(({ c }) => uses(c) && c.violations === 0)).toBe(true);
    expect(all.some(({ c }) => uses(c) && c.violations > 0)).toBe(true);
  });

  it('every bypass, digest pins, Linkerd and fail-closed parameters', () => {
    const denied = (image: string) => all.some(({ c }) => c.violations > 0 && images(c).includes(image));
    expect(denied('kevingbbevil/x:1')).toBe(true);
    expect(denied('myacr.azurecr.io.evil.com/x:1')).toBe(true);
    expect(all.some(({ c }) => c.violations === 0 && images(c).some((i) => i.includes('@sha256:')))).toBe(true);
    expect(all.some(({ c }) => c.violations > 0 && images(c).some((i) => i.includes('@sha256:')))).toBe(true);
    expect(all.some(({ c }) => c.violations === 0 && images(c).some((i) => i.startsWith('cr.l5d.io/linkerd/proxy')))).toBe(true);
    expect(all.some(({ c }) => c.violations > 0 && images(c).some((i) => i.startsWith('gcr.io/linkerd-io/proxy-init')))).toBe(true);
    expect(all.some(({ group }) => group.repos === undefined)).toBe(true);
    expect(all.some(({ group }) => group.repos?.length === 0)).toBe(true);
    expect(all.some(({ group }) => group.repos?.includes(''))).toBe(true);
    expect(all.some(({ group, c }) => !group.namespaces.includes(c.pod.namespace))).toBe(true);
  });

  it('case and group names are unique and file-name safe', () => {
    const groups = POLICY_CASE_GROUPS.map((g) => g.name);
    expect(new Set(groups).size).toBe(groups.length);
    for (const g of POLICY_CASE_GROUPS) {
      const names = g.cases.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
      for (const n of [g.name, ...names]) expect(n).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });
});
