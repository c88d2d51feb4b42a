/** Defaults and derived names: what a minimal config turns into. */
import { STORAGE_ACCOUNT_NAME } from '../../config/rules';
import { DEFAULT_SMOKE_IMAGE, deriveStorageAccountName } from '../../config/model';
import { parseConfig } from '../../config/load';
import { modelOf } from './helpers';

const MINIMAL = `
clusters:
  - name: minimal
    resourceGroup: minimal-rg
    aksName: minimal-aks
    location: westeurope
`;

describe('a minimal cluster', () => {
  const [cluster] = parseConfig(MINIMAL).clusters;
  test('has only what it asked for', () => {
    expect(cluster).toEqual({
      name: 'minimal',
      fieldPath: 'clusters[0]',
      subscriptionId: undefined,
      resourceGroup: 'minimal-rg',
      aksName: 'minimal-aks',
      location: 'westeurope',
      privateCluster: false,
      registerResourceProviders: true,
      acr: undefined,
      monitoring: undefined,
      auditLogs: undefined,
      workspaceLogs: undefined,
      alerts: undefined,
      flowLogs: undefined,
      appGateway: undefined,
      policy: undefined,
      smokeTest: undefined,
    });
  });
  test('uses local state', () => {
    expect(parseConfig(MINIMAL).state).toBeUndefined();
  });
  test('has no warnings', () => {
    expect(parseConfig(MINIMAL).warnings).toEqual([]);
  });
});

describe('defaults', () => {
  test('monitoring roles default to the runbook two', () => {
    const m = modelOf((c) => delete c.clusters[0].monitoring.roles);
    expect(m.clusters[0].monitoring?.roles).toEqual(['Monitoring Metrics Publisher', 'Log Analytics Reader']);
  });
  test('audit logs default to kube-audit for 90 days, in a derived storage account', () => {
    const m = modelOf((c) => (c.clusters[0].auditLogs = {}));
    const audit = m.clusters[0].auditLogs!;
    expect(audit.categories).toEqual(['kube-audit']);
    expect(audit.retentionDays).toBe(90);
    expect(audit.storageAccountName).toMatch(STORAGE_ACCOUNT_NAME);
    expect(audit.storageAccountName.startsWith('contosofinaud')).toBe(true);
  });
  test('flow logs default to the region default Network Watcher and a 10-minute interval', () => {
    const m = modelOf((c) => {
      delete c.clusters[0].flowLogs.trafficAnalytics.intervalMinutes;
      delete c.clusters[0].flowLogs.retentionDays;
    });
    const flow = m.clusters[0].flowLogs!;
    expect(flow.networkWatcherName).toBe('NetworkWatcher_eastus');
    expect(flow.networkWatcherResourceGroup).toBe('NetworkWatcherRG');
    expect(flow.trafficAnalytics?.intervalMinutes).toBe(10);
    expect(flow.retentionDays).toBe(90);
    expect(flow.trafficAnalytics?.workspace.names).toEqual(['contosofin-law']);
    expect(flow.target.type).toBe('Microsoft.Network/virtualNetworks');
  });
  test('acr and app gateway default to the cluster resource group', () => {
    const m = modelOf((c) => {
      delete c.clusters[0].acr.resourceGroup;
      delete c.clusters[0].appGateway.resourceGroup;
      c.clusters[0].resourceGroup = 'other-rg';
    });
    expect(m.clusters[0].acr?.resourceGroup).toBe('other-rg');
    expect(m.clusters[0].appGateway?.resourceGroup).toBe('other-rg');
  });
  test('the ACR login server is appended to allowedRepos with a boundary slash', () => {
    const m = modelOf((c) => (c.clusters[0].acr.name = 'ContosoFinACR'));
    expect(m.clusters[0].acr?.loginServer).toBe('contosofinacr.azurecr.io');
    expect(m.clusters[0].policy?.allowedRepos).toEqual([
      'kevingbb/',
      'cr.l5d.io/linkerd/',
      'gcr.io/linkerd-io/',
      'contosofinacr.azurecr.io/',
    ]);
  });
  test('includeAcr: false leaves allowedRepos as written; an already-listed login server is not repeated', () => {
    expect(modelOf((c) => (c.clusters[0].policy.includeAcr = false)).clusters[0].policy?.allowedRepos).toEqual([
      'kevingbb/',
      'cr.l5d.io/linkerd/',
      'gcr.io/linkerd-io/',
    ]);
    expect(
      modelOf((c) => (c.clusters[0].policy.allowedRepos = ['contosofinacr.azurecr.io/'])).clusters[0].policy?.allowedRepos,
    ).toEqual(['contosofinacr.azurecr.io/']);
  });
  test('policy engine defaults to gatekeeper; smoke test to the default namespace and a pinned curl image', () => {
    const m = modelOf((c) => {
      delete c.clusters[0].policy.engine;
      delete c.clusters[0].smokeTest.namespace;
    });
    expect(m.clusters[0].policy?.engine).toBe('gatekeeper');
    expect(m.clusters[0].policy).toMatchObject({ workloads: true, enforcement: 'deny' });
    expect(m.clusters[0].smokeTest).toMatchObject({ namespace: 'default', image: DEFAULT_SMOKE_IMAGE, runAsUser: 100 });
    expect(DEFAULT_SMOKE_IMAGE).toMatch(/:\d+\.\d+\.\d+$/); // pinned, never :latest
  });
  test('policy workloads and enforcement as written', () => {
    const m = modelOf((c) => {
      c.clusters[0].policy.workloads = false;
      c.clusters[0].policy.enforcement = 'audit';
    });
    expect(m.clusters[0].policy).toMatchObject({ workloads: false, enforcement: 'audit' });
  });
  test('state key prefix defaults and Entra ID auth is on', () => {
    expect(modelOf().state).toEqual({
      resourceGroup: 'tfstate-rg',
      storageAccountName: 'contosofintfstate',
      containerName: 'tfstate',
      keyPrefix: 'aks-day2',
      subscriptionId: undefined,
      useAzureadAuth: true,
    });
  });
});

