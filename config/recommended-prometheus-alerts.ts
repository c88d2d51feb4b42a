/**
 * Azure's recommended Prometheus alert rules for AKS, as data: the three rule groups (cluster,
 * node and pod level) that the portal's 'Set up recommendations' and Azure's ARM template create.
 *
 * Source: Azure/prometheus-collector, GeneratedMonitoringArtifacts/Default/recommendedMetricAlerts.json,
 * read at commit 39583fd50b2f828f83cc18fc0cece9e3074f56db (2026-07-21; the file last changed in
 * 917abcce9e3ff45830864eb67c0b5567a9846f13, 2025-07-31). Carried over as published, field by
 * field: alert names, PromQL expressions (spacing included), `for` (ISO 8601, as written there:
 * PT05M, PT60M and PT360M too; RecommendedPrometheusRuleGroups writes them in their shortest
 * form), severities, resolveConfiguration (auto-resolve and time to
 * resolve), labels, each group's interval. Not carried over: the annotations' prose (this project
 * writes its own one-line description, see RecommendedPrometheusRuleGroups) and the ARM
 * parameters (scopes, action group, location come from the config).
 *
 * __tests__/stacks/recommended-prometheus-alerts.spec.ts checks this file's structure and parses
 * every expression with @prometheus-io/lezer-promql.
 */

export type RuleGroupLevel = 'cluster' | 'node' | 'pod';

export interface RecommendedPrometheusAlert {
  readonly alert: string;
  readonly expression: string;
  /** ISO 8601 duration the condition must hold before the alert fires. */
  readonly for: string;
  /** Azure alert severity, 0 (critical) to 4 (verbose). */
  readonly severity: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly resolveConfiguration: { readonly autoResolved: boolean; readonly timeToResolve: string };
}

export interface RecommendedPrometheusRuleGroup {
  readonly level: RuleGroupLevel;
  /** Suffix of the group name Azure uses: `KubernetesAlert-RecommendedMetricAlerts<cluster>-<suffix>`. */
  readonly nameSuffix: string;
  /** How often the group is evaluated (ISO 8601). */
  readonly interval: string;
  /** Where Azure documents the group's rules (the link in each published annotation). */
  readonly docsUrl: string;
  readonly rules: readonly RecommendedPrometheusAlert[];
}

/** Prefix of every group name; the ARM template appends the cluster name and the suffix. */
export const RECOMMENDED_RULE_GROUP_PREFIX = 'KubernetesAlert-RecommendedMetricAlerts';
/** The groups' description in the ARM template ('Kubernetes Alert RuleGroup-RecommendedMetricAlerts' + ' - 0.1'). */
export const RECOMMENDED_RULE_GROUP_DESCRIPTION = 'Kubernetes Alert RuleGroup-RecommendedMetricAlerts - 0.1';

