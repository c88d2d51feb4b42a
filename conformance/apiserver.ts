/**
 * A real Kubernetes control plane on 127.0.0.1 for the conformance run: etcd, kube-apiserver and
 * kube-controller-manager built from their Go modules, on free ports, in a temporary folder
 * removed at the end. The controller manager does what a cluster's does without nodes (service
 * accounts in every namespace, Jobs' Pods, the ValidatingAdmissionPolicy type check, namespace
 * deletion); there are no nodes and no scheduler, so Pods stay Pending.
 *
 * Set up as AKS sets up what the checks touch: RBAC authorization (with Node), the default
 * admission plugins (ValidatingAdmissionPolicy and PodSecurity among them), the AKS default
 * service CIDR, and an audit log (JSON, Metadata level, so admission annotations are recorded).
 * Two users by static token: an admin (system:masters) and one with no rights of its own, for
 * checking what verify needs.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { freePort, stop, tempDir, track, type Tracked } from './processes';
import type { Progress } from './progress';
import { spawn } from 'node:child_process';

export interface ControlPlane {
  readonly server: string;
  /** The API server's self-signed serving certificate chain (trust it as the CA). */
  readonly ca: string;
  readonly adminToken: string;
  /** A user (`aks-day2-verify`) with no role bindings of its own. */
  readonly limitedToken: string;
  readonly limitedUser: string;
  readonly auditLog: string;
  /** A kubeconfig file for `user` (admin or limited), context `conformance`. */
  kubeconfig(user: 'admin' | 'limited'): string;
  stop(): Promise<void>;
}

/** See --advertise-address below. */
export const ADVERTISED_ADDRESS = '192.0.2.10';

const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
`;

/** Fails with the process's last output when it exits before it is ready. */
function started(t: Tracked, name: string, output: () => string): Promise<never> {
  return new Promise((_resolve, reject) =>
    t.child.once('exit', (code, signal) => reject(new Error(`${name} exited (${signal ?? code}) before it was ready:\n${output().slice(-4000)}`))),
  );
}

function capture(t: Tracked): () => string {
  let text = '';
  const add = (d: Buffer) => {
    text = (text + d.toString('utf8')).slice(-20_000);
  };
  t.child.stdout?.on('data', add);
  t.child.stderr?.on('data', add);
  return () => text;
}

function get(url: string, token: string, ca: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(url, { headers: { authorization: `Bearer ${token}` }, ...(ca ? { ca } : { rejectUnauthorized: false }) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(5000, () => req.destroy());
  });
}

/** Polls `ready` every half second until it holds; a startup on a loaded 2-core machine can take a minute. */
async function until(ready: () => Promise<boolean>, deadlineMs: number, what: string, failed: Promise<never>): Promise<void> {
  const end = Date.now() + deadlineMs;
  let settled = false;
  failed.catch(() => undefined);
  const loop = (async () => {
    while (!settled) {
      if (await ready()) return;
      if (Date.now() > end) throw new Error(`${what} was not ready after ${Math.round(deadlineMs / 1000)} s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  try {
    await Promise.race([loop, failed]);
  } finally {
    settled = true;
  }
}

export interface Binaries {
  readonly etcd: string;
  readonly apiserver: string;
  readonly controllerManager: string;
}

