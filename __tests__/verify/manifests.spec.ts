/**
 * verify reads object names from dist/<cluster>/: what charts/render.ts synthesizes from the
 * verify fixture config and from the example config (so a renamed object in the charts fails
 * here rather than on a cluster), and folders written by hand for what the charts never write.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseConfig } from '../../config/load';
import { renderCluster } from '../../charts/render';
import { findPolicy, findSmoke, ManifestError, readManifestFiles } from '../../verify/manifests';
import { FIXTURE_DIST, ROOT, distWithConfigMapSmoke } from './helpers/cli-process';
import { tempDir } from '../support/temp';

function writeTree(files: Record<string, string>): string {
  const dir = tempDir('aks-day2-verify-manifests-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('fixture manifests', () => {
  test('Gatekeeper: template and constraint names, wherever the files are', () => {
    const dir = join(FIXTURE_DIST, 'contosofin');
    const files = readManifestFiles(dir);
    expect(files.map((f) => f.path)).toEqual([
      'gatekeeper-templates/k8sallowedrepos-template.yaml',
      'policy/k8sallowedrepos-constraint.yaml',
      'smoke-test/smoke-test.yaml',
    ]);
    expect(findPolicy(files, 'gatekeeper', dir)).toEqual({
      engine: 'gatekeeper',
      templateName: 'k8sallowedrepos',
      templateVersion: 'v1',
      constraintKind: 'K8sAllowedRepos',
      constraintName: 'allowed-repos',
      constraintVersion: 'v1beta1',
    });
  });

  test('smoke: the Job, not the sleep Pod; no ConfigMap when the script is inline', () => {
    const dir = join(FIXTURE_DIST, 'contosofin');
    const smoke = findSmoke(readManifestFiles(dir), dir);
    expect(smoke.job.metadata?.name).toBe('aks-day2-smoke');
    expect(smoke.configMaps).toEqual([]);
    expect(smoke.file).toBe('smoke-test/smoke-test.yaml');
  });

  test('VAP: the policy and the binding that points at it', () => {
    const dir = join(FIXTURE_DIST, 'contosovap');
    expect(findPolicy(readManifestFiles(dir), 'vap', dir)).toEqual({ engine: 'vap', policyName: 'allowed-repos', bindingName: 'allowed-repos' });
  });

  test('VAP: the binding is found by the policy it names, not by its own name', () => {
    const policy = 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: p}\n';
    const binding = (name: string, policyName: string) =>
      `---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata: {name: ${name}}\nspec: {policyName: ${policyName}}\n`;
    const dir = writeTree({ 'p.yaml': policy + binding('other', 'q') + binding('p-production', 'p') });
    expect(findPolicy(readManifestFiles(dir), 'vap', dir)).toEqual({ engine: 'vap', policyName: 'p', bindingName: 'p-production' });
  });

  test('smoke: a Job that mounts its script from a ConfigMap brings that ConfigMap, and only it', () => {
    const dir = join(distWithConfigMapSmoke('contosovap'), 'contosovap');
    const smoke = findSmoke(readManifestFiles(dir), dir);
    expect(smoke.configMaps.map((c) => c.metadata?.name)).toEqual(['aks-day2-smoke-script']);
  });

  test('a policy engine the folder does not match, or a missing folder, says to re-synth', () => {
    const dir = join(FIXTURE_DIST, 'contosofin');
    expect(() => findPolicy(readManifestFiles(dir), 'vap', dir)).toThrow(/has 0 ValidatingAdmissionPolicy objects.*npm run synth/);
    expect(() => readManifestFiles(join(FIXTURE_DIST, 'nope'))).toThrow(ManifestError);
    expect(() => readManifestFiles(join(FIXTURE_DIST, 'nope'))).toThrow(/does not exist: run `npm run synth`/);
  });

  test('broken or ambiguous folders are errors', () => {
    const job = 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {template: {spec: {volumes: [{name: s, configMap: {name: missing}}]}}}\n';
    expect(() => findSmoke(readManifestFiles(writeTree({ 'a.yaml': job })), 'd')).toThrow(/mounts ConfigMap missing, which is not in d\//);
    expect(() => findSmoke(readManifestFiles(writeTree({ 'a.yaml': `${job}---\n${job}` })), 'd')).toThrow(/has 2 Jobs/);
    expect(() => readManifestFiles(writeTree({ 'a.yaml': 'kind: [' }))).toThrow(/a\.yaml: not valid YAML/);
    const vap = 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: p}\n';
    expect(() => findPolicy(readManifestFiles(writeTree({ 'p.yaml': vap })), 'vap', 'd')).toThrow(/no ValidatingAdmissionPolicyBinding for policy "p"/);
  });
});

describe('what charts/render.ts synthesizes from the example config', () => {
  const example = readFileSync(join(ROOT, '__tests__', 'fixtures', 'contosofin.yaml'), 'utf8');
  const render = (text: string) => {
    const cluster = parseConfig(text).clusters[0];
    const files: Record<string, string> = {};
    for (const [path, content] of renderCluster(cluster)) files[path] = content;
    return writeTree(files);
  };

  test('gatekeeper: verify finds the template, the constraint and the smoke Job', () => {
    const dir = render(example);
    const files = readManifestFiles(dir);
    expect(findPolicy(files, 'gatekeeper', dir)).toEqual({
      engine: 'gatekeeper',
      templateName: 'k8sallowedrepos',
      templateVersion: 'v1',
      constraintKind: 'K8sAllowedRepos',
      constraintName: 'allowed-repos',
      constraintVersion: 'v1beta1',
    });
    const smoke = findSmoke(files, dir);
    expect(smoke.job.metadata).toMatchObject({ name: 'aks-day2-smoke', namespace: 'default' });
    expect(smoke.file).toBe('smoke-test/smoke-test.yaml');
  });

  test('vap: verify finds the policy and its binding', () => {
    expect(example).toContain('engine: gatekeeper');
    const dir = render(example.replace('engine: gatekeeper', 'engine: vap'));
    expect(findPolicy(readManifestFiles(dir), 'vap', dir)).toEqual({ engine: 'vap', policyName: 'allowed-repos', bindingName: 'allowed-repos' });
  });
});
