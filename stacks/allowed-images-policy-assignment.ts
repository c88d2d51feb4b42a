import { Construct } from 'constructs';
import { ALLOWED_IMAGES_DEFINITION, allowedImagesParameters, parametersJson, type AllowedImagesParameters } from '../config/azure-policy-definition';
import type { AzurePolicyAssignmentConfig, PolicyConfig } from '../config/model';
import { ResourcePolicyAssignment } from './terraform-classes';

export interface AllowedImagesPolicyAssignmentProps {
  /** The cluster's policy (engine azure-policy): allow-list, namespaces, enforcement, workloads. */
  readonly policy: PolicyConfig;
  /** The assignment's names (model.ts azurePolicyAssignment). */
  readonly names: AzurePolicyAssignmentConfig;
  /** Resource id of the cluster: the assignment's scope. */
  readonly clusterId: string;
}

/**
 * The allowed-registries policy as an Azure Policy assignment of the built-in "Kubernetes
 * cluster containers should only use allowed images" at the cluster's scope, for clusters whose
 * Azure Policy add-on runs Gatekeeper (and refuses user ConstraintTemplates). Runbook: "kubectl
 * apply -f .../allowedrepos/template.yaml" and the K8sAllowedRepos constraint. The add-on turns
 * the assignment into a constraint on the cluster within about 15 minutes.
 *
 * Only attributes azurerm's Read sets from what Azure returns are written, in Azure's spelling,
 * so a re-plan is empty (internal/services/policy/assignment_resource_base.go readFunc): no
 * location or identity (an Audit/Deny definition needs no managed identity), no metadata (Optional
 * + Computed, Azure fills it in), `enforce` true (Read: enforcementMode Default).
 */
export class AllowedImagesPolicyAssignment extends Construct {
  /** ARM resource providers this construct's resources need registered (as ARM spells them). */
  public static readonly RESOURCE_PROVIDERS: readonly string[] = ['Microsoft.Authorization'];
  /** The parameters as given to the assignment (config/azure-policy-definition.ts). */
  public readonly parameters: AllowedImagesParameters;
  public readonly assignment: ResourcePolicyAssignment;

  constructor(scope: Construct, id: string, props: AllowedImagesPolicyAssignmentProps) {
    super(scope, id);
    const { policy, names } = props;
    this.parameters = allowedImagesParameters(policy);
    this.assignment = new ResourcePolicyAssignment(this, 'assignment', {
      name: names.name,
      resourceId: props.clusterId,
      policyDefinitionId: ALLOWED_IMAGES_DEFINITION.id,
      displayName: names.displayName,
      description: names.description,
      // enforcementMode Default. DoNotEnforce would admit everything even with effect Deny.
      enforce: true,
      parameters: parametersJson(this.parameters),
    });
    this.assignment.overrideLogicalId('allowed_images_policy_assignment');
  }
}
