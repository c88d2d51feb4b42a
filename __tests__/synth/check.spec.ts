/**
 * `npm run synth -- --check`: what CI runs instead of `git diff --exit-code dist/`. The pure
 * comparison first, then the real command on a drifted dist/.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderManifests } from '../../charts/render';
import { parseConfig } from '../../config/load';
import { MAX_LISTED, checkDist, compareDist, formatDistReport, inSync, staleWarnings } from '../../lib/dist-check';
import { distFolders } from '../../lib/stale';
import { writeFiles } from '../../lib/replace-dir';
import { main } from '../../main';
import { retiredWarning, runCli, tempDir, treeHashes } from './run';

const tree = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('compareDist', () => {
  const synthesized = new Map([
    ['a', tree({ 'kustomization.yaml': 'k\n', 'policy/p.yaml': 'line1\nline2\nline3\n' })],
    ['b', tree({ 'kustomization.yaml': 'k\n' })],
  ]);

  test('identical folders: no drift', () => {
    const report = compareDist(synthesized, (c) => synthesized.get(c), ['a', 'b']);
    expect(report).toEqual({ drift: [], leftovers: [], stale: [], clusters: 2, files: 3 });
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

  test('a file that only lost its last line differs at the line after the common part: (end of file), not ""', () => {
    const committed = new Map([['b', tree({ 'kustomization.yaml': 'k\nmore\n' })]]);
    const report = compareDist(new Map([['b', synthesized.get('b')!]]), (c) => committed.get(c), ['b']);
    expect(report.drift[0].changed).toEqual([{ path: 'kustomization.yaml', line: 2, committed: 'more', synthesized: null }]);
    expect(formatDistReport(report, 'c.yaml', 'dist', 'npm run synth')[2]).toBe(
      '    changed  kustomization.yaml (line 2: committed "more", synthesized (end of file))',
    );
    // The other way round, and a last line that is empty (a blank line is a line, not the end).
    const grown = compareDist(new Map([['b', tree({ 'k.yaml': 'k\n\n' })]]), () => tree({ 'k.yaml': 'k\n' }), ['b']);
    expect(grown.drift[0].changed).toEqual([{ path: 'k.yaml', line: 2, committed: null, synthesized: '' }]);
    expect(formatDistReport(grown, 'c.yaml', 'dist', 'npm run synth')[2]).toBe('    changed  k.yaml (line 2: committed (end of file), synthesized "")');
  });

  test('files that differ only in the newline at the end say so', () => {
    const report = compareDist(new Map([['b', tree({ 'k.yaml': 'a\nk\n' })]]), () => tree({ 'k.yaml': 'a\nk' }), ['b']);
    expect(report.drift[0].changed).toEqual([{ path: 'k.yaml', line: 2, committed: 'k', synthesized: 'k', noFinalNewline: 'committed' }]);
    expect(formatDistReport(report, 'c.yaml', 'dist', 'npm run synth')[2]).toBe(
      '    changed  k.yaml (line 2: the committed file has no newline at its end)',
    );
  });

  test('a folder never committed: its files are listed by name, at most MAX_LISTED, the rest counted', () => {
    const many = tree(Object.fromEntries(Array.from({ length: MAX_LISTED + 5 }, (_, i) => [`f${String(i).padStart(2, '0')}.yaml`, 'x\n'])));
    const lines = formatDistReport(compareDist(new Map([['big', many]]), () => undefined, []), 'c.yaml', 'dist', 'npm run synth');
    expect(lines[1]).toBe(`  big: dist/big/ is missing (${MAX_LISTED + 5} file(s) synthesized):`);
    expect(lines.slice(2, -2)).toEqual([...many.keys()].slice(0, MAX_LISTED).map((f) => `    missing  ${f}`));
    expect(lines.at(-2)).toBe('    … and 5 more');
    expect(MAX_LISTED).toBeGreaterThanOrEqual(10); // every cluster of the example fits (7 files)
  });

  test('staging folders in dist/ are a difference (git add dist would commit them), each with what happens to it', () => {
    const leftovers = [
      { name: 'a.tmp-4242', pid: 4242, running: false, restored: false },
      { name: 'b.old-17', pid: 17, running: false, restored: true },
      { name: 'b.tmp-99', pid: 99, running: true, restored: false },
    ];
    const report = compareDist(synthesized, (c) => synthesized.get(c), ['a', 'b'], leftovers);
    expect(inSync(report)).toBe(false);
    expect(formatDistReport(report, 'config/fleet.yaml', 'dist', 'npm run synth')).toEqual([
      'dist/ does not match config/fleet.yaml:',
      '  dist/a.tmp-4242/: staging folder of a synth (process 4242) that was killed; `npm run synth` removes it (or `rm -r dist/a.tmp-4242`)',
      '  dist/b.old-17/: the previous dist/b/, moved aside by a synth (process 17) that was killed; `npm run synth` moves it back, then writes dist/b/ anew',
      '  dist/b.tmp-99/: staging folder of a synth still running (process 99); check again when it is done (if no synth runs here, the folder came from elsewhere, e.g. a commit: `rm -r dist/b.tmp-99`)',
      'To fix: npm run synth, then commit dist/.',
    ]);
  });

  test('on disk: staging folders are never cluster folders; a live process, killed ones, and a moved-aside output to restore', () => {
    const dir = tempDir('aks-day2-check-staging-');
    const dist = join(dir, 'dist');
    const live = process.ppid; // jest's parent process: alive while this test runs
    const folders = ['a', `a.tmp-${live}`, `a.tmp-${process.pid}`, 'b.tmp-99999999', 'c.old-99999998', 'c.old-99999999'];
    for (const name of folders) mkdirSync(join(dist, name, 'x'), { recursive: true });
    // Told apart by name in the one listing: a parallel synth's folder is never a stale cluster.
    expect(distFolders(dist)).toEqual(['a']);
    const report = checkDist(new Map([['a', new Map()]]), dist);
    expect(report.stale).toEqual([]);
    expect(report.leftovers).toEqual([
      // --check stages nothing: a folder with its own pid is a dead synth's.
      { name: `a.tmp-${process.pid}`, pid: process.pid, running: false, restored: false },
      { name: `a.tmp-${live}`, pid: live, running: true, restored: false },
      { name: 'b.tmp-99999999', pid: 99999999, running: false, restored: false },
      // dist/c/ is missing: the next synth moves the first back and removes the other.
      { name: 'c.old-99999998', pid: 99999998, running: false, restored: true },
      { name: 'c.old-99999999', pid: 99999999, running: false, restored: false },
    ].sort((x, y) => (x.name < y.name ? -1 : 1)));
    rmSync(dir, { recursive: true, force: true });
  });

  test('the report says per cluster what differs and the command that fixes it', () => {
    const committed = new Map([['a', tree({ 'policy/p.yaml': 'line1\nLINE2\nline3\n', 'kustomization.yaml': 'k\n' })]]);
    const report = compareDist(synthesized, (c) => committed.get(c), ['a', 'retired']);
    expect(inSync(report)).toBe(false);
    expect(formatDistReport(report, 'config/fleet.yaml', 'dist', 'npm run synth')).toEqual([
      'dist/ does not match config/fleet.yaml:',
      '  a:',
      '    changed  policy/p.yaml (line 2: committed "LINE2", synthesized "line2")',
      '  b: dist/b/ is missing (1 file(s) synthesized):',
      '    missing  kustomization.yaml',
      'To fix: npm run synth, then commit dist/.',
    ]);
  });

  test('a folder of a cluster that left the config is a warning, not a difference', () => {
    const report = compareDist(synthesized, (c) => synthesized.get(c), ['a', 'b', 'retired']);
    expect(inSync(report)).toBe(true);
    expect(formatDistReport(report, 'config/fleet.yaml', 'dist', 'npm run synth')).toEqual(['dist/ matches config/fleet.yaml: 2 cluster(s), 3 file(s).']);
    expect(staleWarnings(report, 'config/fleet.yaml', 'dist')).toEqual(retiredWarning('config/fleet.yaml'));
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
  // And the staging folder of a synth that was killed while writing gk.
  mkdirSync(join(cwd, 'dist', 'gk.tmp-99999999', 'policy'), { recursive: true });
  writeFileSync(join(cwd, 'dist', 'gk.tmp-99999999', 'policy', 'kustomization.yaml'), 'half: written\n');
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
      '  added: dist/added/ is missing (1 file(s) synthesized):',
      '    missing  kustomization.yaml',
      '  dist/gk.tmp-99999999/: staging folder of a synth (process 99999999) that was killed; `npm run synth` removes it (or `rm -r dist/gk.tmp-99999999`)',
      `To fix: npm run synth -- --config ${env.AKS_DAY2_CONFIG}, then commit dist/.`,
      ...retiredWarning(env.AKS_DAY2_CONFIG),
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
