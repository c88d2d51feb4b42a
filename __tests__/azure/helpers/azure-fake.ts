/**
 * A local HTTPS server standing in for the Azure endpoints `verify --azure` reads: ARM
 * (management.azure.com), Blob storage (<account>.blob.core.windows.net, path-style here) and
 * Log Analytics (api.loganalytics.io/v1). The real SDK clients talk to it (verify/azure/sdk-api.ts
 * with `endpoints` and an `agent` that trusts this server's certificate).
 *
 * It is a stand-in, not Azure: it answers the requests verify makes with bodies shaped like the
 * published examples of Azure/azure-rest-api-specs (each builder in azure-world.ts names its
 * example file), pages lists two items at a time (ARM `nextLink`, Blob `NextMarker`), and can be
 * told to fail a request (403, 404, 429 with Retry-After, or never answer). What it does not do:
 * authorization (any bearer token of the fake credential is accepted), API versions (ignored),
 * Log Analytics' query language (a query matches rows whose flow log name it quotes).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, Agent, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tempDir } from '../../support/temp';

/** A blob as the listing shows it. */
export interface FakeBlob {
  readonly name: string;
  readonly lastModified: Date;
  readonly content?: string;
}

/** A Traffic Analytics row: which flow log it came from, and when. */
export interface FakeTrafficRow {
  readonly flowLog: string;
  readonly time: string;
}

export interface FakeRoleAssignment {
  readonly roleDefinitionGuid: string;
  readonly principalId: string;
  readonly scope: string;
}

/** What Azure holds. Ids are compared case-insensitively, as ARM compares them. */
export interface FakeAzureWorld {
  readonly subscriptionId: string;
  /** ARM resources by id: GET returns the body. */
  readonly resources: Map<string, Record<string, unknown>>;
  readonly roleAssignments: FakeRoleAssignment[];
  /** Blobs by `<account>/<container>`. */
  readonly blobs: Map<string, FakeBlob[]>;
  /** Traffic Analytics rows by workspace GUID. */
  readonly trafficRows: Map<string, FakeTrafficRow[]>;
  /**
   * Policy compliance by assignment name: the non-compliant components (for a Kubernetes
   * definition, the objects; their componentType spelling is this stand-in's, not Azure's).
   */
  readonly nonCompliant: Map<string, Array<{ readonly type: string; readonly name: string }>>;
  /** AppendBlock transactions per 5 minutes, by storage account id (the Transactions metric). */
  readonly appendMetrics: Map<string, Array<{ readonly time: string; readonly total: number }>>;
  /** The test notification's states, one per status read; then its receivers' results. */
  testNotification: { readonly states: string[]; readonly receivers: ReadonlyArray<{ name: string; type: string; status: string; detail?: string }> };
}

/** A request to fail: the first `times` (default: every) requests whose `METHOD path?query` matches. */
export interface Fault {
  readonly match: RegExp;
  readonly status?: number;
  readonly code?: string;
  readonly message?: string;
  /** For 429: the Retry-After the SDK must honour, in ms (retry-after-ms). */
  readonly retryAfterMs?: number;
  /** Never answer. */
  readonly hang?: boolean;
  times?: number;
}

export const FAKE_AZURE_TOKEN = 'fake-azure-token-d2b6c1e0a9f84c3b';

const lower = (s: string) => s.toLowerCase();
const PAGE = 2;

export class FakeAzure {
  readonly requests: string[] = [];
  readonly faults: Fault[] = [];
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();
  private cert = '';
  url = '';
  agent?: Agent;
  notificationReads = 0;

  constructor(public world: FakeAzureWorld) {}

