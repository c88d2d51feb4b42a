/**
 * `npm run synth -- --check` for the fleet config, inside `npm test`: the committed dist/ holds
 * exactly what the fleet config synthesizes (no changed, missing or extra file, no cluster
 * folder missing). Fails with the same report the command prints; a folder of a cluster that
 * left the config is a warning, as in the command.
 */
import { join } from 'node:path';
import { renderManifests } from '../../charts/render';
import { checkDist, formatDistReport, inSync, staleWarnings } from '../../lib/dist-check';
import { FLEET_CONFIG, ROOT, loadFleet } from './fleet';

test(`committed dist/ matches ${FLEET_CONFIG}`, () => {
  const report = checkDist(renderManifests(loadFleet()), join(ROOT, 'dist'));
  // A folder whose cluster left the config is a warning here as in the command.
  for (const line of staleWarnings(report, FLEET_CONFIG, 'dist')) console.warn(line);
  if (!inSync(report)) throw new Error(formatDistReport(report, FLEET_CONFIG, 'dist', 'npm run synth').join('\n'));
  expect(report.clusters).toBeGreaterThan(0);
});
