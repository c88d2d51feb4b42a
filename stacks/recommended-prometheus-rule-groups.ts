import { Construct } from 'constructs';
import type { DataAzurermMonitorWorkspace } from './terraform-classes';
import { MonitorAlertPrometheusRuleGroup } from './terraform-classes';
import {
  RECOMMENDED_PROMETHEUS_RULE_GROUPS,
  RECOMMENDED_RULE_GROUP_DESCRIPTION,
  recommendedRuleGroupName,
  type RuleGroupLevel,
} from '../config/recommended-prometheus-alerts';

export interface RecommendedPrometheusRuleGroupsProps {
  /** Which of Azure's three groups to create, in this order. */
  readonly levels: readonly RuleGroupLevel[];
  /** The Azure Monitor workspace lookup: the groups query it and live in its region. */
  readonly workspace: DataAzurermMonitorWorkspace;
  /** Resource id of the cluster: the groups apply to its series only. */
  readonly clusterId: string;
  /** The cluster's name in Azure (`$PREFIX-aks`): the `cluster` label the rules are limited to. */
  readonly aksName: string;
  /** Resource group the groups are created in (the cluster's). */
  readonly resourceGroupName: string;
  /** Action group every rule notifies. */
  readonly actionGroupId: string;
}

/**
 * Azure's recommended Prometheus alert rules (Azure Monitor managed Prometheus), one rule group
 * per chosen level, scoped to the workspace and the cluster, every rule enabled and notifying the
 * action group. Runbook: "create items like notifications/alerts when key criteria is exceeded".
 *
 * Names match the ones Azure's portal and ARM template give the groups, so groups created
 * there before can be imported (`terraform import`) instead of duplicated.
 */
/**
 * An ISO 8601 duration of whole minutes in its shortest form: `PT05M` → `PT5M`, `PT60M` →
 * `PT1H`, `PT360M` → `PT6H`, `PT90M` → `PT1H30M`. azurerm writes `for` and `time_to_resolve`
 * back exactly as Azure returns them (monitor_alert_prometheus_rule_group_resource.go, no
 * diff suppression); whether Azure echoes a padded or unnormalized value could not be observed
 * here, and the shortest form is what a normalizing service returns, so it is the one value that
 * gives an empty re-plan either way. The recommended data keeps Azure's published spelling.
 */
export function shortestMinutes(duration: string): string {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(duration);
  if (!m || (m[1] === undefined && m[2] === undefined)) throw new Error(`not an ISO 8601 duration of hours and minutes: ${duration}`);
  const total = Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  if (total === 0) return 'PT0M';
  return `PT${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}`;
}

export class RecommendedPrometheusRuleGroups extends Construct {
  /** ARM resource providers this construct's resources need registered (as ARM spells them). */
  public static readonly RESOURCE_PROVIDERS: readonly string[] = ['Microsoft.AlertsManagement'];
  /** One group per level, in `levels` order. */
  public readonly groups: readonly MonitorAlertPrometheusRuleGroup[];

  constructor(scope: Construct, id: string, props: RecommendedPrometheusRuleGroupsProps) {
    super(scope, id);
    this.groups = props.levels.map((level) => {
      const group = RECOMMENDED_PROMETHEUS_RULE_GROUPS.find((g) => g.level === level);
      if (!group) throw new Error(`RecommendedPrometheusRuleGroups: no recommended group "${level}"`);
      const resource = new MonitorAlertPrometheusRuleGroup(this, level, {
        name: recommendedRuleGroupName(props.aksName, group),
        resourceGroupName: props.resourceGroupName,
        location: props.workspace.location,
        description: RECOMMENDED_RULE_GROUP_DESCRIPTION,
        clusterName: props.aksName,
        scopes: [props.workspace.id, props.clusterId],
        interval: shortestMinutes(group.interval),
        // azurerm sends false for an unset rule_group_enabled and rule.enabled (expand uses the
        // zero value), which would create every rule switched off.
        ruleGroupEnabled: true,
        rule: group.rules.map((rule) => ({
          alert: rule.alert,
          expression: rule.expression,
          for: shortestMinutes(rule.for),
          severity: rule.severity,
          enabled: true,
          labels: { ...rule.labels },
          annotations: {
            description: `${rule.alert} (Azure recommended ${level}-level rule for ${props.aksName}). What it means and what to do: ${group.docsUrl}`,
          },
          alertResolution: {
            autoResolved: rule.resolveConfiguration.autoResolved,
            timeToResolve: shortestMinutes(rule.resolveConfiguration.timeToResolve),
          },
          action: [{ actionGroupId: props.actionGroupId }],
        })),
      });
      resource.overrideLogicalId(`prometheus_rule_group_${level}`);
      return resource;
    });
  }
}
