import { createHash } from 'node:crypto';
import type { ClusterInput, ConfigInput } from './schema';
import { parseResourceId, type ResourceId } from './rules';
import { findBuiltInRole } from './built-in-roles';

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

export interface StateBackend {
  readonly resourceGroup: string;
  readonly storageAccountName: string;
  readonly containerName: string;
  readonly keyPrefix: string;
  readonly subscriptionId?: string;
  readonly useAzureadAuth: boolean;
}

export type Principal = { readonly appId: string } | { readonly objectId: string };

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
   * Each role as Terraform gets it: a listed built-in role in Azure's spelling (whatever the
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

export interface TrafficAnalyticsConfig {
  readonly workspace: ResourceId;
  readonly intervalMinutes: 10 | 60;
}

export interface FlowLogsConfig {
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

export interface PolicyConfig {
  readonly engine: 'gatekeeper' | 'vap';
  readonly namespaces: readonly string[];
  /** The configured repos, plus the ACR login server when includeAcr applies. */
  readonly allowedRepos: readonly string[];
  readonly name: string;
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

/** A listed built-in role in Azure's spelling, or a role definition GUID lowercased. */
export function canonicalRole(role: string): string {
  return findBuiltInRole(role)?.name ?? role.trim().toLowerCase();
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
      diagnosticSettingName: c.auditLogs.diagnosticSettingName ?? 'aks-day2-audit-to-storage',
    },
    flowLogs: flow && {
      target: parseResourceId(flow.targetResourceId)!,
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
