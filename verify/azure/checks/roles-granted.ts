import { builtInRoleById, findBuiltInRole } from '../../../config/built-in-roles';
import type { ClusterConfig } from '../../../config/model';
import { armId, roleGuid, scopeCovers, type AzureCheck, type AzureCheckContext } from '../check';

/** One grant the config asks for: a role for a principal at a scope. */
interface Grant {
  readonly what: string;
  readonly roleId: string;
  readonly principalId?: string;
  /** Why the principal is not known (it is then not checked). */
  readonly unresolved?: string;
  readonly scope: string;
}

const roleName = (id: string) => builtInRoleById(id)?.name ?? id;

/** A monitoring role as the config holds it (Azure's name, or a GUID) as a role definition GUID. */
function roleIdOf(role: string): string {
  return (findBuiltInRole(role)?.id ?? role).toLowerCase();
}

/**
 * Runbook: "az aks update --attach-acr" (AcrPull for the kubelet identity on the registry) and
 * "az role assignment create --assignee $APPID --role ..." (the monitoring roles on the
 * cluster). Each grant must be assigned to the principal at the scope or above it (an
 * assignment on the resource group or subscription is inherited). A principal given by appId is
 * not checked: resolving an appId to its object id needs Microsoft Graph, which verify does not
 * call; configure it by objectId to have it checked.
 */
export const rolesGrantedCheck: AzureCheck = {
  id: 'roles-granted',
  title: 'the configured roles are assigned',
  notApplicable: (c: ClusterConfig) => (!c.acr && !c.monitoring ? 'neither acr nor monitoring is configured' : undefined),
  async run(ctx: AzureCheckContext) {
    const { cluster, subscriptionId: sub } = ctx;
    const aks = await ctx.azure.getManagedCluster(cluster.resourceGroup, cluster.aksName);
    const grants: Grant[] = [];
    if (cluster.acr) {
      grants.push({
        what: `AcrPull for the kubelet identity on registry ${cluster.acr.name}`,
        roleId: findBuiltInRole('AcrPull')!.id,
        scope: armId.registry(sub, cluster.acr.resourceGroup, cluster.acr.name),
        ...(aks.kubeletObjectId ? { principalId: aks.kubeletObjectId } : { unresolved: 'the cluster reports no kubelet identity (identityProfile.kubeletidentity)' }),
      });
    }
    const monitoring = cluster.monitoring;
    if (monitoring) {
      const p = monitoring.principal;
      const principal =
        'objectId' in p
          ? { principalId: p.objectId }
          : 'monitoringAgent' in p
            ? aks.omsAgentObjectId
              ? { principalId: aks.omsAgentObjectId }
              : { unresolved: 'the cluster reports no monitoring add-on identity (addonProfiles.omsagent.identity)' }
            : { unresolved: `appId ${p.appId} is not resolved (that needs Microsoft Graph); configure monitoring.principal.objectId to have it checked` };
      for (const role of monitoring.roles) {
        const roleId = roleIdOf(role);
        grants.push({ what: `${roleName(roleId)} for the monitoring principal on the cluster`, roleId, scope: aks.id, ...principal });
      }
    }

    const details: string[] = [];
    const missing: string[] = [];
    const unchecked: string[] = [];
    // One listing per principal and scope, however many roles it must hold there.
    const cache = new Map<string, Promise<Awaited<ReturnType<typeof ctx.azure.listRoleAssignments>>>>();
    for (const g of grants) {
      if (!g.principalId) {
        unchecked.push(g.what);
        details.push(`not checked: ${g.what}: ${g.unresolved}`);
        continue;
      }
      const key = `${g.scope}|${g.principalId}`;
      if (!cache.has(key)) cache.set(key, ctx.azure.listRoleAssignments(g.scope, g.principalId));
      const assignments = await cache.get(key)!;
      const found = assignments.find(
        (a) => a.principalId.toLowerCase() === g.principalId!.toLowerCase() && roleGuid(a.roleDefinitionId) === g.roleId.toLowerCase() && scopeCovers(a.scope, g.scope),
      );
      if (found) {
        details.push(`ok: ${g.what} (assigned at ${found.scope})`);
      } else {
        missing.push(g.what);
        details.push(`missing: ${g.what}: no assignment of role ${g.roleId} to principal ${g.principalId} at ${g.scope} or above`);
      }
    }
    const checked = grants.length - unchecked.length;
    return {
      passed: missing.length === 0,
      expected: `${grants.length} role assignment(s) in place`,
      got:
        missing.length > 0
          ? `${missing.length} missing: ${missing.join('; ')}`
          : `${checked} of ${grants.length} found${unchecked.length ? `, ${unchecked.length} not checked (see below)` : ''}`,
      details,
    };
  },
};
