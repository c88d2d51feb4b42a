/** Defaults and derived names of the alerting sections: what the alerting fixture turns into. */
import { stringify } from 'yaml';
import { parseConfig } from '../../config/load';
import { actionGroupShortName } from '../../config/model';
import { fixtureDoc } from '../support/fixtures';

const SUB = '00000000-0000-0000-0000-000000000000';

function clusterOf(mutate: (cluster: any) => void = () => undefined) {
  const doc = fixtureDoc('alerting.yaml');
  mutate(doc.clusters[0]);
  return parseConfig(stringify(doc), 'test.yaml').clusters[0];
}

describe("Azure's recommended platform metric alerts (recommended defaults to true)", () => {
  const alerts = clusterOf().alerts!;

  test('come first, exactly as Azure defines them', () => {
    // Values from Azure/terraform-azurerm-avm-res-containerservice-managedcluster
    // modules/alerting/main.tf (895e0c6) and MicrosoftDocs kubernetes-metric-alerts.md.
    const recommended = alerts.metricAlerts.filter((r) => r.recommended);
    expect(recommended).toEqual([
      {
        name: 'node-cpu-usage-percentage',
        alertName: 'contosofin-node-cpu-usage-percentage',
        metric: 'node_cpu_usage_percentage',
        metricNamespace: 'Microsoft.ContainerService/managedClusters',
        aggregation: 'Average',
        operator: 'GreaterThan',
        threshold: 95,
        windowMinutes: 5,
        windowSize: 'PT5M',
        frequency: 'PT5M',
        severity: 3,
        recommended: true,
      },
      {
        name: 'node-memory-working-set-percentage',
        alertName: 'contosofin-node-memory-working-set-percentage',
        metric: 'node_memory_working_set_percentage',
        metricNamespace: 'Microsoft.ContainerService/managedClusters',
        aggregation: 'Average',
        operator: 'GreaterThan',
        threshold: 100,
        windowMinutes: 5,
        windowSize: 'PT5M',
        frequency: 'PT5M',
        severity: 3,
        recommended: true,
      },
    ]);
    expect(alerts.metricAlerts.slice(0, 2).every((r) => r.recommended)).toBe(true);
  });

  test('are left out with recommended: false', () => {
    const off = clusterOf((c) => (c.alerts.recommended = false)).alerts!;
    expect(off.metricAlerts.map((r) => r.name)).toEqual(['disk-high', 'unschedulable-pods', 'apiserver-cpu']);
  });
});

describe('configured metric alerts', () => {
  const rules = clusterOf().alerts!.metricAlerts.filter((r) => !r.recommended);

  test('keep config order and values, with ISO 8601 windows', () => {
    expect(rules[0]).toEqual({
      name: 'disk-high',
      alertName: 'contosofin-disk-high',
      metric: 'node_disk_usage_percentage',
      metricNamespace: 'Microsoft.ContainerService/managedClusters',
      aggregation: 'Average',
      operator: 'GreaterThan',
      threshold: 80,
      windowMinutes: 15,
      windowSize: 'PT15M',
      frequency: 'PT5M',
      severity: 2,
      recommended: false,
    });
  });

  test('severity defaults to 3 (as the recommended ones)', () => {
    expect(rules[1].severity).toBe(3);
  });

  test('aggregation defaults to Average and the window to 5 minutes', () => {
    const [, , third] = clusterOf((c) => {
      delete c.alerts.metricAlerts[2].aggregation;
      delete c.alerts.metricAlerts[2].windowMinutes;
    })
      .alerts!.metricAlerts.filter((r) => !r.recommended);
    expect(third.aggregation).toBe('Average');
    expect(third.windowMinutes).toBe(5);
    expect(third.windowSize).toBe('PT5M');
  });

  test('a 1-minute window is evaluated every minute; longer windows every 5 minutes', () => {
    expect(rules[2].windowSize).toBe('PT1M');
    expect(rules[2].frequency).toBe('PT1M');
    const hour = clusterOf((c) => (c.alerts.metricAlerts[0].windowMinutes = 60)).alerts!.metricAlerts.find((r) => r.name === 'disk-high')!;
    expect(hour.windowSize).toBe('PT1H');
    expect(hour.frequency).toBe('PT5M');
    const day = clusterOf((c) => (c.alerts.metricAlerts[0].windowMinutes = 1440)).alerts!.metricAlerts.find((r) => r.name === 'disk-high')!;
    expect(day.windowSize).toBe('P1D');
  });
});

