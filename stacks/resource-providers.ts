import type { IConstruct } from 'constructs';

/**
 * Resource providers (ARM namespaces) a stack needs registered, collected from its constructs.
 *
 * Convention: every construct class in stacks/ that creates Azure resources declares
 * `public static readonly RESOURCE_PROVIDERS: readonly string[]`, the namespaces its resources
 * belong to (the provider docs' "API Providers" section of each resource). ClusterStack
 * collects them from the constructs it actually instantiated and hands the sorted set to the
 * azurerm provider's `resource_providers_to_register`.
 */
export interface DeclaresResourceProviders {
  readonly RESOURCE_PROVIDERS: readonly string[];
}

/**
 * Namespaces as Azure's provider list spells them, which is what registration must use: azurerm
 * looks each requested name up, exactly, among the names `GET /subscriptions/{id}/providers`
 * returned, and a name it does not find there is skipped with only a log line
 * (internal/resourceproviders/requiring_registration.go, DetermineWhichRequiredResourceProvidersRequireRegistration).
 * Azure spells Insights in lowercase (`microsoft.insights`; azurerm PR #282, "the Resource
 * Provider API is case-sensitive"). This list is every namespace of azurerm v4.55.0's own
 * registration sets (internal/resourceproviders/required.go: Legacy and All), copied from there.
 */
export const AZURE_RESOURCE_PROVIDER_NAMES: readonly string[] = [
  'Github.Network',
  'Microsoft.AVS',
  'Microsoft.AlertsManagement',
  'Microsoft.ApiManagement',
  'Microsoft.AppConfiguration',
  'Microsoft.AppPlatform',
  'Microsoft.Authorization',
  'Microsoft.Automation',
  'Microsoft.Blueprint',
  'Microsoft.BotService',
  'Microsoft.Cache',
  'Microsoft.Cdn',
  'Microsoft.CognitiveServices',
  'Microsoft.Compute',
  'Microsoft.ContainerInstance',
  'Microsoft.ContainerRegistry',
  'Microsoft.ContainerService',
  'Microsoft.CostManagement',
  'Microsoft.CustomProviders',
  'Microsoft.DBforMariaDB',
  'Microsoft.DBforMySQL',
  'Microsoft.DBforPostgreSQL',
  'Microsoft.Dashboard',
  'Microsoft.DataFactory',
  'Microsoft.DataLakeAnalytics',
  'Microsoft.DataLakeStore',
  'Microsoft.DataMigration',
  'Microsoft.DataProtection',
  'Microsoft.Databricks',
  'Microsoft.DesktopVirtualization',
  'Microsoft.DevTestLab',
  'Microsoft.Devices',
  'Microsoft.DocumentDB',
  'Microsoft.EventGrid',
  'Microsoft.EventHub',
  'Microsoft.GuestConfiguration',
  'Microsoft.HDInsight',
  'Microsoft.HealthcareApis',
  'Microsoft.IoTCentral',
  'Microsoft.KeyVault',
  'Microsoft.Kusto',
  'Microsoft.Logic',
  'Microsoft.MachineLearningServices',
  'Microsoft.Maintenance',
  'Microsoft.ManagedIdentity',
  'Microsoft.ManagedServices',
  'Microsoft.Management',
  'Microsoft.Maps',
  'Microsoft.MarketplaceOrdering',
  'Microsoft.MixedReality',
  'Microsoft.Monitor',
  'Microsoft.Network',
  'Microsoft.NotificationHubs',
  'Microsoft.OperationalInsights',
  'Microsoft.OperationsManagement',
  'Microsoft.PolicyInsights',
  'Microsoft.PowerBIDedicated',
  'Microsoft.RecoveryServices',
  'Microsoft.Relay',
  'Microsoft.Resources',
  'Microsoft.Search',
  'Microsoft.Security',
  'Microsoft.SecurityInsights',
  'Microsoft.ServiceBus',
  'Microsoft.ServiceFabric',
  'Microsoft.SignalRService',
  'Microsoft.Sql',
  'Microsoft.Storage',
  'Microsoft.StreamAnalytics',
  'Microsoft.Web',
  'microsoft.insights',
];

const BY_LOWER_NAME = new Map(AZURE_RESOURCE_PROVIDER_NAMES.map((n) => [n.toLowerCase(), n]));

/**
 * `Microsoft.Insights` → `microsoft.insights`: the spelling registration needs. Throws for a
 * namespace azurerm's lists do not have, rather than letting registration skip it silently.
 */
export function azureResourceProviderName(namespace: string): string {
  const name = BY_LOWER_NAME.get(namespace.toLowerCase());
  if (!name) {
    throw new Error(
      `resource provider "${namespace}" is not in AZURE_RESOURCE_PROVIDER_NAMES (stacks/resource-providers.ts): add it there as Azure's provider list spells it`,
    );
  }
  return name;
}

const byLowerCase = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

/**
 * The resource providers declared by `scope` and every construct below it, in Azure's
 * spelling, de-duplicated and sorted (ignoring case), so the same constructs always give the
 * same list.
 */
export function resourceProvidersOf(scope: IConstruct): string[] {
  const names = new Set<string>();
  for (const c of scope.node.findAll()) {
    const declared = (c.constructor as Partial<DeclaresResourceProviders>).RESOURCE_PROVIDERS ?? [];
    for (const namespace of declared) names.add(azureResourceProviderName(namespace));
  }
  return [...names].sort(byLowerCase);
}
