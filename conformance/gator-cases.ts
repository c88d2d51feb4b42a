/**
 * What gator judges (conformance/gator.ts), as data: the objects `gator test` reviews against a
 * cluster's committed ConstraintTemplate and constraint, each with the answer our model gives,
 * and the reading of gator's two outputs (`gator verify -v`, `gator test -o json`). Pure: the
 * suite reads the files and runs gator. Read from gatekeeper v3.23.1 (the Go module's source):
 * cmd/gator/test/test.go, cmd/gator/verify/verify.go, pkg/gator/test/{test,types}.go,
 * pkg/gator/verify/{printer_go,result,assertion}.go.
 */
import { POLICY_CASE_GROUPS, listGridImages, objectManifest, type PolicyCase, type PolicyCaseGroup } from '../charts/policy/allowed-repos-cases';
import { gatorObject } from '../charts/policy/gator-suite';
import { imageAllowed } from '../config/image-rule';
import type { Failure } from './suite';

// ---- gator verify -v ---------------------------------------------------------------------------

export interface VerifyCaseResult {
  readonly suite: string;
  readonly test: string;
  readonly name: string;
  /** gator's error for a failing case (why the assertion failed, or why it could not run). */
  readonly error?: string;
}

export interface VerifyReport {
  readonly cases: readonly VerifyCaseResult[];
  /** A test (template + constraint) or a suite file that failed as a whole, with gator's error. */
  readonly errors: ReadonlyArray<{ readonly suite: string; readonly test?: string; readonly error: string }>;
  /** gator's last line: PASS or FAIL (undefined when it printed neither). */
  readonly verdict?: 'PASS' | 'FAIL';
}

const CASE_RUN = /^ {4}=== RUN {3}(.*)$/;
const CASE_END = /^ {4}--- (PASS|FAIL): (.*)\t\([^)]*\)$/;
const TEST_RUN = /^=== RUN {3}(.*)$/;
const TEST_END = /^--- (PASS|FAIL): (.*)\t\([^)]*\)$/;
const SUITE_END = /^(ok|FAIL)\t(.*)\t[^\t]*$/;
const SKIP = /^( {4})?=== SKIP {2}/;
const PRINT = /^ {8}=== PRINT ===$/;

/**
 * Reads `gator verify -v` output (pkg/gator/verify/printer_go.go PrinterGo): per test
 * `=== RUN   <test>`, per case `    === RUN   <case>` and `    --- PASS|FAIL: <case>\t(<time>)`,
 * a failing case's error on the next line indented by 8 spaces, `--- PASS|FAIL: <test>\t(<time>)`
 * with a test's own error indented by 2, then `ok|FAIL\t<suite file>\t<time>` (a suite's error
 * indented by 2) after the suite's tests, and PASS or FAIL last. An error runs on until the next
 * line gator itself writes (an error text may hold line breaks).
 */
export function parseVerifyOutput(stdout: string): VerifyReport {
  const cases: Array<Omit<VerifyCaseResult, 'suite'>> = [];
  const errors: Array<{ suite?: string; test?: string; error: string }> = [];
  const done: VerifyCaseResult[] = [];
  const doneErrors: Array<{ suite: string; test?: string; error: string }> = [];
  let verdict: 'PASS' | 'FAIL' | undefined;
  let test = '';
  /** Where the lines of an error go: the last failed case, test or suite. */
  let collecting: { error: string } | undefined;
  const lines = stdout.split('\n');
  for (const line of lines) {
    let m: RegExpExecArray | null;
    const structural = CASE_RUN.test(line) || CASE_END.test(line) || TEST_RUN.test(line) || TEST_END.test(line) || SUITE_END.test(line) || SKIP.test(line) || PRINT.test(line) || line === 'PASS' || line === 'FAIL';
    if (!structural) {
      if (collecting && line !== '') collecting.error = collecting.error === '' ? line.trim() : `${collecting.error}\n${line}`;
      continue;
    }
    collecting = undefined;
    if ((m = TEST_RUN.exec(line))) test = m[1];
    else if ((m = CASE_END.exec(line))) {
      const c = { test, name: m[2], ...(m[1] === 'FAIL' ? { error: '' } : {}) };
      cases.push(c);
      if (m[1] === 'FAIL') collecting = c as { error: string };
    } else if ((m = TEST_END.exec(line))) {
      if (m[1] === 'FAIL') {
        const e = { test: m[2], error: '' };
        errors.push(e);
        collecting = e;
      }
    } else if ((m = SUITE_END.exec(line))) {
      const suite = m[2];
      done.push(...cases.splice(0).map((c) => ({ suite, ...c })));
      doneErrors.push(...errors.splice(0).map((e) => ({ ...e, suite })));
      if (m[1] === 'FAIL') {
        const e = { suite, error: '' };
        doneErrors.push(e);
        collecting = e;
      }
    } else if (line === 'PASS' || line === 'FAIL') verdict = line;
  }
  // A test fails as a whole when one of its cases failed; only its own error is kept.
  const own = doneErrors.filter((e) => e.error !== '');
  return { cases: done, errors: own, ...(verdict ? { verdict } : {}) };
}

