import type { PolicyConfig, PolicyEnforcement } from './model';
import { allowedImagesRegex } from './azure-policy-regex';

/**
 * What aks-day2 relies on from Azure Policy's built-in definition "Kubernetes cluster containers
 * should only use allowed images", for `policy.engine: azure-policy` (docs/azure-policy.md).
 *
 * Read from Azure/azure-policy at f4a50bac ("Built-in Policy Release 3.2026.0417.1"),
 * built-in-policies/policyDefinitions/Kubernetes/ContainerAllowedImages.json: version 9.3.0
 * (the file last changed in 1216b4b1, 2024-08-14), mode Microsoft.Kubernetes.Data, kinds Pod,
 * template .../container-allowed-images/v2/template.yaml, parameters source, warn, effect,
 * excludedNamespaces, namespaces, labelSelector, allowedContainerImagesRegex,
 * excludedContainers. A later release that renames or drops a parameter makes Azure refuse the
 * assignment at deploy time ("parameter not defined"); compare this file with the definition.
 */
export const ALLOWED_IMAGES_DEFINITION = {
  /** Its `id` as the file spells it, which Azure returns: `policy_definition_id` is ForceNew and case-sensitive. */
  id: '/providers/Microsoft.Authorization/policyDefinitions/febd0533-8e55-448f-b837-bd0e06f16469',
  displayName: 'Kubernetes cluster containers should only use allowed images',
  version: '9.3.0',
  templateUrl: 'https://store.policy.core.windows.net/kubernetes/container-allowed-images/v2/template.yaml',
} as const;

/** The definition's default for `excludedNamespaces`. */
export const DEFINITION_EXCLUDED_NAMESPACES = ['kube-system', 'gatekeeper-system', 'azure-arc', 'azure-extensions-usage-system'] as const;

/**
 * "System namespaces kube-system, gatekeeper-system and azure-arc are always excluded by design"
 * (the parameter's description; "azure-extensions-usage-system is optional to remove").
 */
export const ALWAYS_EXCLUDED_NAMESPACES = ['kube-system', 'gatekeeper-system', 'azure-arc'] as const;

/**
 * `effect` per `policy.enforcement` (allowed values: audit, Audit, deny, Deny, disabled, Disabled).
 * warn is Audit with the `warn` parameter ("Whether or not to return warnings back to the user in
 * the kubectl cli"): the add-on then sets the constraint's enforcementAction to `scoped`, audit
 * plus a warning at admission (Azure/AKS#5745).
 */
export const AZURE_POLICY_EFFECT = {
  deny: 'Deny',
  warn: 'Audit',
  audit: 'Audit',
} as const satisfies Record<PolicyEnforcement, 'Deny' | 'Audit'>;

/**
 * The constraint the add-on creates on the cluster from the assignment (Microsoft's "Azure
 * Policy for Kubernetes" page shows its shape; the kind and name prefix are those seen on AKS:
 * `azurepolicy-k8sazurev2containerallowedimag-<hash>`, label `managed-by: azure-policy-addon`,
 * annotations `azure-policy-assignment-id` and `azure-policy-definition-id`). The definition's
 * `details.namespaces` and `details.excludedNamespaces` become the constraint's
 * `spec.match.namespaces` and `spec.match.excludedNamespaces`: Microsoft's example constraint
 * shows `match.excludedNamespaces`, and the repository's reference constraint
 * (built-in-references/Kubernetes/container-allowed-images/constraint.yaml) writes the
 * assignment's excludedNamespaces there; a Gatekeeper constraint has no other place for either.
 */
export const ADDON_CONSTRAINT = {
  group: 'constraints.gatekeeper.sh',
  version: 'v1beta1',
  kind: 'K8sAzureV2ContainerAllowedImages',
  plural: 'k8sazurev2containerallowedimages',
  /** The constraint parameter the definition maps allowedContainerImagesRegex to (`values.imageRegex`). */
  regexParameter: 'imageRegex',
  /** The constraint parameter of the definition's excludedContainers (`values.excludedContainers`); aks-day2 leaves it empty. */
  excludedContainersParameter: 'excludedContainers',
} as const;

/**
 * The constraint's `spec.enforcementAction` per `policy.enforcement`: effect Deny → deny, Audit →
 * dryrun (Azure/AKS#2703), Audit with warn → scoped, with warn at the webhook (Azure/AKS#5745).
 */
export const ADDON_ENFORCEMENT_ACTION = {
  deny: 'deny',
  warn: 'scoped',
  audit: 'dryrun',
} as const satisfies Record<PolicyEnforcement, string>;

/** One parameter value of an assignment, as ARM takes and returns it. */
export interface ParameterValue<T> {
  readonly value: T;
}

/** The assignment's parameters (every one given, so the portal shows the whole decision). */
export interface AllowedImagesParameters {
  readonly allowedContainerImagesRegex: ParameterValue<string>;
  readonly effect: ParameterValue<'Deny' | 'Audit'>;
  readonly excludedNamespaces: ParameterValue<readonly string[]>;
  readonly namespaces: ParameterValue<readonly string[]>;
  /** All: the Pod and the what-if Pods Gatekeeper expands from workloads; Original: Pods only. */
  readonly source: ParameterValue<'All' | 'Original'>;
  readonly warn: ParameterValue<boolean>;
}

/** The parameters for a cluster's policy, from the same config as the other engines. */
export function allowedImagesParameters(policy: PolicyConfig): AllowedImagesParameters {
  return {
    allowedContainerImagesRegex: { value: allowedImagesRegex(policy.allowedRepos) },
    effect: { value: AZURE_POLICY_EFFECT[policy.enforcement] },
    // The definition's exclusions, except one the config explicitly wants judged (only
    // azure-extensions-usage-system can be; the config refuses the always-excluded ones).
    excludedNamespaces: { value: DEFINITION_EXCLUDED_NAMESPACES.filter((ns) => !policy.namespaces.includes(ns)) },
    namespaces: { value: [...policy.namespaces] },
    // The add-on evaluates workloads only through Gatekeeper expansion, which a definition
    // turns on with `source: All` (add-on 1.7.0 changelog in Microsoft's "Azure Policy for
    // Kubernetes" page; AKS only, not Arc).
    source: { value: policy.workloads ? 'All' : 'Original' },
    warn: { value: policy.enforcement === 'warn' },
  };
}

/**
 * The `parameters` string: compact JSON with sorted keys, the form azurerm's Read writes back
 * (json.Marshal of the returned map: internal/services/policy/policy.go
 * flattenParameterValuesValueToStringV2; Go also escapes <, > and & there). A re-plan compares
 * the two as JSON values anyway (`parameters` has DiffSuppressFunc SuppressJsonDiff:
 * internal/services/policy/assignment_resource_base.go).
 */
export function parametersJson(parameters: AllowedImagesParameters): string {
  const sorted = Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify(sorted);
}
