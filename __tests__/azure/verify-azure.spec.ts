/**
 * `verify --azure`: the Azure checks with the real Azure SDK for JavaScript (verify/azure/sdk-api.ts)
 * talking HTTPS to a local fake of ARM, Blob storage and Log Analytics (helpers/azure-fake.ts,
 * bodies shaped from the REST API specs' examples, helpers/azure-world.ts). What this proves: the
 * SDK calls verify makes, how it reads their answers (paging, 404, 403, 429 with Retry-After, a
 * server that never answers), and what each check concludes. What it cannot: that Azure answers
 * as its published examples do.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allowedImagesParameters } from '../../config/azure-policy-definition';
import { loadConfig } from '../../config/load';
import { EXIT, runVerify, type VerifyDeps } from '../../verify/cli';
import { AZURE_CHECK_IDS } from '../../verify/azure/check';
import { sdkAzureApi } from '../../verify/azure/sdk-api';
import { FakeClock } from '../verify/helpers/fake-kube-api';
import { tempDir } from '../support/temp';
import { FAKE_AZURE_TOKEN, FakeAzure, type Fault, type FakeAzureWorld } from './helpers/azure-fake';
import {
  ACTION_GROUP_ID,
  API_SERVER_IP,
  APP_GATEWAY_IP,
  auditBlob,
  CLUSTER_ID,
  DIAGNOSTIC_SETTING_ID,
  FLOW_LOG_ID,
  FQDN,
  healthyWorld,
  KUBELET_OID,
  NOW,
  POLICY_ASSIGNMENT_ID,
  PROMETHEUS_GROUP_ID,
  PUBLIC_IP_ID,
  REGISTRY_ID,
  ROLE,
  SUB,
  WORKSPACE_GUID,
} from './helpers/azure-world';

const CONFIG = join(__dirname, '..', 'verify', 'fixtures', 'azure-config.yaml');
const ALL = AZURE_CHECK_IDS.join(',');
const fake = new FakeAzure(healthyWorld());

beforeAll(() => fake.start());
afterAll(() => fake.stop());

/** The world as deployed: healthyWorld plus the policy assignment Terraform wrote from the config. */
function deployedWorld(): FakeAzureWorld {
  const world = healthyWorld();
  const policy = loadConfig(CONFIG).clusters.find((c) => c.name === 'azfin')!.policy!;
  // policy 2023-04-01/examples/getPolicyAssignment.json
  world.resources.set(POLICY_ASSIGNMENT_ID.toLowerCase(), {
    id: POLICY_ASSIGNMENT_ID,
    type: 'Microsoft.Authorization/policyAssignments',
    name: 'aks-day2-azfin-allowed-images',
    properties: {
      displayName: 'aks-day2: allowed registries for cluster azfin (azfin-aks)',
      policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/febd0533-8e55-448f-b837-bd0e06f16469',
      parameters: allowedImagesParameters(policy),
      scope: CLUSTER_ID,
      enforcementMode: 'Default',
    },
  });
  return world;
}

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
  readonly text: string;
  readonly clock: FakeClock;
  line(id: string): string;
}

