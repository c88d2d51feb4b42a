/**
 * The `firewall_allowlist` output as deployed, from the three places it can be read: the
 * Terraform state (`outputs.<name>.value`), `cdktf output --outputs-file` / `cdktf deploy
 * --outputs-file` (`{ "<stack>": { "<name>": value } }`) and `terraform output -json`
 * (`{ "<name>": { "value": value } }`). Pure: the caller reads the file or blob.
 */

export const ALLOWLIST_OUTPUT = 'firewall_allowlist';

export class AllowlistSourceError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function cidrList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new AllowlistSourceError(`${where}: ${ALLOWLIST_OUTPUT} is not a list of strings`);
  }
  return value as string[];
}

function parse(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AllowlistSourceError(`${where}: not JSON: ${(e as Error).message}`);
  }
}

/** From a Terraform state file's text; undefined when the state has no such output. */
export function allowlistFromState(text: string, where: string): string[] | undefined {
  const state = parse(text, where);
  if (!isObject(state) || !isObject(state.outputs)) throw new AllowlistSourceError(`${where}: not a Terraform state (no "outputs")`);
  const output = state.outputs[ALLOWLIST_OUTPUT];
  return output === undefined ? undefined : cidrList(isObject(output) ? output.value : undefined, where);
}

/**
 * From an outputs file: cdktf's, keyed by stack (the cluster's name), or `terraform output
 * -json`'s for one stack. undefined when the file has the cluster but not the output.
 */
export function allowlistFromOutputsFile(text: string, cluster: string, where: string): string[] | undefined {
  const file = parse(text, where);
  if (!isObject(file)) throw new AllowlistSourceError(`${where}: expected a JSON object`);
  const stack = file[cluster];
  if (isObject(stack)) return stack[ALLOWLIST_OUTPUT] === undefined ? undefined : cidrList(stack[ALLOWLIST_OUTPUT], `${where} (${cluster})`);
  const own = file[ALLOWLIST_OUTPUT];
  if (isObject(own) && 'value' in own) return cidrList(own.value, where);
  throw new AllowlistSourceError(
    `${where}: neither a cdktf outputs file with stack "${cluster}" (cdktf output ${cluster} --outputs-file <file>) nor terraform output -json with ${ALLOWLIST_OUTPUT}`,
  );
}
