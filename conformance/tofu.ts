/**
 * OpenTofu with the azurerm provider judges the Terraform: every stack, as committed
 * (__tests__/fleet/terraform/*.tf.json) and as synthesized from the current config, the test
 * fixtures and conformance/configs/, goes through `tofu init` (offline, from a local provider
 * mirror), `tofu validate` (the real provider schemas and validators; a warning is a failure) and
 * `tofu test` with mocked providers, where every pre- and postcondition is evaluated by Tofu:
 * holding for healthy lookups, failing with the project's message for each case of
 * conformance/tofu-cases.ts.
 */
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { resolveConfigPath } from '../config/load';
import type { ClusterConfig } from '../config/model';
import type { Built } from './build';
import type { EngineId } from './engines';
import { runTool, tempDir } from './processes';
import { clustersOf, synthesize } from './synthesize';
import { tally, type Failure, type Suite, type SuiteContext } from './suite';
import { casesFor, conditionsOf, testFiles, type FailingCase } from './tofu-cases';

/** Versions the mirror offers the providers at; the stacks' own pins are replaced in an override file. */
const MIRROR_VERSIONS: Record<'azurerm' | 'azuread' | 'dns', string> = {
  azurerm: '5.2.1-dev.fae580791926',
  azuread: '3.7.0-standin',
  dns: '3.4.3-standin',
};

interface Stack {
  /** Where it came from, as a reader finds it. */
  readonly file: string;
  readonly text: string;
  readonly cluster: ClusterConfig;
}

