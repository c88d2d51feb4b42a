/**
 * How long a test lets a child process run before it kills it: a safety net that turns a hung
 * child into a failure, never a bound on how fast a healthy one must be. A whole synth or verify
 * run takes about a second; this is a hundred times that, so a loaded machine never reaches it.
 * jest's own testTimeout (jest.config.js) is above it, so the kill's clearer message comes first.
 */
export const CHILD_PROCESS_LIMIT_MS = 110_000;
