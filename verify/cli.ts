import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIG_ENV, ConfigError, DEFAULT_CONFIG_PATH, loadConfig, resolveConfigPath } from '../config/load';
import { parseFlags } from '../lib/args';
import { localStateFile, stateBlobKey, type ClusterConfig, type StateBackend } from '../config/model';
import type { Io } from '../lib/io';
import { CHECK_IDS, realClock, type Check, type CheckId, type Clock } from './check';
import { ALL_CHECKS } from './checks';
import { ConnectError, locateKubeconfig, type KubeconfigSource } from './kubeconfig-source';
import type { Connection } from './kube-api';
import { findPolicy, findSmoke, ManifestError, readManifestFiles, type PolicyManifests, type SmokeManifests } from './manifests';
import { junitDocument, junitXml, printable, resultLines, summaryLine } from './report';
import { isOk, notApplicableResult, runChecks, type CheckResult } from './runner';
import { AzureError, withClusterCached, type AzureApi } from './azure/api';
import { AZURE_CHECK_IDS, DEFAULT_SINCE_MINUTES, type AzureCheckId, type DeployedAllowlist } from './azure/check';
import { AZURE_CHECKS } from './azure/checks';
import { AllowlistSourceError, allowlistFromOutputsFile, allowlistFromState } from './azure/deployed-allowlist';

/**
 * `aks-day2 verify`: the runbook's post-provisioning checks against the current kubeconfig
 * context, as one pipeline step. This file is the edge: it reads arguments, config, manifests
 * and the kubeconfig's location, then hands a KubeApi to the checks.
 */

export const EXIT = { passed: 0, failed: 1, usage: 2, setup: 3 } as const;

export const DEFAULT_TIMEOUT_SECONDS = 180;
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 15;

export const DEFAULT_PARALLEL = 4;

