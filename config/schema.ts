import { z } from 'zod';
import {
  ACR_NAME,
  AKS_LOG_CATEGORIES,
  AKS_LOG_CATEGORY_GROUPS,
  AKS_NAME,
  BLOB_CONTAINER_NAME,
  CLUSTER_KEY,
  GUID,
  LOCATION,
  NAMESPACE,
  NETWORK_WATCHER_NAME,
  PUBLIC_IP_NAME,
  RESOURCE_GROUP_NAME,
  STORAGE_ACCOUNT_NAME,
  parseResourceId,
  sameType,
} from './rules';

/**
 * The config file's schema: what a user may write. Every object is strict (an unknown key
 * is an error, so a typo never silently turns a feature off). Defaults and derived names are
 * applied afterwards, in model.ts, so this file reads as the reference of the file format.
 */

const guid = z.string().regex(GUID, 'must be a GUID like 00000000-0000-0000-0000-000000000000');
const storageAccountName = z
  .string()
  .regex(STORAGE_ACCOUNT_NAME, 'must be 3-24 lowercase letters and digits (Azure storage account name rule)');
const resourceGroup = z
  .string()
  .regex(
    RESOURCE_GROUP_NAME,
    'must be 1-90 letters, digits, "-", "_", ".", "(" or ")" and must not end in "." (Azure resource group name rule)',
  );
/** Whole days between 1 and `max`. */
const days = (max: number) =>
  z
    .number()
    .refine(Number.isInteger, 'must be a whole number of days')
    .refine((n) => n >= 1 && n <= max, `must be between 1 and ${max} days`);

const namespace = z.string().regex(NAMESPACE, 'must be a Kubernetes namespace name (lowercase DNS-1123 label)');

/**
 * A list whose entries must be unique; `what` names them in the message. `key` decides what
 * counts as the same entry (Azure role names, for one, compare case-insensitively).
 */
function uniqueList<T extends z.ZodType<string>>(item: T, what: string, key: (value: string) => string = (v) => v) {
  return z.array(item).superRefine((list, ctx) => {
    const seen = new Map<string, string>();
    list.forEach((value, i) => {
      const first = seen.get(key(value));
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: first === value ? `duplicate ${what} "${value}"` : `duplicate ${what} "${value}" (same as "${first}")`,
        });
      } else seen.set(key(value), value);
    });
  });
}

/** A resource id of one of the given ARM types; `why` explains a rejection by type. */
function resourceIdOf(allowed: readonly string[], rejected: Readonly<Record<string, string>> = {}) {
  return z.string().superRefine((id, ctx) => {
    const parsed = parseResourceId(id);
    if (!parsed) {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be an Azure resource id like /subscriptions/<guid>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>',
      });
      return;
    }
    for (const [type, why] of Object.entries(rejected)) {
      if (sameType(parsed.type, type)) {
        ctx.addIssue({ code: 'custom', message: why });
        return;
      }
    }
    if (!allowed.some((t) => sameType(parsed.type, t))) {
      ctx.addIssue({ code: 'custom', message: `must be the id of a ${allowed.join(' or ')}, not a ${parsed.type}` });
    }
  });
}

const httpUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute http:// or https:// URL' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `must use http or https, not ${url.protocol.replace(':', '')}` });
  }
  if (/[\s'"`\\$]/.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'must not contain spaces, quotes, backslashes or "$"' });
  }
});

export const StateSchema = z.strictObject({
  azurerm: z.strictObject({
    resourceGroup,
    storageAccountName,
    containerName: z
      .string()
      .regex(BLOB_CONTAINER_NAME, 'must be 3-63 lowercase letters, digits and single hyphens (blob container rule)'),
    /** Prefix of each stack's state key: `<keyPrefix>/<cluster>.tfstate`. */
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/, 'must be path segments of letters, digits, ".", "_" or "-"')
      .optional(),
    subscriptionId: guid.optional(),
    useAzureadAuth: z.boolean().optional(),
  }),
});

export const AcrSchema = z.strictObject({
  name: z.string().regex(ACR_NAME, 'must be 5-50 letters and digits (Azure container registry name rule)'),
  resourceGroup: resourceGroup.optional(),
  create: z.boolean().optional(),
  sku: z.enum(['Basic', 'Standard', 'Premium']).optional(),
});

const principal = z.union(
  [z.strictObject({ appId: guid }), z.strictObject({ objectId: guid })],
  { error: 'must be {appId: <guid>} (an application id, resolved to its service principal) or {objectId: <guid>}' },
);

export const MonitoringSchema = z.strictObject({
  principal,
  roles: uniqueList(z.string().trim().min(1, 'must not be empty'), 'role', (r) => r.toLowerCase())
    .min(1, 'must list at least one role')
    .optional(),
});

const logCategory = z.enum([...AKS_LOG_CATEGORIES, ...AKS_LOG_CATEGORY_GROUPS], {
  error: (issue) =>
    `"${String(issue.input)}" is not an AKS log category; use one of ${AKS_LOG_CATEGORIES.join(', ')} or a group (${AKS_LOG_CATEGORY_GROUPS.join(', ')})`,
});

