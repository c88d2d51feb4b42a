// jest testSequencer: the test files start in a fixed order, the longest first, so that the
// short ones fill the workers at the end and none is left running alone. jest's own order
// comes from the timings of the previous run on this machine, and on a fresh clone (no
// timings yet) from file size, which says nothing about how long a file of loadSpecs() takes.
// A file not listed here (a new one) starts before the listed ones, as jest starts files it
// has no timing for; add it where its time puts it (`npm run bench` prints each file's time).
'use strict';
const { join, relative, sep } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/**
 * Longest first, by each file's time alone (`npm run bench` lists them). policy is the most CPU of
 * any file, so it starts at once rather than last; verify/e2e and smoke wait out the timeouts
 * they test (their child processes sleep), so they start early and their waiting overlaps the
 * other files.
 */
const ORDER = [
  'policy.test.ts',
  'processes.test.ts',
  'verify/e2e.test.ts',
  'synth.test.ts',
  'smoke.test.ts',
  'azure.test.ts',
  'verify.test.ts',
  'config.test.ts',
  'stacks.test.ts',
  'conformance.test.ts',
  'fleet.test.ts',
  'docs.test.ts',
];

/** A test file's path below __tests__/, with forward slashes (as ORDER names it). */
const name = (test) => relative(join(test.context.config.rootDir, '__tests__'), test.path).split(sep).join('/');

class FixedOrder extends Sequencer {
  sort(tests) {
    // indexOf is -1 for a file not in ORDER: it sorts first.
    const rank = (test) => ORDER.indexOf(name(test));
    return [...tests].sort((a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : 1));
  }
}

module.exports = FixedOrder;
module.exports.ORDER = ORDER;
