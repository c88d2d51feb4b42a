/**
 * gator (Gatekeeper's own evaluation code, its K8sNativeValidation CEL driver included) judges
 * the policy as it is on disk:
 *  - `gator verify -v policy-tests/...`: the committed gator suite, case by case, so a hand edit
 *    of a sample, a constraint, an assertion or the template is caught; every case of the case
 *    table must have run;
 *  - for every cluster of the committed dist/ with a ConstraintTemplate (policy engine
 *    gatekeeper), `gator test -o json` of its committed template and constraint against one Pod
 *    per image its allow-list implies, in its namespaces and in one outside them (expected: what
 *    config/image-rule.ts and the config's namespaces say), and of the committed template with
 *    each case group's own constraint (charts/policy/gator-suite.ts groupConstraint) against the
 *    group's plain-object cases (CREATE and audit reviews: no request, no old object).
 * Flags and output formats read from gatekeeper v3.23.1: cmd/gator/verify/verify.go (a path ending
 * in "/..." is walked recursively), cmd/gator/test/test.go (-f is repeatable, -o json).
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { POLICY_CASE_GROUPS } from '../charts/policy/allowed-repos-cases';
import { GATEKEEPER_ENFORCEMENT_ACTION } from '../charts/policy/enforcement';
import { groupConstraint } from '../charts/policy/gator-suite';
import { resolveConfigPath } from '../config/load';
import type { ClusterConfig } from '../config/model';
import { distFolders } from '../lib/stale';
import { PLAIN_CASE_GROUPS, caseGroupReviews, gridReviews, judgeReviews, parseTestOutput, parseVerifyOutput, type Review } from './gator-cases';
import { runTool, tempDir } from './processes';
import { tally, type Failure, type Suite, type SuiteContext } from './suite';
import { clustersOf } from './synthesize';

const SUITE_DIR = 'policy-tests';

/** `gator verify` of the committed suite: one outcome per case gator ran, and per case it did not. */
async function verifySuite(ctx: SuiteContext, gator: string): Promise<Array<Failure | undefined>> {
  ctx.progress.note(`gator verify -v ${SUITE_DIR}/...`);
  const r = await runTool(gator, ['verify', '-v', `${SUITE_DIR}/...`], ctx.root, ctx.env);
  const report = parseVerifyOutput(r.stdout);
  const outcomes: Array<Failure | undefined> = report.cases.map((c) =>
    c.error === undefined ? undefined : { file: c.suite, object: `${c.test}/${c.name}`, message: `gator: ${c.error}` },
  );
  for (const e of report.errors) outcomes.push({ file: e.suite, object: e.test ?? 'suite', message: `gator: ${e.error}` });
  // Every case of the table ran: a case dropped from the committed suite is no pass.
  const ran = new Set(report.cases.map((c) => `${c.test}/${c.name}`));
  for (const g of POLICY_CASE_GROUPS) {
    for (const c of g.cases) {
      if (!ran.has(`${g.name}/${c.name}`)) {
        outcomes.push({ file: `${SUITE_DIR}/`, object: `${g.name}/${c.name}`, message: `gator verify did not run this case of charts/policy/allowed-repos-cases.ts` });
      }
    }
  }
  if (r.code !== 0 && report.cases.every((c) => c.error === undefined) && report.errors.length === 0) {
    outcomes.push({ file: `${SUITE_DIR}/`, object: 'gator verify', message: `exit ${r.code}:\n${r.stdout}\n${r.stderr}`.trim() });
  }
  return outcomes;
}

interface ClusterPolicyFiles {
  readonly cluster: string;
  /** Repository-relative paths of the files holding the template and the constraint. */
  readonly template?: string;
  readonly constraints: ReadonlyArray<{ readonly file: string; readonly name: string; readonly repos: readonly string[] }>;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(f) ? [p] : [];
    });
}

/** The committed dist/<cluster>/ files that hold a ConstraintTemplate and K8sAllowedRepos constraints. */
function clusterPolicyFiles(root: string): ClusterPolicyFiles[] {
  const dist = join(root, 'dist');
  // distFolders: cluster folders only, never the staging folders of an interrupted synth.
  return distFolders(dist).map((cluster) => {
    let template: string | undefined;
    const constraints: Array<{ file: string; name: string; repos: string[] }> = [];
    for (const path of yamlFiles(join(dist, cluster))) {
      const file = relative(root, path);
      for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
        const o = doc.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string }; spec?: { parameters?: { repos?: unknown } } } | null;
        if (o?.kind === 'ConstraintTemplate' && o.apiVersion?.startsWith('templates.gatekeeper.sh/')) template = file;
        if (o?.kind === 'K8sAllowedRepos' && o.apiVersion?.startsWith('constraints.gatekeeper.sh/')) {
          const repos = o.spec?.parameters?.repos;
          constraints.push({ file, name: o.metadata?.name ?? '', repos: Array.isArray(repos) ? repos.filter((r): r is string => typeof r === 'string') : [] });
        }
      }
    }
    return { cluster, ...(template ? { template } : {}), constraints };
  });
}

