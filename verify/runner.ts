import type { CheckOutcome, Clock } from './check';
import { AzureError, isFatalAzure } from './azure/api';
import { describeApiError, isFatal, KubeApiError } from './kube-api';

/** One check's result, as printed and written to JUnit. */
export interface CheckResult {
  /** A cluster check's id (CHECK_IDS) or an Azure check's (AZURE_CHECK_IDS). */
  readonly id: string;
  readonly title: string;
  /**
   * `skipped`: not run because an earlier check found the API (or Azure) unusable, a failure of
   * the run. `not-applicable`: an Azure check whose step the config does not enable; shown and
   * written to JUnit as skipped, with the reason, and not a failure.
   */
  readonly status: 'passed' | 'failed' | 'skipped' | 'not-applicable';
  readonly expected: string;
  readonly got: string;
  readonly details: readonly string[];
  readonly elapsedMs: number;
}

/** What the runner needs of a check: the cluster checks and the Azure checks both are one. */
export interface RunnableCheck<C> {
  readonly id: string;
  readonly title: string;
  /** Set: the check is reported as not applicable, for this reason, and not run. */
  readonly inapplicable?: string;
  run(ctx: C): Promise<CheckOutcome>;
}

/** The result of a check the config does not enable: reported with the reason, not run. */
export function notApplicableResult(check: { readonly id: string; readonly title: string }, why: string): CheckResult {
  return { id: check.id, title: check.title, status: 'not-applicable', expected: '-', got: `not applicable: ${why}`, details: [], elapsedMs: 0 };
}

/** A result that does not fail the run. */
export const isOk = (r: CheckResult): boolean => r.status === 'passed' || r.status === 'not-applicable';

/**
 * Run `checks` in order, reporting each result as soon as it is known. A check that throws
 * fails with the error described; when the API server (or Azure) is unreachable, rejects the
 * credentials or does not answer in time, the remaining checks are not run (each would only
 * repeat the same error).
 */
export async function runChecks<C extends { readonly clock: Clock }>(
  checks: readonly RunnableCheck<C>[],
  ctx: C,
  onResult: (result: CheckResult) => void,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let fatal: string | undefined;
  for (const check of checks) {
    let result: CheckResult;
    if (check.inapplicable) {
      result = notApplicableResult(check, check.inapplicable);
    } else if (fatal) {
      result = { id: check.id, title: check.title, status: 'skipped', expected: '-', got: `not run: ${fatal}`, details: [], elapsedMs: 0 };
    } else {
      const start = ctx.clock.now();
      try {
        const outcome = await check.run(ctx);
        result = {
          id: check.id,
          title: check.title,
          status: outcome.passed ? 'passed' : 'failed',
          expected: outcome.expected,
          got: outcome.got,
          details: outcome.details ?? [],
          elapsedMs: ctx.clock.now() - start,
        };
      } catch (e) {
        const got =
          e instanceof KubeApiError ? describeApiError(e) : e instanceof AzureError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
        if ((e instanceof KubeApiError && isFatal(e)) || (e instanceof AzureError && isFatalAzure(e))) fatal = got;
        result = { id: check.id, title: check.title, status: 'failed', expected: check.title, got, details: [], elapsedMs: ctx.clock.now() - start };
      }
    }
    results.push(result);
    onResult(result);
  }
  return results;
}
