import { imageAllowedBy as isAllowedBy } from '../../config/image-rule';
import { IMAGE_FACT_GROUPS } from '../../charts/policy/allowed-repos-cases';
import { allowedImage, deniedImage, FALLBACK_DENIED_IMAGE, probePod } from '../../verify/probe-pods';

describe('the images the policy check submits', () => {
  test.each([
    [['kevingbb/'], 'kevingbb/aks-day2-probe:latest'],
    [['kevingbb'], 'kevingbb:latest'],
    // Without "/" a registry-looking entry is a Docker Hub image (the config refuses it): its tag.
    [['contosofinacr.azurecr.io'], 'contosofinacr.azurecr.io:latest'],
    [['localhost:5000'], 'localhost:5000'], // a pin (image localhost, tag 5000): the only image it admits
    [['localhost:5000/'], 'localhost:5000/aks-day2-probe:latest'],
    [['localhost'], 'localhost:latest'],
    [['kevingbb/khbobble'], 'kevingbb/khbobble:latest'],
    [['nginx:1.27'], 'nginx:1.27'],
    [['docker.io/library/busybox:1.36'], 'docker.io/library/busybox:1.36'],
    [['docker.io/library/nginx@sha256:abc'], 'docker.io/library/nginx@sha256:abc'],
    [['', 'cr.l5d.io/linkerd/'], 'cr.l5d.io/linkerd/aks-day2-probe:latest'],
  ])('allowed entry %j → %s, which the entry admits', (repos, image) => {
    expect(allowedImage(repos)).toBe(image);
    expect(repos.some((r) => isAllowedBy(image, r))).toBe(true);
  });

  test('whichever entry of the policy tables comes first, its probe image is admitted', () => {
    for (const { repos } of IMAGE_FACT_GROUPS) {
      for (const first of repos.filter((r) => r !== '')) {
        const image = allowedImage([first, ...repos])!;
        expect([image, isAllowedBy(image, first)]).toEqual([image, true]);
      }
    }
  });

  test('no usable entry, no allowed image', () => {
    expect(allowedImage([])).toBeUndefined();
    expect(allowedImage([''])).toBeUndefined();
  });

  test("the denied image is the runbook's centos unless the list allows it", () => {
    expect(deniedImage(['kevingbb/'])).toBe('centos');
    expect(deniedImage(['centos'])).toBe(FALLBACK_DENIED_IMAGE);
    expect(deniedImage(['cent'])).toBe('centos'); // no prefix bypass: `cent` does not admit `centos`
    expect(['centos', 'docker.io/'].some((r) => isAllowedBy(FALLBACK_DENIED_IMAGE, r))).toBe(false);
  });

  test('the probe Pod passes Pod Security restricted, so only the image can get it refused', () => {
    const pod = probePod('aks-day2-verify-denied', 'production', 'centos') as any;
    expect(pod.metadata).toEqual({ name: 'aks-day2-verify-denied', namespace: 'production', labels: { 'app.kubernetes.io/managed-by': 'aks-day2-verify' } });
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.spec.containers).toHaveLength(1);
    expect(pod.spec.containers[0]).toMatchObject({
      image: 'centos',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } },
    });
  });
});
