/**
 * Azure Monitor platform metrics of AKS clusters (namespace Microsoft.ContainerService/managedClusters),
 * the names a metric alert rule may watch, with the aggregations and time grains Azure offers
 * for each.
 *
 * Source: Microsoft's "Supported metrics for Microsoft.ContainerService/managedClusters" page
 * (learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-containerservice-managedclusters-metrics),
 * read from MicrosoftDocs/azure-monitor-docs at commit 193195687cffe8ef7ff19a10d5152e27fc9817e9,
 * articles/azure-monitor/reference/supported-metrics/microsoft-containerservice-managedclusters-metrics.md
 * (ms.date 07/31/2026; the page says it is generated from Azure's API). "Total (Sum)" there is
 * the aggregation metric alerts call `Total`.
 */

/** The metric namespace every AKS platform metric alert uses. */
export const AKS_METRIC_NAMESPACE = 'Microsoft.ContainerService/managedClusters';

/** Aggregations a metric alert criterion accepts (azurerm v4.55.0 monitor_metric_alert_resource.go, `aggregation`). */
export const METRIC_ALERT_AGGREGATIONS = ['Average', 'Count', 'Minimum', 'Maximum', 'Total'] as const;
export type MetricAlertAggregation = (typeof METRIC_ALERT_AGGREGATIONS)[number];

/** Static-threshold operators (azurerm v4.55.0 monitor_metric_alert_resource.go, criteria `operator`). */
export const METRIC_ALERT_OPERATORS = [
  'Equals',
  'GreaterThan',
  'GreaterThanOrEqual',
  'LessThan',
  'LessThanOrEqual',
] as const;
export type MetricAlertOperator = (typeof METRIC_ALERT_OPERATORS)[number];

/**
 * `window_size` values azurerm accepts (monitor_metric_alert_resource.go), as minutes, with the
 * ISO 8601 spelling the provider takes and Azure returns.
 */
export const METRIC_ALERT_WINDOWS: Readonly<Record<number, string>> = {
  1: 'PT1M',
  5: 'PT5M',
  15: 'PT15M',
  30: 'PT30M',
  60: 'PT1H',
  360: 'PT6H',
  720: 'PT12H',
  1440: 'P1D',
};

/** Lowest and highest metric alert severity (azurerm v4.55.0: `severity` IntBetween(0, 4)). */
export const METRIC_ALERT_SEVERITY = { min: 0, max: 4 } as const;

export interface AksPlatformMetric {
  /** Aggregations Azure lists for the metric. */
  readonly aggregations: readonly MetricAlertAggregation[];
  /** Smallest time grain, in minutes: a window shorter than this has no data point. */
  readonly minGrainMinutes: number;
}

const usage = { aggregations: ['Maximum', 'Average'], minGrainMinutes: 1 } as const;
const count = { aggregations: ['Total', 'Average'], minGrainMinutes: 1 } as const;
const autoscaler = { aggregations: ['Total', 'Average'], minGrainMinutes: 5 } as const;

/** Every platform metric of the page above, by its REST API name. */
export const AKS_PLATFORM_METRICS: Readonly<Record<string, AksPlatformMetric>> = {
  apiserver_cpu_usage_percentage: usage,
  apiserver_memory_usage_percentage: usage,
  apiserver_current_inflight_requests: count,
  cluster_autoscaler_cluster_safe_to_autoscale: autoscaler,
  cluster_autoscaler_scale_down_in_cooldown: autoscaler,
  cluster_autoscaler_unneeded_nodes_count: autoscaler,
  cluster_autoscaler_unschedulable_pods_count: autoscaler,
  etcd_cpu_usage_percentage: usage,
  etcd_database_usage_percentage: usage,
  etcd_memory_usage_percentage: usage,
  kube_node_status_allocatable_cpu_cores: count,
  kube_node_status_allocatable_memory_bytes: count,
  kube_node_status_condition: count,
  node_cpu_usage_millicores: usage,
  node_cpu_usage_percentage: usage,
  node_disk_usage_bytes: usage,
  node_disk_usage_percentage: usage,
  node_memory_rss_bytes: usage,
  node_memory_rss_percentage: usage,
  node_memory_working_set_bytes: usage,
  node_memory_working_set_percentage: usage,
  node_network_in_bytes: usage,
  node_network_out_bytes: usage,
  kube_pod_status_phase: count,
  kube_pod_status_ready: count,
};

/** A platform metric alert as this project defines it: one metric, one static threshold. */
export interface MetricAlertRule {
  /** Names the rule in the config and in Azure (`<cluster>-<name>`). */
  readonly name: string;
  readonly metric: string;
  readonly aggregation: MetricAlertAggregation;
  readonly operator: MetricAlertOperator;
  readonly threshold: number;
  readonly windowMinutes: number;
  readonly severity: number;
}

/**
 * Azure's two recommended AKS platform metric alerts. Sources, both read for these values:
 * - MicrosoftDocs/azure-docs at 0e53bcf708d04c5ab4db2603a3e9ac8271cb1f70,
 *   articles/azure-monitor/containers/kubernetes-metric-alerts.md, "Platform metric alert rules":
 *   node CPU percentage, threshold 95, and node memory working set percentage, threshold 100,
 *   each over 5 minutes;
 * - Azure/terraform-azurerm-avm-res-containerservice-managedcluster at
 *   895e0c63b5ed333522d8d218e8ba938814bb8daa (v0.8.1+13), modules/alerting/main.tf: metrics
 *   `node_cpu_usage_percentage` > 95 and `node_memory_working_set_percentage` > 100, namespace
 *   Microsoft.ContainerService/managedClusters, timeAggregation Average, operator GreaterThan,
 *   windowSize and evaluationFrequency PT5M, severity 3.
 */
export const RECOMMENDED_METRIC_ALERTS: readonly MetricAlertRule[] = [
  {
    name: 'node-cpu-usage-percentage',
    metric: 'node_cpu_usage_percentage',
    aggregation: 'Average',
    operator: 'GreaterThan',
    threshold: 95,
    windowMinutes: 5,
    severity: 3,
  },
  {
    name: 'node-memory-working-set-percentage',
    metric: 'node_memory_working_set_percentage',
    aggregation: 'Average',
    operator: 'GreaterThan',
    threshold: 100,
    windowMinutes: 5,
    severity: 3,
  },
];
