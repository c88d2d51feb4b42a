#!/usr/bin/env node
// Runs aks-day2's TypeScript entrypoint without a slow compile step: esbuild transpiles
// main.ts and what it imports into one CommonJS file (packages stay external, so provider
// classes load by deep path as written), then this process calls its exported main().
// Type checking is separate: `npm run typecheck`.
'use strict';
const { buildSync } = require('esbuild');
const { mkdirSync, renameSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const outdir = join(root, '.build');
const outfile = join(outdir, 'main.js');
// Build to a private file, then rename: concurrent runs (parallel tests) never read a half-written bundle.
const tmp = `${outfile}.${process.pid}.tmp`;
mkdirSync(outdir, { recursive: true });
buildSync({
  absWorkingDir: root,
  entryPoints: ['main.ts'],
  outfile: tmp,
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
});
renameSync(tmp, outfile);
process.setSourceMapsEnabled(true);

require(outfile)
  .main(process.argv.slice(2), process.env)
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`aks-day2: ${err && err.stack ? err.stack : err}\n`);
      process.exitCode = 1;
    },
  );