/** Provider mirror (unpacked layout) and the CLI config that makes it the only source. */
function providerMirror(engines: ReadonlyMap<EngineId, Built>): string {
  const dir = tempDir('tofu-mirror');
  const mirror = join(dir, 'mirror');
  for (const type of ['azurerm', 'azuread', 'dns'] as const) {
    const version = MIRROR_VERSIONS[type];
    const folder = join(mirror, 'registry.opentofu.org', 'hashicorp', type, version, 'linux_amd64');
    mkdirSync(folder, { recursive: true });
    symlinkSync(engines.get(type)!.path, join(folder, `terraform-provider-${type}_v${version}`));
  }
  const rc = join(dir, 'tofu.rc');
  writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`);
  return rc;
}

/** Every stack the suite judges: the committed snapshots, then each config's synthesized stacks. */
async function stacksToJudge(ctx: SuiteContext, fleetConfig: string): Promise<Stack[]> {
  const { root, env } = ctx;
  const stacks: Stack[] = [];
  const fleet = clustersOf(root, fleetConfig);
  const snapshots = join(root, '__tests__', 'fleet', 'terraform');
  for (const f of existsSync(snapshots) ? readdirSync(snapshots).filter((f) => f.endsWith('.tf.json')).sort() : []) {
    const name = f.replace(/\.tf\.json$/, '');
    const cluster = fleet.get(name);
    if (!cluster) continue; // a leftover snapshot: npm test reports it
    stacks.push({ file: relative(root, join(snapshots, f)), text: readFileSync(join(snapshots, f), 'utf8'), cluster });
  }
  const configs = [
    fleetConfig,
    ...['__tests__/fixtures', 'conformance/configs'].flatMap((d) =>
      existsSync(join(root, d)) ? readdirSync(join(root, d)).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(root, d, f)) : [],
    ),
  ];
  for (const config of configs) {
    ctx.progress.note(`synthesizing ${relative(root, config)}`);
    const clusters = clustersOf(root, config);
    for (const s of await synthesize(root, config, env)) {
      stacks.push({ file: `${relative(root, config)} → cdktf.out/stacks/${s.name}/cdk.tf.json`, text: s.text, cluster: clusters.get(s.name)! });
    }
  }
  return stacks;
}

interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly snippet?: { readonly context?: string };
}

const message = (d: Diagnostic) => `${d.severity}: ${d.summary}${d.detail ? `: ${d.detail}` : ''}`;

/** JSON lines of `tofu test -json`, grouped by test file. */
function testOutput(stdout: string): { diagnostics: Map<string, Diagnostic[]>; status: Map<string, string> } {
  const diagnostics = new Map<string, Diagnostic[]>();
  const status = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line);
    const file: string = entry['@testfile'] ?? '';
    if (entry.type === 'diagnostic') diagnostics.set(file, [...(diagnostics.get(file) ?? []), entry.diagnostic]);
    if (entry.type === 'test_run') status.set(file, entry.test_run.status);
  }
  return { diagnostics, status };
}

/** The address a condition diagnostic belongs to, from its snippet context (`data.x.y.lifecycle.postcondition[0]`). */
const addressOf = (d: Diagnostic) => d.snippet?.context?.replace(/\.lifecycle\..*$/, '') ?? '';

async function judge(stack: Stack, tofu: string, env: NodeJS.ProcessEnv, rc: string): Promise<Array<Failure | undefined>> {
  const dir = tempDir('tofu');
  const json = JSON.parse(stack.text);
  writeFileSync(join(dir, 'main.tf.json'), stack.text);
  // The stacks pin the provider versions @cdktf/provider-* were generated from; the mirror offers
  // what could be built (conformance/engines.ts), so the pins are replaced here, and only here.
  const required = json.terraform?.required_providers ?? {};
  const pins = Object.fromEntries(
    Object.keys(required).map((p) => [p, { source: `hashicorp/${p}`, version: MIRROR_VERSIONS[p as keyof typeof MIRROR_VERSIONS] }]),
  );
  writeFileSync(join(dir, 'conformance_override.tf.json'), JSON.stringify({ terraform: { required_providers: pins } }));
  const tofuEnv = { ...env, TF_CLI_CONFIG_FILE: rc, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  const outcomes: Array<Failure | undefined> = [];
  const fail = (object: string, text: string): Failure => ({ file: stack.file, object, message: text });

  const init = await runTool(tofu, ['init', '-backend=false', '-input=false', '-no-color'], dir, tofuEnv);
  if (init.code !== 0) return [fail('tofu init', init.stderr || init.stdout)];

  const validate = await runTool(tofu, ['validate', '-json', '-no-color'], dir, tofuEnv);
  const v = JSON.parse(validate.stdout) as { valid: boolean; diagnostics: Diagnostic[] };
  if (!(v.diagnostics.length === 0 && v.valid)) {
    // The tests would only repeat validate's errors, once per case.
    return [fail('tofu validate', v.diagnostics.map(message).join('\n') || validate.stderr)];
  }
  outcomes.push(undefined);

  const cases = casesFor(json, stack.cluster);
  for (const [name, content] of testFiles(cases)) writeFileSync(join(dir, name), `${JSON.stringify(content, null, 1)}\n`);
  const test = await runTool(tofu, ['test', '-json', '-no-color'], dir, tofuEnv);
  const { diagnostics, status } = testOutput(test.stdout);
  if (status.size === 0) {
    // Nothing ran: the test files or the configuration did not load.
    const all = [...diagnostics.values()].flat();
    return [...outcomes, fail('tofu test', all.map(message).join('\n') || test.stderr || test.stdout)];
  }

  // Every condition holds for healthy lookups, and the outputs are what the firewall team needs.
  const holds = diagnostics.get('holds.tftest.json') ?? [];
  outcomes.push(
    status.get('holds.tftest.json') === 'pass' && holds.length === 0
      ? undefined
      : fail('tofu test holds (every condition holds, outputs as expected)', holds.map(message).join('\n') || test.stderr || `status ${status.get('holds.tftest.json')}`),
  );

  // Each failing case: exactly the expected objects fail, each message naming what it must.
  const broken = new Set<string>();
  for (const c of cases.failing) {
    const file = `fails-${c.name}.tftest.json`;
    const got = (diagnostics.get(file) ?? []).filter((d) => d.severity === 'error');
    for (const d of got) if (d.snippet?.context) broken.add(d.snippet.context);
    const problem = checkFailing(c, got);
    outcomes.push(problem === undefined ? undefined : fail(`tofu test ${c.name} (${c.description})`, problem));
  }

  // Every condition of the stack was broken by some case.
  for (const c of conditionsOf(json)) {
    const context = `${c.address}.lifecycle.${c.kind}[${c.index}]`;
    outcomes.push(broken.has(context) ? undefined : fail(context, `no case in conformance/tofu-cases.ts makes this condition fail: ${c.condition}`));
  }
  return outcomes;
}

function checkFailing(c: FailingCase, got: readonly Diagnostic[]): string | undefined {
  const problems: string[] = [];
  for (const e of c.expect) {
    const mine = got.filter((d) => addressOf(d) === e.address && /condition failed$/.test(d.summary));
    if (mine.length === 0) {
      problems.push(`expected a failed condition on ${e.address}; got: ${got.map(message).join(' | ') || 'no error'}`);
      continue;
    }
    for (const d of mine) {
      const text = d.detail ?? '';
      const missing = e.includes.filter((s) => !text.includes(s));
      if (missing.length > 0) problems.push(`${e.address}: the message lacks ${missing.map((m) => JSON.stringify(m)).join(', ')}: ${text}`);
      if (/\$\{|%\{/.test(text)) problems.push(`${e.address}: the message has an unrendered template: ${text}`);
    }
  }
  for (const d of got) {
    if (!c.expect.some((e) => e.address === addressOf(d))) problems.push(`unexpected error: ${message(d)}`);
  }
  return problems.length > 0 ? problems.join('\n') : undefined;
}

export const tofuSuite: Suite = {
  id: 'tofu',
  needs: ['tofu', 'azurerm', 'azuread', 'dns'],
  describe: 'tofu init + validate of every stack; every pre/postcondition evaluated by tofu test',
  async run(ctx) {
    const rc = providerMirror(ctx.engines);
    const tofu = ctx.engines.get('tofu')!.path;
    const stacks = await stacksToJudge(ctx, resolve(ctx.root, resolveConfigPath(undefined, ctx.env)));
    const outcomes: Array<Failure | undefined> = [];
    for (const stack of stacks) {
      ctx.progress.note(`${stack.file}: init, validate, test`);
      outcomes.push(...(await judge(stack, tofu, ctx.env, rc)));
    }
    return tally(outcomes, [
      `${stacks.length} stacks; providers from the local mirror: azurerm ${MIRROR_VERSIONS.azurerm} (the stacks pin 4.55.0), azuread and dns schema stand-ins`,
    ]);
  },
};
