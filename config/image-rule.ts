/**
 * The allowed-registries match rule, in TypeScript. The policy itself is CEL
 * (charts/policy/allowed-repos-cel.ts); this copy serves the places that must predict it
 * without a CEL engine: config validation (is the smoke image admitted where it runs?) and
 * `verify` (which images to probe with). __tests__/policy checks the two agree on every case.
 *
 * An entry admits an image equal to it, or continuing it after `/`; or after `:` (a tag) or
 * `@` (a digest) with no `/` following (so `kevingbb` does not admit `kevingbb:5000/x`, a
 * registry on port 5000). An entry ending in `/` admits whatever continues it. An empty entry
 * admits nothing.
 */
export function imageAllowedBy(image: string, entry: string): boolean {
  if (entry === '') return false;
  if (image === entry) return true;
  if (entry.endsWith('/')) return image.startsWith(entry);
  if (image.startsWith(`${entry}/`)) return true;
  return [':', '@'].some((sep) => image.startsWith(entry + sep) && !image.slice(entry.length + 1).includes('/'));
}

/** Whether any entry admits the image. */
export function imageAllowed(image: string, entries: readonly string[]): boolean {
  return entries.some((entry) => imageAllowedBy(image, entry));
}
