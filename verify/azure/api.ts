/**
 * The Azure reads (and the one opt-in write) `verify --azure` makes, as an interface the checks
 * depend on: sdk-api.ts implements it with the Azure SDK; the tests point that same
 * implementation at a local server. Failures are AzureError, one line a person can act on.
 */

export type AzureErrorKind = 'unauthorized' | 'forbidden' | 'not-found' | 'throttled' | 'timeout' | 'unreachable' | 'other';

export class AzureError extends Error {
  constructor(
    readonly kind: AzureErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'AzureError';
  }
}

/** Errors after which every further Azure call would fail the same way: the Azure checks stop. */
export function isFatalAzure(err: unknown): boolean {
  return err instanceof AzureError && (err.kind === 'unauthorized' || err.kind === 'unreachable' || err.kind === 'timeout');
}

/**
 * What each credential DefaultAzureCredential tried says, one short clause each. @azure/identity's
 * message has a line per credential ("CredentialUnavailableError: Azure CLI could not be found.
 * Please visit https://… for installation instructions …"); the first sentence says why, an
 * Entra ID error code (AADSTS…) says what Entra refused; the links and advice around them repeat
 * on every line and would bury the reason in a long report line.
 */
export function credentialsTried(message: string): string {
  const clauses = message
    .split('\n')
    .map((line) => line.trim().replace(/^(\w*Error: )+/, ''))
    .filter((line) => line !== '' && !/^ChainedTokenCredential authentication failed\.?$/.test(line))
    .map((line) => {
      const sentences = line.split(/(?<=\.)\s+/).map((x) => x.replace(/\.$/, ''));
      return [sentences[0]!, ...sentences.slice(1).filter((x) => /\bAADSTS\d+/.test(x))].join('. ');
    });
  return [...new Set(clauses)].join('; ');
}

export interface ManagedClusterFacts {
  readonly id: string;
  readonly fqdn?: string;
  readonly privateFqdn?: string;
  /** identityProfile.kubeletidentity.objectId */
  readonly kubeletObjectId?: string;
  /** addonProfiles.omsagent.identity.objectId (Container insights) */
  readonly omsAgentObjectId?: string;
}

export interface DiagnosticSettingFacts {
  readonly storageAccountId?: string;
  readonly workspaceId?: string;
  /** Enabled log categories. */
  readonly enabled: readonly string[];
}

export interface BlobFacts {
  readonly name: string;
  readonly lastModified: Date;
}

export interface FlowLogFacts {
  readonly enabled: boolean;
  readonly targetResourceId?: string;
  readonly storageId?: string;
  readonly trafficAnalytics?: { readonly enabled: boolean; readonly intervalMinutes?: number; readonly workspaceId?: string; readonly workspaceResourceId?: string };
}

export interface RoleAssignmentFacts {
  readonly roleDefinitionId: string;
  readonly principalId: string;
  readonly scope: string;
}

export interface ActionGroupFacts {
  readonly enabled: boolean;
  readonly emails: readonly string[];
  readonly webhooks: readonly string[];
}

export interface MetricAlertFacts {
  readonly enabled: boolean;
  readonly scopes: readonly string[];
  /** The action groups it notifies. */
  readonly actionGroupIds: readonly string[];
}

export interface TestNotificationFacts {
  /** `Completed` once every receiver was tried (the REST examples' value), else in progress. */
  readonly state: string;
  readonly receivers: ReadonlyArray<{ readonly name: string; readonly type: string; readonly status: string; readonly detail?: string }>;
}

export interface PolicyFacts {
  readonly assignmentFound: boolean;
  readonly regex?: string;
  /** Non-compliant resources at the scope: for a Kubernetes definition the cluster counts once (0 or 1). undefined: no evaluation yet. */
  readonly nonCompliant?: number;
  /** The first non-compliant components (for Kubernetes: the objects, `<type> <name>`). */
  readonly components: readonly string[];
  /** Why the components could not be read (they are then not shown). */
  readonly componentsError?: string;
}

export interface AzureApi {
  getManagedCluster(resourceGroup: string, name: string): Promise<ManagedClusterFacts>;
  /** undefined: no such setting (404). */
  getDiagnosticSetting(resourceId: string, name: string): Promise<DiagnosticSettingFacts | undefined>;
  /** The newest blob under any of `prefixes` in `container` of the account, and how many were listed. */
  newestBlob(
    accountName: string,
    container: string,
    prefixes: readonly string[],
  ): Promise<{ newest?: BlobFacts; listed: number; containerMissing?: boolean; /** The account's network rules refused the listing (403 AuthorizationFailure): Azure's message. */ blocked?: string }>;
  /**
   * AppendBlock transactions on the account's blob service in the window, from Azure Monitor
   * metrics (ARM, which the account's network rules do not stop): how many, and the newest
   * 5-minute interval that had any.
   */
  appendTransactions(storageAccountId: string, fromMs: number, toMs: number): Promise<{ total: number; newest?: Date }>;
  /** A blob's text (the Terraform state), or undefined when there is no such blob. */
  readBlob(accountName: string, container: string, name: string): Promise<string | undefined>;
  getFlowLog(resourceGroup: string, networkWatcher: string, name: string): Promise<FlowLogFacts | undefined>;
  /** Rows of a Log Analytics query over the last `minutes`. */
  queryWorkspace(workspaceId: string, query: string, minutes: number): Promise<ReadonlyArray<Readonly<Record<string, unknown>>>>;
  listRoleAssignments(scope: string, principalId: string): Promise<readonly RoleAssignmentFacts[]>;
  getPublicIpAddress(resourceGroup: string, name: string): Promise<string | undefined>;
  /** By id: an existing group may be in another subscription. */
  getActionGroup(id: string): Promise<ActionGroupFacts | undefined>;
  getMetricAlert(resourceGroup: string, name: string): Promise<MetricAlertFacts | undefined>;
  /** The one write: a test notification to the given receivers; returns its id. */
  sendTestNotification(emails: readonly string[], webhooks: readonly string[]): Promise<string>;
  /** How the test notification `id` went, receiver by receiver. */
  getTestNotification(id: string): Promise<TestNotificationFacts>;
  /** Any resource by id (Prometheus rule groups): its `properties`, or undefined for a 404. */
  getResourceProperties(resourceId: string, apiVersion: string): Promise<Readonly<Record<string, unknown>> | undefined>;
  getPolicyCompliance(scope: string, assignmentName: string): Promise<PolicyFacts>;
  /** The IPv4 addresses a host name resolves to. */
  resolve(host: string): Promise<readonly string[]>;
}

/** `api` with the cluster read once: every check starts from it. */
export function withClusterCached(api: AzureApi): AzureApi {
  const clusters = new Map<string, Promise<ManagedClusterFacts>>();
  return {
    ...api,
    getManagedCluster: (resourceGroup, name) => {
      const key = `${resourceGroup}/${name}`.toLowerCase();
      if (!clusters.has(key)) clusters.set(key, api.getManagedCluster(resourceGroup, name));
      return clusters.get(key)!;
    },
  };
}
