/**
 * The Azure side of a pull request, for review: one snapshot per cluster of the fleet config,
 * its synthesized Terraform with cdktf's "//" metadata removed and keys sorted (cdktf's
 * Testing.synth), so the snapshot diff of a PR reads cluster by cluster and shows only real
 * changes. `npm test -- -u` records an intended change; under CI=true (jest --ci) a missing or
 * changed snapshot fails, naming the cluster.
 */
import { App, Testing } from 'cdktf';
import { ClusterStack } from '../../stacks/cluster-stack';
import { tempDir } from '../support/temp';
import { FLEET_CONFIG, loadFleet } from './fleet';

const config = loadFleet();
const app = new App({ outdir: tempDir('aks-day2-fleet-'), stackTraces: false });

describe(`Terraform of each cluster in ${FLEET_CONFIG}`, () => {
  test.each(config.clusters.map((c) => [c.name, c] as const))('%s', (_name, cluster) => {
    const stack = new ClusterStack(app, cluster.name, { cluster, state: config.state });
    expect(JSON.parse(Testing.synth(stack))).toMatchSnapshot();
  });
});