describe('action group', () => {
  test('a new group is named after the cluster, with a short name of at most 12 characters', () => {
    expect(clusterOf().alerts!.actionGroup).toEqual({
      kind: 'create',
      name: 'aks-day2-contosofin-alerts',
      shortName: 'contosofin',
      emails: ['aks-oncall@contoso.com', 'platform-team@contoso.com'],
      webhooks: ['https://hooks.example.com/aks'],
    });
  });

  test('short names are cut to 12 characters and never end in "-"', () => {
    expect(actionGroupShortName('contosofin-production-eu')).toBe('contosofin-p');
    expect(actionGroupShortName('contosofin-prod')).toBe('contosofin-p');
    expect(actionGroupShortName('contosofinx-prod')).toBe('contosofinx');
    expect(actionGroupShortName('a'.repeat(40))).toHaveLength(12);
    const long = clusterOf((c) => (c.name = 'contosofin-production-eu'));
    expect(long.alerts!.actionGroup).toMatchObject({ name: 'aks-day2-contosofin-production-eu-alerts', shortName: 'contosofin-p' });
  });

  test('an existing group is used by id, fixed segments in canonical casing', () => {
    const existing = clusterOf(
      (c) =>
        (c.alerts.actionGroup = {
          existingId: `/SUBSCRIPTIONS/${SUB}/resourcegroups/Ops-RG/providers/microsoft.insights/actiongroups/OnCall`,
        }),
    ).alerts!.actionGroup;
    expect(existing).toEqual({
      kind: 'existing',
      id: `/subscriptions/${SUB}/resourceGroups/Ops-RG/providers/Microsoft.Insights/actionGroups/OnCall`,
    });
  });
});

describe('prometheus', () => {
  test('all three rule groups by default, in Azure order', () => {
    expect(clusterOf().alerts!.prometheus!.ruleGroups).toEqual(['cluster', 'node', 'pod']);
  });
  test('the chosen ones otherwise, in config order', () => {
    expect(clusterOf((c) => (c.alerts.prometheus.ruleGroups = ['pod', 'node'])).alerts!.prometheus!.ruleGroups).toEqual(['pod', 'node']);
  });
  test('the workspace id is parsed for its lookup', () => {
    const ws = clusterOf().alerts!.prometheus!.workspace;
    expect(ws.resourceGroup).toBe('ops-rg');
    expect(ws.names).toEqual(['ops-amw']);
    expect(ws.type).toBe('Microsoft.Monitor/accounts');
  });
});

describe('workspace logs', () => {
  const logs = clusterOf().workspaceLogs!;
  test("default to the control-plane categories worth querying, under aks-day2's setting name", () => {
    expect(logs.categories).toEqual(['kube-audit-admin', 'guard', 'cluster-autoscaler', 'kube-controller-manager']);
    expect(logs.diagnosticSettingName).toBe('aks-day2-logs-to-workspace');
  });
  test('the workspace id is written the way azurerm reads it back (ParseWorkspaceIDInsensitively(...).ID())', () => {
    // The fixture spells it /resourcegroups/…/microsoft.operationalinsights/workspaces/…
    expect(logs.workspace.id).toBe(
      `/subscriptions/${SUB}/resourceGroups/ops-rg/providers/Microsoft.OperationalInsights/workspaces/ops-law`,
    );
  });
  test('categories and the setting name can be chosen', () => {
    const chosen = clusterOf((c) => (c.workspaceLogs = { ...c.workspaceLogs, categories: ['guard'], diagnosticSettingName: 'to-law' })).workspaceLogs!;
    expect(chosen.categories).toEqual(['guard']);
    expect(chosen.diagnosticSettingName).toBe('to-law');
  });
});

test('an existing action group id is written the way azurerm reads it back', () => {
  const id = '/subscriptions/AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE/resourcegroups/Ops-RG/providers/microsoft.insights/actiongroups/OnCall';
  const alerts = clusterOf((c) => (c.alerts = { actionGroup: { existingId: id } })).alerts!;
  expect(alerts.actionGroup).toEqual({
    kind: 'existing',
    id: '/subscriptions/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/resourceGroups/Ops-RG/providers/Microsoft.Insights/actionGroups/OnCall',
  });
});

test('a cluster without the sections has none of them', () => {
  const bare = clusterOf((c) => {
    delete c.alerts;
    delete c.workspaceLogs;
  });
  expect(bare.alerts).toBeUndefined();
  expect(bare.workspaceLogs).toBeUndefined();
});
