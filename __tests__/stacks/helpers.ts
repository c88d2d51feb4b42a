import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack, Testing, type App } from 'cdktf';
import { resolve } from 'cdktf/lib/_tokens';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { parseConfig } from '../../config/load';
import { fixtureDoc } from '../support/fixtures';
import type { Config } from '../../config/model';
import { ClusterStack } from '../../stacks/cluster-stack';

/**
 * Configs for stack tests go through the real loader (YAML text → parseConfig), so a test
 * never builds a model object the loader could not produce.
 */

export const ROOT = join(__dirname, '..', '..');
/** The contosofin fixture (what config/fleet.yaml ships with; tests never read the fleet config). */
export const EXAMPLE_YAML = readFileSync(join(ROOT, '__tests__', 'fixtures', 'contosofin.yaml'), 'utf8');

export type Doc = Record<string, any>;
export type Json = Record<string, any>;

/** The alerting fixture: alerts, workspaceLogs and the monitoringAgent principal at once. */
export const ALERTING_YAML = readFileSync(join(ROOT, '__tests__', 'fixtures', 'alerting.yaml'), 'utf8');

/** A cluster with `policy.engine: azure-policy` (an Azure Policy assignment, no dist/ policy). */
export const AZURE_POLICY_YAML = readFileSync(join(ROOT, '__tests__', 'fixtures', 'azure-policy.yaml'), 'utf8');

/** A fresh, mutable copy of the azure-policy fixture as plain data. */
export function azurePolicyDoc(): Doc {
  return fixtureDoc('azure-policy.yaml') as Doc;
}

/** A fresh, mutable copy of the alerting fixture as plain data. */
export function alertingDoc(): Doc {
  return fixtureDoc('alerting.yaml') as Doc;
}

/** A fresh, mutable copy of the contosofin fixture as plain data. */
export function exampleDoc(): Doc {
  return fixtureDoc('contosofin.yaml') as Doc;
}

/** The smallest valid config: one cluster, no optional section. */
export function minimalDoc(): Doc {
  return {
    clusters: [{ name: 'mini', resourceGroup: 'mini-rg', aksName: 'mini-aks', location: 'westeurope' }],
  };
}

/** `doc` with its first cluster changed by `edit` (which may mutate or return a new cluster). */
export function withCluster(doc: Doc, edit: (cluster: Doc) => Doc | void): Doc {
  const cluster = doc.clusters[0];
  doc.clusters[0] = edit(cluster) ?? cluster;
  return doc;
}

export function load(doc: Doc): Config {
  return parseConfig(stringify(doc), 'test config');
}

// App() creates its outdir on construction; one shared directory for the whole test file
// keeps /tmp clean (nothing is written into it: Testing.synth works in memory).
let outdir: string | undefined;
export function testApp(): App {
  outdir ??= mkdtempSync(join(tmpdir(), 'aks-day2-stacks-'));
  return Testing.app({ outdir });
}
afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

export interface Synthesized {
  readonly stack: ClusterStack;
  /** `Testing.synth` output: keys sorted, "//" metadata dropped. */
  readonly text: string;
  readonly json: Json;
}

/** An empty stack in a test app, for constructs tested on their own. */
export function bareStack(id = 'bare'): TerraformStack {
  return new TerraformStack(testApp(), id);
}

/** `Testing.synth` of a stack, parsed. */
export function synthStack(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack)) as Json;
}

/** Stacks already synthesized in this test file, by config text and cluster index. */
const synthesized = new Map<string, { stack: ClusterStack; text: string }>();

/**
 * Build and synthesize the stack of cluster `index` of `doc`. Constructs are pure functions of
 * their props, so the same config gives the same stack: it is built once per test file and
 * shared (a synth takes ~90 ms; the stack specs ask for the same configs again and again).
 * `json` is a fresh parse each time, so a test may change it.
 */
export function synthDoc(doc: Doc, index = 0): Synthesized {
  const key = `${index}\n${stringify(doc)}`;
  let hit = synthesized.get(key);
  if (!hit) {
    hit = synthFresh(doc, index);
    synthesized.set(key, hit);
  }
  return { stack: hit.stack, text: hit.text, json: JSON.parse(hit.text) as Json };
}

/** synthDoc without the cache: a new app and stack every time (for determinism tests). */
export function synthFresh(doc: Doc, index = 0): Synthesized {
  const config = load(doc);
  const cluster = config.clusters[index];
  const stack = new ClusterStack(Testing.app({ outdir: testApp().outdir }), cluster.name, { cluster, state: config.state });
  const text = Testing.synth(stack);
  return { stack, text, json: JSON.parse(text) as Json };
}

/** The block `<kind>.<type>.<name>` (kind: resource or data); fails the test when missing. */
export function block(json: Json, kind: 'resource' | 'data', type: string, name: string): Json {
  const found = json[kind]?.[type]?.[name];
  if (!found) {
    const have = Object.entries((json[kind] ?? {}) as Json).flatMap(([t, byName]) =>
      Object.keys(byName as Json).map((n) => `${t}.${n}`),
    );
    throw new Error(`no ${kind} ${type}.${name}; have: ${have.join(', ') || 'none'}`);
  }
  return found as Json;
}

export const resource = (json: Json, type: string, name: string) => block(json, 'resource', type, name);
export const data = (json: Json, type: string, name: string) => block(json, 'data', type, name);

/** A construct's public token field as it appears in the synthesized JSON. */
export function resolved<T>(scope: Construct, value: T): T {
  return resolve(scope, value);
}

/** Every `<type>.<name>` address of a kind, sorted. */
export function addresses(json: Json, kind: 'resource' | 'data'): string[] {
  return Object.entries((json[kind] ?? {}) as Json)
    .flatMap(([t, byName]) => Object.keys(byName as Json).map((n) => `${t}.${n}`))
    .sort();
}

/**
 * One config section per feature that registers resource providers, applied to the minimal
 * cluster; keyed as the README's resource-provider table names them (without backticks).
 */
export const FEATURE_CONFIGS: Readonly<Record<string, (c: Doc) => void>> = {
  'acr (existing registry)': (c) => void (c.acr = { name: 'minimalacr' }),
  'acr.create: true': (c) => void (c.acr = { name: 'minimalacr', create: true }),
  monitoring: (c) => void (c.monitoring = { principal: { objectId: '22222222-2222-2222-2222-222222222222' } }),
  auditLogs: (c) => void (c.auditLogs = {}),
  workspaceLogs: (c) => void (c.workspaceLogs = { workspaceResourceId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mini-rg/providers/Microsoft.OperationalInsights/workspaces/mini-law' }),
  alerts: (c) => void (c.alerts = { actionGroup: { emails: ['oncall@example.com'] } }),
  'alerts.prometheus': (c) =>
    void (c.alerts = { actionGroup: { emails: ['oncall@example.com'] }, prometheus: { azureMonitorWorkspaceId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mini-rg/providers/Microsoft.Monitor/accounts/mini-amw' } }),
  flowLogs: (c) =>
    void (c.flowLogs = {
      targetResourceId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mini-rg/providers/Microsoft.Network/virtualNetworks/mini-vnet',
    }),  'policy.engine: azure-policy': (c) => void (c.policy = { engine: 'azure-policy', namespaces: ['production'], allowedRepos: ['kevingbb/'] }),
};
