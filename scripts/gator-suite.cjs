#!/usr/bin/env node
// Regenerates the gator suite (policy-tests/k8sallowedrepos/) from the policy case table
// (charts/policy/allowed-repos-cases.ts). esbuild transpiles charts/policy/gator-suite.ts in
// memory (packages stay external); this script writes the files and removes stale ones.
// __tests__/policy/gator-suite.spec.ts fails when the committed suite differs from this output.
'use strict';
const { mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync, existsSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const { loadTs, root } = require('./load-ts.cjs');

const { GATOR_SUITE_DIR, renderGatorSuite } = loadTs('charts/policy/gator-suite.ts');

const dir = join(root, GATOR_SUITE_DIR);
const files = renderGatorSuite();
const listed = (d) =>
  existsSync(d)
    ? readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? listed(join(d, e.name)) : [relative(dir, join(d, e.name))],
      )
    : [];
let changed = 0;
for (const stale of listed(dir).filter((f) => !files.has(f))) {
  rmSync(join(dir, stale));
  changed++;
}
for (const [path, content] of files) {
  const file = join(dir, path);
  if (existsSync(file) && readFileSync(file, 'utf8') === content) continue;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  changed++;
}
process.stdout.write(`${GATOR_SUITE_DIR}: ${files.size} files, ${changed} written or removed\n`);
