import { Construct } from 'constructs';
import type { WorkspaceLogsConfig } from '../config/model';
import { MonitorDiagnosticSetting } from './terraform-classes';

export interface WorkspaceLogSinkProps {
  readonly workspaceLogs: WorkspaceLogsConfig;
  /** Resource id of the cluster the diagnostic setting is attached to. */
  readonly clusterId: string;
}

/**
 * The control-plane categories worth querying (kube-audit-admin, guard, cluster-autoscaler,
 * kube-controller-manager by default) to a Log Analytics workspace, in a diagnostic setting of
 * their own, next to the storage one. Runbook: "capture the data that they need to help reduce
 * costs as well as optimize around analytics that need to be done"; kube-audit itself is refused
 * here by the config ("direct kube-audit logs to an Azure Storage Account, NOT Log Analytics").
 */
export class WorkspaceLogSink extends Construct {
  /** ARM resource providers this construct's resources need registered (as ARM spells them). */
  public static readonly RESOURCE_PROVIDERS: readonly string[] = ['microsoft.insights'];
  /**
   * Resource-specific tables (AKSAudit, AKSAuditAdmin, AKSControlPlane) rather than the shared
   * AzureDiagnostics table: typed columns, and the tables Azure's AKS queries expect.
   */
  public readonly destinationType = 'Dedicated';
  public readonly diagnosticSetting: MonitorDiagnosticSetting;

  constructor(scope: Construct, id: string, props: WorkspaceLogSinkProps) {
    super(scope, id);
    const { workspaceLogs } = props;
    this.diagnosticSetting = new MonitorDiagnosticSetting(this, 'diagnostic-setting', {
      name: workspaceLogs.diagnosticSettingName,
      targetResourceId: props.clusterId,
      // In the casing azurerm's read writes back (ParseWorkspaceIDInsensitively(...).ID()).
      logAnalyticsWorkspaceId: workspaceLogs.workspace.id,
      logAnalyticsDestinationType: this.destinationType,
      // No metrics: platform metrics are already in Azure Monitor, free; exporting them to
      // the workspace would only add ingestion cost.
      enabledLog: workspaceLogs.categories.map((category) => ({ category })),
    });
    this.diagnosticSetting.overrideLogicalId('workspace_logs_diagnostic_setting');
  }
}
