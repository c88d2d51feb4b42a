/**
 * Naming and format rules that Azure or Kubernetes would enforce later, at deploy time.
 * Checked up front so a bad value fails `npm run synth` with a message naming the field,
 * instead of failing `cdktf deploy` halfway through a pipeline.
 */

export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Storage account: 3-24 lowercase letters and digits (globally unique in Azure). */
export const STORAGE_ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

/** Container registry: 5-50 letters and digits. */
export const ACR_NAME = /^[a-zA-Z0-9]{5,50}$/;

/** Resource group: 1-90 of letters, digits, `-`, `_`, `.`, `(`, `)`, not ending in `.`. */
export const RESOURCE_GROUP_NAME = /^[-\w.()]{0,89}[-\w()]$/;

/** Managed cluster: 1-63 of letters, digits, `-`, `_`, starting and ending alphanumeric. */
export const AKS_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?$/;

/** Public IP address resource: 1-80 of letters, digits, `-`, `_`, `.`; starts alphanumeric, ends alphanumeric or `_`. */
export const PUBLIC_IP_NAME = /^[a-zA-Z0-9](?:[\w.-]{0,78}[a-zA-Z0-9_])?$/;

/** Network Watcher: same shape as other Microsoft.Network names. */
export const NETWORK_WATCHER_NAME = /^[a-zA-Z0-9](?:[\w.-]{0,78}[a-zA-Z0-9_])?$/;

/** Azure region short name as the CLI prints it (`eastus`, `westeurope`, `eastus2`). */
export const LOCATION = /^[a-z][a-z0-9]{2,39}$/;

/**
 * Cluster key in this config: it names the cdktf stack, the Terraform state key and
 * the dist/<name>/ folder, so it must be safe in all three.
 */
export const CLUSTER_KEY = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** Kubernetes namespace (DNS-1123 label). */
export const NAMESPACE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Blob container name: 3-63 lowercase letters, digits and single hyphens. */
export const BLOB_CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Diagnostic log categories AKS (Microsoft.ContainerService/managedClusters) offers.
 * Source: Azure Monitor's supported-logs list for managed clusters.
 */
export const AKS_LOG_CATEGORIES = [
  'kube-apiserver',
  'kube-audit',
  'kube-audit-admin',
  'kube-controller-manager',
  'kube-scheduler',
  'cluster-autoscaler',
  'cloud-controller-manager',
  'guard',
  'csi-azuredisk-controller',
  'csi-azurefile-controller',
  'csi-snapshot-controller',
  'fleet-member-agent',
  'fleet-member-net-controller-manager',
  'fleet-mcs-controller-manager',
  'karpenter-events',
] as const;

/** Diagnostic setting name: letters, digits, `-`, `_`, `.`, starting with a letter or digit. */
export const DIAGNOSTIC_SETTING_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,259}$/;

/**
 * Azure Monitor allows at most 5 diagnostic settings per resource (Microsoft's "Diagnostic
 * settings in Azure Monitor" page). aks-day2 creates at most two on a cluster (auditLogs,
 * workspaceLogs); the others are the cluster owner's.
 */
export const MAX_DIAGNOSTIC_SETTINGS_PER_RESOURCE = 5;

/** An email address: something@domain.tld, no spaces (Azure checks deliverability, not this). */
export const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Name of an alert rule in the config: it becomes part of an Azure name and a Terraform address. */
export const ALERT_RULE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Category groups AKS offers; a group stands for several categories at once. */
export const AKS_LOG_CATEGORY_GROUPS = ['allLogs', 'audit'] as const;

/**
 * ARM resource types whose id this project writes to Terraform, spelled as Azure (and the
 * azurerm provider's Read) writes them back. The provider's flow-log Read rewrites
 * `target_resource_id` with `commonids.ParseVirtualNetworkIDInsensitively(...).ID()` (or the
 * subnet / NSG equivalent), whose format strings are
 * `/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworks/%s[/subnets/%s]`
 * (go-azure-helpers resourcemanager/commonids/virtual_network.go, subnet.go; azurerm v4.55.0
 * internal/services/network/network_watcher_flow_log_resource.go, resourceNetworkWatcherFlowLogRead).
 * Workspaces: `workspaces.NewWorkspaceID(...).ID()` in the workspace data source.
 */
