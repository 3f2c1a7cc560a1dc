import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartCli } from '../support/cli.js';
import { helm } from '../support/helm.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Prints each value with its Go type, in the parent and in a subchart (which sees globals too). */
const SHOW = '{{ range $k, $v := .Values }}{{ $k }}={{ $v }}:{{ typeOf $v }}\n{{ end }}big={{ .Values.big | default 0 }}\n';

function chart(): string {
  const root = join(tmp.dir, 'types');
  mkdirSync(join(root, 'templates'), { recursive: true });
  mkdirSync(join(root, 'charts', 'sub', 'templates'), { recursive: true });
  writeFileSync(join(root, 'Chart.yaml'), 'apiVersion: v2\nname: types\nversion: 1.0.0\ndependencies:\n  - name: sub\n    version: 1.0.0\n');
  writeFileSync(join(root, 'values.yaml'), 'fromFile: 3000000\nlist: [1, 2]\nsub: {own: 5}\n');
  writeFileSync(join(root, 'templates', 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: top\ndata:\n  show: |\n    ${SHOW.replace(/\n/g, '\n    ')}\n`);
  writeFileSync(join(root, 'charts', 'sub', 'Chart.yaml'), 'apiVersion: v2\nname: sub\nversion: 1.0.0\n');
  writeFileSync(join(root, 'charts', 'sub', 'templates', 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub\ndata:\n  show: |\n    ${SHOW.replace(/\n/g, '\n    ')}\n  global: {{ .Values.global.n }} {{ typeOf .Values.global.n }}\n`);
  return root;
}

describe('values keep the Go types helm gives them', () => {
  it('--set whole numbers are int64 (printed whole), values files and --set-json float64 (printed 4e+06)', async () => {
    const dir = chart();
    const args = ['template', 'r', dir, '--set', 'big=2000000,list[1]=7000000,sub.own=8000000,global.n=6000000,str=9000000', '--set-json', 'json=4000000', '--set-string', 'str=9000000'];
    const theirs = await helm(args);
    const ours = await chartCli(args);
    expect(ours.stderr).toBe('');
    expect(ours.stdout).toContain('big=2000000:int64');
    expect(ours.stdout).toContain('json=4e+06:float64');
    expect(ours.stdout).toContain('global: 6000000 int64');
    expect(ours.stdout).toBe(theirs.stdout);
  });
});
