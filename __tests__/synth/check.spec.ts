/**
 * `npm run synth -- --check`: what CI runs instead of `git diff --exit-code dist/`. The pure
 * comparison first, then the real command on a drifted dist/.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderManifests } from '../../charts/render';
import { parseConfig } from '../../config/load';
import { compareDist, formatDistReport, inSync, staleWarnings } from '../../lib/dist-check';
import { writeFiles } from '../../lib/replace-dir';
import { main } from '../../main';
import { runCli, tempDir, treeHashes } from './run';

const tree = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('compareDist', () => {
  const synthesized = new Map([
    ['a', tree({ 'kustomization.yaml': 'k\n', 'policy/p.yaml': 'line1\nline2\nline3\n' })],
    ['b', tree({ 'kustomization.yaml': 'k\n' })],
  ]);

  test('identical folders: no drift', () => {
    const report = compareDist(synthesized, (c) => synthesized.get(c), ['a', 'b']);
    expect(report).toEqual({ drift: [], stale: [], clusters: 2, files: 3 });
  });

  test('changed (with the first differing line), missing, extra, a folder never committed, a stale folder', () => {
    const committed = new Map([
      ['a', tree({ 'policy/p.yaml': 'line1\nLINE2\nline3\n', 'old.yaml': 'x' })],
    ]);
    const report = compareDist(synthesized, (c) => committed.get(c), ['a', 'retired']);
    expect(report.drift).toEqual([
      {
        cluster: 'a',
        folderMissing: false,
        changed: [{ path: 'policy/p.yaml', line: 2, committed: 'LINE2', synthesized: 'line2' }],
        missing: ['kustomization.yaml'],
        extra: ['old.yaml'],
      },
      { cluster: 'b', folderMissing: true, changed: [], missing: ['kustomization.yaml'], extra: [] },
    ]);
    expect(report.stale).toEqual(['retired']);
  });

  test('a file that only lost its last line differs at the line after the common part', () => {
    const committed = new Map([['b', tree({ 'kustomization.yaml': 'k\nmore\n' })]]);
    const report = compareDist(new Map([['b', synthesized.get('b')!]]), (c) => committed.get(c), ['b']);
    expect(report.drift[0].changed).toEqual([{ path: 'kustomization.yaml', line: 2, committed: 'more', synthesized: '' }]);
  });

  test('the report says per cluster what differs and the command that fixes it', () => {
    const committed = new Map([['a', tree({ 'policy/p.yaml': 'line1\nLINE2\nline3\n', 'kustomization.yaml': 'k\n' })]]);
    const report = compareDist(synthesized, (c) => committed.get(c), ['a', 'retired']);
    expect(inSync(report)).toBe(false);
    expect(formatDistReport(report, 'config/fleet.yaml', 'dist', 'npm run synth')).toEqual([
      'dist/ does not match config/fleet.yaml:',
      '  a:',
      '    changed  policy/p.yaml (line 2: committed "LINE2", synthesized "line2")',
      '  b: dist/b/ is missing (1 file(s) synthesized, none committed)',
      'To fix: npm run synth, then commit dist/.',
    ]);
  });

  test('a folder of a cluster that left the config is a warning, not a difference', () => {
    const report = compareDist(synthesized, (c) => synthesized.get(c), ['a', 'b', 'retired']);
    expect(inSync(report)).toBe(true);
    expect(formatDistReport(report, 'config/fleet.yaml', 'dist', 'npm run synth')).toEqual(['dist/ matches config/fleet.yaml: 2 cluster(s), 3 file(s).']);
    expect(staleWarnings(report, 'config/fleet.yaml', 'dist')).toEqual([
      'warning: dist/retired/ belongs to no cluster in config/fleet.yaml; remove it with `git rm -r dist/retired` (after `npx cdktf destroy retired` if its Azure resources should go too)',
    ]);
  });
});

const CONFIG = `
clusters:
  - name: gk
    resourceGroup: gk-rg
    aksName: gk-aks
    location: eastus
    policy: {namespaces: [production], allowedRepos: [myacr.azurecr.io/]}
  - name: added
    resourceGroup: added-rg
    aksName: added-aks
    location: westeurope
`;

describe('synth --check on a drifted dist/ (whole process)', () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'fleet.yaml'), CONFIG);
  const env = { AKS_DAY2_CONFIG: join(cwd, 'fleet.yaml') };
  // dist/ as `npm run synth` writes it (render + writeFiles, as main.ts does), then broken.
  for (const [cluster, files] of renderManifests(parseConfig(CONFIG))) writeFiles(join(cwd, 'dist', cluster), files);
  // What a PR can get wrong: an edited file, a deleted one, a stray one, the folder of a new
  // cluster never committed (untracked: `git diff` would not see it), a removed cluster's folder.
  const constraint = join(cwd, 'dist', 'gk', 'policy', 'k8sallowedrepos-constraint.yaml');
  writeFileSync(constraint, readFileSync(constraint, 'utf8').replace('myacr.azurecr.io/', 'evil.io/'));
  rmSync(join(cwd, 'dist', 'gk', 'policy', 'kustomization.yaml'));
  writeFileSync(join(cwd, 'dist', 'gk', 'notes.yaml'), 'hand-written: true\n');
  rmSync(join(cwd, 'dist', 'added'), { recursive: true });
  mkdirSync(join(cwd, 'dist', 'retired'));
  writeFileSync(join(cwd, 'dist', 'retired', 'kustomization.yaml'), 'resources: []\n');
  const before = treeHashes(cwd);
  const result = runCli(['synth', '--check'], cwd, env);

  test('exits 1 and lists every difference per cluster, with the fix', () => {
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      `dist/ does not match ${env.AKS_DAY2_CONFIG}:`,
      '  gk:',
      expect.stringMatching(/^ {4}changed {2}policy\/k8sallowedrepos-constraint\.yaml \(line \d+: committed " {6}- evil\.io\/", synthesized " {6}- myacr\.azurecr\.io\/"\)$/),
      '    missing  policy/kustomization.yaml (synthesized, not in dist/gk/)',
      '    extra    notes.yaml (in dist/gk/, not synthesized)',
      '  added: dist/added/ is missing (1 file(s) synthesized, none committed)',
      `To fix: npm run synth -- --config ${env.AKS_DAY2_CONFIG}, then commit dist/.`,
      `warning: dist/retired/ belongs to no cluster in ${env.AKS_DAY2_CONFIG}; remove it with \`git rm -r dist/retired\` (after \`npx cdktf destroy retired\` if its Azure resources should go too)`,
    ]);
  });

  test('writes nothing: the folder is byte for byte as before, and no cdktf.out/ appears', () => {
    expect(treeHashes(cwd)).toEqual(before);
    expect(Object.keys(before).some((p) => p.startsWith('cdktf.out'))).toBe(false);
  });

  test('a config that does not synthesize fails --check with the config error', async () => {
    const bad = join(tempDir(), 'bad.yaml');
    writeFileSync(bad, CONFIG.replace('name: gk', 'name: GK'));
    const err: string[] = [];
    const status = await main(['synth', '--check', '--config', bad], {}, { out: () => undefined, err: (l) => err.push(l) });
    expect(status).toBe(1);
    expect(err.join('\n')).toMatch(/^.*bad\.yaml: 1 problem in the config:\n {2}clusters\[0\]\.name \(line 3\): must be 1-40 lowercase/);
    expect(err).toContain('Nothing was written: nothing is written by --check.');
  });
});
