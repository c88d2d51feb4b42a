/**
 * Platform metric alerts on the cluster: Azure's two recommended ones and the configured ones.
 * Stands in for reading the plan of azurerm_monitor_metric_alert (azurerm v4.55.0
 * internal/services/monitor/monitor_metric_alert_resource.go: allowed window_size, frequency,
 * aggregation, operator and severity values are checked against that file's lists below); Azure
 * evaluating the rules is not exercised.
 */
import { describeMetricAlert, metricAlertLogicalId, PlatformMetricAlerts } from '../../stacks/platform-metric-alerts';
import { addresses, alertingDoc, exampleDoc, minimalDoc, resource, synthDoc, withCluster } from './helpers';

const AKS_ID = '${data.azurerm_kubernetes_cluster.aks.id}';
const ACTION = [{ action_group_id: '${azurerm_monitor_action_group.alerts_action_group.id}' }];

// Allowed values in azurerm v4.55.0 monitor_metric_alert_resource.go (schema ValidateFuncs).
const PROVIDER_WINDOWS = ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D'];
const PROVIDER_FREQUENCIES = ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H'];
const PROVIDER_AGGREGATIONS = ['Average', 'Count', 'Minimum', 'Maximum', 'Total'];
const PROVIDER_OPERATORS = ['Equals', 'GreaterThan', 'GreaterThanOrEqual', 'LessThan', 'LessThanOrEqual'];

describe("Azure's recommended alerts (bundled example)", () => {
  const { json } = synthDoc(exampleDoc());

  test('node CPU above 95%, every field', () => {
    expect(resource(json, 'azurerm_monitor_metric_alert', 'metric_alert_node_cpu_usage_percentage')).toEqual({
      name: 'contosofin-node-cpu-usage-percentage',
      resource_group_name: 'contosofin-rg',
      scopes: [AKS_ID],
      description: 'Azure recommended AKS alert: Average node_cpu_usage_percentage > 95 over 5 min.',
      enabled: true,
      auto_mitigate: true,
      severity: 3,
      frequency: 'PT5M',
      window_size: 'PT5M',
      criteria: [
        {
          metric_namespace: 'Microsoft.ContainerService/managedClusters',
          metric_name: 'node_cpu_usage_percentage',
          aggregation: 'Average',
          operator: 'GreaterThan',
          threshold: 95,
        },
      ],
      action: ACTION,
    });
  });

  test('node memory working set above 100%, every field', () => {
    expect(resource(json, 'azurerm_monitor_metric_alert', 'metric_alert_node_memory_working_set_percentage')).toEqual({
      name: 'contosofin-node-memory-working-set-percentage',
      resource_group_name: 'contosofin-rg',
      scopes: [AKS_ID],
      description: 'Azure recommended AKS alert: Average node_memory_working_set_percentage > 100 over 5 min.',
      enabled: true,
      auto_mitigate: true,
      severity: 3,
      frequency: 'PT5M',
      window_size: 'PT5M',
      criteria: [
        {
          metric_namespace: 'Microsoft.ContainerService/managedClusters',
          metric_name: 'node_memory_working_set_percentage',
          aggregation: 'Average',
          operator: 'GreaterThan',
          threshold: 100,
        },
      ],
      action: ACTION,
    });
  });

  test('leave target_resource_type/location to Azure (Computed in azurerm) and skip nothing', () => {
    for (const alert of Object.values(json.resource.azurerm_monitor_metric_alert as Record<string, any>)) {
      expect(alert).not.toHaveProperty('target_resource_type');
      expect(alert).not.toHaveProperty('target_resource_location');
      expect(alert.criteria[0]).not.toHaveProperty('skip_metric_validation');
      expect(alert.criteria[0]).not.toHaveProperty('dimension');
    }
  });

  test('are the only metric alerts there', () => {
    expect(addresses(json, 'resource').filter((a) => a.startsWith('azurerm_monitor_metric_alert.'))).toEqual([
      'azurerm_monitor_metric_alert.metric_alert_node_cpu_usage_percentage',
      'azurerm_monitor_metric_alert.metric_alert_node_memory_working_set_percentage',
    ]);
  });
});

