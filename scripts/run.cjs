#!/usr/bin/env node
// Runs aks-day2's TypeScript entrypoint without a slow compile step: esbuild bundles main.ts,
// what it imports and the packages they use into one CommonJS file, then this process calls its
// exported main(). Provider classes are imported by deep path (stacks/terraform-classes.ts), so
// the bundle holds the few classes used, not all ~1,500; and one file loads in a fraction of
// the time Node takes to resolve and compile the ~800 files it replaces (a synth: 1.0 s → 0.6 s).
//
// @kubernetes/client-node, which only verify's transport uses, goes into a bundle of its own
// (.build/client-node.js, from verify/client-node.ts, which names what verify uses): loaded as
// the ES module it ships as, its ~2,500 generated model files take about 1 s; as one CommonJS
// file, about 0.25 s. The main bundle requires it when verify connects (the transport is
// imported lazily), so synth never parses it, and this project's own classes (KubeApiError)
// exist once.
//
// The Azure SDK, which only `verify --azure` uses, goes into a third bundle (.build/azure-sdk.js,
// from verify/azure/sdk.ts), built only when the command line has --azure: about 7 MB that
// takes 1.5 s to build and 0.4 s to load, which no other command pays. Some of its packages ship
// only ES modules that read import.meta.url; the banner gives them the bundle's own URL.
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
const AZURE_SDK = 'azure-sdk';

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
    // No source map: the code stays readable (not minified), and a map is most of a bundle's
    // size. cdktf captures a stack trace for every token it creates; mapping their frames
    // made a synth a quarter slower.
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
    ...options,
  });
  renameSync(tmp, outfile);
  const inputs = Object.keys(metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
  writeFileSync(`${outfile}.inputs.json.${process.pid}.tmp`, JSON.stringify(inputs.sort()));
  renameSync(`${outfile}.inputs.json.${process.pid}.tmp`, `${outfile}.inputs.json`);
}

/**
 * `./client-node` (verify/client-node.ts) and `./sdk` (verify/azure/sdk.ts) in the main bundle
 * are the bundles beside main.js.
 */
const vendored = {
  name: 'vendored',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^\\./${VENDORED}$`) }, () => ({ path: `./${VENDORED}.js`, external: true }));
    b.onResolve({ filter: /^\.\/sdk$/ }, (args) =>
      args.importer.replace(/\\/g, '/').endsWith('verify/azure/sdk-api.ts') ? { path: `./${AZURE_SDK}.js`, external: true } : undefined,
    );
  },
};

async function run() {
  const main = join(outdir, 'main.js');
  await bundle('main.ts', main, { plugins: [vendored] });
  await bundle(`verify/${VENDORED}.ts`, join(outdir, `${VENDORED}.js`), {});
  if (process.argv.slice(2).includes('--azure')) {
    await bundle('verify/azure/sdk.ts', join(outdir, `${AZURE_SDK}.js`), {
      define: { 'import.meta.url': '__bundle_url' },
      banner: { js: 'var __bundle_url = require("node:url").pathToFileURL(__filename).href;' },
    });
  }
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
