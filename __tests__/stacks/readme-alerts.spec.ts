/**
 * README's "Alerts" section and the Config reference lines for alerts/workspaceLogs, tested
 * against the code, so the documentation cannot drift from what is synthesized.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ActionGroupSchema, AlertsSchema, MetricAlertSchema, PrometheusAlertsSchema, WorkspaceLogsSchema } from '../../config/schema';
import { DEFAULT_WORKSPACE_LOG_CATEGORIES } from '../../config/model';
import { RECOMMENDED_PROMETHEUS_RULE_GROUPS } from '../../stacks/recommended-prometheus-alerts';
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

  test('the silencing example names an alert the bundled cluster really gets', () => {
    expect(text).toContain('--filter-alert-rule-name Equals contosofin-node-cpu-usage-percentage');
    expect(json.resource.azurerm_monitor_metric_alert.metric_alert_node_cpu_usage_percentage.name).toBe(
      'contosofin-node-cpu-usage-percentage',
    );
  });
});
