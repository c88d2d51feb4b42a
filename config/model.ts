import { createHash } from 'node:crypto';
import type { ClusterInput, ConfigInput } from './schema';
import { parseResourceId, type ResourceId } from './rules';
import { findBuiltInRole } from './built-in-roles';
import {
  AKS_METRIC_NAMESPACE,
  METRIC_ALERT_WINDOWS,
  RECOMMENDED_METRIC_ALERTS,
  type MetricAlertAggregation,
  type MetricAlertOperator,
  type MetricAlertRule,
} from './aks-platform-metrics';

/**
 * The typed model every stack and chart is built from: the validated config with every
 * default applied and every derived name computed, so constructs never re-derive anything.
 */

export const DEFAULT_MONITORING_ROLES = ['Monitoring Metrics Publisher', 'Log Analytics Reader'] as const;
export const DEFAULT_AUDIT_CATEGORIES = ['kube-audit'] as const;
export const DEFAULT_RETENTION_DAYS = 90;
/**
 * Default smoke-test image: curl's own image, maintained, small, with sh (busybox) and curl,
 * running as uid 100 (curl_user). Pulled over HTTPS, which the runbook's firewall allows.
 */
export const DEFAULT_SMOKE_IMAGE = 'docker.io/curlimages/curl:8.16.0';
export const DEFAULT_SMOKE_UID = 100;
export const DEFAULT_STATE_KEY_PREFIX = 'aks-day2';
/**
 * Control-plane categories worth querying in a workspace (what aks-baseline and AKS-Construction
 * send there); kube-audit stays out, as the runbook asks.
 */
export const DEFAULT_WORKSPACE_LOG_CATEGORIES = [
  'kube-audit-admin',
  'guard',
  'cluster-autoscaler',
  'kube-controller-manager',
] as const;
export const DEFAULT_WORKSPACE_DIAGNOSTIC_SETTING_NAME = 'aks-day2-logs-to-workspace';
export const DEFAULT_AUDIT_DIAGNOSTIC_SETTING_NAME = 'aks-day2-audit-to-storage';
export const DEFAULT_PROMETHEUS_RULE_GROUPS = ['cluster', 'node', 'pod'] as const;
/** Defaults of a configured metric alert: those of Azure's recommended ones. */
export const DEFAULT_METRIC_ALERT = { aggregation: 'Average', windowMinutes: 5, severity: 3 } as const;
/** Action group short names are at most 12 characters (azurerm v4.55.0: `short_name` StringLenBetween(1, 12)). */
export const ACTION_GROUP_SHORT_NAME_MAX = 12;

/** Flow-log resources are Microsoft.Network names: at most 80 characters. */
const MAX_FLOW_LOG_NAME = 80;

/**
 * `<vnet>[-<subnet>]-flowlog`, shortened with a hash of the full name when it would pass 80
 * characters, so the same target always gets the same name.
 */
