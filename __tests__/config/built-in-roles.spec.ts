/**
 * The built-in roles `monitoring.roles` accepts by name: Azure's full list, in
 * config/built-in-roles.json (from Azure's roleDefinitions API through the cached data of
 * Azure/terraform-azure-avm-utl-roledefinitions). Checked against sources that do not come
 * from that file: the roles hand-copied from Microsoft's built-in roles page
 * (built-in-roles-docs.ts), the ids recorded in /work/shared/reference/facts.md, and names the
 * azurerm provider's own tests assign.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_ROLES, BUILT_IN_ROLES_SOURCE, builtInRoleById, closestBuiltInRole, findBuiltInRole } from '../../config/built-in-roles';
import { formatBuiltInRolesFile, rolesFromRoleDefinitionsCache, roleKey } from '../../config/built-in-roles-source';
import { GUID } from '../../config/rules';
import { tempDir } from '../support/temp';
import { DOCS_ROLES } from './built-in-roles-docs';

const ROOT = join(__dirname, '..', '..');
const DATA_FILE = join(ROOT, 'config', 'built-in-roles.json');

describe('the built-in role list (config/built-in-roles.json)', () => {
  test('is the full list, not a selection: hundreds of roles', () => {
    // Azure had 852 built-in roles on 2026-03-13; the curated list before it had 77.
    expect(BUILT_IN_ROLES.length).toBeGreaterThan(800);
  });

  test('names are unique ignoring case and surrounding blanks (lookups are), ids are unique lowercase GUIDs', () => {
    const keys = BUILT_IN_ROLES.map((r) => roleKey(r.name));
    expect(new Set(keys).size).toBe(keys.length);
    const ids = BUILT_IN_ROLES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !GUID.test(id) || id !== id.toLowerCase())).toEqual([]);
  });

  test('the file is in its canonical form: sorted by name, {name, id} per role, one per line (what npm run built-in-roles writes)', () => {
    const text = readFileSync(DATA_FILE, 'utf8');
    expect(formatBuiltInRolesFile(JSON.parse(text))).toBe(text);
    const names = BUILT_IN_ROLES.map((r) => r.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(BUILT_IN_ROLES.filter((r) => Object.keys(r).join() !== 'name,id')).toEqual([]);
  });

  test('names its source: repository, commit, date', () => {
    expect(BUILT_IN_ROLES_SOURCE).toMatchObject({
      repository: 'Azure/terraform-azure-avm-utl-roledefinitions',
      path: 'modules/cached-data/role_definitions.tf.json',
      commit: 'c13a4dbe48b7578e932df34ef592ba846554366f',
      date: '2026-03-13',
    });
  });

  test('agrees, name for name and GUID for GUID, with the roles copied by hand from Microsoft\'s built-in roles page', () => {
    expect(DOCS_ROLES.length).toBe(77);
    for (const docs of DOCS_ROLES) {
      expect({ name: docs.name, data: findBuiltInRole(docs.name) }).toEqual({ name: docs.name, data: { name: docs.name, id: docs.id } });
      expect(builtInRoleById(docs.id)?.name).toBe(docs.name);
    }
  });

  test('has the runbook roles with the ids recorded from Azure (facts.md)', () => {
    expect(findBuiltInRole('AcrPull')?.id).toBe('7f951dda-4ed3-4680-a7ca-43fe172d538d');
    expect(findBuiltInRole('Monitoring Metrics Publisher')?.id).toBe('3913510d-42f4-4e42-8a64-420c390055eb');
    expect(findBuiltInRole('Log Analytics Reader')?.id).toBe('73c42c96-874c-492b-b04d-ab87d138a893');
  });

  test('accepts a real built-in role the curated list refused: Key Vault Secrets User', () => {
    // terraform-provider-azurerm v4.55.0 assigns it by name in its own acceptance tests
    // (internal/services/containerapps/container_app_environment_certificate_resource_test.go:244).
    expect(findBuiltInRole('key vault secrets user')?.name).toBe('Key Vault Secrets User');
  });

  test('lookups ignore case (ARM compares role names so) and surrounding blanks', () => {
    expect(findBuiltInRole('  monitoring reader ')?.name).toBe('Monitoring Reader');
    expect(builtInRoleById('43D0D8AD-25C7-4714-9337-8BA259A9FE05')?.name).toBe('Monitoring Reader');
    expect(findBuiltInRole('Monitoring Reeder')).toBeUndefined();
  });

  test("a name is kept exactly as Azure returns it, a trailing blank included (the provider looks it up with roleName eq '<name>')", () => {
    const role = findBuiltInRole('azure arc vmware administrator role');
    expect(role?.name).toBe('Azure Arc VMware Administrator role ');
  });
});

describe('did you mean, among all the roles', () => {
  test.each([
    ['Monitoring Reeder', 'Monitoring Reader'],
    ['monitoring metric publisher', 'Monitoring Metrics Publisher'],
    ['AcrPul', 'AcrPull'],
    ['Log Analytic Reader', 'Log Analytics Reader'],
    ['Key Vault Secret User', 'Key Vault Secrets User'],
    // " Role" added or dropped: 5 edits, found by the suffix rule.
    ['Azure Kubernetes Service Cluster User', 'Azure Kubernetes Service Cluster User Role'],
    ['azure kubernetes service contributor', 'Azure Kubernetes Service Contributor Role'],
    ['Monitoring Reader Role', 'Monitoring Reader'],
  ])('%s → %s', (typo, meant) => {
    expect(closestBuiltInRole(typo)?.name).toBe(meant);
  });
  test.each([
    ['Chief Coffee Officer'],
    ['x'],
    ['Readr2000'],
    // A swapped word is another grant, not a typo (4 edits each).
    ['Monitoring Writer'],
    ['Log Analytics Writer'],
    ['Key Vault User'],
    // ... also when it is only 2 edits (Reader/Sender): no role of that name, and no hint.
    ['Azure Service Bus Data Reader'],
    ['Azure Event Hubs Data Reader'],
    ['Azure Relay Reader'],
    // Equally far from "... RBAC Reader" and "... RBAC Writer": no coin toss.
    ['Azure Kubernetes Service RBAC Owner'],
  ])('no guess for %s', (name) => {
    expect(closestBuiltInRole(name)).toBeUndefined();
  });
});

/** The upstream file's shape (its scripts/update-data.sh: jq '{locals: {role_definitions_cached: {value: [{name, roleName}]}}}'). */
const cache = (value: unknown[]) => ({ locals: { role_definitions_cached: { value } } });

