/**
 * The case table (charts/policy/allowed-repos-cases.ts) run against the synthesized policy:
 * once as Gatekeeper evaluates the template with each group's constraint, once as the API
 * server evaluates the VAP chart rendered from the same group; each under both CEL engines,
 * which must agree (reviewBoth). See cel-harness.ts for what the emulation stands in for.
 */
import { App } from 'cdk8s';
import {
  POLICY_CASE_GROUPS,
  caseAdmission,
  type CaseKind,
  type PolicyCase,
  type PolicyCaseGroup,
} from '../../charts/policy/allowed-repos-cases';
import { POD_KIND, WORKLOAD_KINDS } from '../../charts/policy/allowed-repos-cel';
import { AllowedReposTemplateChart } from '../../charts/policy/allowed-repos-template-chart';
import { AllowedReposVapChart } from '../../charts/policy/allowed-repos-vap-chart';
import { groupConstraint, groupPolicy } from '../../charts/policy/gator-suite';
import { reviewBoth, reviewGatekeeper, reviewVap, type Review } from './cel-harness';
import { imageAllowed } from '../../config/image-rule';

const template = new AllowedReposTemplateChart(new App({ outdir: '.unused' }), 'template').toJson()[0];

const rows = POLICY_CASE_GROUPS.flatMap((group) => group.cases.map((c) => [group.name, c.name, group, c] as const));

const kindOf = (c: PolicyCase): CaseKind => c.object.kind ?? 'Pod';
const operationOf = (c: PolicyCase) => c.request?.operation ?? 'CREATE';
const matchedKinds = (group: PolicyCaseGroup) => ((group.workloads ?? true) ? [POD_KIND, ...WORKLOAD_KINDS] : [POD_KIND]).map((k) => k.kind);
const inScope = (group: PolicyCaseGroup, c: PolicyCase) => group.namespaces.includes(c.object.namespace);

/** What the case promises, in the one violation the rule reports at most. */
function expectViolation(review: Review, c: PolicyCase) {
  expect(review.violations).toHaveLength(c.denied ? 1 : 0);
  const [message = ''] = review.violations;
  for (const fragment of c.messages ?? []) expect(message).toContain(fragment);
  for (const absent of c.notInMessage ?? []) expect(message).not.toContain(absent);
  expect(message).not.toMatch(/[\r\n]/);
}

describe('Gatekeeper: template + constraint (deny), cel-js and @bufbuild/cel agree', () => {
  it.each(rows)('%s / %s', (_g, _c, group, c) => {
    const constraint = groupConstraint(group);
    const review = reviewBoth((engine) => reviewGatekeeper(engine, template, constraint, caseAdmission(c)));
    // Gatekeeper matches the object's own kind: a CONNECT carries PodExecOptions, not a Pod.
    expect(review.matched).toBe(inScope(group, c) && operationOf(c) !== 'CONNECT' && matchedKinds(group).includes(kindOf(c)));
    expectViolation(review, c);
    if (c.denied) {
      expect(review.response).toMatchObject({ allowed: false, status: { code: 403, reason: 'Forbidden' } });
      expect(review.response.status!.message).toBe(
        `admission webhook "validation.gatekeeper.sh" denied the request: [${group.constraintName}] ${review.violations[0]}`,
      );
    } else {
      expect(review.response).toEqual({ allowed: true, warnings: [], auditAnnotations: {} });
    }
  });
});