export function flowLogName(targetNames: readonly string[]): string {
  const full = `${targetNames.join('-')}-flowlog`;
  if (full.length <= MAX_FLOW_LOG_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_FLOW_LOG_NAME - 9 - '-flowlog'.length)}-${hash}-flowlog`;
}

/** The blob a cluster's Terraform state is kept in: `<keyPrefix>/<cluster>.tfstate`. */
export function stateBlobKey(state: StateBackend, clusterName: string): string {
  return `${state.keyPrefix}/${clusterName}.tfstate`;
}

/** The local state file of a cluster without `state`, relative to the project root. */
export function localStateFile(clusterName: string): string {
  return `terraform.${clusterName}.tfstate`;
}

export interface StateBackend {
  readonly resourceGroup: string;
  readonly storageAccountName: string;
  readonly containerName: string;
  readonly keyPrefix: string;
  readonly subscriptionId?: string;
  readonly useAzureadAuth: boolean;
}

export type Principal =
  | { readonly appId: string }
  | { readonly objectId: string }
  /** The cluster's monitoring add-on identity (`oms_agent[0].oms_agent_identity[0].object_id`). */
  | { readonly monitoringAgent: true };

export interface AcrConfig {
  readonly name: string;
  readonly resourceGroup: string;
  readonly create: boolean;
  readonly sku: 'Basic' | 'Standard' | 'Premium';
  /** `<name lowercased>.azurecr.io` */
  readonly loginServer: string;
}

export interface MonitoringConfig {
  readonly principal: Principal;
  /**
   * Each role as Terraform gets it: a built-in role in Azure's spelling (whatever the
   * config's casing), or a role definition GUID, lowercased.
   */
  readonly roles: readonly string[];
}

export interface AuditLogsConfig {
  readonly categories: readonly string[];
  readonly retentionDays: number;
  readonly storageAccountName: string;
  readonly diagnosticSettingName: string;
}

export interface WorkspaceLogsConfig {
  /** Its `id` is canonical: what azurerm writes back after a read, so a re-plan is empty. */
  readonly workspace: ResourceId;
  readonly categories: readonly string[];
  readonly diagnosticSettingName: string;
}

/** Receivers of an action group created for the cluster. */
export interface NewActionGroup {
  readonly kind: 'create';
  /** `aks-day2-<cluster>-alerts` */
  readonly name: string;
  /** At most 12 characters: the sender name in SMS and email. */
  readonly shortName: string;
  readonly emails: readonly string[];
  readonly webhooks: readonly string[];
}

/** An action group that exists already, by id (fixed segments in ARM's canonical casing). */
export interface ExistingActionGroup {
  readonly kind: 'existing';
  readonly id: string;
}

/** One platform metric alert, defaults applied. */
export interface MetricAlertConfig extends MetricAlertRule {
  readonly aggregation: MetricAlertAggregation;
  readonly operator: MetricAlertOperator;
  /** `<cluster>-<name>`: the alert rule's name in Azure (unique per resource group). */
  readonly alertName: string;
  readonly metricNamespace: string;
  /** ISO 8601 window, e.g. PT5M. */
  readonly windowSize: string;
  /** ISO 8601 evaluation frequency: every 5 minutes, or every minute for a 1-minute window. */
  readonly frequency: string;
  /** One of Azure's recommended alerts (recommended: true), rather than a configured one. */
  readonly recommended: boolean;
}

export interface PrometheusAlertsConfig {
  readonly workspace: ResourceId;
  readonly ruleGroups: readonly ('cluster' | 'node' | 'pod')[];
}

export interface AlertsConfig {
  readonly actionGroup: NewActionGroup | ExistingActionGroup;
  /** Azure's recommended ones first (when enabled), then the configured ones, in config order. */
  readonly metricAlerts: readonly MetricAlertConfig[];
  readonly prometheus?: PrometheusAlertsConfig;
}

export interface TrafficAnalyticsConfig {
  readonly workspace: ResourceId;
  readonly intervalMinutes: 10 | 60;
}

export interface FlowLogsConfig {
  /** The flow log's name under its Network Watcher: {@link flowLogName} of the target. */
  readonly name: string;
  readonly target: ResourceId;
  readonly retentionDays: number;
  readonly storageAccountName: string;
  readonly networkWatcherName: string;
  readonly networkWatcherResourceGroup: string;
  readonly trafficAnalytics?: TrafficAnalyticsConfig;
}

export interface AppGatewayConfig {
  readonly publicIpName: string;
  readonly resourceGroup: string;
}

/** What a policy violation does (config `policy.enforcement`). */
export type PolicyEnforcement = 'deny' | 'warn' | 'audit';

/** Where the allowed-registries rule is enforced (README: "Choosing an engine"). */
export type PolicyEngine = 'gatekeeper' | 'vap' | 'azure-policy';

/** The Azure Policy assignment of `engine: azure-policy`, at the cluster's scope. */
export interface AzurePolicyAssignmentConfig {
  /**
   * `aks-day2-<cluster>-allowed-images`: at most 64 characters (cluster keys have at most 40),
   * none of `#<>%&:\?/`, not ending in "." or " " (azurerm v4.55.0
   * resource_policy_assignment_resource.go). Unique per scope, and the scope is the cluster.
   */
  readonly name: string;
  /**
   * What the portal's compliance view lists: names aks-day2, the cluster key and the AKS name
   * (cut to fit in 128 characters: {@link assignmentDisplayName}).
   */
  readonly displayName: string;
  readonly description: string;
}

