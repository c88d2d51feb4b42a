/** The suites `npm run conformance` runs, in order. */
import type { Suite } from './suite';
import { kubeSuite } from './kube';
import { tofuSuite } from './tofu';

export const SUITES: readonly Suite[] = [tofuSuite, kubeSuite];
