import { Construct } from 'constructs';
import { AzureadProvider, AzurermProvider, DnsProvider } from './terraform-classes';

export interface ClusterProvidersProps {
  /**
   * Subscription every azurerm resource and lookup of this stack lives in.
   * @default undefined: the provider reads ARM_SUBSCRIPTION_ID at deploy time
   */
  readonly subscriptionId?: string;
  /**
   * Configure azuread: needed only to resolve an application (client) id to its service
   * principal's object id.
   * @default false
   */
  readonly azuread?: boolean;
  /**
   * Configure the dns provider: needed only to resolve the API server's FQDN.
   * @default false
   */
  readonly dns?: boolean;
  /**
   * Resource providers (ARM namespaces, in Azure's spelling) the provider registers in the
   * subscription when they are not registered yet: those the stack's resources need.
   * @default []: register nothing
   */
  readonly resourceProviders?: readonly string[];
}

/**
 * Provider configuration for one cluster stack. Runbook: "az aks get-credentials -g $RG -n
 * $PREFIX-aks": every step runs against the cluster's subscription, with the identity the
 * pipeline logged in as (ARM_* environment variables, OIDC in CI); no credential is synthesized.
 */
export class ClusterProviders extends Construct {
  public readonly azurerm: AzurermProvider;
  /** What resource_providers_to_register lists (empty: the attribute is left out). */
  public readonly resourceProviders: readonly string[];
  public readonly azuread?: AzureadProvider;
  public readonly dns?: DnsProvider;

  constructor(scope: Construct, id: string, props: ClusterProvidersProps = {}) {
    super(scope, id);
    this.resourceProviders = props.resourceProviders ?? [];
    this.azurerm = new AzurermProvider(this, 'azurerm', {
      subscriptionId: props.subscriptionId,
      // None of the provider's predefined sets ("legacy", the default, registers ~70 namespaces
      // and needs the right to register each): exactly the namespaces this stack's resources
      // use, listed in resource_providers_to_register, are registered when missing. azurerm
      // merges that list into the chosen set (internal/provider/provider.go, buildClient;
      // internal/resourceproviders/required.go: "none" is the empty set) and registers what
      // Azure reports as not registered (internal/resourceproviders/registration.go).
      resourceProviderRegistrations: 'none',
      resourceProvidersToRegister:
        props.resourceProviders && props.resourceProviders.length > 0 ? [...props.resourceProviders] : undefined,
      features: [
        {
          // The log storage accounts deny public network access (default_action Deny), so a
          // runner outside their network cannot reach their blob/queue endpoints. With this
          // flag the provider manages them through Azure Resource Manager only; nothing in
          // these stacks (no queue_properties, static_website or containers) needs the data plane.
          storage: [{ dataPlaneAvailable: false }],
        },
      ],
    });
    if (props.azuread) this.azuread = new AzureadProvider(this, 'azuread', {});
    if (props.dns) this.dns = new DnsProvider(this, 'dns', {});
  }
}
