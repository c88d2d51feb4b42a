import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PolicyConfig } from '../../config/model';
import {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
  type NamedRuleWithOperations,
} from '../../imports/k8s-admissionregistration-v1';
import { ALLOWED_REPOS_VALIDATIONS, ALLOWED_REPOS_VARIABLES, vapPreludeVariables } from './allowed-repos-cel';

/** Label every namespace carries (Kubernetes >= 1.22), so a selector can list names. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Pods on create and update, and the pods/ephemeralcontainers subresource that `kubectl debug`
 * writes: a rule for "pods" alone does not match subresources.
 */
export const VAP_RESOURCE_RULES: readonly NamedRuleWithOperations[] = [
  {
    apiGroups: [''],
    apiVersions: ['v1'],
    operations: ['CREATE', 'UPDATE'],
    resources: ['pods', 'pods/ephemeralcontainers'],
  },
];

export interface AllowedReposVapChartProps extends ChartProps {
  /** The cluster's policy: namespaces, allowed repos (ACR login server included) and name. */
  readonly policy: PolicyConfig;
}

/**
 * The allowed-registries rule as a native ValidatingAdmissionPolicy and its binding
 * (admissionregistration.k8s.io/v1, Kubernetes >= 1.30): no Gatekeeper needed.
 * Runbook: "kubectl apply -f constraint.yaml" (only images from the allowed repos in production).
 *
 * It runs the same CEL as the Gatekeeper template; the allow-list is baked into the policy's
 * `params` variable (see vapPreludeVariables for why not a paramKind).
 */
export class AllowedReposVapChart extends Chart {
  public readonly policy: ValidatingAdmissionPolicy;
  public readonly binding: ValidatingAdmissionPolicyBinding;
  /** The allow-list baked into the policy. */
  public readonly repos: readonly string[];
  /** The namespaces the binding selects. */
  public readonly namespaces: readonly string[];

  public constructor(scope: Construct, id: string, props: AllowedReposVapChartProps) {
    super(scope, id, props);
    const { policy } = props;
    this.repos = [...policy.allowedRepos];
    this.namespaces = [...policy.namespaces];

    this.policy = new ValidatingAdmissionPolicy(this, 'policy', {
      metadata: { name: policy.name },
      spec: {
        // An expression that errors denies the request rather than admitting it.
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: VAP_RESOURCE_RULES },
        variables: [...vapPreludeVariables(this.repos), ...ALLOWED_REPOS_VARIABLES],
        validations: [...ALLOWED_REPOS_VALIDATIONS],
      },
    });

    this.binding = new ValidatingAdmissionPolicyBinding(this, 'binding', {
      metadata: { name: policy.name },
      spec: {
        policyName: policy.name,
        validationActions: ['Deny'],
        matchResources: {
          namespaceSelector: {
            matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: this.namespaces }],
          },
        },
      },
    });
  }
}
