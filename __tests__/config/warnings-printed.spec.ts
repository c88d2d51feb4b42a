/**
 * Config warnings reach the user: synth prints them on stderr, with file, field and line,
 * and still writes its output (a warning is never fatal).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { main } from '../../main';
import { tempDir } from '../support/temp';
import { exampleObject } from './helpers';

test('synth prints a resource group spelled two ways and an allow-list entry written for prefix matching, and writes its output anyway', async () => {
  const dir = tempDir();
  const config = exampleObject();
  config.clusters[0].acr.resourceGroup = 'Contosofin-RG';
  config.clusters[0].policy.allowedRepos = ['kevingbb/', 'nginx:1.2'];
  const path = join(dir, 'fleet.yaml');
  writeFileSync(path, stringify(config));
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['synth', '--only', 'kubernetes'], { AKS_DAY2_CONFIG: path, CDK8S_OUTDIR: join(dir, 'dist') }, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  expect(code).toBe(0);
  const file = path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  expect(err).toEqual([
    expect.stringMatching(new RegExp(`^warning: ${file}: clusters\\[0\\]\\.policy\\.allowedRepos\\[1\\] \\(line \\d+\\): "nginx:1\\.2" pins the tag "1\\.2"`)),
    expect.stringMatching(
      new RegExp(`^warning: ${file}: clusters\\[0\\]\\.acr\\.resourceGroup \\(line \\d+\\): spells resource group "Contosofin-RG", which clusters\\[0\\]\\.resourceGroup spells "contosofin-rg"`),
    ),
  ]);
  expect(existsSync(join(dir, 'dist', 'contosofin', 'kustomization.yaml'))).toBe(true);
});