async function verify(
  argv: string[] = [],
  setup: {
    world?: (w: FakeAzureWorld) => void;
    faults?: Fault[];
    env?: NodeJS.ProcessEnv;
    token?: string;
    dns?: Record<string, string[]>;
    config?: string;
    /** Instead of the fake credential's token: what getToken throws. */
    tokenError?: Error;
    resolve?: (host: string) => Promise<string[]>;
  } = {},
): Promise<Run> {
  fake.world = deployedWorld();
  setup.world?.(fake.world);
  fake.faults.splice(0, fake.faults.length, ...(setup.faults ?? []));
  fake.requests.splice(0);
  const clock = new FakeClock();
  const dns = setup.dns ?? { [FQDN]: [API_SERVER_IP] };
  const deps: VerifyDeps = {
    connect: async () => {
      throw new Error('the Azure checks alone must not need a kubeconfig');
    },
    azure: async ({ subscriptionId, requestTimeoutMs }) =>
      sdkAzureApi({
        credential: {
          getToken: async () => {
            if (setup.tokenError) throw setup.tokenError;
            return { token: setup.token ?? FAKE_AZURE_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
          },
        },
        subscriptionId,
        requestTimeoutMs,
        endpoints: { arm: fake.url, blob: (account) => `${fake.url}/${account}`, logs: `${fake.url}/v1` },
        agent: fake.agent,
        resolve: setup.resolve ?? (async (host) => dns[host] ?? []),
        // The SDK's own back-off, shortened: a retry still happens, without seconds of waiting.
        retry: { maxRetries: 2, retryDelayInMs: 5 },
      }),
    wallNow: () => NOW,
    clock,
  };
  const out: string[] = [];
  const err: string[] = [];
  const hasOnly = argv.includes('--only');
  const code = await runVerify(
    ['--config', setup.config ?? CONFIG, '--azure', ...(argv.includes('--cluster') || argv.includes('--all') ? [] : ['--cluster', 'azfin']), ...(hasOnly ? [] : ['--only', ALL]), ...argv],
    setup.env ?? {},
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    deps,
  );
  const text = [...out, ...err].join('\n');
  return { code, out, err, text, clock, line: (id) => out.find((l) => new RegExp(`^(PASS|FAIL|SKIP) ${id}\\b`).test(l)) ?? `(no line for ${id})` };
}

/** The detail lines printed under a check's result. */
function details(run: Run, id: string): string[] {
  const start = run.out.findIndex((l) => new RegExp(`^(PASS|FAIL|SKIP) ${id}\\b`).test(l));
  const rest = run.out.slice(start + 1);
  const end = rest.findIndex((l) => !l.startsWith('     '));
  return rest.slice(0, end < 0 ? undefined : end).map((l) => l.trim());
}

describe('verify --azure against the real SDK and a local fake of Azure', () => {
  test('a healthy deployment: every Azure check passes, reading every page, writing nothing', async () => {
    const run = await verify();
    expect(run.out.filter((l) => /^(PASS|FAIL|SKIP) /.test(l)).map((l) => l.slice(0, 4) + ' ' + l.split(/\s+/)[1])).toEqual(AZURE_CHECK_IDS.map((id) => `PASS ${id}`));
    expect(run.code).toBe(EXIT.passed);
    expect(run.out[0]).toBe(`aks-day2 verify: cluster azfin from ${CONFIG} (AKS azfin-aks), Azure subscription ${SUB}`);
    // The newest audit blob and its age; flow-log blobs and Traffic Analytics rows of this flow log only.
    expect(details(run, 'audit-logs-arriving')[0]).toMatch(/^kube-audit: newest blob 2026-12-04T10:26:00.000Z \(4 min ago\): insights-logs-kube-audit\/resourceId=\/SUBSCRIPTIONS\//);
    expect(details(run, 'flow-logs-arriving')).toEqual([
      expect.stringMatching(/^blobs: newest 2026-12-04T10:23:00.000Z \(7 min ago\)/),
      'Traffic Analytics: 1 NTANetAnalytics row(s), newest 2026-12-04T10:12:00.000Z',
    ]);
    expect(run.line('firewall-allowlist')).toContain(`got: equal: ${APP_GATEWAY_IP}/32, ${API_SERVER_IP}/32`);
    expect(run.line('firewall-allowlist')).toContain('firewall_allowlist from state blob azfintfstate/tfstate/aks-day2/azfin.tfstate');
    expect(run.line('policy-compliant')).toContain('got: assigned with the synthesized regex; compliance: the cluster is non-compliant');
    expect(details(run, 'policy-compliant')).toEqual(['non-compliant: Pod production/legacy-7d9f']);
    expect(details(run, 'roles-granted')).toEqual([
      `ok: AcrPull for the kubelet identity on registry azfinacr (assigned at ${REGISTRY_ID})`,
      `ok: Monitoring Metrics Publisher for the monitoring principal on the cluster (assigned at ${CLUSTER_ID})`,
      `ok: Log Analytics Reader for the monitoring principal on the cluster (assigned at ${CLUSTER_ID})`,
    ]);
    // Paging: the monitoring principal's four related assignments, three audit blobs of today.
    expect(fake.requests.some((r) => /roleAssignments\?.*\$skiptoken=2/.test(r))).toBe(true);
    expect(fake.requests.some((r) => /^GET \/azfinaudit\/insights-logs-kube-audit\?.*marker=2/.test(r))).toBe(true);
    // One cluster read for all six checks; no write; no token printed.
    expect(fake.requests.filter((r) => r.startsWith(`GET ${CLUSTER_ID}?`))).toHaveLength(1);
    expect(fake.requests.filter((r) => !r.startsWith('GET ') && !/[pP]olicyStates\/latest\/(summarize|queryResults)|\/v1\/workspaces\//.test(r))).toEqual([]);
    expect(run.text).not.toContain(FAKE_AZURE_TOKEN);
  });

  test('no audit blob within --since: fails naming the newest one and its age; a wider --since passes', async () => {
    const stale = (w: FakeAzureWorld) => w.blobs.set('azfinaudit/insights-logs-kube-audit', [auditBlob(CLUSTER_ID, 3, 170)]);
    const run = await verify(['--only', 'audit-logs-arriving'], { world: stale });
    expect(run.code).toBe(EXIT.failed);
    expect(run.line('audit-logs-arriving')).toContain('got: nothing within 120 min for kube-audit');
    expect(details(run, 'audit-logs-arriving')).toEqual(['kube-audit: newest blob 2026-12-04T07:40:00.000Z (2 h 50 min ago), older than --since 120 min']);
    const wider = await verify(['--only', 'audit-logs-arriving', '--since', '3h'], { world: stale });
    expect(wider.line('audit-logs-arriving')).toMatch(/^PASS/);
  });

  test("blobs only for another cluster (whose name starts with this one's) do not count", async () => {
    const other = CLUSTER_ID.replace('azfin-aks', 'azfin-aks2');
    const run = await verify(['--only', 'audit-logs-arriving'], { world: (w) => w.blobs.set('azfinaudit/insights-logs-kube-audit', [auditBlob(other, 0, 2), auditBlob(other, 1, 50)]) });
    expect(run.line('audit-logs-arriving')).toMatch(/^FAIL/);
    expect(details(run, 'audit-logs-arriving')).toEqual(['kube-audit: no blob for this cluster in azfinaudit/insights-logs-kube-audit since 2026-12-04 (0 listed)']);
  });

  test('no container yet: Azure Monitor has never written a log', async () => {
    const run = await verify(['--only', 'audit-logs-arriving'], { world: (w) => w.blobs.delete('azfinaudit/insights-logs-kube-audit') });
    expect(details(run, 'audit-logs-arriving')[0]).toContain('the container does not exist: Azure Monitor creates it with the first log it writes');
  });

  test('a category group (audit): arriving when any of its categories is; the setting holds the group', async () => {
    const config = join(tempDir(), 'groups.yaml');
    writeFileSync(config, readFileSync(CONFIG, 'utf8').replace('storageAccountName: azfinaudit', 'storageAccountName: azfinaudit\n      categories: [audit]'));
    // diagnostic settings 2021-05-01-preview: a group is sent as categoryGroup.
    const asGroup = (w: FakeAzureWorld) => ((w.resources.get(DIAGNOSTIC_SETTING_ID.toLowerCase())!.properties as Record<string, unknown>).logs = [{ categoryGroup: 'audit', enabled: true }]);
    const run = await verify(['--only', 'audit-logs-arriving'], { config, world: asGroup });
    expect(run.line('audit-logs-arriving')).toMatch(/^PASS/);
    expect(details(run, 'audit-logs-arriving')).toEqual([
      expect.stringMatching(/^kube-audit: newest blob 2026-12-04T10:26:00.000Z/),
      'audit: nothing within --since from kube-audit-admin, guard (not every category logs on every cluster)',
    ]);
    const none = await verify(['--only', 'audit-logs-arriving'], {
      config,
      world: (w) => {
        asGroup(w);
        w.blobs.delete('azfinaudit/insights-logs-kube-audit');
      },
    });
    expect(none.line('audit-logs-arriving')).toContain('got: nothing within 120 min for audit');
    // Sent as the single category instead of the group: the setting is not what the config says.
    const single = await verify(['--only', 'audit-logs-arriving'], { config });
    expect(single.line('audit-logs-arriving')).toContain('categories not enabled: audit');
  });

  test('the diagnostic setting missing, or sending elsewhere, or without the category', async () => {
    const missing = await verify(['--only', 'audit-logs-arriving'], { world: (w) => w.resources.delete(DIAGNOSTIC_SETTING_ID.toLowerCase()) });
    expect(missing.line('audit-logs-arriving')).toContain('got: no diagnostic setting aks-day2-audit-to-storage on cluster azfin-aks');
    const elsewhere = await verify(['--only', 'audit-logs-arriving'], {
      world: (w) => {
        const s = w.resources.get(DIAGNOSTIC_SETTING_ID.toLowerCase())!;
        (s.properties as Record<string, unknown>).storageAccountId = `/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.Storage/storageAccounts/someoneelse`;
        (s.properties as Record<string, unknown>).logs = [{ category: 'kube-audit', enabled: false }];
      },
    });
    expect(elsewhere.line('audit-logs-arriving')).toMatch(/its storage account is .*\/someoneelse, not .*\/azfinaudit; categories not enabled: kube-audit/);
  });

  test('a disabled flow log fails before any blob is listed', async () => {
    const run = await verify(['--only', 'flow-logs-arriving'], { world: (w) => ((w.resources.get(FLOW_LOG_ID.toLowerCase())!.properties as Record<string, unknown>).enabled = false) });
    expect(run.line('flow-logs-arriving')).toContain('got: flow log azfin-vnet-flowlog: it is disabled');
    expect(fake.requests.some((r) => r.includes('insights-logs-flowlogflowevent'))).toBe(false);
  });

  test('Traffic Analytics silent while blobs still land (AzureMonitorCommunity#254): fails on the rows alone', async () => {
    const run = await verify(['--only', 'flow-logs-arriving'], { world: (w) => w.trafficRows.set(WORKSPACE_GUID, [{ flowLog: 'other-vnet-flowlog', time: '2026-12-04T10:20:00Z' }]) });
    expect(run.line('flow-logs-arriving')).toContain('got: nothing within 120 min: Traffic Analytics rows');
    expect(details(run, 'flow-logs-arriving')[0]).toMatch(/^blobs: newest /);
  });

  test('Traffic Analytics at another interval, or off', async () => {
    const ta = (w: FakeAzureWorld) =>
      ((w.resources.get(FLOW_LOG_ID.toLowerCase())!.properties as { flowAnalyticsConfiguration: { networkWatcherFlowAnalyticsConfiguration: Record<string, unknown> } }).flowAnalyticsConfiguration
        .networkWatcherFlowAnalyticsConfiguration);
    const hourly = await verify(['--only', 'flow-logs-arriving'], { world: (w) => (ta(w).trafficAnalyticsInterval = 60) });
    expect(hourly.line('flow-logs-arriving')).toContain('Traffic Analytics runs every 60 min, not 10');
    const off = await verify(['--only', 'flow-logs-arriving'], { world: (w) => (ta(w).enabled = false) });
    expect(off.line('flow-logs-arriving')).toContain('Traffic Analytics is off');
  });

  test('a role missing is named with the principal and scope; one inherited from the resource group counts', async () => {
    const missing = await verify(['--only', 'roles-granted'], {
      world: (w) => w.roleAssignments.splice(w.roleAssignments.findIndex((a) => a.roleDefinitionGuid === ROLE.logAnalyticsReader), 1),
    });
    expect(missing.code).toBe(EXIT.failed);
    expect(missing.line('roles-granted')).toContain('got: 1 missing: Log Analytics Reader for the monitoring principal on the cluster');
    expect(details(missing, 'roles-granted')).toContain(
      `missing: Log Analytics Reader for the monitoring principal on the cluster: no assignment of role ${ROLE.logAnalyticsReader} to principal 66666666-7777-8888-9999-000000000000 at ${CLUSTER_ID} or above`,
    );
    const inherited = await verify(['--only', 'roles-granted'], {
      world: (w) => {
        w.roleAssignments[0] = { roleDefinitionGuid: ROLE.acrPull, principalId: KUBELET_OID, scope: `/subscriptions/${SUB}/resourceGroups/azfin-rg` };
      },
    });
    expect(inherited.line('roles-granted')).toMatch(/^PASS/);
    // Below the scope does not count: AcrPull on another registry's repository scope is not the registry.
    const below = await verify(['--only', 'roles-granted'], {
      world: (w) => {
        w.roleAssignments[0] = { roleDefinitionGuid: ROLE.acrPull, principalId: KUBELET_OID, scope: `${REGISTRY_ID}/scopeMaps/pull-only` };
      },
    });
    expect(below.line('roles-granted')).toContain('got: 1 missing: AcrPull for the kubelet identity on registry azfinacr');
  });

  test('an address changed: names the one that is new and the one that is gone', async () => {
    const run = await verify(['--only', 'firewall-allowlist'], { world: (w) => ((w.resources.get(PUBLIC_IP_ID.toLowerCase())!.properties as Record<string, unknown>).ipAddress = '20.81.4.99') });
    expect(run.code).toBe(EXIT.failed);
    expect(run.line('firewall-allowlist')).toContain(`got: new: 20.81.4.99/32; gone: ${APP_GATEWAY_IP}/32 (the firewall allow-list needs updating`);
    expect(details(run, 'firewall-allowlist')).toEqual([`API server ${FQDN}: ${API_SERVER_IP}`, 'App Gateway public IP azfinagpip: 20.81.4.99']);
  });

  test('--outputs: the allow-list from cdktf output --outputs-file (by stack) or terraform output -json', async () => {
    const dir = tempDir();
    const cdktf = join(dir, 'outputs.json');
    writeFileSync(cdktf, JSON.stringify({ azfin: { api_server_fqdn: FQDN, firewall_allowlist: [`${API_SERVER_IP}/32`, `${APP_GATEWAY_IP}/32`] } }));
    const a = await verify(['--only', 'firewall-allowlist', '--outputs', cdktf]);
    expect(a.line('firewall-allowlist')).toMatch(new RegExp(`^PASS .*firewall_allowlist from ${cdktf.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    expect(fake.requests.some((r) => r.includes('tfstate'))).toBe(false);
    const tf = join(dir, 'tf.json');
    writeFileSync(tf, JSON.stringify({ firewall_allowlist: { sensitive: false, type: ['list', 'string'], value: [`${API_SERVER_IP}/32`] } }));
    const b = await verify(['--only', 'firewall-allowlist', '--outputs', tf]);
    expect(b.line('firewall-allowlist')).toContain(`got: new: ${APP_GATEWAY_IP}/32`);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ other: {} }));
    const c = await verify(['--only', 'firewall-allowlist', '--outputs', wrong]);
    expect(c.line('firewall-allowlist')).toContain('neither a cdktf outputs file with stack "azfin" (cdktf output azfin --outputs-file <file>) nor terraform output -json with firewall_allowlist');
  });

  test('alerts: a disabled action group, a metric alert missing, a Prometheus rule switched off', async () => {
    const run = await verify(['--only', 'alerts-wired'], {
      world: (w) => {
        (w.resources.get(ACTION_GROUP_ID.toLowerCase())!.properties as Record<string, unknown>).enabled = false;
        w.resources.delete(`/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.Insights/metricAlerts/azfin-node-cpu-usage-percentage`.toLowerCase());
        ((w.resources.get(PROMETHEUS_GROUP_ID.toLowerCase())!.properties as { rules: Array<Record<string, unknown>> }).rules[1]!.enabled = false);
      },
    });
    expect(run.code).toBe(EXIT.failed);
    expect(run.line('alerts-wired')).toContain(
      'got: action group aks-day2-azfin-alerts is disabled: no alert notifies anyone; no metric alert azfin-node-cpu-usage-percentage; ' +
        'Prometheus rule group KubernetesAlert-RecommendedMetricAlertsazfin-aks-Node-level: rules disabled: KubeNodeReadinessFlapping',
    );
  });

  test('--send-test-notification: the one write, polled until Completed, each receiver reported', async () => {
    const run = await verify(['--only', 'alerts-wired', '--send-test-notification']);
    expect(run.line('alerts-wired')).toContain('got: wired; test notification delivered to 2 receiver(s)');
    expect(details(run, 'alerts-wired').slice(-2)).toEqual(['test notification Email email-1: Completed', 'test notification Webhook webhook-1: Completed']);
    expect(fake.requests.filter((r) => r.startsWith('POST '))).toEqual([expect.stringMatching(/^POST \/subscriptions\/[^/]+\/providers\/Microsoft.Insights\/createNotifications\?/)]);
    // The 202's Location is the status: the SDK's one poll reads NotStarted, verify reads Running, waits, reads Completed.
    expect(fake.requests.filter((r) => r.includes('/notificationStatus/'))).toHaveLength(3);
    expect(run.clock.sleeps).toEqual([5000]);
    const stuck = await verify(['--only', 'alerts-wired', '--send-test-notification', '--timeout', '12'], {
      world: (w) => {
        w.testNotification = { states: ['Running'], receivers: [] };
      },
    });
    expect(stuck.line('alerts-wired')).toContain('got: the test notification did not complete within --timeout (12 s)');
    // Polls every 5 s; the last wait ends at the 12 s deadline (one more read there), not a whole poll past it.
    expect(stuck.clock.sleeps).toEqual([5000, 5000, 2000]);
    const failing = await verify(['--only', 'alerts-wired', '--send-test-notification'], {
      world: (w) => {
        w.testNotification = { states: ['Completed'], receivers: [{ name: 'webhook-1', type: 'Webhook', status: 'Failed', detail: 'HTTP 404 from the webhook' }] };
      },
    });
    expect(failing.line('alerts-wired')).toContain('got: test notification failed for webhook-1');
    expect(details(failing, 'alerts-wired')).toContain('test notification Webhook webhook-1: Failed: HTTP 404 from the webhook');
  });

  test('the assignment changed outside Terraform: both regexes shown', async () => {
    const run = await verify(['--only', 'policy-compliant'], {
      world: (w) => ((w.resources.get(POLICY_ASSIGNMENT_ID.toLowerCase())!.properties as { parameters: Record<string, unknown> }).parameters.allowedContainerImagesRegex = { value: '^.*$' }),
    });
    expect(run.line('policy-compliant')).toContain("got: the assignment's allowedContainerImagesRegex differs from the synthesized one");
    expect(details(run, 'policy-compliant')[0]).toBe('assigned:    ^.*$');
  });

  test('403 names the action and scope; the other checks still run', async () => {
    const run = await verify([], {
      faults: [
        {
          match: /^GET \/azfinaudit\//,
          status: 403,
          code: 'AuthorizationPermissionMismatch',
          message: 'This request is not authorized to perform this operation using this permission.',
        },
        {
          match: /^GET \/subscriptions\/[^?]*\/flowLogs\//,
          status: 403,
          code: 'AuthorizationFailed',
          message: `The client 'ci' does not have authorization to perform action 'Microsoft.Network/networkWatchers/flowLogs/read' over scope '${FLOW_LOG_ID}'`,
        },
      ],
    });
    expect(run.line('audit-logs-arriving')).toMatch(/^FAIL audit-logs-arriving .*got: list blobs in azfinaudit\/insights-logs-kube-audit: 403 AuthorizationPermissionMismatch: This request is not authorized/);
    expect(run.line('flow-logs-arriving')).toContain("403 AuthorizationFailed: The client 'ci' does not have authorization to perform action 'Microsoft.Network/networkWatchers/flowLogs/read' over scope");
    expect(run.line('roles-granted')).toMatch(/^PASS/);
    expect(run.line('alerts-wired')).toMatch(/^PASS/);
  });

  test("429 is retried after the server's Retry-After, then passes", async () => {
    const faults: Fault[] = [{ match: /^GET \/subscriptions\/[^?]*\/flowLogs\//, status: 429, code: 'TooManyRequests', message: 'slow down', retryAfterMs: 20, times: 1 }];
    const run = await verify(['--only', 'flow-logs-arriving'], { faults });
    expect(run.line('flow-logs-arriving')).toMatch(/^PASS/);
    expect(fake.requests.filter((r) => /\/flowLogs\//.test(r))).toHaveLength(2);
    const always = await verify(['--only', 'flow-logs-arriving'], { faults: [{ ...faults[0]!, times: undefined }] });
    expect(always.line('flow-logs-arriving')).toContain('429: still throttled after the retries the SDK made');
  });

  test('Azure never answering: the first check times out, the rest are reported as not run', async () => {
    const run = await verify(['--request-timeout', '1'], { faults: [{ match: /^GET \/subscriptions\//, hang: true }] });
    expect(run.code).toBe(EXIT.failed);
    expect(run.line('roles-granted')).toMatch(/^FAIL roles-granted .*got: read AKS cluster azfin-aks: no answer within the request timeout/);
    for (const id of AZURE_CHECK_IDS.slice(1)) expect(run.line(id)).toMatch(new RegExp(`^SKIP ${id} .*got: not run: read AKS cluster azfin-aks: no answer`));
  });

  test('credentials Azure rejects (401): one failure says how to sign in, the rest are not run', async () => {
    const run = await verify([], { token: 'someone-elses-token-0000' });
    expect(run.line('roles-granted')).toContain('401: Azure rejected the credentials (DefaultAzureCredential: az login, workload identity or a managed identity)');
    expect(run.out.filter((l) => l.startsWith('SKIP '))).toHaveLength(AZURE_CHECK_IDS.length - 1);
    expect(run.text).not.toContain('someone-elses-token-0000');
  });

  test("an account's network rules refuse the listing: the account's Transactions metric through ARM instead", async () => {
    const blocked: Fault = {
      match: /^GET \/azfin(audit|flow)\//,
      status: 403,
      code: 'AuthorizationFailure',
      message: 'This request is not authorized to perform this operation.',
    };
    const auditAccount = `/subscriptions/${SUB}/resourceGroups/azfin-rg/providers/Microsoft.Storage/storageAccounts/azfinaudit`;
    const run = await verify(['--only', 'audit-logs-arriving,flow-logs-arriving'], {
      faults: [blocked],
      world: (w) => w.appendMetrics.set(auditAccount.toLowerCase(), [{ time: '2026-12-04T10:20:00Z', total: 14 }, { time: '2026-12-04T10:25:00Z', total: 0 }]),
    });
    expect(run.line('audit-logs-arriving')).toMatch(/^PASS audit-logs-arriving .*got: arriving \(by the account metric\)/);
    expect(details(run, 'audit-logs-arriving')).toEqual([
      expect.stringMatching(/^azfinaudit: 14 AppendBlock transaction\(s\) within --since, the newest in the 5 minutes from 2026-12-04T10:20:00.000Z \(10 min ago\); the blob listing was refused by the account's network rules \(This request is not authorized/),
    ]);
    // The flow-log account had no AppendBlock: fails, saying where the evidence came from.
    expect(run.line('flow-logs-arriving')).toContain('got: nothing within 120 min: flow-log blobs');
    expect(details(run, 'flow-logs-arriving')[0]).toMatch(/^blobs: azfinflow: no AppendBlock transaction within --since 120 min; the blob listing was refused by the account's network rules/);
    expect(fake.requests.some((r) => /azfinaudit\/blobServices\/default\/providers\/Microsoft.Insights\/metrics\?.*metricnames=Transactions/.test(r))).toBe(true);
  });

  test('an action group that exists already, in another subscription, is read by its id', async () => {
    const shared = '/subscriptions/99999999-8888-7777-6666-555555555555/resourceGroups/shared-rg/providers/Microsoft.Insights/actionGroups/platform-oncall';
    const config = join(tempDir(), 'existing.yaml');
    writeFileSync(config, readFileSync(CONFIG, 'utf8').replace('        emails: [oncall@contoso.com]\n        webhooks: [https://hooks.contoso.com/aks]', `        existingId: ${shared}`));
    const run = await verify(['--only', 'alerts-wired'], {
      config,
      world: (w) => {
        const own = w.resources.get(ACTION_GROUP_ID.toLowerCase())!;
        w.resources.delete(ACTION_GROUP_ID.toLowerCase());
        w.resources.set(shared.toLowerCase(), { ...own, id: shared, name: 'platform-oncall' });
        for (const [id, body] of w.resources) {
          const props = body.properties as { actions?: Array<{ actionGroupId: string }>; rules?: Array<{ actions?: Array<{ actionGroupId: string }> }> };
          if (id.includes('/metricalerts/')) props.actions = [{ actionGroupId: shared }];
        }
      },
    });
    expect(run.line('alerts-wired')).toMatch(/^PASS alerts-wired /);
    expect(fake.requests.some((r) => r.startsWith(`GET ${shared}?`))).toBe(true);
  });

  test('a role inherited from a management group counts', async () => {
    const run = await verify(['--only', 'roles-granted'], {
      world: (w) => {
        w.roleAssignments[0] = { roleDefinitionGuid: ROLE.acrPull, principalId: KUBELET_OID, scope: '/providers/Microsoft.Management/managementGroups/platform' };
      },
    });
    expect(run.line('roles-granted')).toMatch(/^PASS/);
    expect(details(run, 'roles-granted')[0]).toBe('ok: AcrPull for the kubelet identity on registry azfinacr (assigned at /providers/Microsoft.Management/managementGroups/platform)');
  });

  test('a data-plane host that cannot be reached fails only its check; the rest still run', async () => {
    const notFound = Object.assign(new Error(`getaddrinfo ENOTFOUND ${FQDN}`), { code: 'ENOTFOUND' });
    const run = await verify(['--only', 'firewall-allowlist,policy-compliant,alerts-wired'], {
      resolve: async () => {
        throw notFound;
      },
    });
    expect(run.line('firewall-allowlist')).toContain(`resolve ${FQDN}: cannot reach it (a wrong name, DNS, or a network path this runner lacks): getaddrinfo ENOTFOUND`);
    expect(run.line('policy-compliant')).toMatch(/^PASS/);
    expect(run.line('alerts-wired')).toMatch(/^PASS/);
  });

  test('Entra ID refusing the sign-in (an AuthenticationError with its 400) says how to sign in and stops the Azure checks', async () => {
    const refused = Object.assign(new Error('ClientAssertionCredential authentication failed. AADSTS700016: Application not found in the directory.'), {
      name: 'AuthenticationError',
      statusCode: 400,
    });
    const run = await verify([], { tokenError: refused });
    expect(run.line('roles-granted')).toContain('no Azure credentials (sign in with az login, or give the job a workload or managed identity): ClientAssertionCredential authentication failed. AADSTS700016');
    expect(run.out.filter((l) => l.startsWith('SKIP '))).toHaveLength(AZURE_CHECK_IDS.length - 1);
  });

  test('a cluster without subscriptionId: AZURE_SUBSCRIPTION_ID, else a setup error; --all checks each in its own', async () => {
    const none = await verify(['--cluster', 'azother', '--only', 'audit-logs-arriving']);
    expect(none.code).toBe(EXIT.setup);
    expect(none.err[0]).toBe('aks-day2 verify: --azure: cluster azother has no subscriptionId in the config, and neither AZURE_SUBSCRIPTION_ID nor ARM_SUBSCRIPTION_ID is set');
    // When no chosen Azure check applies, no subscription is needed: nothing is read from Azure.
    // (--all: for one cluster, --only naming a check that does not apply is a usage error.)
    const inapplicable = await verify(['--all', '--only', 'flow-logs-arriving']);
    expect(inapplicable.out).toContain('SKIP flow-logs-arriving expected: - | got: not applicable: flowLogs is not configured');
    expect(inapplicable.out.at(-1)).toMatch(/^verify: 2 of 2 cluster\(s\) passed/);
    expect(inapplicable.code).toBe(EXIT.passed);
    const junit = join(tempDir(), 'verify.xml');
    const fleet = await verify(['--all', '--only', ALL, '--junit', junit], { env: { AZURE_SUBSCRIPTION_ID: SUB.toUpperCase() } });
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="aks-day2 verify azother" tests="6" failures="2" errors="0" skipped="4"');
    expect(xml).toContain('<skipped message="not applicable: alerts is not configured"/>');
    expect(fleet.code).toBe(EXIT.failed);
    expect(fleet.out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^aks-day2 verify: cluster azother .*, Azure subscription ${SUB}$`)),
        // Steps azother's config does not enable: SKIP with the reason, in the report and the JUnit.
        'SKIP roles-granted    expected: - | got: not applicable: neither acr nor monitoring is configured',
        'SKIP flow-logs-arriving expected: - | got: not applicable: flowLogs is not configured',
        'verify azother: 0 passed, 2 failed, 4 not applicable of 6 check(s) in 0.00 s',
        // azother's cluster is not in the fake: the first check that reads it fails with ARM's 404.
        expect.stringMatching(/^FAIL audit-logs-arriving .*read AKS cluster azother-aks: 404 ResourceNotFound/),
        expect.stringMatching(/^azfin +6 +0 +0 /),
      ]),
    );
    expect(fleet.out.at(-1)).toMatch(/^verify: 1 of 2 cluster\(s\) passed \(failed: azother\)/);
  });
});
