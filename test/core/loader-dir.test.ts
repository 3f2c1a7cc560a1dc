import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadChartDir } from '../../core/chart/loader.js';
import { DEFAULT_LIMITS } from '../../core/chart/archive.js';
import { ChartroomError } from '../../core/errors.js';
import { writeChart } from '../support/charts.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

let n = 0;
const chart = (files: Record<string, string> = {}) =>
  writeChart(tmp.dir, `c${++n}`, { 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n', 'values.yaml': 'a: 1\n', 'templates/cm.yaml': 'kind: ConfigMap\n', ...files });

const failure = (f: () => unknown): ChartroomError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ChartroomError) return e;
    throw e;
  }
  throw new Error('no error');
};

describe('loadChartDir', () => {
  it('reads every file, in name order, with its bytes', () => {
    const dir = chart({ 'templates/b.yaml': 'b\n', 'templates/a.yaml': 'a\n', 'files/ü.txt': 'ü\n', 'files/empty': '' });
    const c = loadChartDir(dir);
    const all = [...c.templates, ...c.files].map((f) => [f.name, f.data.toString()]);
    expect(all).toEqual([
      ['templates/a.yaml', 'a\n'],
      ['templates/b.yaml', 'b\n'],
      ['templates/cm.yaml', 'kind: ConfigMap\n'],
      ['files/empty', ''],
      ['files/ü.txt', 'ü\n'],
    ]);
  });

  it('follows links inside the chart, to files and to folders', () => {
    const dir = chart({ 'shared/x.yaml': 'kind: Secret\n' });
    symlinkSync(join(dir, 'shared', 'x.yaml'), join(dir, 'templates', 'linked.yaml'));
    symlinkSync(join(dir, 'shared'), join(dir, 'templates', 'sub'));
    const names = loadChartDir(dir).templates.map((t) => [t.name, t.data.toString()]);
    expect(names).toEqual([
      ['templates/cm.yaml', 'kind: ConfigMap\n'],
      ['templates/linked.yaml', 'kind: Secret\n'],
      ['templates/sub/x.yaml', 'kind: Secret\n'],
    ]);
  });

  it('refuses a link that leaves the chart, naming it', () => {
    const dir = chart();
    writeFileSync(join(tmp.dir, 'outside.txt'), 'secret\n');
    symlinkSync(join(tmp.dir, 'outside.txt'), join(dir, 'templates', 'out.yaml'));
    const e = failure(() => loadChartDir(dir));
    expect(e.code).toBe('CHART_LINK');
    expect(e.message).toBe(`templates/out.yaml is a link to ${join(tmp.dir, 'outside.txt')}, outside the chart`);
  });

  it('refuses a file over the size limit and a chart over the total, before reading them', () => {
    const dir = chart({ 'files/big.bin': 'x'.repeat(2000) });
    const one = failure(() => loadChartDir(dir, { ...DEFAULT_LIMITS, maxFileBytes: 1000 }));
    expect(one.code).toBe('CHART_FILE_TOO_LARGE');
    expect(one.message).toBe('files/big.bin is larger than 1000 bytes');
    const total = failure(() => loadChartDir(dir, { ...DEFAULT_LIMITS, maxTotalBytes: 1500 }));
    expect(total.code).toBe('CHART_TOO_LARGE');
  });

  it('skips what is neither a file nor a folder (a named pipe is never opened, so nothing hangs)', () => {
    const dir = chart();
    mkdirSync(join(dir, 'files'), { recursive: true });
    execFileSync('mkfifo', [join(dir, 'files', 'pipe')]);
    const c = loadChartDir(dir);
    expect(c.files.map((f) => f.name)).toEqual([]);
    expect(c.templates.map((t) => t.name)).toEqual(['templates/cm.yaml']);
  });
});
