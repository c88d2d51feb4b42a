import type { PolicyEnforcement } from '../../config/model';

/**
 * `policy.enforcement` in each engine's words. Kept apart from the charts (no cdk8s import) so
 * `verify` can compare what it finds on the cluster with what the config asks for.
 */

/**
 * Gatekeeper constraint `spec.enforcementAction` (gatekeeper pkg/util/enforcement_action.go:
 * deny, dryrun, warn; `scoped` per enforcement point is not used): deny refuses, warn admits with
 * a warning to the client, dryrun admits and only audit records the violation.
 */
export const GATEKEEPER_ENFORCEMENT_ACTION = {
  deny: 'deny',
  warn: 'warn',
  audit: 'dryrun',
} as const satisfies Record<PolicyEnforcement, string>;

/**
 * ValidatingAdmissionPolicyBinding `spec.validationActions`. The API server accepts any
 * non-empty set of Deny, Warn and Audit without duplicates except Deny with Warn
 * (kubernetes pkg/apis/admissionregistration/validation/validation.go validateValidationActions:
 * "must not contain both Deny and Warn"). Audit writes the failure into the API server's audit
 * log as the annotation validation.policy.admission.k8s.io/validation_failure.
 */
export const VAP_VALIDATION_ACTIONS = {
  deny: ['Deny'],
  warn: ['Warn'],
  audit: ['Audit'],
} as const satisfies Record<PolicyEnforcement, readonly ('Deny' | 'Warn' | 'Audit')[]>;
