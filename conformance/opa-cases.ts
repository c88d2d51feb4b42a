/**
 * What OPA judges (conformance/opa.ts), as data: pairs of an Azure Policy regex and an image,
 * each with the answer config/image-rule.ts gives, the one `opa eval` data file and query that
 * evaluates every pair with Rego's `re_match`, and the reading of OPA's JSON answer. Pure: the
 * suite does the reading of files and the running of OPA.
 */
import { IMAGE_FACT_GROUPS, REGEX_GRID_ENTRIES, listGridImages, regexGridImages } from '../charts/policy/allowed-repos-cases';
import { allowedImagesRegex } from '../config/azure-policy-regex';
import { imageAllowed, imageAllowedBy } from '../config/image-rule';
import type { Failure } from './suite';

export interface RegexCase {
  /** The file the regex came from (or the table it was rendered from), relative to the repository. */
  readonly file: string;
  /** What the regex stands for: a case group, an entry, a cluster's assignment. */
  readonly source: string;
  readonly pattern: string;
  readonly image: string;
  /** Whether config/image-rule.ts (the rule, and the CEL engines with it) admits the image. */
  readonly expected: boolean;
  /** Why, when the table says. */
  readonly why?: string;
}

const TABLE = 'charts/policy/allowed-repos-cases.ts';

/**
 * The whole allowed-images case table with regexes rendered by config/azure-policy-regex.ts:
 * every image fact under its group's list; every entry of the regex grid alone against every
 * grid image; and the grid's entries as one list.
 */
export function tableCases(): RegexCase[] {
  const facts = IMAGE_FACT_GROUPS.flatMap((g) =>
    g.facts.map((f): RegexCase => ({
      file: TABLE,
      source: `IMAGE_FACT_GROUPS "${g.name}" rendered by allowedImagesRegex`,
      pattern: allowedImagesRegex(g.repos),
      image: f.image,
      expected: f.allowed,
      why: f.why,
    })),
  );
  const images = regexGridImages(REGEX_GRID_ENTRIES);
  const perEntry = REGEX_GRID_ENTRIES.flatMap((entry) =>
    images.map((image): RegexCase => ({
      file: TABLE,
      source: `grid entry ${JSON.stringify(entry)} rendered by allowedImagesRegex`,
      pattern: allowedImagesRegex([entry]),
      image,
      expected: imageAllowedBy(image, entry),
    })),
  );
  const whole = images.map((image): RegexCase => ({
    file: TABLE,
    source: 'every grid entry as one list, rendered by allowedImagesRegex',
    pattern: allowedImagesRegex(REGEX_GRID_ENTRIES),
    image,
    expected: imageAllowed(image, REGEX_GRID_ENTRIES),
  }));
  return [...facts, ...perEntry, ...whole];
}

/** A regex as it is on disk, judged on the images its cluster's allow-list implies. */
export function diskCases(file: string, source: string, pattern: string, entries: readonly string[]): RegexCase[] {
  return listGridImages(entries).map((image) => ({ file, source, pattern, image, expected: imageAllowed(image, entries) }));
}

export interface AssignmentRegex {
  /** Terraform address of the assignment. */
  readonly address: string;
  /** `parameters.allowedContainerImagesRegex.value`, or why it could not be read. */
  readonly regex: string | { readonly problem: string };
}

/** The allowed-images regexes of every azurerm_resource_policy_assignment of a synthesized stack. */
export function assignmentRegexes(stack: { resource?: Record<string, Record<string, { parameters?: unknown }>> }): AssignmentRegex[] {
  const assignments = stack.resource?.azurerm_resource_policy_assignment ?? {};
  return Object.entries(assignments).map(([name, r]) => {
    const address = `azurerm_resource_policy_assignment.${name}`;
    if (typeof r.parameters !== 'string') return { address, regex: { problem: 'has no parameters string' } };
    let parameters: unknown;
    try {
      parameters = JSON.parse(r.parameters);
    } catch (e) {
      return { address, regex: { problem: `parameters is not JSON: ${(e as Error).message}` } };
    }
    const value = (parameters as { allowedContainerImagesRegex?: { value?: unknown } } | null)?.allowedContainerImagesRegex?.value;
    return typeof value === 'string' ? { address, regex: value } : { address, regex: { problem: 'parameters has no allowedContainerImagesRegex.value string' } };
  });
}

