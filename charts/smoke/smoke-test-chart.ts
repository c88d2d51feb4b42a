import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { SmokeTestConfig } from '../../config/model';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, smokeResources } from './restricted-pod-security';
import { SMOKE_ENV, SMOKE_SCRIPT } from './smoke-script';

export interface SmokeTestChartProps {
  /** Where the Pods run, what they curl and with which image and uid (config `smokeTest`). */
  readonly smokeTest: SmokeTestConfig;
}

/** Name of the Pod people exec into. */
export const SMOKE_SHELL_POD_NAME = 'aks-day2-smoke-shell';
/** Name of the Job that runs the checks on its own. */
export const SMOKE_JOB_NAME = 'aks-day2-smoke';

/** How long the shell Pod sleeps, as in the runbook. */
const SHELL_SLEEP_SECONDS = 3600;
/** Scheduling and pulling a small image, on top of the two bounded requests. */
const JOB_STARTUP_ALLOWANCE_SECONDS = 120;
/** Long enough to read the Job's logs; after that a re-apply starts a fresh run. */
const JOB_TTL_SECONDS_AFTER_FINISHED = 3600;

/**
 * Runbook: "Lastly, we will spin up a Pod, exec into it, and test our F/W rules."
 *
 * Two objects in `smokeTest.namespace`:
 * - the Pod people exec into (`sleep 3600`, as the runbook's centos Pod, with a maintained image),
 * - a Job that runs the same two curls itself and fails with one log line when a check fails.
 *
 * Built from the Kubernetes API types (`k8s.KubePod`, `k8s.KubeJob`), not cdk8s-plus's Pod and
 * Job: those add a startup probe on the container port (nothing listens in a sleep Pod, so it
 * is killed), 1 CPU requests, `imagePullPolicy: Always`, no seccomp or capability drop, and a
 * `cdk8s.io/metadata.addr` label. Here every emitted field is chosen, and a test lists them all.
 * The runbook's `containerPort: 80` is dropped: nothing listens in a sleep Pod.
 *
 * Both Pods opt out of Linkerd injection: the runbook's application namespaces are meshed, a
 * proxy sidecar never exits (the Job would never complete) and proxy-init needs NET_ADMIN,
 * which `restricted` forbids; and the checks must test the node's egress, not the mesh's.
 */
export class SmokeTestChart extends Chart {
  /** The Pod people exec into. */
  public readonly shellPod: k8s.KubePod;
  /** The automated check. */
  public readonly job: k8s.KubeJob;
  /** Both requests at their timeout, plus scheduling and image pull. */
  public readonly activeDeadlineSeconds: number;
  public readonly ttlSecondsAfterFinished = JOB_TTL_SECONDS_AFTER_FINISHED;
  /**
   * The group the Pods run as: the uid's number. The curl image's own group is 101; nothing here
   * depends on group ownership (nothing is written but the shell Pod's emptyDir /tmp).
   */
  public readonly runAsGroup: number;

  constructor(scope: Construct, id: string, props: SmokeTestChartProps) {
    super(scope, id);
    const cfg = props.smokeTest;
    this.runAsGroup = cfg.runAsUser;
    this.activeDeadlineSeconds = 2 * cfg.timeoutSeconds + JOB_STARTUP_ALLOWANCE_SECONDS;

    const labels = (component: string) => ({
      'app.kubernetes.io/name': 'aks-day2-smoke-test',
      'app.kubernetes.io/component': component,
      'app.kubernetes.io/part-of': 'aks-day2',
    });
    const podAnnotations = { 'linkerd.io/inject': 'disabled' };
    const podSpecBase = {
      automountServiceAccountToken: false,
      // The Job's Pod must not restart; the shell Pod ends after its hour instead of sleeping
      // forever (the runbook's Pod restarts): delete and re-apply it for another hour.
      restartPolicy: 'Never',
      // sleep and sh run as PID 1 and ignore SIGTERM; there is nothing to shut down cleanly.
      terminationGracePeriodSeconds: 1,
      securityContext: restrictedPodSecurityContext(cfg.runAsUser, this.runAsGroup),
    };

    this.shellPod = new k8s.KubePod(this, 'shell', {
      metadata: {
        name: SMOKE_SHELL_POD_NAME,
        namespace: cfg.namespace,
        labels: labels('shell'),
        annotations: podAnnotations,
      },
      spec: {
        ...podSpecBase,
        containers: [
          {
            name: 'shell',
            image: cfg.image,
            command: ['sleep', String(SHELL_SLEEP_SECONDS)],
            resources: smokeResources(),
            securityContext: restrictedContainerSecurityContext(),
            // A writable /tmp for people who save a response (`curl -o /tmp/x`); the root
            // filesystem stays read-only.
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } }],
      },
    });

    this.job = new k8s.KubeJob(this, 'job', {
      metadata: { name: SMOKE_JOB_NAME, namespace: cfg.namespace, labels: labels('job') },
      spec: {
        activeDeadlineSeconds: this.activeDeadlineSeconds,
        // A failed check is an answer, not a flake to retry.
        backoffLimit: 0,
        ttlSecondsAfterFinished: this.ttlSecondsAfterFinished,
        template: {
          metadata: { labels: labels('job'), annotations: podAnnotations },
          spec: {
            ...podSpecBase,
            containers: [
              {
                name: 'smoke',
                image: cfg.image,
                // The URLs arrive as environment variables: never spliced into shell code.
                command: ['/bin/sh', '-c', SMOKE_SCRIPT],
                env: [
                  { name: SMOKE_ENV.ingressUrl, value: cfg.ingressUrl },
                  { name: SMOKE_ENV.blockedUrl, value: cfg.blockedUrl },
                  { name: SMOKE_ENV.timeoutSeconds, value: String(cfg.timeoutSeconds) },
                ],
                resources: smokeResources(),
                securityContext: restrictedContainerSecurityContext(),
                // The FAIL line becomes the termination message (kubectl describe, Job status).
                terminationMessagePolicy: 'FallbackToLogsOnError',
              },
            ],
          },
        },
      },
    });
  }
}
