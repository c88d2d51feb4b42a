/**
 * Every validation rule of the config, each with an input that breaks it: the error must name
 * the field path and the rule, so a user can fix the file without reading code.
 */
import { ConfigError, parseConfig } from '../../config/load';
import { modelOf, problemsOf } from './helpers';

const NSG =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net-rg/providers/Microsoft.Network/networkSecurityGroups/aks-nsg';
const VNET =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/hub';
const SUBNET = `${VNET}/subnets/aks`;

/** Exactly one problem, at `path`, whose message matches `pattern`. */
function expectOne(mutate: (c: any) => void, path: string, pattern: RegExp) {
  const problems = problemsOf(mutate);
  expect(problems).toEqual([{ path, message: expect.stringMatching(pattern) }]);
}

describe('strictness', () => {
  test('an unknown top-level key is an error naming the key', () => {
    expectOne((c) => (c.cluster = []), 'cluster', /unknown key/);
  });
  test('a misspelt nested key is an error, not a silently ignored setting', () => {
    expectOne((c) => (c.clusters[0].auditLogs.retentionDay = 30), 'clusters[0].auditLogs.retentionDay', /unknown key/);
  });
  test('clusters must be present and non-empty', () => {
    expectOne((c) => delete c.clusters, 'clusters', /^is required$/);
    expectOne((c) => (c.clusters = []), 'clusters', /at least one cluster/);
  });
  test('a value of the wrong YAML type says which type was expected and which was found', () => {
    expectOne((c) => (c.clusters[0].auditLogs.categories = 'kube-audit'), 'clusters[0].auditLogs.categories', /^must be a list, not a string$/);
    expectOne((c) => (c.clusters[0].auditLogs.retentionDays = '90'), 'clusters[0].auditLogs.retentionDays', /^must be a number, not a string$/);
    expectOne((c) => (c.clusters[0].acr = 'contosofinacr'), 'clusters[0].acr', /^must be a mapping \(key: value\), not a string$/);
    expectOne((c) => (c.clusters[0].privateCluster = 'yes'), 'clusters[0].privateCluster', /^must be true or false, not a string$/);
  });
  test('required cluster fields', () => {
    expectOne((c) => delete c.clusters[0].resourceGroup, 'clusters[0].resourceGroup', /^is required$/);
  });
  test('every problem is reported at once, not only the first', () => {
    const problems = problemsOf((c) => {
      c.clusters[0].acr.name = 'ab';
      c.clusters[0].location = 'East US';
      c.clusters[0].policy.allowedRepos = [];
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      ['clusters[0].acr.name', 'clusters[0].location', 'clusters[0].policy.allowedRepos'].sort(),
    );
  });
  test('the error message lists each problem on its own line with the file name and line', () => {
    const text = 'clusters:\n  - name: ok\n    resourceGroup: rg\n    aksName: aks\n    location: eastus\n    acr: {name: ab}\n';
    let message = '';
    try {
      parseConfig(text, 'my.yaml');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^my\.yaml: 1 problem in the config:\n/);
    expect(message).toContain('clusters[0].acr.name (line 6): must be 5-50 letters and digits');
  });
});

describe('YAML itself', () => {
  test('a syntax error is reported with its line', () => {
    expect(() => parseConfig('clusters:\n  - name: [unclosed\n', 'bad.yaml')).toThrow(ConfigError);
    try {
      parseConfig('clusters:\n  - name: [unclosed\n', 'bad.yaml');
    } catch (e) {
      expect((e as ConfigError).problems[0].message).toMatch(/^YAML: /);
    }
  });
  test('a duplicated key is an error (YAML would otherwise keep the last one silently)', () => {
    expect(() => parseConfig('clusters: []\nclusters: []\n')).toThrow(/YAML: .*[Dd]uplicate|unique/);
  });
  test('an empty file says clusters is required', () => {
    expect(() => parseConfig('')).toThrow(/clusters/);
  });
});

describe('names Azure would reject at deploy time', () => {
  test.each([
    ['Contosofin', 'uppercase'],
    ['-contosofin', 'leading hyphen'],
    ['contoso_fin', 'underscore'],
    ['a'.repeat(41), 'too long'],
  ])('cluster name %s (%s)', (name) => {
    expectOne((c) => (c.clusters[0].name = name), 'clusters[0].name', /lowercase letters, digits and "-"/);
  });
  test('cluster names are unique', () => {
    expectOne(
      (c) => c.clusters.push({ ...c.clusters[0], auditLogs: undefined, flowLogs: undefined }),
      'clusters[1].name',
      /duplicate cluster name "contosofin" \(also clusters\[0\]\)/,
    );
  });
  test.each([['not-a-guid'], ['00000000-0000-0000-0000-00000000000'], ['{00000000-0000-0000-0000-000000000000}']])(
    'subscriptionId %s',
    (id) => expectOne((c) => (c.clusters[0].subscriptionId = id), 'clusters[0].subscriptionId', /must be a GUID/),
  );
  test.each([['rg.'], ['a'.repeat(91)], ['rg with space'], ['rg/x'], ['']])('resource group %j', (rg) => {
    expectOne((c) => (c.clusters[0].resourceGroup = rg), 'clusters[0].resourceGroup', /resource group name rule/);
  });
  test('resource group accepts the characters Azure allows', () => {
    expect(() => problemsOf((c) => (c.clusters[0].resourceGroup = 'My_RG-(prod).1'))).toThrow(/accepted/);
  });
  test.each([['-aks'], ['aks-'], ['a'.repeat(64)], ['aks.prod']])('aksName %s', (name) => {
    expectOne((c) => (c.clusters[0].aksName = name), 'clusters[0].aksName', /letters, digits, "-" or "_"/);
  });
  test.each([['East US'], ['eastus '], ['EASTUS']])('location %j', (loc) => {
    expectOne((c) => (c.clusters[0].location = loc), 'clusters[0].location', /Azure region name/);
  });
  test.each([['acr'], ['my-acr-name'], ['a'.repeat(51)]])('ACR name %s', (name) => {
    expectOne((c) => (c.clusters[0].acr.name = name), 'clusters[0].acr.name', /5-50 letters and digits/);
  });
  test('ACR sku is one Azure offers', () => {
    expectOne((c) => (c.clusters[0].acr.sku = 'Gold'), 'clusters[0].acr.sku', /Basic|Premium/);
  });
  test.each([['ab'], ['Audit123'], ['a'.repeat(25)], ['audit-logs']])('audit storage account %s', (name) => {
    expectOne(
      (c) => (c.clusters[0].auditLogs.storageAccountName = name),
      'clusters[0].auditLogs.storageAccountName',
      /3-24 lowercase letters and digits/,
    );
  });
  test('state backend storage account and container names', () => {
    expectOne((c) => (c.state.azurerm.storageAccountName = 'TF'), 'state.azurerm.storageAccountName', /3-24 lowercase/);
    expectOne((c) => (c.state.azurerm.containerName = 'Tf_State'), 'state.azurerm.containerName', /blob container/);
  });
  test('app gateway public IP name', () => {
    expectOne(
      (c) => (c.clusters[0].appGateway.publicIpName = 'bad name'),
      'clusters[0].appGateway.publicIpName',
      /public IP name/,
    );
  });
});

describe('monitoring principal and roles', () => {
  test('appId must be a GUID (principal_id is never an app id, so it is resolved)', () => {
    expectOne(
      (c) => (c.clusters[0].monitoring.principal = { appId: 'contosofin-sp' }),
      'clusters[0].monitoring.principal.appId',
      /GUID/,
    );
  });
  test('principal is appId or objectId, not both and not neither', () => {
    const both = problemsOf(
      (c) =>
        (c.clusters[0].monitoring.principal = {
          appId: '11111111-1111-1111-1111-111111111111',
          objectId: '22222222-2222-2222-2222-222222222222',
        }),
    );
    expect(both).toEqual([{ path: 'clusters[0].monitoring.principal', message: expect.stringMatching(/appId.*objectId/) }]);
    expectOne((c) => (c.clusters[0].monitoring.principal = {}), 'clusters[0].monitoring.principal', /appId.*objectId/);
  });
  test('role names compare case-insensitively, as Azure compares them', () => {
    expectOne(
      (c) => (c.clusters[0].monitoring.roles = ['Log Analytics Reader', 'log analytics reader']),
      'clusters[0].monitoring.roles[1]',
      /duplicate role "log analytics reader" \(same as "Log Analytics Reader"\)/,
    );
  });
  test('a misspelt built-in role is an error at synth, with the closest built-in role name', () => {
    expectOne(
      (c) => (c.clusters[0].monitoring.roles = ['Monitoring Metrics Publisher', 'Monitoring Reeder']),
      'clusters[0].monitoring.roles[1]',
      /^"Monitoring Reeder" is not the name of an Azure built-in role; did you mean "Monitoring Reader"\? \(names are checked against Azure's list of \d{3,} built-in roles as of \d{4}-\d\d-\d\d, config\/built-in-roles\.json; give a newer built-in role or a custom role by its role definition GUID\)$/,
    );
    expectOne(
      (c) => (c.clusters[0].monitoring.roles = ['log analytic reader']),
      'clusters[0].monitoring.roles[0]',
      /did you mean "Log Analytics Reader"\?/,
    );
  });
  test('a name nothing like a listed role gets no guess, only the way out (a GUID)', () => {
    const [problem] = problemsOf((c) => (c.clusters[0].monitoring.roles = ['Chief Coffee Officer']));
    expect(problem.path).toBe('clusters[0].monitoring.roles[0]');
    expect(problem.message).not.toContain('did you mean');
    expect(problem.message).toContain('by its role definition GUID');
  });
  test('listed names in any casing and role definition GUIDs (custom roles) are accepted', () => {
    const m = modelOf((c) => (c.clusters[0].monitoring.roles = ['monitoring READER', '0B5A1F2C-1111-4222-8333-444455556666']));
    expect(m.clusters[0].monitoring?.roles).toEqual(['Monitoring Reader', '0b5a1f2c-1111-4222-8333-444455556666']);
  });
  test('a listed role and its GUID are the same role', () => {
    expectOne(
      (c) => (c.clusters[0].monitoring.roles = ['Monitoring Reader', '43D0D8AD-25C7-4714-9337-8BA259A9FE05']),
      'clusters[0].monitoring.roles[1]',
      /duplicate role "43D0D8AD-25C7-4714-9337-8BA259A9FE05" \(same as "Monitoring Reader"\)/,
    );
  });
  test('roles: non-empty, no blanks, no duplicates', () => {
    expectOne((c) => (c.clusters[0].monitoring.roles = []), 'clusters[0].monitoring.roles', /at least one role/);
    expectOne((c) => (c.clusters[0].monitoring.roles = ['  ']), 'clusters[0].monitoring.roles[0]', /must not be empty/);
    expectOne(
      (c) => (c.clusters[0].monitoring.roles = ['Log Analytics Reader', 'Log Analytics Reader']),
      'clusters[0].monitoring.roles[1]',
      /duplicate role/,
    );
  });
});

describe('audit logs', () => {
  test('an unknown category names the valid ones', () => {
    expectOne(
      (c) => (c.clusters[0].auditLogs.categories = ['kube-audit', 'kube-audits']),
      'clusters[0].auditLogs.categories[1]',
      /"kube-audits" is not an AKS log category; use one of kube-apiserver, kube-audit, kube-audit-admin/,
    );
  });
  test('categories: non-empty and unique', () => {
    expectOne((c) => (c.clusters[0].auditLogs.categories = []), 'clusters[0].auditLogs.categories', /at least one/);
    expectOne(
      (c) => (c.clusters[0].auditLogs.categories = ['guard', 'guard']),
      'clusters[0].auditLogs.categories[1]',
      /duplicate category "guard"/,
    );
  });
  test('groups and single categories are not mixed (Azure rejects such a diagnostic setting)', () => {
    expectOne(
      (c) => (c.clusters[0].auditLogs.categories = ['audit', 'kube-apiserver']),
      'clusters[0].auditLogs.categories',
      /mixes category groups \(audit\) with single categories: Azure rejects/,
    );
  });
  test.each([
    [0, /between 1 and 36500 days/],
    [1.5, /whole number of days/],
    [36501, /between 1 and 36500 days/],
  ])('retentionDays %s', (days, pattern) => {
    expectOne((c) => (c.clusters[0].auditLogs.retentionDays = days), 'clusters[0].auditLogs.retentionDays', pattern);
  });
});

describe('flow logs', () => {
  test('an NSG id is refused with the reason and the fix', () => {
    expectOne(
      (c) => (c.clusters[0].flowLogs.targetResourceId = NSG),
      'clusters[0].flowLogs.targetResourceId',
      /network security group: Azure blocks new NSG flow logs since 2025-06-30.*use the id of the VNet or subnet/,
    );
  });
  test('a VNet or a subnet id is accepted', () => {
    for (const id of [VNET, SUBNET, VNET.replace('resourceGroups', 'resourcegroups')]) {
      expect(() => problemsOf((c) => (c.clusters[0].flowLogs.targetResourceId = id))).toThrow(/accepted/);
    }
  });
  test('another resource type is refused, naming the type', () => {
    expectOne(
      (c) =>
        (c.clusters[0].flowLogs.targetResourceId =
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/abc'),
      'clusters[0].flowLogs.targetResourceId',
      /must be the id of a Microsoft.Network\/virtualNetworks or .*not a Microsoft.Storage\/storageAccounts/,
    );
  });
  test.each([['hub-vnet'], ['/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v'], [`${VNET}/subnets`]])(
    'a malformed id %s',
    (id) => {
      expectOne((c) => (c.clusters[0].flowLogs.targetResourceId = id), 'clusters[0].flowLogs.targetResourceId', /Azure resource id like/);
    },
  );
  test('traffic analytics interval is 10 or 60', () => {
    expectOne(
      (c) => (c.clusters[0].flowLogs.trafficAnalytics.intervalMinutes = 30),
      'clusters[0].flowLogs.trafficAnalytics.intervalMinutes',
      /must be 10 or 60/,
    );
  });
  test('traffic analytics needs a Log Analytics workspace id', () => {
    expectOne(
      (c) => (c.clusters[0].flowLogs.trafficAnalytics.workspaceResourceId = VNET),
      'clusters[0].flowLogs.trafficAnalytics.workspaceResourceId',
      /Microsoft.OperationalInsights\/workspaces/,
    );
  });
  test('retention is at most 365 days', () => {
    expectOne((c) => (c.clusters[0].flowLogs.retentionDays = 366), 'clusters[0].flowLogs.retentionDays', /between 1 and 365 days/);
  });
  test('the target must be in the cluster subscription (its Network Watcher is looked up there)', () => {
    expectOne(
      (c) =>
        (c.clusters[0].flowLogs.targetResourceId = c.clusters[0].flowLogs.targetResourceId.replace(
          '00000000-0000-0000-0000-000000000000',
          '99999999-0000-0000-0000-00000000000A',
        )),
      'clusters[0].flowLogs.targetResourceId',
      /^is in subscription 99999999-0000-0000-0000-00000000000a but the cluster is in 00000000-0000-0000-0000-000000000000: the flow log belongs to a Network Watcher of the target's own subscription/,
    );
  });
  test('subscription GUIDs compare case-insensitively', () => {
    expect(() =>
      problemsOf((c) => {
        c.clusters[0].subscriptionId = 'ABCDEF00-0000-0000-0000-000000000000';
        const flow = c.clusters[0].flowLogs;
        flow.targetResourceId = flow.targetResourceId.replace('00000000-0000-0000-0000-000000000000', 'abcdef00-0000-0000-0000-000000000000');
        flow.trafficAnalytics.workspaceResourceId = flow.trafficAnalytics.workspaceResourceId.replace(
          '00000000-0000-0000-0000-000000000000',
          'ABCDEF00-0000-0000-0000-000000000000',
        );
      }),
    ).toThrow(/accepted/);
  });
  test('the workspace must be in the cluster subscription (it is looked up there)', () => {
    expectOne(
      (c) =>
        (c.clusters[0].flowLogs.trafficAnalytics.workspaceResourceId = c.clusters[0].flowLogs.trafficAnalytics.workspaceResourceId.replace(
          '00000000-0000-0000-0000-000000000000',
          '99999999-0000-0000-0000-000000000000',
        )),
      'clusters[0].flowLogs.trafficAnalytics.workspaceResourceId',
      /subscription 99999999-.*cluster is in 00000000-/,
    );
  });
});

describe('storage accounts are distinct', () => {
  test('audit and flow logs cannot share an account (flow logs overwrite its lifecycle rules)', () => {
    expectOne(
      (c) => {
        c.clusters[0].auditLogs.storageAccountName = 'sharedlogs';
        c.clusters[0].flowLogs.storageAccountName = 'sharedlogs';
      },
      'clusters[0].flowLogs.storageAccountName',
      /"sharedlogs" is also used by clusters\[0\].auditLogs.storageAccountName/,
    );
  });
  test('the state account is not reused for logs', () => {
    expectOne(
      (c) => (c.clusters[0].auditLogs.storageAccountName = c.state.azurerm.storageAccountName),
      'clusters[0].auditLogs.storageAccountName',
      /also used by state.azurerm.storageAccountName/,
    );
  });
});

describe('policy', () => {
  test('allowedRepos must not be empty (an empty list admits nothing)', () => {
    expectOne((c) => (c.clusters[0].policy.allowedRepos = []), 'clusters[0].policy.allowedRepos', /at least one repo/);
  });
  test('an empty-string entry is refused: it would match every image', () => {
    expectOne(
      (c) => (c.clusters[0].policy.allowedRepos = ['kevingbb/', '']),
      'clusters[0].policy.allowedRepos[1]',
      /must not be empty: an empty entry would match every image/,
    );
  });
  test('entries have no whitespace and no duplicates', () => {
    expectOne((c) => (c.clusters[0].policy.allowedRepos = ['kevin gbb/']), 'clusters[0].policy.allowedRepos[0]', /whitespace/);
    expectOne((c) => (c.clusters[0].policy.allowedRepos = ['a/', 'a/']), 'clusters[0].policy.allowedRepos[1]', /duplicate repo/);
  });
  test('namespaces are Kubernetes names and non-empty', () => {
    expectOne((c) => (c.clusters[0].policy.namespaces = ['Production']), 'clusters[0].policy.namespaces[0]', /namespace/);
    expectOne((c) => (c.clusters[0].policy.namespaces = []), 'clusters[0].policy.namespaces', /at least one namespace/);
  });
  test('engine is gatekeeper, vap or azure-policy', () => {
    expectOne((c) => (c.clusters[0].policy.engine = 'opa'), 'clusters[0].policy.engine', /"gatekeeper" .*, "vap" .* or "azure-policy" \(the AKS Azure Policy add-on\)$/);
  });
  test('enforcement is deny, warn or audit (not the engines\' own words)', () => {
    for (const bad of ['dryrun', 'Deny', 'block']) {
      expectOne((c) => (c.clusters[0].policy.enforcement = bad), 'clusters[0].policy.enforcement', /"deny" \(refuse\), "warn" .* or "audit"/);
    }
  });
  test('workloads is a boolean', () => {
    expectOne((c) => (c.clusters[0].policy.workloads = 'yes'), 'clusters[0].policy.workloads', /must be true or false/);
  });
  test('includeAcr needs an acr', () => {
    expectOne(
      (c) => {
        delete c.clusters[0].acr;
        c.clusters[0].policy.includeAcr = true;
      },
      'clusters[0].policy.includeAcr',
      /no acr/,
    );
  });
});

describe('rules across fields are reported together with field rules', () => {
  test('a bad location and includeAcr without acr come out in one run', () => {
    const problems = problemsOf((c) => {
      c.clusters[0].location = 'East US';
      delete c.clusters[0].acr;
      c.clusters[0].policy.includeAcr = true;
    });
    expect(problems.map((p) => p.path)).toEqual(['clusters[0].location', 'clusters[0].policy.includeAcr']);
  });
  test('cross-field rules survive otherwise broken input without crashing', () => {
    const problems = problemsOf((c) => {
      c.clusters[0].auditLogs = 'yes';
      c.clusters[0].policy = { namespaces: 'production', allowedRepos: 7 };
      c.clusters.push(null);
    });
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['clusters[0].auditLogs', 'clusters[0].policy.namespaces', 'clusters[1]']),
    );
  });
});

describe('smoke test', () => {
  test('an image the cluster policy would refuse in the smoke namespace is an error, not a Job that times out', () => {
    expectOne(
      (c) => (c.clusters[0].smokeTest.namespace = 'production'),
      'clusters[0].smokeTest.namespace',
      /image "docker.io\/curlimages\/curl:8.16.0" runs in namespace "production", where policy.allowedRepos does not admit it/,
    );
    expectOne(
      (c) => {
        c.clusters[0].smokeTest.namespace = 'production';
        c.clusters[0].smokeTest.image = 'kevingbb/curl:1';
        c.clusters[0].policy.allowedRepos = ['kevingbb'];
        c.clusters[0].policy.includeAcr = false;
        c.clusters[0].smokeTest.image = 'contosofinacr.azurecr.io/curl:8';
      },
      'clusters[0].smokeTest.image',
      /does not admit it/,
    );
  });
  test('an allowed image in a policy namespace is fine (the ACR counts when includeAcr applies)', () => {
    expect(() =>
      problemsOf((c) => {
        c.clusters[0].smokeTest.namespace = 'production';
        c.clusters[0].smokeTest.image = 'contosofinacr.azurecr.io/curl:8.16.0';
      }),
    ).toThrow(/accepted/);
  });
  test.each([
    ['100.64.2.4', /absolute http/],
    ['ftp://100.64.2.4', /http or https/],
    ["http://x/'; rm -rf /", /quotes|spaces/],
  ])('ingressUrl %s', (url, pattern) => {
    expectOne((c) => (c.clusters[0].smokeTest.ingressUrl = url), 'clusters[0].smokeTest.ingressUrl', pattern);
  });
  test('runAsUser must be non-zero (restricted Pod Security)', () => {
    expectOne((c) => (c.clusters[0].smokeTest.runAsUser = 0), 'clusters[0].smokeTest.runAsUser', /non-zero uid/);
  });
});

describe('messages that fix themselves', () => {
  test('an unknown key close to a known one suggests it, and lists the keys allowed there', () => {
    expectOne(
      (c) => {
        c.clusters[0].auditLogs.retentionDay = 30;
      },
      'clusters[0].auditLogs.retentionDay',
      /^unknown key \(did you mean "retentionDays"\?\) \(the config is strict; known keys here: categories, retentionDays, storageAccountName, diagnosticSettingName\)$/,
    );
    expectOne((c) => (c.clusters[0].Location = 'eastus'), 'clusters[0].Location', /^unknown key \(did you mean "location"\?\)/);
    expectOne((c) => (c.clusters[0].acr.creat = true), 'clusters[0].acr.creat', /^unknown key \(did you mean "create"\?\)/);
    expectOne((c) => (c.stat = {}), 'stat', /^unknown key \(did you mean "state"\?\) \(the config is strict; known keys here: state, clusters\)$/);
  });
  test('an unknown key far from every known one gets no guess', () => {
    expectOne((c) => (c.clusters[0].monitoring.alerting = true), 'clusters[0].monitoring.alerting', /^unknown key \(the config is strict; known keys here: principal, roles\)$/);
  });
  test('a name of the wrong length says how long it is', () => {
    expectOne((c) => (c.clusters[0].acr.name = 'acr'), 'clusters[0].acr.name', /^must be 5-50 letters and digits \(Azure container registry name rule\); got 3 characters$/);
    expectOne(
      (c) => (c.clusters[0].auditLogs.storageAccountName = 'contosofinauditlogs20251234'),
      'clusters[0].auditLogs.storageAccountName',
      /^must be 3-24 lowercase letters and digits \(Azure storage account name rule\); got 27 characters$/,
    );
    expectOne((c) => (c.clusters[0].name = 'a'.repeat(41)), 'clusters[0].name', /; got 41 characters$/);
  });
  test('a name with characters the rule does not allow names them', () => {
    expectOne((c) => (c.clusters[0].acr.name = 'contoso-fin.acr'), 'clusters[0].acr.name', /; "-", "\." are not allowed$/);
    expectOne((c) => (c.clusters[0].auditLogs.storageAccountName = 'Contoso_Logs'), 'clusters[0].auditLogs.storageAccountName', /; "C", "_", "L" are not allowed$/);
    expectOne((c) => (c.clusters[0].policy.namespaces = ['Production']), 'clusters[0].policy.namespaces[0]', /; "P" is not allowed$/);
  });
  test('length and characters together', () => {
    expectOne((c) => (c.clusters[0].auditLogs.storageAccountName = 'ab-'), 'clusters[0].auditLogs.storageAccountName', /rule\); "-" is not allowed$/);
    expectOne((c) => (c.clusters[0].auditLogs.storageAccountName = 'a-'), 'clusters[0].auditLogs.storageAccountName', /rule\); got 2 characters, "-" is not allowed$/);
  });
  test('a name whose only fault is where a character stands repeats the rule', () => {
    // Every character is allowed and the length is fine: the rule says what is wrong (the end).
    expectOne((c) => (c.clusters[0].name = 'contosofin-'), 'clusters[0].name', /^must be 1-40 lowercase letters, digits and "-", starting and ending with a letter or digit$/);
  });
});

