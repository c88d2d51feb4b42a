import { AzurermBackend, LocalBackend, type TerraformBackend } from 'cdktf';
import { Construct } from 'constructs';
import { localStateFile, stateBlobKey, type StateBackend } from '../config/model';

export interface ClusterStateBackendProps {
  /** Stack (and cluster) name: keys the state so each cluster has its own. */
  readonly stackName: string;
  /**
   * The config's `state.azurerm` block.
   * @default undefined: local state, see `localStatePath`
   */
  readonly state?: StateBackend;
  /**
   * Local state file, relative to the directory terraform runs in (`cdktf.out/stacks/<name>/`).
   * cdktf's own default is an absolute path under the current directory, which would make the
   * synthesized JSON differ per machine; this relative path points at the same place (the
   * project root, outside cdktf.out/, which every synth replaces) without naming the machine.
   * @default `../../../terraform.<stackName>.tfstate`
   */
  readonly localStatePath?: string;
}

/**
 * Where Terraform keeps each cluster's state. Runbook: "These steps can easily be automated as
 * part of a pipeline": a pipeline needs shared, locked state, so `state.azurerm` becomes an
 * azurerm backend (blob leases lock it) with one key per cluster; without it, local state.
 */
export class ClusterStateBackend extends Construct {
  /** `azurerm` or `local`. */
  public readonly kind: 'azurerm' | 'local';
  /** The azurerm blob key (`<keyPrefix>/<stack>.tfstate`) or the local file path. */
  public readonly location: string;
  public readonly backend: TerraformBackend;

  constructor(scope: Construct, id: string, props: ClusterStateBackendProps) {
    super(scope, id);
    const { state, stackName } = props;
    if (state) {
      this.kind = 'azurerm';
      this.location = stateBlobKey(state, stackName);
      this.backend = new AzurermBackend(this, {
        resourceGroupName: state.resourceGroup,
        storageAccountName: state.storageAccountName,
        containerName: state.containerName,
        key: this.location,
        subscriptionId: state.subscriptionId,
        // Entra ID data-plane auth: the pipeline identity needs "Storage Blob Data
        // Contributor" on the container, and no account key ever leaves Azure.
        useAzureadAuth: state.useAzureadAuth,
      });
    } else {
      this.kind = 'local';
      this.location = props.localStatePath ?? `../../../${localStateFile(stackName)}`;
      this.backend = new LocalBackend(this, { path: this.location });
    }
  }
}
