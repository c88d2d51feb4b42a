// jest globalSetup: every test process (workers and the commands they spawn) gets a private,
// empty TMPDIR, so the teardown can tell exactly what the tests left behind. And the command's
// bundles are built once, here: otherwise every test that starts `scripts/run.cjs` at the same
// moment on a fresh checkout would build them too.
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'run.cjs'), '--help'], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'aks-day2-jest-'));
  process.env.AKS_DAY2_JEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
};
