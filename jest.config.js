const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // See __tests__/support/no-stack-trace.cjs: token creation stacks cost time, not coverage.
  moduleNameMapper: {
    '^\\./(private/|tokens/private/)?stack-trace$': '<rootDir>/__tests__/support/no-stack-trace.cjs',
  },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  // A guard against a hang, not a speed limit: a test on a loaded machine may be slow, never
  // wrong for being slow. (Speed is `npm run bench`'s business.)
  testTimeout: 120000,
  // jest's transform cache lives with the dependencies, not in the system temp folder.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  // One worker more than cores (3 on 2 cores): verify/e2e and smoke spend seconds waiting out
  // the timeouts they test while their child processes sleep, and the extra worker runs another
  // file meanwhile, so no core idles. (A percentage above 100% is read as a number of workers.)
  maxWorkers: availableParallelism() + 1,
  // The longest files first, in a fixed order (also on a fresh clone, where jest has no timings).
  testSequencer: '<rootDir>/__tests__/support/sequencer.cjs',
  // A private TMPDIR per run (the teardown fails the run if a test left something in it), and
  // the command's bundles built before the tests start it.
  globalSetup: '<rootDir>/__tests__/support/global-setup.cjs',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.cjs',
};
