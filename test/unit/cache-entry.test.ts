import { afterAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packEntry, sourcesKey, unpackEntry } from '../../template-engine/cache-entry.js';
import { loadChartDir } from '../../core/chart/loader.js';
import { renderChart } from '../../core/render/pipeline.js';
import { testContext } from '../support/context.js';
import { writeChart } from '../support/charts.js';

const src = (name: string, text: string) => ({ name, data: Buffer.from(text) });

describe('cache entries that carry their sources', () => {
  const a = [src('t/a.yaml', 'kind: A\n'), src('t/b.yaml', 'ü: 1\n')];

  it('give their body back for the same template names, saying which templates are unchanged', () => {
    const entry = packEntry('f1', a, '{"trees":[1,2,3]}');
    expect(unpackEntry('f1', a, entry)).toEqual({ body: '{"trees":[1,2,3]}', same: [true, true], all: true });
    // One byte different (same size), or another size: that template is not the entry's.
    expect(unpackEntry('f1', [src('t/a.yaml', 'kind: B\n'), a[1]], entry)).toEqual({ body: '{"trees":[1,2,3]}', same: [false, true], all: false });
    expect(unpackEntry('f1', [a[0], src('t/b.yaml', 'ü: 12\n')], entry)).toMatchObject({ same: [true, false], all: false });
  });

  it('give nothing for another format, other names, another order, or a torn entry', () => {
    const entry = packEntry('f1', a, 'body');
    expect(unpackEntry('f2', a, entry)).toBeUndefined();
    expect(unpackEntry('f1', [a[1], a[0]], entry)).toBeUndefined();
    expect(unpackEntry('f1', a.slice(0, 1), entry)).toBeUndefined();
    expect(unpackEntry('f1', [a[0], src('t/c.yaml', 'ü: 1\n')], entry)).toBeUndefined();
    expect(unpackEntry('f1', a, entry.subarray(0, 20))).toBeUndefined();
    expect(unpackEntry('f1', a, entry.subarray(0, entry.indexOf(10) + 3))).toBeUndefined();
    expect(unpackEntry('f1', a, Buffer.from('not an entry'))).toBeUndefined();
    expect(unpackEntry('f1', a, Buffer.from('["f1",["t/a.yaml","t/b.yaml"],[-1,2]]\nxx'))).toBeUndefined();
  });

  it('are keyed by format and names (16 hex digits), not by content', () => {
    expect(sourcesKey('f1', a)).toMatch(/^[0-9a-f]{16}$/);
    expect(sourcesKey('f2', a)).not.toBe(sourcesKey('f1', a));
    expect(sourcesKey('f1', [src('t/a.yaml', 'kind: AA\n'), a[1]])).toBe(sourcesKey('f1', a));
    expect(sourcesKey('f1', [src('t/c.yaml', 'kind: A\n'), a[1]])).not.toBe(sourcesKey('f1', a));
  });
});

describe('a template edited without changing its size', () => {
  const ctx = testContext();
  afterAll(() => ctx.cleanup());

  it.each([
    ['Go', '', 'name: {{ .Values.a }}-one\n', 'name: {{ .Values.a }}-two\n'],
    ['Handlebars', 'engine: handlebars\n', 'name: {{ Values.a }}-one\n', 'name: {{ Values.a }}-two\n'],
  ])('%s: renders the new text, never the cached trees of the old', async (_engine, extra, before, after) => {
    const dir = writeChart(ctx.root, `same-size-${_engine}`, {
      'Chart.yaml': `apiVersion: v2\nname: s\nversion: 1.0.0\n${extra}`,
      'values.yaml': 'a: x\n',
      'templates/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  ${before}`,
    });
    // Twice, so the trees are in the cache.
    for (let i = 0; i < 3; i++) expect((await renderChart(loadChartDir(dir), { cache: ctx.cache })).manifests[0].content).toContain('name: x-one');
    expect(after.length).toBe(before.length);
    writeFileSync(join(dir, 'templates/cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  ${after}`);
    expect((await renderChart(loadChartDir(dir), { cache: ctx.cache })).manifests[0].content).toContain('name: x-two');
  });
});

describe('one template of a cached chart edited', () => {
  const ctx = testContext();
  afterAll(() => ctx.cleanup());

  it.each([
    ['Go', '', (n: string) => `name: {{ .Values.a }}-${n}\n`],
    ['Handlebars', 'engine: handlebars\n', (n: string) => `name: {{ Values.a }}-${n}\n`],
  ])('%s: the others come from the cache, only the edited one is parsed, and the entry is brought up to date', async (engine, extra, line) => {
    const dir = writeChart(ctx.root, `edit-one-${engine}`, {
      'Chart.yaml': `apiVersion: v2\nname: e\nversion: 1.0.0\n${extra}`,
      'values.yaml': 'a: x\n',
      'templates/a.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  ${line('a')}`,
      'templates/b.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  ${line('b')}`,
    });
    const names = async () => (await renderChart(loadChartDir(dir), { cache: ctx.cache })).manifests.map((m) => m.name).sort();
    expect(await names()).toEqual(['x-a', 'x-b']);
    expect(await names()).toEqual(['x-a', 'x-b']);
    const kind = engine === 'Go' ? 'go-templates' : 'template-sets';
    const folder = join(ctx.cache.dir, kind);
    const [sub] = readdirSync(folder);
    const [file] = readdirSync(join(folder, sub));
    const path = join(folder, sub, file);
    // Make the entry's tree of b.yaml say something its source does not: if b's output shows it, b's tree
    // came from the cache.
    const entry = readFileSync(path);
    const patched = entry.toString('utf8').replace(/-b(?=[^\n]*$)/, '-B');
    expect(patched).not.toBe(entry.toString('utf8'));
    writeFileSync(path, patched);
    writeFileSync(join(dir, 'templates/a.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  ${line('edited')}`);
    expect(await names()).toEqual(['x-B', 'x-edited']);
    // Written at once (the chart was rendered before), with a.yaml's new text.
    expect(readFileSync(path, 'utf8')).toContain('-edited');
  });
});
