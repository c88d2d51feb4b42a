import { createHash } from 'node:crypto';
import type { ClusterInput, ConfigInput } from './schema';
import { parseResourceId, type ResourceId } from './rules';

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

/** What a policy violation does (config `policy.enforcement`). */
export type PolicyEnforcement = 'deny' | 'warn' | 'audit';

export interface PolicyConfig {
  readonly engine: 'gatekeeper' | 'vap';
  readonly namespaces: readonly string[];
  /** The configured repos, plus the ACR login server when includeAcr applies. */
  readonly allowedRepos: readonly string[];
  readonly name: string;
  /** Also match the Pod templates of workloads (Deployment, …, CronJob). */
  readonly workloads: boolean;
  /** deny: refuse; warn: admit with a warning; audit: admit and record only. */
  readonly enforcement: PolicyEnforcement;
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
  readonly subscriptionId?: string;
  readonly resourceGroup: string;
  readonly aksName: string;
  readonly location: string;
  readonly privateCluster: boolean;
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

/** Apply defaults and derive names. Input must already have passed ConfigSchema. */
export function toModel(input: ConfigInput): Config {
  const state = input.state?.azurerm;
  return {
    state: state && {
      resourceGroup: state.resourceGroup,
      storageAccountName: state.storageAccountName,
      containerName: state.containerName,
      keyPrefix: state.keyPrefix ?? DEFAULT_STATE_KEY_PREFIX,
      subscriptionId: state.subscriptionId,
      useAzureadAuth: state.useAzureadAuth ?? true,
    },
    clusters: input.clusters.map(toClusterModel),
  };
}

function toClusterModel(c: ClusterInput): ClusterConfig {
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
    subscriptionId: c.subscriptionId,
    resourceGroup: c.resourceGroup,
    aksName: c.aksName,
    location: c.location,
    privateCluster: c.privateCluster ?? false,
    acr,
    monitoring: c.monitoring && {
      principal: c.monitoring.principal,
      roles: c.monitoring.roles ?? [...DEFAULT_MONITORING_ROLES],
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
      workloads: c.policy.workloads ?? true,
      enforcement: c.policy.enforcement ?? 'deny',
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
