import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../config/load';
import { fixtureDoc } from '../support/fixtures';

/** The contosofin fixture (what config/fleet.yaml ships with; tests never read the fleet config). */
export const EXAMPLE_PATH = join(__dirname, '..', 'fixtures', 'contosofin.yaml');
export const exampleText = (): string => readFileSync(EXAMPLE_PATH, 'utf8');

/** The example config as a plain object, for tests that change one field. */
export function exampleObject(): any {
  return fixtureDoc('contosofin.yaml');
}

/** Parse an edited example; returns the problems (path → message) or throws if it was valid. */
export function problemsOf(mutate: (config: any) => void): Array<{ path: string; message: string }> {
  const config = exampleObject();
  mutate(config);
  try {
    parseConfig(stringify(config), 'test.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map(({ path, message }) => ({ path, message }));
    throw e;
  }
  throw new Error('expected the config to be rejected, but it was accepted');
}

export function modelOf(mutate: (config: any) => void = () => undefined) {
  const config = exampleObject();
  mutate(config);
  return parseConfig(stringify(config), 'test.yaml');
}
