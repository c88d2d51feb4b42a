/** `npm run conformance` (scripts/conformance.cjs): the runner with the real suites, engines and builds. */
import { ensureBuilt } from './build';
import { ENGINES } from './engines';
import { main, type Io } from './main';
import { SUITES } from './suites';

export function conformance(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io, root: string): Promise<number> {
  return main(argv, env, io, root, { suites: SUITES, engines: ENGINES, build: ensureBuilt });
}
