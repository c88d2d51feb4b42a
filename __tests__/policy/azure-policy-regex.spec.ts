/**
 * config/azure-policy-regex.ts renders the allow-list as Azure Policy's
 * `allowedContainerImagesRegex`. The definition's v2 template evaluates it with Rego's
 * `re_match(regex, image)` (Azure/azure-policy samples/KubernetesService/
 * container-allowed-images/template.yaml, what the definition's templateInfo URL names): Go's regexp, RE2 syntax, `MatchString`, a search
 * anywhere in the image name. Here it runs under @bufbuild/re2 (a port of RE2/J, itself a port of
 * Go's regexp) with `test()`, the same unanchored search, and under JavaScript's RegExp; both must
 * agree with config/image-rule.ts (and so with the CEL) on every image fact of the policy's case
 * table, the bypass attempts included, and on a grid of entry × image pairs. No OPA runs here.
 */
import { RE2JS } from '@bufbuild/re2';
import { GRID_ENTRIES, GRID_SUFFIXES, IMAGE_FACT_GROUPS, REGEX_GRID_ENTRIES, REGEX_GRID_PREFIXES, REGEX_GRID_SUFFIXES, regexGridImages } from '../../charts/policy/allowed-repos-cases';
import { MATCH_NOTHING, REGEX_METACHARACTERS, allowedImagesRegex, entryRegex, escapeRegex } from '../../config/azure-policy-regex';
import { imageAllowed, imageAllowedBy } from '../../config/image-rule';

/** What Rego's re_match does with the pattern: compile (RE2 syntax, or an error) and search. */
const re2Compiled = new Map<string, RE2JS>();
function regoReMatch(pattern: string, image: string): boolean {
  let re = re2Compiled.get(pattern);
  if (!re) re2Compiled.set(pattern, (re = RE2JS.compile(pattern)));
  return re.test(image);
}

/**
 * The same pattern under JavaScript's RegExp. Node 20 has no inline flag groups, so the leading
 * `(?s)` becomes the `s` flag (the same meaning: `.` matches a line break); any other inline
 * flag would be a bug in the generator.
 */
