/**
 * Resource provider registration: each stack asks azurerm to register exactly the ARM
 * namespaces its resources belong to. Stands in for the provider's start-up (it registers what
 * Azure reports unregistered); nothing is registered here.
 */
import { TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { AZURE_RESOURCE_PROVIDER_NAMES, azureResourceProviderName, resourceProvidersOf } from '../../stacks/resource-providers';
import { ClusterProviders } from '../../stacks/cluster-providers';
import { alertingDoc, azurePolicyDoc, bareStack, exampleDoc, FEATURE_CONFIGS, minimalDoc, synthDoc, synthStack, withCluster } from './helpers';

/**
 * The namespace of each resource type, from the "API Providers" section of its page in the
 * provider's docs (terraform-provider-azurerm v4.55.0, website/docs/r/<type>.html.markdown).
 * Types of constructs still to come (alerts) are listed so their constructs are checked too.
 */
const API_PROVIDER: Record<string, string> = {
  azurerm_role_assignment: 'Microsoft.Authorization',
  azurerm_storage_account: 'Microsoft.Storage',
  azurerm_storage_management_policy: 'Microsoft.Storage',
  azurerm_monitor_diagnostic_setting: 'Microsoft.Insights',
  azurerm_network_watcher_flow_log: 'Microsoft.Network',
  azurerm_container_registry: 'Microsoft.ContainerRegistry',
  azurerm_monitor_action_group: 'Microsoft.Insights',
  azurerm_monitor_metric_alert: 'Microsoft.Insights',
  azurerm_monitor_alert_prometheus_rule_group: 'Microsoft.AlertsManagement',
  // A policyAssignments resource (Microsoft.Authorization/policyAssignments); the page has no
  // "API Providers" section, the type's namespace says it.
  azurerm_resource_policy_assignment: 'Microsoft.Authorization',
};

const FEATURES = FEATURE_CONFIGS;

/** What the stack of a minimal cluster with one feature registers. */
function registeredFor(feature: string): string[] {
  const { json } = synthDoc(withCluster(minimalDoc(), FEATURES[feature]));
  return json.provider.azurerm[0].resource_providers_to_register ?? [];
}

function declared(construct: IConstruct): readonly string[] {
  return (construct.constructor as { RESOURCE_PROVIDERS?: readonly string[] }).RESOURCE_PROVIDERS ?? [];
}

describe('what each feature registers', () => {
  test.each([
    ['acr (existing registry)', ['Microsoft.Authorization']],
    ['acr.create: true', ['Microsoft.Authorization', 'Microsoft.ContainerRegistry']],
    ['monitoring', ['Microsoft.Authorization']],
    ['auditLogs', ['microsoft.insights', 'Microsoft.Storage']],
    ['workspaceLogs', ['microsoft.insights']],
    ['alerts', ['microsoft.insights']],
    ['alerts.prometheus', ['Microsoft.AlertsManagement', 'microsoft.insights']],
    ['flowLogs', ['microsoft.insights', 'Microsoft.Network', 'Microsoft.Storage']],
    ['policy.engine: azure-policy', ['Microsoft.Authorization']],
  ])('%s → %j', (feature, expected) => {
    expect(registeredFor(feature)).toEqual(expected);
  });

  test('a cluster with no optional section registers nothing and leaves the attribute out', () => {
    const { json } = synthDoc(minimalDoc());
    expect(json.provider.azurerm[0].resource_provider_registrations).toBe('none');
    expect(json.provider.azurerm[0]).not.toHaveProperty('resource_providers_to_register');
  });

  test('the example registers the union, sorted ignoring case, each once', () => {
    const { json, stack } = synthDoc(exampleDoc());
    expect(json.provider.azurerm[0].resource_providers_to_register).toEqual([
      'Microsoft.Authorization',
      'microsoft.insights',
      'Microsoft.Network',
      'Microsoft.Storage',
    ]);
    expect(stack.providers.resourceProviders).toEqual(json.provider.azurerm[0].resource_providers_to_register);
  });

  test('registerResourceProviders: false registers nothing (identities without the register action)', () => {
    const { json } = synthDoc(withCluster(exampleDoc(), (c) => void (c.registerResourceProviders = false)));
    expect(json.provider.azurerm[0].resource_provider_registrations).toBe('none');
    expect(json.provider.azurerm[0]).not.toHaveProperty('resource_providers_to_register');
  });
});

describe('the convention: constructs that create Azure resources declare RESOURCE_PROVIDERS', () => {
  const everything = withCluster(exampleDoc(), (c) => {
    c.acr = { name: 'contosofinacr', create: true };
  });
  const stacks = [synthDoc(exampleDoc()).stack, synthDoc(everything).stack, synthDoc(alertingDoc()).stack, synthDoc(azurePolicyDoc()).stack];

  test("each resource's namespace (from the provider docs) is declared by the construct that creates it", () => {
    const seen = new Set<string>();
    for (const stack of stacks) {
      for (const resource of stack.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource)) {
        const type = resource.terraformResourceType;
        seen.add(type);
        const namespace = API_PROVIDER[type];
        if (!namespace) throw new Error(`add ${type} to API_PROVIDER (see its "API Providers" section in the provider docs)`);
        const creator = resource.node.scope!;
        expect({ type, creator: creator.constructor.name, declares: declared(creator).map((n) => n.toLowerCase()) }).toEqual({
          type,
          creator: creator.constructor.name,
          declares: expect.arrayContaining([namespace.toLowerCase()]),
        });
      }
    }
    expect([...seen].sort()).toEqual([
      'azurerm_container_registry',
      'azurerm_monitor_action_group',
      'azurerm_monitor_alert_prometheus_rule_group',
      'azurerm_monitor_diagnostic_setting',
      'azurerm_monitor_metric_alert',
      'azurerm_network_watcher_flow_log',
      'azurerm_resource_policy_assignment',
      'azurerm_role_assignment',
      'azurerm_storage_account',
      'azurerm_storage_management_policy',
    ]);
  });

  test('the provider registers every namespace a construct of the stack declares', () => {
    for (const stack of stacks) {
      const wanted = new Set(stack.node.findAll().flatMap((c) => declared(c).map((n) => n.toLowerCase())));
      expect(new Set(stack.providers.resourceProviders.map((n) => n.toLowerCase()))).toEqual(wanted);
    }
  });
});

