/**
 * Whole-process runs of `npm run synth`'s command on real config files: what a user and CI
 * do. No Azure, terraform or cluster is involved; synth needs none of them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE, ROOT, runCli, tempDir, treeHashes } from './run';

describe('npm run synth on the example config', () => {
  const cwd = tempDir();
  const result = runCli(['synth'], cwd, { AKS_DAY2_CONFIG: EXAMPLE });

  test('exits 0 and says what it wrote', () => {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/cdktf: 1 stack\(s\) \(contosofin\)/);
    expect(result.stdout).toMatch(/cdk8s: 1 cluster folder\(s\)/);
  });

  test('writes one cdktf stack per cluster and the manifest cdktf deploy reads', () => {
    const files = Object.keys(treeHashes(join(cwd, 'cdktf.out'))).sort();
    expect(files).toEqual(expect.arrayContaining(['manifest.json', 'stacks/contosofin/cdk.tf.json']));
    const manifest = JSON.parse(readFileSync(join(cwd, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks)).toEqual(['contosofin']);
    const stack = JSON.parse(readFileSync(join(cwd, 'cdktf.out', 'stacks', 'contosofin', 'cdk.tf.json'), 'utf8'));
    expect(stack.terraform.backend.azurerm.key).toBe('aks-day2/contosofin.tfstate');
  });

  test('writes dist/<cluster>/ with the GitOps layout', () => {
    expect(Object.keys(treeHashes(join(cwd, 'dist'))).sort()).toEqual([
      'contosofin/gatekeeper-templates/k8sallowedrepos-template.yaml',
      'contosofin/gatekeeper-templates/kustomization.yaml',
      'contosofin/kustomization.yaml',
      'contosofin/policy/k8sallowedrepos-constraint.yaml',
      'contosofin/policy/kustomization.yaml',
      'contosofin/smoke-test/kustomization.yaml',
      'contosofin/smoke-test/smoke-test.yaml',
    ]);
  });

  test('leaves no staging folders behind', () => {
    const all = Object.keys({ ...treeHashes(cwd) });
    expect(all.filter((p) => /\.(tmp|old)-\d+/.test(p))).toEqual([]);
  });

  test('is deterministic: a second synth writes byte-identical files', () => {
    const before = { ...treeHashes(join(cwd, 'cdktf.out')), ...prefix('dist/', treeHashes(join(cwd, 'dist'))) };
    const again = runCli(['synth'], cwd, { AKS_DAY2_CONFIG: EXAMPLE });
    expect(again.status).toBe(0);
    const after = { ...treeHashes(join(cwd, 'cdktf.out')), ...prefix('dist/', treeHashes(join(cwd, 'dist'))) };
    expect(after).toEqual(before);
  });

  test('committed dist/ equals a fresh synth (run `npm run synth` and commit if this fails)', () => {
    const committed = treeHashes(join(ROOT, 'dist'));
    const fresh = treeHashes(join(cwd, 'dist'));
    const differ = [...new Set([...Object.keys(committed), ...Object.keys(fresh)])]
      .filter((f) => committed[f] !== fresh[f])
      .sort();
    if (differ.length > 0) {
      throw new Error(
        `dist/ is out of date with config/example.yaml: ${differ.join(', ')} differ.\n` +
          'Run `npm run synth` and commit dist/.',
      );
    }
  });
});

describe('a bad config', () => {
  test('fails with the field path, exits non-zero, and leaves existing outputs exactly as they were', () => {
    const cwd = tempDir();
    expect(runCli(['synth'], cwd, { AKS_DAY2_CONFIG: EXAMPLE }).status).toBe(0);
    const before = { ...treeHashes(join(cwd, 'cdktf.out')), ...prefix('dist/', treeHashes(join(cwd, 'dist'))) };
    expect(Object.keys(before).length).toBeGreaterThan(5);

    const bad = join(cwd, 'bad.yaml');
    writeFileSync(bad, readFileSync(EXAMPLE, 'utf8').replace('name: contosofinacr', 'name: acr'));
    const result = runCli(['synth'], cwd, { AKS_DAY2_CONFIG: bad });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('clusters[0].acr.name');
    expect(result.stderr).toContain('must be 5-50 letters and digits');
    expect(result.stderr).toContain('Nothing was written');
    expect(result.stdout).toBe('');

    const after = { ...treeHashes(join(cwd, 'cdktf.out')), ...prefix('dist/', treeHashes(join(cwd, 'dist'))) };
    expect(after).toEqual(before);
    expect(Object.keys(treeHashes(cwd)).filter((p) => /\.(tmp|old)-\d+/.test(p))).toEqual([]);
  });

  test('a missing config file is named', () => {
    const result = runCli(['synth'], tempDir(), { AKS_DAY2_CONFIG: '/nonexistent/aks.yaml' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('/nonexistent/aks.yaml');
    expect(result.stderr).toContain('file not found');
  });
});

describe('command line', () => {
  test('an unknown command or flag exits 2 with usage', () => {
    const cwd = tempDir();
    const unknown = runCli(['synthesize'], cwd);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "synthesize"[\s\S]*usage: aks-day2/);
    const flag = runCli(['synth', '--out', 'x'], cwd);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain('unexpected argument "--out"');
  });
});

function prefix(p: string, tree: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [p + k, v]));
}
