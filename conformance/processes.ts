/**
 * Everything a conformance run starts and creates is registered here and removed when the run
 * ends, however it ends: normal exit, an error, Ctrl-C (SIGINT) or a CI cancel (SIGTERM).
 * Children run in their own process group (spawned `detached`), so a group kill also stops what
 * they started (go's compilers, kube-apiserver's children): no orphan processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tracked {
  readonly child: ChildProcess;
  readonly name: string;
}

const children = new Set<Tracked>();
const dirs = new Set<string>();

export function track(child: ChildProcess, name: string): Tracked {
  const t = { child, name };
  children.add(t);
  child.once('exit', () => children.delete(t));
  return t;
}

/** A temporary folder removed at the end of the run. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `aks-day2-conformance-${prefix}-`));
  dirs.add(dir);
  return dir;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Stops one child: SIGTERM to its group, SIGKILL if it is still there after `graceMs`. */
export async function stop(t: Tracked, graceMs = 10_000): Promise<void> {
  const { child } = t;
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(t);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  children.delete(t);
}

/** Synchronous last resort (process exit, signals): SIGKILL every group, remove every folder. */
export function cleanUpNow(): void {
  for (const t of children) killGroup(t.child, 'SIGKILL');
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

/** Graceful end of a run: SIGTERM every child, then remove every folder. */
export async function cleanUp(): Promise<void> {
  await Promise.all([...children].map((t) => stop(t)));
  cleanUpNow();
}

/** A TCP port on 127.0.0.1 that nothing listened on a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool to its end in its own process group (tracked), collecting its output. */
export function runTool(path: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true });
    track(child, `${path} ${args[0] ?? ''}`);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) child.stdin!.end(input);
  });
}

