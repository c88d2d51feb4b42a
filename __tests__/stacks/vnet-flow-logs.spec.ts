/**
 * The runbook's flow logs and Traffic Analytics, as VNet flow logs. Stands in for reading the
 * plan; whether Network Watcher accepts the target is Azure's call at apply time.
 */
import { flowLogName } from '../../config/model';
import { exampleDoc, minimalDoc, resource, synthDoc, withCluster } from './helpers';

const SUBNET =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contosofin-rg/providers/Microsoft.Network/virtualNetworks/contosofin-vnet/subnets/aks-subnet';

describe('VNet flow log', () => {
  const { json, stack } = synthDoc(exampleDoc());
  const flowLog = resource(json, 'azurerm_network_watcher_flow_log', 'vnet_flow_log');

  test('targets the configured VNet, never an NSG', () => {
    expect(flowLog.target_resource_id).toBe(stack.cluster.flowLogs?.target.id);
    expect(flowLog.target_resource_id).toMatch(/\/providers\/Microsoft\.Network\/virtualNetworks\/contosofin-vnet$/);
    expect(flowLog.network_security_group_id).toBeUndefined();
  });

  test('an id typed in another casing is written as the flow-log Read writes it back (no perpetual diff)', () => {
    // Read sets target_resource_id to commonids.ParseVirtualNetworkIDInsensitively(...).ID() /
    // ParseSubnetIDInsensitively(...).ID() (network_watcher_flow_log_resource.go,
    // resourceNetworkWatcherFlowLogRead); in azurerm 4.x the attribute is Optional+Computed, not
    // ForceNew, so a different spelling would be an in-place update on every plan.
    const typed =
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/contosofin-rg/providers/microsoft.network/virtualnetworks/contosofin-vnet/SUBNETS/aks-subnet';
    const { json: j } = synthDoc(withCluster(exampleDoc(), (c) => void (c.flowLogs.targetResourceId = typed)));
    expect(j.resource.azurerm_network_watcher_flow_log.vnet_flow_log.target_resource_id).toBe(SUBNET);
  });

  test('is enabled, format version 2, with retention', () => {
    expect(flowLog.enabled).toBe(true);
    expect(flowLog.version).toBe(2);
    expect(flowLog.retention_policy).toEqual({ enabled: true, days: 90 });
  });

  test('lives in the looked-up Network Watcher, in its region', () => {
    expect(flowLog.network_watcher_name).toBe('${data.azurerm_network_watcher.network_watcher.name}');
    expect(flowLog.resource_group_name).toBe('${data.azurerm_network_watcher.network_watcher.resource_group_name}');
    expect(flowLog.location).toBe('${data.azurerm_network_watcher.network_watcher.location}');
    expect(flowLog.name).toBe('contosofin-vnet-flowlog');
  });

  test('sends Traffic Analytics to the workspace by GUID, region and resource id from the lookup', () => {
    expect(flowLog.traffic_analytics).toEqual({
      enabled: true,
      workspace_id: '${data.azurerm_log_analytics_workspace.traffic_analytics_workspace.workspace_id}',
      workspace_region: '${data.azurerm_log_analytics_workspace.traffic_analytics_workspace.location}',
      workspace_resource_id: '${data.azurerm_log_analytics_workspace.traffic_analytics_workspace.id}',
      interval_in_minutes: 10,
    });
  });

  test('writes to its own hardened account, not the audit-log one', () => {
    expect(flowLog.storage_account_id).toBe('${azurerm_storage_account.flow_logs_storage.id}');
    const account = resource(json, 'azurerm_storage_account', 'flow_logs_storage');
    const audit = resource(json, 'azurerm_storage_account', 'audit_logs_storage');
    expect(account.name).not.toBe(audit.name);
    expect(account.name).toBe(stack.cluster.flowLogs?.storageAccountName);
    expect(account.location).toBe('${data.azurerm_network_watcher.network_watcher.location}');
    expect(account.network_rules).toEqual({ default_action: 'Deny', bypass: ['AzureServices'] });
    expect(account.min_tls_version).toBe('TLS1_2');
    expect(account.account_replication_type).toBe('GRS');
    expect(account.allow_nested_items_to_be_public).toBe(false);
    expect(account.local_user_enabled).toBe(false);
    expect(account.cross_tenant_replication_enabled).toBe(false);
    expect(account.infrastructure_encryption_enabled).toBe(true);
  });

  test('no lifecycle policy is put on the flow-log account (the flow log manages its own)', () => {
    const policies = Object.values(json.resource.azurerm_storage_management_policy ?? {}) as Array<{
      storage_account_id: string;
    }>;
    expect(policies.map((p) => p.storage_account_id)).not.toContain('${azurerm_storage_account.flow_logs_storage.id}');
  });

  test('a subnet target, another interval and retention, and a custom watcher', () => {
    const { json: j } = synthDoc(
      withCluster(exampleDoc(), (c) => {
        c.flowLogs = {
          targetResourceId: SUBNET,
          retentionDays: 30,
          networkWatcher: { name: 'nw-eastus', resourceGroup: 'network-rg' },
          trafficAnalytics: { ...c.flowLogs.trafficAnalytics, intervalMinutes: 60 },
        };
      }),
    );
    const fl = j.resource.azurerm_network_watcher_flow_log.vnet_flow_log;
    expect(fl.target_resource_id).toBe(SUBNET);
    expect(fl.name).toBe('contosofin-vnet-aks-subnet-flowlog');
    expect(fl.retention_policy).toEqual({ enabled: true, days: 30 });
    expect(fl.traffic_analytics.interval_in_minutes).toBe(60);
    expect(j.data.azurerm_network_watcher.network_watcher).toEqual({ name: 'nw-eastus', resource_group_name: 'network-rg' });
  });

  test('without trafficAnalytics: no traffic_analytics block and no workspace lookup', () => {
    const { json: j } = synthDoc(
      withCluster(exampleDoc(), (c) => {
        delete c.flowLogs.trafficAnalytics;
      }),
    );
    expect(j.resource.azurerm_network_watcher_flow_log.vnet_flow_log.traffic_analytics).toBeUndefined();
    expect(j.data.azurerm_log_analytics_workspace).toBeUndefined();
  });

  test('without flowLogs: no flow log, account, watcher or workspace', () => {
    const { json: j } = synthDoc(
      withCluster(minimalDoc(), (c) => {
        c.auditLogs = {};
      }),
    );
    expect(j.resource.azurerm_network_watcher_flow_log).toBeUndefined();
    expect(Object.keys(j.resource.azurerm_storage_account)).toEqual(['audit_logs_storage']);
    expect(j.data.azurerm_network_watcher).toBeUndefined();
    expect(j.data.azurerm_log_analytics_workspace).toBeUndefined();
  });
});

describe('flowLogName', () => {
  test('short names are kept readable', () => {
    expect(flowLogName(['hub'])).toBe('hub-flowlog');
  });

  test('long names are cut to 80 characters with a stable hash', () => {
    const long = flowLogName(['v'.repeat(64), 's'.repeat(80)]);
    expect(long).toHaveLength(80);
    expect(long).toMatch(/^v{63}-[0-9a-f]{8}-flowlog$/);
    expect(flowLogName(['v'.repeat(64), 's'.repeat(80)])).toBe(long);
    expect(flowLogName(['v'.repeat(64), `${'s'.repeat(79)}t`])).not.toBe(long);
  });
});
