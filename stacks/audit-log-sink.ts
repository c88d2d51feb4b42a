import { Construct } from 'constructs';
import type { AuditLogsConfig } from '../config/model';
import { AKS_LOG_CATEGORY_GROUP_MEMBERS } from '../config/rules';
import { MonitorDiagnosticSetting, StorageManagementPolicy } from './terraform-classes';
import { HardenedStorageAccount } from './hardened-storage-account';

/**
 * Categories each AKS category group stands for (defined in config/rules.ts, which the config's
 * overlap rule also reads). Azure may add categories to a group later: their logs are then
 * delivered but not covered by the lifecycle rule until listed there.
 */
export const CATEGORY_GROUP_MEMBERS = AKS_LOG_CATEGORY_GROUP_MEMBERS;

/** Azure allows at most 10 prefixes in one lifecycle rule's prefix_match. */
export const MAX_PREFIXES_PER_RULE = 10;

const isGroup = (c: string): c is keyof typeof CATEGORY_GROUP_MEMBERS => c in CATEGORY_GROUP_MEMBERS;

/**
 * Blob prefixes Azure Monitor writes the given categories under: one container per category,
 * `insights-logs-<category>`. Groups are expanded to their categories; duplicates removed,
 * config order kept.
 */
export function auditLogPrefixes(categories: readonly string[]): string[] {
  const expanded = categories.flatMap((c) => (isGroup(c) ? CATEGORY_GROUP_MEMBERS[c] : [c]));
  return [...new Set(expanded.map((c) => `insights-logs-${c}`))];
}

/** Split prefixes into lifecycle rules of at most MAX_PREFIXES_PER_RULE. */
export function chunkPrefixes(prefixes: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let i = 0; i < prefixes.length; i += MAX_PREFIXES_PER_RULE) {
    chunks.push(prefixes.slice(i, i + MAX_PREFIXES_PER_RULE));
  }
  return chunks;
}

export interface AuditLogSinkProps {
  readonly auditLogs: AuditLogsConfig;
  /** Resource id of the cluster the diagnostic setting is attached to. */
  readonly clusterId: string;
  /** The cluster's region: Azure Monitor writes only to an account in the same region. */
  readonly location: string;
  /** Resource group the storage account is created in. */
  readonly resourceGroupName: string;
}

/**
 * Control-plane logs (kube-audit by default) to a storage account, and to no Log Analytics
 * workspace. Runbook: "direct kube-audit logs to an Azure Storage Account, NOT Log
 * Analytics". Retention is a lifecycle rule on the account: diagnostic-setting retention
 * was retired, and the append blobs Azure Monitor writes cannot be tiered, only deleted.
 */
export class AuditLogSink extends Construct {
  /** Diagnostic settings are microsoft.insights; the lifecycle rule is Microsoft.Storage. */
  public static readonly RESOURCE_PROVIDERS: readonly string[] = ['microsoft.insights', 'Microsoft.Storage'];
  public readonly storage: HardenedStorageAccount;
  public readonly lifecycle: StorageManagementPolicy;
  public readonly diagnosticSetting: MonitorDiagnosticSetting;
  /** Prefixes the lifecycle rule(s) delete under, in order. */
  public readonly prefixes: readonly string[];
  /** Categories sent as `category`, in config order. */
  public readonly categories: readonly string[];
  /** Categories sent as `category_group` (allLogs, audit), in config order. */
  public readonly categoryGroups: readonly string[];

  constructor(scope: Construct, id: string, props: AuditLogSinkProps) {
    super(scope, id);
    const { auditLogs } = props;
    this.categories = auditLogs.categories.filter((c) => !isGroup(c));
    this.categoryGroups = auditLogs.categories.filter(isGroup);
    this.prefixes = auditLogPrefixes(auditLogs.categories);

    this.storage = new HardenedStorageAccount(this, 'storage', {
      name: auditLogs.storageAccountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      logicalId: 'audit_logs_storage',
    });

    const chunks = chunkPrefixes(this.prefixes);
    this.lifecycle = new StorageManagementPolicy(this, 'lifecycle', {
      storageAccountId: this.storage.id,
      rule: chunks.map((prefixMatch, i) => ({
        name: i === 0 ? 'delete-aks-diagnostic-logs' : `delete-aks-diagnostic-logs-${i + 1}`,
        enabled: true,
        filters: { blobTypes: ['appendBlob'], prefixMatch },
        actions: {
          // Azure Monitor appends to one blob per hour, so its last modification is the end
          // of that hour: the blob is deleted retentionDays after its last log line.
          baseBlob: { deleteAfterDaysSinceModificationGreaterThan: auditLogs.retentionDays },
        },
      })),
    });
    this.lifecycle.overrideLogicalId('audit_logs_lifecycle');

    this.diagnosticSetting = new MonitorDiagnosticSetting(this, 'diagnostic-setting', {
      name: auditLogs.diagnosticSettingName,
      targetResourceId: props.clusterId,
      storageAccountId: this.storage.id,
      // No log_analytics_workspace_id (the runbook's point: audit volume there is costly), no
      // retention_policy (retired), no metrics (the step is about logs; metrics are free in
      // Azure Monitor without exporting them).
      enabledLog: [
        ...this.categories.map((category) => ({ category })),
        ...this.categoryGroups.map((categoryGroup) => ({ categoryGroup })),
      ],
    });
    this.diagnosticSetting.overrideLogicalId('audit_logs_diagnostic_setting');
  }
}