export const HELP = `usage: aks-day2 verify --cluster <name> [options]
       aks-day2 verify --all | --cluster <a>,<b>,… [--parallel <n>] [options]
       npm run verify -- --cluster <name> [options]

Runs the runbook's post-provisioning checks against the cluster of the current kubeconfig
context (or --context), using the names synthesized into dist/<cluster>/. With --all (every
cluster of the config) or several --cluster names, each cluster is checked in the kubeconfig
context that az aks get-credentials names after it: <aksName>, or <aksName>-admin
(az aks get-credentials --admin), --parallel at a time:

  nodes             the API server answers; every node is Ready (names the ones that are not)
  api-endpoints     the API server's endpoint IPs, from the EndpointSlices of service
                    default/kubernetes (for the firewall allow-list)
  policy-installed  Gatekeeper: ConstraintTemplate created and the constraint present with
                    enforcementAction deny; vap: the ValidatingAdmissionPolicy (no type-check
                    warnings) and its binding with validationActions Deny; azure-policy: the
                    add-on's constraint for the cluster's assignment, with the synthesized regex
                    (as policy.enforcement says in each case)
  policy-works      server-side dry run (nothing is created): a Pod with a disallowed image is
                    refused by the policy in each policy namespace, a Pod with an allowed image
                    is admitted there, and the disallowed image is admitted in the smoke-test
                    namespace
  smoke-job         applies the smoke Job from dist/<cluster>/smoke-test/, waits for it (bounded
                    by --timeout), shows its log and deletes it again
  prometheus-agent  with alerts.prometheus: managed Prometheus's three parts in kube-system each
                    have a Ready Pod (Pods labelled rsName=ama-metrics, dsName=ama-metrics-node,
                    app.kubernetes.io/name=ama-metrics-ksm), so the rule groups have data; Pods
                    that are not Ready are named

With --azure, the Azure side too, read with the Azure SDK as DefaultAzureCredential signs in
(az login, workload identity, managed identity), in the cluster's subscriptionId (else
AZURE_SUBSCRIPTION_ID, else ARM_SUBSCRIPTION_ID); docs/verify.md lists the roles each needs:

  roles-granted        AcrPull for the kubelet identity on the registry, the monitoring roles
                       for their principal on the cluster (at the scope or above)
  audit-logs-arriving  the diagnostic setting sends the audit categories to the account, and a
                       blob for this cluster arrived within --since
  flow-logs-arriving   the VNet flow log is enabled (Traffic Analytics at the configured
                       interval), a flow-log blob arrived within --since, and Traffic Analytics
                       rows (NTANetAnalytics) too
  firewall-allowlist   the API server's resolved addresses and the App Gateway's public IP equal
                       the deployed firewall_allowlist output (state blob, local state, --outputs)
  policy-compliant     engine azure-policy: the assignment has the synthesized regex; prints the
                       compliance summary
  alerts-wired         the action group is enabled with the configured receivers; each metric
                       alert and Prometheus rule group is enabled, on the cluster, notifying it

options:
  --cluster <name>[,<name>…] cluster(s) from the config; required unless --all
  --all                      every cluster of the config
  --parallel <n>             with several clusters: how many are checked at once (default ${DEFAULT_PARALLEL})
  --config <file>            the config (default: ${CONFIG_ENV}, else ${DEFAULT_CONFIG_PATH})
  --only <ids>               comma-separated check ids to run (default: every check the config enables)
  --timeout <seconds>        bound on waiting for the smoke Job (default ${DEFAULT_TIMEOUT_SECONDS})
  --request-timeout <seconds>  bound on each API request (default ${DEFAULT_REQUEST_TIMEOUT_SECONDS})
  --junit <file>             also write the results as JUnit XML
  --azure                    also run the Azure checks (above)
  --since <minutes>[m|h]     with --azure: how recent the newest log must be (default ${DEFAULT_SINCE_MINUTES}m)
  --outputs <file>           with --azure: read firewall_allowlist from this file (cdktf output
                             <cluster> --outputs-file, or terraform output -json) instead of the
                             deployed state
  --send-test-notification   with --azure: have Azure send the action group a test alert and
                             report each receiver (the only write verify makes)
  --context <name>           kubeconfig context to use instead of the current one (one cluster only)
  --kubeconfig <path>        kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)
  --dist <dir>               where the synthesized manifests are (default dist)
  -h, --help                 this text

Results go to stdout, one line per check: PASS/FAIL/SKIP, id, what was expected, what came
back, elapsed time; with several clusters, each cluster's block as it finishes, then a summary
table (cluster, passed, failed, not run, slowest check), and --junit writes one <testsuite> per
cluster. Progress lines and warnings go to stderr. Credentials are never printed.

exit codes:
  0  every selected check passed (of every cluster)
  1  a check failed or could not run (unreachable API, 401/403, timeouts count here); with
     several clusters: any cluster failed, also one that could not be set up
  2  usage error: unknown option or check id, missing or unknown --cluster
  3  setup error before any check ran: invalid config, dist/<cluster>/ missing or stale,
     no usable kubeconfig, no subscription for --azure
`;

interface Options {
  /** --cluster: one name, or several separated by commas. */
  readonly cluster?: string;
  readonly all: boolean;
  readonly parallel: number;
  /** --config: the config file instead of AKS_DAY2_CONFIG / the fleet config. */
  readonly config?: string;
  readonly only?: readonly (CheckId | AzureCheckId)[];
  readonly timeoutMs: number;
  readonly azure: boolean;
  readonly sinceMinutes: number;
  readonly outputs?: string;
  readonly sendTestNotification: boolean;
  readonly requestTimeoutMs: number;
  readonly junit?: string;
  readonly context?: string;
  readonly kubeconfig?: string;
  readonly dist: string;
  readonly help: boolean;
}

/** Seams for tests: an in-memory connection instead of client-node, Azure at a local fake, and a fake clock. */
export interface VerifyDeps {
  readonly connect: (source: KubeconfigSource, options: { context?: string; requestTimeoutMs: number }) => Promise<Connection>;
  /** The Azure reads of one subscription (--azure). */
  readonly azure?: (options: { subscriptionId: string; requestTimeoutMs: number }) => Promise<AzureApi>;
  /** Wall-clock ms since the epoch (log blob times are compared to it). */
  readonly wallNow?: () => number;
  readonly clock: Clock;
}

/** One credential for the whole run: its token cache is shared by every cluster. */
let sharedCredential: Promise<import('./azure/sdk').TokenCredential> | undefined;

