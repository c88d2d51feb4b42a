// Hand-written (not generated): admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and
// ValidatingAdmissionPolicyBinding, GA in Kubernetes 1.30. cdk8s-plus-27 ships the 1.27 API
// (v1alpha1 only) and `cdk8s import k8s` needs the network, so this file types the fields
// aks-day2 uses, spelled exactly as the API spells them (so props are the JSON as is).
import { ApiObject, type ApiObjectMetadata, type GroupVersionKind } from 'cdk8s';
import type { Construct } from 'constructs';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | '*';

export interface NamedRuleWithOperations {
  readonly apiGroups?: readonly string[];
  readonly apiVersions?: readonly string[];
  readonly operations?: readonly AdmissionOperation[];
  /** Resources, `resource/subresource`, or `*`; subresources are matched only when listed. */
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly scope?: 'Cluster' | 'Namespaced' | '*';
}

export interface MatchResources {
  readonly namespaceSelector?: LabelSelector;
  readonly objectSelector?: LabelSelector;
  readonly resourceRules?: readonly NamedRuleWithOperations[];
  readonly excludeResourceRules?: readonly NamedRuleWithOperations[];
  readonly matchPolicy?: 'Exact' | 'Equivalent';
}

export interface Validation {
  readonly expression: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: 'Unauthorized' | 'Forbidden' | 'Invalid' | 'RequestEntityTooLarge';
}

export interface Variable {
  readonly name: string;
  readonly expression: string;
}

export interface MatchCondition {
  readonly name: string;
  readonly expression: string;
}

export interface ParamKind {
  readonly apiVersion: string;
  readonly kind: string;
}

export interface ValidatingAdmissionPolicySpec {
  readonly failurePolicy?: 'Fail' | 'Ignore';
  readonly paramKind?: ParamKind;
  readonly matchConstraints?: MatchResources;
  readonly matchConditions?: readonly MatchCondition[];
  readonly variables?: readonly Variable[];
  readonly validations?: readonly Validation[];
  readonly auditAnnotations?: readonly { readonly key: string; readonly valueExpression: string }[];
}

export interface ParamRef {
  readonly name?: string;
  readonly namespace?: string;
  readonly selector?: LabelSelector;
  readonly parameterNotFoundAction?: 'Allow' | 'Deny';
}

export interface ValidatingAdmissionPolicyBindingSpec {
  readonly policyName: string;
  readonly validationActions: readonly ('Deny' | 'Warn' | 'Audit')[];
  readonly matchResources?: MatchResources;
  readonly paramRef?: ParamRef;
}

export interface ValidatingAdmissionPolicyProps {
  readonly metadata?: ApiObjectMetadata;
  readonly spec: ValidatingAdmissionPolicySpec;
}

export interface ValidatingAdmissionPolicyBindingProps {
  readonly metadata?: ApiObjectMetadata;
  readonly spec: ValidatingAdmissionPolicyBindingSpec;
}

export class ValidatingAdmissionPolicy extends ApiObject {
  public static readonly GVK: GroupVersionKind = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
  };

  public constructor(scope: Construct, id: string, props: ValidatingAdmissionPolicyProps) {
    super(scope, id, { ...ValidatingAdmissionPolicy.GVK, ...props });
  }
}

export class ValidatingAdmissionPolicyBinding extends ApiObject {
  public static readonly GVK: GroupVersionKind = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
  };

  public constructor(scope: Construct, id: string, props: ValidatingAdmissionPolicyBindingProps) {
    super(scope, id, { ...ValidatingAdmissionPolicyBinding.GVK, ...props });
  }
}
