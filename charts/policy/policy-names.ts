import type { PolicyConfig } from '../../config/model';

/**
 * Name of the companion ValidatingAdmissionPolicy (and its binding) that judges image volumes
 * beside the azure-policy engine, whose add-on judges containers only. In its own module so
 * `verify` can name it without loading the charts.
 */
export const imageVolumesPolicyName = (policy: Pick<PolicyConfig, 'name'>) => `${policy.name}-image-volumes`;