const defaultDeps: VerifyDeps = {
  // Loaded only now: client-node is large, and usage or setup errors never need it.
  connect: async (source, options) => {
    let adapter: typeof import('./client-node-api');
    try {
      adapter = await import('./client-node-api');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Node before 20.19 cannot require() an ES module.
      throw new ConnectError(`@kubernetes/client-node could not be loaded (${code ?? String(e)}); verify needs Node 20.19 or later`);
    }
    return adapter.connect(source, options);
  },
  // Loaded only with --azure: the SDK is its own bundle (scripts/run.cjs).
  azure: async (options) => {
    const sdk = await import('./azure/sdk-api');
    sharedCredential ??= Promise.resolve(sdk.defaultCredential());
    return sdk.sdkAzureApi({ credential: await sharedCredential, ...options });
  },
  wallNow: () => Date.now(),
  clock: realClock,
};

export function verify(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  return runVerify(argv, env, io, defaultDeps);
}

export async function runVerify(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io, deps: VerifyDeps): Promise<number> {
  const started = deps.clock.now();
  const parsed = parseArgs(argv);
  if ('error' in parsed) {
    io.err(`aks-day2 verify: ${parsed.error}`);
    io.err('run `aks-day2 verify --help` for usage');
    return EXIT.usage;
  }
  const options = parsed;
  if (options.help) {
    io.out(HELP);
    return EXIT.passed;
  }

  // 1. Config and cluster(s).
  const configPath = resolveConfigPath(options.config, env);
  let clusters: readonly ClusterConfig[];
  let state: StateBackend | undefined;
  try {
    ({ clusters, state } = loadConfig(configPath));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return setupFailed(io, options, options.cluster ?? 'unknown', e.message, started, deps.clock);
  }
  const known = clusters.map((c) => c.name).join(', ');
  if (!options.cluster && !options.all) {
    io.err(`aks-day2 verify: --cluster or --all is required (clusters in ${configPath}: ${known})`);
    return EXIT.usage;
  }
  if (options.cluster && options.all) {
    io.err('aks-day2 verify: --cluster and --all exclude each other: --all is every cluster of the config');
    return EXIT.usage;
  }
  const names = options.all ? clusters.map((c) => c.name) : options.cluster!.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !clusters.some((c) => c.name === n));
  if (unknown.length > 0 || names.length === 0) {
    io.err(`aks-day2 verify: unknown cluster${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `"${n}"`).join(', ') || '(none given)'}; clusters in ${configPath}: ${known}`);
    return EXIT.usage;
  }
  const selected = names.map((n) => clusters.find((c) => c.name === n)!);
  // One cluster: --only names checks that must apply to it. Several: each runs those that do.
  if (options.only && selected.length === 1 && !options.all) {
    for (const cluster of selected) {
      const inapplicable = [...ALL_CHECKS, ...AZURE_CHECKS]
        .filter((c) => options.only!.includes(c.id))
        .map((c) => [c.id, c.notApplicable(cluster)])
        .filter(([, why]) => why);
      if (inapplicable.length > 0) {
        io.err(`aks-day2 verify: ${inapplicable.map(([id, why]) => `${id} does not apply: ${why}`).join('; ')} (cluster ${cluster.name} in ${configPath})`);
        return EXIT.usage;
      }
    }
  }
  if (selected.length === 1 && !options.all) {
    const run = await verifyCluster(selected[0]!, state, configPath, options, env, io, deps, options.context);
    if (options.junit) {
      const written = writeJunit(options.junit, run.redact(junitXml(run.cluster, run.results, run.totalMs, run.setupError)));
      if (written) io.err(written);
    }
    return run.setupError ? EXIT.setup : run.results.every(isOk) ? EXIT.passed : EXIT.failed;
  }
  if (options.context) {
    io.err('aks-day2 verify: --context names one context; with several clusters each is checked in its own (<aksName>, or <aksName>-admin)');
    return EXIT.usage;
  }
  return verifyFleet(selected, state, configPath, options, env, io, deps, started);
}

/** One cluster's run, with what printing it needs. */
interface ClusterRun {
  readonly cluster: string;
  readonly results: readonly CheckResult[];
  readonly totalMs: number;
  readonly setupError?: string;
  readonly redact: (text: string) => string;
}

