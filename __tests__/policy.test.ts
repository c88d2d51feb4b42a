/** The allowed-registries policy: the rule, both CEL engines, the charts and the gator suite (`policy/*.spec.ts`), in one module registry (see support/specs.ts). */
import { join } from 'node:path';
import { loadSpecs } from './support/specs';

loadSpecs(join(__dirname, 'policy'));
