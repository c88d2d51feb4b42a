/**
 * A suite is what one engine judges: it needs some built engines, runs cases, and reports each
 * failure naming the file, the object and the engine's own message.
 */
import type { Built } from './build';
import type { EngineId } from './engines';
import type { Progress } from './progress';

export interface Failure {
  /** The file on disk the case came from (committed or synthesized), relative to the repository. */
  readonly file: string;
  /** The object judged: a Terraform address, a Kubernetes kind/namespace/name, a case name. */
  readonly object: string;
  /** The engine's own message, as it printed it. */
  readonly message: string;
}

export interface SuiteResult {
  readonly run: number;
  readonly passed: number;
  readonly failures: readonly Failure[];
  /** Lines for the closing note (what was judged, what stood in). */
  readonly notes?: readonly string[];
}

export interface SuiteContext {
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  readonly progress: Progress;
  readonly engines: ReadonlyMap<EngineId, Built>;
}

export interface Suite {
  /** Name in the closing table and for --only / --skip. */
  readonly id: string;
  /** The engines it runs (all must be built); the first names the suite's row. */
  readonly needs: readonly EngineId[];
  readonly describe: string;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}

/** Counts a list of case outcomes into a SuiteResult. */
export function tally(outcomes: ReadonlyArray<Failure | undefined>, notes?: readonly string[]): SuiteResult {
  const failures = outcomes.filter((o): o is Failure => o !== undefined);
  return { run: outcomes.length, passed: outcomes.length - failures.length, failures, ...(notes ? { notes } : {}) };
}