/**
 * Checks one cluster: names from dist/<cluster>/, a connection (to `context`, else the
 * kubeconfig's current one), the checks. Every line goes to `io`; a setup problem ends the run
 * with `setupError` (nothing else is printed on stdout).
 */
async function verifyCluster(
  cluster: ClusterConfig,
  state: StateBackend | undefined,
  configPath: string,
  options: Options,
  env: NodeJS.ProcessEnv,
  io: Io,
  deps: VerifyDeps,
  context: string | undefined,
  candidates?: readonly string[],
): Promise<ClusterRun> {
  const started = deps.clock.now();
  const setup = (message: string): ClusterRun => {
    io.err(`aks-day2 verify: ${message}`);
    return { cluster: cluster.name, results: [], totalMs: deps.clock.now() - started, setupError: message, redact: (t) => t };
  };

  // 2. Which checks: those of --only that apply (for one cluster the caller has refused the
  // others), else every check that applies; the Azure checks only with --azure.
  const notes: string[] = [];
  const wanted = <T extends { id: string; notApplicable(c: ClusterConfig): string | undefined }>(all: readonly T[]): T[] => {
    return all.filter((c) => {
      if (options.only && !options.only.includes(c.id as CheckId)) return false;
      const why = c.notApplicable(cluster);
      if (why) notes.push(`note: ${c.id} not run: ${why}`);
      return !why;
    });
  };
  const checks: Check[] = wanted(ALL_CHECKS);
  // The Azure checks the config does not enable are reported (SKIP, and <skipped> in JUnit) with the reason.
  const azureChecks = options.azure
    ? AZURE_CHECKS.filter((c) => !options.only || options.only.includes(c.id)).map((c) => ({ ...c, inapplicable: c.notApplicable(cluster) }))
    : [];

  // 3. Names from dist/<cluster>/, only for the checks that need them.
  const distDir = join(options.dist, cluster.name);
  let policy: PolicyManifests | undefined;
  let smoke: SmokeManifests | undefined;
  const ids = new Set(checks.map((c) => c.id));
  try {
    if (ids.has('policy-installed') || ids.has('policy-works') || ids.has('smoke-job')) {
      const files = readManifestFiles(distDir);
      if (ids.has('policy-installed') || ids.has('policy-works')) policy = findPolicy(files, cluster.policy!.engine, distDir, cluster);
      if (ids.has('smoke-job')) smoke = findSmoke(files, distDir);
    }
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    return setup(e.message);
  }

  // 4. Azure: the subscription, and the SDK clients for it (nothing is sent yet).
  let azure: AzureApi | undefined;
  let subscriptionId: string | undefined;
  if (azureChecks.some((c) => !c.inapplicable)) {
    subscriptionId = (cluster.subscriptionId ?? env.AZURE_SUBSCRIPTION_ID ?? env.ARM_SUBSCRIPTION_ID)?.toLowerCase();
    if (!subscriptionId) {
      return setup(`--azure: cluster ${cluster.name} has no subscriptionId in the config, and neither AZURE_SUBSCRIPTION_ID nor ARM_SUBSCRIPTION_ID is set`);
    }
    if (!deps.azure) return setup('--azure: no Azure client in this build');
    azure = withClusterCached(await deps.azure({ subscriptionId, requestTimeoutMs: options.requestTimeoutMs }));
  }

  // 5. Credentials: where they are, then a connection (the first candidate context that
  // exists). Not needed when only Azure checks run.
  let connection: Connection | undefined;
  if (checks.length > 0) {
    const rg = cluster.resourceGroup;
    const hint = `Get credentials with: az aks get-credentials -g ${rg} -n ${cluster.aksName}`;
    const source = locateKubeconfig(options.kubeconfig, env, hint);
    if ('error' in source) return setup(source.error);
    const tried = candidates ?? [context];
    for (const ctx of tried) {
      try {
        connection = await deps.connect(source, { context: ctx, requestTimeoutMs: options.requestTimeoutMs });
        break;
      } catch (e) {
        if (!(e instanceof ConnectError)) throw e;
        // A context that is not there: try the next name; anything else ends this cluster.
        if (!candidates || !/not in the kubeconfig/.test(e.message)) return setup(e.message);
      }
    }
    if (!connection) return setup(`no kubeconfig context ${tried.map((c) => `"${c}"`).join(' or ')} for cluster ${cluster.name}. ${hint}`);
  }

  // From here on every line passes through redact(): a token must not reach a log even if a
  // server or an error echoes it.
  const secrets = connection ? connection.secrets : () => [];
  const redact = (text: string) => redactSecrets(text, secrets());
  const out = (line: string) => io.out(redact(line));
  const err = (line: string) => io.err(redact(line));

  out(
    `aks-day2 verify: cluster ${cluster.name} from ${configPath} (AKS ${cluster.aksName})` +
      (connection ? `, context ${connection.contextName}, API server ${withoutUserinfo(connection.server)}` : '') +
      (subscriptionId ? `, Azure subscription ${subscriptionId}` : ''),
  );
  notes.forEach(out);
  if (connection && !connection.contextName.includes(cluster.aksName) && !connection.clusterName.includes(cluster.aksName)) {
    err(
      `warning: context "${connection.contextName}" (cluster "${connection.clusterName}") does not look like ${cluster.aksName}'s; ` +
        `az aks get-credentials names it ${cluster.aksName}. Checking it anyway; pass --context to choose another.`,
    );
  }

  const progress = (line: string) => err(`... ${printable(line)}`);
  const print = (result: CheckResult) => resultLines(result).forEach(out);
  const results: CheckResult[] = [];
  if (connection) {
    results.push(
      ...(await runChecks(
        checks,
        { api: connection.api, cluster, distDir, policy, smoke, clock: deps.clock, timeoutMs: options.timeoutMs, progress },
        print,
      )),
    );
  }
  if (azure && subscriptionId) {
    const api = azure;
    results.push(
      ...(await runChecks(
        azureChecks,
        {
          azure: api,
          cluster,
          subscriptionId,
          clock: deps.clock,
          wallNow: deps.wallNow ?? (() => Date.now()),
          sinceMinutes: options.sinceMinutes,
          timeoutMs: options.timeoutMs,
          sendTestNotification: options.sendTestNotification,
          deployedAllowlist: () => deployedAllowlist(cluster, state, options.outputs, api),
          progress,
        },
        print,
      )),
    );
  } else {
    // No Azure check applies: each is reported with its reason, and nothing is read.
    for (const c of azureChecks) {
      const result = notApplicableResult(c, c.inapplicable!);
      print(result);
      results.push(result);
    }
  }
  const totalMs = deps.clock.now() - started;
  out(summaryLine(cluster.name, results, totalMs));
  return { cluster: cluster.name, results, totalMs, redact };
}