export const RECOMMENDED_PROMETHEUS_RULE_GROUPS: readonly RecommendedPrometheusRuleGroup[] = [
  {
    level: 'cluster',
    nameSuffix: 'Cluster-level',
    interval: 'PT1M',
    docsUrl: 'https://aka.ms/aks-alerts/cluster-level-recommended-alerts',
    rules: [
      {
        alert: 'KubeCPUQuotaOvercommit',
        expression: 'sum(min without(resource) (kube_resourcequota{job="kube-state-metrics", type="hard", resource=~"(cpu|requests.cpu)"}))  /sum(kube_node_status_allocatable{resource="cpu", job="kube-state-metrics"})  > 1.5',
        for: 'PT5M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeMemoryQuotaOvercommit',
        expression: 'sum(min without(resource) (kube_resourcequota{job="kube-state-metrics", type="hard", resource=~"(memory|requests.memory)"}))  /sum(kube_node_status_allocatable{resource="memory", job="kube-state-metrics"})  > 1.5',
        for: 'PT5M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeContainerOOMKilledCount',
        expression: 'sum by (cluster,container,controller,namespace)(kube_pod_container_status_last_terminated_reason{reason="OOMKilled"} * on(cluster,namespace,pod) group_left(controller) label_replace(kube_pod_owner, "controller", "$1", "owner_name", "(.*)")) > 0',
        for: 'PT5M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeClientErrors',
        expression: '(sum(rate(rest_client_requests_total{code=~"5.."}[5m])) by (cluster, instance, job, namespace)  / sum(rate(rest_client_requests_total[5m])) by (cluster, instance, job, namespace)) > 0.01',
        for: 'PT15M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubePersistentVolumeFillingUp',
        expression: 'kubelet_volume_stats_available_bytes{job="kubelet"}/kubelet_volume_stats_capacity_bytes{job="kubelet"} < 0.15 and kubelet_volume_stats_used_bytes{job="kubelet"} > 0 and predict_linear(kubelet_volume_stats_available_bytes{job="kubelet"}[6h], 4 * 24 * 3600) < 0 unless on(namespace, persistentvolumeclaim) kube_persistentvolumeclaim_access_mode{ access_mode="ReadOnlyMany"} == 1 unless on(namespace, persistentvolumeclaim) kube_persistentvolumeclaim_labels{label_excluded_from_alerts="true"} == 1',
        for: 'PT60M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT15M' },
      },
      {
        alert: 'KubePersistentVolumeInodesFillingUp',
        expression: 'kubelet_volume_stats_inodes_free{job="kubelet"} / kubelet_volume_stats_inodes{job="kubelet"} < 0.03',
        for: 'PT15M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubePersistentVolumeErrors',
        expression: 'kube_persistentvolume_status_phase{phase=~"Failed|Pending",job="kube-state-metrics"} > 0',
        for: 'PT05M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeContainerWaiting',
        expression: 'sum by (namespace, pod, container, cluster) (kube_pod_container_status_waiting_reason{job="kube-state-metrics"}) > 0',
        for: 'PT60M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeDaemonSetNotScheduled',
        expression: 'kube_daemonset_status_desired_number_scheduled{job="kube-state-metrics"} - kube_daemonset_status_current_number_scheduled{job="kube-state-metrics"} > 0',
        for: 'PT15M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeDaemonSetMisScheduled',
        expression: 'kube_daemonset_status_number_misscheduled{job="kube-state-metrics"} > 0',
        for: 'PT15M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeQuotaAlmostFull',
        expression: 'kube_resourcequota{job="kube-state-metrics", type="used"}  / ignoring(instance, job, type)(kube_resourcequota{job="kube-state-metrics", type="hard"} > 0)  > 0.9 < 1',
        for: 'PT15M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
    ],
  },
  {
    level: 'node',
    nameSuffix: 'Node-level',
    interval: 'PT1M',
    docsUrl: 'https://aka.ms/aks-alerts/node-level-recommended-alerts',
    rules: [
      {
        alert: 'KubeNodeUnreachable',
        expression: '(kube_node_spec_taint{job="kube-state-metrics",key="node.kubernetes.io/unreachable",effect="NoSchedule"} unless ignoring(key,value) kube_node_spec_taint{job="kube-state-metrics",key=~"ToBeDeletedByClusterAutoscaler|cloud.google.com/impending-node-termination|aws-node-termination-handler/spot-itn"}) == 1',
        for: 'PT15M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeNodeReadinessFlapping',
        expression: 'sum(changes(kube_node_status_condition{status="true",condition="Ready"}[15m])) by (cluster, node) > 2',
        for: 'PT15M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeNodeDiskUsageHigh',
        expression: '100 - ((node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"}) * 100) > 80',
        for: 'PT15M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
    ],
  },
  {
    level: 'pod',
    nameSuffix: 'Pod-level',
    interval: 'PT1M',
    docsUrl: 'https://aka.ms/aks-alerts/pod-level-recommended-alerts',
    rules: [
      {
        alert: 'KubePodCrashLooping',
        expression: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", job="kube-state-metrics"}[5m]) >= 1',
        for: 'PT15M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeJobStale',
        expression: 'sum by(namespace,cluster)(kube_job_spec_completions{job="kube-state-metrics"}) - sum by(namespace,cluster)(kube_job_status_succeeded{job="kube-state-metrics"})  > 0 ',
        for: 'PT360M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT15M' },
      },
      {
        alert: 'KubePodContainerRestart',
        expression: 'sum by (namespace, controller, container, cluster)(increase(kube_pod_container_status_restarts_total{job="kube-state-metrics"}[1h])* on(namespace, pod, cluster) group_left(controller) label_replace(kube_pod_owner, "controller", "$1", "owner_name", "(.*)")) > 0',
        for: 'PT15M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubePodReadyStateLow',
        expression: 'sum by (cluster,namespace,deployment)(kube_deployment_status_replicas_ready) / sum by (cluster,namespace,deployment)(kube_deployment_spec_replicas) <.8 or sum by (cluster,namespace,daemonset)(kube_daemonset_status_number_ready) / sum by (cluster,namespace,daemonset)(kube_daemonset_status_desired_number_scheduled) <.8 ',
        for: 'PT5M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT15M' },
      },
      {
        alert: 'KubePodFailedState',
        expression: 'sum by (cluster, namespace, controller) (kube_pod_status_phase{phase="failed"} * on(namespace, pod, cluster) group_left(controller) label_replace(kube_pod_owner, "controller", "$1", "owner_name", "(.*)"))  > 0',
        for: 'PT5M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT15M' },
      },
      {
        alert: 'KubePodNotReadyByController',
        expression: 'sum by (namespace, controller, cluster) (max by(namespace, pod, cluster) (kube_pod_status_phase{job="kube-state-metrics", phase=~"Pending|Unknown"}  ) * on(namespace, pod, cluster) group_left(controller)label_replace(kube_pod_owner,"controller","$1","owner_name","(.*)")) > 0',
        for: 'PT15M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeStatefulSetGenerationMismatch',
        expression: 'kube_statefulset_status_observed_generation{job="kube-state-metrics"} != kube_statefulset_metadata_generation{job="kube-state-metrics"}',
        for: 'PT15M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeJobFailed',
        expression: 'kube_job_failed{job="kube-state-metrics"}  > 0',
        for: 'PT15M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeContainerAverageCPUHigh',
        expression: 'sum (rate(container_cpu_usage_seconds_total{image!="", container!="POD"}[5m])) by (pod,cluster,container,namespace) / sum(container_spec_cpu_quota{image!="", container!="POD"}/container_spec_cpu_period{image!="", container!="POD"}) by (pod,cluster,container,namespace) > .95',
        for: 'PT5M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT15M' },
      },
      {
        alert: 'KubeContainerAverageMemoryHigh',
        expression: 'avg by (namespace, controller, container, cluster)(((container_memory_working_set_bytes{container!="", image!="", container!="POD"} / on(namespace,cluster,pod,container) group_left kube_pod_container_resource_limits{resource="memory", node!=""})*on(namespace, pod, cluster) group_left(controller) label_replace(kube_pod_owner, "controller", "$1", "owner_name", "(.*)")) > .95)',
        for: 'PT10M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeletPodStartUpLatencyHigh',
        expression: 'histogram_quantile(0.99, sum(rate(kubelet_pod_worker_duration_seconds_bucket{job="kubelet"}[5m])) by (cluster, instance, le)) * on(cluster, instance) group_left(node) kubelet_node_name{job="kubelet"} > 60',
        for: 'PT10M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubePVUsageHigh',
        expression: 'avg by (namespace, controller, container, cluster)(((kubelet_volume_stats_used_bytes{job="kubelet"} / on(namespace,cluster,pod,container) group_left kubelet_volume_stats_capacity_bytes{job="kubelet"}) * on(namespace, pod, cluster) group_left(controller) label_replace(kube_pod_owner, "controller", "$1", "owner_name", "(.*)"))) > .8',
        for: 'PT15M',
        severity: 3,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeDeploymentReplicasMismatch',
        expression: '(  kube_deployment_spec_replicas{job="kube-state-metrics"}    >  kube_deployment_status_replicas_available{job="kube-state-metrics"}) and (  changes(kube_deployment_status_replicas_updated{job="kube-state-metrics"}[10m])    ==  0)',
        for: 'PT15M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT15M' },
      },
      {
        alert: 'KubeStatefulSetReplicasMismatch',
        expression: '(  kube_statefulset_status_replicas_ready{job="kube-state-metrics"}    !=  kube_statefulset_status_replicas{job="kube-state-metrics"}) and (  changes(kube_statefulset_status_replicas_updated{job="kube-state-metrics"}[10m])    ==  0)',
        for: 'PT15M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
      },
      {
        alert: 'KubeHpaReplicasMismatch',
        expression: '(kube_horizontalpodautoscaler_status_desired_replicas{job="kube-state-metrics"}  !=kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"})  and(kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"}  >kube_horizontalpodautoscaler_spec_min_replicas{job="kube-state-metrics"})  and(kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"}  <kube_horizontalpodautoscaler_spec_max_replicas{job="kube-state-metrics"})  and changes(kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"}[15m]) == 0',
        for: 'PT15M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT15M' },
      },
      {
        alert: 'KubeHpaMaxedOut',
        expression: 'kube_horizontalpodautoscaler_status_current_replicas{job="kube-state-metrics"}  ==kube_horizontalpodautoscaler_spec_max_replicas{job="kube-state-metrics"}',
        for: 'PT15M',
        severity: 4,
        labels: { severity: 'warning' },
        resolveConfiguration: { autoResolved: true, timeToResolve: 'PT15M' },
      },
    ],
  },
];

/** Azure's name for the group: `KubernetesAlert-RecommendedMetricAlerts<cluster>-<Level>-level`. */
export function recommendedRuleGroupName(aksName: string, group: RecommendedPrometheusRuleGroup): string {
  return `${RECOMMENDED_RULE_GROUP_PREFIX}${aksName}-${group.nameSuffix}`;
}
