/**
 * AzureApi with the Azure SDK for JavaScript: one client per service, in one subscription,
 * every request bounded by `requestTimeoutMs` (the SDK retries network errors, and 429 after the
 * server's Retry-After, by its own policies). Failures become AzureError with what to do.
 */
import { resolve4 } from 'node:dns/promises';
import type { Agent } from 'node:https';
import { AzureError, credentialsTried, type AzureApi, type RoleAssignmentFacts } from './api';
import {
  AuthorizationManagementClient,
  BlobServiceClient,
  ContainerServiceClient,
  DefaultAzureCredential,
  newPipeline,
  LogsQueryClient,
  LogsQueryResultStatus,
  MonitorClient,
  NetworkManagementClient,
  PolicyClient,
  PolicyInsightsClient,
  ResourceManagementClient,
  RestError,
  type PipelinePolicy,
  type TokenCredential,
} from './sdk';

/** Diagnostic settings read by id at this version (category groups came with it). */
export const DIAGNOSTIC_SETTINGS_API_VERSION = '2021-05-01-preview';

/** Action groups read by id at this version (the one MonitorClient 7 uses for them). */
export const ACTION_GROUPS_API_VERSION = '2021-09-01';

export interface SdkApiOptions {
  readonly credential: TokenCredential;
  readonly subscriptionId: string;
  readonly requestTimeoutMs: number;
  /** Where ARM, Blob and Log Analytics are (tests: a local server); Azure's public cloud by default. */
  readonly endpoints?: {
    readonly arm?: string;
    readonly blob?: (account: string) => string;
    readonly logs?: string;
  };
  /**
   * Retries of a request that failed with a network error, 5xx or 429 (429 waits for the
   * server's Retry-After); tests shorten the back-off.
   * @default the SDK's: 3 retries, from 1 s apart
   */
  readonly retry?: { readonly maxRetries?: number; readonly retryDelayInMs?: number };
  /**
   * The HTTPS agent every request uses (tests: one that trusts the local server's certificate).
   * @default the SDK's own
   */
  readonly agent?: Agent;
  /** DNS lookup (tests: a table). */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

/** The default A-record lookup. */
const dnsResolve = async (host: string) => resolve4(host);

/**
 * Where a request went: ARM (and sign-in), which every check needs, or a data plane (a storage
 * account, Log Analytics, DNS) that only the check asking needs. Not reaching ARM, or no answer
 * from it, stops the Azure checks; not reaching one storage account fails only its check.
 */
type Plane = 'arm' | 'data';

function toAzureError(e: unknown, what: string, plane: Plane): AzureError {
  if (e instanceof AzureError) return e;
  const err = e as RestError & { code?: string; name?: string };
  const status = err.statusCode;
  const message = (err.message ?? String(e)).split('\n')[0]!;
  // @azure/identity, by name before any status: no credential source worked (not signed in), or
  // Entra ID refused the one found (AuthenticationError carries Entra's status, often 400).
  if (/^(CredentialUnavailableError|AggregateAuthenticationError|AuthenticationError)$/.test(err.name ?? '')) {
    return new AzureError('unauthorized', `${what}: no Azure credentials (sign in with az login, or give the job a workload or managed identity): ${credentialsTried(err.message ?? '')}`);
  }
  if (status === 401) {
    return new AzureError('unauthorized', `${what}: 401: Azure rejected the credentials (DefaultAzureCredential: az login, workload identity or a managed identity): ${message}`);
  }
  // ARM's AuthorizationFailed message names the action and the scope it was refused on.
  if (status === 403) return new AzureError('forbidden', `${what}: 403 ${err.code ?? 'Forbidden'}: ${message}`);
  if (status === 404) return new AzureError('not-found', `${what}: 404 ${err.code ?? 'NotFound'}: ${message}`);
  if (status === 429) return new AzureError('throttled', `${what}: 429: still throttled after the retries the SDK made: ${message}`);
  if (err.name === 'AbortError' || /timeout/i.test(message)) {
    return new AzureError(plane === 'arm' ? 'timeout' : 'other', `${what}: no answer within the request timeout: ${message}`);
  }
  if (!status && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|getaddrinfo/.test(`${err.code ?? ''} ${message}`)) {
    return plane === 'arm'
      ? new AzureError('unreachable', `${what}: cannot reach Azure: ${message}`)
      : new AzureError('other', `${what}: cannot reach it (a wrong name, DNS, or a network path this runner lacks): ${message}`);
  }
  return new AzureError('other', `${what}: ${status ? `${status} ` : ''}${message}`);
}

async function call<T>(what: string, run: () => Promise<T>, plane: Plane = 'arm'): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw toAzureError(e, what, plane);
  }
}

