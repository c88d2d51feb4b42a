import type { Check } from '../check';
import { apiEndpointsCheck } from './api-endpoints';
import { nodesCheck } from './nodes';
import { policyInstalledCheck } from './policy-installed';
import { policyWorksCheck } from './policy-works';
import { prometheusAgentCheck } from './prometheus-agent';
import { smokeJobCheck } from './smoke-job';

/** Every check, in the order they run (the runbook's, then what alerts.prometheus needs). */
export const ALL_CHECKS: readonly Check[] = [nodesCheck, apiEndpointsCheck, policyInstalledCheck, policyWorksCheck, smokeJobCheck, prometheusAgentCheck];
