/**
 * "direct kube-audit logs to an Azure Storage Account, NOT Log Analytics": the storage
 * account's hardening, its lifecycle rule and the diagnostic setting. Stands in for a
 * Checkov scan and for reading the plan; no Azure Monitor delivery is exercised.
 */
import {
  auditLogPrefixes,
  CATEGORY_GROUP_MEMBERS,
  chunkPrefixes,
  MAX_PREFIXES_PER_RULE,
} from '../../stacks/audit-log-sink';
import { HardenedStorageAccount, STORAGE_HARDENING } from '../../stacks/hardened-storage-account';
import { AKS_LOG_CATEGORIES } from '../../config/rules';
import { bareStack, exampleDoc, minimalDoc, resource, synthDoc, synthStack, withCluster, type Json } from './helpers';

/** Every hardening flag a log account must carry (Checkov ids in the comments). */
function expectHardened(account: Json): void {
  expect(account.min_tls_version).toBe('TLS1_2'); // CKV_AZURE_44
  expect(account.https_traffic_only_enabled).toBe(true);
  expect(account.allow_nested_items_to_be_public).toBe(false); // CKV_AZURE_190
  expect(account.network_rules).toEqual({ default_action: 'Deny', bypass: ['AzureServices'] }); // CKV_AZURE_35, 36
  expect(account.infrastructure_encryption_enabled).toBe(true);
  expect(account.blob_properties.delete_retention_policy).toEqual({ days: 7 }); // CKV2_AZURE_38
  expect(account.blob_properties.container_delete_retention_policy).toEqual({ days: 7 });
  expect(account.account_replication_type).toBe('GRS'); // CKV_AZURE_206
  expect(account.local_user_enabled).toBe(false); // CKV_AZURE_244
  expect(account.cross_tenant_replication_enabled).toBe(false);
  expect(account.default_to_oauth_authentication).toBe(true);
  // Azure Monitor writes only to standard (not premium) general-purpose v2 accounts.
  expect(account.account_tier).toBe('Standard');
  expect(account.account_kind).toBe('StorageV2');
  // Key access stays on: log delivery to storage is key-based (see HardenedStorageAccount).
  expect(account.shared_access_key_enabled).toBe(true);
  // Nothing that needs the data plane, which the provider is told is unreachable.
  expect(account.queue_properties).toBeUndefined();
  expect(account.static_website).toBeUndefined();
}

describe('audit-log storage account', () => {
  const { json, stack } = synthDoc(exampleDoc());
  const account = resource(json, 'azurerm_storage_account', 'audit_logs_storage');

  test('carries every hardening flag', () => expectHardened(account));

  test("is created in the cluster's region and resource group, under the derived name", () => {
    expect(account.location).toBe('eastus');
    expect(account.resource_group_name).toBe('contosofin-rg');
    expect(account.name).toBe(stack.cluster.auditLogs?.storageAccountName);
    expect(account.name).toMatch(/^[a-z0-9]{3,24}$/);
  });

  test('uses a configured name as is', () => {
    const { json: j } = synthDoc(
      withCluster(exampleDoc(), (c) => {
        c.auditLogs.storageAccountName = 'myauditlogs01';
      }),
    );
    expect(j.resource.azurerm_storage_account.audit_logs_storage.name).toBe('myauditlogs01');
  });

  test('the provider never touches the data plane the firewall denies', () => {
    expect(json.provider.azurerm[0].features).toEqual([{ storage: [{ data_plane_available: false }] }]);
  });
});

describe('HardenedStorageAccount on its own', () => {
  test('defaults, and decisions readable from its fields', () => {
    const stack = bareStack();
    const sa = new HardenedStorageAccount(stack, 'sa', {
      name: 'logs123',
      resourceGroupName: 'rg',
      location: 'westeurope',
      logicalId: 'logs',
    });
    const account = synthStack(stack).resource.azurerm_storage_account.logs;
    expectHardened(account);
    expect(sa.softDeleteDays).toBe(7);
    expect(sa.replicationType).toBe('GRS');
    expect(sa.sharedAccessKeyEnabled).toBe(true);
    expect(STORAGE_HARDENING.networkBypass).toEqual(['AzureServices']);
  });

  test('props override soft delete, replication and key access', () => {
    const stack = bareStack();
    new HardenedStorageAccount(stack, 'sa', {
      name: 'logs123',
      resourceGroupName: 'rg',
      location: 'westeurope',
      logicalId: 'logs',
      softDeleteDays: 30,
      replicationType: 'GZRS',
      sharedAccessKeyEnabled: false,
    });
    const account = synthStack(stack).resource.azurerm_storage_account.logs;
    expect(account.blob_properties.delete_retention_policy).toEqual({ days: 30 });
    expect(account.blob_properties.container_delete_retention_policy).toEqual({ days: 30 });
    expect(account.account_replication_type).toBe('GZRS');
    expect(account.shared_access_key_enabled).toBe(false);
  });
});

