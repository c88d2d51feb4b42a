/**
 * The allowed-registries match rule, in TypeScript, and its authoritative description. The
 * policy itself is CEL (charts/policy/allowed-repos-cel.ts); this copy serves the places that
 * must predict it without a CEL engine: config validation (is the smoke image admitted where it
 * runs?), `verify` (which images to probe with), the synth warnings (config/policy-warnings.ts),
 * and the Azure Policy regex generated from the same allow-list. __tests__/policy checks that
 * this file, the CEL under two CEL engines and the case table
 * (charts/policy/allowed-repos-cases.ts) agree on every image.
 *
 * **One spelling per image.** Images and entries are compared in the container runtime's normal
 * form, so every spelling of one image is judged alike: `busybox:1.36`, `library/busybox:1.36`,
 * `docker.io/busybox:1.36` and `index.docker.io/library/busybox:1.36` are all
 * `docker.io/library/busybox:1.36`, which containerd pulls for each of them. The normal form is
 * github.com/distribution/reference's (v0.6.0 normalize.go, splitDockerDomain), which containerd
 * and the kubelet use: the part before the first `/` is a registry if it contains `.` or `:`, is
 * `localhost` or has an upper-case letter; otherwise, or without a `/`, the registry is
 * `docker.io` (`index.docker.io` is `docker.io` too); on `docker.io` a name of one component
 * gets `library/`. Beyond that, comparison is of the strings as written: case-sensitive, no
 * default tag (`busybox` is not `busybox:latest`).
 *
 * An entry, normalized the same way, is one of four kinds, decided by the entry alone:
 *
 *  1. Empty: admits nothing (upstream's plain prefix match let `""` admit every image).
 *  2. Ends in `/` (`myacr.azurecr.io/`, `reg.io:5000/team/`, `kevingbb/` = `docker.io/kevingbb/`):
 *     a path prefix. Admits every image that starts with it.
 *  3. Pinned: the part after the last `/` contains `:` or `@`, that is the entry carries a tag,
 *     a digest or both (`docker.io/library/busybox:1.36`, `nginx@sha256:…`,
 *     `busybox:1.36@sha256:…`). Admits exactly the entry and nothing else:
 *       - `busybox:1.36` refuses `busybox:1.36.1` and `busybox:1.36-evil` (a longer tag), and
 *         `busybox:1.36@sha256:<any>` (the runtime pulls the digest and ignores the tag, so a
 *         digest after a pinned tag could pull anything); list `busybox:1.36@sha256:<d>` to
 *         admit that digest;
 *       - `nginx@sha256:<d>` refuses `nginx:1.27@sha256:<d>` (not the same string).
 *  4. Anything else (`myacr.azurecr.io/app`, `cr.l5d.io/linkerd/proxy`): a repository or path
 *     without tag or digest. Admits an image that
 *       - equals the entry, or
 *       - continues it after `/` (a path below it), or
 *       - continues it after `:` (a tag) or `@` (a digest) with no `/` in the rest.
 *     A Docker Hub name of one component written without a registry (`kevingbb`, as the runbook
 *     writes it) means, as it did under upstream's prefix match, both the image of that name
 *     (`docker.io/library/kevingbb`, its tags and digests) and everything in the Docker Hub
 *     namespace of that name (`docker.io/kevingbb/…`): `kevingbb` admits `kevingbb/app`,
 *     `kevingbb:1.0`, `kevingbb/app@sha256:…`, but not `kevingbbevil/app` (upstream's bypass).
 *
 * The config refuses an entry that looks like a registry but has no `/` (`myacr.azurecr.io`,
 * `localhost:5000`): as an image name it would be the Docker Hub image of that name.
 */

export const DOCKER_HUB = 'docker.io';
/** The legacy name of Docker Hub's registry, the same registry. */
export const DOCKER_HUB_LEGACY = 'index.docker.io';
/** The namespace of Docker Hub's official images. */
export const OFFICIAL = 'library/';

/**
 * Whether the part before the first `/` names a registry (distribution/reference's rule): it is
 * `localhost`, or has a `.` or `:`, or an upper-case letter (Go's strings.ToLower there; here
 * A-Z, as in the CEL and the regex: a name with other letters cannot be pulled at all).
 */
