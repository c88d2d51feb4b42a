import { BUILT_IN_ROLES, BUILT_IN_ROLES_SOURCE } from '../config/built-in-roles';
import { AKS_LOG_CATEGORIES, AKS_LOG_CATEGORY_GROUPS } from '../config/rules';
import { ENGINES } from '../conformance/engines';
import { CHECK_IDS } from '../verify/check';
import { AZURE_CHECK_IDS } from '../verify/azure/check';

/**
 * Lists in README.md that are generated from the code that enforces them, so the README cannot
 * drift from it: each lives between `<!-- generated:<name> -->` and `<!-- /generated:<name> -->`.
 * `npm run readme` rewrites them; a test fails when README.md is not what this renders.
 */
export const README_SECTIONS: Readonly<Record<string, () => string>> = {
  'log-categories': () =>
    `${AKS_LOG_CATEGORIES.map((c) => `\`${c}\``).join(', ')}, or the groups ${AKS_LOG_CATEGORY_GROUPS.map((g) => `\`${g}\``).join(' and ')}`,
  'check-ids': () => CHECK_IDS.map((id) => `\`${id}\``).join(', '),
  'azure-check-ids': () => AZURE_CHECK_IDS.map((id) => `\`${id}\``).join(', '),
  // Inside the "Roles" item of "Rules worth knowing": too many roles to list (Azure has ~850),
  // so how many, as of when, and from where.
  'built-in-roles': () => {
    const { repository, commit, date } = BUILT_IN_ROLES_SOURCE;
    return `Azure's full list of built-in roles, ${BUILT_IN_ROLES.length} roles as of ${date} (the cached data of \`${repository}\` at commit \`${commit.slice(0, 7)}\`, which reads Azure's roleDefinitions API)`;
  },
  // The engines `npm run conformance` builds, from the one file that pins them.
  'conformance-engines': () =>
    [
      '',
      '| engine | version | built from | how |',
      '| --- | --- | --- | --- |',
      ...ENGINES.map((e) => {
        const how = e.recipe.kind === 'install' ? '`go install`' : `\`go build\` in \`conformance/go/${e.recipe.dir}/\``;
        const from = e.module.startsWith('aks-day2.local/') ? 'this repository' : `\`${e.module}@${e.moduleVersion}\``;
        return `| ${e.id} | ${e.version} | ${from} | ${how}${e.note ? `; ${e.note}` : ''} |`;
      }),
      '',
    ].join('\n'),
};

const MARKER = /(<!-- generated:([a-z0-9-]+) -->)[\s\S]*?(<!-- \/generated:\2 -->)/g;

/** `text` with every generated section re-rendered; throws on a marker with no renderer. */
export function renderReadme(text: string): string {
  return text.replace(MARKER, (_all, open: string, name: string, close: string) => {
    const render = README_SECTIONS[name];
    if (!render) throw new Error(`README.md: no generator for section "${name}" (lib/readme.ts)`);
    return `${open}${render()}${close}`;
  });
}

/** Names of the generated sections present in `text`, in order. */
export function readmeSections(text: string): string[] {
  return [...text.matchAll(MARKER)].map((m) => m[2]);
}
