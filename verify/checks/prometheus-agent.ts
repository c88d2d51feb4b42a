import type { Check } from '../check';
import type { KubeObject } from '../kube-api';

/** Where managed Prometheus runs on the cluster. */
export const AMA_METRICS_NAMESPACE = 'kube-system';

/** One part of managed Prometheus, found by the Pod label its workload selects by. */
export interface AgentPart {
  /** The workload's name in kube-system. */
  readonly name: string;
  readonly kind: 'Deployment' | 'DaemonSet';
  readonly labelSelector: string;
  /** What it does for the rule groups, so a failure says what is lost. */
  readonly role: string;
  /** Where to look when it has no Ready Pod. */
  readonly inspect: string;
}

/**
 * The three parts the recommended rule groups read from, in Azure/prometheus-collector at 39583fd
 * (otelcollector/deploy/addon-chart/azure-monitor-metrics-addon/templates/, and what each
 * collector scrapes in otelcollector/shared/configmap/mp/prometheus-config-merger.go, where the
 * DaemonSet in "advanced" mode, which the chart sets, takes its node's targets and the ReplicaSet
 * takes kube-state-metrics):
 * - ama-metrics-deployment.yaml: Deployment `ama-metrics`, Pods labelled `rsName: ama-metrics`.
 * - ama-metrics-daemonset.yaml: DaemonSet `ama-metrics-node` on Linux nodes, Pods labelled
 *   `dsName: ama-metrics-node`. With DaemonSet sizing (AKS Automatic) the chart makes one
 *   DaemonSet per size, named `ama-metrics-node-<size>`, whose Pods keep `dsName: ama-metrics-node`
 *   (and add `kubernetes.azure.com/ds-tshirt-size`): the label finds them all, a name would not.
 *   Its Windows twin `ama-metrics-win-node` (`dsName: ama-metrics-win-node`) has Pods only on
 *   Windows nodes and is not checked.
 * - ama-metrics-ksm-deployment.yaml: Deployment `ama-metrics-ksm`, Pods labelled
 *   `app.kubernetes.io/name: ama-metrics-ksm`.
 * Which series each gives is from the rules' expressions (stacks/recommended-prometheus-alerts.ts).
 */
export const AGENT_PARTS: readonly AgentPart[] = [
  {
    name: 'ama-metrics',
    kind: 'Deployment',
    labelSelector: 'rsName=ama-metrics',
    role: 'scrapes the cluster-wide targets, kube-state-metrics among them: the kube_* series every rule group reads come through it',
    inspect: `kubectl -n ${AMA_METRICS_NAMESPACE} describe deployment ama-metrics`,
  },
  {
    name: 'ama-metrics-node',
    kind: 'DaemonSet',
    labelSelector: 'dsName=ama-metrics-node',
    role:
      "scrapes each Linux node's kubelet, cAdvisor and node-exporter: the kubelet_*, container_* and node_* series " +
      '(volume and disk usage, container CPU and memory, pod start-up latency rules)',
    inspect: `kubectl -n ${AMA_METRICS_NAMESPACE} describe daemonsets -l app.kubernetes.io/name=ama-metrics-node`,
  },
  {
    name: 'ama-metrics-ksm',
    kind: 'Deployment',
    labelSelector: 'app.kubernetes.io/name=ama-metrics-ksm',
    role: 'is kube-state-metrics: the kube_* series (pods, nodes, deployments, jobs, volumes) every rule group reads',
    inspect: `kubectl -n ${AMA_METRICS_NAMESPACE} describe deployment ama-metrics-ksm`,
  },
];

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
 * monitor_metrics), so verify looks at the agent's three parts (AGENT_PARTS).
 *
 * One list per part, by its label selector: three small answers, where one list of kube-system
 * would carry every add-on's Pods (a DaemonSet Pod per node each) to keep a few; the same
 * permission either way (`list pods` in kube-system).
 *
 * Each part needs at least one Ready Pod, else the check fails naming it and what the rule
 * groups lose; none of the three having any Pod is managed Prometheus off (with the command that
 * turns it on). Pods that are not Ready beside a Ready one do not fail the check; they are named
 * (with their node, for the DaemonSet) in a detail line. That is deliberate: node image upgrades,
 * scale-outs and the add-on's own updates (the DaemonSet rolls 50% of its Pods at a time) leave
 * Pods not Ready for minutes as a matter of course, and a verify that failed then would be
 * ignored; while it lasts the rules miss those nodes' series, which the detail says.
 *
 * Which workspace the agent writes to is set by a data collection rule in Azure and is not
 * visible from the cluster: a detail line says how to look (whereItWrites).
 */
