/**
 * `tofu test` cases for every pre- and postcondition of a synthesized stack: the data sources
 * are mocked (mock_provider) with the values a healthy Azure would return for the cluster's
 * config, one run shows every condition holding (and the outputs the firewall team gets), and
 * one run per failing case changes one fact (another region, a private cluster, no kubelet
 * identity, another subscription, …) and expects exactly the errors that fact must cause, each
 * naming the config field to fix, rendered by Tofu.
 *
 * The facts and what each must break are written here by hand from the runbook and the
 * provider's data source schemas, not read from the conditions; every condition in the stack
 * must be broken by some case, so a new condition without a case fails the run.
 */
import type { ClusterConfig } from '../config/model';

type Values = Record<string, unknown>;

/** One condition as the stack declares it. */
export interface Condition {
  /** `data.azurerm_kubernetes_cluster.aks` */
  readonly address: string;
  readonly kind: 'precondition' | 'postcondition';
  readonly index: number;
  readonly condition: string;
}

export interface Expected {
  /** The object whose condition must fail. */
  readonly address: string;
  /** Each must appear in the rendered message. */
  readonly includes: readonly string[];
}

export interface FailingCase {
  /** File-name safe. */
  readonly name: string;
  readonly description: string;
  /** Data source address → the attributes this case changes. */
  readonly change: Readonly<Record<string, Values>>;
  readonly expect: readonly Expected[];
}

export interface StackCases {
  /** Healthy values of every data source the stack reads, by address. */
  readonly healthy: ReadonlyMap<string, Values>;
  /** The providers the stack requires: each is mocked. */
  readonly providers: readonly string[];
  /** Computed attributes of the resources the stack creates, by type (mock_resource defaults). */
  readonly resources: ReadonlyMap<string, Values>;
  /** Assertions on the outputs in the healthy run: output name → the value Tofu must compute. */
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly failing: readonly FailingCase[];
}

export function conditionsOf(stack: any): Condition[] {
  const out: Condition[] = [];
  for (const [mode, prefix] of [['data', 'data.'], ['resource', '']] as const) {
    for (const [type, blocks] of Object.entries<any>(stack[mode] ?? {})) {
      for (const [name, block] of Object.entries<any>(blocks)) {
        for (const kind of ['precondition', 'postcondition'] as const) {
          (block.lifecycle?.[kind] ?? []).forEach((c: { condition: string }, index: number) =>
            out.push({ address: `${prefix}${type}.${name}`, kind, index, condition: c.condition }),
          );
        }
      }
    }
  }
  return out;
}

const OTHER_SUBSCRIPTION = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
const DEFAULT_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
const API_SERVER_IPS = ['20.75.1.9', '20.75.1.10'];
const APP_GATEWAY_IP = '52.170.4.7';

