/**
 * Progress lines on stderr while building and running (`[  12s] engine: step`), and the closing
 * table on stdout: engine, version, build (seconds, or "cached"), cases run, passed, failed.
 */

export interface Progress {
  /** A new step of the current engine. */
  step(text: string): void;
  /** A heartbeat or detail within a step. */
  note(text: string): void;
}

export function progressTo(write: (line: string) => void, now: () => number = Date.now): Progress {
  const started = now();
  const stamp = () => `[${String(Math.round((now() - started) / 1000)).padStart(4)}s]`;
  return {
    step: (text) => write(`${stamp()} ${text}\n`),
    note: (text) => write(`${stamp()}   ${text}\n`),
  };
}

export interface Row {
  readonly engine: string;
  readonly version: string;
  /** "312 s", "cached (312 s)", "skipped (--skip)", "failed". */
  readonly build: string;
  readonly run: number;
  readonly passed: number;
  readonly failed: number;
  /** Why cases did not run, or what the reader must know. */
  readonly note?: string;
}

/** The closing table, columns padded to their widest cell. */
export function table(rows: readonly Row[]): string {
  const header = ['engine', 'version', 'build', 'cases', 'passed', 'failed', 'note'];
  const cells = rows.map((r) => [r.engine, r.version, r.build, String(r.run), String(r.passed), String(r.failed), r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}