describe('YAML syntax errors', () => {
  const problems = (text: string) => {
    try {
      parseConfig(text, 'f.yaml');
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    throw new Error('accepted');
  };
  test('carry the line and column, and no code frame', () => {
    const [p] = problems('clusters:\n  - name: a\n    resourceGroup: [rg\n');
    expect(p).toEqual({ path: '', line: 4, column: 1, message: expect.stringMatching(/^YAML: Flow sequence in block collection must be sufficiently indented and end with a \]$/) });
  });
  test('a duplicate key is a syntax error at the second occurrence', () => {
    const [p] = problems('clusters: []\nclusters: []\n');
    expect(p).toMatchObject({ line: 2, column: 1, message: 'YAML: Map keys must be unique' });
  });
  test('the message shows "(line N, column M)"', () => {
    expect(() => parseConfig('a:\n  b: 1\n c: 2\n', 'f.yaml')).toThrow(/^f\.yaml: \d problems? in the config:\n {2}\(file\) \(line 3, column 1\): YAML: All mapping items must start at the same column/);
  });
});

describe('registerResourceProviders', () => {
  test('is true or false', () => {
    expectOne(
      (c) => (c.clusters[0].registerResourceProviders = 'no'),
      'clusters[0].registerResourceProviders',
      /^must be true or false, not a string$/,
    );
  });
  test('defaults to true; false is kept', () => {
    expect(modelOf().clusters[0].registerResourceProviders).toBe(true);
    expect(modelOf((c) => (c.clusters[0].registerResourceProviders = false)).clusters[0].registerResourceProviders).toBe(false);
  });
});

