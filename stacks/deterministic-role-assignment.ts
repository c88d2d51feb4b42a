import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { GUID } from '../config/rules';
import { RoleAssignment } from './terraform-classes';

export interface DeterministicRoleAssignmentProps {
  /** Resource id the role is granted on. */
  readonly scope: string;
  /**
   * The role: a built-in role's name (e.g. `AcrPull`, in Azure's spelling), or any role's
   * definition GUID (custom roles).
   */
  readonly roleName: string;
  /** Object id of the principal (never an application/client id), lowercase. */
  readonly principalId: string;
  /**
   * `User`, `Group` or `ServicePrincipal`.
   * @default undefined: Azure looks the principal up
   */
  readonly principalType?: 'User' | 'Group' | 'ServicePrincipal';
  /** Terraform address name (`azurerm_role_assignment.<logicalId>`), kept stable for imports. */
  readonly logicalId: string;
}

/**
 * Input of the assignment's name: `lower("<scope>|<role>|<principal object id>")`, so the
 * GUID can be recomputed by hand: `uuidv5("url", lower(join("|", [scope, role, principal])))`.
 */
export function roleAssignmentSeed(scope: string, roleName: string, principalId: string): string {
  return Fn.lower(Fn.join('|', [scope, roleName, principalId]));
}

/**
 * `role_definition_id` for a role given by GUID, in the form the resource's Read writes back:
 * Azure answers with `/subscriptions/<subscription of the scope>/providers/Microsoft.Authorization/roleDefinitions/<guid>`
 * (hashicorp/terraform-provider-azurerm#8558, Azure/azure-rest-api-specs#10939), and the
 * attribute is ForceNew with only a case-insensitive comparison (suppress.CaseDifference), so
 * the tenant-level `/providers/...` form would replace the assignment on every plan
 * (terraform-provider-azurerm#19847). The subscription is read from the scope id at plan time.
 */
export function roleDefinitionIdFor(scope: string, roleDefinitionGuid: string): string {
  const subscription = Fn.element(Fn.split('/', scope), 2);
  return `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionGuid.toLowerCase()}`;
}

/**
 * A role assignment whose name (a GUID) is derived from what it grants, so re-running the
 * pipeline, or running it from a fresh state, never creates a second assignment. Runbook:
 * "az role assignment create --assignee $APPID --scope ... --role ...".
 */
export class DeterministicRoleAssignment extends Construct {
  public static readonly RESOURCE_PROVIDERS: readonly string[] = ['Microsoft.Authorization'];
  /** The Terraform expression the name is computed from (resolved at plan time). */
  public readonly nameSeed: string;
  public readonly assignment: RoleAssignment;
  /** The role is given by its definition GUID (role_definition_id), not by name. */
  public readonly byDefinitionId: boolean;

  constructor(scope: Construct, id: string, props: DeterministicRoleAssignmentProps) {
    super(scope, id);
    this.nameSeed = roleAssignmentSeed(props.scope, props.roleName, props.principalId);
    this.byDefinitionId = GUID.test(props.roleName);
    this.assignment = new RoleAssignment(this, 'assignment', {
      // uuidv5 runs in Terraform: scope and principal come from lookups, known at plan time.
      // Lower-cased because ARM ids come back in varying case; the GUID must not.
      name: Fn.uuidv5('url', this.nameSeed),
      scope: props.scope,
      // Built-in roles by name: a name that does not exist fails at plan with that name, and
      // the name carries no subscription. Read sets both role_definition_name and
      // role_definition_id, so whichever is not given here is computed and never diffs.
      roleDefinitionName: this.byDefinitionId ? undefined : props.roleName,
      roleDefinitionId: this.byDefinitionId ? roleDefinitionIdFor(props.scope, props.roleName) : undefined,
      principalId: props.principalId,
      principalType: props.principalType,
      // No skip_service_principal_aad_check: Read never sets it and the resource cannot be
      // updated, so an imported assignment would plan an update that apply refuses; principal_type
      // = ServicePrincipal already spares Azure the directory lookup the flag skips (Create sets
      // the same PrincipalType for both). No description either: an imported assignment has
      // none, and description is ForceNew.
      lifecycle: {
        // An assignment made earlier by `az aks update --attach-acr` or `az role assignment
        // create` has a random name; after `terraform import` it must be adopted as it is,
        // not destroyed and re-created (which would cut image pulls or metrics for a moment).
        // Terraform replaces an ignored attribute's config value with the prior state's before
        // planning (internal/terraform/node_resource_abstract_instance.go, processIgnoreChanges),
        // so the ForceNew name never differs. Scope, role and principal still force a new
        // assignment when they change.
        ignoreChanges: ['name'],
      },
    });
    this.assignment.overrideLogicalId(props.logicalId);
  }
}