describe('derived storage account names', () => {
  const base = { name: 'a-very-long-cluster-name-indeed', resourceGroup: 'rg', aksName: 'x', location: 'eastus' };
  test('always fit the storage account rule, even for long cluster names', () => {
    for (const name of ['a', 'abc', 'a-very-long-cluster-name-indeed', '0'.repeat(40)]) {
      for (const purpose of ['aud', 'flw'] as const) {
        expect(deriveStorageAccountName({ ...base, name }, purpose)).toMatch(STORAGE_ACCOUNT_NAME);
      }
    }
  });
  test('are stable for the same cluster and differ across purpose, resource group and AKS name', () => {
    const a = deriveStorageAccountName(base, 'aud');
    expect(deriveStorageAccountName({ ...base }, 'aud')).toBe(a);
    expect(deriveStorageAccountName(base, 'flw')).not.toBe(a);
    expect(deriveStorageAccountName({ ...base, resourceGroup: 'rg2' }, 'aud')).not.toBe(a);
    expect(deriveStorageAccountName({ ...base, aksName: 'y' }, 'aud')).not.toBe(a);
  });
  test('differ across cluster names, also when the 13-character prefix is the same or only "-" differs', () => {
    // Two clusters in one resource group on one AKS name (a config copied and renamed) must not collide.
    const a = deriveStorageAccountName(base, 'aud');
    const sameStart = deriveStorageAccountName({ ...base, name: 'a-very-long-cluster-name-other' }, 'aud');
    expect(sameStart.slice(0, 16)).toBe(a.slice(0, 16)); // same readable part...
    expect(sameStart).not.toBe(a); // ...different hash
    expect(deriveStorageAccountName({ ...base, name: 'prod-a' }, 'aud')).not.toBe(deriveStorageAccountName({ ...base, name: 'proda' }, 'aud'));
  });
  test("today's names, pinned: a refactor must never rename (and so replace) an account full of logs", () => {
    // Computed outside the code: printf 'contosofin-rg|contosofin-aks|contosofin|aud' | sha256sum | cut -c1-8
    const contosofin = { name: 'contosofin', resourceGroup: 'contosofin-rg', aksName: 'contosofin-aks', location: 'eastus' };
    expect(deriveStorageAccountName(contosofin, 'aud')).toBe('contosofinaudda7cbc8d');
    expect(deriveStorageAccountName(contosofin, 'flw')).toBe('contosofinflwff87eb22');
    // Case of resource group and AKS name does not matter (Azure names are case-insensitive).
    expect(deriveStorageAccountName({ ...contosofin, resourceGroup: 'Contosofin-RG', aksName: 'ContosoFin-AKS' }, 'aud')).toBe('contosofinaudda7cbc8d');
    expect(deriveStorageAccountName(base, 'aud')).toBe('averylongclusaud80639862');
    expect(deriveStorageAccountName(base, 'flw')).toBe('averylongclusflwe3198cda');
    // The fixture's cluster gets exactly these (what the stack snapshots show).
    const m = modelOf().clusters[0];
    expect([m.auditLogs?.storageAccountName, m.flowLogs?.storageAccountName]).toEqual(['contosofinaudda7cbc8d', 'contosofinflwff87eb22']);
  });
  test('do not change when subscriptionId is added later (that would replace an account full of logs)', () => {
    expect(deriveStorageAccountName({ ...base, subscriptionId: '00000000-0000-0000-0000-000000000001' }, 'aud')).toBe(
      deriveStorageAccountName(base, 'aud'),
    );
  });
});

