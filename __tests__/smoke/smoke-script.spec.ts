/**
 * Runs the smoke Job's script for real: extracted from the synthesized Job, executed with the
 * Job's own command (`/bin/sh -c <script>`; /bin/sh is dash here) and, when this machine has
 * busybox, with busybox sh and busybox head/tr/cut as in the curl image, against HTTP servers
 * on 127.0.0.1 that play the ingress, Azure Firewall and the open internet.
 *
 * Stands in for: running the Job on AKS behind the runbook's firewall. Not covered: the real
 * firewall's timing and TLS behaviour, and the curl 8.16 binary of the image (the system curl
 * runs here). Every URL is on 127.0.0.1 and the environment is replaced, not inherited (no
 * proxy variables), so nothing leaves loopback; DNS and certificate failures come from a stub curl.
 *
 * Nothing here races the machine. Every scenario runs with the Job's own timeout (generous for
 * loopback), except the three whose point is curl's timeout (a server that never answers, or
 * stalls after its headers): they use a short one, and in them no other request has to beat it
 * (the ingress answer comes from a stub, every other scenario proves the real ingress path). The
 * scenarios run a few at a time, not all at once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMOKE_ENV } from '../../charts/smoke/smoke-script';
import { byKind, synthManifests } from './synth';

const I = SMOKE_ENV.ingressUrl;
const B = SMOKE_ENV.blockedUrl;
const T = SMOKE_ENV.timeoutSeconds;

// ---- the script, as the cluster would run it
const container = byKind(synthManifests(), 'Job').spec.template.spec.containers[0];
const jobCommand: string[] = container.command;
const jobEnv: Record<string, string> = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));

// ---- shells
function onPath(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
const BUSYBOX = onPath('busybox');
const work = mkdtempSync(join(tmpdir(), 'aks-day2-smoke-'));

interface Shell {
  readonly name: string;
  readonly argv: readonly string[];
  /** Directory of tools placed first on PATH (busybox applets), or none. */
  readonly tools?: string;
}
const shells: Shell[] = [{ name: `${jobCommand[0]} (${realpathSync(jobCommand[0])})`, argv: jobCommand }];
if (BUSYBOX) {
  const applets = join(work, 'busybox');
  mkdirSync(applets);
  for (const tool of ['head', 'tr', 'cut']) symlinkSync(BUSYBOX, join(applets, tool));
  shells.push({ name: 'busybox sh', argv: [BUSYBOX, 'sh', ...jobCommand.slice(1)], tools: applets });
}

// A stub curl for what loopback cannot produce (DNS failure, untrusted certificate): it answers
// the ingress with 404 and fails the other URL with STUB_CURL_EXIT, printing what curl prints.
const stubDir = join(work, 'stub');
mkdirSync(stubDir);
writeFileSync(
  join(stubDir, 'curl'),
  ['#!/bin/sh', 'for a; do url=$a; done', 'case $url in *ingress*) printf "default backend - 404\\n404"; exit 0 ;; esac', 'printf "\\n000"', 'exit "$STUB_CURL_EXIT"', ''].join('\n'),
  { mode: 0o755 },
);
// A curl that answers the ingress URL itself (HTTP 404, as the NGINX default backend) and hands
// every other URL to the real curl: for the scenarios that time out, so the ingress request cannot
// be the one that runs out of time. It notes each answer in a log, so a test can tell it was used.
const REAL_CURL = onPath('curl')!;
const ingressStubDir = join(work, 'ingress-stub');
const ingressStubLog = join(work, 'ingress-stub.log');
mkdirSync(ingressStubDir);
writeFileSync(
  join(ingressStubDir, 'curl'),
  [
    '#!/bin/sh',
    'for a; do url=$a; done',
    `case $url in "$STUB_INGRESS_URL") printf '%s\\n' "$url" >>'${ingressStubLog}'; printf "default backend - 404\\n404"; exit 0 ;; esac`,
    `exec ${REAL_CURL} "$@"`,
    '',
  ].join('\n'),
  { mode: 0o755 },
);

// head, tr and cut but no curl
const noCurlDir = join(work, 'nocurl');
mkdirSync(noCurlDir);
for (const tool of ['head', 'tr', 'cut']) symlinkSync(onPath(tool)!, join(noCurlDir, tool));

// ---- servers on 127.0.0.1
const FIREWALL_DENY = 'HTTP request from 10.240.0.4:41234 to www.superman.com:80. Action: Deny. Reason: No rule matched. Proceeding with default action.';
const OPEN_BODY = 'Welcome to the open internet\r\n\tline two \x1b[31mred\x1b[0m caf\u00e9 "quoted" ' + 'x'.repeat(1000);

