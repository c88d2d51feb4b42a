import type { Check } from '../check';
import type { KubeObject } from '../kube-api';

/**
 * The managed Prometheus agent's Deployment (`ama-metrics` in kube-system) labels its Pods
 * `rsName=ama-metrics` (Azure/prometheus-collector at 39583fd,
 * otelcollector/deploy/addon-chart/azure-monitor-metrics-addon/templates/ama-metrics-deployment.yaml).
 */
export const AMA_METRICS = { namespace: 'kube-system', labelSelector: 'rsName=ama-metrics' } as const;

interface PodCondition {
  readonly type?: string;
  readonly status?: string;
}
interface ContainerStatus {
  readonly state?: { readonly waiting?: { readonly reason?: string } };
}

/**
 * Not a runbook step but what `alerts.prometheus` rests on: Azure's recommended rule groups query
 * the Azure Monitor workspace, which has series from this cluster only while AKS's managed
 * Prometheus is on (`az aks update --enable-azure-monitor-metrics`); without it every rule
 * evaluates to nothing, silently. The plan cannot tell (the cluster data source has no
 * monitor_metrics), so verify looks for the agent. Which workspace the agent writes to is set by
 * a data collection rule in Azure and is not visible from the cluster: the detail line says how
 * to look.
 */
export const prometheusAgentCheck: Check = {
  id: 'prometheus-agent',
  title: 'managed Prometheus agent runs',
  notApplicable: (cluster) => (cluster.alerts?.prometheus ? undefined : 'the cluster has no alerts.prometheus in the config'),
  async run({ api, cluster }) {
    const workspaceId = cluster.alerts!.prometheus!.workspace.id;
    const enable = `az aks update -g ${cluster.resourceGroup} -n ${cluster.aksName} --enable-azure-monitor-metrics --azure-monitor-workspace-resource-id ${workspaceId}`;
    const expected = `a Ready Pod labelled ${AMA_METRICS.labelSelector} in ${AMA_METRICS.namespace} (managed Prometheus on, feeding alerts.prometheus)`;
    const pods = (await api.listPods(AMA_METRICS.namespace, AMA_METRICS.labelSelector)).items;
    if (pods.length === 0) {
      return {
        passed: false,
        expected,
        got: `no Pod labelled ${AMA_METRICS.labelSelector} in ${AMA_METRICS.namespace}: managed Prometheus is off, so the Prometheus rule groups get no data from this cluster; turn it on: ${enable}`,
      };
    }
    const ready = pods.filter(isReady);
    const listed = pods.map((p) => `${p.metadata?.name ?? '?'} (${describe(p)})`).join(', ');
    const where = `the rule groups query ${workspaceId}; the workspace the agent writes to: az aks show -g ${cluster.resourceGroup} -n ${cluster.aksName} --query azureMonitorProfile.metrics`;
    if (ready.length === 0) {
      return { passed: false, expected, got: `${pods.length} ama-metrics Pod(s), none Ready: ${listed}`, details: [where] };
    }
    return { passed: true, expected, got: `${ready.length}/${pods.length} Ready: ${listed}`, details: [where] };
  },
};

function isReady(pod: KubeObject): boolean {
  const conditions = ((pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? []) as PodCondition[];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** `Ready`, or the phase and a waiting container's reason (`Running, CrashLoopBackOff`). */
function describe(pod: KubeObject): string {
  if (isReady(pod)) return 'Ready';
  const status = (pod.status ?? {}) as { phase?: string; containerStatuses?: ContainerStatus[] };
  const waiting = (status.containerStatuses ?? []).map((c) => c.state?.waiting?.reason).filter(Boolean);
  return [status.phase ?? 'no phase', ...new Set(waiting)].join(', ');
}
