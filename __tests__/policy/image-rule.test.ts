/**
 * config/image-rule.ts predicts the CEL policy for config validation and verify. It must agree
 * with the policy's case table (which the CEL itself is evaluated against in
 * allowed-repos-cases.test.ts), so the TypeScript copy cannot drift from the policy.
 */
import { POLICY_CASE_GROUPS } from '../../charts/policy/allowed-repos-cases';
import { imageAllowed, imageAllowedBy } from '../../config/image-rule';

const rows = POLICY_CASE_GROUPS.flatMap((group) =>
  group.cases
    .filter((c) => group.namespaces.includes(c.pod.namespace))
    .filter(() => (group.repos ?? []).some((r) => r !== ''))
    .map((c) => [`${group.name}/${c.name}`, group.repos!, c] as const),
);

test('the table has cases to compare', () => {
  expect(rows.length).toBeGreaterThan(15);
});

test.each(rows)('%s: one violation per container list with a disallowed image', (_name, repos, c) => {
  const lists = [c.pod.containers, c.pod.initContainers ?? [], c.pod.ephemeralContainers ?? []];
  const badLists = lists.filter((list) => list.some(([, image]) => image === undefined || !imageAllowed(image, repos)));
  expect(badLists.length).toBe(c.violations);
});

test('the bypasses from issue 3 are closed', () => {
  expect(imageAllowedBy('kevingbbevil/x', 'kevingbb')).toBe(false);
  expect(imageAllowedBy('myacr.azurecr.io.evil.com/x', 'myacr.azurecr.io')).toBe(false);
  expect(imageAllowedBy('kevingbb:5000/x', 'kevingbb')).toBe(false);
  expect(imageAllowedBy('anything', '')).toBe(false);
  expect(imageAllowedBy('kevingbb/khbobble', 'kevingbb')).toBe(true);
  expect(imageAllowedBy(`kevingbb@sha256:${'a'.repeat(64)}`, 'kevingbb')).toBe(true);
  expect(imageAllowedBy('kevingbb/x', 'kevingbb/')).toBe(true);
});
