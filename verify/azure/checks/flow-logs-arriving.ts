import type { ClusterConfig } from '../../../config/model';
import { age, armId, arrivalFromMetrics, dayPrefixes, type AzureCheck, type AzureCheckContext } from '../check';

/** The container VNet flow logs are written to (Microsoft Learn, "VNet flow logs overview"). */
const CONTAINER = 'insights-logs-flowlogflowevent';

/**
 * The blob prefixes one flow log writes under, in the two layouts Microsoft has documented:
 * `flowLogResourceID=/SUBSCRIPTIONS/<sub>/RESOURCEGROUPS/<rg>/PROVIDERS/MICROSOFT.NETWORK/
 * NETWORKWATCHERS/<watcher>/FLOWLOGS/<name>/` ("VNet flow logs overview", log format), and the
 * preview's `flowLogResourceID=/<sub>_<rg>/<watcher>_<name>/` (MicrosoftDocs/azure-docs
 * articles/network-watcher/vnet-flow-logs-portal.md, 2023); both upper case.
 */
export function flowLogBlobBases(sub: string, watcherGroup: string, watcher: string, name: string): string[] {
  return [
    `flowLogResourceID=/SUBSCRIPTIONS/${sub}/RESOURCEGROUPS/${watcherGroup}/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/${watcher}/FLOWLOGS/${name}/`,
    `flowLogResourceID=/${sub}_${watcherGroup}/${watcher}_${name}/`,
  ].map((p) => p.replace(/=.*/, (rest) => rest.toUpperCase()));
}

/**
 * The Traffic Analytics rows of this flow log within the window. NTANetAnalytics is the table
 * VNet flow logs feed (Microsoft Learn, "Traffic analytics schema": rows with SubType FlowLog);
 * the flow log's name is matched in any column (`where * has`), which holds for the resource id
 * columns whatever their names.
 */
export function trafficAnalyticsQuery(flowLogName: string): string {
  return `NTANetAnalytics | where SubType == 'FlowLog' | where * has '${flowLogName.replace(/'/g, "\\'")}' | summarize rows = count(), newest = max(TimeGenerated)`;
}

/**
 * Runbook: "setting up flow logs ... as well as Traffic Analytics". The flow log must be enabled
 * on the configured target, writing to its account, with Traffic Analytics at the configured
 * interval; a flow-log blob must have arrived within --since, and Traffic Analytics rows too:
 * ingestion into the workspace can stop while blobs still land (AzureMonitorCommunity#254).
 */
export const flowLogsArrivingCheck: AzureCheck = {
  id: 'flow-logs-arriving',
  title: 'flow logs and Traffic Analytics arrive',
  notApplicable: (c: ClusterConfig) => (c.flowLogs ? undefined : 'flowLogs is not configured'),
  async run(ctx: AzureCheckContext) {
    const { cluster, subscriptionId: sub } = ctx;
    const flow = cluster.flowLogs!;
    const ta = flow.trafficAnalytics;
    const expected =
      `flow log ${flow.name} enabled on ${flow.target.names.join('/')}` +
      (ta ? ` with Traffic Analytics every ${ta.intervalMinutes} min` : '') +
      `, blobs${ta ? ' and Traffic Analytics rows' : ''} within ${ctx.sinceMinutes} min`;
    const log = await ctx.azure.getFlowLog(flow.networkWatcherResourceGroup, flow.networkWatcherName, flow.name);
    if (!log) return { passed: false, expected, got: `no flow log ${flow.name} under ${flow.networkWatcherResourceGroup}/${flow.networkWatcherName}` };

    const problems: string[] = [];
    if (!log.enabled) problems.push('it is disabled');
    if (log.targetResourceId?.toLowerCase() !== flow.target.id.toLowerCase()) problems.push(`its target is ${log.targetResourceId ?? 'not set'}`);
    const accountId = armId.storageAccount(sub, cluster.resourceGroup, flow.storageAccountName);
    if (log.storageId?.toLowerCase() !== accountId.toLowerCase()) problems.push(`it writes to ${log.storageId ?? 'no account'}, not ${flow.storageAccountName}`);
    if (ta) {
      const live = log.trafficAnalytics;
      if (!live?.enabled) problems.push('Traffic Analytics is off');
      else {
        if (live.intervalMinutes !== ta.intervalMinutes) problems.push(`Traffic Analytics runs every ${live.intervalMinutes ?? '?'} min, not ${ta.intervalMinutes}`);
        if (live.workspaceResourceId?.toLowerCase() !== ta.workspace.id.toLowerCase()) problems.push(`Traffic Analytics writes to ${live.workspaceResourceId ?? 'no workspace'}`);
      }
    }
    if (problems.length > 0) return { passed: false, expected, got: `flow log ${flow.name}: ${problems.join('; ')}` };

    const now = ctx.wallNow();
    const from = now - ctx.sinceMinutes * 60_000;
    const details: string[] = [];
    const missing: string[] = [];
    const prefixes = flowLogBlobBases(sub, flow.networkWatcherResourceGroup, flow.networkWatcherName, flow.name).flatMap((base) =>
      dayPrefixes(from, now).map((d) => base + d),
    );
    const { newest, listed, containerMissing, blocked } = await ctx.azure.newestBlob(flow.storageAccountName, CONTAINER, prefixes);
    if (blocked) {
      const m = await arrivalFromMetrics(ctx, flow.storageAccountName, accountId, from, now, blocked);
      if (!m.arriving) missing.push('flow-log blobs');
      details.push(`blobs: ${m.line}`);
    } else if (newest && newest.lastModified.getTime() >= from) {
      details.push(`blobs: newest ${newest.lastModified.toISOString()} (${age(newest.lastModified.getTime(), now)}): ${CONTAINER}/${newest.name}`);
    } else {
      missing.push('flow-log blobs');
      details.push(
        newest
          ? `blobs: newest ${newest.lastModified.toISOString()} (${age(newest.lastModified.getTime(), now)}), older than --since ${ctx.sinceMinutes} min`
          : `blobs: none for this flow log in ${flow.storageAccountName}/${CONTAINER} since ${new Date(from).toISOString().slice(0, 10)} (${containerMissing ? `the container does not exist: Azure Monitor creates it with the first log it writes` : `${listed} listed`})`,
      );
    }
    if (ta) {
      const workspaceGuid = log.trafficAnalytics?.workspaceId;
      if (!workspaceGuid) {
        missing.push('Traffic Analytics rows');
        details.push('Traffic Analytics: the flow log names no workspace id to query');
      } else {
        const rows = await ctx.azure.queryWorkspace(workspaceGuid, trafficAnalyticsQuery(flow.name), ctx.sinceMinutes);
        const count = Number(rows[0]?.rows ?? 0);
        if (count > 0) {
          const newest = rows[0]?.newest;
          details.push(`Traffic Analytics: ${count} NTANetAnalytics row(s), newest ${newest instanceof Date ? newest.toISOString() : String(newest ?? '?')}`);
        } else {
          missing.push('Traffic Analytics rows');
          details.push(`Traffic Analytics: no NTANetAnalytics row for ${flow.name} within ${ctx.sinceMinutes} min (workspace ${ta.workspace.names.at(-1)})`);
        }
      }
    }
    return {
      passed: missing.length === 0,
      expected,
      got: missing.length === 0 ? `arriving${ta ? ' (blobs and Traffic Analytics)' : ''}` : `nothing within ${ctx.sinceMinutes} min: ${missing.join(', ')}`,
      details,
    };
  },
};
