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
 * name (306), scope (309, through normalizeScopeValue), role_definition_id (310), principal_id
 * (311), principal_type (312), delegated_managed_identity_resource_id (313), description (314),
 * condition (315), condition_version (316), role_definition_name (334, from the role definition
 * it looks up). skip_service_principal_aad_check (schema lines 118-122) is NOT in it.
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
/**
 * The cluster id as AKS spells it, `resourcegroups` in lower case: what `az aks show --query id
 * -o tsv` prints (ManagedClusters_Get and _List examples, Azure/azure-rest-api-specs
 * Microsoft.ContainerService/aks/stable/2024-09-01; hashicorp/terraform-provider-azurerm#16213),
 * and so the scope of the runbook's `az role assignment create --scope $(az aks show … --query id -o tsv)`.
 */
const AKS_ID = `/subscriptions/${SUB}/resourcegroups/contosofin-rg/providers/Microsoft.ContainerService/managedClusters/contosofin-aks`;
/**
 * The id the `azurerm_kubernetes_cluster` data source answers: not Azure's, but built as
 * commonids.NewKubernetesClusterID(subscription, resource_group_name, name).ID()
 * (kubernetes_cluster_data_source.go v4.55.0, lines 729 and 745): `resourceGroups`.
 */
const AKS_LOOKUP_ID = `/subscriptions/${SUB}/resourceGroups/contosofin-rg/providers/Microsoft.ContainerService/managedClusters/contosofin-aks`;
/** The registry's id, as registries.NewRegistryID builds it in the data source and as ACR answers it. */
const ACR_ID = `/subscriptions/${SUB}/resourceGroups/contosofin-rg/providers/Microsoft.ContainerRegistry/registries/contosofinacr`;
const KUBELET_OBJECT_ID = '5a5a5a5a-0000-4000-8000-000000000001';
const SP_OBJECT_ID = '5a5a5a5a-0000-4000-8000-000000000002';
const LOOKUPS: Record<string, string> = {
  'data.azurerm_kubernetes_cluster.aks.id': AKS_LOOKUP_ID,
  'data.azurerm_container_registry.acr.id': ACR_ID,
  'data.azurerm_kubernetes_cluster.aks.kubelet_identity[0].object_id': KUBELET_OBJECT_ID,
  'data.azuread_service_principal.monitoring_principal.object_id': SP_OBJECT_ID,
};

/**
 * Evaluates the Terraform expressions this project writes into role assignments: references,
 * string and whole-number literals, and the functions split, element and format (only `%s`), with Terraform's
 * semantics (element wraps its index; format refuses a verb it is not given an argument for).
 * Anything else throws, so a new expression in the stack cannot pass unevaluated.
 */
function evaluate(expression: string): unknown {
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`cannot evaluate ${JSON.stringify(expression)} at ${at}: ${why}`);
  };
  const skipSpace = () => {
    while (expression[at] === ' ') at++;
  };
  const parse = (): unknown => {
    skipSpace();
    if (expression[at] === '"') {
      let text = '';
      at++;
      while (expression[at] !== '"') {
        if (at >= expression.length) fail('unterminated string');
        if (expression[at] === '$' && expression[at + 1] === '{') fail('template inside a string');
        if (expression[at] === '\\') at++;
        text += expression[at++];
      }
      at++;
      return text;
    }
    const number = /^\d+/.exec(expression.slice(at))?.[0];
    if (number !== undefined) {
      at += number.length;
      return Number(number);
    }
    const name = /^[A-Za-z_][\w.[\]]*/.exec(expression.slice(at))?.[0] ?? fail('expected a value');
    at += name.length;
    skipSpace();
    if (expression[at] !== '(') return lookup(name);
    at++;
    const args: unknown[] = [];
    for (skipSpace(); expression[at] !== ')'; skipSpace()) {
      args.push(parse());
      skipSpace();
      if (expression[at] === ',') at++;
      else if (expression[at] !== ')') fail('expected , or )');
    }
    at++;
    return call(name, args);
  };
  const value = parse();
  skipSpace();
  if (at !== expression.length) fail('trailing text');
  return value;
}
function call(name: string, args: unknown[]): unknown {
  switch (name) {
    case 'split':
      return String(args[1]).split(String(args[0]));
    case 'element': {
      const list = args[0] as unknown[];
      return list[Number(args[1]) % list.length];
    }
    case 'format': {
      const values = args.slice(1);
      const text = String(args[0]).replace(/%(.)/g, (_, verb: string) => {
        if (verb === '%') return '%';
        if (verb !== 's' || values.length === 0) throw new Error(`format: verb %${verb} not emulated or missing its argument`);
        return String(values.shift());
      });
      if (values.length > 0) throw new Error('format: too many arguments');
      return text;
    }
    default:
      throw new Error(`function ${name} is not emulated`);
  }
}
function lookup(reference: string): string {
  const value = LOOKUPS[reference];
  if (value === undefined) throw new Error(`no test value for ${reference}`);
  return value;
}

/** A config string as Terraform resolves it: literal text with `${…}` interpolations. */
function resolveValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.startsWith('${uuidv5(')) return value; // the name: replaced by ignore_changes
  let out = '';
  let rest = value;
  for (let open = rest.indexOf('${'); open >= 0; open = rest.indexOf('${')) {
    out += rest.slice(0, open);
    // The interpolation ends at the first "}" outside a string literal.
    let close = open + 2;
    for (let quoted = false; close < rest.length && (quoted || rest[close] !== '}'); close++) {
      if (rest[close] === '\\') close++;
      else if (rest[close] === '"') quoted = !quoted;
    }
    out += String(evaluate(rest.slice(open + 2, close)));
    rest = rest.slice(close + 1);
  }
  return out + rest;
}
const resolved = (config: Json): Json =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [k, k === 'lifecycle' ? v : resolveValue(v)]));

