import { GUID } from './rules';

/**
 * How config/built-in-roles.json is made from Azure's list of built-in roles
 * (`npm run built-in-roles`, scripts/built-in-roles.cjs). The list comes as the cached data of
 * Azure/terraform-azure-avm-utl-roledefinitions, `modules/cached-data/role_definitions.tf.json`,
 * which that repository's update-data workflow writes from
 * `GET /subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`,
 * keeping the roles of type BuiltInRole as `{ name: <role definition GUID>, roleName }`.
 */

/** One built-in role: its name exactly as Azure returns it, and its role definition GUID. */
export interface RoleEntry {
  readonly name: string;
  readonly id: string;
}

/** Where the list came from (the data file's `source`). */
export interface RolesSource {
  readonly repository: string;
  readonly path: string;
  readonly commit: string;
  /** The source commit's date, YYYY-MM-DD: the list is Azure's as of about then. */
  readonly date: string;
  readonly api: string;
  readonly refresh: string;
}

export interface BuiltInRolesFile {
  readonly source: RolesSource;
  readonly roles: readonly RoleEntry[];
}

export const SOURCE_REPOSITORY = 'Azure/terraform-azure-avm-utl-roledefinitions';
export const SOURCE_PATH = 'modules/cached-data/role_definitions.tf.json';

/** The key names are looked up by: ARM compares role names without case; blanks around are a typing slip. */
export const roleKey = (name: string) => name.trim().toLowerCase();

/** Code point order, independent of the machine's locale (as the upstream file's jq sort_by). */
const byName = (a: RoleEntry, b: RoleEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The roles of an upstream `role_definitions.tf.json` (parsed), sorted by name, GUIDs lowercase.
 * Throws one error listing every problem: an entry that is not `{ name: <GUID>, roleName }`,
 * two roles with one id, or two names that are the same without case (a name lookup would be
 * ambiguous).
 */
export function rolesFromRoleDefinitionsCache(data: unknown): RoleEntry[] {
  const value = (data as { locals?: { role_definitions_cached?: { value?: unknown } } } | null)?.locals?.role_definitions_cached?.value;
  if (!Array.isArray(value)) throw new Error('not a role_definitions.tf.json: locals.role_definitions_cached.value must be a list');
  const problems: string[] = [];
  const roles: RoleEntry[] = [];
  value.forEach((entry: unknown, i) => {
    const { name, roleName } = (entry ?? {}) as { name?: unknown; roleName?: unknown };
    if (typeof name !== 'string' || !GUID.test(name)) problems.push(`value[${i}].name must be a role definition GUID, got ${JSON.stringify(name)}`);
    else if (typeof roleName !== 'string' || roleName.trim() === '') problems.push(`value[${i}].roleName must be a name, got ${JSON.stringify(roleName)}`);
    else roles.push({ name: roleName, id: name.toLowerCase() });
  });
  const duplicates = (key: (r: RoleEntry) => string, what: string) => {
    const seen = new Map<string, RoleEntry>();
    for (const r of roles) {
      const other = seen.get(key(r));
      if (other) problems.push(`${what}: ${JSON.stringify(other.name)} (${other.id}) and ${JSON.stringify(r.name)} (${r.id})`);
      else seen.set(key(r), r);
    }
  };
  duplicates((r) => r.id, 'two roles with one id');
  duplicates((r) => roleKey(r.name), 'two roles whose names differ only in case or blanks');
  if (problems.length > 0) throw new Error(`${problems.length} problem(s) in the role list:\n  ${problems.join('\n  ')}`);
  return roles.sort(byName);
}

/**
 * The data file's text: the source, then one role per line (so a refresh diffs role by role).
 * Parsing it and formatting it again gives the same text; a test holds the committed file to that.
 */
export function formatBuiltInRolesFile(file: BuiltInRolesFile): string {
  const roles = [...file.roles].sort(byName).map((r) => `    ${JSON.stringify({ name: r.name, id: r.id })}`);
  const source = JSON.stringify(file.source, null, 2).replace(/\n/g, '\n  ');
  return `{\n  "source": ${source},\n  "roles": [\n${roles.join(',\n')}\n  ]\n}\n`;
}

/** The `source` record for a refresh from `commit` (dated `date`) of the upstream repository. */
export function rolesSource(commit: string, date: string): RolesSource {
  if (!/^[0-9a-f]{7,40}$/.test(commit)) throw new Error(`--commit must be the source commit's hash (7-40 hex digits), got "${commit}"`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`--date must be the source commit's date as YYYY-MM-DD, got "${date}"`);
  return {
    repository: SOURCE_REPOSITORY,
    path: SOURCE_PATH,
    commit,
    date,
    api: "Microsoft.Authorization/roleDefinitions, api-version 2022-04-01, roles of type BuiltInRole (the repository's update-data workflow)",
    refresh: `npm run built-in-roles -- <a checkout of ${SOURCE_REPOSITORY}>/${SOURCE_PATH} --commit <its commit> --date <its date, YYYY-MM-DD>`,
  };
}
