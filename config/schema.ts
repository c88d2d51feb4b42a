import { z } from 'zod';
import {
  AKS_PLATFORM_METRICS,
  METRIC_ALERT_AGGREGATIONS,
  METRIC_ALERT_OPERATORS,
  METRIC_ALERT_SEVERITY,
  METRIC_ALERT_WINDOWS,
} from './aks-platform-metrics';
import {
  ACR_NAME,
  AKS_LOG_CATEGORIES,
  AKS_LOG_CATEGORY_GROUPS,
  AKS_NAME,
  ALERT_RULE_NAME,
  BLOB_CONTAINER_NAME,
  CLUSTER_KEY,
  DIAGNOSTIC_SETTING_NAME,
  EMAIL_ADDRESS,
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
import { BUILT_IN_ROLES, BUILT_IN_ROLES_SOURCE, closestBuiltInRole, findBuiltInRole } from './built-in-roles';

/**
 * The config file's schema: what a user may write. Every object is strict (an unknown key
 * is an error, so a typo never silently turns a feature off). Defaults and derived names are
 * applied afterwards, in model.ts, so this file reads as the reference of the file format.
 */

/**
 * A name checked against `pattern`. When it does not match, the message is `rule` followed by
 * what is wrong with this value: its length when that is outside `min`-`max`, and the
 * characters `allowedChar` does not admit, so nobody has to count characters by hand.
 */
function name(pattern: RegExp, rule: string, limits: { min: number; max: number; allowedChar: RegExp }) {
  return z.string().superRefine((value, ctx) => {
    if (pattern.test(value)) return;
    const details: string[] = [];
    const length = [...value].length;
    if (length < limits.min || length > limits.max) details.push(`got ${length} character${length === 1 ? '' : 's'}`);
    const bad = [...new Set([...value].filter((ch) => !limits.allowedChar.test(ch)))];
    if (bad.length > 0) details.push(`${bad.map((ch) => JSON.stringify(ch)).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not allowed`);
    ctx.addIssue({ code: 'custom', message: details.length > 0 ? `${rule}; ${details.join(', ')}` : rule });
  });
}

const guid = z.string().regex(GUID, 'must be a GUID like 00000000-0000-0000-0000-000000000000');
const storageAccountName = name(STORAGE_ACCOUNT_NAME, 'must be 3-24 lowercase letters and digits (Azure storage account name rule)', {
  min: 3,
  max: 24,
  allowedChar: /[a-z0-9]/,
});
const resourceGroup = name(
  RESOURCE_GROUP_NAME,
  'must be 1-90 letters, digits, "-", "_", ".", "(" or ")" and must not end in "." (Azure resource group name rule)',
  { min: 1, max: 90, allowedChar: /[-\w.()]/ },
);
/** Whole days between 1 and `max`. */
const days = (max: number) =>
  z
    .number()
    .refine(Number.isInteger, 'must be a whole number of days')
    .refine((n) => n >= 1 && n <= max, `must be between 1 and ${max} days`);

const namespace = name(NAMESPACE, 'must be a Kubernetes namespace name (a lowercase DNS-1123 label: 1-63 of a-z, 0-9 and "-")', {
  min: 1,
  max: 63,
  allowedChar: /[a-z0-9-]/,
});

/**
 * superRefine arguments for a list of objects whose `name` must be unique: each repeat is an issue
 * at `[i, 'name']` with `message(name, index of the first)`. Runs also when an entry fails its own
 * rules (so an entry may be anything), so a duplicate is reported with every other problem in one pass.
 */
function uniqueNames(message: (name: string, first: number) => string) {
  return [
    (list: unknown, ctx: z.RefinementCtx) => {
      if (!Array.isArray(list)) return; // not a list at all: the type error says so
      const seen = new Map<string, number>();
      (list as unknown[]).forEach((entry, i) => {
        const name = (entry as { name?: unknown } | null)?.name;
        if (typeof name !== 'string') return;
        const first = seen.get(name);
        if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: message(name, first) });
        else seen.set(name, i);
      });
    },
    { when: () => true },
  ] as const;
}

/**
 * A list whose entries must be unique; `what` names them in the message. `key` decides what
 * counts as the same entry (Azure role names, for one, compare case-insensitively).
 */
