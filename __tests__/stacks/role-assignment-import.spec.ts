/**
 * `terraform import` of an existing role assignment (made earlier by `az aks update
 * --attach-acr` or `az role assignment create`), then `terraform plan`: the plan must be empty.
 *
 * Nothing here runs terraform or reaches Azure. The plan is emulated from the provider's and
 * Terraform's source, and the emulation is stated next to each rule:
 * - which attributes an imported assignment has in state: what the resource's Read sets;
 * - how a config value is compared with state: the resource schema (ForceNew, Computed,
 *   DiffSuppressFunc) and terraform-plugin-sdk v2 diffing;
 * - ignore_changes: Terraform core puts the prior state's value in place of the config's before
 *   the provider plans (hashicorp/terraform internal/terraform/node_resource_abstract_instance.go,
 *   processIgnoreChanges).
 */
import { GUID } from '../../config/rules';
import { exampleDoc, minimalDoc, synthDoc, withCluster, type Doc, type Json } from './helpers';

/**
 * What resourceArmRoleAssignmentRead sets (terraform-provider-azurerm v4.55.0,
 * internal/services/authorization/role_assignment_resource.go, lines 305-336):
 * name (306), scope (309), role_definition_id (310), principal_id (311), principal_type (312),
 * delegated_managed_identity_resource_id (313), description (314), condition (315),
 * condition_version (316), role_definition_name (334, from the role definition it looks up).
 * skip_service_principal_aad_check (schema lines 118-122) is NOT in it.
 */
const READ_SETS = [
  'name',
  'scope',
  'role_definition_id',
  'principal_id',
  'principal_type',
  'delegated_managed_identity_resource_id',
  'description',
  'condition',
  'condition_version',
  'role_definition_name',
] as const;
type Attribute = (typeof READ_SETS)[number] | 'skip_service_principal_aad_check';

/** Terraform meta-arguments: not resource attributes, never compared with state. */
const META_ARGUMENTS = new Set(['lifecycle', 'depends_on', 'count', 'for_each', 'provider']);

/**
 * The schema flags that decide a diff (same file, lines 52-155). No attribute but
 * skip_service_principal_aad_check lacks ForceNew, and the resource has no Update function.
 */
const SCHEMA: Record<Attribute, { forceNew: boolean; computed: boolean; caseInsensitive: boolean }> = {
  name: { forceNew: true, computed: true, caseInsensitive: false },
  scope: { forceNew: true, computed: false, caseInsensitive: false },
  role_definition_id: { forceNew: true, computed: true, caseInsensitive: true }, // suppress.CaseDifference
  role_definition_name: { forceNew: true, computed: true, caseInsensitive: true }, // suppress.CaseDifference
  principal_id: { forceNew: true, computed: false, caseInsensitive: false },
  principal_type: { forceNew: true, computed: true, caseInsensitive: false },
  skip_service_principal_aad_check: { forceNew: false, computed: true, caseInsensitive: false },
  delegated_managed_identity_resource_id: { forceNew: true, computed: false, caseInsensitive: false },
  description: { forceNew: true, computed: false, caseInsensitive: false },
  condition: { forceNew: true, computed: false, caseInsensitive: false },
  condition_version: { forceNew: true, computed: true, caseInsensitive: false },
};

type Change = { attribute: string; action: 'update' | 'replace' };

/**
 * The plan for one assignment: config (values already resolved) against the imported state.
 * An update is what apply would refuse: the resource has no Update function ("doesn't support
 * update", terraform-plugin-sdk v2 helper/schema/resource.go, Resource.Apply).
 */
function plan(config: Json, state: Partial<Record<Attribute, unknown>>): Change[] {
  const ignored = new Set<string>(config.lifecycle?.ignore_changes ?? []);
  const changes: Change[] = [];
  for (const attribute of Object.keys(SCHEMA) as Attribute[]) {
    const flags = SCHEMA[attribute];
    let wanted = config[attribute];
    if (ignored.has(attribute)) wanted = state[attribute]; // processIgnoreChanges
    const have = state[attribute] ?? null;
    if (wanted === undefined || wanted === null) {
      // Unset in config: a Computed attribute keeps the state's value; otherwise it goes to null.
      if (flags.computed || have === null) continue;
    } else if (
      have !== null &&
      (flags.caseInsensitive ? String(wanted).toLowerCase() === String(have).toLowerCase() : wanted === have)
    ) {
      continue;
    }
    changes.push({ attribute, action: flags.forceNew ? 'replace' : 'update' });
  }
  return changes;
}