const armId = (sub: string, rg: string, provider: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/${provider}/${name}`;
const guid = (n: number) => `${String(n).repeat(8)}-${String(n).repeat(4)}-${String(n).repeat(4)}-${String(n).repeat(4)}-${String(n).repeat(12)}`;

/** A region that is not `location`. */
const elsewhere = (location: string) => (location === 'westeurope' ? 'northeurope' : 'westeurope');

/**
 * What Azure returns for each lookup of a stack built from `cluster`, as the provider's data
 * source schemas (v4.55.0) name the attributes.
 */
function healthyData(stack: any, cluster: ClusterConfig): { sub: string; data: Map<string, Values> } {
  // The stack works in the cluster's subscription: the config's, or (ARM_SUBSCRIPTION_ID at
  // deploy time) the one of the resources it names by id.
  const sub =
    cluster.subscriptionId ??
    cluster.flowLogs?.target.subscriptionId ??
    cluster.flowLogs?.trafficAnalytics?.workspace.subscriptionId ??
    cluster.alerts?.prometheus?.workspace.subscriptionId ??
    DEFAULT_SUBSCRIPTION;
  const data = new Map<string, Values>();
  for (const [type, blocks] of Object.entries<any>(stack.data ?? {})) {
    for (const [name, block] of Object.entries<any>(blocks)) {
      const address = `data.${type}.${name}`;
      const rg: string = block.resource_group_name;
      const n: string = block.name;
      switch (type) {
        case 'azurerm_kubernetes_cluster':
          data.set(address, {
            id: armId(sub, rg, 'Microsoft.ContainerService', `managedClusters/${n}`),
            location: cluster.location,
            fqdn: cluster.privateCluster ? '' : `${n}-dns-4f1c2a.hcp.${cluster.location}.azmk8s.io`,
            private_fqdn: cluster.privateCluster ? `${n}-dns-4f1c2a.privatelink.${cluster.location}.azmk8s.io` : '',
            private_cluster_enabled: cluster.privateCluster,
            azure_policy_enabled: cluster.policy?.engine === 'azure-policy',
            kubelet_identity: [
              {
                client_id: guid(2),
                object_id: guid(3),
                user_assigned_identity_id: armId(sub, `MC_${rg}_${n}_${cluster.location}`, 'Microsoft.ManagedIdentity', `userAssignedIdentities/${n}-agentpool`),
              },
            ],
            oms_agent: [
              {
                log_analytics_workspace_id: armId(sub, rg, 'Microsoft.OperationalInsights', 'workspaces/insights'),
                msi_auth_for_monitoring_enabled: true,
                oms_agent_identity: [
                  {
                    client_id: guid(4),
                    object_id: guid(5),
                    user_assigned_identity_id: armId(sub, `MC_${rg}_${n}_${cluster.location}`, 'Microsoft.ManagedIdentity', `userAssignedIdentities/omsagent-${n}`),
                  },
                ],
              },
            ],
          });
          break;
        case 'azurerm_container_registry':
          data.set(address, { id: armId(sub, rg, 'Microsoft.ContainerRegistry', `registries/${n}`), login_server: `${n.toLowerCase()}.azurecr.io`, location: cluster.location });
          break;
        case 'azurerm_log_analytics_workspace': {
          const wsSub = cluster.flowLogs?.trafficAnalytics?.workspace.subscriptionId ?? sub;
          data.set(address, { id: armId(wsSub, rg, 'Microsoft.OperationalInsights', `workspaces/${n}`), workspace_id: guid(6), location: cluster.location });
          break;
        }
        case 'azurerm_network_watcher':
          data.set(address, { id: armId(sub, rg, 'Microsoft.Network', `networkWatchers/${n}`), location: cluster.location });
          break;
        case 'azurerm_virtual_network': {
          const vnetSub = cluster.flowLogs?.target.subscriptionId ?? sub;
          data.set(address, { id: armId(vnetSub, rg, 'Microsoft.Network', `virtualNetworks/${n}`), location: cluster.location, guid: guid(7) });
          break;
        }
        case 'azurerm_public_ip':
          data.set(address, { id: armId(sub, rg, 'Microsoft.Network', `publicIPAddresses/${n}`), ip_address: APP_GATEWAY_IP, location: cluster.location });
          break;
        case 'azurerm_monitor_workspace': {
          const pSub = cluster.alerts?.prometheus?.workspace.subscriptionId ?? sub;
          data.set(address, { id: armId(pSub, rg, 'Microsoft.Monitor', `accounts/${n}`), location: cluster.location, query_endpoint: `https://${n}.${cluster.location}.prometheus.monitor.azure.com` });
          break;
        }
        case 'azuread_service_principal':
          data.set(address, { id: `/servicePrincipals/${guid(8)}`, object_id: guid(8), client_id: block.client_id, display_name: 'monitoring' });
          break;
        case 'dns_a_record_set':
          data.set(address, { addrs: API_SERVER_IPS, id: 'api-server' });
          break;
        default:
          throw new Error(`conformance/tofu-cases.ts has no healthy value for data source type ${type} (${address}): add one`);
      }
      // What the configuration sets is not the lookup's to return (Tofu refuses to override it).
      const values = data.get(address)!;
      for (const key of Object.keys(block)) delete values[key];
    }
  }
  return { sub, data };
}

/**
 * Ids of the resources a stack creates, as Azure forms them: the mock provider invents the
 * computed attributes of planned resources, and a random string where another resource expects
 * an id fails the provider's id validators before any condition is evaluated.
 */
function resourceIds(stack: any, cluster: ClusterConfig, sub: string): Map<string, Values> {
  const rg = cluster.resourceGroup;
  const scope = `/subscriptions/${sub}/resourceGroups/${rg}`;
  const ids: Record<string, string> = {
    azurerm_storage_account: `${scope}/providers/Microsoft.Storage/storageAccounts/aksday2mock`,
    azurerm_storage_management_policy: `${scope}/providers/Microsoft.Storage/storageAccounts/aksday2mock/managementPolicies/default`,
    azurerm_container_registry: `${scope}/providers/Microsoft.ContainerRegistry/registries/aksday2mock`,
    azurerm_monitor_action_group: `${scope}/providers/Microsoft.Insights/actionGroups/aks-day2-mock`,
    azurerm_monitor_metric_alert: `${scope}/providers/Microsoft.Insights/metricAlerts/aks-day2-mock`,
    azurerm_monitor_alert_prometheus_rule_group: `${scope}/providers/Microsoft.AlertsManagement/prometheusRuleGroups/aks-day2-mock`,
    azurerm_monitor_diagnostic_setting: `${scope}/providers/Microsoft.ContainerService/managedClusters/${cluster.aksName}|aks-day2-mock`,
    azurerm_network_watcher_flow_log: `/subscriptions/${sub}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_${cluster.location}/flowLogs/aks-day2-mock`,
    azurerm_role_assignment: `${scope}/providers/Microsoft.Authorization/roleAssignments/${guid(9)}`,
    azurerm_resource_policy_assignment: `${scope}/providers/Microsoft.Authorization/policyAssignments/aks-day2-mock`,
  };
  const out = new Map<string, Values>();
  for (const type of Object.keys(stack.resource ?? {})) {
    const id = ids[type];
    if (!id) throw new Error(`conformance/tofu-cases.ts has no mock id for resource type ${type}: add one`);
    out.set(type, { id });
  }
  return out;
}

