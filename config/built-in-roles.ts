import data from './built-in-roles.json';
import { roleKey, type RoleEntry, type RolesSource } from './built-in-roles-source';
import { closest } from './suggest';

/**
 * The Azure built-in roles that `monitoring.roles` accepts by name, with their role definition
 * GUIDs (the same in every subscription and tenant): Azure's full list, in
 * config/built-in-roles.json. That file names where it came from (`source`: the cached data of
 * Azure/terraform-azure-avm-utl-roledefinitions, read from Azure's roleDefinitions API, at a
 * named commit and date) and how to refresh it (`npm run built-in-roles`; the conversion is
 * config/built-in-roles-source.ts). A role newer than the file, or a custom role, is given by its
 * role definition GUID.
 *
 * Role names are compared case-insensitively (ARM compares them so) and without surrounding
 * blanks; the spelling in the file is the one Azure returns, and the one written to Terraform
 * (the provider looks a name up with `roleName eq '<name>'`, so it must be Azure's exactly).
 */
export type BuiltInRole = RoleEntry;

export const BUILT_IN_ROLES: readonly BuiltInRole[] = data.roles;

/** Where the list came from: repository, commit, date. */
export const BUILT_IN_ROLES_SOURCE: RolesSource = data.source;

const BY_KEY = new Map(BUILT_IN_ROLES.map((r) => [roleKey(r.name), r]));
const BY_ID = new Map(BUILT_IN_ROLES.map((r) => [r.id, r]));
const NAMES = BUILT_IN_ROLES.map((r) => r.name);

/** The built-in role called `name`, compared case-insensitively (as ARM compares role names). */
export function findBuiltInRole(name: string): BuiltInRole | undefined {
  return BY_KEY.get(roleKey(name));
}

/** The built-in role whose role definition GUID is `id` (any case). */
export function builtInRoleById(id: string): BuiltInRole | undefined {
  return BY_ID.get(id.toLowerCase());
}

/** Every word of every role name, lower case: to tell a swapped word from a misspelt one. */
const WORDS = new Set(NAMES.flatMap((n) => n.trim().toLowerCase().split(/\s+/)));

/**
 * Whether `candidate` differs from `name` by a whole word that is itself a role-name word:
 * "Data Reader" → "Data Sender" is 2 edits but another grant, not a typo. A word and its
 * plural or other extension ("metric", "metrics") is a typo.
 */
function swapsAWord(name: string, candidate: string): boolean {
  const a = name.trim().toLowerCase().split(/\s+/);
  const b = candidate.trim().toLowerCase().split(/\s+/);
  if (a.length !== b.length) return false;
  return a.some((w, i) => w !== b[i] && WORDS.has(w) && WORDS.has(b[i]) && !w.startsWith(b[i]) && !b[i].startsWith(w));
}

/**
 * The role `name` most likely meant, when it is close enough to be a typo: the name with
 * " Role" added or dropped (Azure is inconsistent: "Azure Kubernetes Service Cluster User Role"
 * but "Monitoring Reader"), else the closest name within 3 edits (config/suggest.ts) that does
 * not swap one role-name word for another ("Monitoring Writer" is not "Monitoring Reader", nor
 * "Azure Service Bus Data Reader" "… Data Sender": a hint there would suggest another grant).
 */
export function closestBuiltInRole(name: string): BuiltInRole | undefined {
  const trimmed = name.trim();
  const suffix = / role$/i;
  const toggled = suffix.test(trimmed) ? trimmed.replace(suffix, '') : `${trimmed} Role`;
  const byToggle = findBuiltInRole(toggled);
  if (byToggle !== undefined) return byToggle;
  const match = closest(trimmed, NAMES, 3);
  return match === undefined || swapsAWord(trimmed, match) ? undefined : findBuiltInRole(match);
}
