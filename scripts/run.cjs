#!/usr/bin/env node
// Runs aks-day2's TypeScript entrypoint without a slow compile step: esbuild transpiles
// main.ts and what it imports into one CommonJS file (packages stay external, so provider
// classes load by deep path as written), then this process calls its exported main().
//
// @kubernetes/client-node, which only verify's transport uses, is the one package bundled, into
// a file of its own (.build/client-node.js, from verify/client-node.ts, which names what verify
// uses): loaded as the ES module it ships as, its ~2,500 generated model files take about 1 s;
// as one CommonJS file, about 0.25 s. The main bundle requires it when verify connects (the
// transport is imported lazily), so synth never pays for it, and this project's own classes
// (KubeApiError) exist once.
//
// Bundles are rebuilt only when one of their source files (or tsconfig.json, this script or
// package-lock.json) is newer than they are: a build costs about 0.25 s (the transport's first
// about 1 s), and tests start this command dozens of times. Type checking is separate:
// `npm run typecheck`.
'use strict';
const { build } = require('esbuild');
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const outdir = join(root, '.build');
const VENDORED = 'client-node';

/** The bundle exists and no file it was built from changed since. */
function upToDate(outfile) {
  try {
    const built = statSync(outfile).mtimeMs;
    const inputs = JSON.parse(readFileSync(`${outfile}.inputs.json`, 'utf8'));
    // package-lock.json: a package upgrade changes it, and the transport bundle holds packages.
    const watched = [...inputs, 'tsconfig.json', 'scripts/run.cjs', 'package-lock.json'];
    return watched.every((f) => statSync(join(root, f)).mtimeMs < built);
  } catch {
    return false;
  }
}

/**
 * Build to private files, then rename: concurrent runs (parallel tests) never read a
 * half-written bundle. The input list is written after the bundle, so a reader that sees the
 * new list also sees the new bundle.
 */
async function bundle(entry, outfile, options) {
  if (upToDate(outfile)) return;
  mkdirSync(outdir, { recursive: true });
  const tmp = `${outfile}.${process.pid}.tmp`;
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'warning',
    ...options,
  });
  renameSync(tmp, outfile);
  const inputs = Object.keys(metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
  writeFileSync(`${outfile}.inputs.json.${process.pid}.tmp`, JSON.stringify(inputs.sort()));
  renameSync(`${outfile}.inputs.json.${process.pid}.tmp`, `${outfile}.inputs.json`);
}

/** `./client-node` (verify/client-node.ts) in the main bundle is the bundle beside main.js. */
const vendoredClientNode = {
  name: 'vendored-client-node',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^\\./${VENDORED}$`) }, () => ({ path: `./${VENDORED}.js`, external: true }));
  },
};

async function run() {
  const main = join(outdir, 'main.js');
  await bundle('main.ts', main, { packages: 'external', plugins: [vendoredClientNode] });
  // The package and its dependencies in one file. No source map: it would be most of the file,
  // and Node reads it at load time; errors from client-node are described, not printed as stacks.
  await bundle(`verify/${VENDORED}.ts`, join(outdir, `${VENDORED}.js`), { sourcemap: false });
  // Source maps stay off: cdktf captures a stack trace for every token it creates, and mapping
  // their frames made a synth a quarter slower. The bundle keeps its inline map and readable
  // code; `NODE_OPTIONS=--enable-source-maps` maps a crash's stack to the TypeScript.
  return require(main).main(process.argv.slice(2), process.env);
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`aks-day2: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);
