import { App, Yaml } from 'cdk8s';
import { chartApp } from '../support/cdk8s';
import type { PolicyConfig } from '../../config/model';
import { AllowedReposConstraintChart } from '../../charts/policy/allowed-repos-constraint-chart';
import {
  ALLOWED_REPOS_KIND,
  ALLOWED_REPOS_PARAMETERS_SCHEMA,
  AllowedReposTemplateChart,
} from '../../charts/policy/allowed-repos-template-chart';
import { AllowedReposVapChart } from '../../charts/policy/allowed-repos-vap-chart';

/** The contosofin fixture's policy, ACR login server appended by the model. */
const policy: PolicyConfig = {
  engine: 'gatekeeper',
  namespaces: ['production', 'staging'],
  allowedRepos: ['kevingbb/', 'cr.l5d.io/linkerd/', 'gcr.io/linkerd-io/', 'contosofinacr.azurecr.io/'],
  name: 'allowed-repos',
  workloads: true,
  enforcement: 'deny',
};

const synth = <T extends { toJson(): any[] }>(make: (app: App) => T) => make(chartApp()).toJson();

describe('AllowedReposTemplateChart', () => {
  const [template, ...rest] = synth((app) => new AllowedReposTemplateChart(app, 'template'));

  it('is one ConstraintTemplate k8sallowedrepos for kind K8sAllowedRepos', () => {
    expect(rest).toEqual([]);
    expect(template.apiVersion).toBe('templates.gatekeeper.sh/v1');
    expect(template.kind).toBe('ConstraintTemplate');
    expect(template.metadata).toEqual({ name: 'k8sallowedrepos', annotations: { 'argocd.argoproj.io/sync-wave': '0' } });
    expect(template.spec.crd.spec.names).toEqual({ kind: ALLOWED_REPOS_KIND });
    expect(template.metadata.name).toBe(ALLOWED_REPOS_KIND.toLowerCase());
  });

  it("keeps upstream's parameter schema, repos: string[], so existing constraints still apply", () => {
    const schema = template.spec.crd.spec.validation.openAPIV3Schema;
    expect(schema).toEqual(ALLOWED_REPOS_PARAMETERS_SCHEMA);
    expect(schema.type).toBe('object');
    expect(schema.properties.repos.type).toBe('array');
    expect(schema.properties.repos.items).toEqual({ type: 'string' });
    expect(template.spec.crd.spec.validation.legacySchema).toBeUndefined();
  });

  it('has one admission target with only K8sNativeValidation code: no untested Rego', () => {
    expect(template.spec.targets).toHaveLength(1);
    const [target] = template.spec.targets;
    expect(target.target).toBe('admission.k8s.gatekeeper.sh');
    expect(target.rego).toBeUndefined();
    expect(target.libs).toBeUndefined();
    expect(target.code.map((c: any) => c.engine)).toEqual(['K8sNativeValidation']);
    const { source } = target.code[0];
    expect(Object.keys(source).sort()).toEqual(['failurePolicy', 'generateVAP', 'validations', 'variables']);
    expect(source.failurePolicy).toBe('Fail');
    // Gatekeeper's generated VAP would match resources "*", missing pods/ephemeralcontainers.
    expect(source.generateVAP).toBe(false);
  });

  it('checks all three container lists', () => {
    const text = JSON.stringify(template.spec.targets[0].code[0].source);
    for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
      expect(text).toContain(`variables.podSpec.${list}`);
      expect(text).toContain(`variables.oldPodSpec.${list}`);
    }
  });
});

describe('AllowedReposConstraintChart', () => {
  const chart = new AllowedReposConstraintChart(chartApp(), 'constraint', { policy });
  const [constraint, ...rest] = chart.toJson();

  it('is one K8sAllowedRepos named after the policy', () => {
    expect(rest).toEqual([]);
    expect(constraint.apiVersion).toBe('constraints.gatekeeper.sh/v1beta1');
    expect(constraint.kind).toBe('K8sAllowedRepos');
    expect(constraint.metadata.name).toBe('allowed-repos');
    expect(constraint.metadata.labels).toBeUndefined();
  });

  it('waits for the template in Argo CD (wave 1, no dry run before its CRD exists)', () => {
    expect(constraint.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '1',
      'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
    });
  });

  it('denies Pods and workloads in the configured namespaces', () => {
    expect(constraint.spec.enforcementAction).toBe('deny');
    expect(constraint.spec.match).toEqual({
      kinds: [
        { apiGroups: [''], kinds: ['Pod', 'ReplicationController'] },
        { apiGroups: ['apps'], kinds: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'] },
        { apiGroups: ['batch'], kinds: ['Job', 'CronJob'] },
      ],
      namespaces: ['production', 'staging'],
    });
  });

  it('policy.workloads false: Pods only, as upstream', () => {
    const [c] = new AllowedReposConstraintChart(chartApp(), 'pods', { policy: { ...policy, workloads: false } }).toJson();
    expect(c.spec.match.kinds).toEqual([{ apiGroups: [''], kinds: ['Pod'] }]);
  });

  it.each([
    ['deny', 'deny'],
    ['warn', 'warn'],
    ['audit', 'dryrun'],
  ] as const)('policy.enforcement %s → enforcementAction %s', (enforcement, action) => {
    const chart = new AllowedReposConstraintChart(chartApp(), 'e', { policy: { ...policy, enforcement } });
    expect(chart.toJson()[0].spec.enforcementAction).toBe(action);
    expect(chart.enforcementAction).toBe(action);
  });

  it('passes the allow-list, ACR login server included, as parameters.repos', () => {
    expect(constraint.spec.parameters).toEqual({ repos: [...policy.allowedRepos] });
    expect(chart.repos).toEqual(policy.allowedRepos);
    expect(chart.namespaces).toEqual(policy.namespaces);
  });
});