export const prometheusAgentCheck: Check = {
  id: 'prometheus-agent',
  title: 'managed Prometheus agent runs',
  notApplicable: (cluster) => (cluster.alerts?.prometheus ? undefined : 'the cluster has no alerts.prometheus in the config'),
  async run({ api, cluster }) {
    const workspaceId = cluster.alerts!.prometheus!.workspace.id;
    const enable = `az aks update -g ${cluster.resourceGroup} -n ${cluster.aksName} --enable-azure-monitor-metrics --azure-monitor-workspace-resource-id ${workspaceId}`;
    const expected =
      `a Ready Pod of each part of managed Prometheus in ${AMA_METRICS_NAMESPACE}: ` +
      AGENT_PARTS.map((p) => `${p.name} (${p.labelSelector})`).join(', ') +
      '; feeding alerts.prometheus';
    const found: Array<{ part: AgentPart; pods: KubeObject[] }> = [];
    for (const part of AGENT_PARTS) {
      const pods = [...(await api.listPods(AMA_METRICS_NAMESPACE, part.labelSelector)).items].sort(byName);
      found.push({ part, pods });
    }
    if (found.every((f) => f.pods.length === 0)) {
      return {
        passed: false,
        expected,
        got: `no Pod of ${names(AGENT_PARTS, 'or')} in ${AMA_METRICS_NAMESPACE}: managed Prometheus is off, so the Prometheus rule groups get no data from this cluster; turn it on: ${enable}`,
      };
    }
    const summary = found.map(({ part, pods }) => summarize(part, pods)).join('; ');
    const where = whereItWrites(workspaceId, cluster.resourceGroup, cluster.aksName);
    const down = found.filter((f) => !f.pods.some(isReady));
    if (down.length > 0) {
      return {
        passed: false,
        expected,
        got: `no Ready Pod of ${names(down.map((f) => f.part), 'and')}: ${summary}`,
        details: [...down.map(({ part }) => `${part.name} ${part.role}; look at it: ${part.inspect}`), where],
      };
    }
    const lagging = found
      .map(({ part, pods }) => ({ part, notReady: pods.filter((p) => !isReady(p)), total: pods.length }))
      .filter((f) => f.notReady.length > 0)
      .map(({ part, notReady, total }) => {
        const meanwhile =
          part.kind === 'DaemonSet'
            ? `until they are, the kubelet, cAdvisor and node-exporter series of ${notReady.map(nodeOf).join(', ')} are missing`
            : 'another Pod is Ready';
        return (
          `${part.name}: ${notReady.length} of ${total} Pod(s) not Ready; passes, as usual while nodes are upgraded or added and the add-on updates (${meanwhile}). ` +
          `If it stays so: kubectl -n ${AMA_METRICS_NAMESPACE} describe pod ${notReady.map(nameOf).join(' ')}`
        );
      });
    return { passed: true, expected, got: summary, details: [...lagging, where] };
  },
};

/** `ama-metrics: 2/2 Ready`, with the Pods that are not Ready named; or `no Pod (selector)`. */
function summarize(part: AgentPart, pods: readonly KubeObject[]): string {
  if (pods.length === 0) return `${part.name}: no Pod (${part.labelSelector})`;
  const notReady = pods.filter((p) => !isReady(p));
  const listed = notReady.map((p) => `${nameOf(p)}${part.kind === 'DaemonSet' ? ` on ${nodeOf(p)}` : ''} (${describe(p)})`).join(', ');
  return `${part.name}: ${pods.length - notReady.length}/${pods.length} Ready${listed ? `, not Ready: ${listed}` : ''}`;
}

function names(parts: readonly AgentPart[], conjunction: string): string {
  const n = parts.map((p) => p.name);
  return n.length < 2 ? n.join('') : `${n.slice(0, -1).join(', ')} ${conjunction} ${n[n.length - 1]}`;
}

/** By name, codepoint order (not the locale's), so the output is the same everywhere. */
function byName(a: KubeObject, b: KubeObject): number {
  return nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0;
}

function nameOf(pod: KubeObject): string {
  return pod.metadata?.name ?? '?';
}

function nodeOf(pod: KubeObject): string {
  return (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? 'no node yet';
}

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
