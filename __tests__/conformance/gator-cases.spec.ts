/**
 * conformance/gator-cases.ts: the objects gator reviews, the reading of `gator verify -v` and
 * `gator test -o json`, and the judging. The fixtures/gator-* files were captured from the real
 * binary (gator v3.23.1, built by `npm run conformance`):
 *   gator-verify-pass.txt   gator verify -v policy-tests/...   (the committed suite)
 *   gator-verify-fail.txt   the same on a copy `pt/` of policy-tests/ with three hand edits: the
 *                           image of samples/allowed-repos/container-allowed.yaml set to centos,
 *                           the pods-only test's template set to missing-template.yaml, and
 *                           constraints/runbook.yaml's repos set to [centos]
 *   gator-test-*.json       gator test -o json -f dist/contosofin/gatekeeper-templates/k8sallowedrepos-template.yaml
 *                           -f <constraint> -f gator-test-objects.yaml, with the committed constraint
 *                           (deny), with its enforcementAction set to warn (warn), and with no
 *                           refused image among the objects (none: gator prints null)
 *   gator-test-fatal-stderr.txt  the same without the template: stdout empty, exit 1
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_CASE_GROUPS, regexGridImages } from '../../charts/policy/allowed-repos-cases';
import {
  PLAIN_CASE_GROUPS,
  UNMATCHED_NAMESPACE,
  caseGroupReviews,
  gridReviews,
  isPlainObjectCase,
  judgeReviews,
  parseTestOutput,
  parseVerifyOutput,
  type Review,
  type TestResult,
} from '../../conformance/gator-cases';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('the grid of a cluster', () => {
  const reviews = gridReviews({ entries: ['kevingbb/', 'myacr.azurecr.io'], alsoFrom: ['reg.io'], namespaces: ['production', 'staging'], action: 'warn' });
  const find = (namespace: string, image: string) =>
    reviews.find((r) => r.ref.namespace === namespace && (r.object as any).spec.containers[0].image === image)!;

  test('one Pod per implied image in every listed namespace and in one outside them', () => {
    // The config's entries, each "/"-entry also without its "/", and the committed entries.
    const images = regexGridImages(['kevingbb/', 'kevingbb', 'myacr.azurecr.io', 'reg.io']);
    expect(reviews).toHaveLength(images.length * 3);
    expect(new Set(reviews.map((r) => r.ref.namespace))).toEqual(new Set(['production', 'staging', UNMATCHED_NAMESPACE]));
    // Every object is told apart by kind, namespace and name, as gator's results name them.
    expect(new Set(reviews.map((r) => `${r.ref.kind} ${r.ref.namespace}/${r.ref.name}`)).size).toBe(reviews.length);
    expect(find('production', 'kevingbb/x').object).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: expect.stringMatching(/^grid-\d+$/), namespace: 'production' },
      spec: { containers: [{ name: 'c', image: 'kevingbb/x' }] },
    });
  });

  test('refused with the configured action exactly where the rule refuses, and never outside the namespaces', () => {
    expect(find('production', 'kevingbb/x').expect).toMatchObject({ violations: 0 });
    expect(find('staging', 'evil.io/kevingbb/x').expect).toMatchObject({ violations: 1, action: 'warn' });
    expect(find('staging', 'myacr.azurecr.io:1').expect).toMatchObject({ violations: 0 });
    expect(find('staging', 'myacr.azurecr.io:5000/x').expect).toMatchObject({ violations: 1 });
    expect(find(UNMATCHED_NAMESPACE, 'evil.io/kevingbb/x').expect).toMatchObject({ violations: 0 });
    // Images from the "/"-less seed and from the committed entries are judged by the config's list.
    expect(find('production', 'kevingbb:1').expect).toMatchObject({ violations: 1 });
    expect(find('production', 'reg.io/x').expect).toMatchObject({ violations: 1 });
  });
});

describe('the case groups as plain objects', () => {
  test('only creates and audits without old object or subresource', () => {
    const all = POLICY_CASE_GROUPS.flatMap((g) => g.cases);
    const plain = all.filter(isPlainObjectCase);
    expect(plain.length).toBeGreaterThan(20);
    expect(plain.length).toBeLessThan(all.length);
    for (const c of plain) expect(c.request?.oldSpec).toBeUndefined();
    expect(plain.map((c) => c.name)).toEqual(expect.arrayContaining(['container-denied', 'all-three-lists-one-message', 'cronjob-denied']));
    expect(plain.map((c) => c.name)).not.toContain('update-image-to-disallowed-denied');
    expect(plain.map((c) => c.name)).not.toContain('ephemeral-container-denied');
  });

  test("each object is the suite's, named after its case, with the case's expectation", () => {
    const group = PLAIN_CASE_GROUPS.find((g) => g.name === 'allowed-repos')!;
    const reviews = caseGroupReviews(group);
    expect(new Set(reviews.map((r) => r.ref.name)).size).toBe(reviews.length);
    const denied = reviews.find((r) => r.label === 'allowed-repos/container-denied')!;
    expect(denied.ref).toEqual({ kind: 'Pod', namespace: 'production', name: 'container-denied' });
    expect((denied.object as any).spec.containers).toEqual([{ name: 'app', image: 'docker.io/library/nginx:1.27' }]);
    expect(denied.expect).toMatchObject({ violations: 1, action: 'deny', includes: [expect.stringContaining('has image "docker.io/library/nginx:1.27"')] });
    const audit = reviews.find((r) => r.label === 'allowed-repos/all-three-lists-one-message')!;
    expect(audit.expect.excludes).toEqual(['image "kevingbb/khbobble:v1"']);
    expect(reviews.find((r) => r.label === 'allowed-repos/cronjob-allowed')!.ref.kind).toBe('CronJob');
  });
});

describe('judging gator test results', () => {
  const pod = (name: string): Review['ref'] => ({ kind: 'Pod', namespace: 'production', name });
  const reviews: Review[] = [
    { object: {}, ref: pod('a'), label: 'A', expect: { violations: 0, why: 'admitted' } },
    { object: {}, ref: pod('b'), label: 'B', expect: { violations: 1, action: 'deny', includes: ['has image "x"'], excludes: ['image "y"'], why: 'refused' } },
    { object: {}, ref: pod('c'), label: 'C', expect: { violations: 1, action: 'deny', why: 'refused' } },
  ];
  const result = (name: string, msg: string, enforcementAction = 'deny'): TestResult => ({ object: pod(name), constraint: 'k', msg, enforcementAction });

  test('agreement is no failure', () => {
    expect(judgeReviews('f', reviews, [result('b', 'container "c" has image "x"'), result('c', 'm')])).toEqual([undefined, undefined, undefined]);
  });

  test("each disagreement names the file, the object, gator's message and what was expected", () => {
    const out = judgeReviews('dist/x/t.yaml', reviews, [result('a', 'has image "a"'), result('b', 'has image "x" and image "y"', 'warn'), result('z', 'stray')]);
    expect(out).toEqual([
      { file: 'dist/x/t.yaml', object: 'A', message: 'gator: [k] (deny) has image "a"\nexpected no violation (admitted)' },
      {
        file: 'dist/x/t.yaml',
        object: 'B',
        message: 'gator: [k] (warn) has image "x" and image "y"\nexpected enforcementAction deny\nexpected the message not to contain "image \\"y\\""',
      },
      { file: 'dist/x/t.yaml', object: 'C', message: 'gator: no violation\nexpected exactly one violation (refused)' },
      { file: 'dist/x/t.yaml', object: 'Pod production/z', message: 'gator: [k] (deny) stray\nexpected no violation on an object that is no case' },
    ]);
  });
});

describe('reading gator verify -v', () => {
  test('a passing run: every case of every test, attributed to its suite file', () => {
    const report = parseVerifyOutput(fixture('gator-verify-pass.txt'));
    expect(report.verdict).toBe('PASS');
    expect(report.errors).toEqual([]);
    expect(report.cases.every((c) => c.error === undefined && c.suite === 'policy-tests/k8sallowedrepos/suite.yaml')).toBe(true);
    // The captured run is of the committed suite: every case of the table, in its test.
    expect(report.cases.map((c) => `${c.test}/${c.name}`).sort()).toEqual(POLICY_CASE_GROUPS.flatMap((g) => g.cases.map((c) => `${g.name}/${c.name}`)).sort());
  });

  test("a failing run: each failing case with gator's own error; a test that could not run with its error", () => {
    const report = parseVerifyOutput(fixture('gator-verify-fail.txt'));
    expect(report.verdict).toBe('FAIL');
    const failed = report.cases.filter((c) => c.error !== undefined);
    expect(failed.map((c) => `${c.suite} ${c.test}/${c.name}`)).toEqual([
      'pt/k8sallowedrepos/suite.yaml allowed-repos/container-allowed',
      'pt/k8sallowedrepos/suite.yaml runbook/centos-in-production-denied',
      'pt/k8sallowedrepos/suite.yaml runbook/bobblehead-allowed',
    ]);
    expect(failed[0].error).toMatch(/^unexpected number of violations: got 1 violations but want none: got messages \[container "app" \(spec\.containers\) has image "centos", which is not/);
    expect(failed[1].error).toBe('unexpected number of violations: got 0 violations but want exactly 1: got messages []');
    expect(report.errors).toEqual([
      { suite: 'pt/k8sallowedrepos/suite.yaml', test: 'pods-only', error: expect.stringMatching(/^reading ConstraintTemplate from ".*missing-template\.yaml": open .*: no such file or directory$/) },
    ]);
    // Cases of other tests still pass.
    expect(report.cases.filter((c) => c.error === undefined).length).toBeGreaterThan(40);
  });

  test('an error that runs over several lines is kept whole', () => {
    const out = ['=== RUN   t', '    === RUN   c', '    --- FAIL: c\t(0.001s)', '        first line', 'second line', '--- FAIL: t\t(0.002s)', 'FAIL\ts.yaml\t0.003s', 'FAIL', ''].join('\n');
    expect(parseVerifyOutput(out).cases).toEqual([{ suite: 's.yaml', test: 't', name: 'c', error: 'first line\nsecond line' }]);
  });
});

describe('reading gator test -o json', () => {
  const objects = { kind: 'Pod', namespace: 'production' };

  test('a deny violation: the object, the constraint, the message and the action', () => {
    expect(parseTestOutput(fixture('gator-test-deny.json'))).toEqual([
      {
        object: { ...objects, name: 'denied' },
        constraint: 'allowed-repos',
        msg: 'container "c" (spec.containers) has image "evil.io/kevingbb/app:1", which is not from an allowed repo (allowed: kevingbb/, cr.l5d.io/linkerd/, gcr.io/linkerd-io/, contosofinacr.azurecr.io/)',
        enforcementAction: 'deny',
      },
    ]);
  });

  test('a warn constraint reports its action; no violation is null', () => {
    expect(parseTestOutput(fixture('gator-test-warn.json')).map((r) => r.enforcementAction)).toEqual(['warn']);
    expect(parseTestOutput(fixture('gator-test-none.json'))).toEqual([]);
  });

  test('a fatal error prints nothing on stdout: no results to read', () => {
    expect(fixture('gator-test-fatal-stderr.txt')).toMatch(/^auditing objects: adding constraint "allowed-repos": missing ConstraintTemplate/);
    expect(() => parseTestOutput('')).toThrow('gator test printed no JSON results: ');
    expect(() => parseTestOutput('{"a":1}')).toThrow('gator test printed object, not a list of results');
  });
});
