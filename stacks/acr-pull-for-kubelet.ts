import { Construct } from 'constructs';
import type { DataAzurermKubernetesCluster } from './terraform-classes';
import { DeterministicRoleAssignment } from './deterministic-role-assignment';

export interface AcrPullForKubeletProps {
  /** The cluster lookup: its kubelet identity is the one that pulls images. */
  readonly cluster: DataAzurermKubernetesCluster;
  /** Resource id of the registry (looked up or created). */
  readonly registryId: string;
}

/**
 * AcrPull on the registry for the cluster's kubelet identity, which is what
 * `--attach-acr` grants. Runbook: "az aks update -n $NAME-aks -g $RG --attach-acr $ACR_NAME".
 */
export class AcrPullForKubelet extends Construct {
  public static readonly RESOURCE_PROVIDERS: readonly string[] = ['Microsoft.Authorization'];
  public static readonly ROLE = 'AcrPull';
  /** Object id of the kubelet identity (`kubelet_identity[0].object_id`). */
  public readonly principalId: string;
  public readonly scope: string;
  public readonly grant: DeterministicRoleAssignment;

  constructor(scope: Construct, id: string, props: AcrPullForKubeletProps) {
    super(scope, id);
    this.principalId = props.cluster.kubeletIdentity.get(0).objectId;
    this.scope = props.registryId;
    this.grant = new DeterministicRoleAssignment(this, 'grant', {
      scope: this.scope,
      roleName: AcrPullForKubelet.ROLE,
      principalId: this.principalId,
      // A managed identity is a service principal; saying so spares Azure a directory lookup
      // that can fail for a node pool identity created minutes ago (replication lag). It is
      // also what skip_service_principal_aad_check would do (Create sets the same
      // PrincipalType), without that flag's unreadable, non-updatable state.
      principalType: 'ServicePrincipal',
      logicalId: 'acr_pull_kubelet',
    });
  }
}
