/** The smoke tests: the chart and its script run under dash and busybox (`smoke/*.spec.ts`), in one module registry (see support/specs.ts). */
import { join } from 'node:path';
import { loadSpecs } from './support/specs';

loadSpecs(join(__dirname, 'smoke'));