const servers: Array<http.Server | net.Server> = [];
const sockets = new Set<net.Socket>();
const port: Record<string, number> = {};
const requests: Record<string, string[]> = {};

async function listen(name: string, server: http.Server | net.Server): Promise<void> {
  servers.push(server);
  requests[name] = [];
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  if (server instanceof http.Server) server.on('request', (req) => requests[name].push(req.url ?? ''));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port[name] = (server.address() as net.AddressInfo).port;
}
const answer = (status: number, body: string, headers: http.OutgoingHttpHeaders = {}) =>
  http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  });
const url = (name: string, path = '/') => `http://127.0.0.1:${port[name]}${path}`;

// ---- scenarios
interface Scenario {
  readonly name: string;
  /** Environment on top of the Job's own; undefined deletes a variable. */
  readonly env: () => Record<string, string | undefined>;
  /**
   * The scenario is about curl's timeout: it runs with SHORT_TIMEOUT instead of the Job's own,
   * and its ingress URL is answered by the ingress stub (nothing else has to beat the timeout).
   */
  readonly timesOut?: boolean;
  /** PATH: the shell's tools, then this, then the system PATH (unless replaced). */
  readonly path?: (shell: Shell) => string;
  readonly exit: number;
  readonly lines: () => string[];
}
/** The Job's own per-request timeout (every scenario that must not time out). */
const JOB_TIMEOUT = jobEnv[T];
/**
 * Seconds for the scenarios whose point is a timeout. What has to happen before it runs out:
 * - ingress never answers: nothing (its one request is the one that times out);
 * - blocked URL never answers: nothing (the ingress request before it is answered by the stub);
 * - blocked URL stalls after its headers: the stall server's headers and first bytes, which it
 *   writes the moment the request arrives. That is the scenario itself (curl times out *after*
 *   an answer began), so it cannot be taken out; a loopback answer takes milliseconds even with
 *   both cores busy, and 3 s is a margin of a thousand times that. These runs only idle while
 *   they wait (and jest runs another file meanwhile), so the margin costs nothing.
 */
const SHORT_TIMEOUT = '3';
const ingressPass = () => `PASS ingress ${url('ingress')}: HTTP 404 (any HTTP answer passes)`;
const blockedBy = (target: string, why: string) => `PASS blocked ${target}: no connection (${why})`;

/** What the script's oneline() makes of a body: printable ASCII bytes, spaces squeezed, 120 characters. */
function excerpt(text: string): string {
  const bytes = Buffer.from(text, 'utf8').subarray(0, 512);
  const ascii = [...bytes].map((b) => (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : ' ')).join('');
  return ascii.replace(/ +/g, ' ').slice(0, 120);
}

const MARKER = join(work, 'pwned');
const HOSTILE_PATH = `/$(touch\${IFS}${MARKER})\`touch\${IFS}${MARKER}\`;touch\${IFS}${MARKER}`;