/**
 * Where the deployed firewall_allowlist is read: --outputs, else the state the stack keeps (the
 * config's azurerm backend blob, read with the same credential; else the local state file).
 * A file or blob that cannot be read fails the check that asked, with the reason.
 */
async function deployedAllowlist(cluster: ClusterConfig, state: StateBackend | undefined, outputs: string | undefined, azure: AzureApi): Promise<DeployedAllowlist> {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new AzureError('other', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  };
  try {
    if (outputs) return { source: outputs, cidrs: allowlistFromOutputsFile(read(outputs), cluster.name, outputs) };
    if (state) {
      const key = stateBlobKey(state, cluster.name);
      const source = `state blob ${state.storageAccountName}/${state.containerName}/${key}`;
      const text = await azure.readBlob(state.storageAccountName, state.containerName, key);
      if (text === undefined) throw new AzureError('not-found', `${source} does not exist (not deployed yet?)`);
      return { source, cidrs: allowlistFromState(text, source) };
    }
    const file = localStateFile(cluster.name);
    return { source: file, cidrs: allowlistFromState(read(file), file) };
  } catch (e) {
    if (e instanceof AllowlistSourceError) throw new AzureError('other', e.message);
    throw e;
  }
}

/**
 * Several clusters, `--parallel` at a time, each in its own kubeconfig context: its lines are
 * held and printed as one block when it finishes (blocks never interleave), progress goes to
 * stderr as clusters finish, and a summary table ends the run. One cluster that cannot be
 * reached or set up fails only itself.
 */
