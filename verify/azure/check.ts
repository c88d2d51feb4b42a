import type { ClusterConfig } from '../../config/model';
import type { CheckOutcome, Clock } from '../check';
import type { AzureApi } from './api';

/**
 * The ids of the Azure-side checks `--azure` adds, in the order they run (the runbook's order).
 * `--only` takes them as it takes the cluster checks' ids.
 */
export const AZURE_CHECK_IDS = [
  'roles-granted',
  'audit-logs-arriving',
  'flow-logs-arriving',
  'firewall-allowlist',
  'policy-compliant',
  'alerts-wired',
] as const;
export type AzureCheckId = (typeof AZURE_CHECK_IDS)[number];

/** Default of `--since`: how recent the newest log blob and Traffic Analytics row must be. */
export const DEFAULT_SINCE_MINUTES = 120;

/** The addresses of the deployed `firewall_allowlist` output, and where they were read. */
export interface DeployedAllowlist {
  /** `state blob <account>/<container>/<key>`, `terraform.<cluster>.tfstate`, or the --outputs file. */
  readonly source: string;
  /** undefined: the state has no firewall_allowlist output (not deployed yet, or nothing to list). */
  readonly cidrs?: readonly string[];
}

export interface AzureCheckContext {
  readonly azure: AzureApi;
  readonly cluster: ClusterConfig;
  /** The subscription every id is built in (lowercase, as ARM returns it). */
  readonly subscriptionId: string;
  readonly clock: Clock;
  /** Wall-clock time in ms since the epoch: blob times are compared to it. */
  readonly wallNow: () => number;
  /** --since, in minutes. */
  readonly sinceMinutes: number;
  /** Bound on waiting for the test notification, in ms (--timeout). */
  readonly timeoutMs: number;
  /** --send-test-notification: the one write, opt-in. */
  readonly sendTestNotification: boolean;
  /** The deployed allow-list, read at the edge (state blob, local state or --outputs). */
  readonly deployedAllowlist: () => Promise<DeployedAllowlist>;
  readonly progress: (line: string) => void;
}

export interface AzureCheck {
  readonly id: AzureCheckId;
  readonly title: string;
  /** Why the check does not apply to this cluster's config, or undefined when it does. */
  notApplicable(cluster: ClusterConfig): string | undefined;
  run(ctx: AzureCheckContext): Promise<CheckOutcome>;
}

/** ARM ids of what the stacks create or look up, in ARM's canonical casing. */
export const armId = {
  registry: (sub: string, rg: string, name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${name}`,
  storageAccount: (sub: string, rg: string, name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`,
};

/** `y=2026/m=12/d=04/` for each UTC day from `fromMs` to `toMs`: the path segments Azure Monitor writes blobs under. */
export function dayPrefixes(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  const day = new Date(fromMs);
  day.setUTCHours(0, 0, 0, 0);
  for (let t = day.getTime(); t <= toMs; t += 86_400_000) {
    const d = new Date(t);
    const two = (n: number) => String(n).padStart(2, '0');
    out.push(`y=${d.getUTCFullYear()}/m=${two(d.getUTCMonth() + 1)}/d=${two(d.getUTCDate())}/`);
  }
  return out;
}

/** "12 min ago", "3 h 5 min ago". */
export function age(fromMs: number, nowMs: number): string {
  const minutes = Math.max(0, Math.round((nowMs - fromMs) / 60_000));
  return minutes < 60 ? `${minutes} min ago` : `${Math.floor(minutes / 60)} h ${minutes % 60} min ago`;
}

/** The last segment of a role definition id (its GUID), lowercased. */
export function roleGuid(roleDefinitionId: string): string {
  return roleDefinitionId.split('/').pop()!.toLowerCase();
}

/**
 * `scope` is `of` or contains it (an assignment there is inherited by `of`). A management group
 * contains subscriptions without sharing their path; role assignment listings for a scope return
 * only the management groups above it, so one listed there counts.
 */
export function scopeCovers(scope: string, of: string): boolean {
  const a = scope.toLowerCase().replace(/\/$/, '');
  const b = of.toLowerCase();
  return a === '' || a === '/' || b === a || b.startsWith(`${a}/`) || a.startsWith('/providers/microsoft.management/managementgroups/');
}

/**
 * When an account's network rules refuse the blob listing (aks-day2's accounts admit only
 * Azure's trusted services, so a runner outside the network is refused whatever its roles),
 * the evidence comes from Azure Monitor metrics through ARM instead: AppendBlock transactions on
 * the account (Azure Monitor writes append blobs). The account is this cluster's alone (the
 * config refuses an account name used twice), but the metric cannot tell categories apart.
 */
export async function arrivalFromMetrics(
  ctx: AzureCheckContext,
  accountName: string,
  accountId: string,
  fromMs: number,
  nowMs: number,
  blocked: string,
): Promise<{ arriving: boolean; line: string }> {
  const m = await ctx.azure.appendTransactions(accountId, fromMs, nowMs);
  const why = `the blob listing was refused by the account's network rules (${blocked}); read from the account's Transactions metric instead (run from a network the account admits for the blob-level check)`;
  return m.total > 0 && m.newest
    ? { arriving: true, line: `${accountName}: ${m.total} AppendBlock transaction(s) within --since, the newest in the 5 minutes from ${m.newest.toISOString()} (${age(m.newest.getTime(), nowMs)}); ${why}` }
    : { arriving: false, line: `${accountName}: no AppendBlock transaction within --since ${ctx.sinceMinutes} min; ${why}` };
}