const scenarios: Scenario[] = [
  {
    name: 'ingress answers 404, firewall answers 470 Action: Deny: pass',
    env: () => ({ [I]: url('ingress'), [B]: url('firewall') }),
    exit: 0,
    lines: () => [ingressPass(), `PASS blocked ${url('firewall')}: HTTP 470 with Action: Deny (Azure Firewall)`],
  },
  {
    name: 'blocked URL reachable (200, open internet): fail with status and body excerpt',
    env: () => ({ [I]: url('ingress'), [B]: url('open') }),
    exit: 1,
    lines: () => [ingressPass(), `FAIL blocked ${url('open')}: reachable, HTTP 200, body: "${excerpt(OPEN_BODY)}"`],
  },
  {
    name: 'blocked URL on a dead port (connection refused): pass',
    env: () => ({ [I]: url('ingress'), [B]: url('dead') }),
    exit: 0,
    lines: () => [ingressPass(), blockedBy(url('dead'), 'curl exit 7, could not connect')],
  },
  {
    name: 'blocked URL never answers (a DROP): pass after the timeout',
    env: () => ({ [I]: url('ingress'), [B]: url('hang') }),
    timesOut: true,
    exit: 0,
    lines: () => [ingressPass(), blockedBy(url('hang'), `curl exit 28, no answer within ${SHORT_TIMEOUT}s`)],
  },
  {
    name: 'blocked URL accepts and closes without answering: pass',
    env: () => ({ [I]: url('ingress'), [B]: url('empty') }),
    exit: 0,
    lines: () => [ingressPass(), blockedBy(url('empty'), 'curl exit 52, empty reply')],
  },
  {
    name: 'blocked URL resets the connection: pass',
    env: () => ({ [I]: url('ingress'), [B]: url('reset') }),
    exit: 0,
    lines: () => [ingressPass(), blockedBy(url('reset'), 'curl exit 56, connection broken while receiving')],
  },
  {
    name: 'https blocked URL whose TLS handshake fails: pass',
    env: () => ({ [I]: url('ingress'), [B]: `https://127.0.0.1:${port.ingress}/` }),
    exit: 0,
    lines: () => [ingressPass(), blockedBy(`https://127.0.0.1:${port.ingress}/`, 'curl exit 35, TLS handshake failed')],
  },
  {
    name: 'HTTP 470 without Action: Deny: fail',
    env: () => ({ [I]: url('ingress'), [B]: url('fake470') }),
    exit: 1,
    lines: () => [ingressPass(), `FAIL blocked ${url('fake470')}: reachable, HTTP 470, body: "Request blocked"`],
  },
  {
    name: 'blocked URL redirects (301): fail, a redirect is an answer',
    env: () => ({ [I]: url('ingress'), [B]: url('redirect') }),
    exit: 1,
    lines: () => [ingressPass(), `FAIL blocked ${url('redirect')}: reachable, HTTP 301, body: "Moved"`],
  },
  {
    name: 'blocked URL sends 200 headers and then stalls: fail, it answered',
    env: () => ({ [I]: url('ingress'), [B]: url('stall') }),
    timesOut: true,
    exit: 1,
    lines: () => [ingressPass(), `FAIL blocked ${url('stall')}: reachable, HTTP 200, body: "partial"`],
  },
  {
    name: 'ingress dead: fail, and the blocked check does not run',
    env: () => ({ [I]: url('dead'), [B]: url('witness') }),
    exit: 1,
    lines: () => [`FAIL ingress ${url('dead')}: no HTTP answer (curl exit 7, could not connect)`],
  },
  {
    // Its one request is the one that times out: nothing else has to beat the timeout.
    name: 'ingress never answers: fail after the timeout',
    env: () => ({ [I]: url('hang'), [B]: url('witness') }),
    timesOut: true,
    exit: 1,
    lines: () => [`FAIL ingress ${url('hang')}: no HTTP answer (curl exit 28, no answer within ${SHORT_TIMEOUT}s)`],
  },
  ...([
    [6, 'could not resolve host'],
    [60, 'TLS certificate not trusted'],
    [5, 'see EXIT CODES in the curl manual'],
  ] as const).map(
    ([code, why]): Scenario => ({
      name: `blocked URL fails with curl exit ${code} (stub curl): fail, not proof of a block`,
      env: () => ({ [I]: 'http://ingress.stub/', [B]: 'http://blocked.stub/', STUB_CURL_EXIT: String(code) }),
      path: (shell) => [shell.tools, stubDir, process.env.PATH].filter(Boolean).join(':'),
      exit: 1,
      lines: () => [
        'PASS ingress http://ingress.stub/: HTTP 404 (any HTTP answer passes)',
        `FAIL blocked http://blocked.stub/: not proven blocked (curl exit ${code}, ${why})`,
      ],
    }),
  ),
  {
    name: 'no curl in the image: fail',
    env: () => ({ [I]: url('ingress'), [B]: url('witness') }),
    path: (shell) => shell.tools ?? noCurlDir,
    exit: 1,
    lines: () => [`FAIL ingress ${url('ingress')}: no HTTP answer (curl exit 127, curl not found)`],
  },
  {
    name: 'shell code in a URL stays data',
    env: () => ({ [I]: url('ingress', HOSTILE_PATH), [B]: url('firewall') }),
    exit: 0,
    lines: () => [
      // the URL is cut to 120 characters in the log line, like a body excerpt
      `PASS ingress ${excerpt(url('ingress', HOSTILE_PATH))}: HTTP 404 (any HTTP answer passes)`,
      `PASS blocked ${url('firewall')}: HTTP 470 with Action: Deny (Azure Firewall)`,
    ],
  },
  {
    name: 'ingress URL missing: configuration failure, exit 2',
    env: () => ({ [I]: undefined, [B]: url('witness') }),
    exit: 2,
    lines: () => [`FAIL config: ${I} is empty`],
  },
  {
    name: 'timeout not a number: configuration failure, exit 2',
    env: () => ({ [I]: url('ingress'), [B]: url('witness'), [T]: '1; reboot' }),
    exit: 2,
    lines: () => [`FAIL config: ${T} must be a whole number of seconds below 10000, got '1; reboot'`],
  },
];

