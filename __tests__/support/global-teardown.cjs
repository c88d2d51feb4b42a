// jest globalTeardown: fails the run when a test left anything in the temp directory
// (a test must remove what it creates), then removes the private TMPDIR either way.
'use strict';
const { readdirSync, rmSync } = require('node:fs');

module.exports = async () => {
  const dir = process.env.AKS_DAY2_JEST_TMPDIR;
  if (!dir) return;
  // jest's own cache and haste map live under TMPDIR/jest_*; they are jest's, not a test's.
  const left = readdirSync(dir).filter((name) => !name.startsWith('jest_'));
  rmSync(dir, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(`tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp directory: ${left.sort().join(', ')}`);
  }
};
