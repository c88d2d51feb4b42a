/**
 * The data file of Azure's recommended Prometheus alert rules
 * (stacks/recommended-prometheus-alerts.ts, carried over from Azure/prometheus-collector
 * GeneratedMonitoringArtifacts/Default/recommendedMetricAlerts.json at 39583fd). Checks its
 * structure, that every value is one azurerm v4.55.0 and Azure accept, and that every PromQL
 * expression parses with Prometheus' own grammar (@prometheus-io/lezer-promql, the parser of
 * the Prometheus web UI): a syntax tree without error nodes. Parsing is not evaluating: whether
 * a rule finds the series it expects is up to the cluster's scrape configuration.
 */
import { parser } from '@prometheus-io/lezer-promql';
import {
  RECOMMENDED_PROMETHEUS_RULE_GROUPS,
  RECOMMENDED_RULE_GROUP_DESCRIPTION,
  RECOMMENDED_RULE_GROUP_PREFIX,
} from '../../config/recommended-prometheus-alerts';

/** Error nodes in the tree lezer builds for `expression` (it always builds one, marking what it could not parse). */
function syntaxErrors(expression: string): string[] {
  const errors: string[] = [];
  parser.parse(expression).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}: "${expression.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
    },
  });
  return errors;
}

/** ISO 8601 durations as the rule group API takes them (hours, minutes, seconds; leading zeros allowed). */
const ISO_DURATION = /^PT(?:\d+H)?(?:\d+M)?(?:\d+S)?$/;
const minutesOf = (d: string) => {
  const [, h = '0', m = '0', s = '0'] = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(d)!;
  return Number(h) * 60 + Number(m) + Number(s) / 60;
};

const allRules = RECOMMENDED_PROMETHEUS_RULE_GROUPS.flatMap((g) => g.rules.map((r) => ({ group: g.level, ...r })));

describe('structure', () => {
  test('three groups, cluster, node and pod level, with the suffixes of Azure\'s group names', () => {
    expect(RECOMMENDED_PROMETHEUS_RULE_GROUPS.map((g) => [g.level, g.nameSuffix])).toEqual([
      ['cluster', 'Cluster-level'],
      ['node', 'Node-level'],
      ['pod', 'Pod-level'],
    ]);
    expect(RECOMMENDED_RULE_GROUP_PREFIX).toBe('KubernetesAlert-RecommendedMetricAlerts');
    expect(RECOMMENDED_RULE_GROUP_DESCRIPTION).toBe('Kubernetes Alert RuleGroup-RecommendedMetricAlerts - 0.1');
  });

  test('rule counts as published (11 cluster, 3 node, 16 pod)', () => {
    expect(RECOMMENDED_PROMETHEUS_RULE_GROUPS.map((g) => g.rules.length)).toEqual([11, 3, 16]);
  });

  test('every group is evaluated every minute and documented at its aka.ms page', () => {
    for (const g of RECOMMENDED_PROMETHEUS_RULE_GROUPS) {
      expect(g.interval).toBe('PT1M');
      expect(g.docsUrl).toBe(`https://aka.ms/aks-alerts/${g.level}-level-recommended-alerts`);
    }
  });

  test('every rule has exactly the fields carried over', () => {
    for (const r of RECOMMENDED_PROMETHEUS_RULE_GROUPS.flatMap((g) => g.rules)) {
      expect(Object.keys(r).sort()).toEqual(['alert', 'expression', 'for', 'labels', 'resolveConfiguration', 'severity']);
      expect(Object.keys(r.resolveConfiguration).sort()).toEqual(['autoResolved', 'timeToResolve']);
    }
  });

  test.each(allRules.map((r) => [r.alert, r]))('%s: values azurerm and Azure accept', (_name, r) => {
    expect(r.alert).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    // azurerm: severity IntBetween(0, 4); 0 would not even be sent (expand uses GetOk).
    expect(Number.isInteger(r.severity)).toBe(true);
    expect(r.severity).toBeGreaterThanOrEqual(1);
    expect(r.severity).toBeLessThanOrEqual(4);
    // azurerm sends `for` only when set, and Azure refuses a rule without it (provider issue
    // #29129) and one under a minute ("must be greater than or equal to '1'", prometheus-collector PR #672).
    expect(r.for).toMatch(ISO_DURATION);
    expect(minutesOf(r.for)).toBeGreaterThanOrEqual(1);
    expect(r.resolveConfiguration.autoResolved).toBe(true);
    expect(r.resolveConfiguration.timeToResolve).toMatch(ISO_DURATION);
    expect(r.labels).toEqual({ severity: 'warning' });
  });

  test('alert names are unique across the groups', () => {
    const names = allRules.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
  });

  test('spot checks against the published file', () => {
    // Values read in recommendedMetricAlerts.json at 39583fd.
    const byName = Object.fromEntries(allRules.map((r) => [r.alert, r]));
    expect(byName.KubePodCrashLooping).toMatchObject({ group: 'pod', for: 'PT15M', severity: 4 });
    expect(byName.KubeNodeUnreachable).toMatchObject({ group: 'node', for: 'PT15M', severity: 3 });
    expect(byName.KubePersistentVolumeFillingUp).toMatchObject({
      group: 'cluster',
      for: 'PT60M',
      severity: 4,
      resolveConfiguration: { autoResolved: true, timeToResolve: 'PT15M' },
    });
    expect(byName.KubeContainerOOMKilledCount).toMatchObject({ group: 'cluster', for: 'PT5M', severity: 4 });
    expect(byName.KubeJobFailed).toMatchObject({ group: 'pod', for: 'PT15M', severity: 3 });
    expect(byName.KubeJobStale).toMatchObject({ for: 'PT360M', resolveConfiguration: { timeToResolve: 'PT15M' } });
    expect(byName.KubePersistentVolumeErrors.for).toBe('PT05M');
    expect(byName.KubeNodeDiskUsageHigh.expression).toBe(
      '100 - ((node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"}) * 100) > 80',
    );
  });
});

describe('PromQL', () => {
  test('the parser reports broken expressions (so a pass below means something)', () => {
    expect(syntaxErrors('sum(rate(foo[5m])) by')).not.toEqual([]);
    expect(syntaxErrors('kube_pod_info{job="kube-state-metrics"')).not.toEqual([]);
    expect(syntaxErrors('rate(foo[5m]) > 0')).toEqual([]);
  });

  test.each(allRules.map((r) => [r.alert, r.expression]))('%s parses without error nodes', (_name, expression) => {
    expect(syntaxErrors(expression)).toEqual([]);
  });
});
