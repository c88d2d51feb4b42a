/** The real command lines (`synth/*.spec.ts`: synth, --check, several clusters, the cdk8s CLI, the project's settings files), in one module registry (see support/specs.ts). */
import { join } from 'node:path';
import { loadSpecs } from './support/specs';

loadSpecs(join(__dirname, 'synth'));
