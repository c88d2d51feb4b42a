/**
 * Real child processes that take their time (`processes/*.spec.ts`: the cdk8s CLI running this
 * app, and synth interrupted by signals), in a file of their own so that jest runs them beside
 * the other whole-process tests (synth.test.ts) on the second core rather than after them.
 */
import { join } from 'node:path';
import { loadSpecs } from './support/specs';

loadSpecs(join(__dirname, 'processes'));
