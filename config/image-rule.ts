/**
 * The allowed-registries match rule, in TypeScript, and its authoritative description. The
 * policy itself is CEL (charts/policy/allowed-repos-cel.ts); this copy serves the places that
 * must predict it without a CEL engine: config validation (is the smoke image admitted where it
 * runs?), `verify` (which images to probe with), the synth warnings (config/policy-warnings.ts),
 * and the Azure Policy regex generated from the same allow-list. __tests__/policy checks that
 * this file, the CEL under two CEL engines and the case table
 * (charts/policy/allowed-repos-cases.ts) agree on every image.
 *
 * Images and entries are compared as the strings written in the manifest and the config: no
 * normalization (`nginx` and `docker.io/library/nginx` are different strings), case-sensitive.
 *
 * An entry is one of four kinds, decided by the entry alone:
 *
 *  1. Empty: admits nothing (upstream's plain prefix match let `""` admit every image).
 *  2. Ends in `/` (`myacr.azurecr.io/`, `reg.io:5000/team/`): a path prefix. Admits every image
 *     that starts with it.
 *  3. Pinned: the part after the last `/` contains `:` or `@`, that is the entry carries a tag,
 *     a digest or both (`docker.io/library/busybox:1.36`, `nginx@sha256:…`,
 *     `busybox:1.36@sha256:…`). Admits exactly the entry and nothing else:
 *       - `busybox:1.36` refuses `busybox:1.36.1` and `busybox:1.36-evil` (a longer tag), and
 *         `busybox:1.36@sha256:<any>` (the runtime pulls the digest and ignores the tag, so a
 *         digest after a pinned tag could pull anything); list `busybox:1.36@sha256:<d>` to
 *         admit that digest;
 *       - `nginx@sha256:<d>` refuses `nginx:1.27@sha256:<d>` (not the same string).
 *     As in the image reference grammar, a registry host (and its port) is only recognized
 *     before a `/`: `localhost:5000` is the image `localhost` with tag `5000`, a pin. Write a
 *     registry on a port as `localhost:5000/`.
 *  4. Anything else (`kevingbb`, `myacr.azurecr.io`, `cr.l5d.io/linkerd/proxy`): a repository,
 *     host or path without tag or digest. Admits an image that
 *       - equals the entry, or
 *       - continues it after `/` (a path below it), or
 *       - continues it after `:` (a tag) or `@` (a digest) with no `/` in the rest: otherwise
 *         `kevingbb:5000/x` (a registry host `kevingbb` on port 5000) would pass as a tag.
 *     So `kevingbb` admits `kevingbb/app`, `kevingbb:1.0`, `kevingbb/app@sha256:…`, but not
 *     `kevingbbevil/app` (upstream's bypass) or `myacr.azurecr.io.evil.com/x`.
 */

/** Whether the entry carries a tag or a digest: `:` or `@` after its last `/`. */
export function isPinned(entry: string): boolean {
  const last = entry.slice(entry.lastIndexOf('/') + 1);
  return last.includes(':') || last.includes('@');
}

/** Whether the single allow-list entry `entry` admits `image` (see the file comment). */
export function imageAllowedBy(image: string, entry: string): boolean {
  if (entry === '') return false;
  if (entry.endsWith('/')) return image.startsWith(entry);
  if (isPinned(entry)) return image === entry;
  if (image === entry || image.startsWith(`${entry}/`)) return true;
  return [':', '@'].some((sep) => image.startsWith(entry + sep) && !image.slice(entry.length + 1).includes('/'));
}

/** Whether any entry admits the image. */
export function imageAllowed(image: string, entries: readonly string[]): boolean {
  return entries.some((entry) => imageAllowedBy(image, entry));
}