  async start(): Promise<void> {
    const dir = tempDir('aks-day2-azure-fake-');
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    // A certificate for 127.0.0.1 only this test run trusts (the agent below), never the system.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
      '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    this.cert = readFileSync(cert, 'utf8');
    this.server = createServer({ key: readFileSync(key), cert: this.cert }, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => this.handle(req, res, body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.agent = new Agent({ ca: this.cert, keepAlive: false });
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.agent?.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    // Not new URL(path, base): a path starting with // would be read as a host.
    const url = new URL(`${this.url}${req.url ?? '/'}`);
    // The SDK writes a scope parameter that starts with / after the path's own /: ARM accepts both.
    const path = decodeURIComponent(url.pathname).replace(/^\/+/, '/');
    const line = `${req.method} ${path}${url.search ? decodeURIComponent(url.search) : ''}`;
    this.requests.push(line);
    if (req.headers.authorization !== `Bearer ${FAKE_AZURE_TOKEN}`) return this.json(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } });
    const fault = this.faults.find((f) => f.match.test(line) && (f.times === undefined || f.times > 0));
    if (fault) {
      if (fault.times !== undefined) fault.times--;
      if (fault.hang) {
        this.hanging.add(res);
        return;
      }
      const status = fault.status ?? 500;
      const headers: Record<string, string> = fault.retryAfterMs !== undefined ? { 'retry-after-ms': String(fault.retryAfterMs) } : {};
      if (!path.startsWith('/subscriptions/') && !path.startsWith('/v1/')) return this.storageError(res, status, fault.code ?? 'Failed', fault.message ?? 'failed', headers);
      return this.json(res, status, { error: { code: fault.code ?? 'Failed', message: fault.message ?? 'failed' } }, headers);
    }
    if (path.startsWith('/v1/workspaces/')) return this.logQuery(res, path, body);
    if (path.startsWith('/subscriptions/')) return this.arm(req.method ?? 'GET', res, path, url);
    return this.blob(req.method ?? 'GET', res, path, url);
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': 'fake', ...headers });
    res.end(text);
  }