const jsCompiled = new Map<string, RegExp>();
function jsSearch(pattern: string, image: string): boolean {
  let re = jsCompiled.get(pattern);
  if (!re) {
    expect(pattern.startsWith('(?s)')).toBe(true);
    const body = pattern.slice('(?s)'.length);
    expect(body).not.toMatch(/\(\?(?!:)/);
    jsCompiled.set(pattern, (re = new RegExp(body, 's')));
  }
  return re.test(image);
}

describe('the image facts of the policy case table (charts/policy/allowed-repos-cases.ts)', () => {
  const rows = IMAGE_FACT_GROUPS.flatMap((g) => g.facts.map((f) => [g.name, f.image, f.why, g.repos, f.allowed] as const));

  test('cover the bypasses of an unanchored, unescaped regex', () => {
    const images = rows.map(([, image]) => image);
    expect(images).toEqual(expect.arrayContaining(['myacr-azurecr.io/tools/setup:2.0', 'evil.io/myacr.azurecr.io/x:1', 'myacr.azurecr.io.evil.com/x:1']));
    expect(rows.length).toBeGreaterThan(70);
  });

  test.each(rows)('%s: %j (%s) under RE2 as re_match searches', (_g, image, _why, repos, allowed) => {
    expect(regoReMatch(allowedImagesRegex(repos), image)).toBe(allowed);
  });

  test.each(rows)('%s: %j (%s) under JavaScript RegExp', (_g, image, _why, repos, allowed) => {
    expect(jsSearch(allowedImagesRegex(repos), image)).toBe(allowed);
  });

  test('and config/image-rule.ts says the same (the table is the rule)', () => {
    for (const [, image, , repos, allowed] of rows) expect([image, imageAllowed(image, repos)]).toEqual([image, allowed]);
  });
});

describe('entry × image grid: each entry alone, as Rego would search it', () => {
  // GRID_ENTRIES with two more entries of regex metacharacters, suffixes with line breaks (RE2's
  // `$` and `.` differ there), prefixes: the grid conformance/opa.ts also runs through OPA.
  const entries = REGEX_GRID_ENTRIES;
  const images = regexGridImages(entries);
  const pairs = entries.flatMap((entry) => images.map((image) => [entry, image] as const));

  test('holds every GRID_ENTRIES × GRID_SUFFIXES image behind every prefix, and images with line breaks', () => {
    const all = new Set(images);
    const missing = GRID_ENTRIES.flatMap((e) => REGEX_GRID_PREFIXES.flatMap((p) => GRID_SUFFIXES.map((s) => p + e + s))).filter((i) => !all.has(i));
    expect(missing).toEqual([]);
    expect(REGEX_GRID_SUFFIXES).toEqual(expect.arrayContaining(['\n', '\n/x', ':\n']));
    expect(entries).toEqual(expect.arrayContaining(['a.b+c/', '(x)|y']));
  });

  test(`${pairs.length} pairs agree with imageAllowedBy under RE2 and RegExp`, () => {
    const disagreements = pairs.filter(([entry, image]) => {
      const pattern = allowedImagesRegex([entry]);
      const want = imageAllowedBy(image, entry);
      return regoReMatch(pattern, image) !== want || jsSearch(pattern, image) !== want;
    });
    expect(disagreements).toEqual([]);
  });

  test('the whole list at once agrees with imageAllowed', () => {
    const pattern = allowedImagesRegex(entries);
    const disagreements = images.filter((image) => regoReMatch(pattern, image) !== imageAllowed(image, entries));
    expect(disagreements).toEqual([]);
  });
});

describe('the expression', () => {
  test('for the runbook-style list, written out by hand', () => {
    // Docker Hub entries in each spelling: with docker.io/, with index.docker.io/, or without a registry.
    const hub = '(?:docker\\.io/|index\\.docker\\.io/)?';
    expect(allowedImagesRegex(['kevingbb/', 'cr.l5d.io/linkerd/', 'contosofinacr.azurecr.io/'])).toBe(
      `(?s)^(?:${hub}kevingbb/.*|cr\\.l5d\\.io/linkerd/.*|contosofinacr\\.azurecr\\.io/.*)$`,
    );
    // `kevingbb`: the official image library/kevingbb (also written `kevingbb`, with tags and
    // digests only) and the namespace kevingbb/; the busybox pin with or without library/.
    expect(allowedImagesRegex(['kevingbb', 'docker.io/library/busybox:1.36'])).toBe(
      `(?s)^(?:${hub}library/kevingbb(?:/.*|[:@][^/]*)?|${hub}kevingbb(?:[:@][^/]*)?|${hub}kevingbb/.*|${hub}(?:library/)?busybox:1\\.36)$`,
    );
  });

  test('is anchored at both ends around every alternative', () => {
    const pattern = allowedImagesRegex(['a/', 'b', 'c:1']);
    expect(pattern.startsWith('(?s)^(?:')).toBe(true);
    expect(pattern.endsWith(')$')).toBe(true);
    // The top-level alternation is inside the group: `^a|b$` would anchor only its ends.
    expect(regoReMatch(pattern, 'evil/b')).toBe(false);
    expect(regoReMatch(pattern, 'a/x')).toBe(true);
  });

  test('escapes every RE2 metacharacter, and only those', () => {
    for (const c of REGEX_METACHARACTERS) {
      expect(escapeRegex(c)).toBe(`\\${c}`);
      // Compiled alone it matches exactly that character, in both engines.
      expect([c, regoReMatch(`^${escapeRegex(c)}$`, c), new RegExp(`^${escapeRegex(c)}$`).test(c)]).toEqual([c, true, true]);
    }
    for (let code = 0x20; code < 0x7f; code++) {
      const c = String.fromCharCode(code);
      if (!REGEX_METACHARACTERS.includes(c)) expect(escapeRegex(c)).toBe(c);
      // Any printable character in any entry kind gives a valid RE2 expression that admits the entry.
      for (const entry of [`r${c}s`, `r${c}s/`, `r/s${c}:1`]) {
        const pattern = allowedImagesRegex([entry]);
        expect([entry, regoReMatch(pattern, entry.endsWith('/') ? `${entry}x` : entry)]).toEqual([entry, true]);
      }
    }
  });

  test('uses nothing RE2 lacks (the compile step has teeth: look-ahead and backreferences are refused)', () => {
    expect(() => RE2JS.compile('a(?=b)')).toThrow(/invalid or unsupported Perl syntax/);
    expect(() => RE2JS.compile('(a)\\1')).toThrow(/invalid escape/);
    expect(allowedImagesRegex(IMAGE_FACT_GROUPS.flatMap((g) => g.repos))).not.toMatch(/\(\?[=!<]|\\[1-9]/);
  });

  test('an empty entry adds no alternative; a list without a usable entry matches nothing', () => {
    expect(entryRegex('')).toEqual([]);
    expect(allowedImagesRegex(['', 'reg.io/'])).toBe('(?s)^(?:reg\\.io/.*)$');
    expect(allowedImagesRegex([])).toBe(`(?s)^(?:${MATCH_NOTHING})$`);
    for (const image of ['', 'centos', 'a', '\n']) {
      expect(regoReMatch(allowedImagesRegex(['']), image)).toBe(false);
      expect(jsSearch(allowedImagesRegex([]), image)).toBe(false);
    }
  });
});

describe('the table catches a broken generator (mutants of the output)', () => {
  const rows = IMAGE_FACT_GROUPS.flatMap((g) => g.facts.map((f) => [g.repos, f.image, f.allowed] as const));
  /** How many facts a mutated rendering gets wrong (a compile error counts as wrong). */
  const wrong = (mutate: (pattern: string) => string) =>
    rows.filter(([repos, image, allowed]) => {
      try {
        return regoReMatch(mutate(allowedImagesRegex(repos)), image) !== allowed;
      } catch {
        return true;
      }
    }).length;

  test.each([
    ['no ^', (p: string) => p.replace('(?s)^', '(?s)')],
    ['no $', (p: string) => p.replace(/\$$/, '')],
    ['no anchors (as in aks-baseline)', (p: string) => p.replace('(?s)^', '(?s)').replace(/\$$/, '')],
    ['"." unescaped', (p: string) => p.replaceAll('\\.', '.')],
    ['nothing escaped', (p: string) => p.replace(/\\(.)/g, '$1')],
    ['no (?s)', (p: string) => p.replace('(?s)', '')],
    ['tags may contain "/"', (p: string) => p.replaceAll('[^/]*', '.*')],
  ])('%s', (_name, mutate) => {
    expect(wrong((p) => p)).toBe(0);
    expect(wrong(mutate)).toBeGreaterThan(0);
  });
});
