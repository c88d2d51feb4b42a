import { Fn, Op } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterConfig } from '../config/model';
import {
  DataAzurermContainerRegistry,
  DataAzurermKubernetesCluster,
  DataAzurermLogAnalyticsWorkspace,
  DataAzurermMonitorWorkspace,
  DataAzurermNetworkWatcher,
  DataAzurermPublicIp,
  DataAzurermVirtualNetwork,
} from './terraform-classes';

export interface ClusterLookupsProps {
  readonly cluster: ClusterConfig;
}

/**
 * The existing resources the runbook's steps act on, read at plan time instead of pasted in.
 * Runbook: "az aks show -g $RG -n $PREFIX-aks --query 'id' -o tsv". Each lookup exists only
 * when a configured step needs it; a missing resource fails `terraform plan` with its name.
 * Checks that only Azure can answer (region, private API server, subscription) are pre- and
 * postconditions whose messages name the config field to change (`clusters[i].…`).
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
  /**
   * The flow-log target's VNet (the target itself, or the VNet of a subnet target: a subnet
   * has no region of its own), looked up to check its region and subscription.
   */
  public readonly flowLogTargetVnet?: DataAzurermVirtualNetwork;
  /** The Azure Monitor workspace Prometheus rule groups query, when alerts.prometheus is configured. */
  public readonly prometheusWorkspace?: DataAzurermMonitorWorkspace;

  constructor(scope: Construct, id: string, props: ClusterLookupsProps) {
    super(scope, id);
    const { cluster } = props;
    const at = cluster.fieldPath;

    this.cluster = new DataAzurermKubernetesCluster(this, 'aks', {
      name: cluster.aksName,
      resourceGroupName: cluster.resourceGroup,
      lifecycle: {
        postcondition: [
          {
            // The log storage account must be in the cluster's region and is placed by the
            // config's location (readable in the plan); a wrong location fails here, by name,
            // instead of as a diagnostic-setting error after the account exists. `location` is
            // the data source's location.Normalize(model.Location) (kubernetes_cluster_data_source.go).
            condition: `\${lower(replace(self.location, " ", "")) == "${cluster.location}"}`,
            errorMessage: `${at}.location is "${cluster.location}" but cluster ${cluster.aksName} (cluster "${cluster.name}") is in \${self.location}: set location to the cluster's region.`,
          },
          {
            // `private_cluster_enabled` is a Computed bool of the data source, set from
            // apiServerAccessProfile.enablePrivateCluster only when Azure returns an access
            // profile (kubernetes_cluster_data_source.go, dataSourceKubernetesClusterRead), so it
            // can be null: hence `== true` / `!= true`, never `== false`.
            condition: cluster.privateCluster
              ? '${self.private_cluster_enabled == true}'
              : '${self.private_cluster_enabled != true}',
            errorMessage: cluster.privateCluster
              ? `${at}.privateCluster is true (cluster "${cluster.name}") but ${cluster.aksName} is not a private cluster: api_server_fqdn would be its empty private FQDN and the firewall outputs would be missing; set privateCluster: false.`
              : `${at}.privateCluster is false (cluster "${cluster.name}") but ${cluster.aksName} is a private cluster: api_server_ips and firewall_allowlist would list the private addresses its FQDN resolves to; set privateCluster: true.`,
          },
          ...(cluster.acr
            ? [
                {
                  // `az aks update --attach-acr` grants AcrPull to the kubelet identity; a
                  // cluster still on a service principal has none, and the grant must go to it.
                  // An identity whose object_id is "" (the v4.55.0 data source flattens a missing
                  // one to that) would be a grant to no one: the id itself must be there.
                  condition: '${try(self.kubelet_identity[0].object_id, "") != ""}',
                  errorMessage: `Cluster ${cluster.aksName} has no kubelet managed identity (service-principal cluster?): grant AcrPull to its service principal instead, or remove ${at}.acr (cluster "${cluster.name}").`,
                },
              ]
            : []),
          ...(cluster.policy?.engine === 'azure-policy'
            ? [
                {
                  // The assignment alone enforces nothing: the add-on turns it into a Gatekeeper
                  // constraint on the cluster. `azure_policy_enabled` is the data source's
                  // addonProfiles["azurepolicy"].enabled, set only when Azure returns add-on
                  // profiles (kubernetes_cluster_data_source.go), so it may be null: `== true`.
                  condition: '${self.azure_policy_enabled == true}',
                  errorMessage: `${at}.policy.engine is azure-policy (cluster "${cluster.name}") but the Azure Policy add-on of ${cluster.aksName} is off, so the assignment would enforce nothing: enable it (az aks enable-addons --addons azure-policy -g ${cluster.resourceGroup} -n ${cluster.aksName}), or set ${at}.policy.engine to gatekeeper or vap.`,
                },
              ]
            : []),
          ...(cluster.policy?.engine === 'gatekeeper'
            ? [
                {
                  // The add-on runs its own Gatekeeper and does not support another next to it
                  // (Microsoft's "Azure Policy for Kubernetes"; facts.md), so the Gatekeeper that
                  // dist/'s ConstraintTemplate needs cannot be installed there. Null (no add-on
                  // profiles returned) is off: `!= true`.
                  condition: '${self.azure_policy_enabled != true}',
                  errorMessage: `${at}.policy.engine is gatekeeper (cluster "${cluster.name}"; gatekeeper is also the default when policy.engine is not given) but the Azure Policy add-on of ${cluster.aksName} is on: the add-on runs its own Gatekeeper and does not support another next to it, so the Gatekeeper that the ConstraintTemplate in dist/${cluster.name}/ needs cannot be installed. Set ${at}.policy.engine to azure-policy (enforced by the add-on) or vap, or disable the add-on (az aks disable-addons --addons azure-policy -g ${cluster.resourceGroup} -n ${cluster.aksName}).`,
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

    // Every lookup of this stack runs in the azurerm provider's subscription, which the cluster
    // id carries (the data source builds it as NewKubernetesClusterID(subscriptionId, …)). A
    // resource the config names by id is looked up by name and resource group only, so this
    // precondition, checked before the lookup, keeps a same-named resource in the stack's
    // subscription from standing in for the configured one.
    const stackSubscription = Fn.lower(Fn.element(Fn.split('/', this.cluster.id), 2));
    const inStackSubscription = (field: string, id: { subscriptionId: string }, why: string) => ({
      condition: Op.eq(stackSubscription, id.subscriptionId),
      errorMessage: `${at}.${field} is in subscription ${id.subscriptionId}, but this stack (cluster "${cluster.name}") works in subscription ${stackSubscription}, ${why}`,
    });

    const prometheus = cluster.alerts?.prometheus;
    if (prometheus) {
      // Read for its region: a Prometheus rule group lives in its workspace's region.
      this.prometheusWorkspace = new DataAzurermMonitorWorkspace(this, 'prometheus-workspace', {
        name: prometheus.workspace.names[0],
        resourceGroupName: prometheus.workspace.resourceGroup,
        lifecycle: {
          precondition: [
            inStackSubscription(
              'alerts.prometheus.azureMonitorWorkspaceId',
              prometheus.workspace,
              'where the workspace is looked up: use a workspace in the cluster\'s subscription.',
            ),
          ],
        },
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
      const watcher = new DataAzurermNetworkWatcher(this, 'network-watcher', {
        name: flow.networkWatcherName,
        resourceGroupName: flow.networkWatcherResourceGroup,
      });
      watcher.overrideLogicalId('network_watcher');
      this.networkWatcher = watcher;

      const target = flow.target;
      const vnetName = target.names[0];
      this.flowLogTargetVnet = new DataAzurermVirtualNetwork(this, 'flow-log-target', {
        name: vnetName,
        resourceGroupName: target.resourceGroup,
        lifecycle: {
          precondition: [
            inStackSubscription(
              'flowLogs.targetResourceId',
              target,
              'where its Network Watcher is looked up: log that VNet from a cluster entry in its own subscription.',
            ),
          ],
          postcondition: [
            {
              // Azure requires a flow log's target, its Network Watcher, the flow log and its
              // storage account in one region. `location` of both data sources is
              // location.NormalizeNilable(model.Location) (virtual_network_data_source.go,
              // network_watcher_data_source.go), so the strings compare as they are.
              condition: `\${self.location == data.azurerm_network_watcher.network_watcher.location}`,
              errorMessage: `${at}.flowLogs.targetResourceId: VNet ${vnetName} is in \${self.location}, but Network Watcher ${flow.networkWatcherName} is in \${data.azurerm_network_watcher.network_watcher.location}; a flow log, its target and its Network Watcher must share a region: set ${at}.flowLogs.networkWatcher to the watcher of \${self.location} (default NetworkWatcher_<region> in NetworkWatcherRG).`,
            },
          ],
        },
      });
      this.flowLogTargetVnet.overrideLogicalId('flow_log_target_vnet');

      if (flow.trafficAnalytics) {
        const ws = flow.trafficAnalytics.workspace;
        this.trafficAnalyticsWorkspace = new DataAzurermLogAnalyticsWorkspace(this, 'traffic-analytics-workspace', {
          name: ws.names[0],
          resourceGroupName: ws.resourceGroup,
          lifecycle: {
            precondition: [
              inStackSubscription(
                'flowLogs.trafficAnalytics.workspaceResourceId',
                ws,
                'where the workspace is looked up: use a workspace in the cluster\'s subscription.',
              ),
            ],
          },
        });
        this.trafficAnalyticsWorkspace.overrideLogicalId('traffic_analytics_workspace');
      }
    }
  }
}
