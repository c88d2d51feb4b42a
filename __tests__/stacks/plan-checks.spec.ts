/**
 * Checks that only Azure can answer, made at plan time as pre- and postconditions on the
 * lookups. Each is asserted field by field: the condition Terraform evaluates and the message
 * it prints, which must name the config field to change (`clusters[i].…`), since the stack
 * knows its cluster by name only.
 *
 * The attributes read are in the v4.55.0 data source schemas (terraform-provider-azurerm):
 * - azurerm_kubernetes_cluster: `location` (location.Normalize), `private_cluster_enabled`
 *   (Computed bool, set only when Azure returns an apiServerAccessProfile, so possibly null),
 *   `kubelet_identity` (internal/services/containers/kubernetes_cluster_data_source.go);
 * - azurerm_virtual_network: `location` (location.NormalizeNilable;
 *   internal/services/network/virtual_network_data_source.go);
 * - azurerm_network_watcher: `location` (location.NormalizeNilable;
 *   internal/services/network/network_watcher_data_source.go).
 * The cdktf classes below are the provider schema as generated for @cdktf/provider-azurerm
 * 14.23.1; the tests also check the attributes exist there.
 * Whether Azure answers as expected is not tested here (no Azure).
 */
import { DataAzurermKubernetesCluster, DataAzurermNetworkWatcher, DataAzurermVirtualNetwork } from '../../stacks/terraform-classes';
import { data, exampleDoc, minimalDoc, synthDoc, withCluster, type Doc } from './helpers';

const SUB = '00000000-0000-0000-0000-000000000000';
const VNET = `/subscriptions/${SUB}/resourceGroups/contosofin-rg/providers/Microsoft.Network/virtualNetworks/contosofin-vnet`;

const postconditions = (doc: Doc, index = 0) =>
  synthDoc(doc, index).json.data.azurerm_kubernetes_cluster.aks.lifecycle.postcondition as Array<{
    condition: string;
    error_message: string;
  }>;

describe('the data source attributes the conditions read exist in the provider schema', () => {
  test.each([
    ['azurerm_kubernetes_cluster', DataAzurermKubernetesCluster.prototype, ['location', 'privateClusterEnabled', 'kubeletIdentity', 'id']],
    ['azurerm_virtual_network', DataAzurermVirtualNetwork.prototype, ['location']],
    ['azurerm_network_watcher', DataAzurermNetworkWatcher.prototype, ['location']],
  ])('%s', (_type, prototype, getters) => {
    for (const getter of getters) expect(Object.getOwnPropertyDescriptor(prototype, getter)?.get).toBeInstanceOf(Function);
  });
});

describe('cluster lookup', () => {
  test('location: the config region, compared as the data source normalizes it', () => {
    const [location] = postconditions(exampleDoc());
    expect(location).toEqual({
      condition: '${lower(replace(self.location, " ", "")) == "eastus"}',
      error_message:
        'clusters[0].location is "eastus" but cluster contosofin-aks (cluster "contosofin") is in ${self.location}: set location to the cluster\'s region.',
    });
  });

  test('privateCluster: false fails the plan on a private cluster, naming clusters[i].privateCluster', () => {
    const [, privateCheck] = postconditions(exampleDoc());
    expect(privateCheck).toEqual({
      // `!= true`: a null private_cluster_enabled (no access profile) is a public cluster.
      condition: '${self.private_cluster_enabled != true}',
      error_message:
        'clusters[0].privateCluster is false (cluster "contosofin") but contosofin-aks is a private cluster: api_server_ips and firewall_allowlist would list the private addresses its FQDN resolves to; set privateCluster: true.',
    });
  });

  test('privateCluster: true fails the plan on a public cluster', () => {
    const [, privateCheck] = postconditions(withCluster(exampleDoc(), (c) => void (c.privateCluster = true)));
    expect(privateCheck).toEqual({
      condition: '${self.private_cluster_enabled == true}',
      error_message:
        'clusters[0].privateCluster is true (cluster "contosofin") but contosofin-aks is not a private cluster: api_server_fqdn would be its empty private FQDN and the firewall outputs would be missing; set privateCluster: false.',
    });
  });

  test('the message names the index of the cluster in the file', () => {
    const doc = exampleDoc();
    doc.clusters.push({ name: 'second', resourceGroup: 'second-rg', aksName: 'second-aks', location: 'westeurope', privateCluster: true });
    const [location, privateCheck] = postconditions(doc, 1);
    expect(location.error_message).toMatch(/^clusters\[1\]\.location is "westeurope" but cluster second-aks \(cluster "second"\)/);
    expect(privateCheck.error_message).toMatch(/^clusters\[1\]\.privateCluster is true \(cluster "second"\)/);
  });

  test('kubelet identity, when AcrPull is granted', () => {
    const [, , kubelet] = postconditions(exampleDoc());
    expect(kubelet).toEqual({
      // The object id itself, not only a kubelet_identity block: an empty one would get the grant.
      condition: '${try(self.kubelet_identity[0].object_id, "") != ""}',
      error_message:
        'Cluster contosofin-aks has no kubelet managed identity (service-principal cluster?): grant AcrPull to its service principal instead, or remove clusters[0].acr (cluster "contosofin").',
    });
  });
});