export function isRegistry(component: string): boolean {
  return component === 'localhost' || /[.:A-Z]/.test(component);
}

/** The runtime's normal form of an image reference (see the file comment); '' stays ''. */
export function normalizeImage(image: string): string {
  if (image === '') return '';
  const slash = image.indexOf('/');
  if (slash < 0) return `${DOCKER_HUB}/${OFFICIAL}${image}`;
  const first = image.slice(0, slash);
  if (!isRegistry(first)) return `${DOCKER_HUB}/${image}`;
  if (first !== DOCKER_HUB && first !== DOCKER_HUB_LEGACY) return image;
  const rest = image.slice(slash + 1);
  return `${DOCKER_HUB}/${rest.includes('/') || rest === '' ? rest : OFFICIAL + rest}`;
}

/** Whether the entry carries a tag or a digest: `:` or `@` after its last `/`. */
export function isPinned(entry: string): boolean {
  const last = entry.slice(entry.lastIndexOf('/') + 1);
  return last.includes(':') || last.includes('@');
}

/**
 * An entry in normal form: one entry, or two for a one-component Docker Hub name not written
 * with `library/` (`kevingbb`, `docker.io/kevingbb` → the image `docker.io/library/kevingbb`
 * and the namespace `docker.io/kevingbb/`); none for an empty one. The CEL's normalRepos
 * (charts/policy/allowed-repos-cel.ts) is the same rule; the policy grid compares them.
 */
export function normalizeEntry(entry: string): string[] {
  if (entry === '') return [];
  if (entry.includes('/')) {
    if (entry.endsWith('/') && entry.indexOf('/') === entry.length - 1) {
      // `name/`: a registry (`myacr.azurecr.io/`) or a Docker Hub namespace (`kevingbb/`).
      const first = entry.slice(0, -1);
      if (!isRegistry(first)) return [`${DOCKER_HUB}/${entry}`];
      return [first === DOCKER_HUB_LEGACY ? `${DOCKER_HUB}/` : entry];
    }
    const normal = normalizeImage(entry);
    // `docker.io/kevingbb` is written with its registry, but means what `kevingbb` means;
    // `library/kevingbb` and `docker.io/library/kevingbb` name the official image only.
    const rest = normal.slice(`${DOCKER_HUB}/${OFFICIAL}`.length);
    const writtenOfficial = entry.startsWith(OFFICIAL) || entry.includes(`/${OFFICIAL}`);
    const hubName = normal.startsWith(`${DOCKER_HUB}/${OFFICIAL}`) && !writtenOfficial && !isPinned(rest) && !isRegistry(rest);
    return hubName ? [normal, `${DOCKER_HUB}/${rest}/`] : [normal];
  }
  const library = `${DOCKER_HUB}/${OFFICIAL}${entry}`;
  return isPinned(entry) || isRegistry(entry) ? [library] : [library, `${DOCKER_HUB}/${entry}/`];
}

/** The allow-list in normal form: each entry normalized, in order, without repeats. */
export function normalizeEntries(entries: readonly string[]): string[] {
  return [...new Set(entries.flatMap(normalizeEntry))];
}

/** The rule of the file comment for an image and an entry both in normal form. */
export function normalAdmits(image: string, entry: string): boolean {
  if (entry === '' || image === '') return false;
  if (entry.endsWith('/')) return image.startsWith(entry);
  if (isPinned(entry)) return image === entry;
  if (image === entry || image.startsWith(`${entry}/`)) return true;
  return [':', '@'].some((sep) => image.startsWith(entry + sep) && !image.slice(entry.length + 1).includes('/'));
}

/** Whether the single allow-list entry `entry` admits `image` (see the file comment). */
export function imageAllowedBy(image: string, entry: string): boolean {
  const normal = normalizeImage(image);
  return normalizeEntry(entry).some((e) => normalAdmits(normal, e));
}

/** Whether any entry admits the image. */
export function imageAllowed(image: string, entries: readonly string[]): boolean {
  return entries.some((entry) => imageAllowedBy(image, entry));
}
