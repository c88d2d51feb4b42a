/**
 * The fleet's Terraform snapshot files follow jest's snapshot rules, and every file written or
 * removed outside CI is named in one line, so it does not go uncommitted (jest's summary
 * counts only its own .snap files). On a temporary folder, not the fleet's.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/temp';
import { type SnapshotFiles, recordSnapshot, removeLeftoverSnapshots } from './snapshot-files';

function setUp(existing: Record<string, string> = {}) {
  const root = tempDir();
  const dir = join(root, 'snapshots');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(existing)) writeFileSync(join(dir, name), text);
  const said: string[] = [];
  const files: SnapshotFiles = { dir, root, config: 'fleet.yaml', say: (l) => said.push(l) };
  return { dir, files, said };
}

describe('recordSnapshot', () => {
  test('a new cluster, outside CI: written, and named in one line', () => {
    const { dir, files, said } = setUp();
    expect(recordSnapshot(files, 'east', '{}\n', 'new')).toEqual({ kind: 'written' });
    expect(readFileSync(join(dir, 'east.tf.json'), 'utf8')).toBe('{}\n');
    expect(said).toEqual(['fleet snapshot: wrote snapshots/east.tf.json (new cluster "east" of fleet.yaml); review it and commit it']);
  });

  test('unchanged: nothing written, nothing said', () => {
    const { files, said } = setUp({ 'east.tf.json': '{}\n' });
    expect(recordSnapshot(files, 'east', '{}\n', 'all')).toEqual({ kind: 'same' });
    expect(said).toEqual([]);
  });

  test('changed: without -u the test fails (nothing written); with -u it is written and named', () => {
    const { dir, files, said } = setUp({ 'east.tf.json': '{"a": 1}\n' });
    expect(recordSnapshot(files, 'east', '{}\n', 'new')).toEqual({ kind: 'changed', file: join(dir, 'east.tf.json'), committed: '{"a": 1}\n' });
    expect(said).toEqual([]);
    expect(recordSnapshot(files, 'east', '{}\n', 'all')).toEqual({ kind: 'written' });
    expect(readFileSync(join(dir, 'east.tf.json'), 'utf8')).toBe('{}\n');
    expect(said).toEqual(['fleet snapshot: updated snapshots/east.tf.json (cluster "east" of fleet.yaml); review the diff and commit it']);
  });

  test('under CI a new cluster is missing, not written, and nothing is said', () => {
    const { dir, files, said } = setUp();
    expect(recordSnapshot(files, 'east', '{}\n', 'none')).toEqual({ kind: 'missing', file: join(dir, 'east.tf.json') });
    expect(existsSync(join(dir, 'east.tf.json'))).toBe(false);
    expect(said).toEqual([]);
  });
});

describe('removeLeftoverSnapshots', () => {
  const existing = { 'east.tf.json': '{}\n', 'gone.tf.json': '{}\n', 'old.tf.json': '{}\n', 'notes.md': 'kept' };

  test('outside CI: the snapshots of clusters not in the config are removed, each named', () => {
    const { dir, files, said } = setUp(existing);
    expect(removeLeftoverSnapshots(files, ['east'], 'new')).toEqual([]);
    expect(['east.tf.json', 'gone.tf.json', 'old.tf.json', 'notes.md'].map((f) => existsSync(join(dir, f)))).toEqual([true, false, false, true]);
    expect(said).toEqual([
      'fleet snapshot: removed snapshots/gone.tf.json (its cluster is not in fleet.yaml); commit the removal',
      'fleet snapshot: removed snapshots/old.tf.json (its cluster is not in fleet.yaml); commit the removal',
    ]);
  });

  test('under CI they stay, and are returned for the test to fail on', () => {
    const { dir, files, said } = setUp(existing);
    expect(removeLeftoverSnapshots(files, ['east'], 'none')).toEqual([join(dir, 'gone.tf.json'), join(dir, 'old.tf.json')]);
    expect(existsSync(join(dir, 'gone.tf.json'))).toBe(true);
    expect(said).toEqual([]);
  });
});
