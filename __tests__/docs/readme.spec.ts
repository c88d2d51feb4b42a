/** README.md's generated lists are what the code enforces (lib/readme.ts renders them). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { README_SECTIONS, readmeSections, renderReadme } from '../../lib/readme';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

test('every generated list in README.md is up to date (fix: npm run readme)', () => {
  expect(renderReadme(README)).toBe(README);
});

test('every generator is used in README.md, once', () => {
  expect(readmeSections(README).sort()).toEqual(Object.keys(README_SECTIONS).sort());
});

test('a stale list is found', () => {
  const stale = README.replace(/(<!-- generated:log-categories -->)[^<]*/, '$1`kube-audit`');
  expect(renderReadme(stale)).not.toBe(stale);
  expect(renderReadme(stale)).toBe(README);
});
