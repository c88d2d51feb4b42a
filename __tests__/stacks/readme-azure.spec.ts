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
