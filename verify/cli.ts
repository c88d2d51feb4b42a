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
import { junitXml, printable, resultLines, summaryLine } from './report';
import { runChecks } from './runner';

/**
 * `aks-day2 verify`: the runbook's post-provisioning checks against the current kubeconfig
 * context, as one pipeline step. This file is the edge: it reads arguments, config, manifests
 * and the kubeconfig's location, then hands a KubeApi to the checks.
 */

export const EXIT = { passed: 0, failed: 1, usage: 2, setup: 3 } as const;

export const DEFAULT_TIMEOUT_SECONDS = 180;
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 15;

export const HELP = `usage: aks-day2 verify --cluster <name> [options]
       npm run verify -- --cluster <name> [options]

Runs the runbook's post-provisioning checks against the cluster of the current kubeconfig
context (or --context), using the names synthesized into dist/<cluster>/:

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
  --cluster <name>           cluster from the config; required
  --config <file>            the config (default: ${CONFIG_ENV}, else ${DEFAULT_CONFIG_PATH})
  --only <ids>               comma-separated check ids to run (default: every check the config enables)
  --timeout <seconds>        bound on waiting for the smoke Job (default ${DEFAULT_TIMEOUT_SECONDS})
  --request-timeout <seconds>  bound on each API request (default ${DEFAULT_REQUEST_TIMEOUT_SECONDS})
  --junit <file>             also write the results as JUnit XML
  --context <name>           kubeconfig context to use instead of the current one
  --kubeconfig <path>        kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)
  --dist <dir>               where the synthesized manifests are (default dist)
  -h, --help                 this text

Results go to stdout, one line per check: PASS/FAIL/SKIP, id, what was expected, what came
back, elapsed time. Progress lines and warnings go to stderr. Credentials are never printed.

exit codes:
  0  every selected check passed
  1  a check failed or could not run (unreachable API, 401/403, timeouts count here)
  2  usage error: unknown option or check id, missing or unknown --cluster
  3  setup error before any check ran: invalid config, dist/<cluster>/ missing or stale,
     no usable kubeconfig
`;

interface Options {
  readonly cluster?: string;
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

  // 1. Config and cluster.
  const configPath = resolveConfigPath(options.config, env);
  let clusters: readonly ClusterConfig[];
  try {
    clusters = loadConfig(configPath).clusters;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return setupFailed(io, options, options.cluster ?? 'unknown', e.message, started, deps.clock);
  }
  const known = clusters.map((c) => c.name).join(', ');
  if (!options.cluster) {
    io.err(`aks-day2 verify: --cluster is required (clusters in ${configPath}: ${known})`);
    return EXIT.usage;
  }
  const cluster = clusters.find((c) => c.name === options.cluster);
  if (!cluster) {
    io.err(`aks-day2 verify: unknown cluster "${options.cluster}"; clusters in ${configPath}: ${known}`);
    return EXIT.usage;
  }

  // 2. Which checks: --only as given (each must apply), else every check that applies.
  let checks: Check[];
  const notes: string[] = [];
  if (options.only) {
    checks = ALL_CHECKS.filter((c) => options.only!.includes(c.id));
    const inapplicable = checks.map((c) => [c.id, c.notApplicable(cluster)]).filter(([, why]) => why);
    if (inapplicable.length > 0) {
      io.err(`aks-day2 verify: ${inapplicable.map(([id, why]) => `${id} does not apply: ${why}`).join('; ')} (cluster ${cluster.name} in ${configPath})`);
      return EXIT.usage;
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
    return setupFailed(io, options, cluster.name, e.message, started, deps.clock);
  }

  // 4. Credentials: where they are, then a connection.
  const rg = cluster.resourceGroup;
  const hint = `Get credentials with: az aks get-credentials -g ${rg} -n ${cluster.aksName}`;
  const source = locateKubeconfig(options.kubeconfig, env, hint);
  if ('error' in source) return setupFailed(io, options, cluster.name, source.error, started, deps.clock);
  let connection: Connection;
  try {
    connection = await deps.connect(source, { context: options.context, requestTimeoutMs: options.requestTimeoutMs });
  } catch (e) {
    if (!(e instanceof ConnectError)) throw e;
    return setupFailed(io, options, cluster.name, e.message, started, deps.clock);
  }

  // From here on every line passes through redact(): a token must not reach a log even if a
  // server or an error echoes it.
  const redact = (text: string) => redactSecrets(text, connection.secrets());
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
  if (options.junit) {
    const written = writeJunit(options.junit, redact(junitXml(cluster.name, results, totalMs)));
    if (written) err(written);
  }
  return results.every((r) => r.status === 'passed') ? EXIT.passed : EXIT.failed;
}

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

const VALUE_FLAGS = ['cluster', 'config', 'only', 'timeout', 'request-timeout', 'junit', 'context', 'kubeconfig', 'dist'] as const;

/** Parse argv (after `verify`). Accepts `--flag value` and `--flag=value`. */
export function parseArgs(argv: readonly string[]): Options | { error: string } {
  const parsed = parseFlags(argv, {
    ...Object.fromEntries(VALUE_FLAGS.map((f) => [f, { type: 'string' as const }])),
    help: { type: 'boolean', short: 'h' },
  });
  if ('error' in parsed) return parsed;
  const values = new Map(
    Object.entries(parsed.values)
      .filter(([k]) => k !== 'help')
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

  return {
    cluster: values.get('--cluster'),
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
