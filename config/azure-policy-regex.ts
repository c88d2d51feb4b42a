import { isPinned } from './image-rule';

/**
 * The allow-list as one regular expression, for the Azure Policy built-in "Kubernetes cluster
 * containers should only use allowed images" (parameter `allowedContainerImagesRegex`), with the
 * same meaning as the CEL rule and config/image-rule.ts.
 *
 * The definition's constraint template (its templateInfo URL .../container-allowed-images/v2/
 * template.yaml, published in Azure/azure-policy as samples/KubernetesService/
 * container-allowed-images/template.yaml, kind K8sAzureV2ContainerAllowedImages) tests the image
 * of each container, init container and ephemeral container with Rego's `re_match(regex, image)`,
 * which is Go's regexp (RE2 syntax) searching ANYWHERE in the string. So the expression is
 * anchored at both ends, `^(?:…)$`: without `^`, `evil.io/myacr.azurecr.io/x` matches
 * `myacr\.azurecr\.io/.*`; without `$`, `busybox:1.36-evil` matches the pin `busybox:1\.36`.
 * Every RE2 metacharacter of an entry is escaped: an unescaped `.` in `myacr.azurecr.io` admits
 * `myacr-azurecr.io/x`. RE2 has no look-around or backreferences, and none are needed.
 *
 * Per entry kind (config/image-rule.ts):
 *   - empty: no alternative (it admits nothing);
 *   - ends in `/`: `<entry>.*` (everything that starts with it);
 *   - pinned (`:` or `@` after the last `/`): `<entry>` (exactly itself);
 *   - anything else: `<entry>(?:/.*|[:@][^/]*)?` (itself; below it after `/`; a tag or digest
 *     with no `/` after it).
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

/** The alternative that admits what one entry admits; undefined for an empty entry. */
export function entryRegex(entry: string): string | undefined {
  if (entry === '') return undefined;
  const literal = escapeRegex(entry);
  if (entry.endsWith('/')) return `${literal}.*`;
  if (isPinned(entry)) return literal;
  return `${literal}(?:/.*|[:@][^/]*)?`;
}

/**
 * Matches nothing in RE2 and JavaScript alike (an empty character class): the value for a list
 * without a usable entry, which the config never produces (it rejects empty lists and entries).
 */
export const MATCH_NOTHING = '[^\\s\\S]';

/** `allowedContainerImagesRegex` for an allow-list (entries in config order). */
export function allowedImagesRegex(entries: readonly string[]): string {
  const alternatives = entries.map(entryRegex).filter((a): a is string => a !== undefined);
  return `(?s)^(?:${alternatives.length > 0 ? alternatives.join('|') : MATCH_NOTHING})$`;
}
