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

describe('engine vap in audit mode needs the API server audit log', () => {
  const WORKSPACE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/contosofin-rg/providers/Microsoft.OperationalInsights/workspaces/contosofin-law';
  /** The example as a VAP cluster in `enforcement`, with its log sections as `logs` sets them. */
  const warningsOf = (logs: (c: any) => void, policy: { engine?: string; enforcement?: string } = { engine: 'vap', enforcement: 'audit' }) =>
    modelOf((config) => {
      const c = config.clusters[0];
      Object.assign(c.policy, policy);
      logs(c);
    }).warnings.filter((w) => w.path === 'clusters[0].policy.enforcement');
  const none = (c: any) => delete c.auditLogs;

  test('without auditLogs and workspaceLogs: warned, naming both fields and the fix', () => {
    const [warning, ...more] = warningsOf(none);
    expect(more).toEqual([]);
    expect(warning).toEqual({ path: 'clusters[0].policy.enforcement', line: expect.any(Number), message: expect.any(String) });
    expect(warning!.message).toMatch(/^is audit with engine vap: .*audit log/);
    expect(warning!.message).toContain('there is no auditLogs, and there is no workspaceLogs');
    expect(warning!.message).toContain('Add auditLogs (its default category is kube-audit');
    expect(warning!.message).toContain('or workspaceLogs with kube-audit-admin');
  });

  test.each([
    ['auditLogs sends neither', (c: any) => (c.auditLogs.categories = ['guard', 'kube-apiserver']), 'auditLogs.categories does not list kube-audit, kube-audit-admin or the groups audit or allLogs, and there is no workspaceLogs'],
    [
      'workspaceLogs sends neither',
      (c: any) => {
        delete c.auditLogs;
        c.workspaceLogs = { workspaceResourceId: WORKSPACE, categories: ['guard', 'kube-controller-manager'] };
      },
      'there is no auditLogs, and workspaceLogs.categories does not list kube-audit-admin',
    ],
  ])('%s: warned, naming that field', (_what, logs, where) => {
    const [warning] = warningsOf(logs);
    expect(warning?.message).toContain(where);
    expect(warning?.message).toContain(where.startsWith('auditLogs') ? 'Add kube-audit (or kube-audit-admin) to auditLogs.categories' : 'or kube-audit-admin to workspaceLogs.categories');
  });

  test.each([
    ['auditLogs with kube-audit (the example)', () => undefined],
    ['auditLogs with its default categories', (c: any) => delete c.auditLogs.categories],
    ['auditLogs with kube-audit-admin', (c: any) => (c.auditLogs.categories = ['kube-audit-admin'])],
    ['auditLogs with the group audit', (c: any) => (c.auditLogs.categories = ['audit'])],
    ['auditLogs with the group allLogs', (c: any) => (c.auditLogs.categories = ['allLogs'])],
    ['workspaceLogs with its default categories', (c: any) => ((c.workspaceLogs = { workspaceResourceId: WORKSPACE }), delete c.auditLogs)],
    ['workspaceLogs with kube-audit-admin', (c: any) => ((c.workspaceLogs = { workspaceResourceId: WORKSPACE, categories: ['kube-audit-admin'] }), delete c.auditLogs)],
  ])('%s: not warned', (_what, logs) => {
    expect(warningsOf(logs)).toEqual([]);
  });

  test.each([
    // Gatekeeper's audit writes the constraint's status; the add-on reports to Azure Policy.
    [{ engine: 'gatekeeper', enforcement: 'audit' }],
    [{ engine: undefined, enforcement: 'audit' }],
    [{ engine: 'azure-policy', enforcement: 'audit' }],
    [{ engine: 'vap', enforcement: 'deny' }],
    [{ engine: 'vap', enforcement: 'warn' }],
    [{ engine: 'vap', enforcement: undefined }],
  ])('%j without any log section: not warned', (policy) => {
    expect(warningsOf(none, policy)).toEqual([]);
  });
});
