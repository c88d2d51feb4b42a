import { Construct } from 'constructs';
import { StorageAccount } from './terraform-classes';

export interface HardenedStorageAccountProps {
  /** Globally unique, `^[a-z0-9]{3,24}$` (validated by the config loader). */
  readonly name: string;
  readonly resourceGroupName: string;
  /** Must be the region of the resource whose logs it receives (Azure Monitor's rule). */
  readonly location: string;
  /** Terraform address name (`azurerm_storage_account.<logicalId>`). */
  readonly logicalId: string;
  /**
   * Days a deleted blob, and a deleted container, can still be restored.
   * @default 7
   */
  readonly softDeleteDays?: number;
  /**
   * Replication. Geo-redundant so a regional outage does not lose logs kept for audits.
   * @default 'GRS'
   */
  readonly replicationType?: 'GRS' | 'RAGRS' | 'GZRS' | 'RAGZRS';
  /**
   * Allow account-key (Shared Key) authorization. Left on by default: Azure Monitor's
   * storage destination and Network Watcher flow logs (this provider version has no flow-log
   * identity block) deliver through the account's keys, and creating a diagnostic setting
   * towards storage is authorized by `listKeys`. Turning it off could silently stop log
   * delivery; do it only after checking delivery on a real account. Entra ID is still the
   * default for the portal (default_to_oauth_authentication).
   * @default true
   */
  readonly sharedAccessKeyEnabled?: boolean;
}

/** The hardening every log account gets; tests and docs read it from here. */
export const STORAGE_HARDENING = {
  accountTier: 'Standard', // Azure Monitor does not write to premium accounts
  accountKind: 'StorageV2',
  minTlsVersion: 'TLS1_2',
  httpsTrafficOnlyEnabled: true,
  allowNestedItemsToBePublic: false,
  infrastructureEncryptionEnabled: true,
  localUserEnabled: false,
  crossTenantReplicationEnabled: false,
  defaultToOauthAuthentication: true,
  // Log writers are Azure services; trusted-service bypass lets them through the firewall.
  networkDefaultAction: 'Deny',
  networkBypass: ['AzureServices'],
} as const;

/**
 * A storage account for logs that only Azure's own services can reach. Runbook: "direct
 * kube-audit logs to an Azure Storage Account, NOT Log Analytics". Meets Checkov
 * CKV_AZURE_35/36/44/190/206/244 and CKV2_AZURE_38.
 */
export class HardenedStorageAccount extends Construct {
  public static readonly RESOURCE_PROVIDERS: readonly string[] = ['Microsoft.Storage'];
  public readonly account: StorageAccount;
  public readonly id: string;
  public readonly name: string;
  public readonly softDeleteDays: number;
  public readonly replicationType: string;
  public readonly sharedAccessKeyEnabled: boolean;

  constructor(scope: Construct, id: string, props: HardenedStorageAccountProps) {
    super(scope, id);
    const h = STORAGE_HARDENING;
    this.name = props.name;
    this.softDeleteDays = props.softDeleteDays ?? 7;
    this.replicationType = props.replicationType ?? 'GRS';
    this.sharedAccessKeyEnabled = props.sharedAccessKeyEnabled ?? true;

    this.account = new StorageAccount(this, 'account', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      accountTier: h.accountTier,
      accountKind: h.accountKind,
      accountReplicationType: this.replicationType,
      minTlsVersion: h.minTlsVersion,
      httpsTrafficOnlyEnabled: h.httpsTrafficOnlyEnabled,
      allowNestedItemsToBePublic: h.allowNestedItemsToBePublic,
      infrastructureEncryptionEnabled: h.infrastructureEncryptionEnabled,
      localUserEnabled: h.localUserEnabled,
      crossTenantReplicationEnabled: h.crossTenantReplicationEnabled,
      defaultToOauthAuthentication: h.defaultToOauthAuthentication,
      sharedAccessKeyEnabled: this.sharedAccessKeyEnabled,
      networkRules: {
        defaultAction: h.networkDefaultAction,
        bypass: [...h.networkBypass],
      },
      blobProperties: {
        deleteRetentionPolicy: { days: this.softDeleteDays },
        containerDeleteRetentionPolicy: { days: this.softDeleteDays },
      },
    });
    this.account.overrideLogicalId(props.logicalId);
    this.id = this.account.id;
  }
}
