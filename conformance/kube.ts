/**
 * kube-apiserver and etcd judge the Kubernetes side: the committed dist/ of every cluster
 * applied server-side (conformance/kube-dist.ts), the policy case table sent as real requests
 * (conformance/kube-cases.ts), and `verify` run against the server (conformance/kube-verify.ts).
 */
import { startControlPlane } from './apiserver';
import { runCaseTable } from './kube-cases';
import { requester } from './kube-client';
import { tally, type Failure, type Suite } from './suite';

export const kubeSuite: Suite = {
  id: 'kube-apiserver',
  needs: ['kube-apiserver', 'etcd', 'kubectl', 'constraint-crd'],
  describe: 'dist/ applied server-side; the policy case table as real requests (Deny, Warn, Audit); verify',
  async run(ctx) {
    const engines = ctx.engines;
    ctx.progress.note('starting etcd and kube-apiserver');
    const cp = await startControlPlane(engines.get('etcd')!.path, engines.get('kube-apiserver')!.path, ctx.progress);
    try {
      const api = requester(cp);
      const outcomes: Array<Failure | undefined> = [];
      outcomes.push(...(await runCaseTable(cp, api, ctx.progress)));
      return tally(outcomes);
    } finally {
      await cp.stop();
    }
  },
};
