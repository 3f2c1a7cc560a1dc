import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packEntry, sourcesKey, unpackEntry } from '../../template-engine/cache-entry.js';
import { loadChartDir } from '../../core/chart/loader.js';
import { renderChart } from '../../core/render/pipeline.js';
import { testContext } from '../support/context.js';
import { writeChart } from '../support/charts.js';

const src = (name: string, text: string) => ({ name, data: Buffer.from(text) });

describe('cache entries that carry their sources', () => {
  const a = [src('t/a.yaml', 'kind: A\n'), src('t/b.yaml', 'ü: 1\n')];

  it('give their body back for the very same sources, and nothing for any other', () => {
    const entry = packEntry('f1', a, '{"trees":[1,2,3]}');
    expect(unpackEntry('f1', a, entry)).toBe('{"trees":[1,2,3]}');
    // Same names and sizes, one byte different: same key, no body.
    const edited = [src('t/a.yaml', 'kind: B\n'), a[1]];
    expect(sourcesKey('f1', edited)).toBe(sourcesKey('f1', a));
    expect(unpackEntry('f1', edited, entry)).toBeUndefined();
    expect(unpackEntry('f2', a, entry)).toBeUndefined();
    expect(unpackEntry('f1', [a[1], a[0]], entry)).toBeUndefined();
    expect(unpackEntry('f1', a.slice(0, 1), entry)).toBeUndefined();
    expect(unpackEntry('f1', a, entry.subarray(0, 20))).toBeUndefined();
    expect(unpackEntry('f1', a, Buffer.from('not an entry'))).toBeUndefined();
  });

  it('are keyed by format, names and sizes (16 hex digits)', () => {
    expect(sourcesKey('f1', a)).toMatch(/^[0-9a-f]{16}$/);
    expect(sourcesKey('f2', a)).not.toBe(sourcesKey('f1', a));
    expect(sourcesKey('f1', [src('t/a.yaml', 'kind: AA\n'), a[1]])).not.toBe(sourcesKey('f1', a));
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
