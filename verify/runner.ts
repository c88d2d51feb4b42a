import type { Check, CheckContext, CheckId } from './check';
import { describeApiError, isFatal, KubeApiError } from './kube-api';

/** One check's result, as printed and written to JUnit. */
export interface CheckResult {
  readonly id: CheckId;
  readonly title: string;
  /** `skipped`: not run because an earlier check found the API unusable. */
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly expected: string;
  readonly got: string;
  readonly details: readonly string[];
  readonly elapsedMs: number;
}

/**
 * Run `checks` in order, reporting each result as soon as it is known. A check that throws
 * fails with the error described; when the API server is unreachable or rejects the
 * credentials, the remaining checks are not run (each would only repeat the same error).
 */
export async function runChecks(
  checks: readonly Check[],
  ctx: CheckContext,
  onResult: (result: CheckResult) => void,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let fatal: string | undefined;
  for (const check of checks) {
    let result: CheckResult;
    if (fatal) {
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
        const got = e instanceof KubeApiError ? describeApiError(e) : `internal error: ${e instanceof Error ? e.message : String(e)}`;
        if (e instanceof KubeApiError && isFatal(e)) fatal = got;
        result = { id: check.id, title: check.title, status: 'failed', expected: check.title, got, details: [], elapsedMs: ctx.clock.now() - start };
      }
    }
    results.push(result);
    onResult(result);
  }
  return results;
}
