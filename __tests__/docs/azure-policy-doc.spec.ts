/**
 * docs/azure-policy.md records what aks-day2 relies on from Azure Policy's built-in definition;
 * its parameter table and version must be the ones the code passes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLOWED_IMAGES_DEFINITION, allowedImagesParameters } from '../../config/azure-policy-definition';
import type { PolicyConfig } from '../../config/model';

const DOC = readFileSync(join(__dirname, '..', '..', 'docs', 'azure-policy.md'), 'utf8');

test('the parameter table lists exactly the parameters the assignment passes', () => {
  const section = DOC.slice(DOC.indexOf('| parameter | definition | aks-day2 |'));
  const rows = section.split('\n').filter((l) => l.startsWith('| `')).map((l) => /^\| `([^`]+)`/.exec(l)![1]);
  const policy: PolicyConfig = { engine: 'azure-policy', namespaces: ['p'], allowedRepos: ['a/'], name: 'x', workloads: true, enforcement: 'deny' };
  expect(rows.sort()).toEqual(Object.keys(allowedImagesParameters(policy)).sort());
});

test('the definition id and version are those in config/azure-policy-definition.ts', () => {
  expect(DOC).toContain(`\`${ALLOWED_IMAGES_DEFINITION.id}\``);
  expect(DOC).toContain(`| \`version\` | ${ALLOWED_IMAGES_DEFINITION.version} `);
  expect(DOC).toContain(ALLOWED_IMAGES_DEFINITION.templateUrl);
});
