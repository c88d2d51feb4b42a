/** The suites `npm run conformance` runs, in order. */
import { gatorSuite } from './gator';
import { kubeSuite } from './kube';
import { opaSuite } from './opa';
import type { Suite } from './suite';
import { tofuSuite } from './tofu';

export const SUITES: readonly Suite[] = [tofuSuite, kubeSuite, opaSuite, gatorSuite];
