/**
 * config/image-rule.ts predicts the CEL policy for config validation, verify and the synth
 * warnings. It must agree with the engine-neutral image facts and with every admission case of
 * the table (whose CEL results allowed-repos-cases.spec.ts checks), so the TypeScript copy
 * cannot drift from the policy.
 */
import { IMAGE_FACT_GROUPS, POLICY_CASE_GROUPS, type PodSpecInput } from '../../charts/policy/allowed-repos-cases';
import { imageAllowed, imageAllowedBy, isPinned } from '../../config/image-rule';

describe('image facts', () => {
  const rows = IMAGE_FACT_GROUPS.flatMap((g) => g.facts.map((f) => [g.name, f.image, f.why, g.repos, f.allowed] as const));
  test.each(rows)('%s: %j (%s)', (_g, image, _why, repos, allowed) => {
    expect(imageAllowed(image, repos)).toBe(allowed);
  });
});

describe('admission cases: the TypeScript rule predicts every denial', () => {
  /** Every slot that pulls an image: the three container lists and the image volumes, by list and name. */
  type Slot = readonly [list: string, name: string, image: string | undefined];
  const slots = (s: PodSpecInput | undefined): Slot[] => [
    ...(['containers', 'initContainers', 'ephemeralContainers'] as const).flatMap((list) => (s?.[list] ?? []).map(([name, image]): Slot => [list, name, image])),
    ...(s?.imageVolumes ?? []).map(([name, reference]): Slot => ['volumes', name, reference]),
  ];
  const key = ([list, name, image]: Slot) => JSON.stringify([list, name, image ?? '']);
  const rows = POLICY_CASE_GROUPS.flatMap((group) =>
    group.cases
      .filter((c) => group.namespaces.includes(c.object.namespace))
      .filter((c) => (group.workloads ?? true) || (c.object.kind ?? 'Pod') === 'Pod')
      .filter((c) => ['CREATE', 'UPDATE', 'AUDIT'].includes(c.request?.operation ?? 'CREATE') && c.request?.subResource !== 'status')
      .filter(() => (group.repos ?? []).some((r) => r !== ''))
      .map((c) => [`${group.name}/${c.name}`, group.repos!, c] as const),
  );

  test('the table has cases to compare', () => {
    expect(rows.length).toBeGreaterThan(30);
  });

  test.each(rows)('%s', (_name, repos, c) => {
    // Only what the request introduces is judged: a slot that held exactly this image before is exempt.
    const old = new Set(slots(c.request?.oldSpec).map(key));
    const introduced = slots(c.object.spec).filter((slot) => !old.has(key(slot)));
    const refused = introduced.filter(([, , image]) => image === undefined || !imageAllowed(image, repos));
    expect(refused.length > 0).toBe(c.denied);
  });
});

describe('entry kinds', () => {
  test.each([
    ['kevingbb', false],
    ['kevingbb/', false],
    ['myacr.azurecr.io', false],
    ['reg.io:5000/team', false],
    ['reg.io:5000/', false],
    ['localhost:5000', true],
    ['docker.io/library/busybox:1.36', true],
    ['nginx@sha256:ab', true],
    ['reg.io:5000/nginx:1@sha256:ab', true],
  ])('%s pinned: %s', (entry, pinned) => {
    expect(isPinned(entry)).toBe(pinned);
  });

  test('the bypasses of upstream prefix matching stay closed', () => {
    expect(imageAllowedBy('kevingbbevil/x', 'kevingbb')).toBe(false);
    expect(imageAllowedBy('myacr.azurecr.io.evil.com/x', 'myacr.azurecr.io')).toBe(false);
    expect(imageAllowedBy('kevingbb:5000/x', 'kevingbb')).toBe(false);
    expect(imageAllowedBy('anything', '')).toBe(false);
    expect(imageAllowedBy('kevingbb/khbobble', 'kevingbb')).toBe(true);
    expect(imageAllowedBy(`kevingbb@sha256:${'a'.repeat(64)}`, 'kevingbb')).toBe(true);
    expect(imageAllowedBy('kevingbb/x', 'kevingbb/')).toBe(true);
  });
});
