import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIG_ENV, ConfigError, DEFAULT_CONFIG_PATH, loadConfig, resolveConfigPath } from '../config/load';
import { parseFlags } from '../lib/args';
import type { ClusterConfig } from '../config/model';
import type { Io } from '../lib/io';
import { CHECK_IDS, realClock, type Check, type CheckId, type Clock } from './check';
import { ALL_CHECKS } from './checks';
import { ConnectError, locateKubeconfig, type KubeconfigSource } from './kubeconfig-source';
import type { Connection } from './kube-api';
import { findPolicy, findSmoke, ManifestError, readManifestFiles, type PolicyManifests, type SmokeManifests } from './manifests';
import { junitDocument, junitXml, printable, resultLines, summaryLine } from './report';
import { runChecks, type CheckResult } from './runner';

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

options:
  --cluster <name>[,<name>…] cluster(s) from the config; required unless --all
  --all                      every cluster of the config
  --parallel <n>             with several clusters: how many are checked at once (default ${DEFAULT_PARALLEL})
  --config <file>            the config (default: ${CONFIG_ENV}, else ${DEFAULT_CONFIG_PATH})
  --only <ids>               comma-separated check ids to run (default: every check the config enables)
  --timeout <seconds>        bound on waiting for the smoke Job (default ${DEFAULT_TIMEOUT_SECONDS})
  --request-timeout <seconds>  bound on each API request (default ${DEFAULT_REQUEST_TIMEOUT_SECONDS})
  --junit <file>             also write the results as JUnit XML
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
     no usable kubeconfig
`;

interface Options {
  /** --cluster: one name, or several separated by commas. */
  readonly cluster?: string;
  readonly all: boolean;
  readonly parallel: number;
  /** --config: the config file instead of AKS_DAY2_CONFIG / the fleet config. */
  readonly config?: string;
  readonly only?: readonly CheckId[];
  readonly timeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly junit?: string;
  readonly context?: string;
  readonly kubeconfig?: string;
  readonly dist: string;
  readonly help: boolean;
}

/** Seams for tests: an in-memory connection instead of client-node, and a fake clock. */
export interface VerifyDeps {
  readonly connect: (source: KubeconfigSource, options: { context?: string; requestTimeoutMs: number }) => Promise<Connection>;
  readonly clock: Clock;
}

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
  try {
    clusters = loadConfig(configPath).clusters;
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
      const inapplicable = ALL_CHECKS.filter((c) => options.only!.includes(c.id)).map((c) => [c.id, c.notApplicable(cluster)]).filter(([, why]) => why);
      if (inapplicable.length > 0) {
        io.err(`aks-day2 verify: ${inapplicable.map(([id, why]) => `${id} does not apply: ${why}`).join('; ')} (cluster ${cluster.name} in ${configPath})`);
        return EXIT.usage;
      }
    }
  }
  if (selected.length === 1 && !options.all) {
    const run = await verifyCluster(selected[0]!, configPath, options, env, io, deps, options.context);
    if (options.junit) {
      const written = writeJunit(options.junit, run.redact(junitXml(run.cluster, run.results, run.totalMs, run.setupError)));
      if (written) io.err(written);
    }
    return run.setupError ? EXIT.setup : run.results.every((r) => r.status === 'passed') ? EXIT.passed : EXIT.failed;
  }
  if (options.context) {
    io.err('aks-day2 verify: --context names one context; with several clusters each is checked in its own (<aksName>, or <aksName>-admin)');
    return EXIT.usage;
  }
  return verifyFleet(selected, configPath, options, env, io, deps, started);
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

  // 2. Which checks: those of --only that apply (for one cluster the caller has refused the others), else every check that applies.
  let checks: Check[];
  const notes: string[] = [];
  if (options.only) {
    checks = ALL_CHECKS.filter((c) => options.only!.includes(c.id) && !c.notApplicable(cluster));
    for (const c of ALL_CHECKS.filter((x) => options.only!.includes(x.id) && x.notApplicable(cluster))) {
      notes.push(`note: ${c.id} not run: ${c.notApplicable(cluster)}`);
    }
  } else {
    checks = ALL_CHECKS.filter((c) => !c.notApplicable(cluster));
    for (const c of ALL_CHECKS.filter((x) => x.notApplicable(cluster))) notes.push(`note: ${c.id} not run: ${c.notApplicable(cluster)}`);
  }

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

  // 4. Credentials: where they are, then a connection (the first candidate context that exists).
  const rg = cluster.resourceGroup;
  const hint = `Get credentials with: az aks get-credentials -g ${rg} -n ${cluster.aksName}`;
  const source = locateKubeconfig(options.kubeconfig, env, hint);
  if ('error' in source) return setup(source.error);
  let connection: Connection | undefined;
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

  // From here on every line passes through redact(): a token must not reach a log even if a
  // server or an error echoes it.
  const secrets = connection.secrets;
  const redact = (text: string) => redactSecrets(text, secrets());
  const out = (line: string) => io.out(redact(line));
  const err = (line: string) => io.err(redact(line));

  out(
    `aks-day2 verify: cluster ${cluster.name} from ${configPath} (AKS ${cluster.aksName}), context ${connection.contextName}, API server ${withoutUserinfo(connection.server)}`,
  );
  notes.forEach(out);
  if (!connection.contextName.includes(cluster.aksName) && !connection.clusterName.includes(cluster.aksName)) {
    err(
      `warning: context "${connection.contextName}" (cluster "${connection.clusterName}") does not look like ${cluster.aksName}'s; ` +
        `az aks get-credentials names it ${cluster.aksName}. Checking it anyway; pass --context to choose another.`,
    );
  }

  const results = await runChecks(
    checks,
    {
      api: connection.api,
      cluster,
      distDir,
      policy,
      smoke,
      clock: deps.clock,
      timeoutMs: options.timeoutMs,
      progress: (line) => err(`... ${printable(line)}`),
    },
    (result) => resultLines(result).forEach(out),
  );
  const totalMs = deps.clock.now() - started;
  out(summaryLine(cluster.name, results, totalMs));
  return { cluster: cluster.name, results, totalMs, redact };
}

