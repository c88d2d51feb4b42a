import { GATEKEEPER_ENFORCEMENT_ACTION, VAP_VALIDATION_ACTIONS } from '../../charts/policy/enforcement';
import type { Check, CheckContext, CheckOutcome } from '../check';
import { KubeApiError, type KubeObject } from '../kube-api';
import type { GatekeeperPolicyManifests, VapPolicyManifests } from '../manifests';

interface TemplateStatus {
  readonly created?: boolean;
  readonly byPod?: ReadonlyArray<{ readonly id?: string; readonly errors?: ReadonlyArray<{ readonly message?: string }> }>;
}

/**
 * Runbook: "kubectl get constrainttemplate,k8sallowedrepos": the template took and the constraint
 * exists, enforcing as `policy.enforcement` says (deny, warn or audit): a constraint in dryrun
 * fails when the config says deny, and one in deny fails when the config says audit.
 */
export const policyInstalledCheck: Check = {
  id: 'policy-installed',
  title: 'registry policy installed',
  notApplicable: (cluster) => (cluster.policy ? undefined : 'the cluster has no policy in the config'),
  async run(ctx) {
    const policy = ctx.policy!;
    return policy.engine === 'gatekeeper' ? gatekeeper(ctx, policy) : vap(ctx, policy);
  },
};

async function gatekeeper({ api, distDir, cluster }: CheckContext, p: GatekeeperPolicyManifests): Promise<CheckOutcome> {
  const enforcement = cluster.policy!.enforcement;
  const want = GATEKEEPER_ENFORCEMENT_ACTION[enforcement];
  const expected = `ConstraintTemplate ${p.templateName} created; ${p.constraintKind} ${p.constraintName} present, enforcementAction ${want} (policy.enforcement ${enforcement})`;
  const template = await getOrUndefined(() =>
    api.getClusterObject({ group: 'templates.gatekeeper.sh', version: p.templateVersion, plural: 'constrainttemplates', name: p.templateName }),
  );
  if (!template) {
    return {
      passed: false,
      expected,
      got: `ConstraintTemplate ${p.templateName} not found (is Gatekeeper installed? apply ${distDir}/gatekeeper-templates/)`,
    };
  }
  const status = (template.status ?? {}) as TemplateStatus;
  const errors = (status.byPod ?? []).flatMap((pod) => (pod.errors ?? []).map((e) => `${pod.id ?? 'pod'}: ${e.message ?? '?'}`));
  if (status.created !== true || errors.length > 0) {
    return {
      passed: false,
      expected,
      got: `ConstraintTemplate ${p.templateName} not created (status.created: ${String(status.created)})${errors.length ? `; errors: ${errors.join('; ')}` : ''}`,
    };
  }
  const constraint = await getOrUndefined(() =>
    api.getClusterObject({
      group: 'constraints.gatekeeper.sh',
      version: p.constraintVersion,
      plural: p.constraintKind.toLowerCase(),
      name: p.constraintName,
    }),
  );
  if (!constraint) {
    return { passed: false, expected, got: `template created, but ${p.constraintKind} ${p.constraintName} not found (apply ${distDir}/policy/)` };
  }
  // Gatekeeper's default action is deny. dryrun and warn refuse nothing; deny where the config
  // asks for a trial run refuses what the team meant only to watch. Either way: not as configured.
  const action = (constraint.spec as { enforcementAction?: string } | undefined)?.enforcementAction ?? 'deny';
  const violations = (constraint.status as { totalViolations?: number } | undefined)?.totalViolations;
  const audit = typeof violations === 'number' ? `; audit: ${violations} existing violation(s)` : '';
  const mismatch = action === want ? '' : ` (policy.enforcement ${enforcement} means ${want}: apply ${distDir}/policy/)`;
  return {
    passed: action === want,
    expected,
    got: `template created; ${p.constraintKind} ${p.constraintName} present, enforcementAction ${action}${mismatch}${audit}`,
  };
}

async function vap({ api, distDir, cluster }: CheckContext, p: VapPolicyManifests): Promise<CheckOutcome> {
  const enforcement = cluster.policy!.enforcement;
  const want: readonly string[] = VAP_VALIDATION_ACTIONS[enforcement];
  const expected = `ValidatingAdmissionPolicy ${p.policyName} without type-check warnings; binding ${p.bindingName} with validationActions [${want.join(', ')}] (policy.enforcement ${enforcement})`;
  const ref = (plural: string, name: string) => ({ group: 'admissionregistration.k8s.io', version: 'v1', plural, name });
  const policy = await getOrUndefined(() => api.getClusterObject(ref('validatingadmissionpolicies', p.policyName)));
  if (!policy) {
    return {
      passed: false,
      expected,
      got: `ValidatingAdmissionPolicy ${p.policyName} not found (apply ${distDir}/policy/; admissionregistration.k8s.io/v1 needs Kubernetes 1.30 or later)`,
    };
  }
  const warnings = ((policy.status as { typeChecking?: { expressionWarnings?: Array<{ fieldRef?: string; warning?: string }> } } | undefined)
    ?.typeChecking?.expressionWarnings ?? []).map((w) => `${w.fieldRef ?? '?'}: ${(w.warning ?? '').split('\n')[0]}`);
  const binding = await getOrUndefined(() => api.getClusterObject(ref('validatingadmissionpolicybindings', p.bindingName)));
  if (!binding) {
    return { passed: false, expected, got: `policy present, but binding ${p.bindingName} not found (apply ${distDir}/policy/)` };
  }
  const spec = (binding.spec ?? {}) as { policyName?: string; validationActions?: string[] };
  const actions = spec.validationActions ?? [];
  const problems = [
    spec.policyName !== p.policyName ? `binding points at policy "${spec.policyName ?? ''}"` : '',
    sameSet(actions, want)
      ? ''
      : `binding validationActions [${actions.join(', ')}], but policy.enforcement ${enforcement} means [${want.join(', ')}]` +
        (actions.includes('Deny') ? '' : ' (no Deny: nothing is refused)') +
        ` (apply ${distDir}/policy/)`,
    warnings.length > 0 ? `type-check warnings: ${warnings.join('; ')}` : '',
  ].filter(Boolean);
  return {
    passed: problems.length === 0,
    expected,
    got: problems.length === 0 ? `policy ${p.policyName} and binding ${p.bindingName} present, validationActions [${actions.join(', ')}]` : problems.join('; '),
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

async function getOrUndefined(get: () => Promise<KubeObject>): Promise<KubeObject | undefined> {
  try {
    return await get();
  } catch (e) {
    if (e instanceof KubeApiError && e.kind === 'not-found') return undefined;
    throw e;
  }
}
