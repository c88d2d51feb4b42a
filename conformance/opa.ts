/**
 * OPA judges the Azure Policy assignment's regex (`allowedContainerImagesRegex`, rendered by
 * config/azure-policy-regex.ts) with Rego's `re_match`, the builtin the add-on's Gatekeeper
 * template calls (Go's regexp, RE2 syntax, a search anywhere in the image name): the whole
 * allowed-images case table, and every regex as it is on disk (the committed Terraform
 * snapshots, and the stacks synthesized from each test or conformance config with a cluster of
 * engine azure-policy) against the images its cluster's allow-list implies. The expected answer
 * is always config/image-rule.ts's, which the CEL engines are held to in `npm test`. All pairs
 * go through one `opa eval`.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { resolveConfigPath } from '../config/load';
import type { ClusterConfig } from '../config/model';
import { OPA_QUERY, assignmentRegexes, diskCases, judgeRegexCases, opaData, parseOpaAnswer, tableCases, type RegexCase } from './opa-cases';
import { runTool, tempDir } from './processes';
import { tally, type Failure, type Suite, type SuiteContext } from './suite';
import { clustersOf, synthesize } from './synthesize';

interface DiskRegexes {
  readonly cases: RegexCase[];
  /** Regexes that could not be read, or are missing where a cluster's engine needs one. */
  readonly problems: Failure[];
  regexes: number;
  readonly files: string[];
}

/** One stack's assignments: its regexes against its cluster's allow-list, or what is wrong. */
function stackRegexes(file: string, stackName: string, text: string, cluster: ClusterConfig | undefined, clusterSource: string, into: DiskRegexes): void {
  const found = assignmentRegexes(JSON.parse(text));
  if (!cluster?.policy) {
    if (found.length > 0) into.problems.push({ file, object: stackName, message: `an Azure Policy assignment, but ${clusterSource} has no cluster "${stackName}" with a policy to judge it by` });
    return;
  }
  if (found.length === 0 && cluster.policy.engine === 'azure-policy') {
    into.problems.push({ file, object: stackName, message: `cluster "${stackName}" has policy.engine azure-policy in ${clusterSource}, but the stack has no azurerm_resource_policy_assignment` });
  }
  for (const a of found) {
    if (typeof a.regex !== 'string') {
      into.problems.push({ file, object: a.address, message: a.regex.problem });
      continue;
    }
    const source = `${a.address} (cluster "${stackName}", policy.allowedRepos of ${clusterSource})`;
    into.cases.push(...diskCases(file, source, a.regex, cluster.policy.allowedRepos));
    into.regexes++;
    if (!into.files.includes(file)) into.files.push(file);
  }
}

async function diskRegexes(ctx: SuiteContext): Promise<DiskRegexes> {
  const { root, env } = ctx;
  const out: DiskRegexes = { cases: [], problems: [], regexes: 0, files: [] };
  const fleetConfig = resolve(root, resolveConfigPath(undefined, env));
  const fleetRel = relative(root, fleetConfig);
  const fleet = clustersOf(root, fleetConfig);

  // The committed snapshots, as they are on disk: a hand edit to a regex is judged here.
  const snapshots = join(root, '__tests__', 'fleet', 'terraform');
  for (const f of existsSync(snapshots) ? readdirSync(snapshots).filter((f) => f.endsWith('.tf.json')).sort() : []) {
    const name = f.replace(/\.tf\.json$/, '');
    const file = relative(root, join(snapshots, f));
    stackRegexes(file, name, readFileSync(join(snapshots, f), 'utf8'), fleet.get(name), fleetRel, out);
  }

  // Each test or conformance config with an azure-policy cluster, synthesized as `npm run synth` would.
  const configs = ['__tests__/fixtures', 'conformance/configs'].flatMap((d) =>
    existsSync(join(root, d)) ? readdirSync(join(root, d)).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(root, d, f)) : [],
  );
  for (const config of configs) {
    const rel = relative(root, config);
    let clusters: Map<string, ClusterConfig>;
    try {
      clusters = clustersOf(root, config);
    } catch {
      continue; // a config meant to be refused: npm test covers its message
    }
    if (![...clusters.values()].some((c) => c.policy?.engine === 'azure-policy')) continue;
    ctx.progress.note(`synthesizing ${rel}`);
    for (const s of await synthesize(root, config, env)) {
      stackRegexes(`${rel} → cdktf.out/stacks/${s.name}/cdk.tf.json`, s.name, s.text, clusters.get(s.name), rel, out);
    }
  }
  return out;
}

export const opaSuite: Suite = {
  id: 'opa',
  needs: ['opa'],
  describe: "the Azure Policy regex (the case table, and every regex on disk) under OPA's re_match (Go RE2)",
  async run(ctx) {
    const table = tableCases();
    const disk = await diskRegexes(ctx);
    const cases = [...table, ...disk.cases];
    const data = opaData(cases);
    const dir = tempDir('opa');
    const dataFile = join(dir, 'pairs.json');
    writeFileSync(dataFile, JSON.stringify(data));
    ctx.progress.note(`opa eval: ${cases.length} (regex, image) pairs, ${data.patterns.length} distinct regexes`);
    const r = await runTool(ctx.engines.get('opa')!.path, ['eval', '--v0-compatible', '--format', 'json', '--data', dataFile, OPA_QUERY], dir, ctx.env);
    let answer;
    try {
      answer = parseOpaAnswer(r.stdout, data);
    } catch (e) {
      return tally([{ file: 'conformance/opa-cases.ts', object: 'opa eval', message: `${(e as Error).message}\n${r.stderr}`.trim() }]);
    }
    const invalid = data.patterns.filter((_, j) => !answer.valid[j]);
    return tally(
      [...judgeRegexCases(cases, data, answer), ...disk.problems],
      [
        `${table.length} pairs from the case table (charts/policy/allowed-repos-cases.ts), ${disk.cases.length} from ${disk.regexes} ${disk.regexes === 1 ? 'regex' : 'regexes'} on disk (${disk.files.join(', ') || 'none'})`,
        ...(invalid.length > 0 ? [`regexes Go's regexp refuses: ${invalid.map((p) => JSON.stringify(p)).join(', ')}`] : []),
      ],
    );
  },
};
