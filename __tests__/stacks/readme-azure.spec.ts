/**
 * The README's Azure lists are checked against the code and against what is synthesized, so
 * they cannot drift (the built-in role list is generated: lib/readme.ts): the permission table, the resource
 * providers per feature, and every `terraform import` address.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBuiltInRole } from '../../config/built-in-roles';
import { addresses, alertingDoc, azurePolicyDoc, exampleDoc, FEATURE_CONFIGS, minimalDoc, ROOT, synthDoc, withCluster, type Doc, type Json } from './helpers';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The text between `<!-- name:start -->` and `<!-- name:end -->`. */
function block(name: string): string {
  const match = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)<!-- ${name}:end -->`).exec(README);
  if (!match) throw new Error(`README has no ${name} block`);
  return match[1];
}

/** Rows of a markdown table (header and separator dropped), as cells. */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

const backticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** Every `resource.<type>` and `data.<type>` a set of configs synthesizes. */
function synthesizedTypes(docs: readonly Doc[]): string[] {
  const types = new Set<string>();
  for (const doc of docs) {
    const { json } = synthDoc(doc);
    for (const address of addresses(json, 'resource')) types.add(address.split('.')[0]);
    for (const address of addresses(json, 'data')) types.add(`data.${address.split('.')[0]}`);
  }
  return [...types].sort();
}

describe('README: permission table', () => {
  const rows = tableRows(block('permissions'));

  test('names every Terraform type the stacks synthesize, and no other', () => {
    const everything: Doc[] = [
      exampleDoc(),
      alertingDoc(),
      withCluster(exampleDoc(), (c) => void (c.acr = { name: 'contosofinacr', create: true })),
      withCluster(exampleDoc(), (c) => void (c.privateCluster = true)),
      azurePolicyDoc(),
    ];
    const documented = rows.flatMap((row) => backticked(row[1])).sort();
    expect([...new Set(documented)].sort()).toEqual(synthesizedTypes(everything));
  });

  test('every role it names is a built-in role (so a typo in the README fails here)', () => {
    const roles = rows.flatMap((row) => backticked(row[2])).filter((t) => !t.includes('/') && !t.includes('.'));
    expect(roles.length).toBeGreaterThan(5);
    for (const role of roles) expect({ role, known: findBuiltInRole(role)?.name }).toEqual({ role, known: role });
  });

  test('Traffic Analytics: Reader for the workspace lookup, Log Analytics Contributor for turning it on', () => {
    const ta = rows.filter((row) => row[0] === '`flowLogs.trafficAnalytics`');
    expect(ta.map((row) => [row[1], backticked(row[2])])).toEqual([
      ['`data.azurerm_log_analytics_workspace`', ['Reader']],
      ['`azurerm_network_watcher_flow_log`', ['Log Analytics Contributor', 'Monitoring Contributor']],
    ]);
  });
});

describe('README: permission rows that depend on what Azure holds', () => {
  const rows = tableRows(block('permissions'));
  const row = (feature: string, type: string) => {
    const found = rows.find((r) => r[0] === feature && r[1] === type);
    if (!found) throw new Error(`no permission row for ${feature} / ${type}`);
    return found;
  };

  test('registry lookup: Reader, plus listCredentials when the admin user is enabled (the data source then calls ListCredentials)', () => {
    const [, , permission, on] = row('`acr`', '`data.azurerm_container_registry`');
    expect(backticked(permission)).toEqual(['Reader', 'Microsoft.ContainerRegistry/registries/listCredentials/action']);
    expect(permission).toMatch(/admin user enabled/);
    expect(on).toBe('the registry');
    // And the notes say both ways out: turn the admin user off, or accept the password in the state.
    expect(README).toContain('`az acr update -n <acr> --admin-enabled false`');
    expect(README).toContain('`admin_password`');
  });

  test('created registry: checkNameAvailability at the subscription (RegistriesCheckNameAvailability before create)', () => {
    const [, , permission, on] = row('`acr.create`', '`azurerm_container_registry`');
    expect(backticked(permission)).toEqual([
      'Container Registry Contributor and Data Access Configuration Administrator',
      'Microsoft.ContainerRegistry/checkNameAvailability/read',
      'Reader',
    ]);
    expect(on).toBe("the registry's resource group; the subscription");
  });

  test('Prometheus rule groups: Reader on the Azure Monitor workspace in both rows, as the Alerts section says', () => {
    const lookup = row('`alerts.prometheus`', '`data.azurerm_monitor_workspace`');
    const groups = row('`alerts.prometheus`', '`azurerm_monitor_alert_prometheus_rule_group`');
    expect([backticked(lookup[2]), lookup[3]]).toEqual([['Reader'], 'the Azure Monitor workspace']);
    expect([backticked(groups[2]), groups[3]]).toEqual([
      ['Monitoring Contributor', 'Reader'],
      "the cluster's resource group; the Azure Monitor workspace",
    ]);
    const alerts = README.slice(README.indexOf('\n## Alerts\n'), README.indexOf('\n## verify'));
    expect(alerts.replace(/\s+/g, ' ')).toContain('the Azure Monitor workspace lookup needs `Reader` on it');
  });
});

describe('README: the spelling of each role assignment scope', () => {
  const flat = README.replace(/\s+/g, ' ');

  test('the monitoring scope the README shows is the one synthesized (format pattern, AKS spelling)', () => {
    const { json } = synthDoc(exampleDoc());
    const scope: string = json.resource.azurerm_role_assignment.monitoring_monitoring_metrics_publisher.scope;
    const pattern = /^\$\{format\("([^"]+)", /.exec(scope)?.[1];
    expect(pattern).toBe('/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ContainerService/managedClusters/%s');
    const shown = ['<sub>', '<resourceGroup>', '<aksName>'].reduce((text, part) => text.replace('%s', part), pattern!);
    expect(flat).toContain(`The monitoring roles (\`monitoring_*\`): the cluster id as AKS spells it, \`${shown}\``);
  });

  test('the monitoring import ids are spelled as az prints them for a runbook grant (resourcegroups)', () => {
    const monitoringImports = [...README.matchAll(/terraform import (azurerm_role_assignment\.monitoring_\S+) \\\n\s+'([^']+)'/g)];
    expect(monitoringImports.length).toBe(2);
    for (const [, address, id] of monitoringImports) {
      expect({ address, spelling: id.split('/')[3] }).toEqual({ address, spelling: 'resourcegroups' });
    }
  });
});

