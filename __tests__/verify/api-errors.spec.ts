/**
 * How answers outside 2xx and failures without an answer become KubeApiError kinds, for the
 * Status bodies an API server sends (fixtures/api-shapes.ts). The real adapter and the in-memory
 * test API both go through these functions.
 */
import { describeApiError, errorFromResponse, errorFromTransport, isFatal, KubeApiError } from '../../verify/kube-api';
import * as shapes from './fixtures/api-shapes';

const fromStatus = (s: { code: number }) => errorFromResponse(s.code, JSON.stringify(s));

describe('errorFromResponse', () => {
  test('401 is unauthorized, with or without a body (client-node drops the 401 body)', () => {
    expect(fromStatus(shapes.unauthorizedStatus).kind).toBe('unauthorized');
    const noBody = errorFromResponse(401, undefined);
    expect(noBody.kind).toBe('unauthorized');
    expect(describeApiError(noBody)).toMatch(/^401 Unauthorized: .*az aks get-credentials/);
  });

  test("a Gatekeeper webhook denial (403) is an admission denial, not RBAC", () => {
    const err = fromStatus(shapes.gatekeeperDenialStatus('allowed-repos', ['container "probe" has image "centos"']));
    expect(err.kind).toBe('admission-denied');
    expect(err.code).toBe(403);
    expect(err.status?.reason).toBe('Forbidden');
    expect(err.message).toBe('admission webhook "validation.gatekeeper.sh" denied the request: [allowed-repos] container "probe" has image "centos"');
  });

  test.each([
    ['Forbidden', 403],
    ['Invalid', 422],
  ] as const)('a ValidatingAdmissionPolicy denial (%s, %d) is an admission denial, not RBAC or a bad request', (reason, code) => {
    const err = fromStatus(shapes.vapDenialStatus('p', 'allowed-repos', 'b', 'no', reason));
    expect(err.kind).toBe('admission-denied');
    expect(err.code).toBe(code);
    expect(err.message).toBe(`pods "p" is forbidden: ValidatingAdmissionPolicy 'allowed-repos' with binding 'b' denied request: no`);
  });

  test('a Pod Security refusal is an admission denial too (the check tells them apart)', () => {
    expect(fromStatus(shapes.podSecurityDenialStatus('p')).kind).toBe('admission-denied');
  });

  test('an RBAC 403 is forbidden and keeps the message naming user, verb and resource', () => {
    const err = fromStatus(shapes.rbacForbiddenStatus('system:serviceaccount:ci:v', 'get', 'constrainttemplates', 'templates.gatekeeper.sh', 'k8sallowedrepos'));
    expect(err.kind).toBe('forbidden');
    expect(describeApiError(err)).toMatch(/^403 Forbidden: constrainttemplates\.templates\.gatekeeper\.sh "k8sallowedrepos" is forbidden: User "system:serviceaccount:ci:v" cannot get resource/);
  });

  test('a webhook that timed out (500 InternalError, context deadline exceeded) is a webhook failure', () => {
    const err = fromStatus(shapes.webhookTimeoutStatus);
    expect(err.kind).toBe('webhook-failure');
    expect(err.webhookTimedOut).toBe(true);
    expect(describeApiError(err)).toMatch(/^an admission webhook timed out: Internal error occurred: failed calling webhook "validation\.gatekeeper\.sh"/);
  });

  test('404, 409 and other codes', () => {
    expect(fromStatus(shapes.notFoundStatus('jobs', 'batch', 'x')).kind).toBe('not-found');
    expect(fromStatus(shapes.noSuchResourceStatus).kind).toBe('not-found');
    expect(fromStatus(shapes.alreadyExistsStatus('jobs', 'batch', 'x')).kind).toBe('conflict');
    expect(errorFromResponse(503, 'upstream connect error\nmore').message).toBe('upstream connect error');
    expect(errorFromResponse(503, 'x').kind).toBe('server');
    expect(errorFromResponse(502, undefined).message).toBe('HTTP 502');
  });
});

describe('errorFromTransport', () => {
  const server = 'https://example.hcp.eastus.azmk8s.io:443';
  test('connection refused and DNS failures are unreachable, naming the server', () => {
    const refused = errorFromTransport({ name: 'FetchError', type: 'system', code: 'ECONNREFUSED', message: 'request to … failed' }, server, 1000);
    expect(refused.kind).toBe('unreachable');
    expect(refused.message).toBe(`cannot reach the API server at ${server}: connection refused (ECONNREFUSED)`);
    expect(errorFromTransport({ code: 'ENOTFOUND' }, server, 1000).message).toMatch(/host not found/);
  });
  test('an aborted request is a timeout, in seconds', () => {
    const err = errorFromTransport({ name: 'AbortError', type: 'aborted' }, server, 300);
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`no answer from the API server at ${server} within 0.3 s`);
  });
  test('TLS failures are unreachable with the TLS code', () => {
    expect(errorFromTransport({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', type: 'system' }, server, 1).message).toMatch(/TLS .* DEPTH_ZERO_SELF_SIGNED_CERT/);
  });
  test('anything else is a client error, one line only', () => {
    const err = errorFromTransport(new Error('exec: kubelogin not found\nstack…'), server, 1);
    expect(err.kind).toBe('client');
    expect(err.message).toBe(`the request to ${server} could not be made: exec: kubelogin not found`);
  });
  test('fatal errors end the run; the others only fail their check', () => {
    expect(isFatal(new KubeApiError('unreachable', 'x'))).toBe(true);
    expect(isFatal(new KubeApiError('unauthorized', 'x'))).toBe(true);
    expect(isFatal(new KubeApiError('client', 'x'))).toBe(true);
    expect(isFatal(new Error('bug'))).toBe(true);
    expect(isFatal(new KubeApiError('timeout', 'x'))).toBe(true);
    expect(isFatal(new KubeApiError('forbidden', 'x'))).toBe(false);
  });
});
