import { resolve } from 'node:path';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig } from './config/load';
import { policyWarnings } from './config/policy-warnings';
import { processIo, type Io } from './lib/io';
import { discard, replaceDir, stagingDirFor, writeFiles } from './lib/replace-dir';
import { staleClusterDirs } from './lib/stale';

/**
 * aks-day2's one entrypoint. `scripts/run.cjs` calls main() with the process arguments and
 * environment: this is the edge where the world is read (config file, env), once.
 * Importing this file does nothing.
 */

const USAGE = `usage: aks-day2 <command> [options]

commands:
  synth [--only terraform|kubernetes]
      Synthesize the config (AKS_DAY2_CONFIG, default ${DEFAULT_CONFIG_PATH}):
      Terraform JSON to cdktf.out/ (or CDKTF_OUTDIR) and manifests to dist/<cluster>/
      (or CDK8S_OUTDIR). Nothing is written unless the whole config is valid.
  verify --cluster <name> [options]
      Run the runbook's post-provisioning checks against the current kubeconfig context.
      See \`aks-day2 verify --help\`.
`;

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'synth':
      return synth(rest, env, io);
    case 'verify': {
      const { verify } = await import('./verify/cli');
      return verify(rest, env, io);
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`aks-day2: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

type Part = 'terraform' | 'kubernetes';

async function synth(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  let parts: readonly Part[] = ['terraform', 'kubernetes'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--only' && (argv[i + 1] === 'terraform' || argv[i + 1] === 'kubernetes')) {
      parts = [argv[++i] as Part];
    } else if (arg === '-h' || arg === '--help') {
      io.out(USAGE);
      return 0;
    } else {
      io.err(`aks-day2 synth: unexpected argument "${arg}" (expected --only terraform|kubernetes)`);
      return 2;
    }
  }

  const configPath = env.AKS_DAY2_CONFIG || DEFAULT_CONFIG_PATH;
  const tfOut = resolve(env.CDKTF_OUTDIR || 'cdktf.out');
  // The cdk8s CLI passes CDK8S_OUTDIR (`cdk8s synth --stdout` uses a temp dir); npm run synth writes dist/.
  const distOut = resolve(env.CDK8S_OUTDIR || 'dist');

  // 1. Read and validate everything before any output is touched.
  let config;
  try {
    config = loadConfig(configPath);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      io.err('Nothing was written: cdktf.out/ and dist/ are as they were.');
      return 1;
    }
    throw e;
  }
  // Allow-list entries that relied on upstream's partial-segment prefixes: a warning, not an error.
  for (const warning of policyWarnings(config)) io.err(`warning: ${warning}`);

  // 2. Build every output in staging directories. cdktf and cdk8s load only here, so `verify`
  //    and a config error never pay for them.
  const { buildTerraformApp } = await import('./lib/terraform-app');
  const { renderManifests } = await import('./charts/render');
  const staged: Array<{ staging: string; target: string }> = [];
  try {
    if (parts.includes('terraform')) {
      const staging = stagingDirFor(tfOut);
      staged.push({ staging, target: tfOut });
      buildTerraformApp(config, staging).synth();
    }
    if (parts.includes('kubernetes')) {
      for (const [cluster, files] of renderManifests(config)) {
        const target = resolve(distOut, cluster);
        const staging = stagingDirFor(target);
        staged.push({ staging, target });
        writeFiles(staging, files);
      }
    }
  } catch (e) {
    for (const { staging } of staged) discard(staging);
    io.err(`aks-day2 synth failed; nothing was written: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }

  // 3. Move finished output into place.
  for (const { staging, target } of staged) replaceDir(staging, target);

  const names = config.clusters.map((c) => c.name).join(', ');
  if (parts.includes('terraform')) io.out(`cdktf: ${config.clusters.length} stack(s) (${names}) → ${tfOut}`);
  if (parts.includes('kubernetes')) {
    io.out(`cdk8s: ${config.clusters.length} cluster folder(s) → ${distOut}/<cluster>/`);
    for (const dir of staleClusterDirs(distOut, config.clusters.map((c) => c.name))) {
      io.err(`warning: dist/${dir}/ is not in the config; delete it if that cluster is gone (left untouched).`);
    }
  }
  return 0;
}
