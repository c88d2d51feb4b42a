#!/usr/bin/env node
// Runs aks-day2's TypeScript entrypoint without a slow compile step: esbuild transpiles
// main.ts and what it imports into one CommonJS file (packages stay external, so provider
// classes load by deep path as written), then this process calls its exported main().
// The bundle is rebuilt only when one of its source files (or tsconfig.json) is newer than it:
// a build costs about 0.25 s, and tests start this command dozens of times.
// Type checking is separate: `npm run typecheck`.
'use strict';
const { buildSync } = require('esbuild');
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const outdir = join(root, '.build');
const outfile = join(outdir, 'main.js');
const inputsFile = join(outdir, 'main.inputs.json');

/** The bundle exists and no file it was built from changed since. */
function upToDate() {
  try {
    const built = statSync(outfile).mtimeMs;
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    return [...inputs, 'tsconfig.json', 'scripts/run.cjs'].every((f) => statSync(join(root, f)).mtimeMs < built);
  } catch {
    return false;
  }
}

if (!upToDate()) {
  // Build to private files, then rename: concurrent runs (parallel tests) never read a
  // half-written bundle. The input list is written after the bundle, so a reader that sees the
  // new list also sees the new bundle.
  const tmp = `${outfile}.${process.pid}.tmp`;
  mkdirSync(outdir, { recursive: true });
  const { metafile } = buildSync({
    absWorkingDir: root,
    entryPoints: ['main.ts'],
    outfile: tmp,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'warning',
  });
  renameSync(tmp, outfile);
  writeFileSync(`${inputsFile}.${process.pid}.tmp`, JSON.stringify(Object.keys(metafile.inputs).sort()));
  renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
}
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
