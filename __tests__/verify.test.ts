/** verify in-process: checks, command line, manifests (e2e.test.ts runs the real command on its own) (`verify/*.spec.ts`), in one module registry (see support/specs.ts). */
import { join } from 'node:path';
import { loadSpecs } from './support/specs';

loadSpecs(join(__dirname, 'verify'));
