/**
 * Plain HTTPS requests to the conformance API server: the status, the decoded body and the
 * `Warning` headers exactly as the server sent them, which a client library would interpret.
 */
import https from 'node:https';
import type { ControlPlane } from './apiserver';

export interface Answer {
  readonly status: number;
  readonly body: any;
  /** Warning headers, decoded (RFC 7234 `299 - "text"`). */
  readonly warnings: readonly string[];
  /** The Audit-Id header: the request's auditID in the audit log. */
  readonly auditId?: string;
}

/** `299 - "text"` → text (the API server escapes `"` and `\` in it). */
export function warningText(header: string): string {
  const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(header);
  return m ? m[1].replace(/\\(.)/g, '$1') : header;
}

export type Requester = (method: string, path: string, body?: unknown) => Promise<Answer>;

export function requester(cp: ControlPlane, token: string = cp.adminToken): Requester {
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const url = new URL(path, cp.server);
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        url,
        {
          method,
          ca: cp.ca,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            const raw = res.headers.warning;
            const warnings = (Array.isArray(raw) ? raw : raw ? [raw] : []).flatMap((h) => splitWarnings(h)).map(warningText);
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: keep the text
            }
            const auditId = res.headers['audit-id'];
            resolve({ status: res.statusCode ?? 0, body: parsed, warnings, ...(typeof auditId === 'string' ? { auditId } : {}) });
          });
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
}

/** Node joins repeated Warning headers with ", "; split them back at each `299 `. */
function splitWarnings(header: string): string[] {
  return header.split(/, (?=\d{3} \S+ ")/);
}
