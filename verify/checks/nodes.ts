import type { Check } from '../check';
import type { KubeObject } from '../kube-api';

interface NodeCondition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

/** Runbook: "Second we will do a quick check via get nodes." Reachability comes with it. */
export const nodesCheck: Check = {
  id: 'nodes',
  title: 'API reachable, every node Ready',
  notApplicable: () => undefined,
  async run({ api }) {
    const nodes = (await api.listNodes()).items;
    const expected = 'every node Ready';
    if (nodes.length === 0) return { passed: false, expected, got: 'no nodes registered' };
    const notReady = nodes.filter((n) => readyCondition(n)?.status !== 'True');
    const ready = nodes.length - notReady.length;
    if (notReady.length === 0) {
      return { passed: true, expected, got: `${ready}/${nodes.length} Ready (${nodes.map(nodeName).join(', ')})` };
    }
    return {
      passed: false,
      expected,
      got: `${ready}/${nodes.length} Ready; not Ready: ${notReady.map((n) => `${nodeName(n)} (${whyNotReady(n)})`).join(', ')}`,
    };
  },
};

function readyCondition(node: KubeObject): NodeCondition | undefined {
  const conditions = ((node.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []) as NodeCondition[];
  return conditions.find((c) => c.type === 'Ready');
}

function nodeName(node: KubeObject): string {
  return node.metadata?.name ?? '(unnamed)';
}

function whyNotReady(node: KubeObject): string {
  const c = readyCondition(node);
  if (!c) return 'no Ready condition';
  return [`Ready=${c.status ?? '?'}`, c.reason, c.message].filter(Boolean).join(': ');
}
