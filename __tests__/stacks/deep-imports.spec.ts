/**
 * Provider classes are imported by deep path only: a root import of a provider package loads
 * every resource class it has (~3 s and ~1 GB for azurerm). And inside stacks/, only
 * terraform-classes.ts names a provider package, so switching provider builds is one file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './helpers';

const SKIP_DIRS = new Set(['node_modules', '.build', '.git', 'cdktf.out', 'dist', 'coverage', '.gen']);
const SOURCE = /\.(?:ts|cts|mts|js|cjs|mjs)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : sourceFiles(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

// Built from parts so this file's own text never matches what it looks for.
const Q = `['"\`]`;
const PROVIDERS = ['azurerm', 'azuread', 'dns'].join('|');
/** `from '…'`, `require('…')`, `import('…')` or `import '…'` of a provider package's root. */
export const ROOT_IMPORT = new RegExp(
  `(?:\\bfrom\\s*|\\brequire\\s*\\(\\s*|\\bimport\\s*\\(\\s*|\\bimport\\s+)${Q}@cdktf/provider-(?:${PROVIDERS})${Q}`,
);
/** Files allowed a root import, and why. */
const ALLOWED: Readonly<Record<string, string>> = {
  // Runs `node -e "require(<root>)"` in a child process to print the cost this rule avoids.
  [join('scripts', 'bench.cjs')]: 'reference measurement of the root import',
};
const ANY_PROVIDER_PACKAGE = new RegExp(`${Q}@cdktf/provider-`);

describe('deep provider imports', () => {
  const files = sourceFiles(ROOT);
  const rel = (f: string) => relative(ROOT, f);

  test('the pattern catches root imports and lets deep ones through', () => {
    const pkg = (p: string) => `'@cdktf/provider-${p}'`;
    expect(ROOT_IMPORT.test(`import { RoleAssignment } from ${pkg('azurerm')};`)).toBe(true);
    expect(ROOT_IMPORT.test(`import * as azuread from ${pkg('azuread')}`)).toBe(true);
    expect(ROOT_IMPORT.test(`const dns = require(${pkg('dns')});`)).toBe(true);
    expect(ROOT_IMPORT.test(`await import(${pkg('azurerm')})`)).toBe(true);
    expect(ROOT_IMPORT.test(`import { X } from '@cdktf/provider-azurerm/lib/role-assignment';`)).toBe(false);
  });

  test('the scan sees the project', () => {
    expect(files.map(rel)).toEqual(expect.arrayContaining(['main.ts', join('stacks', 'cluster-stack.ts')]));
  });

  test('no source file imports a provider package from its root', () => {
    const offenders = files
      .filter((f) => !(rel(f) in ALLOWED))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .flatMap((line, i) => (ROOT_IMPORT.test(line) ? [`${rel(f)}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });

  test('in stacks/, only terraform-classes.ts names a provider package', () => {
    const naming = files
      .filter((f) => rel(f).startsWith(`stacks${'/'}`) && ANY_PROVIDER_PACKAGE.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(naming).toEqual([join('stacks', 'terraform-classes.ts')]);
  });
});
