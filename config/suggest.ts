import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';

/**
 * "Did you mean …?" for a misspelt key or name: the closest candidate, compared without case,
 * when it is close enough to be a typo (at most a third of the word's letters off, and at
 * least 1 and at most `maxEdits` edits). Undefined when nothing is that close, so a genuinely
 * unknown word gets no misleading hint, and when two candidates are equally close (`RBAC Owner`
 * is as far from `RBAC Reader` as from `RBAC Writer`): a coin toss is no hint either.
 */
export function closest(word: string, candidates: Iterable<string>, maxEdits = 3): string | undefined {
  const w = word.trim().toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  let tied = false;
  for (const candidate of candidates) {
    const d = distance(w, candidate.trim().toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      tied = false;
    } else if (d === bestDistance) {
      tied = true;
    }
  }
  const allowed = Math.min(maxEdits, Math.max(1, Math.floor(w.length / 3)));
  return best !== undefined && !tied && bestDistance <= allowed ? best : undefined;
}

/** ` (did you mean "x"?)`, or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}

/**
 * The keys an object schema accepts at `path` (the path of the object, as zod reports an
 * unrecognized key), looking through optional, array and pipe wrappers.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  const unwrap = (s: z.ZodType | undefined): z.ZodType | undefined => {
    let cur = s;
    for (let i = 0; cur && i < 10; i++) {
      const def = cur._zod.def as unknown as { type: string; innerType?: z.ZodType; in?: z.ZodType };
      if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') cur = def.innerType;
      else if (def.type === 'pipe') cur = def.in;
      else break;
    }
    return cur;
  };
  for (const key of path) {
    node = unwrap(node);
    const def = node?._zod.def as unknown as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType } | undefined;
    if (def?.type === 'object' && typeof key === 'string') node = def.shape?.[key];
    else if (def?.type === 'array' && typeof key === 'number') node = def.element;
    else return [];
  }
  const def = unwrap(node)?._zod.def as unknown as { type: string; shape?: Record<string, z.ZodType> } | undefined;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}
