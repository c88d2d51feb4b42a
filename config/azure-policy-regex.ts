import { DOCKER_HUB, OFFICIAL, isPinned, isRegistry, normalizeEntries } from './image-rule';

/**
 * The allow-list as one regular expression, for the Azure Policy built-in "Kubernetes cluster
 * containers should only use allowed images" (parameter `allowedContainerImagesRegex`), with the
 * same meaning as the CEL rule and config/image-rule.ts.
 *
 * The definition's constraint template (its templateInfo URL .../container-allowed-images/v2/
 * template.yaml, published in Azure/azure-policy as samples/KubernetesService/
 * container-allowed-images/template.yaml, kind K8sAzureV2ContainerAllowedImages) tests the image
 * of each container, init container and ephemeral container with Rego's `re_match(regex, image)`,
 * which is Go's regexp (RE2 syntax) searching ANYWHERE in the string, on the image AS WRITTEN. So
 * the expression is anchored at both ends, `^(?:…)$`: without `^`, `evil.io/myacr.azurecr.io/x`
 * matches `myacr\.azurecr\.io/.*`; without `$`, `busybox:1.36-evil` matches the pin
 * `busybox:1\.36`. Every RE2 metacharacter of an entry is escaped: an unescaped `.` in
 * `myacr.azurecr.io` admits `myacr-azurecr.io/x`. RE2 has no look-around or backreferences, and
 * none are needed.
 *
 * The rule compares images in the runtime's normal form (config/image-rule.ts); the regex sees
 * them as written, so each entry (normalized first) becomes the alternatives of every spelling
 * of what it admits. On another registry an entry has one spelling; on Docker Hub (`docker.io/R`)
 * the registry may be written `docker.io/`, `index.docker.io/` or not at all (unless R's first
 * part looks like a registry), and an official image `library/NAME` may also be written `NAME`.
 * Per entry kind:
 *   - ends in `/`: `<entry>.*` (everything that starts with it); `docker.io/library/` also
 *     admits every one-part name (`[^/]+`), `docker.io/` every name without a registry;
 *   - pinned (`:` or `@` after the last `/`): `<entry>` (exactly itself);
 *   - anything else: `<entry>(?:/.*|[:@][^/]*)?` (itself; below it after `/`; a tag or digest
 *     with no `/` after it); the short spelling `NAME` of an official image admits no path
 *     below it (`NAME/x` is the Docker Hub namespace NAME, another image).
 * `(?s)` lets `.` match a line break too, so the regex admits exactly what the CEL admits even
 * for an image with one (the API server does not refuse it). `$` is the end of the text: Go's
 * regexp matches `$` only there unless `(?m)` is given.
 */

/** Go's regexp.QuoteMeta set: the characters RE2 gives a meaning outside a character class. */
export const REGEX_METACHARACTERS = '\\.+*?()|[]{}^$';

/** `entry` as an RE2 literal: every metacharacter preceded by `\`. */
export function escapeRegex(entry: string): string {
  return [...entry].map((c) => (REGEX_METACHARACTERS.includes(c) ? `\\${c}` : c)).join('');
}

/** Docker Hub's registry, either name. */
const HUB = '(?:docker\\.io/|index\\.docker\\.io/)';
/** What may follow an unpinned repository: a path below it, or a tag or digest without `/`. */
const BELOW_TAG_OR_DIGEST = '(?:/.*|[:@][^/]*)?';
const TAG_OR_DIGEST = '(?:[:@][^/]*)?';
/** One character of a first path part that is no registry: no `/`, `.`, `:` or upper-case letter. */
const PLAIN = '[^/.:A-Z]';

/** A first path part that is no registry: PLAIN characters, and not `localhost`. */
export function notRegistryPart(): string {
  const word = 'localhost';
  const differing = [...word].map((_, i) => `${escapeRegex(word.slice(0, i))}[^/.:A-Z${word[i]}]${PLAIN}{${word.length - 1 - i}}`);
  return `(?:${PLAIN}{0,${word.length - 1}}|${PLAIN}{${word.length + 1},}|${differing.join('|')})`;
}

/** The registry part of a Docker Hub path R: required where R's own first part looks like a registry. */
const hubFor = (rest: string) => (isRegistry(rest.split('/')[0]!) ? HUB : `${HUB}?`);

/** The alternatives that admit what one entry in normal form admits. */
function normalEntryRegex(entry: string): string[] {
  if (!entry.startsWith(`${DOCKER_HUB}/`)) {
    const literal = escapeRegex(entry);
    if (entry.endsWith('/')) return [`${literal}.*`];
    if (isPinned(entry)) return [literal];
    return [`${literal}${BELOW_TAG_OR_DIGEST}`];
  }
  const rest = entry.slice(DOCKER_HUB.length + 1);
  const literal = escapeRegex(rest);
  const hub = hubFor(rest);
  const official = rest.startsWith(OFFICIAL) && !rest.slice(OFFICIAL.length).includes('/') ? escapeRegex(rest.slice(OFFICIAL.length)) : undefined;
  if (rest === '') return [`${HUB}.*`, '[^/]+', `${notRegistryPart()}/.*`];
  if (rest.endsWith('/')) return rest === OFFICIAL ? [`${HUB}?${literal}.*`, `${HUB}?[^/]+`] : [`${hub}${literal}.*`];
  if (isPinned(rest)) return official !== undefined ? [`${HUB}?(?:library/)?${official}`] : [`${hub}${literal}`];
  if (official !== undefined) return [`${HUB}?${literal}${BELOW_TAG_OR_DIGEST}`, `${HUB}?${official}${TAG_OR_DIGEST}`];
  return [`${hub}${literal}${BELOW_TAG_OR_DIGEST}`];
}

/** The alternatives that admit what one entry admits, in every spelling; none for an empty entry. */
export function entryRegex(entry: string): string[] {
  return normalizeEntries([entry]).flatMap(normalEntryRegex);
}

/**
 * Matches nothing in RE2 and JavaScript alike (an empty character class): the value for a list
 * without a usable entry, which the config never produces (it rejects empty lists and entries).
 */
export const MATCH_NOTHING = '[^\\s\\S]';

/** `allowedContainerImagesRegex` for an allow-list (entries in config order). */
export function allowedImagesRegex(entries: readonly string[]): string {
  const alternatives = normalizeEntries(entries).flatMap(normalEntryRegex);
  return `(?s)^(?:${alternatives.length > 0 ? alternatives.join('|') : MATCH_NOTHING})$`;
}
