import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { imageVolumesPolicyName } from '../charts/policy/policy-names';
import { allowedImagesParameters } from '../config/azure-policy-definition';
import type { ClusterConfig, PolicyEngine } from '../config/model';
import type { KubeObject } from './kube-api';

/**
 * What `verify` needs to know about the objects synthesized into dist/<cluster>/: their names,
 * read from the committed manifests (what GitOps applied) instead of being re-derived. Objects
 * are found by kind wherever they are in the folder, so a file split or rename does not matter.
 */

export interface GatekeeperPolicyManifests {
  readonly engine: 'gatekeeper';
  /** ConstraintTemplate `metadata.name`, e.g. `k8sallowedrepos`. */
  readonly templateName: string;
  /** ConstraintTemplate apiVersion's version, e.g. `v1`. */
  readonly templateVersion: string;
  /** The constraint's kind (the template's `spec.crd.spec.names.kind`), e.g. `K8sAllowedRepos`. */
  readonly constraintKind: string;
  readonly constraintName: string;
  /** The constraint apiVersion's version, e.g. `v1beta1`. */
  readonly constraintVersion: string;
}

export interface VapPolicyManifests {
  readonly engine: 'vap';
  readonly policyName: string;
  readonly bindingName: string;
}

/**
 * engine azure-policy: the add-on creates the constraint on the cluster from the Azure Policy
 * assignment, so what verify looks for comes from the config, through the same functions the
 * stack uses; of the policy only the companion VAP for image volumes is in dist/.
 */
export interface AzurePolicyManifests {
  readonly engine: 'azure-policy';
  readonly assignmentName: string;
  /**
   * The end of the assignment's id, from the resource group on (lowercase): the constraint's
   * `azure-policy-assignment-id` annotation ends with it. The subscription may not be in the config.
   */
  readonly assignmentIdSuffix: string;
  /** The assignment's allowedContainerImagesRegex: the constraint's `imageRegex` once synced. */
  readonly imageRegex: string;
  /** The assignment's `namespaces`: the constraint's `spec.match.namespaces` once synced. */
  readonly namespaces: readonly string[];
  /** The assignment's `excludedNamespaces`: the constraint's `spec.match.excludedNamespaces` once synced. */
  readonly excludedNamespaces: readonly string[];
  /** The companion ValidatingAdmissionPolicy that judges image volumes, which the add-on does not. */
  readonly imageVolumes: VapPolicyManifests;
}

export type PolicyManifests = GatekeeperPolicyManifests | VapPolicyManifests | AzurePolicyManifests;

export interface SmokeManifests {
  readonly job: KubeObject;
  /** ConfigMaps the Job mounts (its script, if it is not inline), to apply before and delete after. */
  readonly configMaps: readonly KubeObject[];
  /** File the Job came from, relative to dist/<cluster>/, for messages. */
  readonly file: string;
}

/** A file under dist/<cluster>/ and the objects in it. */
export interface ManifestFile {
  readonly path: string;
  readonly objects: readonly KubeObject[];
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** Every object in every .yaml/.yml file under `dir` (kustomization files excluded), sorted by path. */
export function readManifestFiles(dir: string): ManifestFile[] {
  let isDirectory = false;
  try {
    isDirectory = statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch (e) {
    // ENOTDIR (a file on the way), EACCES…: said as a setup problem, never a stack trace.
    throw new ManifestError(`cannot read ${dir}/: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!isDirectory) {
    throw new ManifestError(`${dir}/ does not exist: run \`npm run synth\` to synthesize the manifests verify reads`);
  }
  const files: ManifestFile[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name) && !/^kustomization\.ya?ml$/.test(entry.name)) {
        files.push({ path: relative(dir, path), objects: parseObjects(readFileSync(path, 'utf8'), path) });
      }
    }
  };
  walk(dir);
  return files;
}

