#!/usr/bin/env node
// `npm run built-in-roles -- <role_definitions.tf.json> --commit <hash> --date <YYYY-MM-DD>`:
// rewrites config/built-in-roles.json (the built-in roles `monitoring.roles` accepts by name)
// from the cached role list of Azure/terraform-azure-avm-utl-roledefinitions
// (modules/cached-data/role_definitions.tf.json), naming the commit and date it came from.
// The conversion and its checks are in config/built-in-roles-source.ts. `--out <file>` writes
// elsewhere (the script's test).
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { loadTs, root } = require('./load-ts.cjs');

const USAGE = 'usage: npm run built-in-roles -- <role_definitions.tf.json> --commit <source commit> --date <its date, YYYY-MM-DD>';

function run(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { commit: { type: 'string' }, date: { type: 'string' }, out: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (e) {
    return fail(`${e.message}\n${USAGE}`, 2);
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1 || !values.commit || !values.date) return fail(USAGE, 2);
  const { formatBuiltInRolesFile, rolesFromRoleDefinitionsCache, rolesSource } = loadTs('config/built-in-roles-source.ts');
  try {
    const source = rolesSource(values.commit, values.date);
    const roles = rolesFromRoleDefinitionsCache(JSON.parse(readFileSync(positionals[0], 'utf8')));
    const out = values.out ?? join(root, 'config', 'built-in-roles.json');
    writeFileSync(out, formatBuiltInRolesFile({ source, roles }));
    process.stdout.write(`${values.out ?? 'config/built-in-roles.json'}: ${roles.length} built-in roles from ${source.repository}@${source.commit} (${source.date}); then \`npm run readme\` updates README's count and date\n`);
    return 0;
  } catch (e) {
    return fail(`built-in-roles: ${positionals[0]}: ${e.message}`, 1);
  }
}

function fail(message, code) {
  process.stderr.write(`${message}\n`);
  return code;
}

process.exitCode = run(process.argv.slice(2));
