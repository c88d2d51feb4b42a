import { AKS_LOG_CATEGORY_GROUPS, GUID, expandLogCategories, parseResourceId } from './rules';
import { imageAllowed } from './image-rule';
import { entryWarning } from './policy-warnings';
import {
  DEFAULT_AUDIT_CATEGORIES,
  DEFAULT_AUDIT_DIAGNOSTIC_SETTING_NAME,
  DEFAULT_SMOKE_IMAGE,
  DEFAULT_WORKSPACE_DIAGNOSTIC_SETTING_NAME,
  DEFAULT_WORKSPACE_LOG_CATEGORIES,
} from './model';
import { RECOMMENDED_METRIC_ALERTS } from './aks-platform-metrics';
import { ALWAYS_EXCLUDED_NAMESPACES } from './azure-policy-definition';

/** A problem found by a rule that spans fields; `path` names the field to change. */
export interface CrossFieldProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Rules that span fields. They run on the raw parsed YAML, next to the schema, so a file with
 * both kinds of problem reports all of them at once. Every access is defensive: the input may
 * be invalid in any other way, which the schema reports.
 */
export function crossFieldProblems(raw: unknown): CrossFieldProblem[] {
  const problems: CrossFieldProblem[] = [];
  const root = asRecord(raw);
  const clusters = Array.isArray(root?.clusters) ? root.clusters : [];

  // Storage accounts: names are global, and a flow log overwrites its account's lifecycle rules.
  const accounts = new Map<string, string>();
  const claim = (name: unknown, path: (string | number)[]) => {
    if (typeof name !== 'string' || name === '') return;
    const other = accounts.get(name);
    if (other) {
      problems.push({
        path,
        message: `storage account "${name}" is also used by ${other}: the flow-log resource overwrites lifecycle rules on its account, and names are global, so every account here must be distinct`,
      });
    } else accounts.set(name, formatPath(path));
  };
  claim(asRecord(asRecord(root?.state)?.azurerm)?.storageAccountName, ['state', 'azurerm', 'storageAccountName']);

  clusters.forEach((value, i) => {
    const c = asRecord(value);
    if (!c) return;
    const at = (...rest: (string | number)[]) => ['clusters', i, ...rest];
    const audit = asRecord(c.auditLogs);
    const flow = asRecord(c.flowLogs);
    const policy = asRecord(c.policy);
    const smoke = asRecord(c.smokeTest);
    claim(audit?.storageAccountName, at('auditLogs', 'storageAccountName'));
    claim(flow?.storageAccountName, at('flowLogs', 'storageAccountName'));

    const categories = Array.isArray(audit?.categories) ? audit.categories : [];
    const groups = categories.filter((x) => (AKS_LOG_CATEGORY_GROUPS as readonly unknown[]).includes(x));
    if (groups.length > 0 && groups.length < categories.length) {
      problems.push({
        path: at('auditLogs', 'categories'),
        message: `mixes category groups (${groups.join(', ')}) with single categories: Azure rejects a diagnostic setting that has both; list only groups or only categories`,
      });
    }

    problems.push(...workspaceLogsProblems(c, at));
    problems.push(...alertsProblems(c, at));

    // The Azure Policy definition never judges these namespaces, whatever the assignment says.
    if (policy?.engine === 'azure-policy' && Array.isArray(policy.namespaces)) {
      policy.namespaces.forEach((ns, j) => {
        if ((ALWAYS_EXCLUDED_NAMESPACES as readonly unknown[]).includes(ns)) {
          problems.push({
            path: at('policy', 'namespaces', j),
            message: `"${ns}" is never judged by engine azure-policy: the built-in definition excludes ${ALWAYS_EXCLUDED_NAMESPACES.join(', ')} by design, so this namespace would look protected and is not; remove it, or use engine gatekeeper or vap`,
          });
        }
      });
    }

    if (policy?.includeAcr === true && c.acr === undefined) {
      problems.push({ path: at('policy', 'includeAcr'), message: 'is true but the cluster has no acr to include' });
    }

    problems.push(
      ...inClusterSubscription(c, asRecord(flow?.trafficAnalytics)?.workspaceResourceId, at('flowLogs', 'trafficAnalytics', 'workspaceResourceId'), "the workspace is looked up in the cluster's subscription"),
      // The flow log is a child of the Network Watcher, looked up in the cluster's subscription
      // (the stack's azurerm provider), and so is the target VNet the stack checks the region of.
      ...inClusterSubscription(
        c,
        flow?.targetResourceId,
        at('flowLogs', 'targetResourceId'),
        "the flow log belongs to a Network Watcher of the target's own subscription and region, and this stack looks the watcher and the target up in the cluster's subscription; log that VNet from a cluster entry in its subscription",
      ),
    );

    // The smoke Job would be refused by the cluster's own policy, and only time out in verify.
    const namespaces = Array.isArray(policy?.namespaces) ? policy.namespaces : [];
    const repos = Array.isArray(policy?.allowedRepos) ? policy.allowedRepos.filter((r) => typeof r === 'string') : [];
    const smokeNamespace = typeof smoke?.namespace === 'string' ? smoke.namespace : 'default';
    const smokeImage = typeof smoke?.image === 'string' ? smoke.image : DEFAULT_SMOKE_IMAGE;
    const acrName = asRecord(c.acr)?.name;
    if (policy?.includeAcr !== false && typeof acrName === 'string') repos.push(`${acrName.toLowerCase()}.azurecr.io/`);
    if (smoke && namespaces.includes(smokeNamespace) && repos.length > 0 && !imageAllowed(smokeImage, repos)) {
      problems.push({
        path: at('smokeTest', smoke.image === undefined ? 'namespace' : 'image'),
        message: `the smoke-test image "${smokeImage}" runs in namespace "${smokeNamespace}", where policy.allowedRepos does not admit it: the policy would refuse the smoke Pods; use another namespace or an allowed image`,
      });
    }
  });
  problems.push(...terraformTemplates(raw, []));
  return problems;
}