/** The outputs Tofu must compute from the healthy lookups, worked out here independently. */
function expectedOutputs(stack: any, cluster: ClusterConfig, data: Map<string, Values>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = Object.keys(stack.output ?? {});
  const aks = data.get('data.azurerm_kubernetes_cluster.aks');
  // A private cluster's API server is reached by its private FQDN (inside the VNet).
  if (names.includes('api_server_fqdn') && aks) out.api_server_fqdn = cluster.privateCluster ? aks.private_fqdn : aks.fqdn;
  if (names.includes('api_server_ips')) out.api_server_ips = API_SERVER_IPS;
  if (names.includes('app_gateway_public_ip')) out.app_gateway_public_ip = APP_GATEWAY_IP;
  if (names.includes('firewall_allowlist')) {
    const addrs = [...(cluster.privateCluster ? [] : API_SERVER_IPS), ...(cluster.appGateway ? [APP_GATEWAY_IP] : [])];
    out.firewall_allowlist = [...new Set(addrs.map((a) => `${a}/32`))].sort();
  }
  return out;
}

export function casesFor(stack: any, cluster: ClusterConfig): StackCases {
  const { sub, data: healthy } = healthyData(stack, cluster);
  const at = cluster.fieldPath;
  const aks = 'data.azurerm_kubernetes_cluster.aks';
  const failing: FailingCase[] = [];
  const has = (address: string) => healthy.has(address);
  const conditions = conditionsOf(stack);
  const onAks = (pattern: RegExp) => conditions.some((c) => c.address === aks && pattern.test(c.condition));

  if (has(aks)) {
    const other = elsewhere(cluster.location);
    failing.push({
      name: 'cluster-in-another-region',
      description: `the cluster is in ${other}, the config says ${cluster.location}`,
      change: { [aks]: { location: other } },
      expect: [{ address: aks, includes: [`${at}.location`, `"${cluster.location}"`, other] }],
    });
    const privateValues = cluster.privateCluster ? [false, null] : [true];
    for (const value of privateValues) {
      failing.push({
        name: `private-cluster-${value}`,
        description: `private_cluster_enabled is ${value} but the config says privateCluster: ${cluster.privateCluster}`,
        change: { [aks]: { private_cluster_enabled: value } },
        expect: [{ address: aks, includes: [`${at}.privateCluster is ${cluster.privateCluster}`, cluster.aksName] }],
      });
    }
    if (cluster.acr) {
      failing.push({
        name: 'no-kubelet-identity',
        description: 'a service-principal cluster: no kubelet identity to grant AcrPull to',
        change: { [aks]: { kubelet_identity: [] } },
        expect: [{ address: aks, includes: [`${at}.acr`, cluster.aksName] }],
      });
      if (onAks(/kubelet_identity\[0\]\.object_id/)) {
        failing.push({
          name: 'kubelet-identity-without-object-id',
          description: 'a kubelet identity whose object_id is empty',
          change: { [aks]: { kubelet_identity: [{ client_id: '', object_id: '', user_assigned_identity_id: '' }] } },
          expect: [{ address: aks, includes: [`${at}.acr`, cluster.aksName] }],
        });
      }
    }
    if (cluster.policy?.engine === 'azure-policy') {
      for (const value of [false, null]) {
        failing.push({
          name: `azure-policy-addon-${value}`,
          description: `engine azure-policy, but the add-on is ${value}`,
          change: { [aks]: { azure_policy_enabled: value } },
          expect: [{ address: aks, includes: [`${at}.policy.engine is azure-policy`, cluster.aksName] }],
        });
      }
    }
    if (cluster.policy?.engine === 'gatekeeper') {
      failing.push({
        name: 'azure-policy-addon-beside-gatekeeper',
        description: 'engine gatekeeper, but the Azure Policy add-on is on',
        change: { [aks]: { azure_policy_enabled: true } },
        expect: [{ address: aks, includes: [`${at}.policy.engine is gatekeeper`, cluster.aksName] }],
      });
    }
    if (cluster.monitoring && 'monitoringAgent' in cluster.monitoring.principal) {
      failing.push({
        name: 'no-monitoring-addon-identity',
        description: 'monitoring.principal is the monitoring add-on, which is off',
        change: { [aks]: { oms_agent: [] } },
        expect: [{ address: aks, includes: ['monitoring.principal', `cluster "${cluster.name}"`, cluster.aksName] }],
      });
    }
    // Lookups by name in the stack's subscription (the cluster's) of resources the config names
    // by id in another one: each must refuse, naming its field.
    const bySubscription: Expected[] = [];
    const vnet = 'data.azurerm_virtual_network.flow_log_target_vnet';
    const law = 'data.azurerm_log_analytics_workspace.traffic_analytics_workspace';
    const prom = 'data.azurerm_monitor_workspace.prometheus_workspace';
    if (has(vnet)) bySubscription.push({ address: vnet, includes: [`${at}.flowLogs.targetResourceId`, OTHER_SUBSCRIPTION] });
    if (has(law)) bySubscription.push({ address: law, includes: [`${at}.flowLogs.trafficAnalytics.workspaceResourceId`, OTHER_SUBSCRIPTION] });
    if (has(prom)) bySubscription.push({ address: prom, includes: [`${at}.alerts.prometheus.azureMonitorWorkspaceId`, OTHER_SUBSCRIPTION] });
    if (bySubscription.length > 0) {
      const id = String(healthy.get(aks)!.id).replace(/^\/subscriptions\/[^/]+/, `/subscriptions/${OTHER_SUBSCRIPTION}`);
      failing.push({
        name: 'cluster-in-another-subscription',
        description: 'the resources named by id are in another subscription than the cluster',
        change: { [aks]: { id } },
        expect: bySubscription,
      });
    }
    if (has(vnet) && has('data.azurerm_network_watcher.network_watcher')) {
      const other = elsewhere(cluster.location);
      failing.push({
        name: 'flow-log-target-in-another-region',
        description: `the VNet is in ${other}, its Network Watcher in ${cluster.location}`,
        change: { [vnet]: { location: other } },
        expect: [{ address: vnet, includes: [`${at}.flowLogs.targetResourceId`, other, cluster.location] }],
      });
    }
  }
  return { healthy, providers: Object.keys(stack.terraform?.required_providers ?? {}).sort(), resources: resourceIds(stack, cluster, sub), outputs: expectedOutputs(stack, cluster, healthy), failing };
}

