import type { Check, CheckContext } from '../check';
import { describeApiError, isFatal, KubeApiError } from '../kube-api';
import type { PolicyManifests } from '../manifests';
import { allowedImage, deniedImage, probePod } from '../probe-pods';

export const DENIED_PROBE_NAME = 'aks-day2-verify-denied';
export const ALLOWED_PROBE_NAME = 'aks-day2-verify-allowed';

/** One dry-run submission and whether its answer was the expected one. */
interface Probe {
  readonly ok: boolean;
  readonly line: string;
}

/**
 * Runbook: "kubectl run centosprod --image=centos -n production" must be refused, an image from
 * the allowed registry admitted, and centos admitted in the default namespace. Server-side dry
 * run instead of kubectl run (whose --generator flag is gone): admission runs, nothing is created.
 */
export const policyWorksCheck: Check = {
  id: 'policy-works',
  title: 'registry policy refuses and admits (server-side dry run)',
  notApplicable: (cluster) =>
    !cluster.policy
      ? 'the cluster has no policy in the config'
      : cluster.policy.enforcement !== 'deny'
        ? `policy.enforcement is ${cluster.policy.enforcement}: the policy refuses nothing, so there is no refusal to probe (README: "Rolling out")`
        : undefined,
  async run(ctx) {
    const config = ctx.cluster.policy!;
    const denied = deniedImage(config.allowedRepos);
    const allowed = allowedImage(config.allowedRepos);
    const scopeNamespace = ctx.cluster.smokeTest?.namespace ?? 'default';
    const probes: Probe[] = [];
    for (const ns of config.namespaces) {
      probes.push(await expectRefused(ctx, ns, denied));
      if (allowed) probes.push(await expectAdmitted(ctx, ns, allowed, 'allowed image'));
    }
    if (config.namespaces.includes(scopeNamespace)) {
      probes.push({ ok: true, line: `${scopeNamespace}: scope not checked (the smoke-test namespace is one of the policy's namespaces)` });
    } else {
      probes.push(await expectAdmitted(ctx, scopeNamespace, denied, 'outside the policy'));
    }
    const expected =
      `${denied} refused by ${policyLabel(ctx.policy!)} in ${config.namespaces.join(', ')}` +
      (allowed ? `; ${allowed} admitted there` : '') +
      (config.namespaces.includes(scopeNamespace) ? '' : `; ${denied} admitted in ${scopeNamespace}`);
    const failed = probes.filter((p) => !p.ok);
    return {
      passed: failed.length === 0,
      expected,
      got: failed.length === 0 ? 'as expected' : failed.map((p) => p.line).join('; '),
      details: probes.map((p) => `${p.ok ? 'ok  ' : 'FAIL'} ${p.line}`),
    };
  },
};

function policyLabel(policy: PolicyManifests): string {
  return policy.engine === 'gatekeeper' ? `${policy.constraintKind} ${policy.constraintName}` : `ValidatingAdmissionPolicy ${policy.policyName}`;
}

/** Whether a denial message names this project's policy (not Pod Security or another webhook). */
export function isDenialByPolicy(message: string, policy: PolicyManifests): boolean {
  if (policy.engine === 'gatekeeper') {
    // Gatekeeper prefixes each violation with the constraint's name: `[name]` (older: `[denied by name]`).
    return message.includes(`[${policy.constraintName}]`) || message.includes(`[denied by ${policy.constraintName}]`);
  }
  return message.includes(`ValidatingAdmissionPolicy '${policy.policyName}' with binding '${policy.bindingName}' denied request`);
}

async function expectRefused(ctx: CheckContext, ns: string, image: string): Promise<Probe> {
  const what = `${ns}: ${image}`;
  try {
    await ctx.api.dryRunCreatePod(ns, probePod(DENIED_PROBE_NAME, ns, image));
    return {
      ok: false,
      line:
        `${what} was admitted, expected refusal by ${policyLabel(ctx.policy!)}` +
        (ctx.policy!.engine === 'gatekeeper'
          ? " (with Gatekeeper's default failurePolicy Ignore, an unreachable webhook also admits: check kubectl -n gatekeeper-system get pods)"
          : ''),
    };
  } catch (e) {
    const err = rethrowFatal(e);
    if (err.kind === 'admission-denied' && isDenialByPolicy(err.message, ctx.policy!)) {
      if (!err.message.includes(image)) {
        return { ok: false, line: `${what} refused by the policy, but the message does not name the image: ${err.message}` };
      }
      return { ok: true, line: `${what} refused: ${err.message}` };
    }
    if (err.kind === 'admission-denied') return { ok: false, line: `${what} refused, but not by ${policyLabel(ctx.policy!)}: ${err.message}` };
    return { ok: false, line: `${what}: ${describeApiError(err)}` };
  }
}

async function expectAdmitted(ctx: CheckContext, ns: string, image: string, why: string): Promise<Probe> {
  const what = `${ns}: ${image} (${why})`;
  try {
    await ctx.api.dryRunCreatePod(ns, probePod(why === 'allowed image' ? ALLOWED_PROBE_NAME : DENIED_PROBE_NAME, ns, image));
    return { ok: true, line: `${what} admitted` };
  } catch (e) {
    const err = rethrowFatal(e);
    return { ok: false, line: `${what} expected admitted, got ${err.kind === 'admission-denied' ? `refused: ${err.message}` : describeApiError(err)}` };
  }
}

/** Errors that make every further call pointless end the check (and the run). */
function rethrowFatal(e: unknown): KubeApiError {
  if (isFatal(e)) throw e;
  return e as KubeApiError;
}