export const AuditLogsSchema = z.strictObject({
  categories: uniqueList(logCategory, 'category').min(1, 'must list at least one category').optional(),
  retentionDays: days(36500).optional(),
  storageAccountName: storageAccountName.optional(),
  /** Name of the diagnostic setting on the cluster (at most 5 per resource). */
  diagnosticSettingName: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,259}$/, 'must be letters, digits, "-", "_" or "."')
    .optional(),
});

export const TrafficAnalyticsSchema = z.strictObject({
  workspaceResourceId: resourceIdOf(['Microsoft.OperationalInsights/workspaces']),
  intervalMinutes: z
    .union([z.literal(10), z.literal(60)], { error: 'must be 10 or 60 (the intervals Traffic Analytics supports)' })
    .optional(),
});

export const FlowLogsSchema = z.strictObject({
  targetResourceId: resourceIdOf(['Microsoft.Network/virtualNetworks', 'Microsoft.Network/virtualNetworks/subnets'], {
    'Microsoft.Network/networkSecurityGroups':
      'is a network security group: Azure blocks new NSG flow logs since 2025-06-30 and azurerm rejects them at plan; use the id of the VNet or subnet (VNet flow logs)',
  }),
  retentionDays: days(365).optional(),
  storageAccountName: storageAccountName.optional(),
  networkWatcher: z
    .strictObject({
      name: z.string().regex(NETWORK_WATCHER_NAME, 'must be a Network Watcher name').optional(),
      resourceGroup: resourceGroup.optional(),
    })
    .optional(),
  trafficAnalytics: TrafficAnalyticsSchema.optional(),
});

export const AppGatewaySchema = z.strictObject({
  publicIpName: z.string().regex(PUBLIC_IP_NAME, 'must be an Azure public IP name (letters, digits, "-", "_", ".")'),
  resourceGroup: resourceGroup.optional(),
});

const repoEntry = z
  .string()
  .min(1, 'must not be empty: an empty entry would match every image')
  .regex(/^\S*$/, 'must not contain whitespace');

export const PolicySchema = z.strictObject({
  engine: z.enum(['gatekeeper', 'vap'], { error: 'must be "gatekeeper" or "vap"' }).optional(),
  namespaces: uniqueList(namespace, 'namespace').min(1, 'must list at least one namespace'),
  allowedRepos: uniqueList(repoEntry, 'repo').min(1, 'must list at least one repo (an empty list admits nothing)'),
  /** Add the ACR's login server (`<acr>.azurecr.io/`) to allowedRepos. */
  includeAcr: z.boolean().optional(),
  /**
   * Also match the Pod templates of Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs,
   * CronJobs and ReplicationControllers, so `kubectl apply` of a workload fails, not its Pods later.
   */
  workloads: z.boolean().optional(),
  /** What a violation does: refuse it, warn the client, or only record it (audit). */
  enforcement: z
    .enum(['deny', 'warn', 'audit'], {
      error: 'must be "deny" (refuse), "warn" (admit with a warning) or "audit" (admit and only record)',
    })
    .optional(),
  /** Name of the constraint (or VAP binding). */
  name: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/, 'must be a lowercase DNS-1123 name')
    .optional(),
});

export const SmokeTestSchema = z.strictObject({
  namespace: namespace.optional(),
  ingressUrl: httpUrl,
  blockedUrl: httpUrl,
  image: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._\/:@-]*$/i, 'must be an image reference (registry/repo:tag or @sha256:digest)')
    .optional(),
  /** Non-root uid the image runs as (curlimages/curl: 100). */
  runAsUser: z.int('must be a whole number').min(1, 'must be a non-zero uid (Pod Security Standards restricted)').optional(),
  timeoutSeconds: z.int('must be a whole number of seconds').min(1, 'must be at least 1 second').max(300, 'must be at most 300 seconds').optional(),
});

export const ClusterSchema = z.strictObject({
  name: z
    .string()
    .regex(CLUSTER_KEY, 'must be 1-40 lowercase letters, digits and "-", starting and ending with a letter or digit'),
  subscriptionId: guid.optional(),
  resourceGroup,
  aksName: z
    .string()
    .regex(AKS_NAME, 'must be 1-63 letters, digits, "-" or "_", starting and ending with a letter or digit'),
  location: z.string().regex(LOCATION, 'must be an Azure region name like eastus or westeurope (lowercase, no spaces)'),
  /** The API server is private: output private_fqdn instead of fqdn. */
  privateCluster: z.boolean().optional(),
  acr: AcrSchema.optional(),
  monitoring: MonitoringSchema.optional(),
  auditLogs: AuditLogsSchema.optional(),
  flowLogs: FlowLogsSchema.optional(),
  appGateway: AppGatewaySchema.optional(),
  policy: PolicySchema.optional(),
  smokeTest: SmokeTestSchema.optional(),
});

export const ConfigSchema = z.strictObject({
  state: StateSchema.optional(),
  clusters: z
    .array(ClusterSchema)
    .min(1, 'must list at least one cluster')
    .superRefine((clusters, ctx) => {
      const seen = new Map<string, number>();
      clusters.forEach((c, i) => {
        const first = seen.get(c.name);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `duplicate cluster name "${c.name}" (also clusters[${first}]): names key stacks, state and dist/ folders`,
          });
        } else seen.set(c.name, i);
      });
    }),
});

export type ConfigInput = z.infer<typeof ConfigSchema>;
export type ClusterInput = z.infer<typeof ClusterSchema>;