/** What Azure and the lookups answer at plan time, for the contosofin fixture. */
const SUB = '00000000-0000-0000-0000-000000000000';
const AKS_ID = `/subscriptions/${SUB}/resourceGroups/contosofin-rg/providers/Microsoft.ContainerService/managedClusters/contosofin-aks`;
const ACR_ID = `/subscriptions/${SUB}/resourceGroups/contosofin-rg/providers/Microsoft.ContainerRegistry/registries/contosofinacr`;
const KUBELET_OBJECT_ID = '5a5a5a5a-0000-4000-8000-000000000001';
const SP_OBJECT_ID = '5a5a5a5a-0000-4000-8000-000000000002';
const LOOKUPS: Record<string, string> = {
  'data.azurerm_kubernetes_cluster.aks.id': AKS_ID,
  'data.azurerm_container_registry.acr.id': ACR_ID,
  'data.azurerm_kubernetes_cluster.aks.kubelet_identity[0].object_id': KUBELET_OBJECT_ID,
  'data.azuread_service_principal.monitoring_principal.object_id': SP_OBJECT_ID,
};

/**
 * Resolve the expressions this project writes: a bare reference, and the
 * `element(split("/", <ref>), 2)` that reads the subscription out of a scope id.
 */
function resolveValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.startsWith('${uuidv5(')) return value; // the name: replaced by ignore_changes
  return value.replace(/\$\{([^}]*)\}/g, (_, expression: string) => {
    const split = /^element\(split\("\/", ([\w.[\]]+)\), (\d+)\)$/.exec(expression);
    if (split) return lookup(split[1]).split('/')[Number(split[2])];
    return lookup(expression);
  });
}
function lookup(reference: string): string {
  const value = LOOKUPS[reference];
  if (value === undefined) throw new Error(`no test value for ${reference}`);
  return value;
}
const resolved = (config: Json): Json =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [k, k === 'lifecycle' ? v : resolveValue(v)]));

/**
 * The state `terraform import` leaves for an assignment Azure holds as `azure`: what Read sets,
 * from the GET response. Azure returns role_definition_id with the subscription of the scope
 * (terraform-provider-azurerm#8558) and the role's name from the role definition.
 */
function importedState(azure: {
  scope: string;
  roleGuid: string;
  roleName: string;
  principalId: string;
  principalType: string;
}): Partial<Record<Attribute, unknown>> {
  return {
    name: 'e1f0c2d4-93b5-4c1a-9e0f-7a6b5c4d3e2f', // random: made by az, not by this stack
    scope: azure.scope,
    role_definition_id: `/subscriptions/${azure.scope.split('/')[2]}/providers/Microsoft.Authorization/roleDefinitions/${azure.roleGuid}`,
    principal_id: azure.principalId,
    principal_type: azure.principalType,
    delegated_managed_identity_resource_id: null,
    description: null,
    condition: null,
    condition_version: null,
    role_definition_name: azure.roleName,
  };
}

/** Configs that together produce every kind of role assignment the stacks synthesize. */
const CONFIGS: Record<string, Doc> = {
  example: exampleDoc(),
  'created registry': withCluster(exampleDoc(), (c) => void (c.acr = { name: 'contosofinacr', create: true })),
  'objectId principal': withCluster(exampleDoc(), (c) => void (c.monitoring.principal = { objectId: SP_OBJECT_ID })),
  'custom role by GUID': withCluster(exampleDoc(), (c) => {
    c.monitoring.roles = ['Monitoring Reader', '0B5A1F2C-1111-4222-8333-444455556666'];
  }),
  'monitoring only': withCluster(minimalDoc(), (c) => {
    c.monitoring = { principal: { appId: '11111111-1111-1111-1111-111111111111' }, roles: ['monitoring metrics publisher'] };
  }),
};

describe('every attribute set on a role assignment is one its Read sets back', () => {
  for (const [label, doc] of Object.entries(CONFIGS)) {
    test(label, () => {
      const assignments = Object.entries(synthDoc(doc).json.resource?.azurerm_role_assignment ?? {}) as [string, Json][];
      expect(assignments.length).toBeGreaterThan(0);
      for (const [address, config] of assignments) {
        const attributes = Object.keys(config).filter((k) => !META_ARGUMENTS.has(k));
        expect({ address, unreadable: attributes.filter((a) => !(READ_SETS as readonly string[]).includes(a)) }).toEqual({
          address,
          unreadable: [],
        });
        expect(config.skip_service_principal_aad_check).toBeUndefined();
        // The name is derived; an imported assignment keeps Azure's.
        expect(config.lifecycle).toEqual({ ignore_changes: ['name'] });
      }
    });
  }
});

