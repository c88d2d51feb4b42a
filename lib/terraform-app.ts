import { App } from 'cdktf';
import type { Config } from '../config/model';
import { ClusterStack } from '../stacks/cluster-stack';

/**
 * The cdktf app: one ClusterStack per configured cluster, named after it, so
 * `cdktf deploy <cluster>` plans one cluster and its state stays small.
 * Nothing is written until the caller runs `app.synth()`.
 */
export function buildTerraformApp(config: Config, outdir: string): App {
  // stackTraces off: they are construct metadata nobody reads here, and cost time per resource.
  const app = new App({ outdir, stackTraces: false });
  for (const cluster of config.clusters) {
    new ClusterStack(app, cluster.name, { cluster, state: config.state });
  }
  return app;
}
