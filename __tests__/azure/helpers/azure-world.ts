/**
 * Azure as it looks once cluster "azfin" of fixtures/azure-config.yaml is deployed and healthy.
 * Each body is shaped like the Azure/azure-rest-api-specs example named beside it (fields the
 * SDK maps, with this cluster's values); tests then break one thing at a time.
 */
import type { FakeAzureWorld, FakeBlob } from './azure-fake';

export const SUB = '11111111-2222-3333-4444-555555555555';
export const NOW = Date.parse('2026-12-04T10:30:00Z');
export const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.ContainerService/managedClusters/azfin-aks`;
export const FQDN = 'azfin-aks-k3x9q2.hcp.eastus.azmk8s.io';
export const API_SERVER_IP = '52.170.10.20';
export const APP_GATEWAY_IP = '20.81.4.5';
export const KUBELET_OID = 'aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb';
export const MONITORING_OID = '66666666-7777-8888-9999-000000000000';
export const WORKSPACE_GUID = 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff';
export const REGISTRY_ID = `/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.ContainerRegistry/registries/azfinacr`;
export const ACTION_GROUP_ID = `/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.Insights/actionGroups/aks-day2-azfin-alerts`;
export const FLOW_LOG_ID = `/subscriptions/${SUB}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_eastus/flowLogs/azfin-vnet-flowlog`;
export const PROMETHEUS_GROUP_ID = `/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.AlertsManagement/prometheusRuleGroups/KubernetesAlert-RecommendedMetricAlertsazfin-aks-Node-level`;
export const POLICY_ASSIGNMENT_ID = `${CLUSTER_ID}/providers/Microsoft.Authorization/policyAssignments/aks-day2-azfin-allowed-images`;
export const PUBLIC_IP_ID = `/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.Network/publicIPAddresses/azfinagpip`;
export const DIAGNOSTIC_SETTING_ID = `${CLUSTER_ID}/providers/Microsoft.Insights/diagnosticSettings/aks-day2-audit-to-storage`;

/** Built-in role definition GUIDs (Azure's, the same in every tenant). */
export const ROLE = {
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  logAnalyticsReader: '73c42c96-874c-492b-b04d-ab87d138a893',
};

const minutesAgo = (m: number) => new Date(NOW - m * 60_000);

/** An audit blob of `clusterId` for the hour `hoursAgo` before NOW, last written `minutes` ago. */
export function auditBlob(clusterId: string, hoursAgo: number, minutes: number): FakeBlob {
  const t = new Date(NOW - hoursAgo * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    name: `resourceId=${clusterId.toUpperCase()}/y=${t.getUTCFullYear()}/m=${two(t.getUTCMonth() + 1)}/d=${two(t.getUTCDate())}/h=${two(t.getUTCHours())}/m=00/PT1H.json`,
    lastModified: minutesAgo(minutes),
  };
}

export function flowBlob(minutes: number, mac = '000D3A1B2C3D'): FakeBlob {
  return {
    name: `flowLogResourceID=${FLOW_LOG_ID.toUpperCase()}/y=2026/m=12/d=04/h=10/m=00/macAddress=${mac}/PT1H.json`,
    lastModified: minutesAgo(minutes),
  };
}

/** The Terraform state's outputs (the azurerm backend's blob). */
export function stateBlob(allowlist: readonly string[]): string {
  return JSON.stringify({ version: 4, terraform_version: '1.12.6', outputs: { firewall_allowlist: { value: allowlist, type: ['list', 'string'] } }, resources: [] });
}

export function healthyWorld(): FakeAzureWorld {
  const resources = new Map<string, Record<string, unknown>>();
  const put = (id: string, body: Record<string, unknown>) => resources.set(id.toLowerCase(), { id, ...body });

  // containerservice .../examples/ManagedClustersGet.json
  put(CLUSTER_ID, {
    name: 'azfin-aks',
    type: 'Microsoft.ContainerService/ManagedClusters',
    location: 'eastus',
    properties: {
      provisioningState: 'Succeeded',
      kubernetesVersion: '1.33.3',
      dnsPrefix: 'azfin-aks',
      fqdn: FQDN,
      identityProfile: {
        kubeletidentity: {
          resourceId: `/subscriptions/${SUB}/resourcegroups/MC_azfin-rg_azfin-aks_eastus/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azfin-aks-agentpool`,
          clientId: '0e1d2c3b-4a59-4687-a9b8-c7d6e5f4a3b2',
          objectId: KUBELET_OID,
        },
      },
    },
  });
  // monitor 2021-05-01-preview/examples/getDiagnosticSetting.json
  put(DIAGNOSTIC_SETTING_ID, {
    name: 'aks-day2-audit-to-storage',
    type: 'Microsoft.Insights/diagnosticSettings',
    properties: {
      storageAccountId: `/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.Storage/storageAccounts/azfinaudit`,
      metrics: [],
      logs: [{ category: 'kube-audit', enabled: true, retentionPolicy: { enabled: false, days: 0 } }],
    },
  });
  // network 2024-05-01/examples/NetworkWatcherFlowLogGet.json
  put(FLOW_LOG_ID, {
    name: 'azfin-vnet-flowlog',
    etag: 'W/"00000000-0000-0000-0000-000000000000"',
    type: 'Microsoft.Network/networkWatchers/FlowLogs',
    location: 'eastus',
    properties: {
      targetResourceId: `/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.Network/virtualNetworks/azfin-vnet`,
      targetResourceGuid: '5c3b2a1f-0e9d-48c7-b6a5-f4e3d2c1b0a9',
      storageId: `/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.Storage/storageAccounts/azfinflow`,
      enabled: true,
      flowAnalyticsConfiguration: {
        networkWatcherFlowAnalyticsConfiguration: {
          enabled: true,
          workspaceId: WORKSPACE_GUID,
          workspaceRegion: 'eastus',
          workspaceResourceId: `/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.OperationalInsights/workspaces/azfin-law`,
          trafficAnalyticsInterval: 10,
        },
      },
      retentionPolicy: { days: 90, enabled: true },
      format: { type: 'JSON', version: 2 },
      provisioningState: 'Succeeded',
    },
  });
  // network .../examples/PublicIpAddressGet.json
  put(PUBLIC_IP_ID, {
    name: 'azfinagpip',
    type: 'Microsoft.Network/publicIPAddresses',
    location: 'eastus',
    properties: { provisioningState: 'Succeeded', ipAddress: APP_GATEWAY_IP, publicIPAddressVersion: 'IPv4', publicIPAllocationMethod: 'Static', idleTimeoutInMinutes: 4 },
  });
  // monitor 2021-09-01/examples/getActionGroup.json
  put(ACTION_GROUP_ID, {
    name: 'aks-day2-azfin-alerts',
    type: 'Microsoft.Insights/ActionGroups',
    location: 'Global',
    properties: {
      groupShortName: 'azfin',
      enabled: true,
      emailReceivers: [{ name: 'email-1', emailAddress: 'oncall@contoso.com', useCommonAlertSchema: true, status: 'Enabled' }],
      smsReceivers: [],
      webhookReceivers: [{ name: 'webhook-1', serviceUri: 'https://hooks.contoso.com/aks', useCommonAlertSchema: true }],
      itsmReceivers: [],
      azureAppPushReceivers: [],
      automationRunbookReceivers: [],
      voiceReceivers: [],
      logicAppReceivers: [],
      azureFunctionReceivers: [],
      armRoleReceivers: [],
      eventHubReceivers: [],
    },
  });
  // monitor 2018-03-01/examples/getMetricAlertSingleResource.json
  for (const [name, metric, threshold] of [
    ['azfin-node-cpu-usage-percentage', 'node_cpu_usage_percentage', 95],
    ['azfin-node-memory-working-set-percentage', 'node_memory_working_set_percentage', 100],
  ] as const) {
    put(`/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.Insights/metricAlerts/${name}`, {
      name,
      type: 'Microsoft.Insights/metricAlerts',
      location: 'global',
      properties: {
        description: '',
        severity: 3,
        enabled: true,
        scopes: [CLUSTER_ID],
        evaluationFrequency: 'PT5M',
        windowSize: 'PT5M',
        criteria: {
          'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
          allOf: [{ criterionType: 'StaticThresholdCriterion', name: 'Metric1', metricName: metric, metricNamespace: 'Microsoft.ContainerService/managedClusters', dimensions: [], operator: 'GreaterThan', threshold, timeAggregation: 'Average' }],
        },
        autoMitigate: true,
        actions: [{ actionGroupId: ACTION_GROUP_ID, webHookProperties: {} }],
      },
    });
  }
  // alertsmanagement 2023-03-01/examples/getPrometheusRuleGroup.json
  put(PROMETHEUS_GROUP_ID, {
    name: 'KubernetesAlert-RecommendedMetricAlertsazfin-aks-Node-level',
    type: 'Microsoft.AlertsManagement/prometheusRuleGroups',
    location: 'eastus',
    properties: {
      description: 'Kubernetes Alert RuleGroup-RecommendedMetricAlerts - 0.1',
      scopes: [`/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.Monitor/accounts/azfin-amw`, CLUSTER_ID],
      enabled: true,
      clusterName: 'azfin-aks',
      interval: 'PT1M',
      rules: [
        { alert: 'KubeNodeUnreachable', enabled: true, expression: 'kube_node_spec_taint == 1', severity: 3, actions: [{ actionGroupId: ACTION_GROUP_ID }] },
        { alert: 'KubeNodeReadinessFlapping', enabled: true, expression: 'sum(changes(kube_node_status_condition[15m])) > 2', severity: 3, actions: [{ actionGroupId: ACTION_GROUP_ID }] },
      ],
    },
  });

  return {
    subscriptionId: SUB,
    resources,
    // authorization 2022-04-01/examples/RoleAssignments_ListForScope.json
    roleAssignments: [
      { roleDefinitionGuid: ROLE.acrPull, principalId: KUBELET_OID, scope: REGISTRY_ID },
      { roleDefinitionGuid: ROLE.monitoringMetricsPublisher, principalId: MONITORING_OID, scope: CLUSTER_ID },
      { roleDefinitionGuid: ROLE.logAnalyticsReader, principalId: MONITORING_OID, scope: CLUSTER_ID },
      // Other assignments of the same principals, at other scopes: listed, not matching.
      { roleDefinitionGuid: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', principalId: MONITORING_OID, scope: `/subscriptions/${SUB}/resourceGroups/azfin-rg` },
      { roleDefinitionGuid: 'b24988ac-6180-42a0-ab88-20f7382dd24c', principalId: MONITORING_OID, scope: `${CLUSTER_ID}/agentPools/nodepool1` },
    ],
    blobs: new Map([
      // Three hours of this cluster's audit logs (two pages), and another cluster's in the same account.
      ['azfinaudit/insights-logs-kube-audit', [auditBlob(CLUSTER_ID, 2, 120), auditBlob(CLUSTER_ID, 1, 61), auditBlob(CLUSTER_ID, 0, 4)]],
      ['azfinflow/insights-logs-flowlogflowevent', [flowBlob(7), flowBlob(9, '000D3A4E5F60')]],
      ['azfintfstate/tfstate', [{ name: 'aks-day2/azfin.tfstate', lastModified: new Date(NOW - 86_400_000), content: stateBlob([`${APP_GATEWAY_IP}/32`, `${API_SERVER_IP}/32`]) }]],
    ]),
    trafficRows: new Map([[WORKSPACE_GUID, [{ flowLog: 'azfin-vnet-flowlog', time: '2026-12-04T10:12:00Z' }, { flowLog: 'other-vnet-flowlog', time: '2026-12-04T10:20:00Z' }]]]),
    appendMetrics: new Map(),
    nonCompliant: new Map([['aks-day2-azfin-allowed-images', [{ type: 'Pod', name: 'production/legacy-7d9f' }]]]),
    testNotification: {
      states: ['NotStarted', 'Running', 'Completed'],
      receivers: [
        { name: 'email-1', type: 'Email', status: 'Completed' },
        { name: 'webhook-1', type: 'Webhook', status: 'Completed' },
      ],
    },
  };
}
