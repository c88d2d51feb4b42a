import { Construct } from 'constructs';
import type { ClusterConfig } from '../config/model';
import {
  DataAzurermContainerRegistry,
  DataAzurermKubernetesCluster,
  DataAzurermLogAnalyticsWorkspace,
  DataAzurermMonitorWorkspace,
  DataAzurermNetworkWatcher,
  DataAzurermPublicIp,
} from './terraform-classes';

export interface ClusterLookupsProps {
  readonly cluster: ClusterConfig;
}

/**
 * The existing resources the runbook's steps act on, read at plan time instead of pasted in.
 * Runbook: "az aks show -g $RG -n $PREFIX-aks --query 'id' -o tsv". Each lookup exists only
 * when a configured step needs it; a missing resource fails `terraform plan` with its name.
 */
export class ClusterLookups extends Construct {
  /** The cluster (`$PREFIX-aks` in `$RG`): id, kubelet identity, API server FQDNs. */
  public readonly cluster: DataAzurermKubernetesCluster;
  /** The existing registry (`$ACR_NAME`); undefined when there is no acr or it is created here. */
  public readonly registry?: DataAzurermContainerRegistry;
  /** The App Gateway's public IP (`$AGPUBLICIP_NAME`), when appGateway is configured. */
  public readonly appGatewayPublicIp?: DataAzurermPublicIp;
  /** The Log Analytics workspace Traffic Analytics writes to, when configured. */
  public readonly trafficAnalyticsWorkspace?: DataAzurermLogAnalyticsWorkspace;
  /** The Network Watcher of the flow-log target's region, when flowLogs is configured. */
  public readonly networkWatcher?: DataAzurermNetworkWatcher;
  /** The Azure Monitor workspace Prometheus rule groups query, when alerts.prometheus is configured. */
  public readonly prometheusWorkspace?: DataAzurermMonitorWorkspace;

  constructor(scope: Construct, id: string, props: ClusterLookupsProps) {
    super(scope, id);
    const { cluster } = props;

    this.cluster = new DataAzurermKubernetesCluster(this, 'aks', {
      name: cluster.aksName,
      resourceGroupName: cluster.resourceGroup,
      lifecycle: {
        postcondition: [
          {
            // The log storage account must be in the cluster's region and is placed by the
            // config's location (readable in the plan); a wrong location fails here, by name,
            // instead of as a diagnostic-setting error after the account exists.
            condition: `\${lower(replace(self.location, " ", "")) == "${cluster.location}"}`,
            errorMessage: `Cluster ${cluster.aksName} is not in ${cluster.location}: fix location of cluster "${cluster.name}" in the config.`,
          },
          ...(cluster.acr
            ? [
                {
                  // `az aks update --attach-acr` grants AcrPull to the kubelet identity; a
                  // cluster still on a service principal has none, and the grant must go to it.
                  condition: '${length(self.kubelet_identity) > 0}',
                  errorMessage: `Cluster ${cluster.aksName} has no kubelet managed identity (service-principal cluster?): grant AcrPull to its service principal instead, or remove acr from cluster "${cluster.name}".`,
                },
              ]
            : []),
          ...(cluster.monitoring && 'monitoringAgent' in cluster.monitoring.principal
            ? [
                {
                  // The add-on's identity exists only while Container insights is on; without
                  // it the roles would have no principal (provider: an empty oms_agent list).
                  condition: '${try(self.oms_agent[0].oms_agent_identity[0].object_id, "") != ""}',
                  errorMessage: `Cluster ${cluster.aksName} has no monitoring add-on identity (the oms_agent / Container insights add-on is off): enable it (az aks enable-addons -a monitoring), or give monitoring.principal of cluster "${cluster.name}" as {appId: …} or {objectId: …}.`,
                },
              ]
            : []),
        ],
      },
    });
    this.cluster.overrideLogicalId('aks');

    const prometheus = cluster.alerts?.prometheus;
    if (prometheus) {
      // Read for its region: a Prometheus rule group lives in its workspace's region.
      this.prometheusWorkspace = new DataAzurermMonitorWorkspace(this, 'prometheus-workspace', {
        name: prometheus.workspace.names[0],
        resourceGroupName: prometheus.workspace.resourceGroup,
      });
      this.prometheusWorkspace.overrideLogicalId('prometheus_workspace');
    }

    if (cluster.acr && !cluster.acr.create) {
      this.registry = new DataAzurermContainerRegistry(this, 'acr', {
        name: cluster.acr.name,
        resourceGroupName: cluster.acr.resourceGroup,
      });
      this.registry.overrideLogicalId('acr');
    }

    if (cluster.appGateway) {
      this.appGatewayPublicIp = new DataAzurermPublicIp(this, 'app-gateway-public-ip', {
        name: cluster.appGateway.publicIpName,
        resourceGroupName: cluster.appGateway.resourceGroup,
      });
      this.appGatewayPublicIp.overrideLogicalId('app_gateway_public_ip');
    }

    const flow = cluster.flowLogs;
    if (flow) {
      this.networkWatcher = new DataAzurermNetworkWatcher(this, 'network-watcher', {
        name: flow.networkWatcherName,
        resourceGroupName: flow.networkWatcherResourceGroup,
      });
      this.networkWatcher.overrideLogicalId('network_watcher');

      if (flow.trafficAnalytics) {
        const ws = flow.trafficAnalytics.workspace;
        this.trafficAnalyticsWorkspace = new DataAzurermLogAnalyticsWorkspace(this, 'traffic-analytics-workspace', {
          name: ws.names[0],
          resourceGroupName: ws.resourceGroup,
        });
        this.trafficAnalyticsWorkspace.overrideLogicalId('traffic_analytics_workspace');
      }
    }
  }
}
