/** The cdktf stacks, one spec per construct (`stacks/*.spec.ts`), in one module registry (see support/specs.ts). */
import { join } from 'node:path';
import { loadSpecs } from './support/specs';

loadSpecs(join(__dirname, 'stacks'));