export interface PolicyConfig {
  readonly engine: PolicyEngine;
  readonly namespaces: readonly string[];
  /** The configured repos, plus the ACR login server when includeAcr applies. */
  readonly allowedRepos: readonly string[];
  readonly name: string;
  /** Also match the Pod templates of workloads (Deployment, …, CronJob). */
  readonly workloads: boolean;
  /** deny: refuse; warn: admit with a warning; audit: admit and record only. */
  readonly enforcement: PolicyEnforcement;
  /** Present exactly when engine is azure-policy. */
  readonly azurePolicy?: AzurePolicyAssignmentConfig;
}

export interface SmokeTestConfig {
  readonly namespace: string;
  readonly ingressUrl: string;
  readonly blockedUrl: string;
  readonly image: string;
  readonly runAsUser: number;
  readonly timeoutSeconds: number;
}

export interface ClusterConfig {
  readonly name: string;
  /** Where this cluster is in the config file (`clusters[2]`): plan-time errors name fields by it. */
  readonly fieldPath: string;
  /** Lowercase, as ARM writes subscription GUIDs in the ids it returns. */
  readonly subscriptionId?: string;
  readonly resourceGroup: string;
  readonly aksName: string;
  readonly location: string;
  readonly privateCluster: boolean;
  /** The azurerm provider registers the resource providers the stack's resources need. */
  readonly registerResourceProviders: boolean;
  readonly acr?: AcrConfig;
  readonly monitoring?: MonitoringConfig;
  readonly auditLogs?: AuditLogsConfig;
  readonly workspaceLogs?: WorkspaceLogsConfig;
  readonly alerts?: AlertsConfig;
  readonly flowLogs?: FlowLogsConfig;
  readonly appGateway?: AppGatewayConfig;
  readonly policy?: PolicyConfig;
  readonly smokeTest?: SmokeTestConfig;
}

export interface Config {
  readonly state?: StateBackend;
  readonly clusters: readonly ClusterConfig[];
  /** Valid but suspicious values; synth prints them and carries on. */
  readonly warnings: readonly ConfigWarning[];
}

/** A value the config accepts but that probably is not what was meant. */
export interface ConfigWarning {
  /** Field path as a user reads it: `clusters[0].acr.resourceGroup`. */
  readonly path: string;
  readonly message: string;
  /** 1-based line in the file, when it could be located. */
  readonly line?: number;
}

/**
 * A storage account name derived from the cluster: globally unique names cannot be guessed,
 * so a short hash of resource group, AKS name and cluster key keeps two teams' derived names
 * apart while the same config always derives the same name. Always matches ^[a-z0-9]{3,24}$.
 * Only fields that identify the cluster itself are hashed: adding subscriptionId to a config
 * later must not rename (and so replace) an account full of logs.
 */
export function deriveStorageAccountName(cluster: ClusterInput, purpose: 'aud' | 'flw'): string {
  const base = cluster.name.replace(/[^a-z0-9]/g, '').slice(0, 13);
  const hash = createHash('sha256')
    .update([cluster.resourceGroup.toLowerCase(), cluster.aksName.toLowerCase(), cluster.name, purpose].join('|'))
    .digest('hex')
    .slice(0, 8);
  return `${base}${purpose}${hash}`;
}

/**
 * GUIDs are compared case-insensitively by Azure but returned lowercase; the provider compares
 * `principal_id` (ForceNew, no diff suppression) as a plain string, so they go out lowercase.
 */
const lowerGuid = <T extends string | undefined>(guid: T): T => guid?.toLowerCase() as T;

/** A built-in role (config/built-in-roles.json) in Azure's spelling, or a role definition GUID lowercased. */
export function canonicalRole(role: string): string {
  return findBuiltInRole(role)?.name ?? role.trim().toLowerCase();
}

/** `contosofin` → `contosofin`; longer keys are cut to 12 characters, never ending in "-". */
export function actionGroupShortName(clusterName: string): string {
  return clusterName.slice(0, ACTION_GROUP_SHORT_NAME_MAX).replace(/-+$/, '');
}

function toMetricAlert(clusterName: string, rule: MetricAlertRule, recommended: boolean): MetricAlertConfig {
  return {
    ...rule,
    alertName: `${clusterName}-${rule.name}`,
    metricNamespace: AKS_METRIC_NAMESPACE,
    windowSize: METRIC_ALERT_WINDOWS[rule.windowMinutes],
    frequency: METRIC_ALERT_WINDOWS[Math.min(rule.windowMinutes, 5)],
    recommended,
  };
}

