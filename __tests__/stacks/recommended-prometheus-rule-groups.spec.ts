/**
 * Azure's recommended Prometheus rule groups as azurerm_monitor_alert_prometheus_rule_group.
 * Stands in for reading the plan; the field behaviour checked here is read in azurerm v4.55.0
 * internal/services/monitor/monitor_alert_prometheus_rule_group_resource.go (expandPrometheusRuleModel
 * sends the zero value for an unset `enabled`/`rule_group_enabled`, so both are set). No rule is
 * evaluated: there is no Azure Monitor workspace here.
 */
import { RECOMMENDED_PROMETHEUS_RULE_GROUPS } from '../../config/recommended-prometheus-alerts';
import { RecommendedPrometheusRuleGroups, shortestMinutes } from '../../stacks/recommended-prometheus-rule-groups';
import { recommendedRuleGroupName } from '../../config/recommended-prometheus-alerts';
import { alertingDoc, data, resource, synthDoc, withCluster, type Json } from './helpers';

const AKS_ID = '${data.azurerm_kubernetes_cluster.aks.id}';
const WORKSPACE_ID = '${data.azurerm_monitor_workspace.prometheus_workspace.id}';
const ACTION = [{ action_group_id: '${azurerm_monitor_action_group.alerts_action_group.id}' }];

describe('all three groups (alerting fixture)', () => {
  const { json, stack } = synthDoc(alertingDoc());
  const groups = json.resource.azurerm_monitor_alert_prometheus_rule_group;

  test('one resource per level, named as Azure names them', () => {
    expect(Object.keys(groups).sort()).toEqual([
      'prometheus_rule_group_cluster',
      'prometheus_rule_group_node',
      'prometheus_rule_group_pod',
    ]);
    expect(groups.prometheus_rule_group_cluster.name).toBe('KubernetesAlert-RecommendedMetricAlertscontosofin-aks-Cluster-level');
    expect(groups.prometheus_rule_group_node.name).toBe('KubernetesAlert-RecommendedMetricAlertscontosofin-aks-Node-level');
    expect(groups.prometheus_rule_group_pod.name).toBe('KubernetesAlert-RecommendedMetricAlertscontosofin-aks-Pod-level');
    expect(stack.prometheusRuleGroups?.groups).toHaveLength(3);
  });

  test('the node group, every field', () => {
    const annotation = (alert: string) => ({
      description: `${alert} (Azure recommended node-level rule for contosofin-aks). What it means and what to do: https://aka.ms/aks-alerts/node-level-recommended-alerts`,
    });
    const node = RECOMMENDED_PROMETHEUS_RULE_GROUPS.find((g) => g.level === 'node')!;
    expect(resource(json, 'azurerm_monitor_alert_prometheus_rule_group', 'prometheus_rule_group_node')).toEqual({
      name: 'KubernetesAlert-RecommendedMetricAlertscontosofin-aks-Node-level',
      resource_group_name: 'contosofin-rg',
      location: '${data.azurerm_monitor_workspace.prometheus_workspace.location}',
      description: 'Kubernetes Alert RuleGroup-RecommendedMetricAlerts - 0.1',
      cluster_name: 'contosofin-aks',
      scopes: [WORKSPACE_ID, AKS_ID],
      interval: 'PT1M',
      rule_group_enabled: true,
      rule: [
        {
          alert: 'KubeNodeUnreachable',
          expression: node.rules[0].expression,
          for: 'PT15M',
          severity: 3,
          enabled: true,
          labels: { severity: 'warning' },
          annotations: annotation('KubeNodeUnreachable'),
          alert_resolution: { auto_resolved: true, time_to_resolve: 'PT10M' },
          action: ACTION,
        },
        {
          alert: 'KubeNodeReadinessFlapping',
          expression: 'sum(changes(kube_node_status_condition{status="true",condition="Ready"}[15m])) by (cluster, node) > 2',
          for: 'PT15M',
          severity: 3,
          enabled: true,
          labels: { severity: 'warning' },
          annotations: annotation('KubeNodeReadinessFlapping'),
          alert_resolution: { auto_resolved: true, time_to_resolve: 'PT10M' },
          action: ACTION,
        },
        {
          alert: 'KubeNodeDiskUsageHigh',
          expression: '100 - ((node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"}) * 100) > 80',
          for: 'PT15M',
          severity: 3,
          enabled: true,
          labels: { severity: 'warning' },
          annotations: annotation('KubeNodeDiskUsageHigh'),
          alert_resolution: { auto_resolved: true, time_to_resolve: 'PT10M' },
          action: ACTION,
        },
      ],
    });
  });

  test('every rule of every group carries the data file\'s values, enabled and wired to the action group', () => {
    for (const g of RECOMMENDED_PROMETHEUS_RULE_GROUPS) {
      const synthesized = groups[`prometheus_rule_group_${g.level}`];
      expect(synthesized.rule).toHaveLength(g.rules.length);
      synthesized.rule.forEach((r: any, i: number) => {
        const source = g.rules[i];
        expect(r).toEqual({
          alert: source.alert,
          expression: source.expression,
          for: shortestMinutes(source.for),
          severity: source.severity,
          enabled: true,
          labels: source.labels,
          annotations: { description: expect.stringContaining(g.docsUrl) },
          alert_resolution: {
            auto_resolved: source.resolveConfiguration.autoResolved,
            time_to_resolve: shortestMinutes(source.resolveConfiguration.timeToResolve),
          },
          action: ACTION,
        });
        // azurerm's CustomizeDiff: exactly one of alert and record.
        expect(r.record).toBeUndefined();
      });
      expect(synthesized).toMatchObject({
        rule_group_enabled: true,
        interval: shortestMinutes(g.interval),
        scopes: [WORKSPACE_ID, AKS_ID],
        cluster_name: 'contosofin-aks',
      });
    }
  });

  test('the workspace is looked up by the name and resource group of its id, in the stack\'s subscription', () => {
    expect(data(json, 'azurerm_monitor_workspace', 'prometheus_workspace')).toEqual({
      name: 'ops-amw',
      resource_group_name: 'ops-rg',
      lifecycle: {
        precondition: [
          {
            condition: '${(lower(element(split("/", data.azurerm_kubernetes_cluster.aks.id), 2)) == "00000000-0000-0000-0000-000000000000")}',
            error_message: expect.stringMatching(/^clusters\[0\]\.alerts\.prometheus\.azureMonitorWorkspaceId is in subscription 00000000-0000-0000-0000-000000000000, but this stack/),
          },
        ],
      },
    });
  });
});

