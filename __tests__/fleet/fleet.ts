import { join, resolve } from 'node:path';
import { loadConfig, resolveConfigPath } from '../../config/load';
import type { Config } from '../../config/model';

/**
 * The fleet tests are the only tests that read the fleet config (config/fleet.yaml, or the file
 * AKS_DAY2_CONFIG names), exactly as `npm run synth` does: they check *your* clusters' committed
 * output. Every other test uses its own fixtures.
 */
export const ROOT = join(__dirname, '..', '..');
export const FLEET_CONFIG = resolveConfigPath(undefined, process.env);

export function loadFleet(): Config {
  return loadConfig(resolve(ROOT, FLEET_CONFIG));
}
