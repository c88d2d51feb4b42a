import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PolicyConfig } from '../../config/model';
import {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
  type AdmissionOperation,
  type NamedRuleWithOperations,
} from '../../imports/k8s-admissionregistration-v1';
import { IMAGE_SLOTS, POD_KIND, WORKLOAD_KINDS, allowedReposVariables, vapPreludeVariables, vapValidations } from './allowed-repos-cel';
import { VAP_VALIDATION_ACTIONS } from './enforcement';
import { imageVolumesPolicyName } from './policy-names';

/** Label every namespace carries (Kubernetes >= 1.22), so a selector can list names. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** What the policy judges: CREATE and UPDATE (DELETE and CONNECT never introduce an image). */
const OPERATIONS: readonly AdmissionOperation[] = ['CREATE', 'UPDATE'];

/**
 * matchConstraints.resourceRules: Pods, the pods/ephemeralcontainers subresource that
 * `kubectl debug` writes (a rule for "pods" alone does not match subresources), and with
 * `workloads` the workload resources, one rule per API group. Status and scale subresources
 * are not listed, so they are not matched.
 */
export function vapResourceRules(workloads: boolean): NamedRuleWithOperations[] {
  const kinds = workloads ? [POD_KIND, ...WORKLOAD_KINDS] : [POD_KIND];
  const groups = new Map<string, string[]>();
  for (const k of kinds) {
    const resources = k === POD_KIND ? [k.resource, `${k.resource}/ephemeralcontainers`] : [k.resource];
    groups.set(k.apiGroup, [...(groups.get(k.apiGroup) ?? []), ...resources]);
  }
  return [...groups].map(([group, resources]) => ({ apiGroups: [group], apiVersions: ['v1'], operations: [...OPERATIONS], resources }));
}

export interface AllowedReposVapChartProps extends ChartProps {
  /** The cluster's policy: namespaces, allowed repos (ACR login server included), name, workloads, enforcement. */
  readonly policy: PolicyConfig;
  /**
   * Judge image volumes only, as the companion of the azure-policy engine: the add-on's built-in
   * definition judges containers, init containers and ephemeral containers but not image
   * volumes. Named `<policy.name>-image-volumes`.
   * @default false (every image: containers of all three lists and image volumes)
   */
  readonly imageVolumesOnly?: boolean;
}


/**
 * The allowed-registries rule as a native ValidatingAdmissionPolicy and its binding
 * (admissionregistration.k8s.io/v1, Kubernetes >= 1.30): no Gatekeeper needed.
 * Runbook: "kubectl apply -f constraint.yaml" (only images from the allowed repos in production).
 *
 * It runs the same CEL as the Gatekeeper template; the allow-list is baked into the policy's
 * `params` variable (see vapPreludeVariables for why not a paramKind). Each validation has
 * `reason: Forbidden`: the API server answers a denial with that reason's code, 403 like
 * Gatekeeper (without it, 422 Invalid).
 */
export class AllowedReposVapChart extends Chart {
  public readonly policy: ValidatingAdmissionPolicy;
  public readonly binding: ValidatingAdmissionPolicyBinding;
  /** The allow-list baked into the policy. */
  public readonly repos: readonly string[];
  /** The namespaces the binding selects. */
  public readonly namespaces: readonly string[];
  /** The binding's validationActions: [Deny], [Warn] or [Audit] (policy.enforcement). */
  public readonly validationActions: readonly ('Deny' | 'Warn' | 'Audit')[];

  public constructor(scope: Construct, id: string, props: AllowedReposVapChartProps) {
    super(scope, id, props);
    const { policy } = props;
    const slots = props.imageVolumesOnly ? IMAGE_SLOTS.filter((slot) => slot.field === 'volumes') : IMAGE_SLOTS;
    const name = props.imageVolumesOnly ? imageVolumesPolicyName(policy) : policy.name;
    this.repos = [...policy.allowedRepos];
    this.namespaces = [...policy.namespaces];
    this.validationActions = VAP_VALIDATION_ACTIONS[policy.enforcement];

    this.policy = new ValidatingAdmissionPolicy(this, 'policy', {
      metadata: { name },
      spec: {
        // An expression that errors denies the request rather than admitting it.
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: vapResourceRules(policy.workloads) },
        variables: [...vapPreludeVariables(this.repos), ...allowedReposVariables(slots)],
        validations: [...vapValidations(slots)],
      },
    });

    this.binding = new ValidatingAdmissionPolicyBinding(this, 'binding', {
      metadata: { name },
      spec: {
        policyName: name,
        validationActions: [...this.validationActions],
        matchResources: {
          namespaceSelector: {
            matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: this.namespaces }],
          },
        },
      },
    });
  }
}