/**
 * normalizeScopeValue (role_assignment_resource.go v4.55.0, lines 449-455): a scope that parses,
 * ignoring case, as a resource group id (exactly /subscriptions/<id>/resourceGroups/<name>) is
 * rewritten as `resourceGroups`; every other scope (a cluster, a registry) is kept as Azure
 * returned it, since the parser refuses extra segments (go-azure-helpers resourceids/parse.go).
 */
function normalizeScopeValue(scope: string): string {
  const m = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)$/i.exec(scope);
  return m ? `/subscriptions/${m[1]}/resourceGroups/${m[2]}` : scope;
}

/**
 * The state `terraform import` leaves for an assignment Azure holds as `azure`: what Read sets,
 * from the GET response. Azure returns the scope the assignment was created with (assumed: the
 * provider's own acceptance tests, e.g. TestAccRoleAssignment_resourceScoped, plan empty after
 * creating on a `resourceGroups` id, and #16213 shows an AKS-spelled one coming back), the
 * role_definition_id with the subscription of the scope (terraform-provider-azurerm#8558) and
 * the role's name from the role definition.
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
    scope: normalizeScopeValue(azure.scope),
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

  const MONITORING_GRANTS = [
    ['monitoring_monitoring_metrics_publisher', 'Monitoring Metrics Publisher', '3913510d-42f4-4e42-8a64-420c390055eb'],
    ['monitoring_log_analytics_reader', 'Log Analytics Reader', '73c42c96-874c-492b-b04d-ab87d138a893'],
  ] as const;
  /** A grant the runbook made: `--scope $(az aks show … --query id -o tsv)`, so AKS's spelling. */
  const runbookGrant = (roleName: string, roleGuid: string) =>
    importedState({ scope: AKS_ID, roleGuid, roleName, principalId: SP_OBJECT_ID, principalType: 'ServicePrincipal' });

  test('the monitoring roles made by az role assignment create --assignee $APPID', () => {
    for (const [address, roleName, roleGuid] of MONITORING_GRANTS) {
      expect({ address, changes: plan(resolved(grants[address]), runbookGrant(roleName, roleGuid)) }).toEqual({ address, changes: [] });
    }
  });

  test("the monitoring scope is the cluster id as AKS spells it, not as the lookup builds it", () => {
    for (const [address] of MONITORING_GRANTS) {
      expect({ address, scope: resolved(grants[address]).scope }).toEqual({ address, scope: AKS_ID });
    }
    expect(AKS_LOOKUP_ID).not.toBe(AKS_ID);
    expect(AKS_LOOKUP_ID.toLowerCase()).toBe(AKS_ID.toLowerCase());
    // Read keeps a cluster scope as Azure returns it; only resource-group scopes are rewritten.
    expect(normalizeScopeValue(AKS_ID)).toBe(AKS_ID);
    expect(normalizeScopeValue(`/subscriptions/${SUB}/resourcegroups/contosofin-rg`)).toBe(`/subscriptions/${SUB}/resourceGroups/contosofin-rg`);
  });

  test("granting on the lookup's id (as this stack did before) would replace every runbook grant", () => {
    for (const [address, roleName, roleGuid] of MONITORING_GRANTS) {
      const before = { ...grants[address], scope: '${data.azurerm_kubernetes_cluster.aks.id}' };
      expect({ address, changes: plan(resolved(before), runbookGrant(roleName, roleGuid)) }).toEqual({
        address,
        changes: [{ attribute: 'scope', action: 'replace' }],
      });
    }
  });

  test('a grant that Azure holds with `resourceGroups` (made some other way) is planned for replacement', () => {
    // What README's import section tells to look for in `az role assignment list`.
    const [address, roleName, roleGuid] = MONITORING_GRANTS[0];
    const state = importedState({ scope: AKS_LOOKUP_ID, roleGuid, roleName, principalId: SP_OBJECT_ID, principalType: 'ServicePrincipal' });
    expect(plan(resolved(grants[address]), state)).toEqual([{ attribute: 'scope', action: 'replace' }]);
  });

  test('a grant the stack creates reads back unchanged (Azure returns the scope it was given)', () => {
    const config = resolved(grants.monitoring_monitoring_metrics_publisher);
    const created = importedState({
      scope: config.scope,
      roleGuid: '3913510d-42f4-4e42-8a64-420c390055eb',
      roleName: 'Monitoring Metrics Publisher',
      principalId: SP_OBJECT_ID,
      principalType: 'ServicePrincipal',
    });
    expect(plan(config, created)).toEqual([]);
  });

  test('a custom role given by GUID: role_definition_id in the form Read returns, so no replacement', () => {
    const custom = '0b5a1f2c-1111-4222-8333-444455556666';
    const { json: j } = synthDoc(CONFIGS['custom role by GUID']);
    const config = j.resource.azurerm_role_assignment[`monitoring_${custom.replace(/-/g, '_')}`];
    expect(config.role_definition_name).toBeUndefined();
    // The subscription is read from the scope at plan time (role-assignments.spec.ts has the expression).
    expect(resolved(config).role_definition_id).toBe(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${custom}`);
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
