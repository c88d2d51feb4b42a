import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { RoleAssignment } from './terraform-classes';

export interface DeterministicRoleAssignmentProps {
  /** Resource id the role is granted on. */
  readonly scope: string;
  /** Built-in or custom role name, e.g. `AcrPull`. */
  readonly roleName: string;
  /** Object id of the principal (never an application/client id). */
  readonly principalId: string;
  /**
   * `User`, `Group` or `ServicePrincipal`.
   * @default undefined: Azure looks the principal up
   */
  readonly principalType?: 'User' | 'Group' | 'ServicePrincipal';
  /**
   * Skip the Entra ID existence check: for an identity created moments ago, which Entra ID may
   * not have replicated yet. Valid only for service principals.
   * @default false
   */
  readonly skipServicePrincipalAadCheck?: boolean;
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
 * A role assignment whose name (a GUID) is derived from what it grants, so re-running the
 * pipeline, or running it from a fresh state, never creates a second assignment. Runbook:
 * "az role assignment create --assignee $APPID --scope ... --role ...".
 */
export class DeterministicRoleAssignment extends Construct {
  /** The Terraform expression the name is computed from (resolved at plan time). */
  public readonly nameSeed: string;
  public readonly assignment: RoleAssignment;

  constructor(scope: Construct, id: string, props: DeterministicRoleAssignmentProps) {
    super(scope, id);
    this.nameSeed = roleAssignmentSeed(props.scope, props.roleName, props.principalId);
    this.assignment = new RoleAssignment(this, 'assignment', {
      // uuidv5 runs in Terraform: scope and principal come from lookups, known at plan time.
      // Lower-cased because ARM ids come back in varying case; the GUID must not.
      name: Fn.uuidv5('url', this.nameSeed),
      scope: props.scope,
      // By name: the config lists roles by name (custom roles too), and a name that does not
      // exist fails at plan with that name. role_definition_id would also need the
      // subscription in its path, which may be known only at deploy time.
      roleDefinitionName: props.roleName,
      principalId: props.principalId,
      principalType: props.principalType,
      skipServicePrincipalAadCheck: props.skipServicePrincipalAadCheck,
      // No description: an imported assignment has none, and every difference from it is a
      // planned change to an assignment that is otherwise exactly right.
      lifecycle: {
        // An assignment made earlier by `az aks update --attach-acr` or `az role assignment
        // create` has a random name; after `terraform import` it must be adopted as it is,
        // not destroyed and re-created (which would cut image pulls or metrics for a moment).
        // Scope, role and principal still force a new assignment when they change.
        ignoreChanges: ['name'],
      },
    });
    this.assignment.overrideLogicalId(props.logicalId);
  }
}