describe("Azure's spelling", () => {
  test('Insights is registered as microsoft.insights: registration looks names up exactly in Azure\'s list', () => {
    expect(azureResourceProviderName('Microsoft.Insights')).toBe('microsoft.insights');
    expect(azureResourceProviderName('MICROSOFT.STORAGE')).toBe('Microsoft.Storage');
    expect(AZURE_RESOURCE_PROVIDER_NAMES).toContain('microsoft.insights');
    expect(AZURE_RESOURCE_PROVIDER_NAMES).not.toContain('Microsoft.Insights');
  });

  test('a namespace azurerm does not know is an error, not a silently skipped registration', () => {
    expect(() => azureResourceProviderName('Microsoft.Typo')).toThrow(/"Microsoft.Typo" is not in AZURE_RESOURCE_PROVIDER_NAMES/);
  });

  test('resourceProvidersOf collects from the whole tree, in Azure spelling, once each', () => {
    const stack = bareStack('collect');
    class A extends ClusterProviders {
      static readonly RESOURCE_PROVIDERS = ['Microsoft.Network', 'Microsoft.Insights'];
    }
    new A(stack, 'a', {});
    new A(stack, 'b', {});
    expect(resourceProvidersOf(stack)).toEqual(['microsoft.insights', 'Microsoft.Network']);
  });

  test('ClusterProviders passes the list through and leaves an empty one out', () => {
    const stack = bareStack('providers-list');
    new ClusterProviders(stack, 'p', { resourceProviders: ['Microsoft.Storage'] });
    expect(synthStack(stack).provider.azurerm[0].resource_providers_to_register).toEqual(['Microsoft.Storage']);
  });
});
