/**
 * Where state lives and how providers are configured. Stands in for `terraform init`: the
 * backend block is what init reads; no storage account is contacted here.
 */
import { ClusterStateBackend } from '../../stacks/cluster-state-backend';
import { bareStack, exampleDoc, minimalDoc, synthDoc, synthStack } from './helpers';

describe('state backend', () => {
  test('state.azurerm becomes an azurerm backend with one key per cluster and Entra ID auth', () => {
    const { json, stack } = synthDoc(exampleDoc());
    expect(json.terraform.backend).toEqual({
      azurerm: {
        resource_group_name: 'tfstate-rg',
        storage_account_name: 'contosofintfstate',
        container_name: 'tfstate',
        key: 'aks-day2/contosofin.tfstate',
        use_azuread_auth: true,
      },
    });
    expect(stack.stateBackend.kind).toBe('azurerm');
    expect(stack.stateBackend.location).toBe('aks-day2/contosofin.tfstate');
  });

  test('keyPrefix, subscriptionId and useAzureadAuth are passed through', () => {
    const doc = exampleDoc();
    doc.state.azurerm = {
      ...doc.state.azurerm,
      keyPrefix: 'platform/aks',
      subscriptionId: '33333333-3333-3333-3333-333333333333',
      useAzureadAuth: false,
    };
    const { json } = synthDoc(doc);
    expect(json.terraform.backend.azurerm).toMatchObject({
      key: 'platform/aks/contosofin.tfstate',
      subscription_id: '33333333-3333-3333-3333-333333333333',
      use_azuread_auth: false,
    });
  });

  test('no state block: local state at the project root, by a machine-independent relative path', () => {
    const { json, stack } = synthDoc(minimalDoc());
    expect(json.terraform.backend).toEqual({ local: { path: '../../../terraform.mini.tfstate' } });
    expect(stack.stateBackend.kind).toBe('local');
  });

  test('a local path can be given', () => {
    const stack = bareStack('s');
    new ClusterStateBackend(stack, 'state', { stackName: 's', localStatePath: '/var/lib/state/s.tfstate' });
    expect(synthStack(stack).terraform.backend).toEqual({ local: { path: '/var/lib/state/s.tfstate' } });
  });

  test('one backend per stack, whatever the config', () => {
    for (const doc of [exampleDoc(), minimalDoc()]) {
      expect(Object.keys(synthDoc(doc).json.terraform.backend)).toHaveLength(1);
    }
  });
});

describe('providers', () => {
  test("azurerm: the configured subscription, only the stack's resource providers registered, no data-plane access", () => {
    const { json } = synthDoc(exampleDoc());
    expect(json.provider.azurerm).toEqual([
      {
        subscription_id: '00000000-0000-0000-0000-000000000000',
        resource_provider_registrations: 'none',
        resource_providers_to_register: ['Microsoft.Authorization', 'microsoft.insights', 'Microsoft.Network', 'Microsoft.Storage'],
        features: [{ storage: [{ data_plane_available: false }] }],
      },
    ]);
    expect(json.terraform.required_providers.azurerm.version).toBe('4.55.0');
  });

  test('azurerm without subscriptionId leaves it to ARM_SUBSCRIPTION_ID', () => {
    const { json } = synthDoc(minimalDoc());
    expect(json.provider.azurerm[0].subscription_id).toBeUndefined();
  });

  test('a subscription id written in capitals goes out lowercase', () => {
    const doc = exampleDoc();
    doc.clusters[0].subscriptionId = 'ABCDEF00-0000-0000-0000-0000000000AA';
    doc.clusters[0].flowLogs.targetResourceId = doc.clusters[0].flowLogs.targetResourceId.replace('00000000-0000-0000-0000-000000000000', 'abcdef00-0000-0000-0000-0000000000aa');
    doc.clusters[0].flowLogs.trafficAnalytics.workspaceResourceId = doc.clusters[0].flowLogs.trafficAnalytics.workspaceResourceId.replace('00000000-0000-0000-0000-000000000000', 'abcdef00-0000-0000-0000-0000000000aa');
    expect(synthDoc(doc).json.provider.azurerm[0].subscription_id).toBe('abcdef00-0000-0000-0000-0000000000aa');
  });

  test('no credential of any kind is synthesized', () => {
    const { text } = synthDoc(exampleDoc());
    expect(text).not.toMatch(/"(?:client_secret|client_certificate\w*|access_key|sas_token|oidc_token|oidc_request_token)"\s*:/);
  });
});
