import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderManifests } from '../../../charts/render';
import { loadConfig } from '../../../config/load';
import { writeFiles } from '../../../lib/replace-dir';
import { CHILD_PROCESS_LIMIT_MS } from '../../support/limits';
import { tempDir } from '../../support/temp';

export const ROOT = join(__dirname, '..', '..', '..');
export const FIXTURES = join(__dirname, '..', 'fixtures');
export const FIXTURE_CONFIG = join(FIXTURES, 'config.yaml');

/**
 * dist/ for the fixture config, synthesized by charts/ (render.ts) into a temp folder when a
 * test file loads: verify is tested against exactly what `npm run synth` ships, both engines.
 */
function renderFixtureDist(): string {
  const dir = tempDir('aks-day2-verify-dist-');
  for (const [cluster, files] of renderManifests(loadConfig(FIXTURE_CONFIG))) writeFiles(join(dir, cluster), files);
  return dir;
}
export const FIXTURE_DIST = renderFixtureDist();

/**
 * A copy of FIXTURE_DIST whose `cluster` runs the smoke Job with its script in a ConfigMap
 * (fixtures/smoke-configmap-variant.yaml): charts/ inlines the script, but verify also supports
 * a Job that mounts one (applied before the Job, deleted after it). Hand-written on purpose.
 */
export function distWithConfigMapSmoke(cluster: string): string {
  const dir = tempDir('aks-day2-verify-dist-cm-');
  cpSync(FIXTURE_DIST, dir, { recursive: true });
  copyFileSync(join(FIXTURES, 'smoke-configmap-variant.yaml'), join(dir, cluster, 'smoke-test', 'smoke-test.yaml'));
  return dir;
}

/** A token nobody would type, to prove it never reaches any output. */
export const FAKE_TOKEN = 'aks-day2-FAKE-TOKEN-c2VjcmV0LWRvLW5vdC1wcmludA';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Run the real command line, `node scripts/run.cjs verify …` (what `npm run verify` runs), as a
 * child process. Asynchronous on purpose: the fake API server lives in this (the test's)
 * process and must keep answering while the child runs.
 */
export function runVerifyProcess(args: readonly string[], env: Record<string, string | undefined>): Promise<CliRun> {
  const started = Date.now();
  const { KUBECONFIG: _k, AKS_DAY2_CONFIG: _c, ...parentEnv } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'run.cjs'), 'verify', ...args], {
      cwd: ROOT,
      env: { ...parentEnv, AKS_DAY2_CONFIG: FIXTURE_CONFIG, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    // A safety net for a hung run (support/limits.ts), never a bound on a healthy one.
    const kill = setTimeout(() => child.kill('SIGKILL'), CHILD_PROCESS_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/**
 * A kubeconfig in a temp dir as `az aks get-credentials --admin` writes it: cluster `<aks>`,
 * context `<aks>-admin`, a token user; pointing at `server`.
 */
export function writeKubeconfig(server: string, token = FAKE_TOKEN, aks = 'contosofin-aks'): { dir: string; path: string } {
  const dir = tempDir('aks-day2-verify-');
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: ${aks}`,
      '  cluster:',
      `    server: ${server}`,
      // client-node refuses plain http:// unless TLS verification is off; the fake server has no certificate.
      '    insecure-skip-tls-verify: true',
      'contexts:',
      `- name: ${aks}-admin`,
      '  context:',
      `    cluster: ${aks}`,
      `    user: clusterAdmin_rg_${aks}`,
      `current-context: ${aks}-admin`,
      'users:',
      `- name: clusterAdmin_rg_${aks}`,
      '  user:',
      `    token: ${token}`,
      '',
    ].join('\n'),
  );
  return { dir, path };
}