function toAlertsModel(c: ClusterInput): AlertsConfig | undefined {
  const alerts = c.alerts;
  if (!alerts) return undefined;
  const group = alerts.actionGroup;
  const configured = (alerts.metricAlerts ?? []).map(
    (r): MetricAlertRule => ({
      name: r.name,
      metric: r.metric,
      aggregation: (r.aggregation ?? DEFAULT_METRIC_ALERT.aggregation) as MetricAlertAggregation,
      operator: r.operator as MetricAlertOperator,
      threshold: r.threshold,
      windowMinutes: r.windowMinutes ?? DEFAULT_METRIC_ALERT.windowMinutes,
      severity: r.severity ?? DEFAULT_METRIC_ALERT.severity,
    }),
  );
  return {
    actionGroup: group.existingId
      ? {
          kind: 'existing',
          id: parseResourceId(group.existingId)!.id,
        }
      : {
          kind: 'create',
          name: `aks-day2-${c.name}-alerts`,
          shortName: actionGroupShortName(c.name),
          emails: group.emails ?? [],
          webhooks: group.webhooks ?? [],
        },
    metricAlerts: [
      ...((alerts.recommended ?? true) ? RECOMMENDED_METRIC_ALERTS.map((r) => toMetricAlert(c.name, r, true)) : []),
      ...configured.map((r) => toMetricAlert(c.name, r, false)),
    ],
    prometheus: alerts.prometheus && {
      workspace: parseResourceId(alerts.prometheus.azureMonitorWorkspaceId)!,
      ruleGroups: alerts.prometheus.ruleGroups ?? [...DEFAULT_PROMETHEUS_RULE_GROUPS],
    },
  };
}

/**
 * Azure refuses a policy assignment whose displayName is longer than 128 characters ("Azure
 * Policy assignment structure": displayName has a maximum length of 128); azurerm does not
 * check it (v4.55.0 assignment_resource_base.go: display_name is a plain optional string).
 */
export const ASSIGNMENT_DISPLAY_NAME_MAX = 128;

/**
 * `aks-day2: allowed registries for cluster <key> (<aksName>)`. A 40-character key and a
 * 63-character AKS name would make 147 characters: the AKS name is then cut to what fits and
 * ends in "...", so the name is at most 128 characters and the same on every synth.
 */
export function assignmentDisplayName(key: string, aksName: string): string {
  const base = `aks-day2: allowed registries for cluster ${key}`;
  const room = ASSIGNMENT_DISPLAY_NAME_MAX - base.length - ' ()'.length;
  if (aksName.length <= room) return `${base} (${aksName})`;
  return room > '...'.length ? `${base} (${aksName.slice(0, room - '...'.length)}...)` : base.slice(0, ASSIGNMENT_DISPLAY_NAME_MAX);
}

/** The assignment's names for a cluster with `policy.engine: azure-policy`. */
export function azurePolicyAssignment(c: Pick<ClusterInput, 'name' | 'aksName'>): AzurePolicyAssignmentConfig {
  return {
    name: `aks-day2-${c.name}-allowed-images`,
    displayName: assignmentDisplayName(c.name, c.aksName),
    description: `Generated by aks-day2 from policy.allowedRepos of cluster "${c.name}"; a deploy overwrites changes made here.`,
  };
}

/** Apply defaults and derive names. Input must already have passed ConfigSchema. */
export function toModel(input: ConfigInput, warnings: readonly ConfigWarning[] = []): Config {
  const state = input.state?.azurerm;
  return {
    state: state && {
      resourceGroup: state.resourceGroup,
      storageAccountName: state.storageAccountName,
      containerName: state.containerName,
      keyPrefix: state.keyPrefix ?? DEFAULT_STATE_KEY_PREFIX,
      subscriptionId: lowerGuid(state.subscriptionId),
      useAzureadAuth: state.useAzureadAuth ?? true,
    },
    clusters: input.clusters.map(toClusterModel),
    warnings,
  };
}