export async function startControlPlane(bin: Binaries, progress: Progress): Promise<ControlPlane> {
  const dir = tempDir('apiserver');
  const [clientPort, peerPort, securePort] = [await freePort(), await freePort(), await freePort()];

  progress.note(`etcd on 127.0.0.1:${clientPort}`);
  const etcd = track(
    spawn(
      bin.etcd,
      [
        '--name=conformance',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${clientPort}`,
        `--advertise-client-urls=http://127.0.0.1:${clientPort}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=conformance=http://127.0.0.1:${peerPort}`,
        '--log-level=warn',
        // A throwaway store: durability costs time and buys nothing here.
        '--unsafe-no-fsync',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    ),
    'etcd',
  );
  const etcdOutput = capture(etcd);

  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(join(dir, 'sa.pub'), publicKey);
  writeFileSync(join(dir, 'sa.key'), privateKey, { mode: 0o600 });
  const adminToken = randomBytes(24).toString('hex');
  const limitedToken = randomBytes(24).toString('hex');
  const limitedUser = 'aks-day2-verify';
  writeFileSync(join(dir, 'tokens.csv'), `${adminToken},conformance-admin,1,"system:masters"\n${limitedToken},${limitedUser},2\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'audit-policy.yaml'), AUDIT_POLICY);
  const auditLog = join(dir, 'audit.log');

  progress.note(`kube-apiserver on 127.0.0.1:${securePort}`);
  const apiserver = track(
    spawn(
      bin.apiserver,
      [
        `--etcd-servers=http://127.0.0.1:${clientPort}`,
        '--bind-address=127.0.0.1',
        // The address the API server writes into the Endpoints and EndpointSlice of service
        // default/kubernetes (what verify's api-endpoints reads). Endpoints validation refuses
        // loopback addresses, so it is one from TEST-NET-1 (RFC 5737) that nothing dials.
        `--advertise-address=${ADVERTISED_ADDRESS}`,
        `--secure-port=${securePort}`,
        `--cert-dir=${join(dir, 'certs')}`,
        `--token-auth-file=${join(dir, 'tokens.csv')}`,
        '--authorization-mode=Node,RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${join(dir, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
        // AKS's default service CIDR.
        '--service-cluster-ip-range=10.0.0.0/16',
        `--audit-policy-file=${join(dir, 'audit-policy.yaml')}`,
        `--audit-log-path=${auditLog}`,
        '--audit-log-format=json',
        // Write each audit event as it happens, so the run can read it right after a request.
        '--audit-log-mode=blocking',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    ),
    'kube-apiserver',
  );
  const apiOutput = capture(apiserver);
  const failed = Promise.race([started(etcd, 'etcd', etcdOutput), started(apiserver, 'kube-apiserver', apiOutput)]);
  const server = `https://127.0.0.1:${securePort}`;
  await until(async () => (await get(`${server}/readyz`, adminToken, undefined)) === 200, 180_000, 'kube-apiserver', failed);
  const caFile = join(dir, 'certs', 'apiserver.crt');
  if (!existsSync(caFile)) throw new Error(`kube-apiserver wrote no ${caFile}`);
  const ca = readFileSync(caFile, 'utf8');

  const kubeconfig = (user: 'admin' | 'limited') => {
    const file = join(dir, `kubeconfig-${user}`);
    if (!existsSync(file)) {
      const token = user === 'admin' ? adminToken : limitedToken;
      writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'conformance', cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
          users: [{ name: user, user: { token } }],
          contexts: [{ name: 'conformance', context: { cluster: 'conformance', user } }],
          'current-context': 'conformance',
        }),
        { mode: 0o600 },
      );
    }
    return file;
  };

  progress.note('kube-controller-manager');
  const kcmPort = await freePort();
  const admin = kubeconfig('admin');
  const kcm = track(
    spawn(
      bin.controllerManager,
      [
        `--kubeconfig=${admin}`,
        `--authentication-kubeconfig=${admin}`,
        `--authorization-kubeconfig=${admin}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${kcmPort}`,
        '--leader-elect=false',
        `--service-account-private-key-file=${join(dir, 'sa.key')}`,
        `--root-ca-file=${caFile}`,
        '--service-cluster-ip-range=10.0.0.0/16',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    ),
    'kube-controller-manager',
  );
  const kcmOutput = capture(kcm);
  // Ready when its service account controller has given the default namespace its account.
  await until(
    async () => (await get(`${server}/api/v1/namespaces/default/serviceaccounts/default`, adminToken, ca)) === 200,
    180_000,
    'kube-controller-manager',
    Promise.race([failed, started(kcm, 'kube-controller-manager', kcmOutput)]),
  );

  return {
    server,
    ca,
    adminToken,
    limitedToken,
    limitedUser,
    auditLog,
    kubeconfig,
    async stop() {
      await stop(kcm);
      await stop(apiserver);
      await stop(etcd);
    },
  };
}
