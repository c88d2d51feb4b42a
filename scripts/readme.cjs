#!/usr/bin/env node
// `npm run readme`: re-renders the generated lists in README.md from the code (lib/readme.ts).
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { loadTs, root } = require('./load-ts.cjs');

const { renderReadme } = loadTs('lib/readme.ts');
const path = join(root, 'README.md');
const before = readFileSync(path, 'utf8');
const after = renderReadme(before);
if (after !== before) writeFileSync(path, after);
process.stdout.write(`README.md: ${after === before ? 'up to date' : 'generated lists rewritten'}\n`);