// ---- gator test -o json ------------------------------------------------------------------------

export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface TestResult {
  /** The object gator found in violation. */
  readonly object: ObjectRef;
  /** The constraint's name. */
  readonly constraint: string;
  readonly msg: string;
  readonly enforcementAction: string;
}

export const refKey = (r: ObjectRef) => `${r.kind} ${r.namespace}/${r.name}`;

function refOf(o: unknown): ObjectRef {
  const obj = (o ?? {}) as { kind?: string; metadata?: { namespace?: string; name?: string } };
  return { kind: obj.kind ?? '', namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
}

/**
 * Reads `gator test -o json`: a JSON array of results (`null` when there are none), each
 * types.Result (`target`, `msg`, `metadata`, `constraint`, `enforcementAction`, `scopedActions`)
 * plus `violatingObject` and `trace` (pkg/gator/test/types.go GatorResult). gator exits 1 both
 * when a deny constraint is violated and on a fatal error (cmd/gator/test/test.go: ErrFatalf), so
 * output that is not that array is the error.
 */
export function parseTestOutput(stdout: string): TestResult[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new Error(`gator test printed no JSON results: ${stdout.slice(0, 2000)}`);
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) throw new Error(`gator test printed ${typeof parsed}, not a list of results: ${stdout.slice(0, 2000)}`);
  return parsed.map((r: { violatingObject?: unknown; constraint?: { metadata?: { name?: string } }; msg?: string; enforcementAction?: string }) => ({
    object: refOf(r.violatingObject),
    constraint: r.constraint?.metadata?.name ?? '',
    msg: r.msg ?? '',
    enforcementAction: r.enforcementAction ?? '',
  }));
}

// ---- objects to review -------------------------------------------------------------------------

export interface Expectation {
  /** 0: admitted; 1: exactly one violation. */
  readonly violations: 0 | 1;
  /** The constraint's enforcementAction gator must report with the violation. */
  readonly action?: string;
  /** Literal fragments the message must contain, and must not. */
  readonly includes?: readonly string[];
  readonly excludes?: readonly string[];
  /** Why, for the failure message. */
  readonly why: string;
}

export interface Review {
  readonly object: Record<string, unknown>;
  readonly ref: ObjectRef;
  /** What the reader looks for in the case table or the grid. */
  readonly label: string;
  readonly expect: Expectation;
}

function review(object: Record<string, unknown>, label: string, expect: Expectation): Review {
  return { object, ref: refOf(object), label, expect };
}

/** A namespace no cluster lists: Pods there are outside the constraint's match. */
export const UNMATCHED_NAMESPACE = 'aks-day2-conformance-unmatched';

export interface GridInput {
  /** policy.allowedRepos of the cluster's config (what the constraint should carry). */
  readonly entries: readonly string[];
  /** More entries to build images from (the committed constraint's repos), judged by `entries`. @default none */
  readonly alsoFrom?: readonly string[];
  /** policy.namespaces of the cluster's config. */
  readonly namespaces: readonly string[];
  /** The enforcementAction the config asks for (charts/policy/enforcement.ts). */
  readonly action: string;
}

/**
 * One Pod per image the cluster's allow-list implies (listGridImages of the config's entries and
 * of the committed ones, so an edit to either side shows), in every namespace the config lists
 * (refused exactly when config/image-rule.ts refuses the image under the config's entries) and in
 * one it does not (never judged).
 */