/** The `opa eval` data file: each distinct pattern once, each case as [pattern index, image]. */
export interface OpaData {
  readonly patterns: readonly string[];
  readonly cases: ReadonlyArray<readonly [number, string]>;
}

export function opaData(cases: readonly RegexCase[]): OpaData {
  const index = new Map<string, number>();
  const patterns: string[] = [];
  const pairs = cases.map((c): readonly [number, string] => {
    let i = index.get(c.pattern);
    if (i === undefined) {
      i = patterns.length;
      patterns.push(c.pattern);
      index.set(c.pattern, i);
    }
    return [i, c.image];
  });
  return { patterns, cases: pairs };
}

/**
 * One query for every pair, with the builtin the add-on's template calls: `re_match(pattern,
 * image)` (Azure/azure-policy samples/KubernetesService/container-allowed-images/template.yaml:
 * `not re_match(input.parameters.imageRegex, container.image)`). `re_match` is the deprecated
 * name of `regex.match`, the same Go function (opa v1/topdown/regex.go builtinRegexMatch:
 * regexp.Compile, then MatchString, a search anywhere in the string). OPA 1.x refuses deprecated
 * builtins in a Rego v1 module ("deprecated built-in function calls in expression: re_match"),
 * so the suite evaluates with --v0-compatible, the Rego version Gatekeeper compiles a template
 * without `version: v1` in (frameworks constraint/pkg/client/drivers/rego/compilers.go).
 * A builtin error (a pattern Go's regexp refuses) leaves the pair's key out; regex.is_valid says
 * which patterns those are.
 */
export const OPA_QUERY =
  '{"valid": {j: regex.is_valid(p) | p := data.patterns[j]}, "matched": {i: re_match(data.patterns[c[0]], c[1]) | c := data.cases[i]}}';

export interface OpaAnswer {
  /** Per pattern: does Go's regexp (RE2 syntax) accept it. */
  readonly valid: readonly boolean[];
  /** Per case: re_match's answer; undefined when it raised an error. */
  readonly matched: ReadonlyArray<boolean | undefined>;
}

/**
 * Reads `opa eval --format json` output: `{"result": [{"expressions": [{"value": …}]}]}`, object
 * keys as strings (opa v1/rego/resultset.go; cmd/eval.go). Throws with OPA's own words on errors.
 */
export function parseOpaAnswer(stdout: string, data: OpaData): OpaAnswer {
  let out: { result?: Array<{ expressions?: Array<{ value?: unknown }> }>; errors?: unknown };
  try {
    out = JSON.parse(stdout);
  } catch {
    throw new Error(`opa eval printed no JSON: ${stdout.slice(0, 2000)}`);
  }
  if (out.errors) throw new Error(`opa eval: ${JSON.stringify(out.errors, null, 1)}`);
  const value = out.result?.[0]?.expressions?.[0]?.value as { valid?: Record<string, unknown>; matched?: Record<string, unknown> } | undefined;
  if (!value?.valid || !value.matched) throw new Error(`opa eval: the query was undefined: ${stdout.slice(0, 2000)}`);
  const valid = data.patterns.map((_, j) => value.valid![String(j)] === true);
  const matched = data.cases.map((_, i) => {
    const m = value.matched![String(i)];
    return typeof m === 'boolean' ? m : undefined;
  });
  return { valid, matched };
}

/** Each case's outcome: a failure names the file, the regex's source, the image, OPA's answer and the expected one. */
export function judgeRegexCases(cases: readonly RegexCase[], data: OpaData, answer: OpaAnswer): Array<Failure | undefined> {
  return cases.map((c, i) => {
    const got = answer.matched[i];
    if (got === c.expected) return undefined;
    const [p] = data.cases[i];
    const expected = `config/image-rule.ts ${c.expected ? 'admits' : 'refuses'} it${c.why ? ` (${c.why})` : ''}`;
    const said =
      got === undefined
        ? `OPA: re_match(${JSON.stringify(c.pattern)}, …) raised an error (regex.is_valid: ${answer.valid[p]}): the add-on's "not re_match(…)" would refuse every image`
        : `OPA: re_match(${JSON.stringify(c.pattern)}, ${JSON.stringify(c.image)}) is ${got}`;
    return { file: c.file, object: `${c.source}: image ${JSON.stringify(c.image)}`, message: `${said}; ${expected}` };
  });
}
