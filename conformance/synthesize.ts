/**
 * What the suites read besides committed files: a config's clusters, and its Terraform
 * synthesized into a temporary folder exactly as `npm run synth` writes it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseConfig } from '../config/load';
import type { ClusterConfig } from '../config/model';
import { runTool, tempDir } from './processes';

/** Synthesizes the Terraform of `config` into a temporary folder, as `npm run synth` does. */
export async function synthesize(root: string, config: string, env: NodeJS.ProcessEnv): Promise<Array<{ name: string; file: string; text: string }>> {
  const out = tempDir('synth');
  const r = await runTool(process.execPath, [join(root, 'scripts', 'run.cjs'), 'synth', '--only', 'terraform', '--config', config], root, {
    ...env,
    CDKTF_OUTDIR: out,
  });
  if (r.code !== 0) throw new Error(`npm run synth -- --config ${relative(root, config)} failed (exit ${r.code}):\n${r.stderr}`);
  const stacks = join(out, 'stacks');
  return readdirSync(stacks).sort().map((name) => {
    const file = join(stacks, name, 'cdk.tf.json');
    return { name, file, text: readFileSync(file, 'utf8') };
  });
}

/** The clusters of a config file, by name (validated and defaulted, as synth reads them). */
export function clustersOf(root: string, config: string): Map<string, ClusterConfig> {
  const parsed = parseConfig(readFileSync(config, 'utf8'), relative(root, config));
  return new Map(parsed.clusters.map((c) => [c.name, c]));
}

/** Synthesizes the Kubernetes manifests of `config` into a temporary folder; returns it (it holds <cluster>/). */
export async function synthesizeManifests(root: string, config: string, env: NodeJS.ProcessEnv): Promise<string> {
  const out = tempDir('dist');
  const r = await runTool(process.execPath, [join(root, 'scripts', 'run.cjs'), 'synth', '--only', 'kubernetes', '--config', config], root, {
    ...env,
    CDK8S_OUTDIR: out,
  });
  if (r.code !== 0) throw new Error(`npm run synth -- --only kubernetes --config ${relative(root, config)} failed (exit ${r.code}):\n${r.stderr}`);
  return out;
}