/** `gator test -o json` of `files` plus the reviews' objects (one file), judged review by review. */
async function gatorTest(ctx: SuiteContext, gator: string, label: string, file: string, files: readonly string[], reviews: readonly Review[]): Promise<Array<Failure | undefined>> {
  const dir = tempDir('gator');
  const objects = join(dir, 'objects.yaml');
  writeFileSync(objects, reviews.map((r) => `---\n${stringify(r.object)}`).join(''));
  ctx.progress.note(`gator test: ${label}: ${reviews.length} ${reviews.length === 1 ? 'object' : 'objects'}`);
  const args = ['test', '-o', 'json', ...files.flatMap((f) => ['-f', resolve(ctx.root, f)]), '-f', objects];
  const r = await runTool(gator, args, dir, ctx.env);
  let results;
  try {
    results = parseTestOutput(r.stdout);
  } catch (e) {
    return [{ file, object: `gator test (${label})`, message: `exit ${r.code}: ${(e as Error).message}\n${r.stderr}`.trim() }];
  }
  return judgeReviews(file, reviews, results);
}

/** The committed template and constraint of one cluster, against its grid and the case table. */
async function judgeCluster(ctx: SuiteContext, gator: string, files: ClusterPolicyFiles, cluster: ClusterConfig | undefined, fleetRel: string): Promise<Array<Failure | undefined>> {
  const where = `dist/${files.cluster}/`;
  if (!cluster) return [{ file: where, object: files.cluster, message: `a ConstraintTemplate for a cluster that ${fleetRel} does not have` }];
  if (!cluster.policy || cluster.policy.engine !== 'gatekeeper') {
    return [{ file: files.template!, object: files.cluster, message: `a ConstraintTemplate, but policy.engine of cluster "${files.cluster}" in ${fleetRel} is ${cluster.policy?.engine ?? 'absent'}` }];
  }
  const constraint = files.constraints.find((c) => c.name === cluster.policy!.name);
  if (!constraint || files.constraints.length !== 1) {
    return [{ file: where, object: `K8sAllowedRepos ${cluster.policy.name}`, message: `expected exactly one K8sAllowedRepos constraint, named ${cluster.policy.name}; found ${files.constraints.map((c) => `${c.name} (${c.file})`).join(', ') || 'none'}` }];
  }
  const outcomes: Array<Failure | undefined> = [];
  const grid = gridReviews({
    entries: cluster.policy.allowedRepos,
    alsoFrom: constraint.repos,
    namespaces: cluster.policy.namespaces,
    action: GATEKEEPER_ENFORCEMENT_ACTION[cluster.policy.enforcement],
  });
  outcomes.push(...(await gatorTest(ctx, gator, `${files.cluster}: grid`, constraint.file, [files.template!, constraint.file], grid)));

  // The committed template with each case group's own constraint, one invocation per group
  // (every group matches namespace production, so they cannot share one).
  for (const group of PLAIN_CASE_GROUPS) {
    const dir = tempDir('gator-constraint');
    const constraintFile = join(dir, `${group.name}.yaml`);
    writeFileSync(constraintFile, stringify(groupConstraint(group)));
    const reviews = caseGroupReviews(group);
    outcomes.push(...(await gatorTest(ctx, gator, `${files.cluster}: case group ${group.name}`, files.template!, [files.template!, constraintFile], reviews)));
  }
  return outcomes;
}

export const gatorSuite: Suite = {
  id: 'gator',
  needs: ['gator'],
  describe: "gator verify of policy-tests/; gator test of each gatekeeper cluster's committed template and constraint",
  async run(ctx) {
    const gator = ctx.engines.get('gator')!.path;
    const outcomes = await verifySuite(ctx, gator);
    const verified = outcomes.length;

    const fleetConfig = resolve(ctx.root, resolveConfigPath(undefined, ctx.env));
    const fleetRel = relative(ctx.root, fleetConfig);
    const fleet = clustersOf(ctx.root, fleetConfig);
    const perCluster = clusterPolicyFiles(ctx.root);
    const judged: string[] = [];
    for (const files of perCluster) {
      if (!files.template) {
        const c = fleet.get(files.cluster);
        if (c?.policy?.engine === 'gatekeeper') outcomes.push({ file: `dist/${files.cluster}/`, object: 'ConstraintTemplate', message: `cluster "${files.cluster}" has policy.engine gatekeeper in ${fleetRel}, but its dist/ has no ConstraintTemplate` });
        continue;
      }
      judged.push(files.cluster);
      outcomes.push(...(await judgeCluster(ctx, gator, files, fleet.get(files.cluster), fleetRel)));
    }
    return tally(outcomes, [
      `gator verify: ${verified} cases of ${SUITE_DIR}/; gator test: ${outcomes.length - verified} objects against the committed template of ${judged.join(', ') || 'no cluster'}`,
    ]);
  },
};
