import { Construct } from 'constructs';
import type { AcrConfig } from '../config/model';
import { ContainerRegistry } from './terraform-classes';

export interface HardenedContainerRegistryProps {
  readonly acr: AcrConfig;
  /** Region of the registry: the cluster's, so pulls stay in-region. */
  readonly location: string;
}

/**
 * A registry created for the cluster when `acr.create` is true, with no shared credential and
 * no anonymous access: the kubelet identity's AcrPull is the only way in. Runbook: "This
 * section sets up the connection between AKS and Azure Container Registry (ACR)."
 *
 * Premium-only hardening (private endpoints, network rules, export off, quarantine,
 * retention of untagged manifests) changes who and what can push and pull, so it is left to
 * the registry's owners rather than switched on by a day-2 tool.
 */
export class HardenedContainerRegistry extends Construct {
  public static readonly RESOURCE_PROVIDERS: readonly string[] = ['Microsoft.ContainerRegistry'];
  public readonly registry: ContainerRegistry;
  /** Resource id AcrPull is granted on. */
  public readonly id: string;
  /** The admin user (a shared username and password) is off. */
  public readonly adminEnabled = false;
  /** Unauthenticated pulls are off (Basic has none to switch off). */
  public readonly anonymousPullEnabled = false;

  constructor(scope: Construct, id: string, props: HardenedContainerRegistryProps) {
    super(scope, id);
    const { acr } = props;
    this.registry = new ContainerRegistry(this, 'registry', {
      name: acr.name,
      resourceGroupName: acr.resourceGroup,
      location: props.location,
      sku: acr.sku,
      adminEnabled: this.adminEnabled,
      // Anonymous pull exists on Standard and Premium only; on Basic the argument is rejected.
      anonymousPullEnabled: acr.sku === 'Basic' ? undefined : this.anonymousPullEnabled,
    });
    this.registry.overrideLogicalId('acr');
    this.id = this.registry.id;
  }
}
