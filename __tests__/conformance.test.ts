/** The pure parts of `npm run conformance` (`conformance/*.spec.ts`): building what the engines judge and reading what they answer, on output captured from the real binaries; no engine runs here. One module registry (see support/specs.ts). */
import { join } from 'node:path';
import { loadSpecs } from './support/specs';

loadSpecs(join(__dirname, 'conformance'));
