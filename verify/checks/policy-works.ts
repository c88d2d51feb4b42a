import { ADDON_CONSTRAINT } from '../../config/azure-policy-definition';
import type { Check, CheckContext, CheckOutcome } from '../check';
import { describeApiError, isFatal, KubeApiError } from '../kube-api';
import type { GatekeeperPolicyManifests, VapPolicyManifests } from '../manifests';
import { allowedImage, deniedImage, probePod } from '../probe-pods';
import { findAddonConstraint, missingConstraintLine } from './addon-constraint';

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
    const resolved = await policyTarget(ctx);
    if ('outcome' in resolved) return resolved.outcome;
    const { target } = resolved;
    const denied = deniedImage(config.allowedRepos);
    const allowed = allowedImage(config.allowedRepos);
    const scopeNamespace = ctx.cluster.smokeTest?.namespace ?? 'default';
    const probes: Probe[] = [];
    for (const ns of config.namespaces) {
      probes.push(await expectRefused(ctx, target, ns, denied));
      if (allowed) probes.push(await expectAdmitted(ctx, ns, allowed, 'allowed image'));
    }
    if (config.namespaces.includes(scopeNamespace)) {
      probes.push({ ok: true, line: `${scopeNamespace}: scope not checked (the smoke-test namespace is one of the policy's namespaces)` });
    } else {
      probes.push(await expectAdmitted(ctx, scopeNamespace, denied, 'outside the policy'));
    }
    const expected =
      `${denied} refused by ${target.label} in ${config.namespaces.join(', ')}` +
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

/** The policy whose refusals the probes look for: how to name it, and how to recognize its denial. */
export interface PolicyTarget {
  readonly label: string;
  /** Runs on Gatekeeper, whose webhook admits everything while unreachable (failurePolicy Ignore). */
  readonly gatekeeper: boolean;
  /** Whether a denial message is this policy's (not Pod Security's or another webhook's). */
  isDenial(message: string): boolean;
}

/** A Gatekeeper constraint's denial: Gatekeeper prefixes each violation with the constraint's name, `[name]` (older: `[denied by name]`). */
function gatekeeperTarget(kind: string, constraintName: string, label = `${kind} ${constraintName}`): PolicyTarget {
  return {
    label,
    gatekeeper: true,
    isDenial: (message) => message.includes(`[${constraintName}]`) || message.includes(`[denied by ${constraintName}]`),
  };
}

/** The target for the manifests of dist/ (gatekeeper, vap). */
export function manifestTarget(policy: GatekeeperPolicyManifests | VapPolicyManifests): PolicyTarget {
  if (policy.engine === 'gatekeeper') return gatekeeperTarget(policy.constraintKind, policy.constraintName);
  return {
    label: `ValidatingAdmissionPolicy ${policy.policyName}`,
    gatekeeper: false,
    isDenial: (message) => message.includes(`ValidatingAdmissionPolicy '${policy.policyName}' with binding '${policy.bindingName}' denied request`),
  };
}

/**
 * engine azure-policy: the add-on's constraint for this assignment, whose name the add-on chose;
 * its denial is a Gatekeeper one (`[azurepolicy-k8sazurev2containerallowedimag-<hash>] Container
 * image <image> for container <name> has not been allowed.`: Microsoft's "Deployment safeguards"
 * page shows it). Without the constraint there is nothing to probe: the check fails saying why.
 */
async function policyTarget(ctx: CheckContext): Promise<{ target: PolicyTarget } | { outcome: CheckOutcome }> {
  const policy = ctx.policy!;
  if (policy.engine !== 'azure-policy') return { target: manifestTarget(policy) };
  const lookup = await findAddonConstraint(ctx.api, policy);
  if (lookup.status !== 'found') {
    return {
      outcome: {
        passed: false,
        expected: `the ${ADDON_CONSTRAINT.kind} constraint of assignment ${policy.assignmentName} refuses disallowed images`,
        got: missingConstraintLine(lookup, policy, ctx.cluster),
      },
    };
  }
  const name = lookup.constraint.metadata?.name ?? '?';
  return { target: gatekeeperTarget(ADDON_CONSTRAINT.kind, name, `${ADDON_CONSTRAINT.kind} ${name} (assignment ${policy.assignmentName})`) };
}

async function expectRefused(ctx: CheckContext, target: PolicyTarget, ns: string, image: string): Promise<Probe> {
  const what = `${ns}: ${image}`;
  try {
    await ctx.api.dryRunCreatePod(ns, probePod(DENIED_PROBE_NAME, ns, image));
    return {
      ok: false,
      line:
        `${what} was admitted, expected refusal by ${target.label}` +
        (target.gatekeeper
          ? " (with Gatekeeper's default failurePolicy Ignore, an unreachable webhook also admits: check kubectl -n gatekeeper-system get pods)"
          : ''),
    };
  } catch (e) {
    const err = rethrowFatal(e);
    if (err.kind === 'admission-denied' && target.isDenial(err.message)) {
      if (!err.message.includes(image)) {
        return { ok: false, line: `${what} refused by the policy, but the message does not name the image: ${err.message}` };
      }
      return { ok: true, line: `${what} refused: ${err.message}` };
    }
    if (err.kind === 'admission-denied') return { ok: false, line: `${what} refused, but not by ${target.label}: ${err.message}` };
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