describe('chosen levels', () => {
  test('only the listed groups, nothing else changes', () => {
    const { json } = synthDoc(
      withCluster(alertingDoc(), (c) => {
        c.alerts.prometheus.ruleGroups = ['pod'];
      }),
    );
    expect(Object.keys(json.resource.azurerm_monitor_alert_prometheus_rule_group)).toEqual(['prometheus_rule_group_pod']);
    expect(json.resource.azurerm_monitor_alert_prometheus_rule_group.prometheus_rule_group_pod.rule).toHaveLength(16);
  });

  test('no prometheus section: no rule group and no workspace lookup', () => {
    const { json } = synthDoc(
      withCluster(alertingDoc(), (c) => {
        delete c.alerts.prometheus;
      }),
    );
    expect(json.resource.azurerm_monitor_alert_prometheus_rule_group).toBeUndefined();
    expect(json.data.azurerm_monitor_workspace).toBeUndefined();
  });
});

test('helpers and resource providers', () => {
  expect(recommendedRuleGroupName('aks1', RECOMMENDED_PROMETHEUS_RULE_GROUPS[2])).toBe('KubernetesAlert-RecommendedMetricAlertsaks1-Pod-level');
  // azurerm v4.55.0 internal/resourceproviders/required.go spells it so (All()).
  expect(RecommendedPrometheusRuleGroups.RESOURCE_PROVIDERS).toEqual(['Microsoft.AlertsManagement']);
});

describe('durations are written in their shortest form (an empty re-plan whether or not Azure normalizes them)', () => {
  test.each([
    ['PT05M', 'PT5M'],
    ['PT60M', 'PT1H'],
    ['PT360M', 'PT6H'],
    ['PT90M', 'PT1H30M'],
    ['PT1H', 'PT1H'],
    ['PT15M', 'PT15M'],
    ['PT1M', 'PT1M'],
  ])('%s → %s', (published, written) => {
    expect(shortestMinutes(published)).toBe(written);
  });

  test('anything but hours and minutes is refused, not passed through', () => {
    expect(() => shortestMinutes('P1D')).toThrow(/not an ISO 8601 duration/);
    expect(() => shortestMinutes('PT')).toThrow(/not an ISO 8601 duration/);
  });

  test('every for, time_to_resolve and interval of the synthesized groups is already shortest, and means the published minutes', () => {
    const { json } = synthDoc(alertingDoc());
    const groups = Object.values(json.resource.azurerm_monitor_alert_prometheus_rule_group) as Json[];
    const minutes = (d: string) => {
      const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(d)!;
      return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
    };
    const written = groups.flatMap((g) => [g.interval, ...g.rule.flatMap((r: Json) => [r.for, r.alert_resolution[0]?.time_to_resolve ?? r.alert_resolution.time_to_resolve])]);
    const published = RECOMMENDED_PROMETHEUS_RULE_GROUPS.flatMap((g) => [g.interval, ...g.rules.flatMap((r) => [r.for, r.resolveConfiguration.timeToResolve])]);
    expect(written.length).toBe(published.length);
    // No leading zero, minutes below 60, nothing empty.
    for (const d of written) expect({ d, shortest: d !== 'PT' && /^PT([1-9]\d*H)?([1-9]M|[1-5]\dM)?$/.test(d) }).toEqual({ d, shortest: true });
    expect(written.map(minutes)).toEqual(published.map(minutes));
    expect(written).toContain('PT1H');
    expect(written).not.toContain('PT05M');
  });
});
