/**
 * Synth warns (stderr, exit 0) about allow-list entries that relied on upstream's plain prefix
 * match, where an entry could end in the middle of a name or a tag. The warning must say what
 * the entry admits now, so a user can fix the list before the policy refuses their images.
 */
import { entryWarning } from '../../config/policy-warnings';
import { imageAllowed } from '../../config/image-rule';
import { modelOf } from './helpers';

const D = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('entries that relied on partial-segment prefixes', () => {
  test.each([
    // entry, an image upstream admitted through it that this rule refuses
    ['nginx:1.2', 'nginx:1.25'],
    ['docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.36.1'],
    ['reg.io/team-', 'reg.io/team-a/app:1'],
    ['myacr.azurecr.io/app.', 'myacr.azurecr.io/app.v2:1'],
    ['nginx:', 'nginx:1.27'],
    ['nginx@sha256:0123', `nginx@${D}`],
    ['localhost:5000', 'localhost:5000/app:1'],
  ])('%s is warned about (upstream admitted %s, this rule does not)', (entry, image) => {
    expect(image.startsWith(entry)).toBe(true); // upstream's rule
    expect(imageAllowed(image, [entry])).toBe(false); // this one
    expect(entryWarning(entry)).toBeDefined();
  });

  test.each(['kevingbb', 'kevingbb/', 'myacr.azurecr.io', 'cr.l5d.io/linkerd/', `nginx@${D}`, `nginx:1.27@${D}`, 'reg.io:5000/team'])(
    '%s is not warned about',
    (entry) => {
      expect(entryWarning(entry)).toBeUndefined();
    },
  );

  test('the tag warning names what is admitted now and how to widen it; a host:port gets the "/" hint', () => {
    expect(entryWarning('nginx:1.2')).toMatch(/pins the tag "1\.2": it admits exactly "nginx:1\.2".*List each tag .* or "nginx" for all its tags\.$/);
    expect(entryWarning('localhost:5000')).toContain('If "localhost" is a registry on port 5000, write "localhost:5000/".');
    expect(entryWarning('reg.io/team-')).toMatch(/^ends in "-"/);
    expect(entryWarning('nginx@sha256:0123')).toMatch(/incomplete digest/);
  });

  test('among the config warnings, naming the field and its line; the ACR entry never warns', () => {
    const config = modelOf((c) => (c.clusters[0].policy.allowedRepos = ['kevingbb/', 'nginx:1.2', 'reg.io/team-']));
    expect(config.warnings).toEqual([
      { path: 'clusters[0].policy.allowedRepos[1]', line: expect.any(Number), message: expect.stringMatching(/^"nginx:1\.2" pins the tag/) },
      { path: 'clusters[0].policy.allowedRepos[2]', line: expect.any(Number), message: expect.stringMatching(/^"reg\.io\/team-" ends in "-"/) },
    ]);
    expect(modelOf().warnings).toEqual([]);
  });
});