function parseObjects(text: string, path: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if ('errors' in doc && doc.errors.length > 0) {
      throw new ManifestError(`${path}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
    }
    const value: unknown = doc.toJS();
    if (value && typeof value === 'object' && typeof (value as KubeObject).kind === 'string') objects.push(value as KubeObject);
  }
  return objects;
}

const all = (files: readonly ManifestFile[]) => files.flatMap((f) => f.objects.map((o) => ({ file: f.path, object: o })));
const group = (o: KubeObject) => (o.apiVersion ?? '').split('/').slice(0, -1).join('/');
const version = (o: KubeObject) => (o.apiVersion ?? '').split('/').pop() ?? '';
const name = (o: KubeObject) => o.metadata?.name ?? '';

/** Kinds of the policy objects in dist/<cluster>/ (azure-policy: only the image-volume companion VAP). */
const POLICY_OBJECT_KINDS = ['ConstraintTemplate', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];

/**
 * The Gatekeeper or VAP objects for `engine`, or a ManifestError saying what is missing. For
 * azure-policy (which needs `cluster`): the assignment to look for, and an error when dist/ still
 * holds another engine's objects (GitOps would apply a second policy next to the add-on's).
 */
export function findPolicy(files: readonly ManifestFile[], engine: PolicyEngine, dir: string, cluster?: ClusterConfig): PolicyManifests {
  const objects = all(files).map((x) => x.object);
  if (engine === 'azure-policy') {
    const policy = cluster?.policy;
    if (!cluster || !policy?.azurePolicy) throw new Error('findPolicy: engine azure-policy needs the cluster with its policy');
    // The companion VAP for image volumes belongs here; any other policy object is another engine's.
    const companion = imageVolumesPolicyName(policy);
    const stale = all(files).filter(
      (x) =>
        (POLICY_OBJECT_KINDS.includes(x.object.kind ?? '') && !(x.object.kind?.startsWith('ValidatingAdmissionPolicy') && name(x.object) === companion)) ||
        group(x.object) === 'constraints.gatekeeper.sh',
    );
    if (stale.length > 0) {
      throw new ManifestError(
        `${dir}/ holds ${stale.map((x) => `${x.object.kind} ${name(x.object)} (${x.file})`).join(', ')}, but policy.engine is azure-policy: run \`npm run synth\` and commit dist/, so GitOps removes them`,
      );
    }
    const assignment = policy.azurePolicy.name;
    const parameters = allowedImagesParameters(policy);
    const vapObjects = objects.filter((o) => o.kind?.startsWith('ValidatingAdmissionPolicy') && name(o) === companion);
    if (!vapObjects.some((o) => o.kind === 'ValidatingAdmissionPolicy') || !vapObjects.some((o) => o.kind === 'ValidatingAdmissionPolicyBinding')) {
      throw new ManifestError(
        `${dir}/ has no ValidatingAdmissionPolicy and binding ${companion}, which judge image volumes beside the add-on (policy.engine is azure-policy): run \`npm run synth\``,
      );
    }
    return {
      engine,
      assignmentName: assignment,
      assignmentIdSuffix: `/resourcegroups/${cluster.resourceGroup}/providers/microsoft.containerservice/managedclusters/${cluster.aksName}/providers/microsoft.authorization/policyassignments/${assignment}`.toLowerCase(),
      imageRegex: parameters.allowedContainerImagesRegex.value,
      namespaces: parameters.namespaces.value,
      excludedNamespaces: parameters.excludedNamespaces.value,
      imageVolumes: { engine: 'vap', policyName: companion, bindingName: companion },
    };
  }
  if (engine === 'vap') {
    const policies = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
    const bindings = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    if (policies.length !== 1) {
      throw new ManifestError(`${dir}/ has ${policies.length} ValidatingAdmissionPolicy objects, expected 1 (policy.engine is vap): run \`npm run synth\``);
    }
    const policyName = name(policies[0]);
    const binding = bindings.find((b) => (b.spec as { policyName?: string } | undefined)?.policyName === policyName);
    if (!binding) {
      throw new ManifestError(`${dir}/ has no ValidatingAdmissionPolicyBinding for policy "${policyName}": run \`npm run synth\``);
    }
    return { engine, policyName, bindingName: name(binding) };
  }
  const templates = objects.filter((o) => o.kind === 'ConstraintTemplate' && group(o) === 'templates.gatekeeper.sh');
  if (templates.length !== 1) {
    throw new ManifestError(`${dir}/ has ${templates.length} ConstraintTemplate objects, expected 1 (policy.engine is gatekeeper): run \`npm run synth\``);
  }
  const template = templates[0];
  const crdKind = (template.spec as { crd?: { spec?: { names?: { kind?: string } } } } | undefined)?.crd?.spec?.names?.kind;
  if (!crdKind) throw new ManifestError(`ConstraintTemplate "${name(template)}" in ${dir}/ has no spec.crd.spec.names.kind`);
  const constraints = objects.filter((o) => o.kind === crdKind && group(o) === 'constraints.gatekeeper.sh');
  if (constraints.length !== 1) {
    throw new ManifestError(`${dir}/ has ${constraints.length} ${crdKind} constraints, expected 1: run \`npm run synth\``);
  }
  return {
    engine,
    templateName: name(template),
    templateVersion: version(template),
    constraintKind: crdKind,
    constraintName: name(constraints[0]),
    constraintVersion: version(constraints[0]),
  };
}

/** The smoke Job and the ConfigMaps it mounts. Other objects (the interactive sleep Pod) are ignored. */
export function findSmoke(files: readonly ManifestFile[], dir: string): SmokeManifests {
  const jobs = all(files).filter((x) => x.object.kind === 'Job' && x.object.apiVersion === 'batch/v1');
  if (jobs.length !== 1) {
    throw new ManifestError(`${dir}/ has ${jobs.length} Jobs, expected 1 smoke-test Job: run \`npm run synth\``);
  }
  const { object: job, file } = jobs[0];
  if (!name(job)) throw new ManifestError(`the smoke Job in ${dir}/${file} has no metadata.name`);
  const volumes = ((job.spec as { template?: { spec?: { volumes?: unknown[] } } } | undefined)?.template?.spec?.volumes ?? []) as Array<{
    configMap?: { name?: string };
  }>;
  const mounted = new Set(volumes.map((v) => v.configMap?.name).filter((n): n is string => !!n));
  const configMaps = all(files)
    .map((x) => x.object)
    .filter((o) => o.kind === 'ConfigMap' && mounted.has(name(o)));
  const missing = [...mounted].filter((n) => !configMaps.some((c) => name(c) === n));
  if (missing.length > 0) {
    throw new ManifestError(`the smoke Job in ${dir}/${file} mounts ConfigMap ${missing.join(', ')}, which is not in ${dir}/`);
  }
  return { job, configMaps, file };
}
