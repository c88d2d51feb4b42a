/**
 * The real cdk8s CLI on this project's cdk8s.yaml, offline: `cdk8s synth --stdout` prints
 * exactly the Kubernetes objects of every cluster folder, as one valid multi-document YAML
 * stream (what `| kubectl apply -f -` and review tools read), and nothing on stderr.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { renderManifests } from '../../charts/render';
import { loadConfig } from '../../config/load';
import { ROOT } from './run';

const CONFIG = join(ROOT, '__tests__', 'verify', 'fixtures', 'config.yaml');

test('cdk8s synth --stdout: every object of every cluster, no kustomization, one valid stream', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--stdout'], {
    cwd: ROOT,
    // CDK8S_CHECK_UPGRADE=false: without it the CLI's upgrade check prints a stack trace offline
    // (README says so); this is the setting the README tells users to export.
    env: { ...process.env, AKS_DAY2_CONFIG: CONFIG, CDK8S_CHECK_UPGRADE: 'false' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);

  const docs = parseAllDocuments(r.stdout);
  expect(docs.flatMap((d) => d.errors.map((e) => e.message))).toEqual([]);
  const printed = docs.map((d) => JSON.stringify(d.toJS())).sort();

  const expected = [...renderManifests(loadConfig(CONFIG)).values()]
    .flatMap((files) => [...files.entries()])
    .filter(([path]) => !path.endsWith('kustomization.yaml'))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => JSON.stringify(d.toJS())))
    .sort();
  expect(expected.length).toBeGreaterThan(4);
  expect(printed).toEqual(expected);
  expect(printed.some((o) => o.includes('"kind":"Kustomization"'))).toBe(false);
});