describe('warnings: valid, but probably not what was meant', () => {
  test('one resource group spelled two ways in a cluster is a warning naming both fields and the az command', () => {
    const m = modelOf((c) => {
      c.clusters[0].acr.resourceGroup = 'Contosofin-RG';
      c.clusters[0].flowLogs.targetResourceId = c.clusters[0].flowLogs.targetResourceId.replace('contosofin-rg', 'CONTOSOFIN-rg');
    });
    expect(m.warnings).toEqual([
      {
        path: 'clusters[0].acr.resourceGroup',
        line: expect.any(Number),
        message: expect.stringMatching(
          /^spells resource group "Contosofin-RG", which clusters\[0\].resourceGroup spells "contosofin-rg": .* `az group show -n Contosofin-RG --query name -o tsv`/,
        ),
      },
      {
        path: 'clusters[0].flowLogs.targetResourceId',
        line: expect.any(Number),
        message: expect.stringMatching(/^spells resource group "CONTOSOFIN-rg", which clusters\[0\].resourceGroup spells "contosofin-rg"/),
      },
    ]);
  });
  test('the example spells every resource group one way: no warning', () => {
    expect(modelOf().warnings).toEqual([]);
  });
  test('different resource groups are not a warning', () => {
    expect(modelOf((c) => (c.clusters[0].acr.resourceGroup = 'shared-acr-rg')).warnings).toEqual([]);
  });
});

describe('list rules run even when an entry is bad (every problem in one pass)', () => {
  test('a duplicate next to an unknown category: both reported', () => {
    const problems = problemsOf((c) => (c.clusters[0].auditLogs.categories = ['kube-audit', 'bogus', 'kube-audit']));
    expect(problems.map((p) => p.path).sort()).toEqual(['clusters[0].auditLogs.categories[1]', 'clusters[0].auditLogs.categories[2]']);
    expect(problems.find((p) => p.path.endsWith('[2]'))!.message).toBe('duplicate category "kube-audit"');
  });
  test('a non-string entry does not crash the duplicate rule', () => {
    const problems = problemsOf((c) => (c.clusters[0].policy.namespaces = ['production', 7, 'production']));
    expect(problems.map((p) => p.path).sort()).toEqual(['clusters[0].policy.namespaces[1]', 'clusters[0].policy.namespaces[2]']);
  });
});