/**
 * Config text reaches Terraform strings (names, ids, URLs, descriptions), where `${` and `%{`
 * start a template: `…/virtualNetworks/my%{vnet` would break the plan with "Invalid template
 * control keyword", or worse, be evaluated. No Azure name or id the config takes needs them, so
 * they are refused wherever they occur. The allow-list is exempt: its entries reach Terraform
 * only inside the Azure Policy regex, where every `{` is escaped (config/azure-policy-regex.ts).
 */
function terraformTemplates(value: unknown, path: (string | number)[]): CrossFieldProblem[] {
  if (typeof value === 'string') {
    const found = ['${', '%{'].find((t) => value.includes(t));
    return found ? [{ path, message: `contains "${found}", which Terraform reads as the start of a template expression: remove it (no Azure name needs it)` }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => terraformTemplates(v, [...path, i]));
  const record = asRecord(value);
  if (!record) return [];
  return Object.entries(record).flatMap(([k, v]) =>
    path.length === 3 && path[0] === 'clusters' && path[2] === 'policy' && k === 'allowedRepos' ? [] : terraformTemplates(v, [...path, k]),
  );
}

/**
 * Valid values that are probably mistakes. Resource group names are case-insensitive in Azure,
 * but every id Terraform builds from them keeps the config's spelling, and a role assignment's
 * `scope` is compared case-sensitively (ForceNew, no diff suppression: hashicorp/terraform-
 * provider-azurerm#24434). One resource group spelled two ways in one cluster means at least
 * one spelling is not Azure's, so an assignment imported with Azure's spelling gets replaced.
 */
export function crossFieldWarnings(raw: unknown): CrossFieldProblem[] {
  const warnings: CrossFieldProblem[] = [];
  const root = asRecord(raw);
  const clusters = Array.isArray(root?.clusters) ? root.clusters : [];
  clusters.forEach((value, i) => {
    const c = asRecord(value);
    if (!c) return;
    const flow = asRecord(c.flowLogs);
    const idGroup = (id: unknown) => (typeof id === 'string' ? parseResourceId(id)?.resourceGroup : undefined);
    const spellings: Array<[(string | number)[], unknown]> = [
      [['resourceGroup'], c.resourceGroup],
      [['acr', 'resourceGroup'], asRecord(c.acr)?.resourceGroup],
      [['appGateway', 'resourceGroup'], asRecord(c.appGateway)?.resourceGroup],
      [['flowLogs', 'networkWatcher', 'resourceGroup'], asRecord(flow?.networkWatcher)?.resourceGroup],
      [['flowLogs', 'targetResourceId'], idGroup(flow?.targetResourceId)],
      [['flowLogs', 'trafficAnalytics', 'workspaceResourceId'], idGroup(asRecord(flow?.trafficAnalytics)?.workspaceResourceId)],
    ];
    // (Under azure-policy, policy.name names the companion image-volume VAP, `<name>-image-volumes`;
    // the add-on names its constraint itself, and the assignment's name is derived in model.ts.)
    const policy = asRecord(c.policy);

    const unreadable = vapAuditUnreadable(c);
    if (unreadable) warnings.push({ path: ['clusters', i, 'policy', 'enforcement'], message: unreadable });

    // Allow-list entries written for upstream's prefix match (policy-warnings.ts).
    const repos = policy?.allowedRepos;
    (Array.isArray(repos) ? repos : []).forEach((entry, j) => {
      const why = typeof entry === 'string' ? entryWarning(entry) : undefined;
      if (why) warnings.push({ path: ['clusters', i, 'policy', 'allowedRepos', j], message: `"${entry}" ${why}` });
    });

    const first = new Map<string, { spelling: string; path: string }>();
    for (const [rest, group] of spellings) {
      if (typeof group !== 'string' || group === '') continue;
      const path = ['clusters', i, ...rest];
      const seen = first.get(group.toLowerCase());
      if (!seen) first.set(group.toLowerCase(), { spelling: group, path: formatPath(path) });
      else if (seen.spelling !== group) {
        warnings.push({
          path,
          message: `spells resource group "${group}", which ${seen.path} spells "${seen.spelling}": Azure treats them as one, but ids keep the config's spelling, and an existing role assignment imported with Azure's spelling would be replaced; write it as \`az group show -n ${group} --query name -o tsv\` prints it, in both places`,
        });
      }
    }
  });
  return warnings;
}

type At = (...rest: (string | number)[]) => (string | number)[];

/** The AKS log categories that carry the API server's audit events, admission writes included. */
export const API_AUDIT_CATEGORIES = ['kube-audit', 'kube-audit-admin'] as const;

/**
 * Why what `engine: vap` with `enforcement: audit` records cannot be read, or undefined when it
 * can. The VAP's Audit action only adds an annotation to the request's event in the API
 * server's audit log; on AKS that log is readable only through a diagnostic setting that sends
 * kube-audit or kube-audit-admin (the admin category has every write, and an admission request
 * is a write). Gatekeeper's dryrun writes the constraint's status, and the Azure Policy add-on
 * reports to Azure Policy: neither needs this.
 */
function vapAuditUnreadable(c: Record<string, unknown>): string | undefined {
  const policy = asRecord(c.policy);
  if (policy?.engine !== 'vap' || policy.enforcement !== 'audit') return undefined;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const audit = asRecord(c.auditLogs);
  const workspace = asRecord(c.workspaceLogs);
  const sent = [
    ...(audit ? expandLogCategories(strings(audit.categories) ?? DEFAULT_AUDIT_CATEGORIES) : []),
    ...(workspace ? (strings(workspace.categories) ?? DEFAULT_WORKSPACE_LOG_CATEGORIES) : []),
  ];
  if (API_AUDIT_CATEGORIES.some((x) => sent.includes(x))) return undefined;
  const where = [
    audit ? 'auditLogs.categories does not list kube-audit, kube-audit-admin or the groups audit or allLogs' : 'there is no auditLogs',
    workspace ? 'workspaceLogs.categories does not list kube-audit-admin' : 'there is no workspaceLogs',
  ].join(', and ');
  return (
    'is audit with engine vap: the API server records what the policy would refuse only as an annotation in its audit log, ' +
    `which on AKS can be read only where a diagnostic setting sends kube-audit or kube-audit-admin; here ${where}, so nothing would show what the policy would refuse. ` +
    (audit
      ? 'Add kube-audit (or kube-audit-admin) to auditLogs.categories'
      : 'Add auditLogs (its default category is kube-audit, to a storage account)') +
    (workspace ? ', or kube-audit-admin to workspaceLogs.categories' : ', or workspaceLogs with kube-audit-admin (in its default categories)') +
    '; a diagnostic setting made outside aks-day2 that sends one of them does as well'
  );
}

/**
 * The workspace setting next to the audit-log setting. Azure itself would accept a category in
 * both: it refuses only the same destination (data sink) for the same category in two settings
 * of one resource ("Data sinks can't be reused in different settings on the same category for
 * the same resource"), and these two settings write to different sinks. The rule here is this
 * project's: a category sent to both is paid for twice and searched in two places.
 */
function workspaceLogsProblems(c: Record<string, unknown>, at: At): CrossFieldProblem[] {
  const workspace = asRecord(c.workspaceLogs);
  if (!workspace) return [];
  const problems: CrossFieldProblem[] = [];
  const audit = asRecord(c.auditLogs);
  const configured = Array.isArray(workspace.categories) ? workspace.categories.filter((x) => typeof x === 'string') : undefined;
  const categories: readonly string[] = configured ?? DEFAULT_WORKSPACE_LOG_CATEGORIES;
  if (audit) {
    const auditCategories = Array.isArray(audit.categories)
      ? audit.categories.filter((x): x is string => typeof x === 'string')
      : [...DEFAULT_AUDIT_CATEGORIES];
    const toStorage = new Set(expandLogCategories(auditCategories));
    // kube-audit has its own, louder rule in the schema (never to a workspace at all).
    const both = categories.filter((x) => x !== 'kube-audit' && toStorage.has(x));
    if (both.length > 0) {
      problems.push({
        path: configured ? at('workspaceLogs', 'categories') : at('workspaceLogs'),
        message: `${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} already sent to storage by auditLogs (${auditCategories.join(', ')})${configured ? '' : ', and the default categories include ' + (both.length === 1 ? 'it' : 'them')}: send each category to one place (Azure would accept both settings, since they write to different destinations, but the logs would be stored and paid for twice); list categories here without ${both.join(', ')}, or remove ${both.length === 1 ? 'it' : 'them'} from auditLogs.categories`,
      });
    }
    const auditName = typeof audit.diagnosticSettingName === 'string' ? audit.diagnosticSettingName : DEFAULT_AUDIT_DIAGNOSTIC_SETTING_NAME;
    const ownName =
      typeof workspace.diagnosticSettingName === 'string' ? workspace.diagnosticSettingName : DEFAULT_WORKSPACE_DIAGNOSTIC_SETTING_NAME;
    if (auditName === ownName) {
      problems.push({
        path: at('workspaceLogs', 'diagnosticSettingName'),
        message: `"${ownName}" is also auditLogs.diagnosticSettingName: diagnostic setting names are unique per resource, so one setting would overwrite the other`,
      });
    }
  }
  return problems;
}

/** Rules of the alerts section that span its fields. */
function alertsProblems(c: Record<string, unknown>, at: At): CrossFieldProblem[] {
  const alerts = asRecord(c.alerts);
  if (!alerts) return [];
  const problems: CrossFieldProblem[] = [];
  const group = asRecord(alerts.actionGroup);
  if (group) {
    const receivers = [group.emails, group.webhooks].some((list) => Array.isArray(list) && list.length > 0);
    if (receivers && group.existingId !== undefined) {
      problems.push({
        path: at('alerts', 'actionGroup'),
        message: 'gives both receivers (emails, webhooks) and existingId: either create an action group with receivers, or name an existing one',
      });
    } else if (!receivers && group.existingId === undefined) {
      problems.push({
        path: at('alerts', 'actionGroup'),
        message: 'needs emails or webhooks (a new action group) or existingId (an action group that exists): alerts nobody receives are noise',
      });
    }
  }

  const recommended = alerts.recommended !== false;
  const rules = Array.isArray(alerts.metricAlerts) ? alerts.metricAlerts : [];
  if (!recommended && rules.length === 0 && alerts.prometheus === undefined) {
    problems.push({
      path: at('alerts'),
      message: 'creates no alert rule: keep recommended: true, add metricAlerts, or add prometheus',
    });
  }
  if (recommended) {
    const taken = new Set(RECOMMENDED_METRIC_ALERTS.map((r) => r.name));
    rules.forEach((value, i) => {
      const name = asRecord(value)?.name;
      if (typeof name === 'string' && taken.has(name)) {
        problems.push({
          path: at('alerts', 'metricAlerts', i, 'name'),
          message: `rule "${name}" has the name of one of Azure's recommended alerts (recommended: true creates it): pick another name, or set recommended: false to define it yourself`,
        });
      }
    });
  }

  problems.push(
    ...inClusterSubscription(
      c,
      asRecord(alerts.prometheus)?.azureMonitorWorkspaceId,
      at('alerts', 'prometheus', 'azureMonitorWorkspaceId'),
      "the workspace is looked up in the cluster's subscription (its region places the rule groups)",
    ),
  );
  return problems;
}

/**
 * A resource id the stack looks up in the cluster's subscription must be in it. Checked here
 * when the config names the cluster's subscription; the stack checks again at plan time
 * (cluster-lookups.ts), where the subscription is always known.
 */
function inClusterSubscription(c: Record<string, unknown>, id: unknown, path: (string | number)[], why: string): CrossFieldProblem[] {
  const parsed = typeof id === 'string' ? parseResourceId(id) : undefined;
  const cluster = typeof c.subscriptionId === 'string' && GUID.test(c.subscriptionId) ? c.subscriptionId : undefined;
  if (!parsed || !cluster || parsed.subscriptionId === cluster.toLowerCase()) return [];
  return [{ path, message: `is in subscription ${parsed.subscriptionId} but the cluster is in ${cluster}: ${why}` }];
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `['clusters', 0, 'acr', 'name']` → `clusters[0].acr.name` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join('');
}
