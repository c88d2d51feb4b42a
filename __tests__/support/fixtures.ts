import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const parsed = new Map<string, unknown>();

/**
 * A fresh, mutable copy of the config fixture `__tests__/fixtures/<name>`, as plain data: the
 * YAML is parsed once per test file (hundreds of tests each change one field of it).
 */
export function fixtureDoc(name: string): any {
  let doc = parsed.get(name);
  if (doc === undefined) parsed.set(name, (doc = parse(readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8'))));
  return structuredClone(doc);
}
