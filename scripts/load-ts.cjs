// Loads one of the project's TypeScript modules from a plain node script: esbuild bundles it in
// memory (packages stay external, as in scripts/run.cjs) and the result is evaluated as CommonJS.
'use strict';
const { buildSync } = require('esbuild');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');

/** The exports of `relativePath` (from the repository root). */
function loadTs(relativePath) {
  const entry = join(root, relativePath);
  const { outputFiles } = buildSync({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    logLevel: 'warning',
  });
  const mod = { exports: {} };
  // __dirname and __filename are the entry's: bundled code that uses them (test helpers finding
  // their fixtures) sits beside it.
  new Function('module', 'exports', 'require', '__filename', '__dirname', outputFiles[0].text)(mod, mod.exports, createRequire(entry), entry, dirname(entry));
  return mod.exports;
}

module.exports = { loadTs, root };
