import type { Check, CheckContext, CheckOutcome } from '../check';
import { describeApiError, isFatal, KubeApiError, seconds, type KubeObject } from '../kube-api';

/** Lines of the Job's log shown under the result. */
export const LOG_TAIL_LINES = 40;

interface JobCondition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

type JobState =
  | { readonly phase: 'running'; readonly active: number }
  | { readonly phase: 'complete' }
  | { readonly phase: 'failed'; readonly why: string };

/**
 * Runbook: "spin up a Pod, exec into it, and test our F/W rules" (curl the ingress, curl a
 * blocked site). The smoke Job in dist/<cluster>/smoke-test/ does the curling; this check
 * applies it, waits for it with a bound, shows its log and deletes it again.
 */
export const smokeJobCheck: Check = {
  id: 'smoke-job',
  title: 'smoke Job runs and passes',
  notApplicable: (cluster) => (cluster.smokeTest ? undefined : 'the cluster has no smokeTest in the config'),
  run: runSmokeJob,
};

async function runSmokeJob(ctx: CheckContext): Promise<CheckOutcome> {
  const { api, clock, timeoutMs } = ctx;
  const { job, configMaps, file } = ctx.smoke!;
  const ns = job.metadata?.namespace ?? ctx.cluster.smokeTest!.namespace;
  const name = job.metadata!.name!; // findSmoke made sure it has one
  const expected = `Job ${ns}/${name} (from ${file}) completes within ${seconds(timeoutMs)}`;
  const start = clock.now();
  const deadline = start + timeoutMs;
  const pollMs = Math.min(2000, Math.max(20, timeoutMs / 20));
  const progressEveryMs = Math.min(10_000, timeoutMs / 4);
  const details: string[] = [];

  // Start clean: the same name may be left from an earlier run. Background propagation takes
  // the old Job's Pods with it.
  await ignoreNotFound(() => api.deleteJob(ns, name));
  for (const cm of configMaps) await ignoreNotFound(() => api.deleteConfigMap(ns, cm.metadata!.name!));

  let outcome: CheckOutcome;
  try {
    for (const cm of configMaps) await createRetryingConflict(ctx, deadline, pollMs, () => api.createConfigMap(ns, forCreate(cm, ns)));
    await createRetryingConflict(ctx, deadline, pollMs, () => api.createJob(ns, forCreate(job, ns)));

    let current: KubeObject | undefined;
    let state: JobState = { phase: 'running', active: 0 };
    let lastProgress = start;
    for (;;) {
      current = await readJobOrUndefined(ctx, ns, name);
      if (!current) {
        state = { phase: 'failed', why: 'the Job disappeared while waiting (deleted by someone else, or a tiny ttlSecondsAfterFinished)' };
        break;
      }
      state = jobState(current);
      const now = clock.now();
      if (state.phase !== 'running' || now >= deadline) break;
      if (now - lastProgress >= progressEveryMs) {
        ctx.progress(`smoke-job: waiting for Job ${ns}/${name} (active ${state.active}), ${seconds(now - start)} of ${seconds(timeoutMs)}`);
        lastProgress = now;
      }
      await clock.sleep(Math.min(pollMs, deadline - now));
    }

    const log = await readLog(ctx, ns, name, current);
    details.push(...log.lines.map((l) => `log | ${l}`));
    const lastLine = log.lines.filter((l) => l.trim()).pop();
    const tail = lastLine ? `; log: ${lastLine}` : log.note ? `; ${log.note}` : '';
    const took = seconds(clock.now() - start);
    if (state.phase === 'complete') outcome = { passed: true, expected, got: `completed after ${took}${tail}` };
    else if (state.phase === 'failed') outcome = { passed: false, expected, got: `failed after ${took} (${state.why})${tail}` };
    else outcome = { passed: false, expected, got: `still running after ${took} (active ${state.active}); raise --timeout if it needs longer${tail}` };
  } finally {
    // Always clean up, also after a failure or an error above.
    const cleanup: string[] = [];
    await api.deleteJob(ns, name).catch((e) => notFoundOr(e, (err) => cleanup.push(`Job ${name}: ${err}`)));
    for (const cm of configMaps) {
      await api.deleteConfigMap(ns, cm.metadata!.name!).catch((e) => notFoundOr(e, (err) => cleanup.push(`ConfigMap ${cm.metadata!.name}: ${err}`)));
    }
    details.push(cleanup.length === 0 ? `cleanup: deleted Job ${ns}/${name}${configMaps.length ? ` and ${configMaps.length} ConfigMap(s)` : ''}` : `cleanup failed: ${cleanup.join('; ')}`);
  }
  return { ...outcome, details };
}

