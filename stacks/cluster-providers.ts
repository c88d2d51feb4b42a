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
}

/**
 * Provider configuration for one cluster stack. Runbook: "az aks get-credentials -g $RG -n
 * $PREFIX-aks": every step runs against the cluster's subscription, with the identity the
 * pipeline logged in as (ARM_* environment variables, OIDC in CI); no credential is synthesized.
 */
export class ClusterProviders extends Construct {
  public readonly azurerm: AzurermProvider;
  public readonly azuread?: AzureadProvider;
  public readonly dns?: DnsProvider;

  constructor(scope: Construct, id: string, props: ClusterProvidersProps = {}) {
    super(scope, id);
    this.azurerm = new AzurermProvider(this, 'azurerm', {
      subscriptionId: props.subscriptionId,
      // A day-2 pipeline identity usually holds roles on a few resource groups, not the
      // subscription-wide right to register resource providers; the cluster's providers
      // are registered already, since the cluster exists.
      resourceProviderRegistrations: 'none',
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
