#!/usr/bin/env node
// `npm run conformance`: bundles conformance/main.ts with esbuild (packages stay external, as in
// scripts/load-ts.cjs) and runs it. See conformance/main.ts and the README's "Conformance".
'use strict';
const { loadTs, root } = require('./load-ts.cjs');

const { conformance } = loadTs('conformance/cli.ts');
const io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
conformance(process.argv.slice(2), process.env, io, root).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`conformance: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);
