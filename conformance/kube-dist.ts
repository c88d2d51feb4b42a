/**
 * Every committed dist/<cluster>/, as it is on disk, meets a real API server as a GitOps
 * controller would apply it: each folder's kustomization built by kubectl's kustomize, the
 * CustomResourceDefinitions first (Gatekeeper's own from the pinned release; each
 * ConstraintTemplate's constraint CRD as Gatekeeper's controller code derives it), the
 * namespaces created, then every file applied server-side with `--dry-run=server`, so the API
 * server's validation and admission judge each object and nothing of one cluster affects the
 * next. A warning is a failure, like an error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { distFolders } from '../lib/stale';
import type { ControlPlane } from './apiserver';
import type { Engine } from './engines';
import { runTool, tempDir } from './processes';
import type { Progress } from './progress';
import type { Failure } from './suite';

export interface Tools {
  readonly kubectl: string;
  readonly constraintCrd: string;
  readonly gatekeeper: Engine;
}

/** Every file below `dir`, sorted. */
function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
}

/** The Gatekeeper release's CRD manifests, from its module in the Go module cache (downloaded if absent). */
export function gatekeeperCrds(gatekeeper: Engine): string[] {
  const r = spawnSync('go', ['mod', 'download', '-json', `${gatekeeper.module}@${gatekeeper.moduleVersion}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go mod download ${gatekeeper.module}@${gatekeeper.moduleVersion} failed:\n${r.stderr}${r.stdout}`);
  const dir = join(JSON.parse(r.stdout).Dir as string, 'charts', 'gatekeeper', 'crds');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f));
}

/** `Warning: …` lines kubectl printed (the API server's Warning headers). */
export const warningsIn = (stderr: string) => stderr.split('\n').filter((l) => /^Warning: /.test(l));

export async function kubectl(cp: ControlPlane, tools: Tools, args: readonly string[], user: 'admin' | 'limited' = 'admin') {
  return runTool(tools.kubectl, ['--kubeconfig', cp.kubeconfig(user), ...args], process.cwd(), { ...process.env, KUBECONFIG: '' });
}

/** Creates (for real) and waits for CRDs; returns failures. */
async function applyCrds(cp: ControlPlane, tools: Tools, file: string, label: string): Promise<Failure[]> {
  const out: Failure[] = [];
  const a = await kubectl(cp, tools, ['apply', '--server-side', '--field-manager=aks-day2-conformance', '-f', file]);
  if (a.code !== 0) return [{ file: label, object: 'CustomResourceDefinition', message: a.stderr.trim() }];
  for (const w of warningsIn(a.stderr)) out.push({ file: label, object: 'CustomResourceDefinition', message: w });
  const w = await kubectl(cp, tools, ['wait', '--for=condition=Established', '--timeout=120s', '-f', file]);
  if (w.code !== 0) out.push({ file: label, object: 'CustomResourceDefinition', message: `not Established: ${w.stderr.trim()}` });
  return out;
}

export async function applyDist(root: string, cp: ControlPlane, tools: Tools, progress: Progress): Promise<Array<Failure | undefined>> {
  const outcomes: Array<Failure | undefined> = [];
  const distDir = join(root, 'dist');
  if (!existsSync(distDir)) return [{ file: 'dist/', object: 'dist', message: 'no dist/ folder: run npm run synth and commit it' }];
  // distFolders: cluster folders only, never the staging folders of an interrupted synth.
  const clusters = distFolders(distDir);

  progress.note(`Gatekeeper ${tools.gatekeeper.version} CRDs`);
  for (const crd of gatekeeperCrds(tools.gatekeeper)) outcomes.push(...(await applyCrds(cp, tools, crd, `gatekeeper ${tools.gatekeeper.version} ${crd.split('/').pop()}`)));

  const scratch = tempDir('dist');
  for (const cluster of clusters) {
    progress.note(`dist/${cluster}/`);
    const all = files(join(distDir, cluster));
    const rel = (f: string) => relative(root, f);

    // Each kustomization, built as Flux and Argo CD build it.
    for (const k of all.filter((f) => f.endsWith('/kustomization.yaml'))) {
      const dir = k.slice(0, -'/kustomization.yaml'.length);
      const r = await kubectl(cp, tools, ['kustomize', dir]);
      outcomes.push(r.code === 0 && warningsIn(r.stderr).length === 0 ? undefined : { file: rel(k), object: 'Kustomization', message: r.stderr.trim() });
    }

    const manifests = all.filter((f) => /\.ya?ml$/.test(f) && !f.endsWith('/kustomization.yaml'));
    const docs = manifests.flatMap((f) =>
      parseAllDocuments(readFileSync(f, 'utf8'))
        .map((d) => d.toJSON())
        .filter((o) => o && typeof o === 'object')
        .map((o) => ({ file: f, object: o as any })),
    );

    // The constraint CRD of each ConstraintTemplate, as Gatekeeper's controller would create it.
    for (const { file, object } of docs.filter((d) => d.object.kind === 'ConstraintTemplate')) {
      const crd = await runTool(tools.constraintCrd, [], root, process.env, JSON.stringify(object));
      if (crd.code !== 0) {
        outcomes.push({ file: rel(file), object: `ConstraintTemplate ${object.metadata.name}`, message: `Gatekeeper refuses the template: ${crd.stderr.trim()}` });
        continue;
      }
      const crdFile = join(scratch, `${cluster}-${object.metadata.name}-crd.json`);
      writeFileSync(crdFile, crd.stdout);
      const failures = await applyCrds(cp, tools, crdFile, `${rel(file)} (the constraint CRD of ConstraintTemplate ${object.metadata.name})`);
      outcomes.push(...(failures.length > 0 ? failures : [undefined]));
    }

    // Namespaces are created for real: a dry-run namespace holds nothing.
    for (const { file, object } of docs.filter((d) => d.object.kind === 'Namespace')) {
      const nsFile = join(scratch, `${cluster}-ns-${object.metadata.name}.json`);
      writeFileSync(nsFile, JSON.stringify(object));
      const r = await kubectl(cp, tools, ['apply', '--server-side', '--field-manager=aks-day2-conformance', '-f', nsFile]);
      if (r.code !== 0) outcomes.push({ file: rel(file), object: `Namespace ${object.metadata.name}`, message: r.stderr.trim() });
    }

    // Every file, as the API server judges it.
    for (const f of manifests) {
      const r = await kubectl(cp, tools, ['apply', '--server-side', '--dry-run=server', '--field-manager=aks-day2-conformance', '-f', f]);
      const problems = [...(r.code === 0 ? [] : [r.stderr.trim()]), ...warningsIn(r.stderr)];
      const objects = docs.filter((d) => d.file === f).map((d) => `${d.object.kind} ${d.object.metadata?.namespace ? `${d.object.metadata.namespace}/` : ''}${d.object.metadata?.name}`);
      outcomes.push(problems.length === 0 ? undefined : { file: rel(f), object: objects.join(', '), message: problems.join('\n') });
    }
  }
  return outcomes;
}
