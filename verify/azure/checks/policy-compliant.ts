import { allowedImagesParameters } from '../../../config/azure-policy-definition';
import type { ClusterConfig } from '../../../config/model';
import { type AzureCheck, type AzureCheckContext } from '../check';

/**
 * Runbook: "enforce an allowed-registries policy", with engine azure-policy. The assignment
 * must exist at the cluster with the regex synthesized from the config (a hand edit in the
 * portal shows here), and its compliance is printed: a Kubernetes definition evaluates the
 * cluster as one resource (compliant or not), and the objects that break the rule are its
 * components, of which the first five are named. Non-compliant resources do not fail the check: the policy's
 * own enforcement decides what happens to them; this check proves the assignment is the one
 * synthesized.
 */
export const policyCompliantCheck: AzureCheck = {
  id: 'policy-compliant',
  title: 'the Azure Policy assignment is the synthesized one',
  notApplicable: (c: ClusterConfig) => (c.policy?.engine === 'azure-policy' ? undefined : `policy.engine is ${c.policy?.engine ?? 'not configured'}, not azure-policy`),
  async run(ctx: AzureCheckContext) {
    const { cluster } = ctx;
    const policy = cluster.policy!;
    const name = policy.azurePolicy!.name;
    const regex = allowedImagesParameters(policy).allowedContainerImagesRegex.value;
    const scope = (await ctx.azure.getManagedCluster(cluster.resourceGroup, cluster.aksName)).id;
    const expected = `assignment ${name} on the cluster with the synthesized regex`;
    const facts = await ctx.azure.getPolicyCompliance(scope, name);
    if (!facts.assignmentFound) return { passed: false, expected, got: `no assignment ${name} at ${scope}` };
    const details = [
      `compliance: ${facts.nonCompliant === undefined ? 'no evaluation yet' : facts.nonCompliant > 0 ? 'the cluster is non-compliant' : 'compliant'}`,
      ...facts.components.map((c) => `non-compliant: ${c}`),
      ...(facts.componentsError ? [`the non-compliant objects could not be listed: ${facts.componentsError}`] : []),
    ];
    if (facts.regex !== regex) {
      return {
        passed: false,
        expected,
        got: `the assignment's allowedContainerImagesRegex differs from the synthesized one (changed outside Terraform?)`,
        details: [`assigned:    ${facts.regex ?? '(none)'}`, `synthesized: ${regex}`, ...details],
      };
    }
    return { passed: true, expected, got: `assigned with the synthesized regex; ${details[0]}`, details: details.slice(1) };
  },
};