describe('README: resource providers per feature', () => {
  /** The README's first column (backticks dropped) → the config section that turns the feature on. */
  const FEATURES = Object.fromEntries(Object.entries(FEATURE_CONFIGS).map(([k, v]) => [k.replace(/^([^(]+?)( \(.*\))?$/, '`$1`$2'), v]));
  const rows = tableRows(block('resource-providers'));

  test('has a row per feature', () => {
    expect(rows.map((row) => row[0]).sort()).toEqual(Object.keys(FEATURES).sort());
  });

  test.each(Object.keys(FEATURES))('%s registers what the README says', (feature) => {
    const row = rows.find((r) => r[0] === feature)!;
    const { json } = synthDoc(withCluster(minimalDoc(), FEATURES[feature]));
    expect((json.provider.azurerm[0] as Json).resource_providers_to_register).toEqual(backticked(row[1]));
  });
});

describe('README: terraform import addresses', () => {
  const imports = [...README.matchAll(/terraform import (\S+)/g)].map((m) => m[1]);

  test('every address exists in the stack of the example', () => {
    expect(imports.length).toBeGreaterThanOrEqual(3);
    const have = addresses(synthDoc(exampleDoc()).json, 'resource');
    for (const address of imports) expect({ address, exists: have.includes(address) }).toEqual({ address, exists: true });
  });
});
