/** The fleet config's committed output: dist/ drift and one Terraform snapshot per cluster (`fleet/*.spec.ts`), in one module registry (see support/specs.ts). */
import { join } from 'node:path';
import { loadSpecs } from './support/specs';

loadSpecs(join(__dirname, 'fleet'));
