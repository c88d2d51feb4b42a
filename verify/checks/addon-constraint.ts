import { ADDON_CONSTRAINT } from '../../config/azure-policy-definition';
import { KubeApiError, type KubeApi, type KubeObject } from '../kube-api';
import type { AzurePolicyManifests } from '../manifests';

/**
 * The constraint the Azure Policy add-on created on the cluster for this cluster's assignment.
 * The add-on names constraints itself (`azurepolicy-k8sazurev2containerallowedimag-<hash>`) and
 * annotates each with the assignment it came from (`azure-policy-assignment-id`; Microsoft's
 * "Azure Policy for Kubernetes" page, "View constraint details"), so the constraints of the
 * kind are listed and the one of this assignment picked by that annotation, ignoring case (ids
 * are case-insensitive and have been seen with `resourcegroups` lowercased).
 */
export type AddonConstraintLookup =
  | { readonly status: 'found'; readonly constraint: KubeObject }
  /** The constraint kind does not exist: the add-on has installed no template for the definition. */
  | { readonly status: 'no-kind' }
  /** Constraints of the kind exist, none for this assignment (others: their names). */
  | { readonly status: 'missing'; readonly others: readonly string[] };

export const ASSIGNMENT_ID_ANNOTATION = 'azure-policy-assignment-id';

/** The add-on checks for assignment changes every 15 minutes (same page, "Policy evaluation"). */
export const ADDON_SYNC_NOTE = 'the Azure Policy add-on syncs assignments to the cluster about every 15 minutes';

export async function findAddonConstraint(api: KubeApi, p: AzurePolicyManifests): Promise<AddonConstraintLookup> {
  let items: readonly KubeObject[];
  try {
    items = (await api.listClusterObjects({ group: ADDON_CONSTRAINT.group, version: ADDON_CONSTRAINT.version, plural: ADDON_CONSTRAINT.plural })).items;
  } catch (e) {
    if (e instanceof KubeApiError && e.kind === 'not-found') return { status: 'no-kind' };
    throw e;
  }
  const constraint = items.find((c) => (c.metadata?.annotations?.[ASSIGNMENT_ID_ANNOTATION] ?? '').toLowerCase().endsWith(p.assignmentIdSuffix));
  return constraint ? { status: 'found', constraint } : { status: 'missing', others: items.map((c) => c.metadata?.name ?? '?') };
}

/** Why the lookup found nothing, with what to do, in one line. */
export function missingConstraintLine(lookup: Exclude<AddonConstraintLookup, { status: 'found' }>, p: AzurePolicyManifests, aks: { resourceGroup: string; aksName: string }): string {
  const check = `check the assignment (az policy assignment show -n ${p.assignmentName} --scope "$(az aks show -g ${aks.resourceGroup} -n ${aks.aksName} --query id -o tsv)") and the add-on (kubectl -n kube-system get pods -l app=azure-policy)`;
  return lookup.status === 'no-kind'
    ? `no ${ADDON_CONSTRAINT.kind} constraints can exist yet: the add-on has not installed the definition's template; ${ADDON_SYNC_NOTE}, so wait and run again, or if it has been longer, ${check}`
    : `no ${ADDON_CONSTRAINT.kind} constraint for assignment ${p.assignmentName} yet${lookup.others.length ? ` (others: ${lookup.others.join(', ')})` : ''}: ${ADDON_SYNC_NOTE}, so wait and run again, or if it has been longer, ${check}`;
}
