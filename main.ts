import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { CONFIG_ENV, ConfigError, DEFAULT_CONFIG_PATH, loadConfig, resolveConfigPath } from './config/load';
import type { Config } from './config/model';
import { parseFlags } from './lib/args';
import { checkDist, formatDistReport, inSync, staleWarnings } from './lib/dist-check';
import { processIo, type Io } from './lib/io';
import { checkpoint, exitCleanlyOnInterrupt } from './lib/interrupt';
import { discard, discardPending, leftoversIn, removeDeadLeftovers, replaceDir, stagingDirFor, writeFiles } from './lib/replace-dir';
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
                          config synthesizes (changed, missing and extra files per cluster,
                          staging folders of an interrupted synth)
        --objects-only    Kubernetes objects only, no kustomization.yaml files (what
                          \`cdk8s synth --stdout\` prints; cdk8s.yaml passes it); never into
                          dist/ (only where CDK8S_OUTDIR points elsewhere), and not with --check,
                          which compares with dist/ as committed, kustomizations included
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
  if (values.check && values['objects-only']) {
    return { error: '--check and --objects-only cannot be combined: --check compares with dist/ as committed, kustomization.yaml files included' };
  }
  // dist/ is what GitOps applies, kustomizations included: written without them, `kubectl apply
  // -k dist/<cluster>` and --check would fail until the next full synth.
  if (values['objects-only'] && resolve(env.CDK8S_OUTDIR || 'dist') === resolve('dist')) {
    return {
      error:
        '--objects-only writes no kustomization.yaml files, so it never writes into dist/: it is for the cdk8s CLI, which sets CDK8S_OUTDIR ' +
        '(`npx cdk8s synth --stdout` prints the objects); `npm run synth` writes dist/ whole',
    };
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
  const outputs = parts.map((p) => `${shown(p === 'terraform' ? tfOut : distOut)}/`);

  // 1. Read and validate everything before any output is touched.
  let config: Config;
  try {
    config = loadConfig(configPath);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      io.err(nothingWritten(options, outputs, env));
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
    let scratch: string | undefined;
    const removeScratch = () => scratch !== undefined && rmSync(scratch, { recursive: true, force: true });
    // Ctrl-C: the Terraform scratch folder goes too (the synth is synchronous, so the listener
    // runs after it and after the `finally` below; removing twice is harmless).
    const stopHandling = exitCleanlyOnInterrupt((signal) => {
      removeScratch();
      return `aks-day2 synth --check: interrupted (${signal}); nothing was written.`;
    }, io.err);
    try {
      if (parts.includes('terraform')) {
        // The stacks must synthesize too; their output is not committed (snapshots cover it).
        scratch = mkdtempSync(join(tmpdir(), 'aks-day2-check-'));
        try {
          await checkpoint();
          buildTerraformApp(config, scratch).synth();
          await holdForTest(env, [scratch]);
        } finally {
          removeScratch();
        }
      }
      manifests = parts.includes('kubernetes') ? render() : new Map<string, Map<string, string>>();
      await checkpoint();
    } catch (e) {
      io.err(`aks-day2 synth --check: synthesis failed: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    } finally {
      stopHandling();
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

  // Staging folders of earlier synths that were killed (their process is gone). Those of a
  // running process are left alone: parallel tests synthesize concurrently.
  const leftovers = [
    ...(parts.includes('terraform') ? leftoversIn(dirname(tfOut), basename(tfOut)) : []),
    ...(parts.includes('kubernetes') ? leftoversIn(distOut) : []),
  ];
  for (const { leftover, action } of removeDeadLeftovers(leftovers)) {
    io.err(
      action === 'restored'
        ? `aks-day2 synth: moved ${shown(leftover.path)}/ back to ${shown(leftover.target)}/ (a synth killed mid-replace, process ${leftover.pid}, had moved it aside)`
        : `aks-day2 synth: removed ${shown(leftover.path)}/ (left by a synth that was killed, process ${leftover.pid})`,
    );
  }

  // Ctrl-C or SIGTERM from here on: remove this run's staging folders, then exit 130 or 143.
  const stopHandling = exitCleanlyOnInterrupt((signal) => {
    const removed = discardPending();
    return `aks-day2 synth: interrupted (${signal}); nothing was written${removed.length ? `, staging folders removed: ${removed.map((d) => `${shown(d)}/`).join(', ')}` : ''}.`;
  }, io.err);
  try {
    const staged: Array<{ staging: string; target: string }> = [];
    try {
      if (parts.includes('terraform')) {
        const staging = stagingDirFor(tfOut);
        staged.push({ staging, target: tfOut });
        await checkpoint();
        buildTerraformApp(config, staging).synth();
      }
      if (parts.includes('kubernetes')) {
        for (const [cluster, files] of render()) {
          const target = resolve(distOut, cluster);
          const staging = stagingDirFor(target);
          staged.push({ staging, target });
          await checkpoint();
          writeFiles(staging, files);
        }
      }
      await holdForTest(env, staged.map((s) => s.staging));
      await checkpoint();
    } catch (e) {
      for (const { staging } of staged) discard(staging);
      io.err(`aks-day2 synth failed; nothing was written: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }

    // 3. Move finished output into place: one synchronous loop, so an interrupt comes before it or after it.
    for (const { staging, target } of staged) replaceDir(staging, target);
  } finally {
    stopHandling();
  }

  if (parts.includes('terraform')) io.out(`cdktf: ${fromConfig} → ${shown(tfOut)}/stacks/<cluster>/`);
  if (parts.includes('kubernetes')) {
    io.out(`cdk8s: ${fromConfig} → ${shown(distOut)}/<cluster>/`);
    const stale = staleClusterDirs(distFolders(distOut), names);
    for (const line of staleWarnings({ drift: [], leftovers: [], stale, clusters: names.length, files: 0 }, configPath, shown(distOut))) {
      io.err(line);
    }
  }
  return 0;
}

/** `cdk8s synth --stdout`'s scratch folder: `cdk8s-XXXXXX` directly in the temp folder. */
function isStdoutScratch(outdir: string): boolean {
  const dir = resolve(outdir);
  return dirname(dir) === resolve(tmpdir()) && /^cdk8s-[A-Za-z0-9]{6}$/.test(basename(dir));
}

/**
 * The line after a config error: what this run would have written is as it was. Run by
 * `cdk8s synth` (cdk8s.yaml's app passes --objects-only, the CLI sets CDK8S_OUTDIR), the CLI
 * has already emptied its output folder before it started this app, so that folder is not
 * "as it was": say what the CLI did instead.
 */
function nothingWritten(options: SynthOptions, outputs: readonly string[], env: NodeJS.ProcessEnv): string {
  if (options.check) return 'Nothing was written: nothing is written by --check.';
  if (options.objectsOnly && env.CDK8S_OUTDIR && isStdoutScratch(env.CDK8S_OUTDIR)) {
    // `cdk8s synth --stdout` synthesizes into a fresh temp folder of its own (cdk8s-cli
    // lib/util.js mkdtemp: <tmpdir>/cdk8s-XXXXXX) and removes it afterwards: nothing to report of it.
    return 'Nothing was written and nothing printed (run by `cdk8s synth --stdout`); dist/ and cdktf.out/ are as they were.';
  }
  if (options.objectsOnly && env.CDK8S_OUTDIR) {
    return (
      `Nothing was written. Run by \`cdk8s synth\`: the cdk8s CLI emptied its output folder ${outputs.join(', ')} before it ` +
      'started this app, so that folder is empty now, not as it was; dist/ and cdktf.out/ are as they were.'
    );
  }
  return `Nothing was written: ${outputs.join(' and ')} ${outputs.length > 1 ? 'are' : 'is'} as ${outputs.length > 1 ? 'they were' : 'it was'}.`;
}

/**
 * Test hook, for the interrupt test only: with AKS_DAY2_TEST_HOLD_STAGED=<file>, a synth that
 * has staged everything writes the staging folders to <file> and waits there (up to 30 s) for
 * a signal, so the test interrupts it at a known point instead of racing it.
 */
export const HOLD_STAGED_ENV = 'AKS_DAY2_TEST_HOLD_STAGED';

async function holdForTest(env: NodeJS.ProcessEnv, staging: readonly string[]): Promise<void> {
  const file = env[HOLD_STAGED_ENV];
  if (!file) return;
  // Written aside, then renamed: the test waits for the file to appear and must never read it half-written.
  writeFileSync(`${file}.part`, `${staging.join('\n')}\n`);
  renameSync(`${file}.part`, file);
  await new Promise((resolve) => setTimeout(resolve, 30_000));
}
