import type { ClusterConfig } from '../../../config/model';
import { AKS_LOG_CATEGORY_GROUP_MEMBERS } from '../../../config/rules';
import { age, armId, arrivalFromMetrics, dayPrefixes, type AzureCheck, type AzureCheckContext } from '../check';

/**
 * Runbook: "direct kube-audit logs to an Azure Storage Account, NOT Log Analytics". The
 * diagnostic setting must exist with the configured categories and the account as destination,
 * and for each category a blob for this cluster must have been written within --since.
 *
 * Azure Monitor writes resource logs to the container `insights-logs-<category>`, under
 * `resourceId=<the resource id in upper case>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json` (Microsoft
 * Learn, "Archive Azure resource logs to storage account", schema section); a blob is appended
 * through its hour, so its last-modified time is the newest delivery. The listing is by prefix:
 * this cluster's id and each UTC day the window touches, so another cluster's blobs in a shared
 * account are never counted.
 */
export const auditLogsArrivingCheck: AzureCheck = {
  id: 'audit-logs-arriving',
  title: 'kube-audit logs arrive in the storage account',
  notApplicable: (c: ClusterConfig) => (c.auditLogs ? undefined : 'auditLogs is not configured'),
  async run(ctx: AzureCheckContext) {
    const { cluster, subscriptionId: sub } = ctx;
    const audit = cluster.auditLogs!;
    const clusterId = (await ctx.azure.getManagedCluster(cluster.resourceGroup, cluster.aksName)).id;
    const accountId = armId.storageAccount(sub, cluster.resourceGroup, audit.storageAccountName);
    const expected = `diagnostic setting ${audit.diagnosticSettingName} sends ${audit.categories.join(', ')} to ${audit.storageAccountName}, and a blob arrived within ${ctx.sinceMinutes} min`;

    const setting = await ctx.azure.getDiagnosticSetting(clusterId, audit.diagnosticSettingName);
    if (!setting) return { passed: false, expected, got: `no diagnostic setting ${audit.diagnosticSettingName} on cluster ${cluster.aksName}` };
    const problems: string[] = [];
    if (setting.storageAccountId?.toLowerCase() !== accountId.toLowerCase()) {
      problems.push(`its storage account is ${setting.storageAccountId ?? 'not set'}, not ${accountId}`);
    }
    const off = audit.categories.filter((cat) => !setting.enabled.some((e) => e.toLowerCase() === cat.toLowerCase()));
    if (off.length > 0) problems.push(`categories not enabled: ${off.join(', ')}`);
    if (problems.length > 0) return { passed: false, expected, got: `diagnostic setting ${audit.diagnosticSettingName}: ${problems.join('; ')}` };

    const now = ctx.wallNow();
    const from = now - ctx.sinceMinutes * 60_000;
    const details: string[] = [];
    const late: string[] = [];
    // A category has its own container; a group (allLogs, audit) is arriving when any of its
    // categories is: not every member logs on every cluster (guard needs Entra ID, the
    // autoscaler's only with the autoscaler on).
    let blocked: string | undefined;
    entries: for (const entry of audit.categories) {
      const members = (AKS_LOG_CATEGORY_GROUP_MEMBERS as Readonly<Record<string, readonly string[]>>)[entry] ?? [entry];
      const base = `resourceId=${clusterId.toUpperCase()}/`;
      const found: string[] = [];
      const misses: Array<{ category: string; text: string }> = [];
      for (const category of members) {
        const container = `insights-logs-${category.toLowerCase()}`;
        const listing = await ctx.azure.newestBlob(audit.storageAccountName, container, dayPrefixes(from, now).map((d) => base + d));
        const { newest, listed, containerMissing } = listing;
        if (listing.blocked) {
          blocked = listing.blocked;
          break entries;
        }
        if (newest && newest.lastModified.getTime() >= from) {
          found.push(`${category}: newest blob ${newest.lastModified.toISOString()} (${age(newest.lastModified.getTime(), now)}): ${container}/${newest.name}`);
        } else {
          misses.push({
            category,
            text: newest
              ? `${category}: newest blob ${newest.lastModified.toISOString()} (${age(newest.lastModified.getTime(), now)}), older than --since ${ctx.sinceMinutes} min`
              : `${category}: no blob for this cluster in ${audit.storageAccountName}/${container} since ${new Date(from).toISOString().slice(0, 10)} (${containerMissing ? `the container does not exist: Azure Monitor creates it with the first log it writes` : `${listed} listed`})`,
          });
        }
      }
      if (found.length === 0) late.push(entry);
      if (found.length === 0) details.push(...misses.map((m) => m.text));
      else {
        details.push(...found);
        if (misses.length > 0) details.push(`${entry}: nothing within --since from ${misses.map((m) => m.category).join(', ')} (not every category logs on every cluster)`);
      }
    }
    if (blocked) {
      const m = await arrivalFromMetrics(ctx, audit.storageAccountName, accountId, from, now, blocked);
      return { passed: m.arriving, expected, got: m.arriving ? 'arriving (by the account metric)' : `nothing within ${ctx.sinceMinutes} min (by the account metric)`, details: [m.line] };
    }
    return {
      passed: late.length === 0,
      expected,
      got: late.length === 0 ? `every category arriving (${audit.categories.length})` : `nothing within ${ctx.sinceMinutes} min for ${late.join(', ')}`,
      details,
    };
  },
};