describe('ValidatingAdmissionPolicy: policy + binding (Deny), cel-js and @bufbuild/cel agree', () => {
  // A VAP sees admission requests only, never Gatekeeper's audit of stored objects.
  const vapRows = rows.filter(([, , , c]) => operationOf(c) !== 'AUDIT');

  it.each(vapRows)('%s / %s', (_g, _c, group, c) => {
    // A group without parameters has no VAP counterpart: the VAP always bakes a list in, so
    // "missing" is rendered as the empty list, which must deny the same way.
    const [policy, binding] = new AllowedReposVapChart(new App({ outdir: '.unused' }), 'vap', {
      policy: { ...groupPolicy(group), engine: 'vap' },
    }).toJson();
    const review = reviewBoth((engine) => reviewVap(engine, policy, binding, caseAdmission(c)));
    const sub = c.request?.subResource;
    expect(review.matched).toBe(
      inScope(group, c) &&
        ['CREATE', 'UPDATE'].includes(operationOf(c)) &&
        (sub === undefined || (sub === 'ephemeralcontainers' && kindOf(c) === 'Pod')) &&
        matchedKinds(group).includes(kindOf(c)),
    );
    expectViolation(review, c);
    if (c.denied) {
      // reason: Forbidden on the validation: 403 like Gatekeeper, not 422.
      expect(review.response).toMatchObject({ allowed: false, status: { code: 403, reason: 'Forbidden' } });
      const resource = caseAdmission(c).resource;
      const qualified = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
      expect(review.response.status!.message).toBe(
        `${qualified} "${c.object.name}" is forbidden: ValidatingAdmissionPolicy '${group.constraintName}' with binding '${group.constraintName}' denied request: ${review.violations[0]}`,
      );
    } else {
      expect(review.response.allowed).toBe(true);
    }
  });
});

