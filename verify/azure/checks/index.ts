import type { AzureCheck } from '../check';
import { alertsWiredCheck } from './alerts-wired';
import { auditLogsArrivingCheck } from './audit-logs-arriving';
import { firewallAllowlistCheck } from './firewall-allowlist';
import { flowLogsArrivingCheck } from './flow-logs-arriving';
import { policyCompliantCheck } from './policy-compliant';
import { rolesGrantedCheck } from './roles-granted';

/** Every Azure check, in the order they run (AZURE_CHECK_IDS). */
export const AZURE_CHECKS: readonly AzureCheck[] = [
  rolesGrantedCheck,
  auditLogsArrivingCheck,
  flowLogsArrivingCheck,
  firewallAllowlistCheck,
  policyCompliantCheck,
  alertsWiredCheck,
];
