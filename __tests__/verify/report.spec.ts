import { junitXml, printable, resultLines, summaryLine, xmlEscape } from '../../verify/report';
import type { CheckResult } from '../../verify/runner';
import { xmlProblem } from './helpers/xml-check';

const passed: CheckResult = { id: 'nodes', title: 'API reachable, every node Ready', status: 'passed', expected: 'every node Ready', got: '3/3 Ready', details: [], elapsedMs: 42 };
const nasty = 'admission webhook "validation.gatekeeper.sh" denied the request: [allowed-repos] <img> & \'x\' ]]> \u0001\u001b[31mred\u001b[0m\nsecond line';
const failed: CheckResult = {
  id: 'policy-works',
  title: 'registry policy refuses and admits (server-side dry run)',
  status: 'failed',
  expected: 'centos refused',
  got: nasty,
  details: ['FAIL production: centos admitted', `log | ${nasty}`],
  elapsedMs: 1234,
};
const skipped: CheckResult = { id: 'smoke-job', title: 'smoke Job runs and passes', status: 'skipped', expected: '-', got: 'not run: 401 <Unauthorized>', details: [], elapsedMs: 0 };

describe('result lines', () => {
  test('one line per check: status, id, expected, got, elapsed; details indented', () => {
    expect(resultLines(passed)).toEqual(['PASS nodes            expected: every node Ready | got: 3/3 Ready (0.04 s)']);
    const lines = resultLines(failed);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^FAIL policy-works     expected: centos refused \| got: .* \(1\.23 s\)$/);
    expect(lines[1]).toBe('     FAIL production: centos admitted');
    expect(resultLines(skipped)).toEqual(['SKIP smoke-job        expected: - | got: not run: 401 <Unauthorized>']);
  });

  test('server text cannot break lines or send terminal escapes', () => {
    expect(printable('a\nb\r\nc\u001b[31mred\u001b[0m\u0007')).toBe('a; b; cred ');
    for (const line of resultLines(failed)) expect(line).not.toMatch(/[\x00-\x1f\x7f]/);
  });

  test('summary counts', () => {
    expect(summaryLine('contosofin', [passed, failed, skipped], 2500)).toBe('verify contosofin: 1 passed, 1 failed, 1 not run of 3 check(s) in 2.50 s');
    expect(summaryLine('contosofin', [passed], 40)).toBe('verify contosofin: 1 passed, 0 failed of 1 check(s) in 0.04 s');
  });
});

describe('JUnit XML', () => {
  test('well-formed, with every special character escaped and illegal ones replaced', () => {
    const xml = junitXml('contosofin', [passed, failed, skipped], 1276);
    expect(xmlProblem(xml)).toBeUndefined();
    expect(xml).toContain('&lt;img&gt; &amp; &apos;x&apos; ]]&gt;');
    expect(xml).not.toMatch(/[\u0001\u001b]/);
  });

  test('counts and one testcase per check, failure / skipped / system-out', () => {
    const xml = junitXml('contosofin', [passed, failed, skipped], 1276);
    expect(xml).toContain('<testsuites name="aks-day2 verify" tests="3" failures="1" errors="0" skipped="1" time="1.276">');
    expect(xml).toContain('<testsuite name="aks-day2 verify contosofin" tests="3" failures="1" errors="0" skipped="1" time="1.276">');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<testcase classname="aks-day2.verify.contosofin" name="nodes: API reachable, every node Ready" time="0.042">');
    expect(xml).toMatch(/<failure message="expected: centos refused \| got: admission webhook &quot;validation\.gatekeeper\.sh&quot;[^"]*&#10;second line" type="CheckFailed">/);
    expect(xml).toContain('<skipped message="not run: 401 &lt;Unauthorized&gt;"/>');
    expect(xml).toContain('<system-out>expected: every node Ready\ngot: 3/3 Ready</system-out>');
  });

  test('a run that could not start is one error testcase', () => {
    const xml = junitXml('contosofin', [], 5, 'no kubeconfig: "KUBECONFIG" & ~/.kube/config <missing>');
    expect(xmlProblem(xml)).toBeUndefined();
    expect(xml).toContain('tests="1" failures="0" errors="1" skipped="0"');
    expect(xml).toContain('<error message="no kubeconfig: &quot;KUBECONFIG&quot; &amp; ~/.kube/config &lt;missing&gt;" type="SetupError">');
  });

  test('the checker used above rejects what it should', () => {
    expect(xmlProblem('<a>x & y</a>')).toMatch(/bad entity/);
    expect(xmlProblem('<a b="<"/>')).toMatch(/unescaped/);
    expect(xmlProblem('<a>\u0001</a>')).toMatch(/illegal character/);
    expect(xmlProblem('<a><b></a></b>')).toMatch(/mismatched/);
    expect(xmlProblem('<a b="1" b="2"/>')).toMatch(/duplicate/);
    expect(xmlEscape('\uD800x')).toBe('\uFFFDx');
  });
});
