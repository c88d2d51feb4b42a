import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PolicyConfig } from '../../config/model';
import { K8sAllowedRepos } from '../../imports/constraints.gatekeeper.sh';
import { POD_KIND, WORKLOAD_KINDS, type PodSpecKind } from './allowed-repos-cel';
import { GATEKEEPER_ENFORCEMENT_ACTION } from './enforcement';

/** Argo CD: after the template (wave 0), whose CRD must exist before this object can apply. */
export const CONSTRAINT_SYNC_WAVE = '1';
/** Argo CD: the K8sAllowedRepos CRD does not exist at dry-run time on a fresh cluster. */
export const CONSTRAINT_SYNC_OPTIONS = 'SkipDryRunOnMissingResource=true';

export interface AllowedReposConstraintChartProps extends ChartProps {
  /** The cluster's policy: namespaces, allowed repos (ACR login server included), name, workloads, enforcement. */
  readonly policy: PolicyConfig;
}

/** spec.match.kinds: one entry per API group, kinds in the order given. */
export function matchKinds(kinds: readonly PodSpecKind[]): Array<{ apiGroups: string[]; kinds: string[] }> {
  const groups = new Map<string, string[]>();
  for (const k of kinds) groups.set(k.apiGroup, [...(groups.get(k.apiGroup) ?? []), k.kind]);
  return [...groups].map(([group, names]) => ({ apiGroups: [group], kinds: names }));
}

/**
 * The K8sAllowedRepos constraint: Pods (and, with `policy.workloads`, the Pod templates of
 * workloads) in the configured namespaces may only use images from the allowed repos.
 * Runbook: "kubectl apply -f constraint.yaml" (namespace production, repos ["kevingbb"]).
 */
export class AllowedReposConstraintChart extends Chart {
  public readonly constraint: K8sAllowedRepos;
  /** The allow-list as written into spec.parameters.repos. */
  public readonly repos: readonly string[];
  /** The namespaces the constraint matches. */
  public readonly namespaces: readonly string[];
  /** spec.enforcementAction: deny, warn or dryrun (policy.enforcement audit). */
  public readonly enforcementAction: 'deny' | 'warn' | 'dryrun';

  public constructor(scope: Construct, id: string, props: AllowedReposConstraintChartProps) {
    super(scope, id, props);
    const { policy } = props;
    this.repos = [...policy.allowedRepos];
    this.namespaces = [...policy.namespaces];
    this.enforcementAction = GATEKEEPER_ENFORCEMENT_ACTION[policy.enforcement];
    this.constraint = new K8sAllowedRepos(this, 'constraint', {
      metadata: {
        name: policy.name,
        annotations: {
          'argocd.argoproj.io/sync-wave': CONSTRAINT_SYNC_WAVE,
          'argocd.argoproj.io/sync-options': CONSTRAINT_SYNC_OPTIONS,
        },
      },
      spec: {
        // Written out even for Gatekeeper's default (deny), so a reader sees what it does.
        enforcementAction: this.enforcementAction,
        match: {
          // Gatekeeper matches the object's own kind: kind Pod also covers
          // pods/ephemeralcontainers (`kubectl debug`), which its webhook receives by default;
          // deployments/scale carries a Scale and status subresources are not sent.
          kinds: matchKinds(policy.workloads ? [POD_KIND, ...WORKLOAD_KINDS] : [POD_KIND]),
          namespaces: [...this.namespaces],
        },
        parameters: { repos: [...this.repos] },
      },
    });
  }
}
