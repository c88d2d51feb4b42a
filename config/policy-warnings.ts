import { isPinned } from './image-rule';

/**
 * Warnings (not errors) about allow-list entries that only made sense under upstream's plain
 * prefix match, where `nginx:1.2` also admitted `nginx:1.25` and `reg.io/team-` admitted
 * `reg.io/team-a/app`. Under this project's rule (config/image-rule.ts) such entries admit far
 * less than their author probably meant; cross-field.ts reports them among the config's
 * warnings (with field path and line), and synth prints them on stderr and carries on.
 */

/** Digest lengths of the algorithms the OCI image spec registers. */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

/** Why `entry` relied on a partial-segment prefix, or undefined when it did not. */
export function entryWarning(entry: string): string | undefined {
  const last = entry.slice(entry.lastIndexOf('/') + 1);
  if (/[-_.:@]$/.test(entry)) {
    return (
      `ends in "${entry.at(-1)}", in the middle of a name: upstream's prefix match admitted anything that continued it ` +
      `(e.g. "${entry}x/app"); this rule admits only the entry itself and what follows it after "/", ":" or "@". ` +
      'List the full names, or end the entry in "/" for everything below a path'
    );
  }
  const at = last.indexOf('@');
  if (at >= 0) {
    const [algorithm = '', hex = ''] = last.slice(at + 1).split(':');
    if (DIGEST_HEX_LENGTH[algorithm] !== hex.length || !/^[0-9a-f]+$/.test(hex)) {
      return (
        'pins an incomplete digest: upstream\'s prefix match admitted every digest starting with it; ' +
        'a pinned entry admits exactly itself, so list the full digest'
      );
    }
    return undefined;
  }
  if (isPinned(entry)) {
    const repo = entry.slice(0, entry.length - last.length) + last.slice(0, last.indexOf(':'));
    const tag = last.slice(last.indexOf(':') + 1);
    const port = !entry.includes('/') && /^\d+$/.test(tag) ? ` If "${repo}" is a registry on port ${tag}, write "${entry}/".` : '';
    return (
      `pins the tag "${tag}": it admits exactly "${entry}". Upstream's prefix match also admitted longer tags ` +
      `("${entry}.1", "${entry}-x") and "${entry}@sha256:…" (the digest decides what is pulled), which are now refused. ` +
      `List each tag (or tag@digest) you run, or "${repo}" for all its tags.${port}`
    );
  }
  return undefined;
}
