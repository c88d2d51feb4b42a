import { Construct } from 'constructs';
import type { MetricAlertConfig } from '../config/model';
import { MonitorMetricAlert } from './terraform-classes';

export interface PlatformMetricAlertsProps {
  /** Azure's recommended rules and the configured ones, defaults applied. */
  readonly rules: readonly MetricAlertConfig[];
  /** Resource id of the cluster: each rule's only scope. */
  readonly clusterId: string;
  /** Resource group the rules are created in (the cluster's). */
  readonly resourceGroupName: string;
  /** Action group every rule notifies. */
  readonly actionGroupId: string;
}

/** `node-cpu-usage-percentage` → `metric_alert_node_cpu_usage_percentage` (rule names are [a-z0-9-]). */
export function metricAlertLogicalId(ruleName: string): string {
  return `metric_alert_${ruleName.replace(/-/g, '_')}`;
}

/** One line that says what the rule watches, for the alert's description and notifications. */
export function describeMetricAlert(rule: MetricAlertConfig): string {
  const what = `${rule.aggregation} ${rule.metric} ${OPERATOR_TEXT[rule.operator]} ${rule.threshold} over ${rule.windowMinutes} min`;
  return rule.recommended
    ? `Azure recommended AKS alert: ${what}.`
    : `${what} (aks-day2 config, metricAlerts "${rule.name}").`;
}

const OPERATOR_TEXT: Readonly<Record<MetricAlertConfig['operator'], string>> = {
  Equals: '=',
  GreaterThan: '>',
  GreaterThanOrEqual: '>=',
  LessThan: '<',
  LessThanOrEqual: '<=',
};

/**
 * Platform metric alerts on the cluster (metrics Azure collects without any agent): Azure's two
 * recommended ones and the configured ones, each notifying the action group. Runbook: "This
 * section enables capture of metrics for the AKS cluster to be able to create items like
 * notifications/alerts when key criteria is exceeded."
 *
 * Every rule watches one metric with no dimension split, so it monitors exactly one time series
 * (the unit Azure bills metric alerts by).
 */
export class PlatformMetricAlerts extends Construct {
  /** ARM resource providers this construct's resources need registered (as ARM spells them). */
  public static readonly RESOURCE_PROVIDERS: readonly string[] = ['microsoft.insights'];
  /** One alert per rule, in rule order. */
  public readonly alerts: readonly MonitorMetricAlert[];
  /** Alerts resolve themselves once the condition no longer holds (Azure's default, written out). */
  public readonly autoMitigate = true;

  constructor(scope: Construct, id: string, props: PlatformMetricAlertsProps) {
    super(scope, id);
    this.alerts = props.rules.map((rule) => {
      const alert = new MonitorMetricAlert(this, rule.name, {
        name: rule.alertName,
        resourceGroupName: props.resourceGroupName,
        // A single resource scope: Azure derives the target type and region itself, so
        // target_resource_type/location stay unset (both are Computed in azurerm) instead of
        // being written in a spelling Azure might return differently.
        scopes: [props.clusterId],
        description: describeMetricAlert(rule),
        enabled: true,
        autoMitigate: this.autoMitigate,
        severity: rule.severity,
        frequency: rule.frequency,
        windowSize: rule.windowSize,
        criteria: [
          {
            metricNamespace: rule.metricNamespace,
            metricName: rule.metric,
            aggregation: rule.aggregation,
            operator: rule.operator,
            threshold: rule.threshold,
          },
        ],
        action: [{ actionGroupId: props.actionGroupId }],
      });
      alert.overrideLogicalId(metricAlertLogicalId(rule.name));
      return alert;
    });
  }
}