function uniqueList<T extends z.ZodType<string>>(item: T, what: string, key: (value: string) => string = (v) => v) {
  return z.array(item).superRefine(
    (list, ctx) => {
      if (!Array.isArray(list)) return; // not a list at all: the type error says so
      const seen = new Map<string, string>();
      (list as unknown[]).forEach((value, i) => {
        // Runs even when an entry failed its own rule (below), so it may be anything.
        if (typeof value !== 'string') return;
        const first = seen.get(key(value));
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: first === value ? `duplicate ${what} "${value}"` : `duplicate ${what} "${value}" (same as "${first}")`,
          });
        } else seen.set(key(value), value);
      });
    },
    // Also when an entry is bad: a duplicate is reported next to it, every problem in one pass.
    { when: () => true },
  );
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
    containerName: name(BLOB_CONTAINER_NAME, 'must be 3-63 lowercase letters, digits and single hyphens (blob container rule)', {
      min: 3,
      max: 63,
      allowedChar: /[a-z0-9-]/,
    }),
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
  name: name(ACR_NAME, 'must be 5-50 letters and digits (Azure container registry name rule)', {
    min: 5,
    max: 50,
    allowedChar: /[a-zA-Z0-9]/,
  }),
  resourceGroup: resourceGroup.optional(),
  create: z.boolean().optional(),
  sku: z.enum(['Basic', 'Standard', 'Premium']).optional(),
});

const principal = z.union(
  [
    z.strictObject({ appId: guid }),
    z.strictObject({ objectId: guid }),
    // The cluster's monitoring add-on identity (oms_agent), read from the cluster at plan time.
    z.strictObject({ monitoringAgent: z.literal(true) }),
  ],
  {
    error:
      'must be {appId: <guid>} (an application id, resolved to its service principal), {objectId: <guid>} or {monitoringAgent: true} (the cluster\'s monitoring add-on identity)',
  },
);

/**
 * A role: the name of an Azure built-in role (config/built-in-roles.json, Azure's full list as of
 * its date; compared case-insensitively, as ARM does), or any role's definition GUID (custom
 * roles, built-ins newer than the list). A name that is not in the list is an error, so a typo
 * fails synth instead of `terraform apply`.
 */
const role = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .superRefine((value, ctx) => {
    if (value === '' || GUID.test(value) || findBuiltInRole(value)) return; // '' is reported by min(1)
    const close = closestBuiltInRole(value);
    ctx.addIssue({
      code: 'custom',
      message:
        `"${value}" is not the name of an Azure built-in role` +
        (close ? `; did you mean "${close.name}"?` : '') +
        ` (names are checked against Azure's list of ${BUILT_IN_ROLES.length} built-in roles as of ${BUILT_IN_ROLES_SOURCE.date},` +
        ' config/built-in-roles.json; give a newer built-in role or a custom role by its role definition GUID)',
    });
  });

export const MonitoringSchema = z.strictObject({
  principal,
  // Two spellings of one role (a name and its GUID, or two casings) are one assignment.
  roles: uniqueList(role, 'role', (r) => findBuiltInRole(r)?.id ?? r.toLowerCase())
    .min(1, 'must list at least one role')
    .optional(),
});

const diagnosticSettingName = name(DIAGNOSTIC_SETTING_NAME, 'must be 1-260 letters, digits, "-", "_" or ".", starting with a letter or digit', {
  min: 1,
  max: 260,
  allowedChar: /[A-Za-z0-9_.-]/,
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
  diagnosticSettingName: diagnosticSettingName.optional(),
});

/** Why kube-audit never goes to the workspace, in the runbook's words. */
export const KUBE_AUDIT_TO_WORKSPACE =
  'kube-audit does not go to a workspace: the runbook says "Directing the logs to Azure Monitor for Containers gets really expensive, really fast, due to the sheer volume of data records that are captured" and to "direct kube-audit logs to an Azure Storage Account, NOT Log Analytics"; send it with auditLogs.categories (storage) instead, or send the much smaller kube-audit-admin here';

/**
 * The second diagnostic setting: control-plane categories worth querying, to a Log Analytics
 * workspace. Single categories only: both category groups include kube-audit (see cross-field.ts
 * for the kube-audit and overlap rules, which need the whole cluster).
 */
export const WorkspaceLogsSchema = z.strictObject({
  workspaceResourceId: resourceIdOf(['Microsoft.OperationalInsights/workspaces']),
  categories: uniqueList(
    z.enum(AKS_LOG_CATEGORIES, {
      error: (issue) =>
        (AKS_LOG_CATEGORY_GROUPS as readonly unknown[]).includes(issue.input)
          ? `"${String(issue.input)}" is a category group, and both AKS groups include kube-audit; list single categories here`
          : `"${String(issue.input)}" is not an AKS log category; use one of ${AKS_LOG_CATEGORIES.join(', ')}`,
    }),
    'category',
  )
    .min(1, 'must list at least one category')
    .superRefine(
      (categories, ctx) => {
        if (!Array.isArray(categories)) return;
        categories.forEach((c, i) => {
          if (c === 'kube-audit') ctx.addIssue({ code: 'custom', path: [i], message: KUBE_AUDIT_TO_WORKSPACE });
        });
      },
      // Also when another entry is bad: every problem in one pass.
      { when: () => true },
    )
    .optional(),
  /** Name of this diagnostic setting on the cluster. */
  diagnosticSettingName: diagnosticSettingName.optional(),
});

