import type { ClusterConfig } from '../../../config/model';
import type { AzureCheck, AzureCheckContext } from '../check';

const cidr = (ip: string) => (ip.includes('/') ? ip : `${ip}/32`);

/**
 * Runbook: "find the Public IP (PIP) of the AKS cluster to be able to add it to firewalls for IP
 * whitelisting" and "az network public-ip show -g $RG -n $AGPUBLICIP_NAME --query ipAddress".
 * The addresses as they are now (the API server's FQDN resolved as the stack resolves it, the
 * App Gateway's public IP read from Azure) must equal the `firewall_allowlist` output of the
 * deployed state, which is what the firewall team was given; a difference names each address
 * that is new or gone.
 */
export const firewallAllowlistCheck: AzureCheck = {
  id: 'firewall-allowlist',
  title: 'the live addresses equal the deployed allow-list',
  notApplicable: (c: ClusterConfig) =>
    c.privateCluster && !c.appGateway ? 'a private cluster without appGateway has no firewall_allowlist output' : undefined,
  async run(ctx: AzureCheckContext) {
    const { cluster } = ctx;
    const deployed = await ctx.deployedAllowlist();
    const expected = `the live addresses equal firewall_allowlist from ${deployed.source}`;
    if (!deployed.cidrs) return { passed: false, expected, got: `${deployed.source} has no firewall_allowlist output (deployed yet?)` };

    const live: string[] = [];
    const details: string[] = [];
    if (!cluster.privateCluster) {
      const aks = await ctx.azure.getManagedCluster(cluster.resourceGroup, cluster.aksName);
      if (!aks.fqdn) return { passed: false, expected, got: `cluster ${cluster.aksName} reports no fqdn` };
      const ips = await ctx.azure.resolve(aks.fqdn);
      details.push(`API server ${aks.fqdn}: ${ips.join(', ') || 'resolves to nothing'}`);
      live.push(...ips.map(cidr));
    }
    if (cluster.appGateway) {
      const { publicIpName, resourceGroup } = cluster.appGateway;
      const ip = await ctx.azure.getPublicIpAddress(resourceGroup, publicIpName);
      details.push(`App Gateway public IP ${publicIpName}: ${ip ?? 'no address allocated'}`);
      if (ip) live.push(cidr(ip));
    }
    const now = [...new Set(live)].sort();
    const given = [...new Set(deployed.cidrs)].sort();
    const added = now.filter((a) => !given.includes(a));
    const gone = given.filter((a) => !now.includes(a));
    const changes = [...added.map((a) => `new: ${a}`), ...gone.map((a) => `gone: ${a}`)];
    return {
      passed: changes.length === 0,
      expected,
      got: changes.length === 0 ? `equal: ${now.join(', ')}` : `${changes.join('; ')} (the firewall allow-list needs updating; re-run cdktf deploy to refresh the output)`,
      details,
    };
  },
};
