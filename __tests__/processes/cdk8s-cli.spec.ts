/**
 * The real cdk8s CLI on this project's cdk8s.yaml, offline: `cdk8s synth --stdout` prints
 * exactly the Kubernetes objects of every cluster folder, as one valid multi-document YAML
 * stream (what `| kubectl apply -f -` and review tools read), and nothing on stderr. A config
 * error says truthfully what happened to the CLI's output folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { renderManifests } from '../../charts/render';
import { loadConfig } from '../../config/load';
import { CHILD_PROCESS_LIMIT_MS } from '../support/limits';
import { ROOT, tempDir } from '../synth/run';

const CONFIG = join(ROOT, '__tests__', 'verify', 'fixtures', 'config.yaml');

/**
 * The CLI as a user runs it. CDK8S_CHECK_UPGRADE=false: without it the CLI's upgrade check
 * prints a stack trace offline (README says so); this is the setting the README tells users to export.
 */
const cdk8s = (args: readonly string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, CDK8S_CHECK_UPGRADE: 'false' },
    encoding: 'utf8',
    timeout: CHILD_PROCESS_LIMIT_MS,
  });

test('cdk8s synth --stdout: every object of every cluster, no kustomization, one valid stream', () => {
  const r = cdk8s(['synth', '--stdout'], { AKS_DAY2_CONFIG: CONFIG });
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

test('a config error under cdk8s synth: our message says what the CLI did to its output folder; then the CLI prints its own stack trace', () => {
  const dir = tempDir();
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'clusters:\n  - name: BAD\n');
  // What cdk8s.yaml's output folder holds from an earlier run.
  const out = join(dir, 'out');
  mkdirSync(out);
  writeFileSync(join(out, 'earlier.k8s.yaml'), 'kind: ConfigMap\n');
  const r = cdk8s(['synth', '--output', out], { AKS_DAY2_CONFIG: bad });
  expect(r.status).toBe(1);
  // The CLI removed the folder before it ran the app (cdk8s-cli lib/cli/cmds/synth.js: rmSync(outdir)).
  expect(existsSync(out)).toBe(false);
  const lines = r.stderr.split('\n');
  expect(lines[0]).toBe(`${bad}: 4 problems in the config:`);
  const ours = lines.findIndex((l) => l.startsWith('Nothing was written'));
  expect(lines[ours]).toBe(
    `Nothing was written. Run by \`cdk8s synth\`: the cdk8s CLI emptied its output folder ${out}/ before it started this app, ` +
      'so that folder is empty now, not as it was; dist/ and cdktf.out/ are as they were.',
  );
  // cdk8s-cli (lib/util.js shell(): a non-zero exit rejects with an Error; lib/cli/index.js
  // prints e.stack) adds its stack trace after any failing app; README says so.
  expect(lines.slice(ours + 1, ours + 3)).toEqual([
    expect.stringMatching(/^Error: command "node scripts\/run\.cjs synth --only kubernetes --objects-only ?" at .* returned a non-zero exit code 1$/),
    expect.stringMatching(/^ {4}at .*cdk8s-cli\/lib\/util\.js/),
  ]);
  expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(/the cdk8s CLI then prints a stack trace\s+of its own/);
});

test('a config error under cdk8s synth --stdout: nothing printed, and our message does not speak of the CLI’s scratch folder', () => {
  const dir = tempDir();
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'clusters:\n  - name: BAD\n');
  const r = cdk8s(['synth', '--stdout'], { AKS_DAY2_CONFIG: bad });
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n');
  expect(lines.filter((l) => l.startsWith('Nothing was written'))).toEqual([
    'Nothing was written and nothing printed (run by `cdk8s synth --stdout`); dist/ and cdktf.out/ are as they were.',
  ]);
});
