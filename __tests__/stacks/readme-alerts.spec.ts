/**
 * README's "Alerts" section and the Config reference lines for alerts/workspaceLogs, tested
 * against the code, so the documentation cannot drift from what is synthesized.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ActionGroupSchema, AlertsSchema, MetricAlertSchema, PrometheusAlertsSchema, WorkspaceLogsSchema } from '../../config/schema';
import { actionGroupShortName, DEFAULT_WORKSPACE_LOG_CATEGORIES } from '../../config/model';
import { DataAzurermKubernetesCluster } from '@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { RECOMMENDED_PROMETHEUS_RULE_GROUPS } from '../../config/recommended-prometheus-alerts';
import { addresses, alertingDoc, ROOT, synthDoc } from './helpers';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = (title: string) => {
  const start = README.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end);
};

describe('Config reference', () => {
  const block = /```yaml\n([\s\S]*?)```/.exec(section('Config reference'))![1];
  const cluster = parse(block).clusters[0];

  test('lists exactly the keys the schema accepts for alerts and workspaceLogs', () => {
    expect(Object.keys(cluster.alerts).sort()).toEqual(Object.keys(AlertsSchema.shape).sort());
    expect(Object.keys(cluster.alerts.actionGroup).sort()).toEqual(Object.keys(ActionGroupSchema.shape).sort());
    expect(Object.keys(cluster.alerts.prometheus).sort()).toEqual(Object.keys(PrometheusAlertsSchema.shape).sort());
    expect(Object.keys(cluster.alerts.metricAlerts[0]).sort()).toEqual(Object.keys(MetricAlertSchema.shape).sort());
    expect(Object.keys(cluster.workspaceLogs).sort()).toEqual(Object.keys(WorkspaceLogsSchema.shape).sort());
  });

  test('shows the default workspace categories', () => {
    expect(cluster.workspaceLogs.categories).toEqual([...DEFAULT_WORKSPACE_LOG_CATEGORIES]);
  });

  test('names the three principal forms', () => {
    expect(block).toContain('{monitoringAgent: true}');
  });
});

describe('Alerts section', () => {
  const text = section('Alerts');
  const { json } = synthDoc(alertingDoc());
  const synthesized = addresses(json, 'resource');

  test('every Terraform address it names exists in a synthesized stack', () => {
    const named = [...text.matchAll(/`(azurerm_[a-z_]+\.[a-z_<>]+)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThanOrEqual(5);
    for (const address of named) {
      const pattern = new RegExp(`^${address.replace(/\./g, '\\.').replace(/<[a-z]+>/g, '[a-z_]+')}$`);
      expect({ address, exists: synthesized.some((a) => pattern.test(a)) }).toEqual({ address, exists: true });
    }
  });

  test('rule counts per level match the data file', () => {
    const counts = Object.fromEntries(RECOMMENDED_PROMETHEUS_RULE_GROUPS.map((g) => [g.level, g.rules.length]));
    expect(text).toContain(`cluster: ${counts.cluster} rules, node: ${counts.node}, pod: ${counts.pod}`);
  });

  test("the action group's short name rule and its example are the code's", () => {
    const m = /short name = the cluster key cut to 12 characters, trailing `-` dropped \(`([^`]+)` → `([^`]+)`\)/.exec(text);
    expect(m).not.toBeNull();
    const [, key, short] = m!;
    expect(key.slice(0, 12).endsWith('-')).toBe(true); // the example shows the dropped "-"
    expect(actionGroupShortName(key)).toBe(short);
  });

  test('says up front that the rule groups need managed Prometheus sending to that workspace, with the az command', () => {
    const flat = text.replace(/\s+/g, ' ');
    const warning = flat.indexOf('**The Prometheus rule groups only fire if the cluster sends its metrics to that workspace.**');
    expect(warning).toBeGreaterThan(-1);
    expect(warning).toBeLessThan(flat.indexOf('Where the values come from'));
    expect(flat).toContain('--enable-azure-monitor-metrics \\ --azure-monitor-workspace-resource-id <azureMonitorWorkspaceId>');
  });

  test('"nothing can check this at plan time": the cluster data source has no monitor_metrics, the resource has', () => {
    const getters = (proto: object) =>
      Object.entries(Object.getOwnPropertyDescriptors(proto))
        .filter(([, d]) => d.get)
        .map(([name]) => name);
    // The resource's attribute is there, so the search below can find such a name.
    expect(getters(KubernetesCluster.prototype)).toContain('monitorMetrics');
    expect(getters(DataAzurermKubernetesCluster.prototype).filter((name) => /monitorMetrics|azureMonitor|prometheus/i.test(name))).toEqual([]);
    expect(text).toContain('has no `monitor_metrics` block');
  });

  test('the silencing example names an alert the bundled cluster really gets', () => {
    expect(text).toContain('--filter-alert-rule-name Equals contosofin-node-cpu-usage-percentage');
    expect(json.resource.azurerm_monitor_metric_alert.metric_alert_node_cpu_usage_percentage.name).toBe(
      'contosofin-node-cpu-usage-percentage',
    );
  });
});
