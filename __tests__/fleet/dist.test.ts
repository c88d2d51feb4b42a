/**
 * `npm run synth -- --check` for the fleet config, inside `npm test`: the committed dist/ holds
 * exactly what the fleet config synthesizes (no changed, missing or extra file, no folder of a
 * cluster that is gone). Fails with the same report the command prints.
 */
import { join } from 'node:path';
import { renderManifests } from '../../charts/render';
import { checkDist, formatDistReport } from '../../lib/dist-check';
import { FLEET_CONFIG, ROOT, loadFleet } from './fleet';

test(`committed dist/ matches ${FLEET_CONFIG}`, () => {
  const report = checkDist(renderManifests(loadFleet()), join(ROOT, 'dist'));
  if (report.drift.length > 0 || report.stale.length > 0) {
    throw new Error(formatDistReport(report, FLEET_CONFIG, 'dist', 'npm run synth').join('\n'));
  }
  expect(report.clusters).toBeGreaterThan(0);
});