describe('each cluster knows where it is in the file', () => {
  test('fieldPath is clusters[<index>], for messages that name a field at plan time', () => {
    const m = modelOf((c) => c.clusters.push({ ...c.clusters[0], name: 'second', auditLogs: undefined, flowLogs: undefined }));
    expect(m.clusters.map((c) => c.fieldPath)).toEqual(['clusters[0]', 'clusters[1]']);
  });
});

describe('canonical forms: what Azure writes back, so a re-plan is empty', () => {
  const WRITTEN =
    '/SUBSCRIPTIONS/ABCDEF00-0000-0000-0000-0000000000AA/resourcegroups/Net-RG/PROVIDERS/microsoft.network/VIRTUALNETWORKS/Hub-VNet/Subnets/AKS-Subnet';
  test('a flow-log target in any casing is written with Azure segment keys and types, names as given', () => {
    const m = modelOf((c) => {
      delete c.clusters[0].subscriptionId;
      c.clusters[0].flowLogs.targetResourceId = WRITTEN;
    });
    const target = m.clusters[0].flowLogs!.target;
    // The format of commonids SubnetId.ID(), which the flow-log Read writes back.
    expect(target.id).toBe(
      '/subscriptions/abcdef00-0000-0000-0000-0000000000aa/resourceGroups/Net-RG/providers/Microsoft.Network/virtualNetworks/Hub-VNet/subnets/AKS-Subnet',
    );
    expect(target.type).toBe('Microsoft.Network/virtualNetworks/subnets');
    expect(target.names).toEqual(['Hub-VNet', 'AKS-Subnet']);
    expect(target.resourceGroup).toBe('Net-RG');
    expect(target.written).toBe(WRITTEN);
  });
  test('the workspace id too', () => {
    const m = modelOf((c) => {
      c.clusters[0].flowLogs.trafficAnalytics.workspaceResourceId =
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/contosofin-rg/providers/microsoft.operationalinsights/WORKSPACES/Contosofin-LAW';
    });
    expect(m.clusters[0].flowLogs!.trafficAnalytics!.workspace.id).toBe(
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contosofin-rg/providers/Microsoft.OperationalInsights/workspaces/Contosofin-LAW',
    );
  });
  test('GUIDs that reach Terraform are lowercase (principal_id is compared as a plain string)', () => {
    const m = modelOf((c) => {
      c.clusters[0].subscriptionId = 'ABCDEF00-0000-0000-0000-0000000000AA';
      c.clusters[0].flowLogs.targetResourceId = c.clusters[0].flowLogs.targetResourceId.replace(
        '00000000-0000-0000-0000-000000000000',
        'abcdef00-0000-0000-0000-0000000000aa',
      );
      c.clusters[0].flowLogs.trafficAnalytics.workspaceResourceId = c.clusters[0].flowLogs.trafficAnalytics.workspaceResourceId.replace(
        '00000000-0000-0000-0000-000000000000',
        'abcdef00-0000-0000-0000-0000000000aa',
      );
      c.clusters[0].monitoring.principal = { objectId: '2222AAAA-2222-2222-2222-22222222BBBB' };
      c.state.azurerm.subscriptionId = '3333CCCC-3333-3333-3333-333333333333';
    });
    expect(m.clusters[0].subscriptionId).toBe('abcdef00-0000-0000-0000-0000000000aa');
    expect(m.clusters[0].monitoring?.principal).toEqual({ objectId: '2222aaaa-2222-2222-2222-22222222bbbb' });
    expect(m.state?.subscriptionId).toBe('3333cccc-3333-3333-3333-333333333333');
    expect(modelOf((c) => (c.clusters[0].monitoring.principal = { appId: 'AAAA1111-1111-1111-1111-111111111111' })).clusters[0].monitoring?.principal).toEqual({
      appId: 'aaaa1111-1111-1111-1111-111111111111',
    });
  });
  test('built-in role names are written in Azure spelling; the defaults are listed roles', () => {
    expect(modelOf((c) => (c.clusters[0].monitoring.roles = ['acrpull', 'LOG ANALYTICS READER'])).clusters[0].monitoring?.roles).toEqual([
      'AcrPull',
      'Log Analytics Reader',
    ]);
  });
});
