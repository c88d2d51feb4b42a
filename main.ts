import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { CONFIG_ENV, ConfigError, DEFAULT_CONFIG_PATH, loadConfig, resolveConfigPath } from './config/load';
import type { Config } from './config/model';
import { parseFlags } from './lib/args';
import { checkDist, formatDistReport, inSync, staleWarnings } from './lib/dist-check';
import { processIo, type Io } from './lib/io';
import { discard, replaceDir, stagingDirFor, writeFiles } from './lib/replace-dir';
import { distFolders, staleClusterDirs } from './lib/stale';

/**
 * aks-day2's one entrypoint. `scripts/run.cjs` calls main() with the process arguments and
 * environment: this is the edge where the world is read (config file, env), once.
 * Importing this file does nothing.
 */

const USAGE = `usage: aks-day2 <command> [options]

commands:
  synth [--config <file>] [--only terraform|kubernetes] [--check] [--objects-only]
      Synthesize the fleet config: Terraform JSON to cdktf.out/ (or CDKTF_OUTDIR) and
      manifests to dist/<cluster>/ (or CDK8S_OUTDIR). Nothing is written unless the whole
      config is valid.
        --config <file>   the config (default: ${CONFIG_ENV}, else ${DEFAULT_CONFIG_PATH})
        --only <part>     only the Terraform stacks or only the Kubernetes manifests
        --check           write nothing; exit 1 when the committed dist/ differs from what the
                          config synthesizes (changed, missing and extra files per cluster)
        --objects-only    Kubernetes objects only, no kustomization.yaml files (what
                          \`cdk8s synth --stdout\` prints; cdk8s.yaml passes it)
  verify --cluster <name> [--config <file>] [options]
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

/** A path as messages show it: relative to the working directory when below it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

interface SynthOptions {
  readonly configPath: string;
  readonly parts: readonly Part[];
  readonly check: boolean;
  readonly objectsOnly: boolean;
}

function parseSynthArgs(argv: readonly string[], env: NodeJS.ProcessEnv): SynthOptions | { help: true } | { error: string } {
  const parsed = parseFlags(argv, {
    config: { type: 'string' },
    only: { type: 'string' },
    check: { type: 'boolean' },
    'objects-only': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if ('error' in parsed) return parsed;
  const { values } = parsed;
  if (values.help) return { help: true };
  if (values.only !== undefined && values.only !== 'terraform' && values.only !== 'kubernetes') {
    return { error: `--only must be terraform or kubernetes, not "${values.only}"` };
  }
  return {
    configPath: resolveConfigPath(values.config, env),
    parts: values.only ? [values.only as Part] : ['terraform', 'kubernetes'],
    check: values.check ?? false,
    objectsOnly: values['objects-only'] ?? false,
  };
}

async function synth(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const options = parseSynthArgs(argv, env);
  if ('error' in options) {
    io.err(`aks-day2 synth: ${options.error}\n\n${USAGE}`);
    return 2;
  }
  if ('help' in options) {
    io.out(USAGE);
    return 0;
  }
  const { configPath, parts } = options;
  const tfOut = resolve(env.CDKTF_OUTDIR || 'cdktf.out');
  // The cdk8s CLI passes CDK8S_OUTDIR (`cdk8s synth --stdout` uses a temp dir); npm run synth writes dist/.
  const distOut = resolve(env.CDK8S_OUTDIR || 'dist');

  // 1. Read and validate everything before any output is touched.
  let config: Config;
  try {
    config = loadConfig(configPath);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      io.err(`Nothing was written: ${options.check ? 'nothing is written by --check' : 'cdktf.out/ and dist/ are as they were'}.`);
      return 1;
    }
    throw e;
  }
  const names = config.clusters.map((c) => c.name);
  const fromConfig = `${names.length} cluster(s) from ${configPath} (${names.join(', ')})`;
  // Valid, but probably not what was meant (config/cross-field.ts crossFieldWarnings).

  for (const w of config.warnings) {
    io.err(`warning: ${configPath}: ${w.path}${w.line ? ` (line ${w.line})` : ''}: ${w.message}`);
  }

  // 2. Build every output in staging directories (--check: in memory and a temp folder). cdktf
  //    and cdk8s load only here, so `verify` and a config error never pay for them.
  const { buildTerraformApp } = await import('./lib/terraform-app');
  const { renderManifests } = await import('./charts/render');
  const render = () => renderManifests(config, { kustomizations: !options.objectsOnly });

  if (options.check) {
    let manifests;
    try {
      if (parts.includes('terraform')) {
        // The stacks must synthesize too; their output is not committed (snapshots cover it).
        const scratch = mkdtempSync(join(tmpdir(), 'aks-day2-check-'));
        try {
          buildTerraformApp(config, scratch).synth();
        } finally {
          rmSync(scratch, { recursive: true, force: true });
        }
      }
      manifests = parts.includes('kubernetes') ? render() : new Map<string, Map<string, string>>();
    } catch (e) {
      io.err(`aks-day2 synth --check: synthesis failed: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
    if (!parts.includes('kubernetes')) {
      io.out(`aks-day2 synth --check: the Terraform stacks of ${fromConfig} synthesize.`);
      return 0;
    }
    const report = checkDist(manifests, distOut);
    const command =
      configPath === DEFAULT_CONFIG_PATH && !env[CONFIG_ENV] ? 'npm run synth' : `npm run synth -- --config ${configPath}`;
    const clean = inSync(report);
    for (const line of formatDistReport(report, configPath, shown(distOut), command)) (clean ? io.out : io.err)(line);
    for (const line of staleWarnings(report, configPath, shown(distOut))) io.err(line);
    return clean ? 0 : 1;
  }

  const staged: Array<{ staging: string; target: string }> = [];
  try {
    if (parts.includes('terraform')) {
      const staging = stagingDirFor(tfOut);
      staged.push({ staging, target: tfOut });
      buildTerraformApp(config, staging).synth();
    }
    if (parts.includes('kubernetes')) {
      for (const [cluster, files] of render()) {
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

  if (parts.includes('terraform')) io.out(`cdktf: ${fromConfig} → ${shown(tfOut)}/stacks/<cluster>/`);
  if (parts.includes('kubernetes')) {
    io.out(`cdk8s: ${fromConfig} → ${shown(distOut)}/<cluster>/`);
    const stale = staleClusterDirs(distFolders(distOut), names);
    for (const line of staleWarnings({ drift: [], stale, clusters: names.length, files: 0 }, configPath, shown(distOut))) io.err(line);
  }
  return 0;
}