/** undefined for a 404: the thing is not there. */
async function orUndefined<T>(what: string, run: () => Promise<T>, plane: Plane = 'arm'): Promise<T | undefined> {
  try {
    return await call(what, run, plane);
  } catch (e) {
    if (e instanceof AzureError && e.kind === 'not-found') return undefined;
    throw e;
  }
}

export function sdkAzureApi(options: SdkApiOptions): AzureApi {
  const timeout: PipelinePolicy = {
    name: 'aks-day2-request-timeout',
    sendRequest: (request, next) => {
      request.timeout = options.requestTimeoutMs;
      return next(request);
    },
  };
  const agent: PipelinePolicy | undefined = options.agent && {
    name: 'aks-day2-agent',
    sendRequest: (request, next) => {
      request.agent = options.agent;
      return next(request);
    },
  };
  const clientOptions = {
    // Generated ARM clients build URLs from $host; the newer ones (containerservice) from endpoint.
    ...(options.endpoints?.arm ? { endpoint: options.endpoints.arm, $host: options.endpoints.arm } : {}),
    additionalPolicies: [timeout, ...(agent ? [agent] : [])].map((policy) => ({ policy, position: 'perRetry' as const })),
    ...(options.retry ? { retryOptions: options.retry } : {}),
  };
  const { credential, subscriptionId } = options;
  const containers = new ContainerServiceClient(credential, subscriptionId, clientOptions);
  const monitor = new MonitorClient(credential, subscriptionId, clientOptions);
  const network = new NetworkManagementClient(credential, subscriptionId, clientOptions);
  const authorization = new AuthorizationManagementClient(credential, subscriptionId, clientOptions);
  const policy = new PolicyClient(credential, subscriptionId, clientOptions);
  const insights = new PolicyInsightsClient(credential, subscriptionId, clientOptions);
  const resources = new ResourceManagementClient(credential, subscriptionId, clientOptions);
  const { endpoint: _arm, $host: _host, ...logsOptions } = clientOptions as typeof clientOptions & { endpoint?: string; $host?: string };
  const logs = new LogsQueryClient(credential, { ...logsOptions, ...(options.endpoints?.logs ? { endpoint: options.endpoints.logs } : {}) });
  const blobUrl = options.endpoints?.blob ?? ((account: string) => `https://${account}.blob.core.windows.net`);
  const blobService = (account: string) => {
    const pipeline = newPipeline(credential, {
      // Storage has its own retry policy: the same bound per try, the same number of tries.
      retryOptions: {
        tryTimeoutInMs: options.requestTimeoutMs,
        maxTries: (options.retry?.maxRetries ?? 3) + 1,
        ...(options.retry?.retryDelayInMs !== undefined ? { retryDelayInMs: options.retry.retryDelayInMs } : {}),
      },
    });
    // Storage takes no pipeline policies, only request policy factories of the older shape.
    const https = options.agent;
    if (https) pipeline.factories.push({ create: (next) => ({ sendRequest: (request) => ((request.agent = https), next.sendRequest(request)) }) });
    return new BlobServiceClient(blobUrl(account), pipeline);
  };

  return {
    getManagedCluster: (rg, name) =>
      call(`read AKS cluster ${name}`, async () => {
        const c = await containers.managedClusters.get(rg, name);
        return {
          // ARM's answer carries the id (in ARM's casing); the id the GET addressed if it ever does not.
          id: c.id ?? `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`,
          fqdn: c.fqdn,
          privateFqdn: c.privateFqdn,
          kubeletObjectId: c.identityProfile?.kubeletidentity?.objectId,
          omsAgentObjectId: c.addonProfiles?.omsagent?.identity?.objectId,
        };
      }),
    getDiagnosticSetting: (resourceId, name) =>
      orUndefined(`read diagnostic setting ${name}`, async () => {
        // By id at 2021-05-01-preview, the version with category groups: MonitorClient 7 reads
        // diagnostic settings at 2017-05-01-preview, whose model has no categoryGroup.
        const r = await resources.resources.getById(`${resourceId}/providers/Microsoft.Insights/diagnosticSettings/${name}`, DIAGNOSTIC_SETTINGS_API_VERSION);
        const p = (r.properties ?? {}) as { storageAccountId?: string; workspaceId?: string; logs?: Array<{ category?: string; categoryGroup?: string; enabled?: boolean }> };
        return {
          storageAccountId: p.storageAccountId,
          workspaceId: p.workspaceId,
          enabled: (p.logs ?? []).filter((l) => l.enabled).map((l) => l.category ?? l.categoryGroup ?? ''),
        };
      }),
    newestBlob: (account, container, prefixes) =>
      call(`list blobs in ${account}/${container}`, async () => {
        const client = blobService(account).getContainerClient(container);
        let newest: { name: string; lastModified: Date } | undefined;
        let listed = 0;
        try {
          for (const prefix of prefixes) {
            // The SDK follows the continuation markers: every page.
            for await (const blob of client.listBlobsFlat({ prefix })) {
              listed++;
              const lastModified = blob.properties.lastModified;
              if (!newest || lastModified > newest.lastModified) newest = { name: blob.name, lastModified };
            }
          }
        } catch (e) {
          const err = e as RestError;
          // Azure Monitor creates the container with the first log it writes.
          if (err.statusCode === 404) return { listed, containerMissing: true };
          // The account's firewall (aks-day2's accounts admit only Azure's trusted services):
          // not a missing role, which is AuthorizationPermissionMismatch.
          if (err.statusCode === 403 && err.code === 'AuthorizationFailure') return { listed, blocked: (err.message ?? '').split('\n')[0]! };
          throw e;
        }
        return { newest, listed };
      }, 'data'),
    appendTransactions: (accountId, fromMs, toMs) =>
      call(`read the Transactions metric of ${accountId.split('/').pop()}`, async () => {
        const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
        const r = await monitor.metrics.list(`${accountId}/blobServices/default`, {
          metricnamespace: 'Microsoft.Storage/storageAccounts/blobServices',
          metricnames: 'Transactions',
          aggregation: 'Total',
          interval: 'PT5M',
          timespan: `${iso(fromMs)}/${iso(toMs)}`,
          filter: "ApiName eq 'AppendBlock'",
        });
        let total = 0;
        let newest: Date | undefined;
        for (const series of r.value?.[0]?.timeseries ?? []) {
          for (const point of series.data ?? []) {
            if (!point.total) continue;
            total += point.total;
            if (!newest || point.timeStamp > newest) newest = point.timeStamp;
          }
        }
        return { total, ...(newest ? { newest } : {}) };
      }),
    readBlob: (account, container, name) =>
      orUndefined(`read blob ${account}/${container}/${name}`, async () => {
        const response = await blobService(account).getContainerClient(container).getBlobClient(name).download();
        const chunks: Buffer[] = [];
        for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Buffer));
        return Buffer.concat(chunks).toString('utf8');
      }, 'data'),
    getFlowLog: (rg, watcher, name) =>
      orUndefined(`read flow log ${name}`, async () => {
        const f = await network.flowLogs.get(rg, watcher, name);
        const ta = f.flowAnalyticsConfiguration?.networkWatcherFlowAnalyticsConfiguration;
        return {
          enabled: f.enabled === true,
          targetResourceId: f.targetResourceId,
          storageId: f.storageId,
          ...(ta
            ? {
                trafficAnalytics: {
                  enabled: ta.enabled === true,
                  intervalMinutes: ta.trafficAnalyticsInterval,
                  workspaceId: ta.workspaceId,
                  workspaceResourceId: ta.workspaceResourceId,
                },
              }
            : {}),
        };
      }),
    queryWorkspace: (workspaceId, query, minutes) =>
      call('query the Log Analytics workspace', async () => {
        const result = await logs.queryWorkspace(workspaceId, query, { duration: `PT${minutes}M` });
        if (result.status !== LogsQueryResultStatus.Success) throw new AzureError('other', `the query failed: ${JSON.stringify(result.partialError?.message ?? result.status)}`);
        const table = result.tables[0];
        if (!table) return [];
        return table.rows.map((row) => Object.fromEntries(table.columnDescriptors.map((c, i) => [c.name ?? String(i), row[i]])));
      }, 'data'),
    listRoleAssignments: (scope, principalId) =>
      call(`list role assignments at ${scope}`, async () => {
        const out: RoleAssignmentFacts[] = [];
        for await (const a of authorization.roleAssignments.listForScope(scope, { filter: `principalId eq '${principalId}'` })) {
          out.push({ roleDefinitionId: a.roleDefinitionId ?? '', principalId: a.principalId ?? '', scope: a.scope ?? '' });
        }
        return out;
      }),
    getPublicIpAddress: (rg, name) => call(`read public IP ${name}`, async () => (await network.publicIPAddresses.get(rg, name)).ipAddress),
    getActionGroup: (id) =>
      orUndefined(`read action group ${id.split('/').pop()}`, async () => {
        // By id, so an existing group in another subscription is read where it is.
        const r = await resources.resources.getById(id, ACTION_GROUPS_API_VERSION);
        const p = (r.properties ?? {}) as { enabled?: boolean; emailReceivers?: Array<{ emailAddress?: string }>; webhookReceivers?: Array<{ serviceUri?: string }> };
        return {
          enabled: p.enabled === true,
          emails: (p.emailReceivers ?? []).map((x) => x.emailAddress ?? ''),
          webhooks: (p.webhookReceivers ?? []).map((x) => x.serviceUri ?? ''),
        };
      }),
    getMetricAlert: (rg, name) =>
      orUndefined(`read metric alert ${name}`, async () => {
        const a = await monitor.metricAlerts.get(rg, name);
        return { enabled: a.enabled === true, scopes: a.scopes ?? [], actionGroupIds: (a.actions ?? []).map((x) => x.actionGroupId ?? '') };
      }),
    sendTestNotification: (emails, webhooks) =>
      call('send the test notification', async () => {
        // Not ...AndWait: Azure answers 202 with the notification's id in the body
        // (2021-09-01 examples/postTestNotifications.json) and its status URL in Location, and
        // the SDK's poller would follow Location and return the status body, which has no id.
        // One poll sends the request; the id comes from that response; the check then reads
        // the status itself, bounded by --timeout.
        let id: string | undefined;
        const poller = await monitor.actionGroups.beginPostTestNotifications(
          {
            alertType: 'metricstaticthreshold',
            emailReceivers: emails.map((emailAddress, i) => ({ name: `email-${i + 1}`, emailAddress })),
            webhookReceivers: webhooks.map((serviceUri, i) => ({ name: `webhook-${i + 1}`, serviceUri })),
          },
          {
            onResponse: (raw) => {
              if (id) return;
              const body = raw.parsedBody as { notificationId?: string } | undefined;
              const location = raw.headers.get('location');
              id = body?.notificationId ?? (location ? new URL(location).pathname.split('/').pop() : undefined);
            },
          },
        );
        await poller.poll();
        if (!id) throw new AzureError('other', 'send the test notification: Azure returned no notificationId');
        return id;
      }),
    getTestNotification: (id) =>
      call(`read test notification ${id}`, async () => {
        const r = await monitor.actionGroups.getTestNotifications(id);
        return {
          state: r.state,
          receivers: (r.actionDetails ?? []).map((d) => ({
            name: d.name ?? '?',
            type: d.mechanismType ?? '?',
            status: d.status ?? '?',
            ...(d.detail ? { detail: d.detail } : {}),
          })),
        };
      }),
    getResourceProperties: (resourceId, apiVersion) =>
      orUndefined(`read ${resourceId.split('/').pop()}`, async () => {
        const r = await resources.resources.getById(resourceId, apiVersion);
        return (r.properties ?? {}) as Record<string, unknown>;
      }),
    getPolicyCompliance: (scope, assignmentName) =>
      call(`read policy assignment ${assignmentName}`, async () => {
        let assignment;
        try {
          assignment = await policy.policyAssignments.get(scope, assignmentName);
        } catch (e) {
          if ((e as RestError).statusCode === 404) return { assignmentFound: false, components: [] };
          throw e;
        }
        const regex = (assignment.parameters?.allowedContainerImagesRegex?.value as string | undefined) ?? undefined;
        const filter = `policyAssignmentName eq '${assignmentName}'`;
        const summary = await insights.policyStates.summarizeForResource('latest', scope, { queryOptions: { filter } });
        const nonCompliant = summary.value?.[0]?.results?.nonCompliantResources;
        // A Kubernetes definition evaluates the cluster as one resource; the objects that break
        // the rule are its components (componentPolicyStates). Best effort: a refusal or an
        // empty answer leaves the count alone.
        let components: string[] = [];
        let componentsError: string | undefined;
        try {
          const r = await insights.componentPolicyStates.listQueryResultsForResource(scope, 'latest', {
            filter: `${filter} and complianceState eq 'NonCompliant'`,
            top: 5,
          });
          components = (r.value ?? []).map((c) => `${c.componentType ?? '?'} ${c.componentName ?? c.componentId ?? '?'}`);
        } catch (e) {
          componentsError = toAzureError(e, 'read component compliance', 'arm').message;
        }
        return {
          assignmentFound: true,
          ...(regex !== undefined ? { regex } : {}),
          ...(nonCompliant !== undefined ? { nonCompliant } : {}),
          components,
          ...(componentsError ? { componentsError } : {}),
        };
      }),
    resolve: (host) => call(`resolve ${host}`, () => (options.resolve ?? dnsResolve)(host), 'data'),
  };
}

/** The credential `verify --azure` uses: az login, workload identity, managed identity, … in DefaultAzureCredential's order. */
export function defaultCredential(): TokenCredential {
  return new DefaultAzureCredential();
}
