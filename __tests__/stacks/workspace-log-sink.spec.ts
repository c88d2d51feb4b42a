/**
 * The second diagnostic setting: control-plane categories to a Log Analytics workspace, in
 * resource-specific tables. Stands in for reading the plan of azurerm_monitor_diagnostic_setting
 * (azurerm v4.55.0 internal/services/monitor/monitor_diagnostic_setting_resource.go: Read writes
 * log_analytics_workspace_id back as ParseWorkspaceIDInsensitively(...).ID() and
 * log_analytics_destination_type as Azure returns it); no log is delivered here.
 */
import { MAX_DIAGNOSTIC_SETTINGS_PER_RESOURCE } from '../../config/rules';
import { WorkspaceLogSink } from '../../stacks/workspace-log-sink';
import { alertingDoc, exampleDoc, resource, synthDoc, withCluster } from './helpers';

const SUB = '00000000-0000-0000-0000-000000000000';

describe('workspace logs (alerting fixture)', () => {
  const { json, stack } = synthDoc(alertingDoc());
  const settings = json.resource.azurerm_monitor_diagnostic_setting;

  test('every field', () => {
    expect(resource(json, 'azurerm_monitor_diagnostic_setting', 'workspace_logs_diagnostic_setting')).toEqual({
      name: 'aks-day2-logs-to-workspace',
      target_resource_id: '${data.azurerm_kubernetes_cluster.aks.id}',
      // The fixture writes the id in lower case; this is the form azurerm reads back.
      log_analytics_workspace_id: `/subscriptions/${SUB}/resourceGroups/ops-rg/providers/Microsoft.OperationalInsights/workspaces/ops-law`,
      log_analytics_destination_type: 'Dedicated',
      enabled_log: [
        { category: 'kube-audit-admin' },
        { category: 'guard' },
        { category: 'cluster-autoscaler' },
        { category: 'kube-controller-manager' },
      ],
    });
    expect(stack.workspaceLogs?.destinationType).toBe('Dedicated');
  });

  test('sits next to the storage setting, which keeps kube-audit to itself', () => {
    expect(Object.keys(settings).sort()).toEqual(['audit_logs_diagnostic_setting', 'workspace_logs_diagnostic_setting']);
    expect(settings.audit_logs_diagnostic_setting.enabled_log).toEqual([{ category: 'kube-audit' }]);
    expect(settings.audit_logs_diagnostic_setting.log_analytics_workspace_id).toBeUndefined();
    const toWorkspace = settings.workspace_logs_diagnostic_setting.enabled_log.map((l: { category: string }) => l.category);
    expect(toWorkspace).not.toContain('kube-audit');
    expect(settings.workspace_logs_diagnostic_setting.storage_account_id).toBeUndefined();
  });

  test('uses at most 2 of the 5 diagnostic settings Azure allows per resource', () => {
    const onCluster = Object.values(settings as Record<string, any>).filter(
      (s) => s.target_resource_id === '${data.azurerm_kubernetes_cluster.aks.id}',
    );
    expect(onCluster).toHaveLength(2);
    expect(onCluster.length).toBeLessThanOrEqual(MAX_DIAGNOSTIC_SETTINGS_PER_RESOURCE);
    expect(MAX_DIAGNOSTIC_SETTINGS_PER_RESOURCE).toBe(5);
  });
});

test('configured categories and name', () => {
  const { json } = synthDoc(
    withCluster(alertingDoc(), (c) => {
      c.workspaceLogs.categories = ['kube-apiserver', 'guard'];
      c.workspaceLogs.diagnosticSettingName = 'control-plane-to-law';
    }),
  );
  const setting = json.resource.azurerm_monitor_diagnostic_setting.workspace_logs_diagnostic_setting;
  expect(setting.name).toBe('control-plane-to-law');
  expect(setting.enabled_log).toEqual([{ category: 'kube-apiserver' }, { category: 'guard' }]);
});

test('absent without workspaceLogs (the bundled example)', () => {
  const { json, stack } = synthDoc(exampleDoc());
  expect(json.resource.azurerm_monitor_diagnostic_setting.workspace_logs_diagnostic_setting).toBeUndefined();
  expect(stack.workspaceLogs).toBeUndefined();
});

test('resource providers', () => {
  expect(WorkspaceLogSink.RESOURCE_PROVIDERS).toEqual(['microsoft.insights']);
});
