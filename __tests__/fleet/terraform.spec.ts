/**
 * The Azure side of a pull request, for review: one snapshot file per cluster of the fleet
 * config, `__tests__/fleet/terraform/<cluster>.tf.json`, holding its synthesized Terraform with
 * cdktf's "//" metadata removed and keys sorted by code point, so a PR's diff reads cluster by
 * cluster, as plain JSON, and shows only real changes.
 *
 * Jest's own snapshot rules, per file (snapshot-files.ts):
 * - `npm test` writes the snapshot of a new cluster and removes the one of a cluster that left
 *   the config (jest writes new snapshots outside CI too), printing one line per file so it
 *   gets committed; a changed one fails.
 * - `npm test -- -u` records an intended change.
 * - Under CI=true (jest --ci) a missing, changed or leftover snapshot fails, naming the cluster.
 */
import { join } from 'node:path';
import { App, Testing } from 'cdktf';
import { ClusterStack } from '../../stacks/cluster-stack';
import { tempDir } from '../support/temp';
import { FLEET_CONFIG, ROOT, loadFleet } from './fleet';
import { type SnapshotFiles, type UpdateMode, recordSnapshot, removeLeftoverSnapshots, shown } from './snapshot-files';

const files: SnapshotFiles = {
  dir: join(__dirname, 'terraform'),
  root: ROOT,
  config: FLEET_CONFIG,
  // One line, outside jest's console framing (which adds a stack excerpt to each console.log).
  say: (line) => process.stderr.write(`${line}\n`),
};

const updateMode = (): UpdateMode => (expect.getState() as unknown as { snapshotState: { _updateSnapshot: UpdateMode } }).snapshotState._updateSnapshot;

/** Keys sorted by code point (cdktf's Testing.synth sorts with localeCompare, which follows the machine's locale). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

const config = loadFleet();
const app = new App({ outdir: tempDir('aks-day2-fleet-'), stackTraces: false });

describe(`Terraform of each cluster in ${FLEET_CONFIG}`, () => {
  test.each(config.clusters.map((c) => [c.name, c] as const))('%s', (name, cluster) => {
    const stack = new ClusterStack(app, cluster.name, { cluster, state: config.state });
    const synthesized = `${JSON.stringify(sortKeys(JSON.parse(Testing.synth(stack))), null, 2)}\n`;
    const result = recordSnapshot(files, name, synthesized, updateMode());
    if (result.kind === 'same' || result.kind === 'written') return;
    if (result.kind === 'missing') {
      throw new Error(
        `cluster "${name}" of ${FLEET_CONFIG} has no Terraform snapshot (${shown(files, result.file)}): record it with \`npm test -- -u\`, review it and commit it`,
      );
    }
    // A line diff of this synth (received) against the committed snapshot (expected), under the
    // test named after the cluster, headed by what to do about it.
    try {
      expect(synthesized).toBe(result.committed);
    } catch (error) {
      (error as Error).message =
        `cluster "${name}" of ${FLEET_CONFIG}: its Terraform differs from ${shown(files, result.file)} (- snapshot, + this synth). ` +
        `If the change is intended, record it with \`npm test -- -u\`, review the diff and commit it.\n\n${(error as Error).message}`;
      throw error;
    }
  });

  test('no snapshot is left of a cluster that is not in the config', () => {
    const leftover = removeLeftoverSnapshots(
      files,
      config.clusters.map((c) => c.name),
      updateMode(),
    );
    if (leftover.length > 0) {
      throw new Error(
        `Terraform snapshots of clusters that are not in ${FLEET_CONFIG}: ${leftover.map((f) => shown(files, f)).join(', ')}; ` +
          'remove them (`npm test -- -u`) and commit',
      );
    }
  });
});
