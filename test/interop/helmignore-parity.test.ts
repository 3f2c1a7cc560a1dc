import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readChartArchive } from '../../core/chart/archive.js';
import { chartCli } from '../support/cli.js';
import { helm } from '../support/helm.js';
import { tempDir } from '../support/tmp.js';
import { writeChart } from '../support/charts.js';

// The same chart folder packaged by the real helm and by chart package, under several .helmignore files:
// the archives must hold the same files.

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const FILES: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: ign\nversion: 0.1.0\n',
  'values.yaml': 'a: 1\n',
  'README.md': '# r\n',
  'NOTES.md': 'n\n',
  'notes.bak': 'b\n',
  'top.txt': 't\n',
  'docs/a.md': 'a\n',
  'docs/b.txt': 'b\n',
  'docs/deep/c.md': 'c\n',
  'docs/deep/top.txt': 't\n',
  'secret/key': 'k\n',
  'nested/secret/key': 'k\n',
  'nested/file.secret': 'k\n',
  'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
  'templates/.hidden.yaml': 'h\n',
  'templates/sub/.keep': 'k\n',
  'templates/sub/x.yaml': '# x\n',
  'files/[odd].txt': 'o\n',
  'files/a-b.txt': 'ab\n',
  'files/a_b.txt': 'ab\n',
  'files/ütf.txt': 'u\n',
};

const CASES: [string, string][] = [
  ['none', ''],
  ['basename globs', '*.bak\n*.md\n'],
  ['paths from the root', 'docs/*.md\n/top.txt\ndocs/deep\n'],
  ['folders only', 'secret/\nfiles/\n'],
  ['names that are folders and files', 'secret\n*.secret\n'],
  ['classes and escapes', 'files/[a-z]-*\nfiles/\\[odd\\].txt\nfiles/[^a]*\n'],
  ['question marks and unicode', 'files/?tf.txt\nn?tes.*\n'],
  ['comments, blanks and spaces', '# comment\n\n   *.bak   \n\t/top.txt\n'],
  ['the scaffold list', '.DS_Store\n.git/\n*.swp\n*.bak\n*.tmp\n*.orig\n*~\n.project\n.idea/\n*.tmproj\n.vscode/\n'],
  ['templates rules', 'templates/sub/\n'],
];

let n = 0;
async function packagedBy(tool: 'helm' | 'chart', helmignore: string): Promise<string[]> {
  const root = join(tmp.dir, `${tool}-${++n}`);
  const dir = writeChart(root, 'ign', { ...FILES, '.helmignore': helmignore });
  const out = join(root, 'out');
  mkdirSync(out);
  if (tool === 'helm') await helm(['package', dir, '-d', out]);
  else {
    const r = await chartCli(['package', dir, '-d', out]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  const [file] = readdirSync(out);
  const names = readChartArchive(readFileSync(join(out, file)), file).files.map((f) => f.name);
  rmSync(root, { recursive: true, force: true });
  return names.sort();
}

describe('.helmignore against the real helm', () => {
  it.each(CASES)('%s: the same files as helm package', async (_name, text) => {
    const ours = await packagedBy('chart', text);
    const theirs = await packagedBy('helm', text);
    expect(ours).toEqual(theirs);
    // With .helmignore itself and without templates/.hidden.yaml (the default rule), a case that leaves
    // nothing else out would prove nothing about its rules.
    if (text !== '') expect(ours.length).toBeLessThan(Object.keys(FILES).length);
  });

  it('** is refused by both, and ours names the line', async () => {
    const dir = writeChart(tmp.dir, 'stars', { ...FILES, '.helmignore': '*.bak\ndocs/**\n' });
    await expect(helm(['package', dir, '-d', tmp.dir])).rejects.toThrow(/double-star \(\*\*\) syntax is not supported/);
    const r = await chartCli(['package', dir, '-d', tmp.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('double-star (**) syntax is not supported');
    expect(r.stderr).toMatch(/\.helmignore:2\b/);
  });

  it('a pattern Go cannot compile is refused by both', async () => {
    const dir = writeChart(tmp.dir, 'badglob', { ...FILES, '.helmignore': 'files/[a-\n' });
    await expect(helm(['package', dir, '-d', tmp.dir])).rejects.toThrow(/syntax error in pattern/);
    const r = await chartCli(['package', dir, '-d', tmp.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('syntax error in pattern "files/[a-"');
  });
});
