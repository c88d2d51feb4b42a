/**
 * The committed gator suite (policy-tests/k8sallowedrepos/) is what the generator renders from
 * the case table, and every assertion in it holds under the jest evaluator. gator itself cannot
 * run here; this makes `gator verify` and jest two readers of one specification.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { POLICY_CASE_GROUPS } from '../../charts/policy/allowed-repos-cases';
import { GATOR_SUITE_DIR, renderGatorSuite } from '../../charts/policy/gator-suite';
import { reviewBoth, reviewGatekeeper, type AdmissionRequest } from './cel-harness';

const root = join(__dirname, '..', '..');
const dir = join(root, GATOR_SUITE_DIR);
const REGENERATE = 'run `npm run gator-suite` to regenerate it';
/** The AdmissionRequest (admission.k8s.io/v1) fields; gator refuses unknown ones. */
const GATOR_REQUEST_FIELDS = ['uid', 'kind', 'resource', 'subResource', 'requestKind', 'requestResource', 'requestSubResource', 'name', 'namespace', 'operation', 'userInfo', 'object', 'oldObject', 'dryRun', 'options'];

const listFiles = (d: string): string[] =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(d, e.name)) : [relative(dir, join(d, e.name))],
  );
const read = (path: string) => readFileSync(join(dir, path), 'utf8');

describe('committed gator suite', () => {
  const rendered = renderGatorSuite();

  it(`holds exactly the generated files (${REGENERATE})`, () => {
    expect(listFiles(dir).sort()).toEqual([...rendered.keys()].sort());
  });

  it.each([...rendered.keys()])(`%s is up to date (${REGENERATE})`, (path) => {
    expect(read(path)).toBe(rendered.get(path));
  });

  const suite = parse(read('suite.yaml'));
  const cases: [string, string, any, any][] = suite.tests.flatMap((t: any) => t.cases.map((c: any) => [t.name, c.name, t, c]));

  it('is a gator Suite', () => {
    expect(suite.kind).toBe('Suite');
    expect(suite.apiVersion).toBe('test.gatekeeper.sh/v1alpha1');
  });

  it('has one test per case group and one case per table case, nothing else', () => {
    expect(suite.tests.map((t: any) => t.name)).toEqual(POLICY_CASE_GROUPS.map((g) => g.name));
    for (const [i, t] of suite.tests.entries()) {
      expect(t.cases.map((c: any) => c.name)).toEqual(POLICY_CASE_GROUPS[i]!.cases.map((c) => c.name));
    }
  });

  /**
   * What gator reviews, from a sample file: an AdmissionReview's request as it is (runner.go
   * validateAndReviewAdmissionReviewRequest), or a plain object as Gatekeeper's audit sees it,
   * without operation or oldObject (target.go unstructuredToAdmissionRequest).
   */
  const requestOf = (sample: any): AdmissionRequest => {
    if (sample.kind === 'AdmissionReview') {
      expect(sample.apiVersion).toBe('admission.k8s.io/v1');
      const r = sample.request;
      expect(Object.keys(r).every((k) => GATOR_REQUEST_FIELDS.includes(k))).toBe(true);
      return { ...r, object: r.object ?? null, oldObject: r.oldObject ?? null };
    }
    const [group, version] = sample.apiVersion.includes('/') ? sample.apiVersion.split('/') : ['', sample.apiVersion];
    return {
      operation: '',
      object: sample,
      oldObject: null,
      name: sample.metadata.name,
      namespace: sample.metadata.namespace,
      kind: { group, version, kind: sample.kind },
      resource: { group, version, resource: `${sample.kind.toLowerCase()}s` },
    };
  };

  it('update, delete, connect and subresource cases are AdmissionReviews, the rest plain objects', () => {
    const kinds = cases.map(([, , , c]) => parse(read(c.object)).kind);
    expect(kinds.filter((k) => k === 'AdmissionReview').length).toBeGreaterThan(10);
    expect(kinds.filter((k) => k !== 'AdmissionReview').length).toBeGreaterThan(20);
  });

  // Read back from disk and evaluated: the suite's own files, its own assertions.

  it.each(cases)('%s / %s: its assertions hold under the jest evaluator', (_t, _c, test, c) => {
    const template = parse(read(test.template));
    const constraint = parse(read(test.constraint));
    const { violations: messages } = reviewBoth((engine) => reviewGatekeeper(engine, template, constraint, requestOf(parse(read(c.object)))));
    expect(c.assertions.length).toBeGreaterThan(0);
    for (const a of c.assertions) {
      const matching = a.message === undefined ? messages : messages.filter((m: string) => new RegExp(a.message).test(m));
      if (a.violations === 'no') expect(matching).toHaveLength(0);
      else if (a.violations === 'yes' || a.violations === undefined) expect(matching.length).toBeGreaterThan(0);
      else expect(matching).toHaveLength(a.violations);
    }
  });
});
