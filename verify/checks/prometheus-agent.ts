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
 * to look (whereItWrites).
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
    const where = whereItWrites(workspaceId, cluster.resourceGroup, cluster.aksName);
    if (ready.length === 0) {
      return { passed: false, expected, got: `${pods.length} ama-metrics Pod(s), none Ready: ${listed}`, details: [where] };
    }
    return { passed: true, expected, got: `${ready.length}/${pods.length} Ready: ${listed}`, details: [where] };
  },
};

/**
 * The commands that show which workspace the agent writes to. Not `az aks show --query
 * azureMonitorProfile.metrics`: that object has only `enabled` and `kubeStateMetrics`
 * (ManagedClusterAzureMonitorProfileMetrics in the @azure/arm-containerservice reference). The workspace is the destination of a data
 * collection rule associated with the cluster.
 *
 * Read in Azure/azure-cli-extensions, src/monitor-control-service/azext_amcs (the
 * monitor-control-service extension, which az installs on first use): `association list
 * --resource <id>` calls ListByResource (custom.py; `--resource`/`--resource-uri` in
 * aaz/…/rule/association/_list_by_resource.py, GET `/{resourceUri}/providers/Microsoft.Insights/
 * dataCollectionRuleAssociations`) and flattens `properties`, so `dataCollectionRuleId` is top
 * level; `rule show` (aaz/…/rule/_show.py) flattens `properties` as well, so the workspace is
 * `destinations.monitoringAccounts[].accountResourceId`, and takes `--ids` (the rule name has an
 * id_part). Microsoft's Container insights troubleshooting page uses the same two commands for
 * the cluster's DCRs. Not verified: the output of a live CLI (no Azure here), and which of several
 * associations is managed Prometheus's (az aks's own name for it changed between CLI versions),
 * hence every rule id is listed and the one with a monitoring account is the one.
 */
export function whereItWrites(workspaceId: string, resourceGroup: string, aksName: string): string {
  const aksId = `$(az aks show -g ${resourceGroup} -n ${aksName} --query id -o tsv)`;
  return (
    `the rule groups query ${workspaceId}; the workspace the agent writes to is set by a data collection rule associated with the cluster: ` +
    `az monitor data-collection rule association list --resource "${aksId}" --query "[].dataCollectionRuleId" -o tsv, ` +
    `then for each rule id: az monitor data-collection rule show --ids <rule id> --query "destinations.monitoringAccounts[].accountResourceId" ` +
    `(managed Prometheus's rule names an Azure Monitor workspace there; compare ignoring case)`
  );
}

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