describe('configured alerts (alerting fixture)', () => {
  const { json, stack } = synthDoc(alertingDoc());
  const alerts = json.resource.azurerm_monitor_metric_alert;

  test('disk-high, every field', () => {
    expect(alerts.metric_alert_disk_high).toEqual({
      name: 'contosofin-disk-high',
      resource_group_name: 'contosofin-rg',
      scopes: [AKS_ID],
      description: 'Average node_disk_usage_percentage > 80 over 15 min (aks-day2 config, metricAlerts "disk-high").',
      enabled: true,
      auto_mitigate: true,
      severity: 2,
      frequency: 'PT5M',
      window_size: 'PT15M',
      criteria: [
        {
          metric_namespace: 'Microsoft.ContainerService/managedClusters',
          metric_name: 'node_disk_usage_percentage',
          aggregation: 'Average',
          operator: 'GreaterThan',
          threshold: 80,
        },
      ],
      action: ACTION,
    });
  });

  test('unschedulable-pods: a count metric, Total, default severity; every field', () => {
    expect(alerts.metric_alert_unschedulable_pods).toEqual({
      name: 'contosofin-unschedulable-pods',
      resource_group_name: 'contosofin-rg',
      scopes: [AKS_ID],
      description: 'Total cluster_autoscaler_unschedulable_pods_count > 0 over 5 min (aks-day2 config, metricAlerts "unschedulable-pods").',
      enabled: true,
      auto_mitigate: true,
      severity: 3,
      frequency: 'PT5M',
      window_size: 'PT5M',
      criteria: [
        {
          metric_namespace: 'Microsoft.ContainerService/managedClusters',
          metric_name: 'cluster_autoscaler_unschedulable_pods_count',
          aggregation: 'Total',
          operator: 'GreaterThan',
          threshold: 0,
        },
      ],
      action: ACTION,
    });
  });

  test('apiserver-cpu: a 1-minute window is evaluated every minute; every field', () => {
    expect(alerts.metric_alert_apiserver_cpu).toEqual({
      name: 'contosofin-apiserver-cpu',
      resource_group_name: 'contosofin-rg',
      scopes: [AKS_ID],
      description: 'Maximum apiserver_cpu_usage_percentage >= 90 over 1 min (aks-day2 config, metricAlerts "apiserver-cpu").',
      enabled: true,
      auto_mitigate: true,
      severity: 1,
      frequency: 'PT1M',
      window_size: 'PT1M',
      criteria: [
        {
          metric_namespace: 'Microsoft.ContainerService/managedClusters',
          metric_name: 'apiserver_cpu_usage_percentage',
          aggregation: 'Maximum',
          operator: 'GreaterThanOrEqual',
          threshold: 90,
        },
      ],
      action: ACTION,
    });
  });

  test('five alerts, recommended first, one construct', () => {
    expect(stack.metricAlerts?.alerts).toHaveLength(5);
    expect(Object.keys(alerts).sort()).toEqual(
      [
        'metric_alert_apiserver_cpu',
        'metric_alert_disk_high',
        'metric_alert_node_cpu_usage_percentage',
        'metric_alert_node_memory_working_set_percentage',
        'metric_alert_unschedulable_pods',
      ].sort(),
    );
  });

  test('every value is one azurerm v4.55.0 accepts, and frequency never exceeds the window', () => {
    const minutes = (iso: string) => ({ PT1M: 1, PT5M: 5, PT15M: 15, PT30M: 30, PT1H: 60, PT6H: 360, PT12H: 720, P1D: 1440 })[iso]!;
    for (const alert of Object.values(alerts as Record<string, any>)) {
      expect(PROVIDER_WINDOWS).toContain(alert.window_size);
      expect(PROVIDER_FREQUENCIES).toContain(alert.frequency);
      expect(minutes(alert.frequency)).toBeLessThanOrEqual(minutes(alert.window_size));
      expect(PROVIDER_AGGREGATIONS).toContain(alert.criteria[0].aggregation);
      expect(PROVIDER_OPERATORS).toContain(alert.criteria[0].operator);
      expect(alert.severity).toBeGreaterThanOrEqual(0);
      expect(alert.severity).toBeLessThanOrEqual(4);
    }
  });
});

describe('options', () => {
  test('recommended: false with configured rules creates only those', () => {
    const { json } = synthDoc(
      withCluster(alertingDoc(), (c) => {
        c.alerts.recommended = false;
      }),
    );
    expect(Object.keys(json.resource.azurerm_monitor_metric_alert).sort()).toEqual([
      'metric_alert_apiserver_cpu',
      'metric_alert_disk_high',
      'metric_alert_unschedulable_pods',
    ]);
  });

  test('only prometheus rules: no metric alert construct at all', () => {
    const { json, stack } = synthDoc(
      withCluster(alertingDoc(), (c) => {
        c.alerts.recommended = false;
        delete c.alerts.metricAlerts;
      }),
    );
    expect(json.resource.azurerm_monitor_metric_alert).toBeUndefined();
    expect(stack.metricAlerts).toBeUndefined();
  });

  test('no alerts section: no action group, no alert of any kind', () => {
    const { json, stack } = synthDoc(minimalDoc());
    expect(json.resource).toBeUndefined();
    expect(stack.alertActionGroup).toBeUndefined();
  });
});

test('helpers', () => {
  expect(metricAlertLogicalId('node-cpu-usage-percentage')).toBe('metric_alert_node_cpu_usage_percentage');
  expect(
    describeMetricAlert({
      name: 'x',
      alertName: 'c-x',
      metric: 'kube_pod_status_ready',
      metricNamespace: 'Microsoft.ContainerService/managedClusters',
      aggregation: 'Total',
      operator: 'LessThanOrEqual',
      threshold: 2,
      windowMinutes: 30,
      windowSize: 'PT30M',
      frequency: 'PT5M',
      severity: 3,
      recommended: false,
    }),
  ).toBe('Total kube_pod_status_ready <= 2 over 30 min (aks-day2 config, metricAlerts "x").');
  expect(PlatformMetricAlerts.RESOURCE_PROVIDERS).toEqual(['microsoft.insights']);
});
