import type { ClusterConfig } from '../../../config/model';
import { RECOMMENDED_PROMETHEUS_RULE_GROUPS, recommendedRuleGroupName } from '../../../config/recommended-prometheus-alerts';
import { type AzureCheck, type AzureCheckContext } from '../check';
import type { TestNotificationFacts } from '../api';

/** The Prometheus rule groups' API version (Microsoft.AlertsManagement/prometheusRuleGroups, stable). */
export const PROMETHEUS_RULE_GROUP_API_VERSION = '2023-03-01';
/** How often the test notification's status is read while it runs. */
export const TEST_NOTIFICATION_POLL_MS = 5000;

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].map((x) => x.toLowerCase()).sort().every((x, i) => x === [...b].map((y) => y.toLowerCase()).sort()[i]);
const sameId = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

function actionGroupOf(sub: string, cluster: ClusterConfig): { id: string; name: string } {
  const group = cluster.alerts!.actionGroup;
  if (group.kind === 'existing') return { id: group.id, name: group.id.split('/').pop()! };
  return { id: `/subscriptions/${sub}/resourceGroups/${cluster.resourceGroup}/providers/Microsoft.Insights/actionGroups/${group.name}`, name: group.name };
}

/**
 * Runbook: "create items like notifications/alerts when key criteria is exceeded". The action
 * group must be enabled with the configured receivers (a group created here; an existing one is
 * only checked enabled), each metric alert enabled, scoped to this cluster and notifying the
 * group, each Prometheus rule group enabled, scoped to the cluster, with every rule enabled.
 * With --send-test-notification (the one write verify makes) Azure sends a test alert to the
 * group's receivers, and each receiver's result is shown.
 */
export const alertsWiredCheck: AzureCheck = {
  id: 'alerts-wired',
  title: 'alerts reach the action group',
  notApplicable: (c: ClusterConfig) => (c.alerts ? undefined : 'alerts is not configured'),
  async run(ctx: AzureCheckContext) {
    const { cluster, subscriptionId: sub } = ctx;
    const alerts = cluster.alerts!;
    const group = actionGroupOf(sub, cluster);
    const clusterId = (await ctx.azure.getManagedCluster(cluster.resourceGroup, cluster.aksName)).id;
    const prometheus = (alerts.prometheus?.ruleGroups ?? []).map((level) => recommendedRuleGroupName(cluster.aksName, RECOMMENDED_PROMETHEUS_RULE_GROUPS.find((g) => g.level === level)!));
    const expected = `action group ${group.name} enabled, ${alerts.metricAlerts.length} metric alert(s) and ${prometheus.length} Prometheus rule group(s) enabled on the cluster`;
    const problems: string[] = [];
    const details: string[] = [];

    const live = await ctx.azure.getActionGroup(group.id);
    if (!live) {
      problems.push(`no action group ${group.id}`);
    } else {
      if (!live.enabled) problems.push(`action group ${group.name} is disabled: no alert notifies anyone`);
      if (alerts.actionGroup.kind === 'create') {
        if (!same(live.emails, alerts.actionGroup.emails)) problems.push(`action group emails are ${live.emails.join(', ') || 'none'}, configured: ${alerts.actionGroup.emails.join(', ') || 'none'}`);
        if (!same(live.webhooks, alerts.actionGroup.webhooks)) problems.push(`action group has ${live.webhooks.length} webhook(s), configured: ${alerts.actionGroup.webhooks.length}`);
      }
      details.push(`action group ${group.name}: ${live.enabled ? 'enabled' : 'DISABLED'}, ${live.emails.length} email(s), ${live.webhooks.length} webhook(s)`);
    }
    for (const rule of alerts.metricAlerts) {
      const a = await ctx.azure.getMetricAlert(cluster.resourceGroup, rule.alertName);
      if (!a) problems.push(`no metric alert ${rule.alertName}`);
      else {
        if (!a.enabled) problems.push(`metric alert ${rule.alertName} is disabled`);
        if (!a.scopes.some((s) => sameId(s, clusterId))) problems.push(`metric alert ${rule.alertName} is not scoped to the cluster`);
        if (!a.actionGroupIds.some((id) => sameId(id, group.id))) problems.push(`metric alert ${rule.alertName} does not notify ${group.name}`);
      }
    }
    for (const name of prometheus) {
      const id = `/subscriptions/${sub}/resourceGroups/${cluster.resourceGroup}/providers/Microsoft.AlertsManagement/prometheusRuleGroups/${name}`;
      const p = await ctx.azure.getResourceProperties(id, PROMETHEUS_RULE_GROUP_API_VERSION);
      if (!p) {
        problems.push(`no Prometheus rule group ${name}`);
        continue;
      }
      const rules = Array.isArray(p.rules) ? (p.rules as Array<Record<string, unknown>>) : [];
      if (p.enabled === false) problems.push(`Prometheus rule group ${name} is disabled`);
      if (!(Array.isArray(p.scopes) && p.scopes.some((s) => sameId(String(s), clusterId)))) problems.push(`Prometheus rule group ${name} is not scoped to the cluster`);
      const off = rules.filter((r) => r.enabled === false).map((r) => String(r.alert ?? '?'));
      if (off.length > 0) problems.push(`Prometheus rule group ${name}: rules disabled: ${off.join(', ')}`);
    }
    if (problems.length > 0 || !live) return { passed: false, expected, got: problems.join('; '), details };

    if (!ctx.sendTestNotification) {
      details.push('no test notification sent (--send-test-notification sends one)');
      return { passed: true, expected, got: 'wired', details };
    }
    const result = await testNotification(ctx, live.emails, live.webhooks);
    if ('timedOut' in result) {
      return { passed: false, expected, got: `the test notification did not complete within --timeout (${ctx.timeoutMs / 1000} s)`, details };
    }
    const failed = result.receivers.filter((r) => !/^(completed|succeeded)$/i.test(r.status));
    details.push(...result.receivers.map((r) => `test notification ${r.type} ${r.name}: ${r.status}${r.detail ? `: ${r.detail}` : ''}`));
    return {
      passed: failed.length === 0 && result.receivers.length > 0,
      expected: `${expected}; the test notification reaches every receiver`,
      got:
        result.receivers.length === 0
          ? `test notification ${result.state} with no receiver result`
          : failed.length === 0
            ? `wired; test notification delivered to ${result.receivers.length} receiver(s)`
            : `test notification failed for ${failed.map((r) => r.name).join(', ')}`,
      details,
    };
  },
};

/** Sends the test notification and reads its status until it is done or --timeout passes. */
async function testNotification(ctx: AzureCheckContext, emails: readonly string[], webhooks: readonly string[]): Promise<TestNotificationFacts | { timedOut: true }> {
  const id = await ctx.azure.sendTestNotification(emails, webhooks);
  const deadline = ctx.clock.now() + ctx.timeoutMs;
  for (;;) {
    const status = await ctx.azure.getTestNotification(id);
    // The examples' final state is Completed; anything with "complete" or "fail" in it is final.
    if (/complete|fail/i.test(status.state)) return status;
    const now = ctx.clock.now();
    if (now >= deadline) return { timedOut: true };
    ctx.progress(`test notification ${id}: ${status.state}`);
    // The last wait ends at the deadline, not a whole poll after it.
    await ctx.clock.sleep(Math.min(TEST_NOTIFICATION_POLL_MS, deadline - now));
  }
}
