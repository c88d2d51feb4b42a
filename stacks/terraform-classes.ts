/**
 * The one place that names provider packages. Every construct in stacks/ imports provider
 * classes from here, never from a provider package, so:
 * - each class is loaded by its deep path (the package root would load ~1,500 classes,
 *   ~3 s and ~1 GB), and
 * - moving to another build of the providers (e.g. CDK Terrain's) is an edit to this file.
 */

export { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
export { ContainerRegistry } from '@cdktf/provider-azurerm/lib/container-registry';
export { DataAzurermContainerRegistry } from '@cdktf/provider-azurerm/lib/data-azurerm-container-registry';
export { DataAzurermKubernetesCluster } from '@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster';
export { DataAzurermLogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/data-azurerm-log-analytics-workspace';
export { DataAzurermNetworkWatcher } from '@cdktf/provider-azurerm/lib/data-azurerm-network-watcher';
export { DataAzurermPublicIp } from '@cdktf/provider-azurerm/lib/data-azurerm-public-ip';
export { DataAzurermVirtualNetwork } from '@cdktf/provider-azurerm/lib/data-azurerm-virtual-network';
export { DataAzurermMonitorWorkspace } from '@cdktf/provider-azurerm/lib/data-azurerm-monitor-workspace';
export { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
export { MonitorAlertPrometheusRuleGroup } from '@cdktf/provider-azurerm/lib/monitor-alert-prometheus-rule-group';
export { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
export { MonitorMetricAlert } from '@cdktf/provider-azurerm/lib/monitor-metric-alert';
export { NetworkWatcherFlowLog } from '@cdktf/provider-azurerm/lib/network-watcher-flow-log';
export { ResourcePolicyAssignment } from '@cdktf/provider-azurerm/lib/resource-policy-assignment';
export { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
export { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
export { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy';

export { AzureadProvider } from '@cdktf/provider-azuread/lib/provider';
export { DataAzureadServicePrincipal } from '@cdktf/provider-azuread/lib/data-azuread-service-principal';

export { DnsProvider } from '@cdktf/provider-dns/lib/provider';
export { DataDnsARecordSet } from '@cdktf/provider-dns/lib/data-dns-a-record-set';
