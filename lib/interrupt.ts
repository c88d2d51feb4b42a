/**
 * Ctrl-C (SIGINT) or a CI runner's cancel (SIGTERM) during a synth: remove what this process
 * staged, say so, and exit with the shell's code for the signal (128 + its number: 130, 143).
 *
 * Node runs a signal listener on the event loop, never in the middle of synchronous code, so
 * the cleanup sees the staging folders either before anything was moved into place or after
 * all of it was (the moves are one synchronous loop); `checkpoint()` between the steps of a
 * synth gives the loop its turn, so an interrupt takes effect at the next step.
 */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * While the returned function has not been called, SIGINT and SIGTERM run `cleanup` (which
 * returns a line to print, or nothing), print the line, and exit.
 */
export function exitCleanlyOnInterrupt(cleanup: (signal: NodeJS.Signals) => string | undefined, print: (line: string) => void): () => void {
  const listeners = (Object.keys(EXIT_CODES) as Array<keyof typeof EXIT_CODES>).map((signal) => {
    const listener = () => {
      const line = cleanup(signal);
      if (line !== undefined) print(line);
      process.exit(EXIT_CODES[signal]);
    };
    process.once(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) process.removeListener(signal, listener);
  };
}

/** Let a pending signal's listener run (see above). */
export function checkpoint(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