describe('import, then plan: nothing to change', () => {
  const { json } = synthDoc(exampleDoc());
  const grants = json.resource.azurerm_role_assignment as Record<string, Json>;

  test('AcrPull made by az aks update --attach-acr', () => {
    const state = importedState({
      scope: ACR_ID,
      roleGuid: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
      roleName: 'AcrPull',
      principalId: KUBELET_OBJECT_ID,
      principalType: 'ServicePrincipal',
    });
    expect(plan(resolved(grants.acr_pull_kubelet), state)).toEqual([]);
  });

  test('the monitoring roles made by az role assignment create --assignee $APPID', () => {
    for (const [address, roleName, roleGuid] of [
      ['monitoring_monitoring_metrics_publisher', 'Monitoring Metrics Publisher', '3913510d-42f4-4e42-8a64-420c390055eb'],
      ['monitoring_log_analytics_reader', 'Log Analytics Reader', '73c42c96-874c-492b-b04d-ab87d138a893'],
    ]) {
      const state = importedState({ scope: AKS_ID, roleGuid, roleName, principalId: SP_OBJECT_ID, principalType: 'ServicePrincipal' });
      expect({ address, changes: plan(resolved(grants[address]), state) }).toEqual({ address, changes: [] });
    }
  });

  test('a custom role given by GUID: role_definition_id in the form Read returns, so no replacement', () => {
    const custom = '0b5a1f2c-1111-4222-8333-444455556666';
    const { json: j } = synthDoc(CONFIGS['custom role by GUID']);
    const config = j.resource.azurerm_role_assignment[`monitoring_${custom.replace(/-/g, '_')}`];
    expect(config.role_definition_name).toBeUndefined();
    expect(config.role_definition_id).toBe(
      `/subscriptions/\${element(split("/", data.azurerm_kubernetes_cluster.aks.id), 2)}/providers/Microsoft.Authorization/roleDefinitions/${custom}`,
    );
    const state = importedState({ scope: AKS_ID, roleGuid: custom, roleName: 'Contoso Metrics Reader', principalId: SP_OBJECT_ID, principalType: 'ServicePrincipal' });
    expect(plan(resolved(config), state)).toEqual([]);
  });

  test('the emulation is not blind: each mistake this project avoids shows up', () => {
    const state = importedState({
      scope: ACR_ID,
      roleGuid: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
      roleName: 'AcrPull',
      principalId: KUBELET_OBJECT_ID,
      principalType: 'ServicePrincipal',
    });
    const config = resolved(grants.acr_pull_kubelet);
    // The flag this stack used to set: an update the resource cannot apply.
    expect(plan({ ...config, skip_service_principal_aad_check: true }, state)).toEqual([
      { attribute: 'skip_service_principal_aad_check', action: 'update' },
    ]);
    // Without ignore_changes the derived name replaces the assignment.
    expect(plan({ ...config, name: 'c0ffee00-0000-5000-8000-000000000000', lifecycle: undefined }, state)).toEqual([
      { attribute: 'name', action: 'replace' },
    ]);
    // A tenant-level role definition id (terraform-provider-azurerm#19847).
    expect(
      plan(
        { ...config, role_definition_name: undefined, role_definition_id: '/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d' },
        state,
      ),
    ).toEqual([{ attribute: 'role_definition_id', action: 'replace' }]);
    // A description the existing assignment does not have (ForceNew).
    expect(plan({ ...config, description: 'AcrPull for the kubelet' }, state)).toEqual([{ attribute: 'description', action: 'replace' }]);
    // Scope spelled differently from Azure (hashicorp/terraform-provider-azurerm#24434): why the
    // README asks to spell resourceGroup and acr.name as `az acr show --query id` prints them.
    expect(plan({ ...config, scope: ACR_ID.replace('contosofinacr', 'ContosofinACR') }, state)).toEqual([
      { attribute: 'scope', action: 'replace' },
    ]);
    // Case differences in the role name are suppressed (suppress.CaseDifference).
    expect(plan({ ...config, role_definition_name: 'acrpull' }, state)).toEqual([]);
  });

  test('principal ids go out lowercase: principal_id is compared as a plain string (ForceNew)', () => {
    const objectId = '2222AAAA-2222-2222-2222-22222222BBBB';
    const { json: j } = synthDoc(withCluster(exampleDoc(), (c) => void (c.monitoring.principal = { objectId })));
    for (const g of Object.values(j.resource.azurerm_role_assignment as Record<string, Json>).filter((g) => !String(g.principal_id).startsWith('$'))) {
      expect(g.principal_id).toBe(objectId.toLowerCase());
      expect(g.principal_id).toMatch(GUID);
    }
  });
});
