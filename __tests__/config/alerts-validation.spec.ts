/**
 * Validation of the alerting sections (alerts, workspaceLogs, the monitoringAgent principal):
 * each rule with an input that breaks it, the error naming the field path, the rule and, for
 * metric alerts, the rule's name. Values Azure would refuse at deploy time are refused here.
 */
import { stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../config/load';
import { AKS_PLATFORM_METRICS } from '../../config/aks-platform-metrics';
import { fixtureDoc } from '../support/fixtures';


/** Problems (path → message) of the alerting fixture after `mutate`; throws if it stays valid. */
function problemsOf(mutate: (cluster: any) => void): Array<{ path: string; message: string }> {
  const doc = fixtureDoc('alerting.yaml');
  mutate(doc.clusters[0]);
  try {
    parseConfig(stringify(doc), 'test.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map(({ path, message }) => ({ path, message }));
    throw e;
  }
  throw new Error('expected the config to be rejected, but it was accepted');
}

function accepts(mutate: (cluster: any) => void) {
  const doc = fixtureDoc('alerting.yaml');
  mutate(doc.clusters[0]);
  return parseConfig(stringify(doc), 'test.yaml');
}

/** Exactly one problem, at `path`, whose message matches `pattern`. */
function expectOne(mutate: (cluster: any) => void, path: string, pattern: RegExp) {
  expect(problemsOf(mutate)).toEqual([{ path, message: expect.stringMatching(pattern) }]);
}

const P = 'clusters[0]';
const rule = (i: number, field: string) => `${P}.alerts.metricAlerts[${i}].${field}`;

test('the fixture itself is valid', () => {
  expect(() => accepts(() => undefined)).not.toThrow();
});

describe('action group', () => {
  test('receivers or an existing group, not both', () => {
    expectOne(
      (c) =>
        (c.alerts.actionGroup.existingId =
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ops-rg/providers/Microsoft.Insights/actionGroups/oncall'),
      `${P}.alerts.actionGroup`,
      /both receivers .* and existingId/,
    );
  });
  test('and not neither: alerts nobody receives are refused', () => {
    expectOne((c) => (c.alerts.actionGroup = {}), `${P}.alerts.actionGroup`, /needs emails or webhooks .* or existingId/);
    expectOne((c) => (c.alerts.actionGroup = { emails: [] }), `${P}.alerts.actionGroup`, /needs emails or webhooks/);
  });
  test('actionGroup is required when alerts is present', () => {
    expectOne((c) => delete c.alerts.actionGroup, `${P}.alerts.actionGroup`, /^is required$/);
  });
  test('email addresses look like addresses and are unique regardless of case', () => {
    expectOne((c) => (c.alerts.actionGroup.emails = ['aks-oncall']), `${P}.alerts.actionGroup.emails[0]`, /email address/);
    expectOne(
      (c) => (c.alerts.actionGroup.emails = ['oncall@contoso.com', 'OnCall@contoso.com']),
      `${P}.alerts.actionGroup.emails[1]`,
      /duplicate email address "OnCall@contoso.com" \(same as "oncall@contoso.com"\)/,
    );
  });
  test('webhooks are https URLs', () => {
    expectOne(
      (c) => (c.alerts.actionGroup.webhooks = ['http://hooks.example.com/aks']),
      `${P}.alerts.actionGroup.webhooks[0]`,
      /must use https, not http/,
    );
    expectOne((c) => (c.alerts.actionGroup.webhooks = ['hooks.example.com']), `${P}.alerts.actionGroup.webhooks[0]`, /absolute https/);
  });
  test('existingId must be an action group id', () => {
    expectOne(
      (c) =>
        (c.alerts.actionGroup = {
          existingId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ops-rg/providers/Microsoft.OperationalInsights/workspaces/ops-law',
        }),
      `${P}.alerts.actionGroup.existingId`,
      /must be the id of a Microsoft.Insights\/actionGroups, not a Microsoft.OperationalInsights\/workspaces/,
    );
  });
  test('an existing group alone is fine', () => {
    const m = accepts(
      (c) =>
        (c.alerts.actionGroup = {
          existingId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ops-rg/providers/Microsoft.Insights/actionGroups/oncall',
        }),
    );
    expect(m.clusters[0].alerts?.actionGroup.kind).toBe('existing');
  });
});

describe('alerts must create something', () => {
  test('recommended: false with no metricAlerts and no prometheus is refused', () => {
    expectOne(
      (c) => {
        c.alerts.recommended = false;
        delete c.alerts.metricAlerts;
        delete c.alerts.prometheus;
      },
      `${P}.alerts`,
      /creates no alert rule/,
    );
  });
  test('recommended is true or false', () => {
    expectOne((c) => (c.alerts.recommended = 'yes'), `${P}.alerts.recommended`, /^must be true or false, not a string$/);
  });
});

describe('metric alerts: every message names the rule', () => {
  test('a metric that is not an AKS platform metric lists the ones that are', () => {
    const [problem] = problemsOf((c) => (c.alerts.metricAlerts[0].metric = 'node_disk_usage'));
    expect(problem.path).toBe(rule(0, 'metric'));
    expect(problem.message).toMatch(/^rule "disk-high": "node_disk_usage" is not an AKS platform metric \(Microsoft.ContainerService\/managedClusters\)/);
    for (const name of Object.keys(AKS_PLATFORM_METRICS)) expect(problem.message).toContain(name);
  });
  test('metric names are case-sensitive, as in Azure', () => {
    expectOne((c) => (c.alerts.metricAlerts[0].metric = 'Node_Disk_Usage_Percentage'), rule(0, 'metric'), /not an AKS platform metric/);
  });
  test('an aggregation Azure does not know', () => {
    expectOne((c) => (c.alerts.metricAlerts[0].aggregation = 'Avg'), rule(0, 'aggregation'), /^rule "disk-high": "Avg" is not an aggregation; use one of Average, Count, Minimum, Maximum, Total$/);
  });
  test('an aggregation the metric does not offer (usage metrics: Maximum/Average; counts: Total/Average)', () => {
    expectOne(
      (c) => (c.alerts.metricAlerts[0].aggregation = 'Total'),
      rule(0, 'aggregation'),
      /^rule "disk-high": node_disk_usage_percentage offers only Maximum and Average, not Total/,
    );
    expectOne(
      (c) => (c.alerts.metricAlerts[1].aggregation = 'Maximum'),
      rule(1, 'aggregation'),
      /^rule "unschedulable-pods": cluster_autoscaler_unschedulable_pods_count offers only Total and Average, not Maximum/,
    );
  });
  test('operators are the static-threshold ones', () => {
    expectOne((c) => (c.alerts.metricAlerts[0].operator = '>'), rule(0, 'operator'), /^rule "disk-high": ">" is not an operator; use one of Equals, GreaterThan/);
    expectOne((c) => (c.alerts.metricAlerts[0].operator = 'GreaterOrLessThan'), rule(0, 'operator'), /is not an operator/);
  });
  test('windows are the ones Azure offers', () => {
    expectOne((c) => (c.alerts.metricAlerts[0].windowMinutes = 10), rule(0, 'windowMinutes'), /^rule "disk-high": must be one of 1, 5, 15, 30, 60, 360, 720, 1440 minutes/);
  });
  test('a window shorter than the metric is sampled at has no data (autoscaler metrics: 5 minutes)', () => {
    expectOne(
      (c) => (c.alerts.metricAlerts[1].windowMinutes = 1),
      rule(1, 'windowMinutes'),
      /^rule "unschedulable-pods": cluster_autoscaler_unschedulable_pods_count is sampled every 5 minutes at best/,
    );
  });
  test.each([[-1], [5], [2.5]])('severity %p is outside 0-4', (severity) => {
    expectOne((c) => (c.alerts.metricAlerts[0].severity = severity), rule(0, 'severity'), /^rule "disk-high": must be a whole number from 0 \(critical\) to 4 \(verbose\)$/);
  });
  test('threshold is a number', () => {
    expectOne((c) => (c.alerts.metricAlerts[0].threshold = '80'), rule(0, 'threshold'), /^must be a number, not a string$/);
    expectOne((c) => delete c.alerts.metricAlerts[0].threshold, rule(0, 'threshold'), /^is required$/);
  });
  test('rule names: a lowercase slug, unique, and not one of the recommended alerts while those are on', () => {
    expectOne((c) => (c.alerts.metricAlerts[0].name = 'Disk High'), rule(0, 'name'), /lowercase letters, digits and "-"/);
    expectOne((c) => (c.alerts.metricAlerts[1].name = 'disk-high'), rule(1, 'name'), /duplicate rule name "disk-high" \(also metricAlerts\[0\]\)/);
    expectOne(
      (c) => (c.alerts.metricAlerts[0].name = 'node-cpu-usage-percentage'),
      rule(0, 'name'),
      /rule "node-cpu-usage-percentage" has the name of one of Azure's recommended alerts/,
    );
    expect(() =>
      accepts((c) => {
        c.alerts.recommended = false;
        c.alerts.metricAlerts[0].name = 'node-cpu-usage-percentage';
      }),
    ).not.toThrow();
  });
  test('an unknown key in a rule is an error (e.g. dimensions, which are not supported)', () => {
    expectOne((c) => (c.alerts.metricAlerts[0].dimensions = []), rule(0, 'dimensions'), /unknown key/);
  });
  test('several broken fields of one rule are all reported, each naming the rule', () => {
    const problems = problemsOf((c) => {
      c.alerts.metricAlerts[2].metric = 'cpu';
      c.alerts.metricAlerts[2].operator = 'Above';
      c.alerts.metricAlerts[2].severity = 9;
    });
    expect(problems.map((p) => p.path).sort()).toEqual([rule(2, 'metric'), rule(2, 'operator'), rule(2, 'severity')]);
    for (const p of problems) expect(p.message).toMatch(/^rule "apiserver-cpu": /);
  });
});

describe('prometheus', () => {
  test('the workspace is an Azure Monitor workspace (Microsoft.Monitor/accounts), not a Log Analytics one', () => {
    expectOne(
      (c) =>
        (c.alerts.prometheus.azureMonitorWorkspaceId =
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ops-rg/providers/Microsoft.OperationalInsights/workspaces/ops-law'),
      `${P}.alerts.prometheus.azureMonitorWorkspaceId`,
      /must be the id of a Microsoft.Monitor\/accounts/,
    );
  });
  test('rule groups are cluster, node or pod, unique, at least one', () => {
    expectOne((c) => (c.alerts.prometheus.ruleGroups = ['namespace']), `${P}.alerts.prometheus.ruleGroups[0]`, /cluster, node or pod/);
    expectOne((c) => (c.alerts.prometheus.ruleGroups = ['pod', 'pod']), `${P}.alerts.prometheus.ruleGroups[1]`, /duplicate rule group "pod"/);
    expectOne((c) => (c.alerts.prometheus.ruleGroups = []), `${P}.alerts.prometheus.ruleGroups`, /at least one/);
  });
  test('the workspace must be in the cluster subscription (it is looked up there for its region)', () => {
    expectOne(
      (c) =>
        (c.alerts.prometheus.azureMonitorWorkspaceId =
          '/subscriptions/99999999-9999-9999-9999-999999999999/resourceGroups/ops-rg/providers/Microsoft.Monitor/accounts/ops-amw'),
      `${P}.alerts.prometheus.azureMonitorWorkspaceId`,
      /is in subscription 99999999-9999-9999-9999-999999999999 but the cluster is in 00000000-0000-0000-0000-000000000000/,
    );
  });
});

describe('workspace logs', () => {
  test('kube-audit is refused with the runbook reason and a pointer to auditLogs', () => {
    const problems = problemsOf((c) => (c.workspaceLogs.categories = ['guard', 'kube-audit']));
    expect(problems).toEqual([{ path: `${P}.workspaceLogs.categories[1]`, message: expect.any(String) }]);
    const { message } = problems[0];
    expect(message).toContain('"Directing the logs to Azure Monitor for Containers gets really expensive, really fast, due to the sheer volume of data records that are captured"');
    expect(message).toContain('auditLogs.categories');
    expect(message).toContain('kube-audit-admin');
  });
  test('kube-audit is refused even without auditLogs', () => {
    expectOne(
      (c) => {
        delete c.auditLogs;
        c.workspaceLogs.categories = ['kube-audit'];
      },
      `${P}.workspaceLogs.categories[0]`,
      /kube-audit does not go to a workspace/,
    );
  });
  test('category groups are refused: both include kube-audit', () => {
    expectOne((c) => (c.workspaceLogs.categories = ['audit']), `${P}.workspaceLogs.categories[0]`, /is a category group, and both AKS groups include kube-audit/);
    expectOne((c) => (c.workspaceLogs.categories = ['allLogs']), `${P}.workspaceLogs.categories[0]`, /category group/);
  });
  test('kube-audit is refused even next to an unknown category or a group (every problem in one pass)', () => {
    const problems = problemsOf((c) => (c.workspaceLogs.categories = ['kube-audit', 'guard', 'bogus', 'allLogs']));
    const at = (i: number) => problems.filter((p) => p.path === `${P}.workspaceLogs.categories[${i}]`).map((p) => p.message);
    expect(at(0)).toEqual([expect.stringMatching(/^kube-audit does not go to a workspace/)]);
    expect(at(2)).toEqual([expect.stringMatching(/"bogus" is not an AKS log category/)]);
    expect(at(3)).toEqual([expect.stringMatching(/"allLogs" is a category group/)]);
  });
  test('an unknown category names the valid ones', () => {
    expectOne((c) => (c.workspaceLogs.categories = ['kube-apiserver-audit']), `${P}.workspaceLogs.categories[0]`, /not an AKS log category; use one of kube-apiserver, /);
  });
  test('a category already sent to storage by auditLogs is refused, naming both and Azure\'s own rule', () => {
    expectOne(
      (c) => {
        c.auditLogs.categories = ['kube-audit-admin'];
        c.workspaceLogs.categories = ['guard', 'kube-audit-admin'];
      },
      `${P}.workspaceLogs.categories`,
      /^kube-audit-admin is already sent to storage by auditLogs \(kube-audit-admin\): send each category to one place \(Azure would accept both settings, since they write to different destinations, but the logs would be stored and paid for twice\)/,
    );
  });
  test('overlap counts categories inside auditLogs groups', () => {
    const problems = problemsOf((c) => {
      c.auditLogs.categories = ['audit'];
      c.workspaceLogs.categories = ['guard', 'cluster-autoscaler'];
    });
    expect(problems).toEqual([
      {
        path: `${P}.workspaceLogs.categories`,
        message: expect.stringMatching(/^guard is already sent to storage by auditLogs \(audit\).*Azure would accept both settings, since they write to different destinations/),
      },
    ]);
  });
  test('with the default categories the overlap is reported on workspaceLogs and says the defaults include it', () => {
    expectOne(
      (c) => (c.auditLogs.categories = ['kube-audit', 'kube-audit-admin']),
      `${P}.workspaceLogs`,
      /^kube-audit-admin is already sent to storage by auditLogs \(kube-audit, kube-audit-admin\), and the default categories include it/,
    );
  });
  test('the default kube-audit in auditLogs does not overlap the default workspace categories', () => {
    expect(() => accepts((c) => (c.auditLogs = {}))).not.toThrow();
  });
  test('the two diagnostic settings need different names', () => {
    expectOne(
      (c) => (c.workspaceLogs.diagnosticSettingName = 'aks-day2-audit-to-storage'),
      `${P}.workspaceLogs.diagnosticSettingName`,
      /"aks-day2-audit-to-storage" is also auditLogs.diagnosticSettingName/,
    );
  });
  test('the workspace is a Log Analytics workspace', () => {
    expectOne(
      (c) =>
        (c.workspaceLogs.workspaceResourceId =
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ops-rg/providers/Microsoft.Monitor/accounts/ops-amw'),
      `${P}.workspaceLogs.workspaceResourceId`,
      /must be the id of a Microsoft.OperationalInsights\/workspaces/,
    );
  });
});

describe('monitoring principal: the third form', () => {
  test('{monitoringAgent: true} is accepted', () => {
    expect(accepts(() => undefined).clusters[0].monitoring?.principal).toEqual({ monitoringAgent: true });
  });
  test('{monitoringAgent: false} is refused, naming all three forms', () => {
    expectOne((c) => (c.monitoring.principal = { monitoringAgent: false }), `${P}.monitoring.principal`, /appId.*objectId.*monitoringAgent: true/);
  });
  test('monitoringAgent cannot be combined with another form', () => {
    expectOne(
      (c) => (c.monitoring.principal = { monitoringAgent: true, objectId: '22222222-2222-2222-2222-222222222222' }),
      `${P}.monitoring.principal`,
      /monitoringAgent: true/,
    );
  });
});

test('a duplicate rule name is reported together with another rule\'s broken field', () => {
  const problems = problemsOf((c) => {
    c.alerts.metricAlerts[1].name = 'disk-high';
    c.alerts.metricAlerts[2].operator = 'Above';
  });
  expect(problems.map((p) => p.path).sort()).toEqual([rule(1, 'name'), rule(2, 'operator')]);
});

test('a list field written as a string is a type error, not a crash', () => {
  expect(problemsOf((c) => (c.alerts.metricAlerts = 'disk-high'))).toEqual([{ path: `${P}.alerts.metricAlerts`, message: 'must be a list, not a string' }]);
  expect(problemsOf((c) => (c.workspaceLogs.categories = 'guard'))).toEqual([{ path: `${P}.workspaceLogs.categories`, message: 'must be a list, not a string' }]);
});

test('a metric alert name says its length and its bad characters; an infinite threshold is one problem', () => {
  const named = problemsOf((c) => (c.alerts.metricAlerts = [{ name: 'Disk_High', metric: 'node_disk_usage_percentage', operator: 'GreaterThan', threshold: 80 }]));
  expect(named).toEqual([{ path: `${P}.alerts.metricAlerts[0].name`, message: expect.stringMatching(/; "D", "_", "H" are not allowed$/) }]);
  const infinite = problemsOf((c) => (c.alerts.metricAlerts = [{ name: 'disk', metric: 'node_disk_usage_percentage', operator: 'GreaterThan', threshold: 1e400 }]));
  expect(infinite).toHaveLength(1);
  expect(infinite[0].path).toBe(`${P}.alerts.metricAlerts[0].threshold`);
});
