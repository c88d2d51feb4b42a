/**
 * A synth that is interrupted (Ctrl-C, a CI cancel) or killed outright: its staging folders
 * (`<target>.tmp-<pid>`, `<target>.old-<pid>`) must not stay in the repository, and the
 * output that was there before must survive. Those of a synth that is still running must
 * never be touched: tests (and people) run synth concurrently.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HOLD_STAGED_ENV, main } from '../../main';
import { leftoversIn, processAlive, removeDeadLeftovers } from '../../lib/replace-dir';
import { CHILD_PROCESS_LIMIT_MS } from '../support/limits';
import { EXAMPLE, ROOT, retiredWarning, tempDir, treeHashes } from '../synth/run';

/** A pid that belonged to a process which has exited. */
const deadPid = (): number => {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  expect(processAlive(pid!)).toBe(false);
  return pid!;
};

/** A process that stays alive until the test file ends (a parallel synth, as far as the check can tell). */
const sleepers: ChildProcess[] = [];
const livePid = (): number => {
  const child = spawn(process.execPath, ['-e', `setTimeout(() => {}, ${CHILD_PROCESS_LIMIT_MS})`], { stdio: 'ignore' });
  sleepers.push(child);
  expect(processAlive(child.pid!)).toBe(true);
  return child.pid!;
};
afterAll(() => {
  for (const child of sleepers) child.kill();
});

/**
 * Resolves once `file` exists (true) or the child has exited (false), woken by the folder's change
 * events rather than a polling loop: no interval to tune, no deadline.
 */
async function appearsBeforeExit(file: string, exited: Promise<unknown>): Promise<boolean> {
  const watcher = watch(dirname(file));
  try {
    const appeared = new Promise<void>((resolve) => watcher.on('change', () => existsSync(file) && resolve()));
    // Checked after the watcher started: a file written in between is seen here, one written later by the watcher.
    if (!existsSync(file)) await Promise.race([appeared, exited]);
    return existsSync(file);
  } finally {
    watcher.close();
  }
}

const folder = (path: string, file = 'f.yaml', content = 'x\n') => {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, file), content);
};

describe('leftovers of a synth that was killed', () => {
  test('leftoversIn: staging and moved-aside folders, with their target and pid; only of the named target when given', () => {
    const dir = tempDir();
    for (const name of ['gk.tmp-12', 'gk.old-7', 'cdktf.out.tmp-3', 'notes.tmp-x', 'gk']) folder(join(dir, name));
    writeFileSync(join(dir, 'file.tmp-5'), 'a file, not a folder');
    expect(leftoversIn(dir).map((l) => [l.path.slice(dir.length + 1), l.target.slice(dir.length + 1), l.kind, l.pid])).toEqual([
      ['cdktf.out.tmp-3', 'cdktf.out', 'tmp', 3],
      ['gk.old-7', 'gk', 'old', 7],
      ['gk.tmp-12', 'gk', 'tmp', 12],
    ]);
    expect(leftoversIn(dir, 'cdktf.out').map((l) => l.pid)).toEqual([3]);
    expect(leftoversIn(join(dir, 'absent'))).toEqual([]);
  });

  test('removeDeadLeftovers: removes those of gone processes, keeps a live one, moves an orphaned old folder back', () => {
    const dir = tempDir();
    folder(join(dir, 'a'), 'new.yaml');
    folder(join(dir, 'a.tmp-100')); // dead: removed
    folder(join(dir, 'a.old-100'), 'previous.yaml'); // dead, a/ exists: removed
    folder(join(dir, 'b.old-101'), 'previous.yaml'); // dead, b/ missing: the previous output, moved back
    folder(join(dir, 'b.tmp-101')); // dead: removed
    folder(join(dir, 'c.tmp-200')); // alive: kept
    const alive = (pid: number) => pid === 200;
    const actions = removeDeadLeftovers(leftoversIn(dir), alive);
    expect(actions.map((a) => [a.leftover.path.slice(dir.length + 1), a.action])).toEqual([
      ['a.old-100', 'removed'],
      ['a.tmp-100', 'removed'],
      ['b.old-101', 'restored'],
      ['b.tmp-101', 'removed'],
    ]);
    expect(Object.keys(treeHashes(dir)).sort()).toEqual(['a/new.yaml', 'b/previous.yaml', 'c.tmp-200/f.yaml']);
  });

  test('this process counts as running: its own folders are never removed as leftovers', () => {
    const dir = tempDir();
    folder(join(dir, `a.tmp-${process.pid}`));
    expect(removeDeadLeftovers(leftoversIn(dir), () => false)).toEqual([]);
    expect(existsSync(join(dir, `a.tmp-${process.pid}`))).toBe(true);
  });

  test('synth clears the leftovers of processes that are gone, says so, and keeps those of a running one (real pids)', async () => {
    const cwd = tempDir();
    const dead = deadPid();
    const live = livePid();
    const dist = join(cwd, 'dist');
    folder(join(cwd, `cdktf.out.tmp-${dead}`));
    folder(join(cwd, `cdktf.out.tmp-${live}`));
    folder(join(cwd, `notes.tmp-${dead}`)); // not an output of synth: not its business
    folder(join(dist, 'contosofin'), 'kustomization.yaml', 'earlier: true\n');
    folder(join(dist, `contosofin.tmp-${dead}`));
    folder(join(dist, `contosofin.old-${dead}`));
    folder(join(dist, `contosofin.tmp-${live}`));
    // Killed between moving retired/ aside and moving its new output in: retired.old is its only copy.
    folder(join(dist, `retired.old-${dead}`), 'kustomization.yaml', 'resources: []\n');
    const err: string[] = [];
    const status = await main(['synth', '--config', EXAMPLE], { CDKTF_OUTDIR: join(cwd, 'cdktf.out'), CDK8S_OUTDIR: dist }, {
      out: () => undefined,
      err: (l) => err.push(l),
    });
    expect(status).toBe(0);
    // Paths outside the working directory are shown in full.
    expect(cwd.startsWith(process.cwd())).toBe(false);
    expect(err).toEqual([
      `aks-day2 synth: removed ${cwd}/cdktf.out.tmp-${dead}/ (left by a synth that was killed, process ${dead})`,
      `aks-day2 synth: removed ${dist}/contosofin.old-${dead}/ (left by a synth that was killed, process ${dead})`,
      `aks-day2 synth: removed ${dist}/contosofin.tmp-${dead}/ (left by a synth that was killed, process ${dead})`,
      `aks-day2 synth: moved ${dist}/retired.old-${dead}/ back to ${dist}/retired/ (a synth killed mid-replace, process ${dead}, had moved it aside)`,
      ...retiredWarning(EXAMPLE).map((l) => l.replaceAll(' dist/retired', ` ${dist}/retired`)),
    ]);
    expect(readFileSync(join(dist, 'retired', 'kustomization.yaml'), 'utf8')).toBe('resources: []\n');
    const left = Object.keys(treeHashes(cwd)).filter((p) => /\.(tmp|old)-\d+/.test(p)).sort();
    expect(left).toEqual([`cdktf.out.tmp-${live}/f.yaml`, `dist/contosofin.tmp-${live}/f.yaml`, `notes.tmp-${dead}/f.yaml`]);
    expect(existsSync(join(dist, 'contosofin', 'kustomization.yaml'))).toBe(true);
  });

  test('.gitignore covers the staging folders at the project root (dist/ ones are reported by --check instead)', () => {
    const ignored = (path: string) => spawnSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: ROOT }).status === 0;
    expect(ignored('cdktf.out.tmp-12345/')).toBe(true);
    expect(ignored('cdktf.out.old-12345/')).toBe(true);
    expect(ignored('dist/contosofin.tmp-12345/')).toBe(false);
  });
});

