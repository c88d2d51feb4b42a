/** verify --azure: the Azure checks with the real Azure SDK against a local fake of Azure (`azure/*.spec.ts`), in one module registry (see support/specs.ts). */
import { join } from 'node:path';
import { loadSpecs } from './support/specs';

loadSpecs(join(__dirname, 'azure'));
