/**
 * `az aks update --attach-acr` and the metrics step's `az role assignment create`, as
 * azurerm_role_assignment. Stands in for reading the plan: scope, principal, role and name
 * expressions are checked as Terraform will evaluate them; Azure's answer is not.
 */
import { findBuiltInRole } from '../../config/built-in-roles';
import { MonitoringRoleAssignments, roleSlug } from '../../stacks/monitoring-role-assignments';
import { bareStack, data, exampleDoc, minimalDoc, resolved, resource, synthDoc, synthFresh, withCluster } from './helpers';

/** The cluster lookup's id segment `i` (the data source builds the id, with `resourceGroups`). */
const aksIdSegment = (i: number) => `element(split("/", data.azurerm_kubernetes_cluster.aks.id), ${i})`;
/**
 * Where the monitoring roles are granted: the cluster id as AKS spells it (`resourcegroups`), the
 * scope of the runbook's `az role assignment create --scope $(az aks show … --query id -o tsv)`
 * (role-assignment-import.spec.ts evaluates it).
 */
const AKS_SCOPE_EXPRESSION = `format("/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ContainerService/managedClusters/%s", ${aksIdSegment(2)}, ${aksIdSegment(4)}, ${aksIdSegment(8)})`;
const AKS_SCOPE = `\${${AKS_SCOPE_EXPRESSION}}`;
const KUBELET_OBJECT_ID = '${data.azurerm_kubernetes_cluster.aks.kubelet_identity[0].object_id}';
const SP_OBJECT_ID = '${data.azuread_service_principal.monitoring_principal.object_id}';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The name expression Terraform evaluates for (scope, role, principal). */
const nameFor = (scope: string, role: string, principal: string) =>
  `\${uuidv5("url", lower(join("|", [${scope.slice(2, -1)}, "${role}", ${principal.slice(2, -1)}])))}`;

describe('AcrPull for the kubelet identity (--attach-acr)', () => {
  const { json, stack } = synthDoc(exampleDoc());
  const acrPull = resource(json, 'azurerm_role_assignment', 'acr_pull_kubelet');

  test('is granted on the looked-up registry id', () => {
    expect(acrPull.scope).toBe('${data.azurerm_container_registry.acr.id}');
  });

  test("goes to the kubelet identity's object id, as a service principal", () => {
    expect(acrPull.principal_id).toBe(KUBELET_OBJECT_ID);
    expect(acrPull.principal_type).toBe('ServicePrincipal');
    // Not skip_service_principal_aad_check: Read never sets it, so an imported assignment
    // would plan an update the resource cannot make (role-assignment-import.spec.ts).
    expect(acrPull.skip_service_principal_aad_check).toBeUndefined();
    expect(resolved(stack, stack.acrPull?.principalId)).toBe(KUBELET_OBJECT_ID);
  });

  test('is the built-in AcrPull role, by name', () => {
    expect(acrPull.role_definition_name).toBe('AcrPull');
    expect(acrPull.role_definition_id).toBeUndefined();
    expect(findBuiltInRole(acrPull.role_definition_name)?.name).toBe('AcrPull');
  });

  test('has a name derived from scope, role and principal', () => {
    expect(acrPull.name).toBe(nameFor('${data.azurerm_container_registry.acr.id}', 'AcrPull', KUBELET_OBJECT_ID));
  });

  test('adopts an imported assignment under its existing name instead of replacing it', () => {
    expect(acrPull.lifecycle).toEqual({ ignore_changes: ['name'] });
  });

  test('is absent without acr', () => {
    const { json: bare } = synthDoc(withCluster(exampleDoc(), (c) => void delete c.acr));
    expect(bare.resource.azurerm_role_assignment.acr_pull_kubelet).toBeUndefined();
    expect(bare.data.azurerm_container_registry).toBeUndefined();
  });
});

