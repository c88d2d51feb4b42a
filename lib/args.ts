import { parseArgs } from 'node:util';

/** Flag definitions as node:util parseArgs takes them (long names only, plus -h). */
export type FlagSpec = Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>;

type Values<S extends FlagSpec> = { [K in keyof S]?: S[K]['type'] extends 'string' ? string : boolean };

/**
 * node:util parseArgs, strict, with messages a person reads at a prompt: `--cluster needs a
 * value`, `unexpected argument "--nope"`, `--cluster given twice` (parseArgs itself keeps the
 * last value silently, which hides a copy-paste mistake in a pipeline).
 */
export function parseFlags<S extends FlagSpec>(argv: readonly string[], spec: S): { values: Values<S> } | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: false, tokens: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const flag = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1];
    const positional = /Unexpected argument '([^']*)'/.exec(err.message)?.[1];
    switch (err.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        return { error: `unexpected argument "${flag ?? err.message}"` };
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
        return { error: `unexpected argument "${positional ?? err.message}"` };
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
        if (/does not take an argument/.test(err.message)) return { error: `${flag} takes no value` };
        if (/ambiguous/.test(err.message)) {
          return { error: `${flag} needs a value (for a value that starts with "-", write ${flag}=<value>)` };
        }
        return { error: `${flag} needs a value` };
      default:
        return { error: err.message.split('\n')[0] };
    }
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) return { error: `--${token.name} given twice` };
    seen.add(token.name);
    if (spec[token.name]?.type === 'string' && token.value === '') return { error: `--${token.name} needs a value` };
  }
  return { values: parsed.values as Values<S> };
}