const emailAddress = z.string().regex(EMAIL_ADDRESS, 'must be an email address like aks-oncall@contoso.com');

const httpsUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute https:// URL' });
    return;
  }
  if (url.protocol !== 'https:') {
    ctx.addIssue({
      code: 'custom',
      message: `must use https, not ${url.protocol.replace(':', '')}: alert payloads name the cluster and its resources`,
    });
  }
});

/** Where alerts go: receivers for a new action group, or an action group that exists already. */
export const ActionGroupSchema = z.strictObject({
  emails: uniqueList(emailAddress, 'email address', (e) => e.toLowerCase()).optional(),
  webhooks: uniqueList(httpsUrl, 'webhook').optional(),
  existingId: resourceIdOf(['Microsoft.Insights/actionGroups']).optional(),
});

const MetricAlertFields = z.strictObject({
  name: name(ALERT_RULE_NAME, 'must be 1-63 lowercase letters, digits and "-", starting and ending with a letter or digit', {
    min: 1,
    max: 63,
    allowedChar: /[a-z0-9-]/,
  }),
  metric: z.string(),
  aggregation: z.string().optional(),
  operator: z.string(),
  threshold: z.number(),
  windowMinutes: z.number().optional(),
  severity: z.number().optional(),
});

/**
 * Value rules of one metric alert, checked together so every message can name its rule:
 * the metric must be an AKS platform metric, its aggregation one Azure offers for that metric,
 * the window one azurerm accepts and not shorter than the metric's time grain.
 */
function checkMetricAlert(value: unknown, ctx: z.RefinementCtx): void {
  const rule = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const label = typeof rule.name === 'string' ? `rule "${rule.name}"` : 'this rule';
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message: `${label}: ${message}` });

  const metric = typeof rule.metric === 'string' ? AKS_PLATFORM_METRICS[rule.metric] : undefined;
  if (typeof rule.metric === 'string' && !metric) {
    issue(
      'metric',
      `"${rule.metric}" is not an AKS platform metric (Microsoft.ContainerService/managedClusters); use one of ${Object.keys(AKS_PLATFORM_METRICS).join(', ')}`,
    );
  }
  if (typeof rule.aggregation === 'string') {
    if (!(METRIC_ALERT_AGGREGATIONS as readonly string[]).includes(rule.aggregation)) {
      issue('aggregation', `"${rule.aggregation}" is not an aggregation; use one of ${METRIC_ALERT_AGGREGATIONS.join(', ')}`);
    } else if (metric && !(metric.aggregations as readonly string[]).includes(rule.aggregation)) {
      issue(
        'aggregation',
        `${String(rule.metric)} offers only ${metric.aggregations.join(' and ')}, not ${rule.aggregation} (Azure's metric definition)`,
      );
    }
  }
  if (typeof rule.operator === 'string' && !(METRIC_ALERT_OPERATORS as readonly string[]).includes(rule.operator)) {
    issue('operator', `"${rule.operator}" is not an operator; use one of ${METRIC_ALERT_OPERATORS.join(', ')}`);
  }
  if (typeof rule.windowMinutes === 'number') {
    const windows = Object.keys(METRIC_ALERT_WINDOWS).map(Number);
    if (!windows.includes(rule.windowMinutes)) {
      issue('windowMinutes', `must be one of ${windows.join(', ')} minutes (the windows Azure metric alerts offer)`);
    } else if (metric && rule.windowMinutes < metric.minGrainMinutes) {
      issue(
        'windowMinutes',
        `${String(rule.metric)} is sampled every ${metric.minGrainMinutes} minutes at best, so a ${rule.windowMinutes}-minute window has no data; use ${metric.minGrainMinutes} or more`,
      );
    }
  }
  if (typeof rule.severity === 'number') {
    const { min, max } = METRIC_ALERT_SEVERITY;
    if (!Number.isInteger(rule.severity) || rule.severity < min || rule.severity > max) {
      issue('severity', `must be a whole number from ${min} (critical) to ${max} (verbose)`);
    }
  }
}

export const MetricAlertSchema = MetricAlertFields.superRefine(checkMetricAlert, { when: () => true });

export const PROMETHEUS_RULE_GROUP_LEVELS = ['cluster', 'node', 'pod'] as const;