function toClusterModel(c: ClusterInput, index: number): ClusterConfig {
  const acr: AcrConfig | undefined = c.acr && {
    name: c.acr.name,
    resourceGroup: c.acr.resourceGroup ?? c.resourceGroup,
    create: c.acr.create ?? false,
    sku: c.acr.sku ?? 'Premium',
    loginServer: `${c.acr.name.toLowerCase()}.azurecr.io`,
  };
  const flow = c.flowLogs;
  const flowTarget = flow && parseResourceId(flow.targetResourceId)!;
  return {
    name: c.name,
    fieldPath: `clusters[${index}]`,
    subscriptionId: lowerGuid(c.subscriptionId),
    resourceGroup: c.resourceGroup,
    aksName: c.aksName,
    location: c.location,
    privateCluster: c.privateCluster ?? false,
    registerResourceProviders: c.registerResourceProviders ?? true,
    acr,
    monitoring: c.monitoring && {
      // Every string in a principal is a GUID (appId, objectId).
      principal: Object.fromEntries(
        Object.entries(c.monitoring.principal).map(([k, v]) => [k, typeof v === 'string' ? v.toLowerCase() : v]),
      ) as Principal,
      roles: (c.monitoring.roles ?? DEFAULT_MONITORING_ROLES).map(canonicalRole),
    },
    auditLogs: c.auditLogs && {
      categories: c.auditLogs.categories ?? [...DEFAULT_AUDIT_CATEGORIES],
      retentionDays: c.auditLogs.retentionDays ?? DEFAULT_RETENTION_DAYS,
      storageAccountName: c.auditLogs.storageAccountName ?? deriveStorageAccountName(c, 'aud'),
      diagnosticSettingName: c.auditLogs.diagnosticSettingName ?? DEFAULT_AUDIT_DIAGNOSTIC_SETTING_NAME,
    },
    workspaceLogs: c.workspaceLogs && {
      workspace: parseResourceId(c.workspaceLogs.workspaceResourceId)!,
      categories: c.workspaceLogs.categories ?? [...DEFAULT_WORKSPACE_LOG_CATEGORIES],
      diagnosticSettingName: c.workspaceLogs.diagnosticSettingName ?? DEFAULT_WORKSPACE_DIAGNOSTIC_SETTING_NAME,
    },
    alerts: toAlertsModel(c),
    flowLogs: flow && {
      name: flowLogName(flowTarget!.names),
      target: flowTarget!,
      retentionDays: flow.retentionDays ?? DEFAULT_RETENTION_DAYS,
      storageAccountName: flow.storageAccountName ?? deriveStorageAccountName(c, 'flw'),
      networkWatcherName: flow.networkWatcher?.name ?? `NetworkWatcher_${c.location}`,
      networkWatcherResourceGroup: flow.networkWatcher?.resourceGroup ?? 'NetworkWatcherRG',
      trafficAnalytics: flow.trafficAnalytics && {
        workspace: parseResourceId(flow.trafficAnalytics.workspaceResourceId)!,
        intervalMinutes: flow.trafficAnalytics.intervalMinutes ?? 10,
      },
    },
    appGateway: c.appGateway && {
      publicIpName: c.appGateway.publicIpName,
      resourceGroup: c.appGateway.resourceGroup ?? c.resourceGroup,
    },
    policy: c.policy && {
      engine: c.policy.engine ?? 'gatekeeper',
      namespaces: c.policy.namespaces,
      allowedRepos:
        (c.policy.includeAcr ?? true) && acr && !c.policy.allowedRepos.includes(`${acr.loginServer}/`)
          ? [...c.policy.allowedRepos, `${acr.loginServer}/`]
          : c.policy.allowedRepos,
      name: c.policy.name ?? 'allowed-repos',
      workloads: c.policy.workloads ?? true,
      enforcement: c.policy.enforcement ?? 'deny',
      azurePolicy: c.policy.engine === 'azure-policy' ? azurePolicyAssignment(c) : undefined,
    },
    smokeTest: c.smokeTest && {
      namespace: c.smokeTest.namespace ?? 'default',
      ingressUrl: c.smokeTest.ingressUrl,
      blockedUrl: c.smokeTest.blockedUrl,
      image: c.smokeTest.image ?? DEFAULT_SMOKE_IMAGE,
      runAsUser: c.smokeTest.runAsUser ?? DEFAULT_SMOKE_UID,
      timeoutSeconds: c.smokeTest.timeoutSeconds ?? 10,
    },
  };
}
