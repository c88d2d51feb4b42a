/** A config with several clusters, each with different sections: one folder and one stack each. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { renderManifests } from '../../charts/render';
import { parseConfig } from '../../config/load';
import { main } from '../../main';
import { ROOT, retiredWarning, runCli, tempDir, treeHashes } from './run';

const CONFIG = `
clusters:
  - name: gk
    resourceGroup: gk-rg
    aksName: gk-aks
    location: eastus
    policy: {namespaces: [production, staging], allowedRepos: [myacr.azurecr.io/]}
  - name: native
    resourceGroup: native-rg
    aksName: native-aks
    location: westeurope
    acr: {name: nativeacr}
    policy: {engine: vap, namespaces: [apps], allowedRepos: [ghcr.io/contoso/]}
    smokeTest: {ingressUrl: "http://10.0.0.4", blockedUrl: "http://example.com", namespace: smoke}
  - name: bare
    resourceGroup: bare-rg
    aksName: bare-aks
    location: eastus2
`;

describe('three clusters', () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'clusters.yaml'), CONFIG);
  mkdirSync(join(cwd, 'dist', 'retired'), { recursive: true });
  writeFileSync(join(cwd, 'dist', 'retired', 'kustomization.yaml'), 'resources: []\n');
  const result = runCli(['synth'], cwd, { AKS_DAY2_CONFIG: join(cwd, 'clusters.yaml') });
  const dist = treeHashes(join(cwd, 'dist'));
  const read = (p: string) => readFileSync(join(cwd, 'dist', p), 'utf8');

  test('synthesizes a stack per cluster', () => {
    expect(result.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(cwd, 'cdktf.out', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['bare', 'gk', 'native']);
  });

  test('gatekeeper cluster: template and constraint folders, no smoke test', () => {
    expect(Object.keys(dist).filter((p) => p.startsWith('gk/')).sort()).toEqual([
      'gk/gatekeeper-templates/k8sallowedrepos-template.yaml',
      'gk/gatekeeper-templates/kustomization.yaml',
      'gk/kustomization.yaml',
      'gk/policy/k8sallowedrepos-constraint.yaml',
      'gk/policy/kustomization.yaml',
    ]);
    expect(parseYaml(read('gk/kustomization.yaml')).resources).toEqual(['gatekeeper-templates', 'policy']);
    const constraint = parseYaml(read('gk/policy/k8sallowedrepos-constraint.yaml'));
    expect(constraint.spec.match.namespaces).toEqual(['production', 'staging']);
    expect(constraint.spec.parameters.repos).toEqual(['myacr.azurecr.io/']);
  });

  test('vap cluster: no Gatekeeper objects; the ACR is allowed; smoke test in its namespace', () => {
    expect(Object.keys(dist).filter((p) => p.startsWith('native/')).sort()).toEqual([
      'native/kustomization.yaml',
      'native/policy/allowed-repos-vap.yaml',
      'native/policy/kustomization.yaml',
      'native/smoke-test/kustomization.yaml',
      'native/smoke-test/smoke-test.yaml',
    ]);
    expect(parseYaml(read('native/kustomization.yaml')).resources).toEqual(['policy']);
    const kinds = parseAllDocuments(read('native/policy/allowed-repos-vap.yaml')).map((d) => d.toJS().kind);
    expect(kinds.sort()).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
    expect(read('native/policy/allowed-repos-vap.yaml')).toContain('nativeacr.azurecr.io/');
    const smoke = parseAllDocuments(read('native/smoke-test/smoke-test.yaml')).map((d) => d.toJS());
    expect(smoke.map((o) => o.metadata.namespace)).toEqual(smoke.map(() => 'smoke'));
  });

  test('a cluster with no Kubernetes sections gets an empty kustomization', () => {
    expect(Object.keys(dist).filter((p) => p.startsWith('bare/'))).toEqual(['bare/kustomization.yaml']);
    expect(parseYaml(read('bare/kustomization.yaml')).resources).toEqual([]);
  });

  test('a dist/ folder of a cluster no longer in the config is kept and named in a warning', () => {
    expect(dist['retired/kustomization.yaml']).toBeDefined();
    expect(result.stderr).toBe(`${retiredWarning(join(cwd, 'clusters.yaml')).join('\n')}\n`);
  });
});

describe('--only (in this process: main() with both output folders set, as the CLIs set them)', () => {
  const run = async (part: string) => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'c.yaml'), CONFIG);
    const env = { AKS_DAY2_CONFIG: join(cwd, 'c.yaml'), CDKTF_OUTDIR: join(cwd, 'tf'), CDK8S_OUTDIR: join(cwd, 'k8s') };
    const status = await main(['synth', '--only', part], env, { out: () => undefined, err: () => undefined });
    return { status, tf: Object.keys(treeHashes(env.CDKTF_OUTDIR)), k8s: Object.keys(treeHashes(env.CDK8S_OUTDIR)) };
  };
  test('--only kubernetes writes the manifests (CDK8S_OUTDIR, as cdk8s synth sets it) and no Terraform', async () => {
    const r = await run('kubernetes');
    expect(r.status).toBe(0);
    expect(r.tf).toEqual([]);
    expect(r.k8s).toEqual(expect.arrayContaining(['gk/policy/k8sallowedrepos-constraint.yaml', 'native/policy/allowed-repos-vap.yaml', 'bare/kustomization.yaml']));
  });
  test('--only terraform writes the stacks (CDKTF_OUTDIR, as cdktf deploy sets it) and no manifests', async () => {
    const r = await run('terraform');
    expect(r.status).toBe(0);
    expect(r.tf).toEqual(expect.arrayContaining(['manifest.json', 'stacks/gk/cdk.tf.json', 'stacks/native/cdk.tf.json', 'stacks/bare/cdk.tf.json']));
    expect(r.k8s).toEqual([]);
  });
});

describe('diffing one cluster of several (README: `kubectl diff -k dist/<cluster>`, not `cdk8s synth --stdout`)', () => {
  const twoGatekeepers = `${CONFIG}
  - name: gk2
    resourceGroup: gk2-rg
    aksName: gk2-aks
    location: eastus
    policy: {namespaces: [other], allowedRepos: [otheracr.azurecr.io/]}
`;
  const rendered = renderManifests(parseConfig(twoGatekeepers));
  const objects = (cluster: string) =>
    [...rendered.get(cluster)!]
      .filter(([path]) => !path.endsWith('kustomization.yaml'))
      .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS()))
      .map((o) => `${o.kind}/${o.metadata.name}`)
      .sort();

  test('two Gatekeeper clusters have objects of the same kinds and names: a concatenated stream cannot tell them apart', () => {
    expect(objects('gk')).toEqual(['ConstraintTemplate/k8sallowedrepos', 'K8sAllowedRepos/allowed-repos']);
    expect(objects('gk2')).toEqual(objects('gk'));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/ConstraintTemplate `k8sallowedrepos` and a constraint `allowed-repos`/);
    expect(readme).toMatch(/`--stdout \| kubectl diff -f -` is only right for a fleet of one cluster/);
  });

  test('every cluster folder has a root kustomization.yaml whose resources are folders with their own (what -k builds)', () => {
    for (const [, files] of rendered) {
      const root = parseYaml(files.get('kustomization.yaml')!);
      expect(root.kind).toBe('Kustomization');
      for (const folder of root.resources) expect(files.has(`${folder}/kustomization.yaml`)).toBe(true);
      // The smoke test is applied on demand, never by GitOps, so not by the diff either.
      expect(root.resources).not.toContain('smoke-test');
    }
  });
});
