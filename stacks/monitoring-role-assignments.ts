import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config/model';
import { DataAzureadServicePrincipal } from './terraform-classes';
import { DeterministicRoleAssignment } from './deterministic-role-assignment';

export interface MonitoringRoleAssignmentsProps {
  readonly monitoring: MonitoringConfig;
  /**
   * Resource id of the cluster as the `azurerm_kubernetes_cluster` data source builds it
   * (`/subscriptions/…/resourceGroups/…`); the roles are granted on it in AKS's spelling
   * ({@link clusterIdAsAksSpellsIt}).
   */
  readonly clusterId: string;
  /**
   * Object id of the cluster's monitoring add-on identity
   * (`oms_agent[0].oms_agent_identity[0].object_id` of the cluster lookup); required when the
   * principal is `{monitoringAgent: true}`.
   * @default undefined
   */
  readonly monitoringAgentPrincipalId?: string;
}

/**
 * `Monitoring Metrics Publisher` → `monitoring_metrics_publisher`: the Terraform address per role
 * (a role definition GUID becomes its hex groups joined by `_`).
 */
export function roleSlug(role: string): string {
  return role
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * The cluster id as AKS spells it: `/subscriptions/<sub>/resourcegroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<aks>`,
 * `resourcegroups` in lower case. That is what `az aks show --query id -o tsv` prints (AKS's
 * ManagedClusters_Get examples, Azure/azure-rest-api-specs stable/2024-09-01; hashicorp/terraform-provider-azurerm#16213),
 * so it is the scope of the runbook's `az role assignment create --scope $(az aks show … --query id -o tsv)`.
 * Azure hands a role assignment's
 * scope back as it was created; azurerm's Read writes it to state as returned, normalizing only
 * resource-group scopes (role_assignment_resource.go v4.55.0, normalizeScopeValue), and `scope`
 * is ForceNew and compared case-sensitively. The data source's id says `resourceGroups`
 * (commonids.NewKubernetesClusterID), so granting on it would replace every imported runbook grant.
 *
 * Built from the id's segments (subscription, resource group, cluster name: the values the
 * lookup was given), not with `replace()`: a Terraform pattern wrapped in slashes, such as
 * "/resourceGroups/", is a regular expression.
 */
export function clusterIdAsAksSpellsIt(clusterId: string): string {
  const segment = (index: number) => Fn.element(Fn.split('/', clusterId), index);
  // One format() call, not a string with ${…} parts: the scope is nested in the name's
  // uuidv5(lower(join(…))), and cdktf cannot nest such strings in function calls.
  return Fn.format('/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ContainerService/managedClusters/%s', [
    segment(2),
    segment(4),
    segment(8),
  ]);
}

/**
 * Each configured role on the cluster for the configured principal. Runbook: "az role
 * assignment create --assignee $APPID --scope <cluster id> --role 'Monitoring Metrics
 * Publisher'" (and "Log Analytics Reader"). `--assignee` accepts an app id and resolves it;
 * azurerm does not, so an appId is resolved here to its service principal's object id.
 * `{monitoringAgent: true}` grants to the cluster's monitoring add-on identity instead.
 */
export class MonitoringRoleAssignments extends Construct {
  public static readonly RESOURCE_PROVIDERS: readonly string[] = ['Microsoft.Authorization'];
  /** Object id every role is granted to. */
  public readonly principalId: string;
  /** The service principal lookup, when the config gives an appId. */
  public readonly servicePrincipal?: DataAzureadServicePrincipal;
  /** Where every role is granted: the cluster id in AKS's spelling (`resourcegroups`). */
  public readonly scope: string;
  /** One assignment per configured role, in config order. */
  public readonly grants: readonly DeterministicRoleAssignment[];

  constructor(scope: Construct, id: string, props: MonitoringRoleAssignmentsProps) {
    super(scope, id);
    const { principal, roles } = props.monitoring;
    this.scope = clusterIdAsAksSpellsIt(props.clusterId);

    if ('appId' in principal) {
      this.servicePrincipal = new DataAzureadServicePrincipal(this, 'principal', { clientId: principal.appId });
      this.servicePrincipal.overrideLogicalId('monitoring_principal');
      this.principalId = this.servicePrincipal.objectId;
    } else if ('monitoringAgent' in principal) {
      // The add-on's managed identity: the current form of the runbook's service principal grant.
      if (props.monitoringAgentPrincipalId === undefined) {
        throw new Error('MonitoringRoleAssignments: principal is {monitoringAgent: true} but no monitoringAgentPrincipalId was given');
      }
      this.principalId = props.monitoringAgentPrincipalId;
    } else {
      this.principalId = principal.objectId;
    }
    // An appId names a service principal, and so does a managed identity.
    const isServicePrincipal = this.servicePrincipal !== undefined || 'monitoringAgent' in principal;

    const seen = new Map<string, string>();
    this.grants = roles.map((role) => {
      const slug = roleSlug(role);
      const other = seen.get(slug);
      if (other !== undefined) {
        throw new Error(`monitoring roles "${other}" and "${role}" would share the Terraform address monitoring_${slug}`);
      }
      seen.set(slug, role);
      return new DeterministicRoleAssignment(this, slug, {
        scope: this.scope,
        roleName: role,
        principalId: this.principalId,
        // An appId or the monitoring add-on always names a service principal; a bare objectId
        // may be a user or a group, so Azure is left to look it up.
        principalType: isServicePrincipal ? 'ServicePrincipal' : undefined,
        logicalId: `monitoring_${slug}`,
      });
    });
  }
}