describe('Ctrl-C while a synth is staging (a real process, interrupted at a known point)', () => {
  /**
   * Start `npm run synth`'s command with the test hook that makes it wait once everything is
   * staged (main.ts holdForTest), wait for the hook's file, send `signal`, and collect the exit.
   */
  async function interrupt(signal: NodeJS.Signals) {
    const cwd = tempDir();
    // Output of an earlier synth, which the interrupted one must leave as it was.
    folder(join(cwd, 'dist', 'contosofin'), 'kustomization.yaml', 'earlier: true\n');
    folder(join(cwd, 'cdktf.out'), 'manifest.json', '{"earlier": true}\n');
    const before = treeHashes(cwd);
    const held = join(cwd, 'held.txt');
    const { CDKTF_OUTDIR: _ignored, ...parentEnv } = process.env;
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'run.cjs'), 'synth', '--config', EXAMPLE], {
      cwd,
      env: { ...parentEnv, [HOLD_STAGED_ENV]: held },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => (stdout += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, sig) => resolve({ code, signal: sig })),
    );
    // The hook writes the file once the staging folders exist; until then, or until the child dies, wait.
    const isHeld = await appearsBeforeExit(held, exited);
    const staged = isHeld ? readFileSync(held, 'utf8').trim().split('\n') : [];
    const whileHeld = Object.keys(treeHashes(cwd)).filter((p) => /\.tmp-\d+\//.test(p));
    child.kill(signal);
    const exit = await exited;
    const after = treeHashes(cwd);
    delete after['held.txt'];
    return { exit, stdout, stderr, staged, whileHeld, before, after, pid: child.pid };
  }

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: staging folders removed, earlier output untouched, exit %d', async (signal, code) => {
    const r = await interrupt(signal);
    // It was interrupted while staging: both staging folders existed, with content.
    expect(r.staged.map((p) => p.slice(p.lastIndexOf('/') + 1)).sort()).toEqual([`cdktf.out.tmp-${r.pid}`, `contosofin.tmp-${r.pid}`]);
    expect(r.whileHeld.length).toBeGreaterThan(2);
    expect(r.exit).toEqual({ code, signal: null });
    expect(r.stderr).toBe(
      `aks-day2 synth: interrupted (${signal}); nothing was written, staging folders removed: cdktf.out.tmp-${r.pid}/, dist/contosofin.tmp-${r.pid}/.\n`,
    );
    expect(r.stdout).toBe('');
    expect(r.after).toEqual(r.before);
  });
});

describe('Ctrl-C during synth --check (a real process, interrupted at a known point)', () => {
  test('its Terraform scratch folder in the temp folder goes too; exit 130', async () => {
    const cwd = tempDir();
    const tmp = tempDir('aks-day2-check-tmp-');
    const held = join(cwd, 'held.txt');
    const { CDKTF_OUTDIR: _ignored, ...parentEnv } = process.env;
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'run.cjs'), 'synth', '--check', '--config', EXAMPLE], {
      cwd,
      env: { ...parentEnv, TMPDIR: tmp, [HOLD_STAGED_ENV]: held },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(await appearsBeforeExit(held, exited)).toBe(true);
    const [scratch] = readFileSync(held, 'utf8').trim().split('\n');
    // Held with the synthesized stacks in the scratch folder, inside the temp folder.
    expect(scratch.startsWith(join(tmp, 'aks-day2-check-'))).toBe(true);
    expect(existsSync(join(scratch, 'manifest.json'))).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('aks-day2 synth --check: interrupted (SIGINT); nothing was written.\n');
    expect(existsSync(scratch)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
