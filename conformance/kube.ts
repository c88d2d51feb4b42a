/**
 * kube-apiserver and etcd judge the Kubernetes side: the committed dist/ of every cluster
 * applied server-side (conformance/kube-dist.ts), the policy case table sent as real requests
 * (conformance/kube-cases.ts), and `verify` run against the server (conformance/kube-verify.ts).
 */
import { startControlPlane } from './apiserver';
import { engine } from './engines';
import { applyDist } from './kube-dist';
import { runCaseTable } from './kube-cases';
import { requester } from './kube-client';
import { runVerify, type VerifyTarget } from './kube-verify';
import { clustersOf, synthesizeManifests } from './synthesize';
import { resolveConfigPath } from '../config/load';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { tally, type Failure, type Suite } from './suite';

export const kubeSuite: Suite = {
  id: 'kube-apiserver',
  needs: ['kube-apiserver', 'etcd', 'kube-controller-manager', 'kubectl', 'constraint-crd'],
  describe: 'dist/ applied server-side; the policy case table as real requests (Deny, Warn, Audit); verify',
  async run(ctx) {
    const engines = ctx.engines;
    ctx.progress.note('starting etcd and kube-apiserver');
    const cp = await startControlPlane(
      { etcd: engines.get('etcd')!.path, apiserver: engines.get('kube-apiserver')!.path, controllerManager: engines.get('kube-controller-manager')!.path },
      ctx.progress,
    );
    try {
      const api = requester(cp);
      const outcomes: Array<Failure | undefined> = [];
      const tools = { kubectl: engines.get('kubectl')!.path, constraintCrd: engines.get('constraint-crd')!.path, gatekeeper: engine('constraint-crd') };
      ctx.progress.note('dist/: every cluster applied server-side');
      outcomes.push(...(await applyDist(ctx.root, cp, tools, ctx.progress)));
      ctx.progress.note('the policy case table as real requests');
      outcomes.push(...(await runCaseTable(cp, api, ctx.progress)));
      for (const target of await verifyTargets(ctx.root, ctx.env)) {
        outcomes.push(...(await runVerify(ctx.root, cp, api, tools, target, ctx.progress)));
      }
      return tally(outcomes);
    } finally {
      await cp.stop();
    }
  },
};

/**
 * Whom verify checks: the fleet's first cluster, with the committed dist/ (Gatekeeper is not
 * running, so its policy checks must fail for that reason), and the vap cluster of
 * conformance/configs/coverage.yaml, synthesized now (the API server enforces a VAP itself, so
 * its policy checks must pass).
 */
async function verifyTargets(root: string, env: NodeJS.ProcessEnv): Promise<VerifyTarget[]> {
  const targets: VerifyTarget[] = [];
  const fleetConfig = resolve(root, resolveConfigPath(undefined, env));
  const fleet = [...clustersOf(root, fleetConfig).values()].find((c) => existsSync(join(root, 'dist', c.name)));
  if (fleet) targets.push({ config: relative(root, fleetConfig), cluster: fleet, dist: join(root, 'dist') });
  const coverage = join(root, 'conformance', 'configs', 'coverage.yaml');
  const vap = [...clustersOf(root, coverage).values()].find((c) => c.policy?.engine === 'vap');
  if (vap) targets.push({ config: relative(root, coverage), cluster: vap, dist: await synthesizeManifests(root, coverage, env) });
  return targets;
}