describe('rolesFromRoleDefinitionsCache (npm run built-in-roles)', () => {
  test('keeps {name, id}, sorted by name in code point order, GUIDs lowercased, names as Azure spells them', () => {
    const roles = rolesFromRoleDefinitionsCache(
      cache([
        { name: 'B24988AC-6180-42A0-AB88-20F7382DD24C', roleName: 'Contributor' },
        { name: '7f951dda-4ed3-4680-a7ca-43fe172d538d', roleName: 'AcrPull' },
        { name: '8b9beb50-e28c-4879-8472-24c9d328085f', roleName: 'AI Model Scanner Operator' },
        { name: 'ddc140ed-e463-4246-9145-7c664192013f', roleName: 'Azure Arc VMware Administrator role ' },
      ]),
    );
    expect(roles).toEqual([
      { name: 'AI Model Scanner Operator', id: '8b9beb50-e28c-4879-8472-24c9d328085f' },
      { name: 'AcrPull', id: '7f951dda-4ed3-4680-a7ca-43fe172d538d' },
      { name: 'Azure Arc VMware Administrator role ', id: 'ddc140ed-e463-4246-9145-7c664192013f' },
      { name: 'Contributor', id: 'b24988ac-6180-42a0-ab88-20f7382dd24c' },
    ]);
  });

  test('refuses, listing every problem: a bad id, a missing name, one id twice, two names equal without case', () => {
    expect(() =>
      rolesFromRoleDefinitionsCache(
        cache([
          { name: 'not-a-guid', roleName: 'X' },
          { name: '11111111-1111-4111-8111-111111111111' },
          { name: '22222222-2222-4222-8222-222222222222', roleName: 'Reader' },
          { name: '22222222-2222-4222-8222-222222222222', roleName: 'Other' },
          { name: '33333333-3333-4333-8333-333333333333', roleName: 'reader ' },
        ]),
      ),
    ).toThrow(
      [
        '4 problem(s) in the role list:',
        '  value[0].name must be a role definition GUID, got "not-a-guid"',
        '  value[1].roleName must be a name, got undefined',
        '  two roles with one id: "Reader" (22222222-2222-4222-8222-222222222222) and "Other" (22222222-2222-4222-8222-222222222222)',
        '  two roles whose names differ only in case or blanks: "Reader" (22222222-2222-4222-8222-222222222222) and "reader " (33333333-3333-4333-8333-333333333333)',
      ].join('\n'),
    );
    expect(() => rolesFromRoleDefinitionsCache({ value: [] })).toThrow('locals.role_definitions_cached.value must be a list');
  });

  test('the script writes the data file from an upstream file, naming commit and date; bad arguments exit non-zero', () => {
    const dir = tempDir();
    const input = join(dir, 'role_definitions.tf.json');
    writeFileSync(input, JSON.stringify(cache([{ name: '7f951dda-4ed3-4680-a7ca-43fe172d538d', roleName: 'AcrPull' }])));
    const out = join(dir, 'roles.json');
    const run = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'scripts', 'built-in-roles.cjs'), ...args], { encoding: 'utf8' });
    const ok = run(input, '--commit', 'abcdef0', '--date', '2026-01-02', '--out', out);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(`${out}: 1 built-in roles from Azure/terraform-azure-avm-utl-roledefinitions@abcdef0 (2026-01-02); then \`npm run readme\` updates README's count and date\n`);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written.roles).toEqual([{ name: 'AcrPull', id: '7f951dda-4ed3-4680-a7ca-43fe172d538d' }]);
    expect(written.source).toMatchObject({ repository: 'Azure/terraform-azure-avm-utl-roledefinitions', commit: 'abcdef0', date: '2026-01-02' });

    expect(run(input, '--out', out).status).toBe(2);
    const badDate = run(input, '--commit', 'abcdef0', '--date', '13.03.2026', '--out', out);
    expect(badDate.status).toBe(1);
    expect(badDate.stderr).toMatch(/--date must be the source commit's date as YYYY-MM-DD, got "13\.03\.2026"/);
  });
});
