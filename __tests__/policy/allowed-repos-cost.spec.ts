/**
 * Runtime cost of the rule against the budgets it runs under (k8s.io/apiserver
 * pkg/apis/cel/config.go): a VAP expression may spend 1,000,000 (PerCallLimit) and a binding
 * 10,000,000 (RuntimeCELCostBudget); Gatekeeper's driver passes PerCallLimit as the budget of a
 * whole constraint evaluation (gatekeeper pkg/drivers/k8scel/driver.go Query), so 1,000,000 for
 * all variables and validations together is the limit that binds.
 *
 * What is measured: every function and operator call @bufbuild/cel makes, priced as cel-go's
 * interpreter/runtimecost.go prices calls (1 each; plus 0.1 per byte for startsWith, endsWith,
 * string +, string ==, and the strings extension's substring, lastIndexOf and join; contains
 * costs the product of both sides' ceil(0.1 × (1 + bytes)); `in` on a list costs its length).
 * cel-go also charges 1 per identifier or field read and 10 per list literal, which this does
 * not see; no call here reads more than three names or fields, so 4 × the measured cost bounds
 * what cel-go would charge. An estimate with a stated margin, not cel-go's own counter.
 */
import { App } from 'cdk8s';
import { objectManifest } from '../../charts/policy/allowed-repos-cases';
import { AllowedReposConstraintChart } from '../../charts/policy/allowed-repos-constraint-chart';
import { AllowedReposTemplateChart } from '../../charts/policy/allowed-repos-template-chart';
import { bufbuildEngine, reviewGatekeeper, type AdmissionRequest } from './cel-harness';

const PER_CALL_LIMIT = 1_000_000;
const MARGIN = 4;

const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0);
const size = (v: unknown) => (v && typeof v === 'object' && 'size' in v ? Number((v as { size: number }).size) : 0);

function callCost(name: string, target: unknown, args: readonly unknown[]): number {
  const [a, b] = target === undefined ? args : [target, ...args];
  const tenth = (n: number) => Math.ceil(n * 0.1);
  switch (name) {
    case 'startsWith':
    case 'endsWith':
    case 'substring':
    case 'lastIndexOf':
      return 1 + tenth(bytes(a));
    case 'contains':
      return 1 + tenth(1 + bytes(a)) * tenth(1 + bytes(b));
    case '_+_':
      return 1 + tenth(bytes(a) + bytes(b));
    case '_==_':
    case '_!=_':
      return 1 + tenth(Math.min(bytes(a), bytes(b)));
    case '@in':
      return 1 + size(b);
    case 'join':
      return 1 + tenth([...((a as Iterable<unknown>) ?? [])].reduce((n: number, s) => n + bytes(s), 0));
    default:
      return 1;
  }
}

function measure(repos: readonly string[], request: AdmissionRequest): { cost: number; calls: number; violations: number } {
  let cost = 0;
  let calls = 0;
  const engine = bufbuildEngine((name, target, args) => {
    calls++;
    cost += callCost(name, target, args);
  });
  const template = new AllowedReposTemplateChart(new App({ outdir: '.unused' }), 't').toJson()[0];
  const constraint = new AllowedReposConstraintChart(new App({ outdir: '.unused' }), 'c', {
    policy: { engine: 'gatekeeper', namespaces: ['production'], allowedRepos: repos, name: 'allowed-repos', workloads: true, enforcement: 'deny' },
  }).toJson()[0];
  const review = reviewGatekeeper(engine, template, constraint, request);
  return { cost, calls, violations: review.violations.length };
}

const containers = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => [`${prefix}-${i}`, `registry.example.com/team-${i}/${prefix}-image-${i}:1.2.${i}`] as const);
const request = (spec: Parameters<typeof objectManifest>[1], old?: Parameters<typeof objectManifest>[1]): AdmissionRequest => {
  const input = { name: 'big', namespace: 'production', spec: spec! };
  return {
    operation: old ? 'UPDATE' : 'CREATE',
    object: objectManifest(input),
    oldObject: old ? objectManifest(input, old) : null,
    namespace: 'production',
    name: 'big',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
  };
};

/** Entries of every kind, long ones: the linear factor of the rule. */
const repos = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    i % 4 === 0 ? `myregistry${i}.azurecr.io/` : i % 4 === 1 ? `myregistry${i}.azurecr.io` : i % 4 === 2 ? `docker.io/library/tool-${i}:1.${i}` : `ghcr.io/org-${i}/app-${i}`,
  );

describe('runtime cost (estimated, see the file comment) stays far inside the budget', () => {
  test("the runbook's Pod: a few hundred", () => {
    const m = measure(['kevingbb'], request({ containers: [['centosprod', 'centos']] }));
    expect(m.violations).toBe(1);
    expect(m.cost * MARGIN).toBeLessThan(2_000);
  });

  test('a large case: 60 new containers in three lists, 40 entries, an update over 60 old images', () => {
    const spec = { containers: containers('c', 30), initContainers: containers('i', 20), ephemeralContainers: containers('e', 10) };
    const old = { containers: containers('old', 60) };
    const m = measure(repos(40), request(spec, old));
    expect(m.violations).toBe(1);
    // Measured: recorded in the README ("Cost"); the bound is what matters.
    expect(m.cost * MARGIN).toBeLessThan(PER_CALL_LIMIT / 2);
  });

  test('linear in containers × entries: doubling either roughly doubles the cost', () => {
    const spec = (n: number) => ({ containers: containers('c', n) });
    const base = measure(repos(20), request(spec(20))).cost;
    const moreContainers = measure(repos(20), request(spec(40))).cost;
    const moreEntries = measure(repos(40), request(spec(20))).cost;
    for (const c of [moreContainers, moreEntries]) {
      expect(c / base).toBeGreaterThan(1.6);
      expect(c / base).toBeLessThan(2.4);
    }
  });
});