async function verifyFleet(
  clusters: readonly ClusterConfig[],
  state: StateBackend | undefined,
  configPath: string,
  options: Options,
  env: NodeJS.ProcessEnv,
  io: Io,
  deps: VerifyDeps,
  started: number,
): Promise<number> {
  const runs: ClusterRun[] = new Array(clusters.length);
  let next = 0;
  let done = 0;
  io.err(`... verify: ${clusters.length} cluster(s) from ${configPath}, ${Math.min(options.parallel, clusters.length)} at a time`);
  const worker = async () => {
    for (let i = next++; i < clusters.length; i = next++) {
      const cluster = clusters[i]!;
      const lines: Array<['out' | 'err', string]> = [];
      const buffered: Io = { out: (l) => lines.push(['out', l]), err: (l) => lines.push(['err', l]) };
      const candidates = [cluster.aksName, `${cluster.aksName}-admin`];
      const run = await verifyCluster(cluster, state, configPath, options, env, buffered, deps, undefined, candidates);
      runs[i] = run;
      done++;
      for (const [stream, line] of lines) (stream === 'out' ? io.out : io.err)(line);
      const failed = run.setupError ? 'setup failed' : `${run.results.filter((r) => r.status === 'passed').length} passed, ${run.results.filter((r) => r.status === 'failed').length} failed`;
      io.err(`... verify: [${done}/${clusters.length}] ${cluster.name}: ${failed} (${(run.totalMs / 1000).toFixed(2)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel, clusters.length) }, worker));

  const totalMs = deps.clock.now() - started;
  for (const line of fleetSummary(runs, totalMs)) io.out(line);
  if (options.junit) {
    const xml = junitDocument(runs, totalMs);
    const written = writeJunit(options.junit, runs.reduce((text, r) => r.redact(text), xml));
    if (written) io.err(written);
  }
  return runs.every((r) => !r.setupError && r.results.every(isOk)) ? EXIT.passed : EXIT.failed;
}

/** The table that ends a run over several clusters, and one line saying how it went. */
export function fleetSummary(runs: readonly ClusterRun[], totalMs: number): string[] {
  const rows = runs.map((r) => {
    const count = (s: CheckResult['status']) => String(r.results.filter((x) => x.status === s).length);
    const slowest = [...r.results].sort((a, b) => b.elapsedMs - a.elapsedMs)[0];
    return [
      r.cluster,
      r.setupError ? '-' : count('passed'),
      r.setupError ? '-' : count('failed'),
      r.setupError ? '-' : count('skipped'),
      r.setupError ? `setup failed: ${printable(r.setupError)}` : slowest ? `${slowest.id} ${(slowest.elapsedMs / 1000).toFixed(2)} s` : '-',
    ];
  });
  const header = ['cluster', 'passed', 'failed', 'not run', 'slowest check'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const failed = runs.filter((r) => r.setupError || !r.results.every(isOk)).map((r) => r.cluster);
  return [
    '',
    line(header),
    ...rows.map((r) => line(r)),
    `verify: ${runs.length - failed.length} of ${runs.length} cluster(s) passed${failed.length ? ` (failed: ${failed.join(', ')})` : ''} in ${(totalMs / 1000).toFixed(2)} s`,
  ];
}

/** A setup problem before any cluster is known (the config): exit 3, and a JUnit saying why. */
function setupFailed(io: Io, options: Options, cluster: string, message: string, started: number, clock: Clock): number {
  io.err(`aks-day2 verify: ${message}`);
  if (options.junit) {
    const written = writeJunit(options.junit, junitXml(cluster, [], clock.now() - started, message));
    if (written) io.err(written);
  }
  return EXIT.setup;
}

/** Returns an error line when the file cannot be written. */
function writeJunit(path: string, xml: string): string | undefined {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, xml);
    return undefined;
  } catch (e) {
    return `aks-day2 verify: cannot write --junit ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
  }
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so `Bearer <token>` goes before `<token>` alone. Very short strings are not
  // credentials and would mangle ordinary text.
  for (const secret of [...secrets].filter((s) => s.length >= 8).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('[redacted]');
  }
  return out;
}

function withoutUserinfo(server: string): string {
  try {
    const url = new URL(server);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return server;
  }
}

const VALUE_FLAGS = ['cluster', 'config', 'only', 'timeout', 'request-timeout', 'junit', 'context', 'kubeconfig', 'dist', 'parallel', 'since', 'outputs'] as const;
const BOOLEAN_FLAGS = ['help', 'all', 'azure', 'send-test-notification'] as const;

/** Parse argv (after `verify`). Accepts `--flag value` and `--flag=value`. */
export function parseArgs(argv: readonly string[]): Options | { error: string } {
  const parsed = parseFlags(argv, {
    ...Object.fromEntries(VALUE_FLAGS.map((f) => [f, { type: 'string' as const }])),
    help: { type: 'boolean', short: 'h' },
    all: { type: 'boolean' },
    azure: { type: 'boolean' },
    'send-test-notification': { type: 'boolean' },
  });
  if ('error' in parsed) return parsed;
  const values = new Map(
    Object.entries(parsed.values)
      .filter(([k]) => !(BOOLEAN_FLAGS as readonly string[]).includes(k))
      .map(([k, v]) => [`--${k}`, String(v)]),
  );
  const help = parsed.values.help === true;
  const azure = parsed.values.azure === true;
  const sendTestNotification = parsed.values['send-test-notification'] === true;

  let only: (CheckId | AzureCheckId)[] | undefined;
  if (values.has('--only')) {
    const ids = values.get('--only')!.split(',').map((s) => s.trim()).filter(Boolean);
    const known: readonly string[] = [...CHECK_IDS, ...AZURE_CHECK_IDS];
    const unknown = ids.filter((id) => !known.includes(id));
    if (unknown.length > 0 || ids.length === 0) {
      return { error: `--only: unknown check id${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => `"${u}"`).join(', ') || '(none given)'} (ids: ${known.join(', ')})` };
    }
    const azureIds = ids.filter((id) => (AZURE_CHECK_IDS as readonly string[]).includes(id));
    if (azureIds.length > 0 && !azure) return { error: `--only: ${azureIds.join(', ')} ${azureIds.length === 1 ? 'is an Azure check' : 'are Azure checks'}: add --azure` };
    only = ids as (CheckId | AzureCheckId)[];
  }
  for (const [flag, given] of [['--since', values.has('--since')], ['--outputs', values.has('--outputs')], ['--send-test-notification', sendTestNotification]] as const) {
    if (given && !azure) return { error: `${flag} applies to the Azure checks: add --azure` };
  }
  const rawSince = values.get('--since');
  const since = rawSince === undefined ? undefined : /^([1-9]\d{0,5})([mh]?)$/.exec(rawSince);
  if (rawSince !== undefined && !since) return { error: `--since must be a whole number of minutes (90, 90m) or hours (2h), got "${rawSince}"` };
  const sinceMinutes = since ? Number(since[1]) * (since[2] === 'h' ? 60 : 1) : DEFAULT_SINCE_MINUTES;
  const seconds = (flag: string, fallback: number): number | { error: string } => {
    const raw = values.get(flag);
    if (raw === undefined) return fallback * 1000;
    const n = Number(raw);
    return Number.isFinite(n) && n > 0 && /^\d*\.?\d+$/.test(raw) ? n * 1000 : { error: `${flag} must be a positive number of seconds, got "${raw}"` };
  };
  const timeoutMs = seconds('--timeout', DEFAULT_TIMEOUT_SECONDS);
  if (typeof timeoutMs !== 'number') return timeoutMs;
  const requestTimeoutMs = seconds('--request-timeout', DEFAULT_REQUEST_TIMEOUT_SECONDS);
  if (typeof requestTimeoutMs !== 'number') return requestTimeoutMs;
  const rawParallel = values.get('--parallel');
  const parallel = rawParallel === undefined ? DEFAULT_PARALLEL : /^[1-9]\d{0,2}$/.test(rawParallel) ? Number(rawParallel) : undefined;
  if (parallel === undefined) return { error: `--parallel must be a whole number from 1 to 999, got "${rawParallel}"` };

  return {
    cluster: values.get('--cluster'),
    all: parsed.values.all === true,
    parallel,
    config: values.get('--config'),
    only,
    timeoutMs,
    requestTimeoutMs,
    junit: values.get('--junit'),
    context: values.get('--context'),
    kubeconfig: values.get('--kubeconfig'),
    dist: values.get('--dist') ?? 'dist',
    azure,
    sinceMinutes,
    outputs: values.get('--outputs'),
    sendTestNotification,
    help,
  };
}