export const CANONICAL_RESOURCE_TYPES = [
  'Microsoft.Network/virtualNetworks',
  'Microsoft.Network/virtualNetworks/subnets',
  'Microsoft.Network/networkSecurityGroups',
  'Microsoft.OperationalInsights/workspaces',
  // azurerm's action group and Azure Monitor workspace ids (actiongroupsapis.ActionGroupId,
  // azuremonitorworkspaces.AccountId): what alerts.actionGroup.existingId and
  // alerts.prometheus.azureMonitorWorkspaceId are written as.
  'Microsoft.Insights/actionGroups',
  'Microsoft.Monitor/accounts',
] as const;

/**
 * Categories each AKS category group stands for. `audit` is AKS's security audit set;
 * `allLogs` is every category this project knows.
 */
export const AKS_LOG_CATEGORY_GROUP_MEMBERS: Readonly<Record<(typeof AKS_LOG_CATEGORY_GROUPS)[number], readonly string[]>> = {
  audit: ['kube-audit', 'kube-audit-admin', 'guard'],
  allLogs: AKS_LOG_CATEGORIES,
};

/** Categories and groups as the single categories they send. */
export function expandLogCategories(categories: readonly string[]): string[] {
  const groups = AKS_LOG_CATEGORY_GROUP_MEMBERS as Readonly<Record<string, readonly string[]>>;
  return [...new Set(categories.flatMap((c) => groups[c] ?? [c]))];
}

/** An ARM resource id, split into the parts this project needs. */
export interface ResourceId {
  /** Lowercase, as ARM returns subscription GUIDs. */
  readonly subscriptionId: string;
  /** As written in the config (names are kept as given). */
  readonly resourceGroup: string;
  /**
   * e.g. `Microsoft.Network/virtualNetworks` or `Microsoft.Network/virtualNetworks/subnets`,
   * in Azure's spelling when it is one of CANONICAL_RESOURCE_TYPES, else as written.
   */
  readonly type: string;
  /** Names along the type path, as written, e.g. `['hub-vnet', 'aks-subnet']` for a subnet. */
  readonly names: readonly string[];
  /**
   * The id in canonical form: segment keys (`subscriptions`, `resourceGroups`, `providers`),
   * namespace and types as Azure returns them, names as given. This is what goes to Terraform,
   * so the provider's Read writes back exactly this and a re-plan is empty.
   */
  readonly id: string;
  /** The id as written in the config (any casing of the fixed segments). */
  readonly written: string;
}

/**
 * Parse `/subscriptions/<guid>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>[/<type>/<name>…]`.
 * Returns undefined when the id does not have that shape. ARM treats the fixed segments,
 * namespaces and types case-insensitively, so this does too, and returns them canonical.
 */
export function parseResourceId(id: string): ResourceId | undefined {
  const parts = id.split('/');
  if (parts.length < 9 || parts.length % 2 === 0 || parts[0] !== '') return undefined;
  const [, subs, subscriptionId, rgs, resourceGroup, providers, namespace, ...rest] = parts;
  if (subs.toLowerCase() !== 'subscriptions' || !GUID.test(subscriptionId)) return undefined;
  if (rgs.toLowerCase() !== 'resourcegroups' || !RESOURCE_GROUP_NAME.test(resourceGroup)) return undefined;
  if (providers.toLowerCase() !== 'providers' || !/^[A-Za-z]+\.[A-Za-z.]+$/.test(namespace)) return undefined;
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    if (!rest[i] || !rest[i + 1]) return undefined;
    types.push(rest[i]);
    names.push(rest[i + 1]);
  }
  const written = [namespace, ...types].join('/');
  const type = CANONICAL_RESOURCE_TYPES.find((t) => sameType(t, written)) ?? written;
  return {
    subscriptionId: subscriptionId.toLowerCase(),
    resourceGroup,
    type,
    names,
    id: canonicalResourceId(subscriptionId, resourceGroup, type, names),
    written: id,
  };
}

/** `/subscriptions/<sub>/resourceGroups/<rg>/providers/<Namespace>/<t1>/<n1>[/<t2>/<n2>…]` */
function canonicalResourceId(subscriptionId: string, resourceGroup: string, type: string, names: readonly string[]): string {
  const [namespace, ...types] = type.split('/');
  const path = types.flatMap((t, i) => [t, names[i]]);
  return ['', 'subscriptions', subscriptionId.toLowerCase(), 'resourceGroups', resourceGroup, 'providers', namespace, ...path].join('/');
}

/** Type names compared the way ARM compares them. */
export function sameType(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