export function jobState(job: KubeObject): JobState {
  const status = (job.status ?? {}) as { conditions?: JobCondition[]; active?: number; succeeded?: number };
  const conditions = status.conditions ?? [];
  const isTrue = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  const failed = isTrue('Failed');
  if (failed) return { phase: 'failed', why: [failed.reason, failed.message].filter(Boolean).join(': ') || 'Failed' };
  if (isTrue('Complete')) return { phase: 'complete' };
  return { phase: 'running', active: status.active ?? 0 };
}

async function readJobOrUndefined(ctx: CheckContext, ns: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await ctx.api.readJob(ns, name);
  } catch (e) {
    if (e instanceof KubeApiError && e.kind === 'not-found') return undefined;
    throw e;
  }
}

/** The manifest as a new object: in the namespace used, without server-owned fields. */
function forCreate(obj: KubeObject, ns: string): KubeObject {
  const { status: _status, ...rest } = obj as KubeObject & { status?: unknown };
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, ...metadata } = (obj.metadata ?? {}) as Record<string, unknown>;
  return { ...rest, metadata: { ...metadata, namespace: ns } };
}

/** Create, retrying while an earlier object of the same name is still being deleted (409). */
async function createRetryingConflict(ctx: CheckContext, deadline: number, pollMs: number, create: () => Promise<unknown>): Promise<void> {
  for (;;) {
    try {
      await create();
      return;
    } catch (e) {
      if (!(e instanceof KubeApiError && e.kind === 'conflict') || ctx.clock.now() >= deadline) throw e;
      await ctx.clock.sleep(pollMs);
    }
  }
}

async function readLog(ctx: CheckContext, ns: string, jobName: string, job: KubeObject | undefined): Promise<{ lines: string[]; note?: string }> {
  const matchLabels = (job?.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels;
  const selector = matchLabels && Object.keys(matchLabels).length > 0
    ? Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(',')
    : `batch.kubernetes.io/job-name=${jobName}`;
  try {
    const pods = [...(await ctx.api.listPods(ns, selector)).items].sort((a, b) =>
      String(a.metadata?.creationTimestamp instanceof Date ? a.metadata.creationTimestamp.toISOString() : a.metadata?.creationTimestamp ?? '').localeCompare(
        String(b.metadata?.creationTimestamp instanceof Date ? b.metadata.creationTimestamp.toISOString() : b.metadata?.creationTimestamp ?? ''),
      ),
    );
    const pod = pods.pop();
    if (!pod) return { lines: [], note: `no Pod was created (kubectl -n ${ns} describe job ${jobName})` };
    const container = ((ctx.smoke!.job.spec as { template?: { spec?: { containers?: Array<{ name?: string }> } } } | undefined)?.template?.spec
      ?.containers ?? [])[0]?.name;
    const podName = pod.metadata!.name!;
    const text = await ctx.api.readPodLog(ns, podName, container, LOG_TAIL_LINES);
    if (text === '' && !(pod.spec as { nodeName?: string } | undefined)?.nodeName) {
      return { lines: [], note: `no log: Pod ${podName} has no node yet (unschedulable? kubectl -n ${ns} describe pod ${podName})` };
    }
    return { lines: text.replace(/\n$/, '').split('\n').slice(-LOG_TAIL_LINES) };
  } catch (e) {
    if (e instanceof KubeApiError && !isFatal(e)) {
      return { lines: [], note: `log not available: ${describeApiError(e)}` };
    }
    throw e;
  }
}

async function ignoreNotFound(call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (e) {
    if (!(e instanceof KubeApiError && e.kind === 'not-found')) throw e;
  }
}

function notFoundOr(e: unknown, report: (message: string) => void): void {
  if (e instanceof KubeApiError && e.kind === 'not-found') return;
  report(e instanceof KubeApiError ? describeApiError(e) : String(e));
}
