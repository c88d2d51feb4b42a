/**
 * Whole-process runs of `npm run synth`'s command (`node scripts/run.cjs synth`) on the
 * contosofin fixture: what a user and CI do. No Azure, terraform or cluster is involved;
 * synth needs none of them.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../main';
import { EXAMPLE, runCli, tempDir, treeHashes } from './run';

/** main() in this process, for paths that end before anything is written (usage, bad config). */
async function inProcess(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(args, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, stdout: out.join('\n'), stderr: err.join('\n') };
}

const outputs = (cwd: string) => ({ ...prefix('cdktf.out/', treeHashes(join(cwd, 'cdktf.out'))), ...prefix('dist/', treeHashes(join(cwd, 'dist'))) });

describe('npm run synth --config <fixture>', () => {
  const cwd = tempDir();
  const result = runCli(['synth', '--config', EXAMPLE], cwd);

  test('exits 0 and says what it wrote, from which config', () => {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `cdktf: 1 cluster(s) from ${EXAMPLE} (contosofin) → cdktf.out/stacks/<cluster>/`,
      `cdk8s: 1 cluster(s) from ${EXAMPLE} (contosofin) → dist/<cluster>/`,
      '',
    ]);
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

  test('every file opens a YAML document, so the files concatenated are one valid stream', () => {
    const dir = join(cwd, 'dist', 'contosofin');
    const files = Object.keys(treeHashes(dir)).sort();
    const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
    for (const text of texts) expect(text).toMatch(/^(#[^\n]*\n)*---\n/);
    const docs = parseAllDocuments(texts.join(''));
    expect(docs.flatMap((d) => d.errors)).toEqual([]);
    // One document per object: 1 template + 1 constraint + 2 smoke objects + 4 kustomizations.
    expect(docs.map((d) => d.toJS().kind).sort()).toEqual([
      'ConstraintTemplate',
      'Job',
      'K8sAllowedRepos',
      ...Array(4).fill('Kustomization'),
      'Pod',
    ]);
  });

  test('leaves no staging folders behind', () => {
    expect(Object.keys(treeHashes(cwd)).filter((p) => /\.(tmp|old)-\d+/.test(p))).toEqual([]);
  });

  test('--check right after a synth: exit 0, and it writes nothing (dist/ and cdktf.out/ byte for byte)', () => {
    const before = outputs(cwd);
    const check = runCli(['synth', '--check'], cwd, { AKS_DAY2_CONFIG: EXAMPLE });
    expect(check.stderr).toBe('');
    expect(check.stdout).toBe(`dist/ matches ${EXAMPLE}: 1 cluster(s), 7 file(s).\n`);
    expect(check.status).toBe(0);
    expect(outputs(cwd)).toEqual(before);
  });
});

describe('a bad config', () => {
  test('fails with the field path, exits non-zero, and leaves existing outputs exactly as they were', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'cdktf.out', 'stacks', 'contosofin'), { recursive: true });
    writeFileSync(join(cwd, 'cdktf.out', 'stacks', 'contosofin', 'cdk.tf.json'), '{"earlier": true}\n');
    mkdirSync(join(cwd, 'dist', 'contosofin'), { recursive: true });
    writeFileSync(join(cwd, 'dist', 'contosofin', 'kustomization.yaml'), 'resources: []\n');
    const before = outputs(cwd);

    const bad = join(cwd, 'bad.yaml');
    writeFileSync(bad, readFileSync(EXAMPLE, 'utf8').replace('name: contosofinacr', 'name: acr'));
    const result = runCli(['synth'], cwd, { AKS_DAY2_CONFIG: bad });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${bad}: 1 problem in the config:`);
    expect(result.stderr).toMatch(/clusters\[0\]\.acr\.name \(line \d+\): must be 5-50 letters and digits .*got 3 characters/);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('Nothing was written: cdktf.out/ and dist/ are as they were.');
    expect(result.stdout).toBe('');

    expect(outputs(cwd)).toEqual(before);
    expect(Object.keys(treeHashes(cwd)).filter((p) => /\.(tmp|old)-\d+/.test(p))).toEqual([]);
  });

  test('a YAML syntax error names the line and column', async () => {
    const broken = join(tempDir(), 'broken.yaml');
    writeFileSync(broken, 'clusters:\n  - name: a\n    resourceGroup: [rg\n');
    const result = await inProcess(['synth', '--config', broken]);
    expect(result.status).toBe(1);
    expect(result.stderr.startsWith(`${broken}: 1 problem in the config:\n  (file) (line 4, column 1): YAML: `)).toBe(true);
  });

  test('a missing config file is named, with how to choose another', () => {
    const cwd = tempDir();
    const result = runCli(['synth'], cwd, { AKS_DAY2_CONFIG: '/nonexistent/aks.yaml' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('/nonexistent/aks.yaml');
    expect(result.stderr).toContain('file not found (the fleet config is config/fleet.yaml; name another with --config <file> or AKS_DAY2_CONFIG)');
    // Without --config or AKS_DAY2_CONFIG, the fleet config is read (here: absent from this folder).
    const fleet = runCli(['synth'], cwd, { AKS_DAY2_CONFIG: '' });
    expect(fleet.status).toBe(1);
    expect(fleet.stderr).toMatch(/^config\/fleet\.yaml: 1 problem in the config:\n {2}\(file\): file not found/);
  });
});

describe('command line', () => {
  test('usage errors exit 2 from the real command too', () => {
    const r = runCli(['synth', '--out', 'x'], tempDir());
    expect(r.stderr).toMatch(/^aks-day2 synth: unexpected argument "--out"\n/);
    expect(r.status).toBe(2);
  });

  test.each([
    [['synthesize'], /^aks-day2: unknown command "synthesize"\n\nusage: aks-day2/],
    [['synth', '--out', 'x'], /^aks-day2 synth: unexpected argument "--out"\n/],
    [['synth', 'contosofin'], /^aks-day2 synth: unexpected argument "contosofin"\n/],
    [['synth', '--only', 'helm'], /^aks-day2 synth: --only must be terraform or kubernetes, not "helm"\n/],
    [['synth', '--config'], /^aks-day2 synth: --config needs a value\n/],
    [['synth', '--config', 'a.yaml', '--config=b.yaml'], /^aks-day2 synth: --config given twice\n/],
    [['synth', '--check=yes'], /^aks-day2 synth: --check takes no value\n/],
    // --check compares with dist/ as committed, kustomizations included: every one would be "extra".
    [['synth', '--check', '--objects-only'], /^aks-day2 synth: --check and --objects-only cannot be combined: --check compares with dist\/ as committed, kustomization\.yaml files included\n/],
    // Into dist/ it would drop the kustomization.yaml files GitOps applies (`kubectl apply -k`).
    [['synth', '--only', 'kubernetes', '--objects-only'], /^aks-day2 synth: --objects-only writes no kustomization\.yaml files, so it never writes into dist\/: it is for the cdk8s CLI, which sets CDK8S_OUTDIR/],
  ])('%j exits 2 with usage', async (args, message) => {
    const r = await inProcess(args);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });

  test('--objects-only with CDK8S_OUTDIR naming dist/ is refused too, before anything is read or written', async () => {
    const kustomization = join(process.cwd(), 'dist', 'contosofin', 'kustomization.yaml');
    const before = readFileSync(kustomization, 'utf8');
    const r = await inProcess(['synth', '--only', 'kubernetes', '--objects-only'], { CDK8S_OUTDIR: 'dist' });
    expect(r.stderr).toMatch(/^aks-day2 synth: --objects-only writes no kustomization\.yaml files, so it never writes into dist\//);
    expect(r.status).toBe(2);
    expect(readFileSync(kustomization, 'utf8')).toBe(before);
  });

  test('--help prints usage and exits 0', async () => {
    const r = await inProcess(['synth', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--check {11}write nothing; exit 1 when the committed dist\//);
  });
});

function prefix(p: string, tree: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [p + k, v]));
}
