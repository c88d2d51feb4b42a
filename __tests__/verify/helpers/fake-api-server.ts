import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeCluster } from './fake-cluster';

export interface FakeApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The FakeCluster behind a real HTTP listener on 127.0.0.1 (plain HTTP: client-node speaks it
 * when the kubeconfig's server is http://), answering JSON as the API server does. Slow replies
 * wait `delayMs` before any byte is sent, so the client's timeout fires with the socket open.
 */
export async function startFakeApiServer(cluster: FakeCluster): Promise<FakeApiServer> {
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      const reply = cluster.handle({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        body,
        authorization: req.headers.authorization,
      });
      const send = () => {
        if (res.destroyed) return;
        if (reply.status === 204) {
          res.writeHead(204).end();
        } else if (reply.text !== undefined) {
          res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.text);
        } else {
          res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
        }
      };
      // Never: the request stays open until the client gives up or the server is closed.
      if (reply.delayMs === Infinity) return;
      if (reply.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, reply.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
