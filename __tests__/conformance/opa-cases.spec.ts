/**
 * conformance/opa-cases.ts: the pairs OPA judges, the one `opa eval` data file, and the reading
 * of OPA's answer. The fixtures under fixtures/opa-eval*.json were captured from the real
 * binary (opa v1.22.4, built by `npm run conformance`) with
 *   opa eval --v0-compatible --format json --data fixtures/opa-eval-pairs.json '<OPA_QUERY>'
 * (opa-eval.json), the same with the query `{"valid": data.patterns[` (opa-eval-parse-error.json)
 * and with `data.nothing` (opa-eval-undefined.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_FACT_GROUPS, REGEX_GRID_ENTRIES, regexGridImages } from '../../charts/policy/allowed-repos-cases';
import { allowedImagesRegex } from '../../config/azure-policy-regex';
import {
  OPA_QUERY,
  assignmentRegexes,
  diskCases,
  judgeRegexCases,
  opaData,
  parseOpaAnswer,
  tableCases,
  type OpaData,
  type RegexCase,
} from '../../conformance/opa-cases';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const capturedData = JSON.parse(fixture('opa-eval-pairs.json')) as OpaData;

describe('opa eval: the data file and the reading of its answer', () => {
  test('the captured answer came from the query the suite sends', () => {
    const out = JSON.parse(fixture('opa-eval.json'));
    expect(out.result[0].expressions[0].text).toBe(OPA_QUERY);
  });

  test('reads re_match per pair, and regex.is_valid per pattern; a pattern Go refuses leaves its pairs without an answer', () => {
    expect(parseOpaAnswer(fixture('opa-eval.json'), capturedData)).toEqual({
      valid: [true, false],
      // kevingbb/x is below the entry; evil.io/kevingbb/x is refused by the anchors; "(?s)^(?:a(b)$"
      // does not compile; a line break after a tag is no "/".
      matched: [true, false, undefined, true],
    });
  });

  test("OPA's errors and an undefined query are reported in OPA's words", () => {
    expect(() => parseOpaAnswer(fixture('opa-eval-parse-error.json'), capturedData)).toThrow(/opa eval: .*unexpected eof token/s);
    expect(() => parseOpaAnswer(fixture('opa-eval-undefined.json'), capturedData)).toThrow('opa eval: the query was undefined: {}');
    expect(() => parseOpaAnswer('panic: boom', capturedData)).toThrow('opa eval printed no JSON: panic: boom');
  });

  test('each distinct pattern is written once; each pair names its pattern by index', () => {
    const c = (pattern: string, image: string): RegexCase => ({ file: 'f', source: 's', pattern, image, expected: true });
    expect(opaData([c('p', 'a'), c('q', 'b'), c('p', 'c')])).toEqual({ patterns: ['p', 'q'], cases: [[0, 'a'], [1, 'b'], [0, 'c']] });
  });
});

describe('judging', () => {
  const cases: RegexCase[] = [
    { file: 'a.tf.json', source: 'azurerm_resource_policy_assignment.x', pattern: 'P', image: 'kevingbb/x', expected: true },
    { file: 'a.tf.json', source: 'azurerm_resource_policy_assignment.x', pattern: 'P', image: 'evil.io/kevingbb/x', expected: false, why: 'inside another path' },
    { file: 'b.ts', source: 'grid entry "a"', pattern: 'Q', image: 'a', expected: true },
  ];
  const data = opaData(cases);

  test('agreement is no failure; a disagreement names the file, the source, the image, OPA and the rule', () => {
    expect(judgeRegexCases(cases, data, { valid: [true, false], matched: [true, true, undefined] })).toEqual([
      undefined,
      {
        file: 'a.tf.json',
        object: 'azurerm_resource_policy_assignment.x: image "evil.io/kevingbb/x"',
        message: 'OPA: re_match("P", "evil.io/kevingbb/x") is true; config/image-rule.ts refuses it (inside another path)',
      },
      {
        file: 'b.ts',
        object: 'grid entry "a": image "a"',
        message: 'OPA: re_match("Q", …) raised an error (regex.is_valid: false): the add-on\'s "not re_match(…)" would refuse every image; config/image-rule.ts admits it',
      },
    ]);
  });
});

describe('the pairs', () => {
  const table = tableCases();

  test('the whole case table: every image fact, every grid entry alone against every grid image, and the grid as one list', () => {
    const facts = IMAGE_FACT_GROUPS.reduce((n, g) => n + g.facts.length, 0);
    const images = regexGridImages().length;
    expect(table).toHaveLength(facts + REGEX_GRID_ENTRIES.length * images + images);
    // Facts keep the table's answer and reason.
    expect(table).toContainEqual(
      expect.objectContaining({ image: 'evil.io/myacr.azurecr.io/x:1', expected: false, why: 'a listed registry inside the path of another registry (an unanchored regex finds it)' }),
    );
    // Grid pairs: the entry alone.
    expect(table).toContainEqual(expect.objectContaining({ pattern: allowedImagesRegex(['kevingbb']), image: 'kevingbbevil/x', expected: false }));
    expect(table).toContainEqual(expect.objectContaining({ pattern: allowedImagesRegex(['kevingbb']), image: 'kevingbb:1', expected: true }));
    expect(table).toContainEqual(expect.objectContaining({ pattern: allowedImagesRegex(['localhost:5000']), image: 'localhost:5000/x', expected: false }));
  });

  test("a regex on disk is judged on the images its cluster's list implies", () => {
    const cases = diskCases('f.tf.json', 'x', 'R', ['kevingbb', 'reg.io/']);
    expect(cases.every((c) => c.file === 'f.tf.json' && c.pattern === 'R')).toBe(true);
    const byImage = new Map(cases.map((c) => [c.image, c.expected]));
    expect(byImage.get('kevingbb/x')).toBe(true);
    expect(byImage.get('evil.io/kevingbb/x')).toBe(false);
    expect(byImage.get('reg.io//x')).toBe(true);
    expect(byImage.get('xreg.io//x')).toBe(false);
    expect(byImage.get('kevingbb\n/x')).toBe(false);
  });
});

describe('assignment regexes of a stack', () => {
  const stack = (parameters: unknown) => ({ resource: { azurerm_resource_policy_assignment: { allowed_images_policy_assignment: { parameters } } } });

  test('read from parameters.allowedContainerImagesRegex.value', () => {
    expect(assignmentRegexes(stack(JSON.stringify({ allowedContainerImagesRegex: { value: '(?s)^(?:a/.*)$' }, effect: { value: 'Deny' } })))).toEqual([
      { address: 'azurerm_resource_policy_assignment.allowed_images_policy_assignment', regex: '(?s)^(?:a/.*)$' },
    ]);
  });

  test('a stack without an assignment has none; an unreadable one says why', () => {
    expect(assignmentRegexes({ resource: { azurerm_resource_group: {} } })).toEqual([]);
    expect(assignmentRegexes({})).toEqual([]);
    expect(assignmentRegexes(stack(undefined))[0].regex).toEqual({ problem: 'has no parameters string' });
    expect(assignmentRegexes(stack('{'))[0].regex).toEqual({ problem: expect.stringMatching(/^parameters is not JSON: /) });
    expect(assignmentRegexes(stack('{"effect":{"value":"Deny"}}'))[0].regex).toEqual({ problem: 'parameters has no allowedContainerImagesRegex.value string' });
  });
});
