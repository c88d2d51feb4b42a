/** The real command lines (`synth/*.spec.ts`: synth, --check, several clusters, the project's settings files; the cdk8s CLI and signals are in processes.test.ts), in one module registry (see support/specs.ts). */
import { join } from 'node:path';
import { loadSpecs } from './support/specs';

loadSpecs(join(__dirname, 'synth'));
