import { Construct } from 'constructs';
import type { FlowLogsConfig } from '../config/model';
import type { DataAzurermLogAnalyticsWorkspace, DataAzurermNetworkWatcher } from './terraform-classes';
import { NetworkWatcherFlowLog } from './terraform-classes';
import { HardenedStorageAccount } from './hardened-storage-account';

export interface VnetFlowLogsProps {
  readonly flowLogs: FlowLogsConfig;
  /** The Network Watcher of the target's region (looked up). */
  readonly networkWatcher: DataAzurermNetworkWatcher;
  /**
   * The Traffic Analytics workspace (looked up); required when trafficAnalytics is configured.
   * @default undefined: no traffic_analytics block
   */
  readonly workspace?: DataAzurermLogAnalyticsWorkspace;
  /** Resource group the flow-log storage account is created in. */
  readonly resourceGroupName: string;
}

/**
 * VNet flow logs, with Traffic Analytics when configured. Runbook: "setting up flow logs on
 * the Network Security Groups (NSGs) as well as Traffic Analytics"; new NSG flow logs are
 * blocked since 2025-06-30, so this logs the VNet (or subnet) instead, which also covers
 * traffic no NSG sees.
 */
export class VnetFlowLogs extends Construct {
  /**
   * The flow log is Microsoft.Network; Azure also requires microsoft.insights to be registered
   * for flow logging ("The Microsoft.Insights resource provider registered in your
   * subscription": prerequisites of learn.microsoft.com/azure/network-watcher/vnet-flow-logs-terraform).
   * The Traffic Analytics workspace exists already, so Microsoft.OperationalInsights is registered.
   */
  public static readonly RESOURCE_PROVIDERS: readonly string[] = ['Microsoft.Network', 'microsoft.insights'];
  /**
   * The account the flow logs write to, used for nothing else: the flow-log resource
   * rewrites lifecycle rules on its account, which would erase another rule there.
   */
  public readonly storage: HardenedStorageAccount;
  public readonly flowLog: NetworkWatcherFlowLog;
  public readonly name: string;
  /** Flow-log format version: 2 adds bytes and packets per flow. */
  public readonly version = 2;

  constructor(scope: Construct, id: string, props: VnetFlowLogsProps) {
    super(scope, id);
    const { flowLogs, networkWatcher, workspace } = props;
    if (flowLogs.trafficAnalytics && !workspace) {
      throw new Error('VnetFlowLogs: trafficAnalytics is configured but no workspace lookup was given');
    }
    this.name = flowLogs.name;

    this.storage = new HardenedStorageAccount(this, 'storage', {
      name: flowLogs.storageAccountName,
      resourceGroupName: props.resourceGroupName,
      // A flow log, its Network Watcher, its target and its storage account share a region;
      // the watcher's is read rather than assumed.
      location: networkWatcher.location,
      logicalId: 'flow_logs_storage',
    });

    this.flowLog = new NetworkWatcherFlowLog(this, 'flow-log', {
      name: this.name,
      networkWatcherName: networkWatcher.name,
      resourceGroupName: networkWatcher.resourceGroupName,
      location: networkWatcher.location,
      // A VNet or subnet id (never network_security_group_id: the config rejects NSG ids).
      targetResourceId: flowLogs.target.id,
      storageAccountId: this.storage.id,
      enabled: true,
      version: this.version,
      // The flow log enforces retention itself, through a lifecycle rule on its account.
      retentionPolicy: { enabled: true, days: flowLogs.retentionDays },
      trafficAnalytics:
        flowLogs.trafficAnalytics && workspace
          ? {
              enabled: true,
              // workspace_id is the workspace's GUID (customer id), not its resource id.
              workspaceId: workspace.workspaceId,
              workspaceRegion: workspace.location,
              workspaceResourceId: workspace.id,
              intervalInMinutes: flowLogs.trafficAnalytics.intervalMinutes,
            }
          : undefined,
    });
    this.flowLog.overrideLogicalId('vnet_flow_log');
  }
}
