import type { CheckResult } from './runner';

/**
 * How results are shown: one line per check on stdout (status, id, expected, got, elapsed),
 * detail lines indented under it, and a JUnit XML file for CI.
 */

const MARK = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', 'not-applicable': 'SKIP' } as const;

/** Text from the server (messages, logs) on one printable line: no terminal escapes, no line breaks. */
export function printable(text: string): string {
  return text
    .replace(/\r?\n/g, '; ')
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f]/g, ' ');
}

export function resultLines(r: CheckResult): string[] {
  const time = r.status === 'skipped' || r.status === 'not-applicable' ? '' : ` (${(r.elapsedMs / 1000).toFixed(2)} s)`;
  const head = `${MARK[r.status]} ${r.id.padEnd(16)} expected: ${printable(r.expected)} | got: ${printable(r.got)}${time}`;
  return [head, ...r.details.map((d) => `     ${printable(d)}`)];
}

export function summaryLine(cluster: string, results: readonly CheckResult[], totalMs: number): string {
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  const skipped = count('skipped');
  const na = count('not-applicable');
  return (
    `verify ${cluster}: ${count('passed')} passed, ${count('failed')} failed` +
    (skipped ? `, ${skipped} not run` : '') +
    (na ? `, ${na} not applicable` : '') +
    ` of ${results.length} check(s) in ${(totalMs / 1000).toFixed(2)} s`
  );
}

/** XML 1.0 text: the five special characters escaped, characters XML cannot carry replaced. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attr = (text: string) => xmlEscape(text).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
const secs = (ms: number) => (ms / 1000).toFixed(3);

/** One cluster's run, as JUnit reports it: its results, or the setup error that stopped it. */
export interface SuiteRun {
  readonly cluster: string;
  readonly results: readonly CheckResult[];
  readonly totalMs: number;
  readonly setupError?: string;
}

const counts = (run: SuiteRun) => ({
  tests: run.results.length + (run.setupError ? 1 : 0),
  failures: run.results.filter((r) => r.status === 'failed').length,
  errors: run.setupError ? 1 : 0,
  skipped: run.results.filter((r) => r.status === 'skipped' || r.status === 'not-applicable').length,
});

function suiteLines(run: SuiteRun): string[] {
  const { tests, failures, errors, skipped } = counts(run);
  const classname = `aks-day2.verify.${run.cluster}`;
  const lines = [
    `  <testsuite name="${attr(`aks-day2 verify ${run.cluster}`)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(run.totalMs)}">`,
  ];
  if (run.setupError) {
    lines.push(
      `    <testcase classname="${attr(classname)}" name="setup" time="0.000">`,
      `      <error message="${attr(run.setupError)}" type="SetupError">${xmlEscape(run.setupError)}</error>`,
      '    </testcase>',
    );
  }
  for (const r of run.results) {
    lines.push(`    <testcase classname="${attr(classname)}" name="${attr(`${r.id}: ${r.title}`)}" time="${secs(r.elapsedMs)}">`);
    const body = [`expected: ${r.expected}`, `got: ${r.got}`, ...r.details].join('\n');
    if (r.status === 'failed') {
      lines.push(`      <failure message="${attr(`expected: ${r.expected} | got: ${r.got}`)}" type="CheckFailed">${xmlEscape(body)}</failure>`);
    } else if (r.status === 'skipped' || r.status === 'not-applicable') {
      lines.push(`      <skipped message="${attr(r.got)}"/>`);
    } else {
      lines.push(`      <system-out>${xmlEscape(body)}</system-out>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  return lines;
}

/**
 * JUnit XML in the shape CI systems read (Jenkins, GitLab, Azure Pipelines' PublishTestResults):
 * one testsuite per cluster, one testcase per check; a failed check is a <failure>, a check not
 * run is <skipped>, a run that could not start is one <error> testcase named `setup`.
 */
export function junitDocument(runs: readonly SuiteRun[], totalMs: number): string {
  const sum = (k: 'tests' | 'failures' | 'errors' | 'skipped') => runs.reduce((n, r) => n + counts(r)[k], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="aks-day2 verify" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}" time="${secs(totalMs)}">`,
    ...runs.flatMap(suiteLines),
    '</testsuites>',
    '',
  ].join('\n');
}

/** JUnit XML of one cluster's run. */
export function junitXml(cluster: string, results: readonly CheckResult[], totalMs: number, setupError?: string): string {
  return junitDocument([{ cluster, results, totalMs, ...(setupError ? { setupError } : {}) }], totalMs);
}
