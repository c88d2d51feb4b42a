/**
 * `verify --all` and `--cluster a,b,…` in-process (runVerify with in-memory connections and a
 * fake clock): each cluster in the kubeconfig context az aks get-credentials names after it,
 * `--parallel` at a time, blocks that never interleave, a summary table, one JUnit testsuite per
 * cluster, and a cluster that cannot be reached or set up failing only itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, parseArgs, runVerify, type VerifyDeps } from '../../verify/cli';
import { ConnectError } from '../../verify/kubeconfig-source';
import { FIXTURE_CONFIG, FIXTURE_DIST, writeKubeconfig } from './helpers/cli-process';
import { CONTOSOAZP_POLICY, CONTOSOFIN_POLICY, CONTOSOVAP_POLICY, FakeCluster, type Behaviour, type PolicyUnderTest } from './helpers/fake-cluster';
import { FakeClock, FakeKubeApi, fakeConnection } from './helpers/fake-kube-api';
import { xmlProblem } from './helpers/xml-check';
import { tempDir } from '../support/temp';

const kubeconfig = writeKubeconfig('https://fleet.example:443');

/** What each fixture cluster's cluster looks like; a missing context is absent from the kubeconfig. */
interface Member {
  readonly behaviour: Behaviour;
  readonly policy?: PolicyUnderTest;
  /** The contexts the kubeconfig has for it. */
  readonly contexts: readonly string[];
  readonly unreachable?: boolean;
}

const HEALTHY: Record<string, Member> = {
  contosofin: { behaviour: { installed: 'gatekeeper' }, policy: CONTOSOFIN_POLICY, contexts: ['contosofin-aks'] },
  // az aks get-credentials --admin names the context <aksName>-admin.
  contosovap: { behaviour: { installed: 'vap' }, policy: CONTOSOVAP_POLICY, contexts: ['contosovap-aks-admin'] },
  contosoazp: { behaviour: { installed: 'azure-policy' }, policy: CONTOSOAZP_POLICY, contexts: ['contosoazp-aks'] },
  bare: { behaviour: {}, contexts: ['bare-aks'] },
  contosoprom: { behaviour: {}, contexts: ['contosoprom-aks'] },
};

async function fleet(argv: string[], members: Record<string, Member> = HEALTHY) {
  const out: string[] = [];
  const err: string[] = [];
  const connected: string[] = [];
  const byContext = new Map(Object.values(members).flatMap((m) => m.contexts.map((c) => [c, m] as const)));
  const deps: VerifyDeps = {
    connect: async (_source, { context }) => {
      const member = context === undefined ? undefined : byContext.get(context);
      if (!member) throw new ConnectError(`--context ${context}: not in the kubeconfig (contexts: ${[...byContext.keys()].join(', ')})`);
      connected.push(context!);
      const fake = new FakeCluster({ token: undefined, ...member.behaviour }, member.policy);
      return fakeConnection(new FakeKubeApi(fake, { unreachable: member.unreachable }), { contextName: context!, clusterName: context!.replace(/-admin$/, '') });
    },
    clock: new FakeClock(),
  };
  const code = await runVerify(['--config', FIXTURE_CONFIG, '--dist', FIXTURE_DIST, '--kubeconfig', kubeconfig.path, ...argv], {}, { out: (l) => out.push(l), err: (l) => err.push(l) }, deps);
  return { code, out, err, connected };
}

/** The lines of each cluster's block, by the header that opens it. */
function blocks(out: readonly string[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of out) {
    const m = /^aks-day2 verify: cluster (\S+) from /.exec(line);
    if (m) result.set(m[1]!, (current = [line]));
    else if (line === '') current = undefined;
    else current?.push(line);
  }
  return result;
}