describe('audit-log lifecycle rule', () => {
  const { json } = synthDoc(exampleDoc());
  const policy = resource(json, 'azurerm_storage_management_policy', 'audit_logs_lifecycle');

  test('is on the audit-log account', () => {
    expect(policy.storage_account_id).toBe('${azurerm_storage_account.audit_logs_storage.id}');
  });

  test('deletes append blobs under insights-logs-kube-audit after retentionDays since last write', () => {
    expect(policy.rule).toEqual([
      {
        name: 'delete-aks-diagnostic-logs',
        enabled: true,
        filters: { blob_types: ['appendBlob'], prefix_match: ['insights-logs-kube-audit'] },
        actions: { base_blob: { delete_after_days_since_modification_greater_than: 90 } },
      },
    ]);
  });

  test('only deletes: append blobs cannot be tiered', () => {
    const baseBlob = policy.rule[0].actions.base_blob;
    expect(Object.keys(baseBlob)).toEqual(['delete_after_days_since_modification_greater_than']);
  });

  test('follows retentionDays and one prefix per category', () => {
    const { json: j } = synthDoc(
      withCluster(exampleDoc(), (c) => {
        c.auditLogs = { categories: ['kube-audit-admin', 'guard'], retentionDays: 30 };
      }),
    );
    const rule = j.resource.azurerm_storage_management_policy.audit_logs_lifecycle.rule;
    expect(rule).toHaveLength(1);
    expect(rule[0].filters.prefix_match).toEqual(['insights-logs-kube-audit-admin', 'insights-logs-guard']);
    expect(rule[0].actions.base_blob.delete_after_days_since_modification_greater_than).toBe(30);
  });

  test('category groups expand to the containers their categories write to', () => {
    expect(auditLogPrefixes(['audit'])).toEqual([
      'insights-logs-kube-audit',
      'insights-logs-kube-audit-admin',
      'insights-logs-guard',
    ]);
    expect(auditLogPrefixes(['kube-audit', 'audit'])).toHaveLength(3);
    expect(auditLogPrefixes(['allLogs'])).toEqual(AKS_LOG_CATEGORIES.map((c) => `insights-logs-${c}`));
    expect(CATEGORY_GROUP_MEMBERS.allLogs).toEqual(AKS_LOG_CATEGORIES);
  });

  test('more than 10 prefixes are split into several rules (Azure allows 10 per rule)', () => {
    expect(MAX_PREFIXES_PER_RULE).toBe(10);
    const { json: j } = synthDoc(
      withCluster(exampleDoc(), (c) => {
        c.auditLogs = { categories: ['allLogs'] };
      }),
    );
    const rules = j.resource.azurerm_storage_management_policy.audit_logs_lifecycle.rule;
    expect(rules.map((r: Json) => r.name)).toEqual(['delete-aks-diagnostic-logs', 'delete-aks-diagnostic-logs-2']);
    expect(rules.map((r: Json) => r.filters.prefix_match.length)).toEqual([10, AKS_LOG_CATEGORIES.length - 10]);
    expect(rules.flatMap((r: Json) => r.filters.prefix_match)).toEqual(auditLogPrefixes(['allLogs']));
    for (const r of rules) {
      expect(r.filters.blob_types).toEqual(['appendBlob']);
      expect(r.actions.base_blob.delete_after_days_since_modification_greater_than).toBe(90);
    }
    expect(chunkPrefixes([])).toEqual([]);
  });
});

describe('diagnostic setting on the cluster', () => {
  const { json } = synthDoc(exampleDoc());
  const setting = resource(json, 'azurerm_monitor_diagnostic_setting', 'audit_logs_diagnostic_setting');

  test('targets the looked-up cluster and writes to the audit-log account', () => {
    expect(setting.target_resource_id).toBe('${data.azurerm_kubernetes_cluster.aks.id}');
    expect(setting.storage_account_id).toBe('${azurerm_storage_account.audit_logs_storage.id}');
    expect(setting.name).toBe('aks-day2-audit-to-storage');
  });

  test('sends the configured categories', () => {
    expect(setting.enabled_log).toEqual([{ category: 'kube-audit' }]);
  });

  test('sends to no Log Analytics workspace, event hub or partner, and sets no retired retention or metrics', () => {
    expect(setting.log_analytics_workspace_id).toBeUndefined();
    expect(setting.log_analytics_destination_type).toBeUndefined();
    expect(setting.eventhub_authorization_rule_id).toBeUndefined();
    expect(setting.partner_solution_id).toBeUndefined();
    expect(setting.enabled_metric).toBeUndefined();
    expect(setting.metric).toBeUndefined();
    expect(JSON.stringify(setting)).not.toContain('retention_policy');
  });

  test('category groups go to category_group, categories to category', () => {
    const synthFor = (categories: string[]) =>
      synthDoc(
        withCluster(exampleDoc(), (c) => {
          c.auditLogs = { categories, diagnosticSettingName: 'to-archive' };
        }),
      ).json.resource.azurerm_monitor_diagnostic_setting.audit_logs_diagnostic_setting;
    const groups = synthFor(['audit', 'allLogs']);
    expect(groups.enabled_log).toEqual([{ category_group: 'audit' }, { category_group: 'allLogs' }]);
    expect(groups.name).toBe('to-archive');
    expect(synthFor(['guard', 'kube-apiserver']).enabled_log).toEqual([{ category: 'guard' }, { category: 'kube-apiserver' }]);
  });

  test('the whole sink is absent without auditLogs', () => {
    const { json: j } = synthDoc(minimalDoc());
    expect(j.resource?.azurerm_monitor_diagnostic_setting).toBeUndefined();
    expect(j.resource?.azurerm_storage_management_policy).toBeUndefined();
    expect(j.resource?.azurerm_storage_account).toBeUndefined();
  });
});
