import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ClusterConfig, StateBackend } from '../config/model';
import { AcrPullForKubelet } from './acr-pull-for-kubelet';
import { AlertActionGroup } from './alert-action-group';
import { AllowedImagesPolicyAssignment } from './allowed-images-policy-assignment';
import { AuditLogSink } from './audit-log-sink';
import { ClusterLookups } from './cluster-lookups';
import { ClusterProviders } from './cluster-providers';
import { ClusterStateBackend } from './cluster-state-backend';
import { EndpointOutputs } from './endpoint-outputs';
import { HardenedContainerRegistry } from './hardened-container-registry';
import { MonitoringRoleAssignments } from './monitoring-role-assignments';
import { PlatformMetricAlerts } from './platform-metric-alerts';
import { RecommendedPrometheusRuleGroups } from './recommended-prometheus-rule-groups';
import { resourceProvidersOf } from './resource-providers';
import { VnetFlowLogs } from './vnet-flow-logs';
import { WorkspaceLogSink } from './workspace-log-sink';

export interface ClusterStackProps {
  /** One cluster from the config, defaults applied and names derived. */
  readonly cluster: ClusterConfig;
  /**
   * The config's remote state.
   * @default undefined: local state
   */
  readonly state?: StateBackend;
}

/**
 * Every Azure step of the runbook for one cluster, in one Terraform stack named after it, so
 * `cdktf deploy <cluster>` plans one cluster and a mistake stays in it. Runbook: "steps that
 * need to get performed after the cluster has been provisioned ... automated as part of a
 * pipeline". Steps are present exactly when their config section is.
 */
export class ClusterStack extends TerraformStack {
  public readonly cluster: ClusterConfig;
  public readonly stateBackend: ClusterStateBackend;
  /** Created last: it registers the resource providers of every construct above it. */
  public readonly providers: ClusterProviders;
  public readonly lookups: ClusterLookups;
  /** Created when `acr.create` is true. */
  public readonly createdRegistry?: HardenedContainerRegistry;
  /** Resource id of the registry, looked up or created; undefined without acr. */
  public readonly registryId?: string;
  public readonly acrPull?: AcrPullForKubelet;
  public readonly monitoring?: MonitoringRoleAssignments;
  public readonly auditLogs?: AuditLogSink;
  public readonly workspaceLogs?: WorkspaceLogSink;
  /** Where alerts go, when alerts is configured. */
  public readonly alertActionGroup?: AlertActionGroup;
  public readonly metricAlerts?: PlatformMetricAlerts;
  public readonly prometheusRuleGroups?: RecommendedPrometheusRuleGroups;
  public readonly flowLogs?: VnetFlowLogs;
  /** The allowed-registries policy as an Azure Policy assignment (policy.engine: azure-policy). */
  public readonly allowedImagesPolicy?: AllowedImagesPolicyAssignment;
  public readonly endpoints: EndpointOutputs;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id);
    const { cluster } = props;
    this.cluster = cluster;
    const resolveApiServerIps = !cluster.privateCluster;

    this.stateBackend = new ClusterStateBackend(this, 'state', { stackName: id, state: props.state });
    this.lookups = new ClusterLookups(this, 'lookups', { cluster });
    const aks = this.lookups.cluster;

    if (cluster.acr) {
      if (cluster.acr.create) {
        this.createdRegistry = new HardenedContainerRegistry(this, 'registry', {
          acr: cluster.acr,
          location: cluster.location,
        });
        this.registryId = this.createdRegistry.id;
      } else {
        this.registryId = this.lookups.registry!.id;
      }
      this.acrPull = new AcrPullForKubelet(this, 'acr-pull', { cluster: aks, registryId: this.registryId });
    }

    if (cluster.monitoring) {
      this.monitoring = new MonitoringRoleAssignments(this, 'monitoring', {
        monitoring: cluster.monitoring,
        clusterId: aks.id,
        monitoringAgentPrincipalId:
          'monitoringAgent' in cluster.monitoring.principal
            ? aks.omsAgent.get(0).omsAgentIdentity.get(0).objectId
            : undefined,
      });
    }

    if (cluster.auditLogs) {
      this.auditLogs = new AuditLogSink(this, 'audit-logs', {
        auditLogs: cluster.auditLogs,
        clusterId: aks.id,
        location: cluster.location,
        resourceGroupName: cluster.resourceGroup,
      });
    }

    if (cluster.workspaceLogs) {
      this.workspaceLogs = new WorkspaceLogSink(this, 'workspace-logs', {
        workspaceLogs: cluster.workspaceLogs,
        clusterId: aks.id,
      });
    }

    const alerts = cluster.alerts;
    if (alerts) {
      this.alertActionGroup = new AlertActionGroup(this, 'alert-action-group', {
        actionGroup: alerts.actionGroup,
        resourceGroupName: cluster.resourceGroup,
      });
      if (alerts.metricAlerts.length > 0) {
        this.metricAlerts = new PlatformMetricAlerts(this, 'metric-alerts', {
          rules: alerts.metricAlerts,
          clusterId: aks.id,
          resourceGroupName: cluster.resourceGroup,
          actionGroupId: this.alertActionGroup.id,
        });
      }
      if (alerts.prometheus) {
        this.prometheusRuleGroups = new RecommendedPrometheusRuleGroups(this, 'prometheus-rule-groups', {
          levels: alerts.prometheus.ruleGroups,
          workspace: this.lookups.prometheusWorkspace!,
          clusterId: aks.id,
          aksName: cluster.aksName,
          resourceGroupName: cluster.resourceGroup,
          actionGroupId: this.alertActionGroup.id,
        });
      }
    }

    if (cluster.flowLogs) {
      this.flowLogs = new VnetFlowLogs(this, 'flow-logs', {
        flowLogs: cluster.flowLogs,
        networkWatcher: this.lookups.networkWatcher!,
        workspace: this.lookups.trafficAnalyticsWorkspace,
        resourceGroupName: cluster.resourceGroup,
      });
    }

    const policy = cluster.policy;
    if (policy?.engine === 'azure-policy' && policy.azurePolicy) {
      this.allowedImagesPolicy = new AllowedImagesPolicyAssignment(this, 'allowed-images-policy', {
        policy,
        names: policy.azurePolicy,
        clusterId: aks.id,
      });
    }

    this.endpoints = new EndpointOutputs(this, 'endpoints', {
      cluster: aks,
      privateCluster: cluster.privateCluster,
      resolveApiServerIps,
      appGatewayPublicIp: this.lookups.appGatewayPublicIp,
    });

    // Keep this last: the namespaces come from the constructs instantiated above.
    this.providers = new ClusterProviders(this, 'providers', {
      subscriptionId: cluster.subscriptionId,
      azuread: cluster.monitoring !== undefined && 'appId' in cluster.monitoring.principal,
      dns: resolveApiServerIps,
      resourceProviders: cluster.registerResourceProviders ? resourceProvidersOf(this) : [],
    });
  }
}
