/**
 * `acr.create: true`: a registry made for the cluster instead of looked up, then attached.
 * Stands in for reading the plan and for Checkov's CKV_AZURE_137/138.
 */
import { exampleDoc, resource, synthDoc, withCluster } from './helpers';

const created = (sku?: string) =>
  synthDoc(
    withCluster(exampleDoc(), (c) => {
      c.acr = { name: 'contosofinacr', create: true, ...(sku ? { sku } : {}) };
    }),
  );

describe('created container registry', () => {
  const { json, stack } = created();
  const registry = resource(json, 'azurerm_container_registry', 'acr');

  test("is created in the cluster's region and resource group, Premium by default", () => {
    expect(registry).toMatchObject({
      name: 'contosofinacr',
      resource_group_name: 'contosofin-rg',
      location: 'eastus',
      sku: 'Premium',
    });
  });

  test('has the admin user and anonymous pull off', () => {
    expect(registry.admin_enabled).toBe(false);
    expect(registry.anonymous_pull_enabled).toBe(false);
    expect(stack.createdRegistry?.adminEnabled).toBe(false);
    expect(stack.createdRegistry?.anonymousPullEnabled).toBe(false);
  });

  test('replaces the lookup, and AcrPull is granted on the created registry', () => {
    expect(json.data.azurerm_container_registry).toBeUndefined();
    expect(json.resource.azurerm_role_assignment.acr_pull_kubelet.scope).toBe('${azurerm_container_registry.acr.id}');
  });

  test('Basic has no anonymous pull to configure, so the argument is left out', () => {
    const basic = created('Basic').json.resource.azurerm_container_registry.acr;
    expect(basic.sku).toBe('Basic');
    expect(basic.admin_enabled).toBe(false);
    expect(basic.anonymous_pull_enabled).toBeUndefined();
  });

  test('Standard keeps anonymous pull explicitly off', () => {
    expect(created('Standard').json.resource.azurerm_container_registry.acr.anonymous_pull_enabled).toBe(false);
  });
});
