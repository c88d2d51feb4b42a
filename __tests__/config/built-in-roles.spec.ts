/**
 * The built-in role list `monitoring.roles` is checked against (config/built-in-roles.ts, a
 * curated copy of Microsoft's built-in roles page). These tests cannot tell whether Azure
 * renamed a role since; they check the list's shape and the ids the runbook depends on, as
 * recorded independently in /work/shared/reference/facts.md.
 */
import { GUID } from '../../config/rules';
import { BUILT_IN_ROLES, builtInRoleById, closestBuiltInRole, findBuiltInRole } from '../../config/built-in-roles';

describe('the built-in role list', () => {
  test('names are unique ignoring case, ids are unique lowercase GUIDs', () => {
    const names = BUILT_IN_ROLES.map((r) => r.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    const ids = BUILT_IN_ROLES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(GUID);
      expect(id).toBe(id.toLowerCase());
    }
  });

  test('has the runbook roles with the ids recorded from Azure (facts.md)', () => {
    expect(findBuiltInRole('AcrPull')?.id).toBe('7f951dda-4ed3-4680-a7ca-43fe172d538d');
    expect(findBuiltInRole('Monitoring Metrics Publisher')?.id).toBe('3913510d-42f4-4e42-8a64-420c390055eb');
    expect(findBuiltInRole('Log Analytics Reader')?.id).toBe('73c42c96-874c-492b-b04d-ab87d138a893');
  });

  test('lookups ignore case (ARM compares role names so) and surrounding blanks', () => {
    expect(findBuiltInRole('  monitoring reader ')?.name).toBe('Monitoring Reader');
    expect(builtInRoleById('43D0D8AD-25C7-4714-9337-8BA259A9FE05')?.name).toBe('Monitoring Reader');
    expect(findBuiltInRole('Monitoring Reeder')).toBeUndefined();
  });
});

describe('did you mean', () => {
  test.each([
    ['Monitoring Reeder', 'Monitoring Reader'],
    ['monitoring metric publisher', 'Monitoring Metrics Publisher'],
    ['AcrPul', 'AcrPull'],
    ['Log Analytic Reader', 'Log Analytics Reader'],
  ])('%s → %s', (typo, meant) => {
    expect(closestBuiltInRole(typo)?.name).toBe(meant);
  });
  test.each([['Chief Coffee Officer'], ['x'], ['Readr2000']])('no guess for %s', (name) => {
    expect(closestBuiltInRole(name)).toBeUndefined();
  });
});