describe('azure-policy companion: the VAP that judges image volumes only (the add-on judges containers)', () => {
  // A VAP sees admission requests only. Expected: refused exactly when an image volume the
  // request introduces (per slot: not the same name with the same reference in the old object)
  // is not admitted by the list; containers are never named.
  const vapRows = rows.filter(([, , group, c]) => operationOf(c) !== 'AUDIT' && (group.repos ?? []).some((r) => r !== ''));
  const volumeSlots = (spec: PolicyCase['object']['spec'] | undefined) => (spec?.imageVolumes ?? []).map(([n, r]) => JSON.stringify([n, r ?? '']));

  it.each(vapRows)('%s / %s', (_g, _c, group, c) => {
    const [policy, binding] = new AllowedReposVapChart(new App({ outdir: '.unused' }), 'vap', {
      policy: { ...groupPolicy(group), engine: 'azure-policy' },
      imageVolumesOnly: true,
    }).toJson();
    expect(policy.metadata.name).toBe(`${group.constraintName}-image-volumes`);
    const review = reviewBoth((engine) => reviewVap(engine, policy, binding, caseAdmission(c)));
    const old = new Set(volumeSlots(c.request?.oldSpec));
    const introduced = (c.object.spec.imageVolumes ?? []).filter(([n, r]) => !old.has(JSON.stringify([n, r ?? ''])));
    const judged = review.matched && ['CREATE', 'UPDATE'].includes(operationOf(c));
    const refused = judged && introduced.some(([, r]) => r === undefined || !imageAllowed(r, group.repos!));
    expect(review.violations).toHaveLength(refused ? 1 : 0);
    for (const v of review.violations) {
      expect(v).toMatch(/^volume "/);
      expect(v).not.toContain('container "');
    }
  });
});

describe('the table covers what issue 9 asks for', () => {
  const all = rows.map(([, , group, c]) => ({ group, c }));
  const images = (c: PolicyCase) =>
    [...c.object.spec.containers, ...(c.object.spec.initContainers ?? []), ...(c.object.spec.ephemeralContainers ?? [])].map(([, i]) => i ?? '');
  const some = (pred: (c: PolicyCase, g: PolicyCaseGroup) => boolean) => all.some(({ c, group }) => pred(c, group));

  it.each([
    ['containers', (c: PolicyCase) => c.object.spec.containers.length > 0 && !c.object.spec.initContainers && !c.object.spec.ephemeralContainers],
    ['initContainers', (c: PolicyCase) => !!c.object.spec.initContainers],
    ['ephemeralContainers', (c: PolicyCase) => !!c.object.spec.ephemeralContainers],
    ['image volumes', (c: PolicyCase) => !!c.object.spec.imageVolumes],
  ])('%s: an allowed and a denied case', (_list, uses) => {
    expect(some((c) => uses(c) && !c.denied)).toBe(true);
    expect(some((c) => uses(c) && c.denied)).toBe(true);
  });

  it('UPDATE: an old non-compliant object relabelled (admitted), an image changed and kubectl debug on it (denied)', () => {
    const oldHasBad = (c: PolicyCase) => (c.request?.oldSpec?.containers ?? []).some(([, i]) => i === 'centos');
    expect(some((c) => operationOf(c) === 'UPDATE' && !c.request?.subResource && oldHasBad(c) && !c.denied)).toBe(true);
    expect(some((c) => operationOf(c) === 'UPDATE' && !c.request?.subResource && c.denied)).toBe(true);
    expect(some((c) => c.request?.subResource === 'ephemeralcontainers' && oldHasBad(c) && c.denied)).toBe(true);
    expect(some((c) => c.request?.subResource === 'ephemeralcontainers' && oldHasBad(c) && !c.denied)).toBe(true);
    expect(some((c) => c.request?.subResource === 'status' && !c.denied)).toBe(true);
  });

  it('issue 17: image volumes on every workload kind; per-slot updates; kubectl debug with a borrowed image', () => {
    for (const k of WORKLOAD_KINDS) expect(some((c) => kindOf(c) === k.kind && !!c.object.spec.imageVolumes && c.denied)).toBe(true);
    // An image the old object runs elsewhere is no pass in another slot.
    const oldImages = (c: PolicyCase) => new Set([...(c.request?.oldSpec?.containers ?? []), ...(c.request?.oldSpec?.initContainers ?? [])].map(([, i]) => i));
    const borrows = (c: PolicyCase) => [...c.object.spec.containers, ...(c.object.spec.ephemeralContainers ?? []), ...(c.object.spec.imageVolumes ?? [])].some(([, i]) => oldImages(c).has(i));
    expect(some((c) => operationOf(c) === 'UPDATE' && !c.request?.subResource && borrows(c) && c.denied)).toBe(true);
    expect(some((c) => c.request?.subResource === 'ephemeralcontainers' && borrows(c) && c.denied)).toBe(true);
    expect(some((c) => operationOf(c) === 'UPDATE' && !!c.request?.oldSpec?.imageVolumes && !c.denied)).toBe(true);
  });

  it('DELETE and CONNECT of a non-compliant Pod are never refused', () => {
    for (const op of ['DELETE', 'CONNECT'] as const) {
      const cases = all.filter(({ c }) => operationOf(c) === op);
      expect(cases.length).toBeGreaterThan(0);
      for (const { c } of cases) expect(c.denied).toBe(false);
    }
  });

  it('every workload kind is denied with its container path, and a Deployment admitted', () => {
    for (const k of WORKLOAD_KINDS) {
      const hit = all.find(({ c }) => kindOf(c) === k.kind && c.denied);
      expect(hit).toBeDefined();
      expect((hit!.c.messages ?? []).join()).toContain(`(${k.podSpecPath}.`);
    }
    expect(some((c) => kindOf(c) === 'Deployment' && !c.denied)).toBe(true);
    expect(some((c, g) => g.workloads === false && kindOf(c) !== 'Pod' && !c.denied)).toBe(true);
  });

  it('one message names several lists; a line break in an image or a name (\\n and \\r) is replaced', () => {
    expect(some((c) => c.denied && (c.messages ?? []).some((m) => m.includes('(spec.containers)') && m.includes('(spec.initContainers)')))).toBe(true);
    expect(some((c) => images(c).some((i) => i.includes('\n')))).toBe(true);
    expect(some((c) => images(c).some((i) => i.includes('\r')))).toBe(true);
    expect(some((c) => c.object.spec.containers.some(([n]) => n.includes('\r')))).toBe(true);
  });

  it('fail-closed parameters and Pods outside the namespaces', () => {
    expect(some((_c, g) => g.repos === undefined)).toBe(true);
    expect(some((_c, g) => g.repos?.length === 0)).toBe(true);
    expect(some((_c, g) => !!g.repos?.includes(''))).toBe(true);
    expect(some((c, g) => !g.namespaces.includes(c.object.namespace))).toBe(true);
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
