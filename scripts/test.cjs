#!/usr/bin/env node
// `npm test`: the type check (tsc --noEmit, TypeScript 7) and every jest suite, run side by side
// rather than one after the other: the type check takes about a second of one core while jest's
// workers start. tsc runs single-threaded: on 2 cores beside jest its parallel checkers only add
// CPU (measured: a cold check 4.4 -> 2.3 CPU-s, a warm one 1.6 -> 1.3), and its wall time is
// hidden behind jest's either way. Arguments go to jest (`npm test -- -u`, `npm test -- <pattern>`).
// Exits non-zero if either fails; the type check's errors are printed after jest's output.
'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

const tsc = spawn(bin('tsc'), ['--noEmit', '-p', '.', '--singleThreaded'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
let typeErrors = '';
tsc.stdout.on('data', (d) => (typeErrors += d));
tsc.stderr.on('data', (d) => (typeErrors += d));
const typecheck = new Promise((resolve) => tsc.on('close', resolve));

const jest = spawn(bin('jest'), process.argv.slice(2), { cwd: root, stdio: 'inherit' });
const tests = new Promise((resolve) => jest.on('close', resolve));

// Ctrl-C reaches both through the terminal's process group; a CI cancel (SIGTERM) is passed on.
process.on('SIGTERM', () => {
  tsc.kill('SIGTERM');
  jest.kill('SIGTERM');
});

Promise.all([typecheck, tests]).then(([tscCode, jestCode]) => {
  if (tscCode !== 0) process.stderr.write(`\nnpm test: the type check (tsc --noEmit -p . --singleThreaded) failed:\n${typeErrors}`);
  process.exitCode = jestCode !== 0 ? jestCode || 1 : tscCode !== 0 ? tscCode || 1 : 0;
});
