import { Yaml } from 'cdk8s';
import { chartApp } from '../support/cdk8s';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_SMOKE_IMAGE, DEFAULT_SMOKE_UID, type SmokeTestConfig } from '../../config/model';
import { SmokeTestChart } from '../../charts/smoke/smoke-test-chart';

/** The runbook's values, as the contosofin fixture gives them, with the model's defaults. */
export const RUNBOOK_SMOKE: SmokeTestConfig = {
  namespace: 'default',
  ingressUrl: 'http://100.64.2.4',
  blockedUrl: 'http://www.superman.com',
  image: DEFAULT_SMOKE_IMAGE,
  runAsUser: DEFAULT_SMOKE_UID,
  timeoutSeconds: 10,
};

export function smokeChart(smokeTest: SmokeTestConfig = RUNBOOK_SMOKE): SmokeTestChart {
  return new SmokeTestChart(chartApp(), 'smoke', { smokeTest });
}

/** The YAML text render.ts writes to dist/<cluster>/smoke-test/smoke-test.yaml (without its header). */
export function synthYaml(smokeTest: SmokeTestConfig = RUNBOOK_SMOKE): string {
  return Yaml.stringify(...smokeChart(smokeTest).toJson());
}

/** The manifests as a cluster would read them: parsed back from the synthesized YAML. */
export function synthManifests(smokeTest: SmokeTestConfig = RUNBOOK_SMOKE): any[] {
  return parseAllDocuments(synthYaml(smokeTest)).map((d) => {
    if (d.errors.length > 0) throw new Error(`synthesized YAML does not parse: ${d.errors[0].message}`);
    return d.toJS();
  });
}

export function byKind(manifests: readonly any[], kind: string): any {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}
