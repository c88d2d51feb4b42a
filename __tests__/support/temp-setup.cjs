// jest globalSetup: every test process (workers and the commands they spawn) gets a private,
// empty TMPDIR, so the teardown can tell exactly what the tests left behind.
'use strict';
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aks-day2-jest-'));
  process.env.AKS_DAY2_JEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
};
