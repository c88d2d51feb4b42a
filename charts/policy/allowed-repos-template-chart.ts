import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  ConstraintTemplate,
  ConstraintTemplateSpecTargetsCodeSourceFailurePolicy,
} from '../../imports/templates.gatekeeper.sh';
import { ALLOWED_REPOS_VALIDATIONS, ALLOWED_REPOS_VARIABLES } from './allowed-repos-cel';

/** Name of the template; Gatekeeper requires it to be the constraint kind in lowercase. */
export const ALLOWED_REPOS_TEMPLATE_NAME = 'k8sallowedrepos';
/** The constraint kind, the same as upstream's so existing K8sAllowedRepos constraints keep working. */
export const ALLOWED_REPOS_KIND = 'K8sAllowedRepos';
/** Gatekeeper's admission and audit target. */
export const GATEKEEPER_TARGET = 'admission.k8s.gatekeeper.sh';
/** Gatekeeper's CEL engine (stable and on by default since Gatekeeper 3.18). */
export const CEL_ENGINE = 'K8sNativeValidation';
/** Argo CD applies the template before the constraint (wave 1), whose CRD the template creates. */
export const TEMPLATE_SYNC_WAVE = '0';

/** Schema of the constraint's spec.parameters: upstream's, `repos: string[]`. */
export const ALLOWED_REPOS_PARAMETERS_SCHEMA = {
  type: 'object',
  properties: {
    repos: {
      type: 'array',
      description:
        'Allowed image repos. An image must equal an entry, or continue it after "/", or after ":" (a tag) or "@" (a digest) with no "/" following. Entries ending in "/" are prefixes.',
      items: { type: 'string' },
    },
  },
} as const;

export interface AllowedReposTemplateChartProps extends ChartProps {}

/**
 * The ConstraintTemplate `k8sallowedrepos`, written in CEL instead of the upstream Rego.
 * Runbook: "kubectl apply -f https://raw.githubusercontent.com/open-policy-agent/gatekeeper/master/library/general/allowedrepos/template.yaml".
 *
 * Needs Gatekeeper >= 3.18 (K8sNativeValidation stable; it evaluates the CEL for admission and
 * audit). The template holds no Rego: nothing here can run OPA, and untested code does not ship.
 */
export class AllowedReposTemplateChart extends Chart {
  public readonly template: ConstraintTemplate;
  /** The constraint kind this template defines. */
  public readonly kind = ALLOWED_REPOS_KIND;

  public constructor(scope: Construct, id: string, props: AllowedReposTemplateChartProps = {}) {
    super(scope, id, props);
    this.template = new ConstraintTemplate(this, 'k8sallowedrepos', {
      metadata: {
        name: ALLOWED_REPOS_TEMPLATE_NAME,
        annotations: { 'argocd.argoproj.io/sync-wave': TEMPLATE_SYNC_WAVE },
      },
      spec: {
        crd: {
          spec: {
            names: { kind: ALLOWED_REPOS_KIND },
            validation: { openApiv3Schema: ALLOWED_REPOS_PARAMETERS_SCHEMA },
          },
        },
        targets: [
          {
            target: GATEKEEPER_TARGET,
            code: [
              {
                engine: CEL_ENGINE,
                source: {
                  variables: [...ALLOWED_REPOS_VARIABLES],
                  validations: [...ALLOWED_REPOS_VALIDATIONS],
                  // An expression that fails to evaluate denies (it is also Gatekeeper's default).
                  failurePolicy: ConstraintTemplateSpecTargetsCodeSourceFailurePolicy.FAIL,
                  // Keep enforcement in Gatekeeper's webhook. A VAP that Gatekeeper generates
                  // (default-on from 3.20) matches resources "*", which excludes the
                  // pods/ephemeralcontainers subresource that `kubectl debug` writes, and
                  // allows when the constraint is missing. Use `policy.engine: vap` for a VAP.
                  generateVap: false,
                },
              },
            ],
          },
        ],
      },
    });
  }
}