export function gridReviews(input: GridInput): Review[] {
  const images = listGridImages([...new Set([...input.entries, ...(input.alsoFrom ?? [])])]);
  const out: Review[] = [];
  const namespaces = [...input.namespaces, ...(input.namespaces.includes(UNMATCHED_NAMESPACE) ? [] : [UNMATCHED_NAMESPACE])];
  for (const namespace of namespaces) {
    const matched = namespace !== UNMATCHED_NAMESPACE;
    images.forEach((image, i) => {
      const allowed = imageAllowed(image, input.entries);
      const object = objectManifest({ name: `grid-${i}`, namespace, spec: { containers: [['c', image]] } });
      const label = `Pod ${namespace}/grid-${i} with image ${JSON.stringify(image)}`;
      out.push(
        review(
          object,
          label,
          !matched
            ? { violations: 0, why: `namespace ${namespace} is not in policy.namespaces` }
            : allowed
              ? { violations: 0, why: 'config/image-rule.ts admits the image' }
              : { violations: 1, action: input.action, why: 'config/image-rule.ts refuses the image' },
        ),
      );
    });
  }
  return out;
}

/** A case gator can review as a plain object (a CREATE or an audit: no request, no old object). */
export function isPlainObjectCase(c: PolicyCase): boolean {
  const r = c.request ?? { operation: 'CREATE' };
  return (r.operation === 'CREATE' || r.operation === 'AUDIT') && !r.subResource && !r.oldSpec;
}

/**
 * A group's plain-object cases as gator's reviews. Each object is the one the gator suite renders
 * (charts/policy/gator-suite.ts gatorObject), renamed after its case: several cases review an
 * object of the same kind, namespace and name ("app" in production), and gator's results name
 * the object by those (the rule reads no object name).
 */
export function caseGroupReviews(group: PolicyCaseGroup, action = 'deny'): Review[] {
  return group.cases.filter(isPlainObjectCase).map((c) => {
    const rendered = gatorObject(c, 'unused') as { kind?: string; metadata: Record<string, unknown> };
    if (rendered.kind === 'AdmissionReview') throw new Error(`${group.name}/${c.name} renders as an AdmissionReview, not a plain object`);
    const object = { ...rendered, metadata: { ...rendered.metadata, name: c.name } };
    const expect: Expectation = c.denied
      ? { violations: 1, action, includes: c.messages ?? [], excludes: c.notInMessage ?? [], why: c.description }
      : { violations: 0, why: c.description };
    return review(object, `${group.name}/${c.name}`, expect);
  });
}

/** Every group of the case table with plain-object cases. */
export const PLAIN_CASE_GROUPS = POLICY_CASE_GROUPS.filter((g) => g.cases.some(isPlainObjectCase));

/**
 * Each review's outcome against gator's results: a failure names the file, the object, gator's
 * own messages and what was expected. A result for an object that was not sent (the template,
 * the constraint) is a failure too.
 */
export function judgeReviews(file: string, reviews: readonly Review[], results: readonly TestResult[]): Array<Failure | undefined> {
  const byObject = new Map<string, TestResult[]>();
  for (const r of results) byObject.set(refKey(r.object), [...(byObject.get(refKey(r.object)) ?? []), r]);
  const sent = new Set(reviews.map((r) => refKey(r.ref)));
  const outcomes = reviews.map((rv): Failure | undefined => {
    const got = byObject.get(refKey(rv.ref)) ?? [];
    const said = got.length === 0 ? 'gator: no violation' : got.map((g) => `gator: [${g.constraint}] (${g.enforcementAction}) ${g.msg}`).join('\n');
    const problems: string[] = [];
    if (got.length !== rv.expect.violations) problems.push(`expected ${rv.expect.violations === 0 ? 'no violation' : 'exactly one violation'} (${rv.expect.why})`);
    if (rv.expect.violations === 1 && got.length === 1) {
      const [g] = got;
      if (rv.expect.action && g.enforcementAction !== rv.expect.action) problems.push(`expected enforcementAction ${rv.expect.action}`);
      for (const s of rv.expect.includes ?? []) if (!g.msg.includes(s)) problems.push(`expected the message to contain ${JSON.stringify(s)}`);
      for (const s of rv.expect.excludes ?? []) if (g.msg.includes(s)) problems.push(`expected the message not to contain ${JSON.stringify(s)}`);
    }
    return problems.length === 0 ? undefined : { file, object: rv.label, message: `${said}\n${problems.join('\n')}` };
  });
  for (const [key, got] of byObject) {
    if (!sent.has(key)) outcomes.push({ file, object: key, message: got.map((g) => `gator: [${g.constraint}] (${g.enforcementAction}) ${g.msg}`).join('\n') + '\nexpected no violation on an object that is no case' });
  }
  return outcomes;
}