/**
 * Several clusters, `--parallel` at a time, each in its own kubeconfig context: its lines are
 * held and printed as one block when it finishes (blocks never interleave), progress goes to
 * stderr as clusters finish, and a summary table ends the run. One cluster that cannot be
 * reached or set up fails only itself.
 */
async function verifyFleet(
  clusters: readonly ClusterConfig[],
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
      const run = await verifyCluster(cluster, configPath, options, env, buffered, deps, undefined, candidates);
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
  return runs.every((r) => !r.setupError && r.results.every((x) => x.status === 'passed')) ? EXIT.passed : EXIT.failed;
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
  const failed = runs.filter((r) => r.setupError || r.results.some((x) => x.status !== 'passed')).map((r) => r.cluster);
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

const VALUE_FLAGS = ['cluster', 'config', 'only', 'timeout', 'request-timeout', 'junit', 'context', 'kubeconfig', 'dist', 'parallel'] as const;

/** Parse argv (after `verify`). Accepts `--flag value` and `--flag=value`. */
export function parseArgs(argv: readonly string[]): Options | { error: string } {
  const parsed = parseFlags(argv, {
    ...Object.fromEntries(VALUE_FLAGS.map((f) => [f, { type: 'string' as const }])),
    help: { type: 'boolean', short: 'h' },
    all: { type: 'boolean' },
  });
  if ('error' in parsed) return parsed;
  const values = new Map(
    Object.entries(parsed.values)
      .filter(([k]) => k !== 'help' && k !== 'all')
      .map(([k, v]) => [`--${k}`, String(v)]),
  );
  const help = parsed.values.help === true;

  let only: CheckId[] | undefined;
  if (values.has('--only')) {
    const ids = values.get('--only')!.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = ids.filter((id) => !(CHECK_IDS as readonly string[]).includes(id));
    if (unknown.length > 0 || ids.length === 0) {
      return { error: `--only: unknown check id${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => `"${u}"`).join(', ') || '(none given)'} (ids: ${CHECK_IDS.join(', ')})` };
    }
    only = ids as CheckId[];
  }
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
    help,
  };
}