describe('monitoring roles at the cluster scope', () => {
  const { json, stack } = synthDoc(exampleDoc());
  const grants = json.resource.azurerm_role_assignment;

  test("one assignment per configured role, each on the cluster id in AKS's spelling", () => {
    const publisher = grants.monitoring_monitoring_metrics_publisher;
    const reader = grants.monitoring_log_analytics_reader;
    expect(publisher.role_definition_name).toBe('Monitoring Metrics Publisher');
    expect(reader.role_definition_name).toBe('Log Analytics Reader');
    expect(publisher.scope).toBe(AKS_SCOPE);
    expect(reader.scope).toBe(AKS_SCOPE);
    expect(resolved(stack, stack.monitoring?.scope)).toBe(AKS_SCOPE);
    expect(stack.monitoring?.grants.map((g) => g.assignment.roleDefinitionNameInput)).toEqual([
      'Monitoring Metrics Publisher',
      'Log Analytics Reader',
    ]);
  });

  test("an appId is resolved to its service principal's object id; principal_id is never the app id", () => {
    expect(data(json, 'azuread_service_principal', 'monitoring_principal')).toEqual({
      client_id: '11111111-1111-1111-1111-111111111111',
    });
    for (const g of [grants.monitoring_monitoring_metrics_publisher, grants.monitoring_log_analytics_reader]) {
      expect(g.principal_id).toBe(SP_OBJECT_ID);
      expect(g.principal_id).not.toContain('11111111-1111-1111-1111-111111111111');
      expect(g.principal_type).toBe('ServicePrincipal');
    }
    expect(json.provider.azuread).toEqual([{}]);
  });

  test('an objectId is used as is, with no directory lookup and no azuread provider', () => {
    const objectId = '22222222-2222-2222-2222-222222222222';
    const { json: j } = synthDoc(
      withCluster(exampleDoc(), (c) => {
        c.monitoring.principal = { objectId };
      }),
    );
    const publisher = j.resource.azurerm_role_assignment.monitoring_monitoring_metrics_publisher;
    expect(publisher.principal_id).toBe(objectId);
    // A bare object id may be a user or a group: Azure is left to tell.
    expect(publisher.principal_type).toBeUndefined();
    expect(j.data.azuread_service_principal).toBeUndefined();
    expect(j.provider.azuread).toBeUndefined();
    expect(j.terraform.required_providers.azuread).toBeUndefined();
  });

  test('defaults to the runbook roles when roles are omitted', () => {
    const { json: j } = synthDoc(
      withCluster(minimalDoc(), (c) => {
        c.monitoring = { principal: { objectId: '22222222-2222-2222-2222-222222222222' } };
      }),
    );
    expect(Object.keys(j.resource.azurerm_role_assignment).sort()).toEqual([
      'monitoring_log_analytics_reader',
      'monitoring_monitoring_metrics_publisher',
    ]);
  });

  test('custom roles get their own address and keep their name', () => {
    const { json: j } = synthDoc(
      withCluster(exampleDoc(), (c) => {
        c.monitoring.roles = ['Monitoring Reader'];
      }),
    );
    expect(Object.keys(j.resource.azurerm_role_assignment).sort()).toEqual([
      'acr_pull_kubelet',
      'monitoring_monitoring_reader',
    ]);
    expect(j.resource.azurerm_role_assignment.monitoring_monitoring_reader.role_definition_name).toBe('Monitoring Reader');
  });

  test('two roles that would share an address are refused at synth', () => {
    // The config lets no such pair through (names are listed roles, duplicates are refused);
    // the construct still refuses to overwrite one assignment with another.
    expect(
      () =>
        new MonitoringRoleAssignments(bareStack('shared-address'), 'monitoring', {
          monitoring: { principal: { objectId: '22222222-2222-2222-2222-222222222222' }, roles: ['Log Analytics Reader', 'Log-Analytics Reader'] },
          clusterId: 'cluster-id',
        }),
    ).toThrow(/would share the Terraform address monitoring_log_analytics_reader/);
  });

  test('roles are written in Azure spelling, whatever the config casing', () => {
    const { json: j } = synthDoc(
      withCluster(exampleDoc(), (c) => {
        c.monitoring.roles = ['monitoring reader', 'LOG ANALYTICS READER'];
      }),
    );
    expect(j.resource.azurerm_role_assignment.monitoring_monitoring_reader.role_definition_name).toBe('Monitoring Reader');
    expect(j.resource.azurerm_role_assignment.monitoring_log_analytics_reader.role_definition_name).toBe('Log Analytics Reader');
  });

  test('a custom role is given by its GUID: role_definition_id with the scope subscription, its own address', () => {
    const guid = '0b5a1f2c-1111-4222-8333-444455556666';
    const { json: j } = synthDoc(withCluster(exampleDoc(), (c) => void (c.monitoring.roles = [guid.toUpperCase()])));
    const custom = j.resource.azurerm_role_assignment.monitoring_0b5a1f2c_1111_4222_8333_444455556666;
    expect(custom.role_definition_id).toBe(
      `/subscriptions/\${element(split("/", ${AKS_SCOPE_EXPRESSION}), 2)}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    );
    expect(custom.role_definition_name).toBeUndefined();
    expect(custom.scope).toBe(AKS_SCOPE);
    expect(custom.name).toBe(nameFor(AKS_SCOPE, guid, SP_OBJECT_ID));
  });

  test('roleSlug', () => {
    expect(roleSlug('Monitoring Metrics Publisher')).toBe('monitoring_metrics_publisher');
    expect(roleSlug('  AcrPull (custom) ')).toBe('acrpull_custom');
    expect(roleSlug('0b5a1f2c-1111-4222-8333-444455556666')).toBe('0b5a1f2c_1111_4222_8333_444455556666');
  });
});

describe('deterministic assignment names', () => {
  // Two separate builds (synthDoc would hand back the cached one).
  const first = synthFresh(exampleDoc()).json.resource.azurerm_role_assignment;
  const second = synthFresh(exampleDoc()).json.resource.azurerm_role_assignment;

  test('the same input gives the same name expression', () => {
    for (const key of Object.keys(first)) expect(second[key].name).toBe(first[key].name);
  });

  test('a different role, scope or principal gives a different name input', () => {
    const names = Object.values(first).map((g) => (g as { name: string }).name);
    expect(new Set(names).size).toBe(names.length);
    expect(first.monitoring_monitoring_metrics_publisher.name).toBe(
      nameFor(AKS_SCOPE, 'Monitoring Metrics Publisher', SP_OBJECT_ID),
    );
    expect(first.monitoring_log_analytics_reader.name).toBe(nameFor(AKS_SCOPE, 'Log Analytics Reader', SP_OBJECT_ID));
  });

  test('a fixed object id makes the principal part literal', () => {
    const objectId = '22222222-2222-2222-2222-222222222222';
    const { json } = synthDoc(
      withCluster(exampleDoc(), (c) => {
        c.monitoring.principal = { objectId };
      }),
    );
    expect(json.resource.azurerm_role_assignment.monitoring_log_analytics_reader.name).toBe(
      `\${uuidv5("url", lower(join("|", [${AKS_SCOPE_EXPRESSION}, "Log Analytics Reader", "${objectId}"])))}`,
    );
  });

  test('every assignment name is a uuidv5 expression (a GUID at plan), never a literal or random value', () => {
    for (const g of Object.values(first) as Array<{ name: string }>) {
      expect(g.name).toMatch(/^\$\{uuidv5\("url", lower\(join\("\|", \[/);
      expect(g.name).not.toMatch(GUID);
    }
  });
});

describe('monitoring roles for the monitoring add-on identity ({monitoringAgent: true})', () => {
  const OMS_OBJECT_ID = '${data.azurerm_kubernetes_cluster.aks.oms_agent[0].oms_agent_identity[0].object_id}';
  const doc = withCluster(exampleDoc(), (c) => {
    c.monitoring.principal = { monitoringAgent: true };
  });
  const { json, stack } = synthDoc(doc);
  const grants = json.resource.azurerm_role_assignment;

  test("each role goes to oms_agent[0].oms_agent_identity[0].object_id of the cluster lookup, as a service principal", () => {
    expect(grants.monitoring_monitoring_metrics_publisher).toEqual({
      name: nameFor(AKS_SCOPE, 'Monitoring Metrics Publisher', OMS_OBJECT_ID),
      scope: AKS_SCOPE,
      role_definition_name: 'Monitoring Metrics Publisher',
      principal_id: OMS_OBJECT_ID,
      principal_type: 'ServicePrincipal',
      lifecycle: { ignore_changes: ['name'] },
    });
    expect(grants.monitoring_log_analytics_reader.principal_id).toBe(OMS_OBJECT_ID);
    expect(resolved(stack, stack.monitoring?.principalId)).toBe(OMS_OBJECT_ID);
  });

  test('needs no directory lookup and no azuread provider', () => {
    expect(json.data.azuread_service_principal).toBeUndefined();
    expect(json.provider.azuread).toBeUndefined();
  });

  test('a postcondition fails the plan, by name, when the add-on is off', () => {
    const conditions = json.data.azurerm_kubernetes_cluster.aks.lifecycle.postcondition;
    const addOn = conditions.find((c: { condition: string }) => c.condition.includes('oms_agent'));
    // The provider sets oms_agent to an empty list when the add-on is disabled
    // (kubernetes_cluster_data_source.go, flattenKubernetesClusterDataSourceAddOns), so the index
    // is wrapped in try().
    expect(addOn).toEqual({
      condition: '${try(self.oms_agent[0].oms_agent_identity[0].object_id, "") != ""}',
      error_message:
        'Cluster contosofin-aks has no monitoring add-on identity (the oms_agent / Container insights add-on is off): enable it (az aks enable-addons -a monitoring), or give monitoring.principal of cluster "contosofin" as {appId: …} or {objectId: …}.',
    });
  });

  test('the other principal forms carry no such postcondition', () => {
    const conditions = synthDoc(exampleDoc()).json.data.azurerm_kubernetes_cluster.aks.lifecycle.postcondition;
    expect(conditions.some((c: { condition: string }) => c.condition.includes('oms_agent'))).toBe(false);
  });
});