describe('flow-log target lookup', () => {
  const { json } = synthDoc(exampleDoc());
  const target = data(json, 'azurerm_virtual_network', 'flow_log_target_vnet');

  test('looks the target VNet up by the names in its id', () => {
    expect(target.name).toBe('contosofin-vnet');
    expect(target.resource_group_name).toBe('contosofin-rg');
  });

  test("postcondition: the VNet's region is the Network Watcher's, naming the field and both regions", () => {
    expect(target.lifecycle.postcondition).toEqual([
      {
        condition: '${self.location == data.azurerm_network_watcher.network_watcher.location}',
        error_message:
          'clusters[0].flowLogs.targetResourceId: VNet contosofin-vnet is in ${self.location}, but Network Watcher NetworkWatcher_eastus is in ${data.azurerm_network_watcher.network_watcher.location}; a flow log, its target and its Network Watcher must share a region: set clusters[0].flowLogs.networkWatcher to the watcher of ${self.location} (default NetworkWatcher_<region> in NetworkWatcherRG).',
      },
    ]);
  });

  test("precondition: the target is in the stack's subscription (read from the cluster id), before the lookup", () => {
    expect(target.lifecycle.precondition).toEqual([
      {
        condition: `\${(lower(element(split("/", data.azurerm_kubernetes_cluster.aks.id), 2)) == "${SUB}")}`,
        error_message: `clusters[0].flowLogs.targetResourceId is in subscription ${SUB}, but this stack (cluster "contosofin") works in subscription \${lower(element(split("/", data.azurerm_kubernetes_cluster.aks.id), 2))}, where its Network Watcher is looked up: log that VNet from a cluster entry in its own subscription.`,
      },
    ]);
  });

  test('the subscription is compared lowercase, as the model writes it', () => {
    const { json: j } = synthDoc(
      withCluster(exampleDoc(), (c) => {
        delete c.subscriptionId;
        c.flowLogs.targetResourceId = VNET.replace(SUB, 'ABCDEF00-0000-0000-0000-0000000000AA');
        delete c.flowLogs.trafficAnalytics;
      }),
    );
    expect(j.data.azurerm_virtual_network.flow_log_target_vnet.lifecycle.precondition[0].condition).toContain(
      '== "abcdef00-0000-0000-0000-0000000000aa")}',
    );
  });

  test('a subnet target is checked through its VNet (a subnet has no region of its own)', () => {
    const { json: j } = synthDoc(
      withCluster(exampleDoc(), (c) => void (c.flowLogs.targetResourceId = `${VNET}/subnets/aks-subnet`)),
    );
    const vnet = j.data.azurerm_virtual_network.flow_log_target_vnet;
    expect(vnet.name).toBe('contosofin-vnet');
    expect(vnet.resource_group_name).toBe('contosofin-rg');
    expect(vnet.lifecycle.postcondition[0].error_message).toMatch(/^clusters\[0\]\.flowLogs\.targetResourceId: VNet contosofin-vnet is in/);
    expect(j.data.azurerm_subnet).toBeUndefined();
  });

  test('no flow logs, no target lookup', () => {
    expect(synthDoc(minimalDoc()).json.data.azurerm_virtual_network).toBeUndefined();
  });
});