const provider = (address: string) => {
  const type = address.split('.')[1];
  return type.split('_')[0];
};

/** The test files: `holds.tftest.json` (every condition holds, outputs asserted) and one file per failing case. */
export function testFiles(cases: StackCases): Map<string, unknown> {
  const mocks: Record<string, { mock_data?: Record<string, { defaults: Values }>; mock_resource?: Record<string, { defaults: Values }> }> = {};
  for (const [type, values] of cases.resources) {
    const p = type.split('_')[0];
    (mocks[p] ??= {}).mock_resource = { ...mocks[p].mock_resource, [type]: { defaults: values } };
  }
  for (const [address, values] of cases.healthy) {
    const type = address.split('.')[1];
    const p = provider(address);
    // Two lookups of one type would share defaults: each run overrides every lookup by address.
    (mocks[p] ??= {}).mock_data = { ...mocks[p].mock_data, [type]: { defaults: values } };
  }
  for (const p of cases.providers) mocks[p] ??= {};
  const overridesWith = (change: Readonly<Record<string, Values>>) =>
    [...cases.healthy].map(([address, values]) => ({ target: address, values: { ...values, ...(change[address] ?? {}) } }));

  const files = new Map<string, unknown>();
  const asserts = Object.entries(cases.outputs).map(([name, value]) => ({
    // jsonencode: a list output and a decoded tuple never compare equal with ==.
    condition: `\${jsonencode(output.${name}) == ${JSON.stringify(JSON.stringify(value))}}`,
    error_message: `output ${name} is not ${JSON.stringify(value)}`,
  }));
  files.set('holds.tftest.json', {
    mock_provider: mocks,
    run: { holds: { command: 'plan', override_data: overridesWith({}), ...(asserts.length > 0 ? { assert: asserts } : {}) } },
  });
  for (const c of cases.failing) {
    files.set(`fails-${c.name}.tftest.json`, { mock_provider: mocks, run: { [c.name]: { command: 'plan', override_data: overridesWith(c.change) } } });
  }
  return files;
}
