/**
 * The whole stack per cluster: which runbook steps appear for which config sections, and
 * snapshots of the example and minimal stacks (reviewed like code). Stands in for `cdktf
 * synth` + reading the plan; nothing here runs terraform or reaches Azure.
 */
import { tmpdir } from 'node:os';
import { addresses, alertingDoc, exampleDoc, minimalDoc, ROOT, synthDoc, synthFresh } from './helpers';

describe('ClusterStack on the example config', () => {
  const { json, text, stack } = synthDoc(exampleDoc());

  test('contains every runbook step the example configures, under stable addresses', () => {
    expect(addresses(json, 'resource')).toEqual([
      'azurerm_monitor_action_group.alerts_action_group',
      'azurerm_monitor_diagnostic_setting.audit_logs_diagnostic_setting',
      'azurerm_monitor_metric_alert.metric_alert_node_cpu_usage_percentage',
      'azurerm_monitor_metric_alert.metric_alert_node_memory_working_set_percentage',
      'azurerm_network_watcher_flow_log.vnet_flow_log',
      'azurerm_role_assignment.acr_pull_kubelet',
      'azurerm_role_assignment.monitoring_log_analytics_reader',
      'azurerm_role_assignment.monitoring_monitoring_metrics_publisher',
      'azurerm_storage_account.audit_logs_storage',
      'azurerm_storage_account.flow_logs_storage',
      'azurerm_storage_management_policy.audit_logs_lifecycle',
    ]);
    expect(addresses(json, 'data')).toEqual([
      'azuread_service_principal.monitoring_principal',
      'azurerm_container_registry.acr',
      'azurerm_kubernetes_cluster.aks',
      'azurerm_log_analytics_workspace.traffic_analytics_workspace',
      'azurerm_network_watcher.network_watcher',
      'azurerm_public_ip.app_gateway_public_ip',
      'azurerm_virtual_network.flow_log_target_vnet',
      'dns_a_record_set.api_server',
    ]);
    expect(Object.keys(json.output).sort()).toEqual([
      'api_server_fqdn',
      'api_server_ips',
      'app_gateway_public_ip',
      'firewall_allowlist',
    ]);
  });

  test('exposes the resolved steps as fields', () => {
    expect(stack.acrPull).toBeDefined();
    expect(stack.monitoring?.grants).toHaveLength(2);
    expect(stack.auditLogs?.storage.name).toBe(stack.cluster.auditLogs?.storageAccountName);
    expect(stack.flowLogs?.storage.name).toBe(stack.cluster.flowLogs?.storageAccountName);
    expect(stack.createdRegistry).toBeUndefined();
    expect(stack.stateBackend.kind).toBe('azurerm');
    expect(stack.alertActionGroup?.group).toBeDefined();
    expect(stack.metricAlerts?.alerts).toHaveLength(2);
    expect(stack.prometheusRuleGroups).toBeUndefined();
    expect(stack.workspaceLogs).toBeUndefined();
  });

  test('looks every existing resource up by the names in the config', () => {
    expect(json.data.azurerm_kubernetes_cluster.aks).toMatchObject({
      name: 'contosofin-aks',
      resource_group_name: 'contosofin-rg',
    });
    expect(json.data.azurerm_container_registry.acr).toEqual({ name: 'contosofinacr', resource_group_name: 'contosofin-rg' });
    expect(json.data.azurerm_public_ip.app_gateway_public_ip).toEqual({
      name: 'contosofinagpublicip',
      resource_group_name: 'contosofin-rg',
    });
    expect(json.data.azurerm_log_analytics_workspace.traffic_analytics_workspace).toEqual({
      name: 'contosofin-law',
      resource_group_name: 'contosofin-rg',
      // Looked up in the stack's subscription: the workspace id's subscription must be that one.
      lifecycle: {
        precondition: [
          {
            condition: '${(lower(element(split("/", data.azurerm_kubernetes_cluster.aks.id), 2)) == "00000000-0000-0000-0000-000000000000")}',
            error_message: expect.stringMatching(/^clusters\[0\]\.flowLogs\.trafficAnalytics\.workspaceResourceId is in subscription 00000000-0000-0000-0000-000000000000, but this stack \(cluster "contosofin"\) works in subscription \$\{/),
          },
        ],
      },
    });
    expect(json.data.azurerm_network_watcher.network_watcher).toEqual({
      name: 'NetworkWatcher_eastus',
      resource_group_name: 'NetworkWatcherRG',
    });
  });

  test('checks at plan time that the cluster is where and what the config says, with a kubelet identity and no Azure Policy add-on (engine gatekeeper)', () => {
    // Each condition and message field by field: plan-checks.spec.ts and allowed-images-policy-assignment.spec.ts.
    const conditions = json.data.azurerm_kubernetes_cluster.aks.lifecycle.postcondition;
    expect(conditions.map((c: { condition: string }) => c.condition)).toEqual([
      '${lower(replace(self.location, " ", "")) == "eastus"}',
      '${self.private_cluster_enabled != true}',
      '${try(self.kubelet_identity[0].object_id, "") != ""}',
      '${self.azure_policy_enabled != true}',
    ]);
  });

  test('hard-codes no subscription-scoped id other than the configured flow-log target', () => {
    // A format() pattern fills its subscription in from the cluster lookup at plan time.
    const ids = (text.match(/\/subscriptions\/[^"]+/g) ?? []).filter((id) => !id.startsWith('/subscriptions/%s/'));
    expect(text).toContain('format(\\"/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ContainerService/managedClusters/%s\\"');
    expect(new Set(ids)).toEqual(
      new Set([
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contosofin-rg/providers/Microsoft.Network/virtualNetworks/contosofin-vnet',
      ]),
    );
  });

  test('names nothing about the machine it was synthesized on', () => {
    expect(text).not.toContain(ROOT);
    expect(text).not.toContain(tmpdir());
    expect(text).not.toContain(process.cwd());
  });

  test('snapshot (Testing.synth: keys sorted, cdktf "//" metadata dropped)', () => {
    expect(json).toMatchSnapshot();
  });
});

describe('ClusterStack on the minimal config', () => {
  const { json, stack } = synthDoc(minimalDoc());

  test('has no resource at all: every step is opt-in', () => {
    expect(json.resource).toBeUndefined();
    expect(addresses(json, 'data')).toEqual(['azurerm_kubernetes_cluster.aks', 'dns_a_record_set.api_server']);
  });

  test('still answers the endpoints step', () => {
    expect(Object.keys(json.output).sort()).toEqual(['api_server_fqdn', 'api_server_ips', 'firewall_allowlist']);
  });

  test('configures only the providers it uses', () => {
    expect(Object.keys(json.provider).sort()).toEqual(['azurerm', 'dns']);
    expect(Object.keys(json.terraform.required_providers).sort()).toEqual(['azurerm', 'dns']);
  });

  test('has no optional construct', () => {
    expect(stack.acrPull).toBeUndefined();
    expect(stack.monitoring).toBeUndefined();
    expect(stack.auditLogs).toBeUndefined();
    expect(stack.flowLogs).toBeUndefined();
    expect(stack.workspaceLogs).toBeUndefined();
    expect(stack.alertActionGroup).toBeUndefined();
    expect(stack.metricAlerts).toBeUndefined();
    expect(stack.prometheusRuleGroups).toBeUndefined();
    expect(stack.registryId).toBeUndefined();
    expect(stack.endpoints.appGatewayIp).toBeUndefined();
  });

  test('does not check for a kubelet identity it does not use', () => {
    const conditions = json.data.azurerm_kubernetes_cluster.aks.lifecycle.postcondition;
    expect(conditions).toHaveLength(2);
    expect(conditions[0].condition).toContain('"westeurope"');
    expect(conditions[1].condition).toBe('${self.private_cluster_enabled != true}');
  });

  test('snapshot', () => {
    expect(json).toMatchSnapshot();
  });
});

describe('ClusterStack on the alerting fixture (alerts, workspaceLogs, monitoringAgent)', () => {
  const { json } = synthDoc(alertingDoc());

  test('contains the alerting steps under stable addresses', () => {
    expect(addresses(json, 'resource')).toEqual([
      'azurerm_monitor_action_group.alerts_action_group',
      'azurerm_monitor_alert_prometheus_rule_group.prometheus_rule_group_cluster',
      'azurerm_monitor_alert_prometheus_rule_group.prometheus_rule_group_node',
      'azurerm_monitor_alert_prometheus_rule_group.prometheus_rule_group_pod',
      'azurerm_monitor_diagnostic_setting.audit_logs_diagnostic_setting',
      'azurerm_monitor_diagnostic_setting.workspace_logs_diagnostic_setting',
      'azurerm_monitor_metric_alert.metric_alert_apiserver_cpu',
      'azurerm_monitor_metric_alert.metric_alert_disk_high',
      'azurerm_monitor_metric_alert.metric_alert_node_cpu_usage_percentage',
      'azurerm_monitor_metric_alert.metric_alert_node_memory_working_set_percentage',
      'azurerm_monitor_metric_alert.metric_alert_unschedulable_pods',
      'azurerm_role_assignment.monitoring_log_analytics_reader',
      'azurerm_role_assignment.monitoring_monitoring_metrics_publisher',
      'azurerm_storage_account.audit_logs_storage',
      'azurerm_storage_management_policy.audit_logs_lifecycle',
    ]);
    expect(addresses(json, 'data')).toEqual([
      'azurerm_kubernetes_cluster.aks',
      'azurerm_monitor_workspace.prometheus_workspace',
      'dns_a_record_set.api_server',
    ]);
  });

  test('snapshot', () => {
    expect(json).toMatchSnapshot();
  });
});

describe('determinism', () => {
  test('two synths of the same config are byte-identical', () => {
    // Two separate apps and stacks (synthDoc would hand back the cached one).
    expect(synthFresh(exampleDoc()).text).toBe(synthFresh(exampleDoc()).text);
  });

  test('the stack is named after the cluster and each cluster of a config gets its own', () => {
    const doc = exampleDoc();
    doc.clusters.push({ ...doc.clusters[0], name: 'second', acr: undefined, auditLogs: undefined, flowLogs: undefined });
    const second = synthDoc(doc, 1);
    expect(second.stack.node.id).toBe('second');
    expect(second.json.terraform.backend.azurerm.key).toBe('aks-day2/second.tfstate');
  });
});
