/** The CLI settings files and pins that a user's `npx cdktf …`, `npx cdk8s …` and `npm ci` rely on. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './run';

const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

test('cdktf.json runs the same entrypoint, Terraform part only', () => {
  expect(JSON.parse(read('cdktf.json')).app).toBe('node scripts/run.cjs synth --only terraform');
});

test('cdk8s.yaml never points the CLI at dist/: `cdk8s synth` deletes its output folder first', () => {
  const cdk8s = parse(read('cdk8s.yaml'));
  // Objects only: `cdk8s synth --stdout` prints every file the app writes.
  expect(cdk8s.app).toBe('node scripts/run.cjs synth --only kubernetes --objects-only');
  expect(cdk8s.output.replace(/\/+$/, '')).not.toBe('dist');
  expect(read('.gitignore').split('\n')).toContain(`${cdk8s.output.replace(/\/+$/, '')}/`);
});

test('the toolchain is pinned exactly; TypeScript 7 only type-checks (nothing needs its JS compiler API)', () => {
  const pkg = JSON.parse(read('package.json'));
  const all = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>;
  const floating = Object.entries(all).filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v));
  expect(floating).toEqual([]);
  // TypeScript 7 (native) checks the same tsconfig ~6x faster than 5; it has no JS compiler
  // API, so nothing may depend on one: jest transpiles with swc, synth with esbuild.
  expect(all.typescript).toMatch(/^7\./);
  expect(Object.keys(all).filter((d) => ['ts-jest', 'ts-node', 'tsx'].includes(d))).toEqual([]);
  expect(all.cdktf).toBe('0.21.0');
  expect(all['@cdktf/provider-azurerm']).toBe('14.23.1');
});

test('CI runs the README test command after a clean install', () => {
  const ci = read('.ci/run');
  expect(ci).toMatch(/^npm ci\b/m);
  expect(ci).toMatch(/^npm test$/m);
  expect(read('README.md')).toContain('```sh\nnpm ci && npm run synth\nnpm test\n```');
});

test('every *.spec.ts is run: its folder has an <area>.test.ts beside it that loads the folder', () => {
  const specs = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? specs(join(dir, e.name)) : e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
    );
  const folders = [...new Set(specs('__tests__').map((f) => dirname(f)))];
  expect(folders.length).toBeGreaterThan(0);
  for (const folder of folders) {
    const aggregator = `${folder}.test.ts`;
    expect({ folder, loads: existsSync(join(ROOT, aggregator)) && /loadSpecs\(join\(__dirname, '[^']+'\)\)/.test(read(aggregator)) }).toEqual({
      folder,
      loads: true,
    });
  }
});

test('the jest sequencer orders test files that exist (a renamed file would lose its place)', () => {
  const { ORDER } = require('../support/sequencer.cjs') as { ORDER: string[] };
  expect(ORDER.filter((file) => !existsSync(join(ROOT, '__tests__', file)))).toEqual([]);
  expect(new Set(ORDER).size).toBe(ORDER.length);
});
