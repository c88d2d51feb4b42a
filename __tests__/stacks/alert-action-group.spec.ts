/**
 * The action group alerts notify ("create items like notifications/alerts"): receivers, names
 * and the existing-group form. Stands in for reading the plan of azurerm_monitor_action_group
 * (azurerm v4.55.0 internal/services/monitor/monitor_action_group_resource.go); no email or
 * webhook is sent.
 */
import { AlertActionGroup } from '../../stacks/alert-action-group';
import { alertingDoc, bareStack, exampleDoc, resolved, resource, synthDoc, synthStack } from './helpers';

const SUB = '00000000-0000-0000-0000-000000000000';

describe('a new action group (alerting fixture)', () => {
  const { json, stack } = synthDoc(alertingDoc());
  const group = resource(json, 'azurerm_monitor_action_group', 'alerts_action_group');

  test('every field', () => {
    expect(group).toEqual({
      name: 'aks-day2-contosofin-alerts',
      resource_group_name: 'contosofin-rg',
      location: 'global',
      short_name: 'contosofin',
      enabled: true,
      email_receiver: [
        { name: 'email-1', email_address: 'aks-oncall@contoso.com', use_common_alert_schema: true },
        { name: 'email-2', email_address: 'platform-team@contoso.com', use_common_alert_schema: true },
      ],
      webhook_receiver: [{ name: 'webhook-1', service_uri: 'https://hooks.example.com/aks', use_common_alert_schema: true }],
    });
  });

  test('short_name fits azurerm\'s 1-12 characters', () => {
    expect(group.short_name.length).toBeGreaterThanOrEqual(1);
    expect(group.short_name.length).toBeLessThanOrEqual(12);
  });

  test('is what every alert rule notifies', () => {
    expect(resolved(stack, stack.alertActionGroup?.id)).toBe('${azurerm_monitor_action_group.alerts_action_group.id}');
  });
});

describe('the bundled example (emails only)', () => {
  const { json } = synthDoc(exampleDoc());
  const group = resource(json, 'azurerm_monitor_action_group', 'alerts_action_group');

  test('has no webhook block at all, as a read of such a group shows', () => {
    expect(group.email_receiver).toEqual([{ name: 'email-1', email_address: 'aks-oncall@contoso.com', use_common_alert_schema: true }]);
    expect(group).not.toHaveProperty('webhook_receiver');
  });
});

describe('an existing action group', () => {
  const existingId = `/subscriptions/${SUB}/resourceGroups/ops-rg/providers/Microsoft.Insights/actionGroups/oncall`;
  const doc = alertingDoc();
  doc.clusters[0].alerts.actionGroup = { existingId };
  const { json, stack } = synthDoc(doc);

  test('creates no group and wires every rule to the given id', () => {
    expect(json.resource.azurerm_monitor_action_group).toBeUndefined();
    expect(stack.alertActionGroup?.group).toBeUndefined();
    expect(stack.alertActionGroup?.id).toBe(existingId);
    const actions = [
      ...Object.values(json.resource.azurerm_monitor_metric_alert as Record<string, any>).map((a) => a.action),
      ...Object.values(json.resource.azurerm_monitor_alert_prometheus_rule_group as Record<string, any>).flatMap((g) =>
        g.rule.map((r: any) => r.action),
      ),
    ];
    expect(actions.length).toBe(5 + 30);
    for (const action of actions) expect(action).toEqual([{ action_group_id: existingId }]);
  });
});

test('on its own: registers microsoft.insights, as ARM spells it', () => {
  // azurerm v4.55.0 internal/resourceproviders/required.go lists "microsoft.insights" in lower
  // case, and cache.go compares names exactly as ARM returns them.
  expect(AlertActionGroup.RESOURCE_PROVIDERS).toEqual(['microsoft.insights']);
  const stack = bareStack();
  new AlertActionGroup(stack, 'ag', {
    actionGroup: { kind: 'create', name: 'g', shortName: 'g', emails: [], webhooks: ['https://x.example.com'] },
    resourceGroupName: 'rg',
  });
  const group = synthStack(stack).resource.azurerm_monitor_action_group.alerts_action_group;
  expect(group).not.toHaveProperty('email_receiver');
  expect(group.webhook_receiver).toEqual([{ name: 'webhook-1', service_uri: 'https://x.example.com', use_common_alert_schema: true }]);
});