describe('verify --all', () => {
  test('every cluster, in the context named after its AKS cluster (or <aksName>-admin); all passed: exit 0', async () => {
    const { code, out, connected } = await fleet(['--all', '--only', 'nodes,api-endpoints']);
    expect(code).toBe(EXIT.passed);
    expect(new Set(connected)).toEqual(new Set(['contosofin-aks', 'contosovap-aks-admin', 'contosoazp-aks', 'bare-aks', 'contosoprom-aks']));
    // A cluster's block is whole: its header, its two checks, its summary, nothing of another in between.
    for (const [name, lines] of blocks(out)) {
      expect(lines.map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['aks-day2 verify:', 'PASS nodes', 'PASS api-endpoints', `verify ${name}:`]);
    }
    expect(out.at(-1)).toMatch(/^verify: 5 of 5 cluster\(s\) passed in \d+\.\d\d s$/);
  });

  test('one unreachable cluster and one without a context fail only themselves; the table and the exit code say so', async () => {
    const members = { ...HEALTHY, contosovap: { ...HEALTHY.contosovap!, unreachable: true }, bare: { ...HEALTHY.bare!, contexts: [] } };
    const { code, out } = await fleet(['--all', '--only', 'nodes'], members);
    expect(code).toBe(EXIT.failed);
    const table = out.slice(out.indexOf('') + 1);
    expect(table[0]).toMatch(/^cluster +passed +failed +not run +slowest check$/);
    expect(table.find((l) => l.startsWith('contosofin '))).toMatch(/^contosofin +1 +0 +0 +nodes \d+\.\d\d s$/);
    expect(table.find((l) => l.startsWith('contosovap '))).toMatch(/^contosovap +0 +1 +0 +nodes/);
    expect(table.find((l) => l.startsWith('bare '))).toMatch(
      /^bare +- +- +- +setup failed: no kubeconfig context "bare-aks" or "bare-aks-admin" for cluster bare\. Get credentials with: az aks get-credentials -g bare-rg -n bare-aks$/,
    );
    expect(out.at(-1)).toMatch(/^verify: 3 of 5 cluster\(s\) passed \(failed: contosovap, bare\) in /);
    expect(blocks(out).get('contosovap')!.join('\n')).toContain('connection refused');
  });

  test('one JUnit file, one testsuite per cluster, a setup failure as an error', async () => {
    const junit = join(tempDir('aks-day2-fleet-'), 'verify.xml');
    const members = { ...HEALTHY, bare: { ...HEALTHY.bare!, contexts: [] } };
    await fleet(['--all', '--only', 'nodes', '--junit', junit], members);
    const xml = readFileSync(junit, 'utf8');
    expect(xmlProblem(xml)).toBeUndefined();
    expect([...xml.matchAll(/<testsuite name="aks-day2 verify (\S+)"/g)].map((m) => m[1])).toEqual(['contosofin', 'contosovap', 'contosoazp', 'bare', 'contosoprom']);
    expect(xml).toMatch(/<testsuites name="aks-day2 verify" tests="5" failures="0" errors="1" skipped="0"/);
    expect(xml).toMatch(/<testcase classname="aks-day2\.verify\.bare" name="setup"[\s\S]*?<error message="no kubeconfig context/);
  });

  test('--cluster a,b with --parallel 1: those clusters, in config order, progress on stderr as each finishes', async () => {
    const { code, out, err } = await fleet(['--cluster', 'contosoazp,contosofin', '--parallel', '1', '--only', 'nodes']);
    expect(code).toBe(EXIT.passed);
    expect([...blocks(out).keys()]).toEqual(['contosoazp', 'contosofin']);
    expect(err.filter((l) => l.startsWith('... verify:'))).toEqual([
      `... verify: 2 cluster(s) from ${FIXTURE_CONFIG}, 1 at a time`,
      expect.stringMatching(/^\.\.\. verify: \[1\/2\] contosoazp: 1 passed, 0 failed \(\d+\.\d\d s\)$/),
      expect.stringMatching(/^\.\.\. verify: \[2\/2\] contosofin: 1 passed, 0 failed \(\d+\.\d\d s\)$/),
    ]);
  });

  test.each([
    [['--all', '--context', 'x'], '--context names one context; with several clusters each is checked in its own (<aksName>, or <aksName>-admin)'],
    [['--all', '--cluster', 'bare'], '--cluster and --all exclude each other: --all is every cluster of the config'],
    [['--cluster', 'bare,nope,other'], `unknown clusters "nope", "other"; clusters in ${FIXTURE_CONFIG}: contosofin, contosovap, contosoazp, bare, contosoprom`],
  ])('%j: usage error, exit 2', async (argv, message) => {
    const { code, err } = await fleet(argv);
    expect(code).toBe(EXIT.usage);
    expect(err).toEqual([`aks-day2 verify: ${message}`]);
  });

  test('--only with several clusters runs each check where it applies and notes where it does not', async () => {
    const { code, out } = await fleet(['--all', '--only', 'nodes,smoke-job']);
    expect(blocks(out).get('bare')).toContain('note: smoke-job not run: the cluster has no smokeTest in the config');
    expect(blocks(out).get('contosofin')!.some((l) => l.startsWith('PASS smoke-job'))).toBe(true);
    expect(code).toBe(EXIT.passed);
  });

  test('--parallel takes 1 to 999', () => {
    expect(parseArgs(['--all', '--parallel', '8'])).toMatchObject({ all: true, parallel: 8 });
    expect(parseArgs(['--all'])).toMatchObject({ parallel: 4 });
    for (const bad of ['0', '-1', '1.5', 'x', '1000']) {
      expect(parseArgs(['--all', `--parallel=${bad}`])).toEqual({ error: `--parallel must be a whole number from 1 to 999, got "${bad}"` });
    }
  });
});
