import type { ClusterConfig } from '../config/model';
import type { KubeApi } from './kube-api';
import type { PolicyManifests, SmokeManifests } from './manifests';

/**
 * The ids `--only` takes, in the order the checks run: the runbook's order, then
 * prometheus-agent (no runbook step: what alerts.prometheus needs on the cluster).
 */
export const CHECK_IDS = ['nodes', 'api-endpoints', 'policy-installed', 'policy-works', 'smoke-job', 'prometheus-agent'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** Time, injected so tests run the waiting logic on a fake clock. */
export interface Clock {
  /** Milliseconds from an arbitrary origin. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface CheckContext {
  readonly api: KubeApi;
  readonly cluster: ClusterConfig;
  /** dist/<cluster>/ as given, for messages. */
  readonly distDir: string;
  /** Present when the cluster has a policy (and a policy check is selected). */
  readonly policy?: PolicyManifests;
  /** Present when the cluster has a smoke test (and the smoke check is selected). */
  readonly smoke?: SmokeManifests;
  readonly clock: Clock;
  /** Bound on waiting for the smoke Job, in ms (--timeout). */
  readonly timeoutMs: number;
  /** A progress line while a check waits; the CLI writes it to stderr. */
  readonly progress: (line: string) => void;
}

/** What a check found: whether it passed, what was expected and what came back. */
export interface CheckOutcome {
  readonly passed: boolean;
  readonly expected: string;
  readonly got: string;
  /** More lines shown under the result: per-namespace results, the Job's log. */
  readonly details?: readonly string[];
}

export interface Check {
  readonly id: CheckId;
  /** The runbook step, in a few words. */
  readonly title: string;
  /** Why the check does not apply to this cluster's config, or undefined when it does. */
  notApplicable(cluster: ClusterConfig): string | undefined;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}