export const PrometheusAlertsSchema = z.strictObject({
  azureMonitorWorkspaceId: resourceIdOf(['Microsoft.Monitor/accounts']),
  ruleGroups: uniqueList(
    z.enum(PROMETHEUS_RULE_GROUP_LEVELS, { error: 'must be cluster, node or pod (Azure\'s recommended rule groups)' }),
    'rule group',
  )
    .min(1, 'must list at least one rule group')
    .optional(),
});

export const AlertsSchema = z.strictObject({
  actionGroup: ActionGroupSchema,
  /** Azure's two recommended platform metric alerts. */
  recommended: z.boolean().optional(),
  metricAlerts: z
    .array(MetricAlertSchema)
    .superRefine(...uniqueNames((name, first) => `duplicate rule name "${name}" (also metricAlerts[${first}])`))
    .optional(),
  prometheus: PrometheusAlertsSchema.optional(),
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
      name: name(NETWORK_WATCHER_NAME, 'must be a Network Watcher name (1-80 letters, digits, "-", "_" or ".")', {
        min: 1,
        max: 80,
        allowedChar: /[\w.-]/,
      }).optional(),
      resourceGroup: resourceGroup.optional(),
    })
    .optional(),
  trafficAnalytics: TrafficAnalyticsSchema.optional(),
});

export const AppGatewaySchema = z.strictObject({
  publicIpName: name(PUBLIC_IP_NAME, 'must be an Azure public IP name (1-80 letters, digits, "-", "_" or ".")', {
    min: 1,
    max: 80,
    allowedChar: /[\w.-]/,
  }),
  resourceGroup: resourceGroup.optional(),
});

const repoEntry = z
  .string()
  .min(1, 'must not be empty: an empty entry would match every image')
  .regex(/^\S*$/, 'must not contain whitespace')
  .superRefine((value, ctx) => {
    // A registry needs its "/": without one, the runtime reads the entry as a Docker Hub image
    // (config/image-rule.ts), which admits none of the registry's images.
    const name = value.split(/[:@]/)[0]!;
    if (value.includes('/') || !(name.includes('.') || name === 'localhost')) return;
    ctx.addIssue({
      code: 'custom',
      message:
        `"${value}" looks like a registry but has no "/": without one it is the Docker Hub image docker.io/library/${value}, ` +
        `which admits none of the registry's images; did you mean "${value}/"?`,
    });
  });

export const PolicySchema = z.strictObject({
  engine: z
    .enum(['gatekeeper', 'vap', 'azure-policy'], {
      error: 'must be "gatekeeper" (Gatekeeper 3.18+), "vap" (ValidatingAdmissionPolicy, Kubernetes 1.30+) or "azure-policy" (the AKS Azure Policy add-on)',
    })
    .optional(),
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
  /** Name of the constraint (or VAP binding); under azure-policy, whose add-on names the constraint, of the image-volume VAP (`<name>-image-volumes`). */
  name: name(/^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/, 'must be a lowercase DNS-1123 name (1-253 of a-z, 0-9, "-" and ".")', {
    min: 1,
    max: 253,
    allowedChar: /[a-z0-9.-]/,
  }).optional(),
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
  name: name(CLUSTER_KEY, 'must be 1-40 lowercase letters, digits and "-", starting and ending with a letter or digit', {
    min: 1,
    max: 40,
    allowedChar: /[a-z0-9-]/,
  }),
  subscriptionId: guid.optional(),
  resourceGroup,
  aksName: name(AKS_NAME, 'must be 1-63 letters, digits, "-" or "_", starting and ending with a letter or digit', {
    min: 1,
    max: 63,
    allowedChar: /[a-zA-Z0-9_-]/,
  }),
  location: z.string().regex(LOCATION, 'must be an Azure region name like eastus or westeurope (lowercase, no spaces)'),
  /** The API server is private: output private_fqdn instead of fqdn. */
  privateCluster: z.boolean().optional(),
  /**
   * Let the azurerm provider register the resource providers this cluster's resources need.
   * false for identities that may not register resource providers on the subscription
   * (`Microsoft.<Namespace>/register/action`).
   */
  registerResourceProviders: z.boolean().optional(),
  acr: AcrSchema.optional(),
  monitoring: MonitoringSchema.optional(),
  auditLogs: AuditLogsSchema.optional(),
  workspaceLogs: WorkspaceLogsSchema.optional(),
  alerts: AlertsSchema.optional(),
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
    .superRefine(
      ...uniqueNames((name, first) => `duplicate cluster name "${name}" (also clusters[${first}]): names key stacks, state and dist/ folders`),
    ),
});

export type ConfigInput = z.infer<typeof ConfigSchema>;
export type ClusterInput = z.infer<typeof ClusterSchema>;
