import { Construct } from 'constructs';
import type { ExistingActionGroup, NewActionGroup } from '../config/model';
import { MonitorActionGroup } from './terraform-classes';

export interface AlertActionGroupProps {
  /** Receivers for a new group, or the id of a group that exists. */
  readonly actionGroup: NewActionGroup | ExistingActionGroup;
  /** Resource group a new action group is created in (the cluster's). */
  readonly resourceGroupName: string;
}

/**
 * Who is told when an alert fires: an action group with the configured email and webhook
 * receivers, or an existing one. Runbook: "create items like notifications/alerts when key
 * criteria is exceeded".
 */
export class AlertActionGroup extends Construct {
  /** ARM resource providers this construct's resources need registered (as ARM spells them). */
  public static readonly RESOURCE_PROVIDERS: readonly string[] = ['microsoft.insights'];
  /** Every alert rule's action: the created group's id, or the existing one. */
  public readonly id: string;
  /** The group created here; undefined when an existing one is used. */
  public readonly group?: MonitorActionGroup;
  /**
   * Receivers use Azure's common alert schema: one payload shape for metric and Prometheus
   * alerts, so a webhook consumer parses one format.
   */
  public readonly useCommonAlertSchema = true;

  constructor(scope: Construct, id: string, props: AlertActionGroupProps) {
    super(scope, id);
    const { actionGroup } = props;
    if (actionGroup.kind === 'existing') {
      this.id = actionGroup.id;
      return;
    }
    this.group = new MonitorActionGroup(this, 'group', {
      name: actionGroup.name,
      resourceGroupName: props.resourceGroupName,
      // Action groups are global resources; the provider's default, written out.
      location: 'global',
      shortName: actionGroup.shortName,
      enabled: true,
      // Receiver names follow config order; they only need to be unique within the group.
      emailReceiver: orUndefined(
        actionGroup.emails.map((emailAddress, i) => ({
          name: `email-${i + 1}`,
          emailAddress,
          useCommonAlertSchema: this.useCommonAlertSchema,
        })),
      ),
      webhookReceiver: orUndefined(
        actionGroup.webhooks.map((serviceUri, i) => ({
          name: `webhook-${i + 1}`,
          serviceUri,
          useCommonAlertSchema: this.useCommonAlertSchema,
        })),
      ),
    });
    this.group.overrideLogicalId('alerts_action_group');
    this.id = this.group.id;
  }
}

/** No block at all rather than an empty list: what a read of a group without such receivers shows. */
function orUndefined<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
