import { App } from 'cdk8s';

/**
 * A cdk8s App that only holds charts for `toJson()`. cdk8s's `Testing.app()` creates a temp
 * folder per call and never removes it; an App creates its outdir only in `synth()`, which no
 * test calls, so nothing is written.
 */
export function chartApp(): App {
  return new App({ outdir: '.cdk8s-test-never-written' });
}