describe('AllowedReposVapChart', () => {
  const chart = new AllowedReposVapChart(chartApp(), 'vap', { policy: { ...policy, engine: 'vap' } });
  const [vap, binding, ...rest] = chart.toJson();

  it('is a v1 ValidatingAdmissionPolicy and its binding, both named after the policy', () => {
    expect(rest).toEqual([]);
    expect([vap.apiVersion, vap.kind]).toEqual(['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy']);
    expect([binding.apiVersion, binding.kind]).toEqual(['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding']);
    expect(vap.metadata).toEqual({ name: 'allowed-repos' });
    expect(binding.metadata).toEqual({ name: 'allowed-repos' });
    expect(binding.spec.policyName).toBe('allowed-repos');
  });

  it('fails closed and matches Pods, kubectl debug and workloads on create and update, no status', () => {
    expect(vap.spec.failurePolicy).toBe('Fail');
    expect(vap.spec.paramKind).toBeUndefined();
    const ops = ['CREATE', 'UPDATE'];
    expect(vap.spec.matchConstraints).toEqual({
      resourceRules: [
        { apiGroups: [''], apiVersions: ['v1'], operations: ops, resources: ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers'] },
        { apiGroups: ['apps'], apiVersions: ['v1'], operations: ops, resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
        { apiGroups: ['batch'], apiVersions: ['v1'], operations: ops, resources: ['jobs', 'cronjobs'] },
      ],
    });
    expect(JSON.stringify(vap.spec.matchConstraints)).not.toMatch(/status|scale|\*/);
  });

  it('policy.workloads false: Pods and kubectl debug only', () => {
    const [p] = new AllowedReposVapChart(chartApp(), 'pods', { policy: { ...policy, engine: 'vap', workloads: false } }).toJson();
    expect(p.spec.matchConstraints.resourceRules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers'] },
    ]);
  });

  it('every validation answers 403 Forbidden, like Gatekeeper', () => {
    expect(vap.spec.validations.map((v: any) => v.reason)).toEqual(['Forbidden', 'Forbidden']);
  });

  it.each([
    ['deny', ['Deny']],
    ['warn', ['Warn']],
    ['audit', ['Audit']],
  ] as const)('policy.enforcement %s → validationActions %j (never Deny with Warn: the API server refuses it)', (enforcement, actions) => {
    const [, b] = new AllowedReposVapChart(chartApp(), 'e', { policy: { ...policy, engine: 'vap', enforcement } }).toJson();
    expect(b.spec.validationActions).toEqual(actions);
    expect(b.spec.validationActions.includes('Deny') && b.spec.validationActions.includes('Warn')).toBe(false);
  });

  it('binds with Deny to the configured namespaces by name label', () => {
    expect(binding.spec.validationActions).toEqual(['Deny']);
    expect(binding.spec.paramRef).toBeUndefined();
    expect(binding.spec.matchResources).toEqual({
      namespaceSelector: {
        matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['production', 'staging'] }],
      },
    });
  });

  it('bakes the allow-list into the params variable', () => {
    const params = vap.spec.variables.find((v: any) => v.name === 'params');
    expect(params.expression).toBe(
      'dyn({"repos": ["kevingbb/", "cr.l5d.io/linkerd/", "gcr.io/linkerd-io/", "contosofinacr.azurecr.io/"]})',
    );
    expect(chart.repos).toEqual(policy.allowedRepos);
  });
});

describe('determinism', () => {
  const render = () =>
    [
      new AllowedReposTemplateChart(chartApp(), 'template'),
      new AllowedReposConstraintChart(chartApp(), 'constraint', { policy }),
      new AllowedReposVapChart(chartApp(), 'vap', { policy }),
    ].map((c) => Yaml.stringify(...c.toJson()));

  it('renders byte-identical YAML twice, without hashes or timestamps', () => {
    const [a, b] = [render(), render()];
    expect(a).toEqual(b);
    expect(a.join('\n')).not.toMatch(/creationTimestamp|-c8[0-9a-f]{6}\b/);
  });

  it('snapshot of the three manifests', () => {
    expect(render().join('---\n')).toMatchSnapshot();
  });
});
