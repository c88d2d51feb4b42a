import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PolicyConfig } from '../../config/model';
import { K8sAllowedRepos } from '../../imports/constraints.gatekeeper.sh';

/** Argo CD: after the template (wave 0), whose CRD must exist before this object can apply. */
export const CONSTRAINT_SYNC_WAVE = '1';
/** Argo CD: the K8sAllowedRepos CRD does not exist at dry-run time on a fresh cluster. */
export const CONSTRAINT_SYNC_OPTIONS = 'SkipDryRunOnMissingResource=true';

export interface AllowedReposConstraintChartProps extends ChartProps {
  /** The cluster's policy: namespaces, allowed repos (ACR login server included) and name. */
  readonly policy: PolicyConfig;
}

/**
 * The K8sAllowedRepos constraint: Pods in the configured namespaces may only use images from
 * the allowed repos. Runbook: "kubectl apply -f constraint.yaml" (namespace production,
 * repos ["kevingbb"]).
 */
export class AllowedReposConstraintChart extends Chart {
  public readonly constraint: K8sAllowedRepos;
  /** The allow-list as written into spec.parameters.repos. */
  public readonly repos: readonly string[];
  /** The namespaces the constraint matches. */
  public readonly namespaces: readonly string[];

  public constructor(scope: Construct, id: string, props: AllowedReposConstraintChartProps) {
    super(scope, id, props);
    const { policy } = props;
    this.repos = [...policy.allowedRepos];
    this.namespaces = [...policy.namespaces];
    this.constraint = new K8sAllowedRepos(this, 'constraint', {
      metadata: {
        name: policy.name,
        annotations: {
          'argocd.argoproj.io/sync-wave': CONSTRAINT_SYNC_WAVE,
          'argocd.argoproj.io/sync-options': CONSTRAINT_SYNC_OPTIONS,
        },
      },
      spec: {
        // Gatekeeper's default, written out so a reader sees this constraint blocks.
        enforcementAction: 'deny',
        match: {
          // Kind Pod also covers pods/ephemeralcontainers (`kubectl debug`), which Gatekeeper's
          // webhook receives by default.
          kinds: [{ apiGroups: [''], kinds: ['Pod'] }],
          namespaces: [...this.namespaces],
        },
        parameters: { repos: [...this.repos] },
      },
    });
  }
}