interface Result {
  readonly exit: number | null;
  readonly stdout: string;
  readonly stderr: string;
}
function run(shell: Shell, s: Scenario): Promise<Result> {
  const env: Record<string, string> = {};
  const merged: Record<string, string | undefined> = { ...jobEnv, [T]: s.timesOut ? SHORT_TIMEOUT : JOB_TIMEOUT, ...s.env() };
  for (const [k, v] of Object.entries(merged)) if (v !== undefined) env[k] = v;
  const stub = s.timesOut && merged[I] !== url('hang') ? [ingressStubDir] : [];
  if (stub.length > 0) env.STUB_INGRESS_URL = merged[I]!;
  env.PATH = s.path ? s.path(shell) : [shell.tools, ...stub, process.env.PATH].filter(Boolean).join(':');
  return new Promise((resolve, reject) => {
    // No kill timer: a scenario that hangs is caught by the hook's timeout, not raced by one.
    const child = spawn(shell.argv[0], shell.argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (exit) => resolve({ exit, stdout, stderr }));
  });
}

const results = new Map<string, Result>();
const key = (shell: Shell, s: Scenario) => `${shell.name} | ${s.name}`;

beforeAll(async () => {
  await listen('ingress', answer(404, 'default backend - 404'));
  await listen('firewall', answer(470, FIREWALL_DENY));
  await listen('fake470', answer(470, 'Request blocked'));
  await listen('open', answer(200, OPEN_BODY));
  await listen('redirect', answer(301, 'Moved', { location: 'http://www.superman.com/' }));
  await listen('witness', answer(200, 'the blocked check ran'));
  await listen('hang', http.createServer(() => undefined));
  await listen(
    'stall',
    http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    }),
  );
  await listen('empty', net.createServer((s) => s.once('data', () => s.end())));
  await listen('reset', net.createServer((s) => s.once('data', () => s.resetAndDestroy())));
  // A port that was just free: nothing listens on it.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  port.dead = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));

  // A few at a time (each run is a shell and one or two curls): the machine is never flooded.
  const runOne = (shell: Shell, s: Scenario) => run(shell, s).then((r) => void results.set(key(shell, s), r));
  // The few that wait out a timeout start at once: they only idle until curl gives up. The rest
  // run a few at a time.
  const waiting = scenarios.filter((s) => s.timesOut).flatMap((s) => shells.map((shell) => runOne(shell, s)));
  const queue = scenarios.filter((s) => !s.timesOut).flatMap((s) => shells.map((shell) => () => runOne(shell, s)));
  const pool = Math.max(2, Math.min(4, availableParallelism()));
  await Promise.all([
    ...waiting,
    ...Array.from({ length: pool }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await next();
    }),
  ]);
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(work, { recursive: true, force: true });
});

test('the script comes from the synthesized Job and runs as its command says', () => {
  expect(jobCommand.slice(0, 2)).toEqual(['/bin/sh', '-c']);
  expect(jobCommand[2]).toMatch(/^# aks-day2 smoke test/);
  expect(Object.keys(jobEnv)).toEqual([I, B, T]);
});

test(`busybox on this machine: ${BUSYBOX ?? 'not found, scripts ran with /bin/sh only'}`, () => {
  // Informational: the busybox runs below happen only where busybox is installed.
  expect(shells.length).toBe(BUSYBOX ? 2 : 1);
});

describe.each(shells)('$name', (shell) => {
  test.each(scenarios)('$name', (s) => {
    const r = results.get(key(shell, s))!;
    expect({ exit: r.exit, lines: r.stdout.split('\n'), stderr: r.stderr }).toEqual({
      exit: s.exit,
      lines: [...s.lines(), ''],
      stderr: '',
    });
    // One log line per check; a failure is a single FAIL line and the last one.
    const fails = r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(fails).toHaveLength(s.exit === 0 ? 0 : 1);
  });
});

test('the blocked check never ran after a failed ingress or a configuration error', () => {
  expect(requests.witness).toEqual([]);
});

test('in the scenarios that time out, the ingress was answered by the stub: no request but the one under test met the short timeout', () => {
  const stubbed = scenarios.filter((s) => s.timesOut && s.env()[I] !== url('hang'));
  expect(stubbed.length).toBe(2);
  expect(readFileSync(ingressStubLog, 'utf8')).toBe(`${url('ingress')}\n`.repeat(stubbed.length * shells.length));
});

test('shell code in a URL reached the server as a path and ran nowhere', () => {
  expect(existsSync(MARKER)).toBe(false);
  expect(requests.ingress).toContain(HOSTILE_PATH);
});

test('every log line is printable ASCII and at most 300 characters', () => {
  for (const r of results.values()) {
    for (const line of r.stdout.split('\n')) {
      expect(line).toMatch(/^[ -~]{0,300}$/);
    }
  }
});