  private storageError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code, 'x-ms-request-id': 'fake', ...headers });
    res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
  }

  private arm(method: string, res: ServerResponse, path: string, url: URL): void {
    const p = lower(path);
    const sub = lower(this.world.subscriptionId);
    const known = this.world.resources.get(p);
    if (method === 'GET' && known) return this.json(res, 200, known);
    // Azure Monitor metrics of an account's blob service (monitor 2018-01-01 examples/GetMetric.json).
    const metrics = /^(.*)\/blobservices\/default\/providers\/microsoft\.insights\/metrics$/.exec(p);
    if (metrics && method === 'GET') {
      const points = this.world.appendMetrics.get(metrics[1]!) ?? [];
      return this.json(res, 200, {
        cost: 0,
        timespan: url.searchParams.get('timespan'),
        interval: url.searchParams.get('interval'),
        namespace: 'Microsoft.Storage/storageAccounts/blobServices',
        resourceregion: 'eastus',
        value: [
          {
            id: `${path}/Transactions`,
            type: 'Microsoft.Insights/metrics',
            name: { value: 'Transactions', localizedValue: 'Transactions' },
            unit: 'Count',
            timeseries: [{ metadatavalues: [], data: points.map((d) => ({ timeStamp: d.time, total: d.total })) }],
            errorCode: 'Success',
          },
        ],
      });
    }
    if (!p.startsWith(`/subscriptions/${sub}`)) {
      return this.json(res, 404, { error: { code: 'SubscriptionNotFound', message: `The subscription '${path.split('/')[2]}' could not be found.` } });
    }
    // Role assignments at, above and below a scope (RoleAssignments_ListForScope.json), by principal.
    const ra = /^(.*)\/providers\/microsoft\.authorization\/roleassignments$/.exec(p);
    if (ra && method === 'GET') {
      const scope = ra[1]!;
      const principal = /principalId eq '([^']+)'/.exec(url.searchParams.get('$filter') ?? '')?.[1];
      // Every management group listed is taken to be above the subscription (ARM lists those that are).
      const related = (s: string) =>
        scope === lower(s) || scope.startsWith(`${lower(s)}/`) || lower(s).startsWith(`${scope}/`) || lower(s).startsWith('/providers/microsoft.management/managementgroups/');
      const all = this.world.roleAssignments
        .filter((a) => (!principal || lower(a.principalId) === lower(principal)) && related(a.scope))
        .map((a, i) => ({
          properties: {
            roleDefinitionId: `/subscriptions/${this.world.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${a.roleDefinitionGuid}`,
            principalId: a.principalId,
            principalType: 'ServicePrincipal',
            scope: a.scope,
          },
          id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
          type: 'Microsoft.Authorization/roleAssignments',
          name: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
        }));
      return this.json(res, 200, this.page(all, url));
    }
    // Test notifications (2021-09-01 postTestNotifications.json, getTestNotifications.json).
    if (p === `/subscriptions/${sub}/providers/microsoft.insights/createnotifications` && method === 'POST') {
      this.notificationReads = 0;
      // The 202 names the status in Location, as Azure does (the example shows only the body).
      return this.json(
        res,
        202,
        { notificationId: '11000222191287', correlationId: '5000094c-7f6b-49f2-a0ad-c620c65d34b5', createdTime: '2026-12-04T10:30:01+00:00' },
        { location: `${this.url}/subscriptions/${this.world.subscriptionId}/providers/Microsoft.Insights/notificationStatus/11000222191287?api-version=2021-09-01` },
      );
    }
    if (p.startsWith(`/subscriptions/${sub}/providers/microsoft.insights/notificationstatus/`) && method === 'GET') {
      const { states, receivers } = this.world.testNotification;
      const state = states[Math.min(this.notificationReads++, states.length - 1)]!;
      // The 2021-09-01 example writes every key in PascalCase, and the SDK reads them so.
      return this.json(res, 200, {
        Context: { NotificationSource: 'Microsoft.Insights/TestNotification', ContextIdType: 'Microsoft.Insights/MetricAlert' },
        State: state,
        CompletedTime: '0001-01-01T00:00:00+00:00',
        CreatedTime: '2026-12-04T10:30:01+00:00',
        ActionDetails: receivers.map((r) => ({ MechanismType: r.type, Name: r.name, Status: r.status, SubState: 'Default', SendTime: '2026-12-04T10:30:05+00:00', Detail: r.detail ?? null })),
      });
    }
    // Policy compliance (PolicyStates_SummarizeResourceScope.json; ComponentPolicyStates_QueryResourceScope.json):
    // the cluster is one resource, compliant or not; the objects are components.
    const ps = /^(.*)\/providers\/microsoft\.policyinsights\/(policystates\/latest\/summarize|componentpolicystates\/latest\/queryresults)$/.exec(p);
    if (ps && method === 'POST') {
      const assignment = /policyAssignmentName eq '([^']+)'/.exec(url.searchParams.get('$filter') ?? '')?.[1] ?? '';
      const components = this.world.nonCompliant.get(assignment) ?? [];
      if (ps[2]!.endsWith('summarize')) {
        return this.json(res, 200, {
          '@odata.context': 'https://management.azure.com/metadata',
          '@odata.count': 1,
          value: [{ '@odata.id': null, '@odata.context': null, results: { queryResultsUri: null, nonCompliantResources: components.length ? 1 : 0, nonCompliantPolicies: components.length ? 1 : 0 }, policyAssignments: [] }],
        });
      }
      const top = Number(url.searchParams.get('$top') ?? components.length);
      return this.json(res, 200, {
        '@odata.context': 'https://management.azure.com/metadata',
        '@odata.count': Math.min(top, components.length),
        value: components.slice(0, top).map((c) => ({
          componentId: c.name,
          componentType: c.type,
          componentName: c.name,
          timestamp: '2026-12-04T09:00:00Z',
          resourceId: ps[1],
          policyAssignmentName: assignment,
          complianceState: 'NonCompliant',
        })),
      });
    }
    return this.json(res, 404, { error: { code: 'ResourceNotFound', message: `The Resource '${path.split('/').slice(-2).join('/')}' under resource group '${path.split('/')[4] ?? ''}' was not found.` } });
  }

  /** ARM's paging: `value` and a `nextLink` back to this server. */
  private page<T>(all: readonly T[], url: URL): { value: T[]; nextLink?: string } {
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
    const next = new URL(url.toString());
    next.searchParams.set('$skiptoken', String(skip + PAGE));
    return { value: all.slice(skip, skip + PAGE), ...(skip + PAGE < all.length ? { nextLink: next.toString() } : {}) };
  }

  /** Blob listing (List Blobs, XML) and download, path-style: /<account>/<container>[/<blob>]. */
  private blob(method: string, res: ServerResponse, path: string, url: URL): void {
    const [, account, container, ...rest] = path.split('/');
    const blobs = this.world.blobs.get(`${account}/${container}`);
    if (!blobs) return this.storageError(res, 404, 'ContainerNotFound', 'The specified container does not exist.');
    if (rest.length === 0 && url.searchParams.get('comp') === 'list') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const matching = blobs.filter((b) => b.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : 1));
      const start = Number(url.searchParams.get('marker') || 0);
      const page = matching.slice(start, start + PAGE);
      const next = start + PAGE < matching.length ? String(start + PAGE) : '';
      const xml =
        `<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="${this.url}/${account}" ContainerName="${container}">` +
        `<Prefix>${prefix}</Prefix><Blobs>` +
        page
          .map(
            (b) =>
              `<Blob><Name>${b.name}</Name><Properties><Creation-Time>${b.lastModified.toUTCString()}</Creation-Time><Last-Modified>${b.lastModified.toUTCString()}</Last-Modified>` +
              `<Etag>0x8DD${b.lastModified.getTime().toString(16).toUpperCase()}</Etag><Content-Length>${(b.content ?? '{}').length}</Content-Length>` +
              `<Content-Type>application/json</Content-Type><BlobType>AppendBlob</BlobType><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState>` +
              `<ServerEncrypted>true</ServerEncrypted></Properties><OrMetadata /></Blob>`,
          )
          .join('') +
        `</Blobs><NextMarker>${next}</NextMarker></EnumerationResults>`;
      res.writeHead(200, { 'content-type': 'application/xml', 'x-ms-request-id': 'fake', 'x-ms-version': '2025-11-05' });
      res.end(xml);
      return;
    }
    const name = rest.join('/');
    const blob = blobs.find((b) => b.name === name);
    if (!blob) return this.storageError(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
    const content = Buffer.from(blob.content ?? '', 'utf8');
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(content.length),
      'last-modified': blob.lastModified.toUTCString(),
      etag: '"0x8DD0000000000"',
      'x-ms-blob-type': 'BlockBlob',
      'x-ms-request-id': 'fake',
      'x-ms-version': '2025-11-05',
    });
    res.end(method === 'HEAD' ? undefined : content);
  }

  /**
   * Log Analytics' query API (operationalinsights data-plane examples): one table, the columns
   * verify's summarize asks for. Stands in for KQL by counting the rows of the flow log the
   * query quotes.
   */
  private logQuery(res: ServerResponse, path: string, body: string): void {
    const workspace = path.split('/')[3] ?? '';
    const rows = this.world.trafficRows.get(workspace);
    if (!rows) return this.json(res, 404, { error: { code: 'WorkspaceNotFoundError', message: `Workspace ${workspace} not found` } });
    const query = String((JSON.parse(body || '{}') as { query?: string }).query ?? '');
    if (!/^NTANetAnalytics\b/.test(query)) return this.json(res, 400, { error: { code: 'BadArgumentError', message: `unexpected query: ${query}` } });
    const mine = rows.filter((r) => query.includes(`'${r.flowLog}'`));
    const newest = mine.map((r) => r.time).sort().at(-1) ?? null;
    return this.json(res, 200, {
      tables: [{ name: 'PrimaryResult', columns: [{ name: 'rows', type: 'long' }, { name: 'newest', type: 'datetime' }], rows: [[mine.length, newest]] }],
    });
  }
}
