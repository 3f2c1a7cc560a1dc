import { afterAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadChartDir } from '../../core/chart/loader.js';
import { renderChart } from '../../core/render/pipeline.js';
import { testContext } from '../support/context.js';
import { writeChart } from '../support/charts.js';
import { parse } from '../../template-engine/go/parse/parser.js';
import { decodeTrees, encodeTrees } from '../../template-engine/go/parse/tree-cache.js';

const ctx = testContext();
afterAll(() => ctx.cleanup());

const entries = () => {
  const dir = join(ctx.cache.dir, 'go-templates');
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((f) => /[0-9a-f]{16}$/.test(String(f))) : [];
};

describe('cached Go template trees', () => {
  const dir = writeChart(ctx.root, 'gc', {
    'Chart.yaml': 'apiVersion: v2\nname: gc\nversion: 1.0.0\n',
    'values.yaml': 'n: 3\n',
    'templates/_h.tpl': '{{- define "gc.name" -}}{{ .Chart.Name }}-{{ printf "%d" 7 }}{{- end }}',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "gc.name" . }}\ndata:\n  big: {{ 9007199254740993 | quote }}\n  n: {{ .Values.n | quote }}\n',
  });

  it('renders the same from the cached trees as from a fresh parse, and keeps one entry per chart', async () => {
    const first = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    // A render seen once leaves only a marker: a one-shot render does not pay for writing trees.
    expect(entries()).toHaveLength(0);
    const second = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(entries()).toHaveLength(1);
    const third = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(second.manifests).toEqual(first.manifests);
    expect(third.manifests).toEqual(first.manifests);
    expect(first.manifests[0].content).toContain('name: gc-7');
    expect(first.manifests[0].content).toContain('big: "9007199254740993"');
    expect(entries()).toHaveLength(1);

    // A template changed: the chart keeps its one entry, brought up to date at once.
    writeFileSync(join(dir, 'templates/_h.tpl'), '{{- define "gc.name" -}}changed{{- end }}');
    const changed = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(changed.manifests[0].content).toContain('name: changed');
    expect(entries()).toHaveLength(1);
    expect(readFileSync(join(ctx.cache.dir, 'go-templates', String(entries()[0])), 'utf8')).toContain('changed');
  });

  it('parses again over a torn cache entry', async () => {
    for (const f of entries()) writeFileSync(join(ctx.cache.dir, 'go-templates', String(f)), 'not a tree');
    const r = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(r.manifests[0].content).toContain('name: changed');
  });
});

describe('the JSON form of cached trees', () => {
  const opts = { funcs: (n: string) => ['quote', 'include', 'printf'].includes(n) };
  const src = '{{ define "x" }}{{ 18446744073709551615 }}{{ end }}{{ 9007199254740993 | quote }} {{ 1.5 }} {{ 0x1F }} {{ 1e19 }} {{ \'a\' }} {{ 2i }} {{ include "x" . }}';

  it('gives back exactly the trees a parse made, bigints and defined templates included', () => {
    const trees = [parse('c/templates/a.yaml', src, opts), parse('c/templates/_h.tpl', '{{ define "y" }}{{ .Values.a }}{{ end }}', opts)];
    const text = encodeTrees(trees);
    expect(text).toBeDefined();
    const back = decodeTrees(Buffer.from(text!), ['c/templates/a.yaml', 'c/templates/_h.tpl']);
    expect(back).toEqual(trees);
    expect(back![0].defines).toBeInstanceOf(Map);
  });

  it('refuses entries of other files, torn or foreign ones, and does not write numbers JSON would change', () => {
    const text = encodeTrees([parse('a', src, opts)])!;
    expect(decodeTrees(Buffer.from(text), ['b'])).toBeUndefined();
    expect(decodeTrees(Buffer.from(text.slice(0, -3)), ['a'])).toBeUndefined();
    expect(decodeTrees(Buffer.from('[{"name":"a","root":{"type":"list","nodes":[{"type":"number","int":"x1"}]},"defines":[]}]'), ['a'])).toBeUndefined();
    // The entry lists its number nodes: a listed one that is not a decimal, or a path to something else, is refused.
    const entry = (nums: string) => Buffer.from(`[{"name":"a","root":{"type":"list","nodes":[{"type":"number","int":"x1"},{"type":"text","text":"t"}]},"defines":[],"numbers":${nums}}]`);
    expect(decodeTrees(entry('[["root","nodes",0]]'), ['a'])).toBeUndefined();
    expect(decodeTrees(entry('[["root","nodes",1]]'), ['a'])).toBeUndefined();
    expect(decodeTrees(entry('[["root","nodes",7,"x"]]'), ['a'])).toBeUndefined();
    expect(decodeTrees(entry('[[{"a":1}]]'), ['a'])).toBeUndefined();
    expect(decodeTrees(entry('"all"'), ['a'])).toBeUndefined();
    expect(decodeTrees(Buffer.from('{"a":1}'), ['a'])).toBeUndefined();
    expect(encodeTrees([parse('a', '{{ -0.0 }}', opts)])).toBeUndefined();
  });
});

describe('cached Handlebars template sets', () => {
  const sets = () => {
    const dir = join(ctx.cache.dir, 'template-sets');
    return existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((f) => /[0-9a-f]{16}$/.test(String(f))).map(String) : [];
  };
  const dir = writeChart(ctx.root, 'hs', {
    'Chart.yaml': 'apiVersion: v2\nname: hs\nversion: 1.0.0\nengine: handlebars\n',
    'values.yaml': 'n: 3\n',
    'templates/_h.tpl': '{{#define "hs.name"}}{{ Chart.Name }}-x{{/define}}',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "hs.name" this }}\ndata:\n  n: {{ quote Values.n }}\n',
    'templates/cm2.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n',
  });

  it('keeps a render\'s trees as one entry (from its second render), renders the same from it, and brings it up to date when a template changes', async () => {
    const first = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(sets()).toHaveLength(0);
    expect(first.manifests.map((m) => m.content).join('')).toContain('name: hs-x');
    const second = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(sets()).toHaveLength(1);
    const third = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(second.manifests).toEqual(first.manifests);
    expect(third.manifests).toEqual(first.manifests);
    expect(sets()).toHaveLength(1);
    writeFileSync(join(dir, 'templates/_h.tpl'), '{{#define "hs.name"}}changed{{/define}}');
    const changed = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(changed.manifests.map((m) => m.content).join('')).toContain('name: changed');
    expect(sets()).toHaveLength(1);
    expect(readFileSync(join(ctx.cache.dir, 'template-sets', sets()[0]), 'utf8')).toContain('changed');
  });

  it('places errors at the same line and column from cached trees (whose locations are packed) as from a fresh parse', async () => {
    const errDir = writeChart(ctx.root, 'hl', {
      'Chart.yaml': 'apiVersion: v2\nname: hl\nversion: 1.0.0\nengine: handlebars\n',
      'values.yaml': 'v: "x: y: z"\n',
      'templates/_h.tpl': '{{#define "hl.name"}}{{ Chart.Name }}-{{ required "need x" Values.x }}{{/define}}',
      'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  v: {{ Values.v }}\n',
      'templates/req.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  x: {{ include "hl.name" this }}\n  y: {{ required "need x" Values.x }}\n',
    });
    const failure = async (cache: typeof ctx.cache | undefined, set: string[]) => {
      try {
        await renderChart(loadChartDir(errDir), { cache, set });
      } catch (e) {
        const err = e as { code?: string; message: string; details: Record<string, unknown> };
        return { code: err.code, message: err.message, file: err.details.file, line: err.details.line, column: err.details.column, trace: err.details.trace };
      }
      throw new Error('rendered without an error');
    };
    const fresh = { missing: await failure(undefined, ['v=ok']), yaml: await failure(undefined, ['x=1']) };
    expect(fresh.missing).toMatchObject({ line: 1, column: 39 });
    expect(fresh.yaml.message).toMatch(/written by template line 6/);
    // Two renders write the set's entry; the third reads every tree from it.
    for (let i = 0; i < 2; i++) await renderChart(loadChartDir(errDir), { cache: ctx.cache, set: ['v=ok', 'x=1'] });
    expect(readFileSync(join(ctx.cache.dir, 'template-sets', sets().find((f) => readFileSync(join(ctx.cache.dir, 'template-sets', f), 'utf8').includes('hl.name'))!), 'utf8')).toMatch(/"loc":\d+/);
    expect({ missing: await failure(ctx.cache, ['v=ok']), yaml: await failure(ctx.cache, ['x=1']) }).toEqual(fresh);
  });

  it('parses again over a torn or foreign set entry', async () => {
    for (const [i, f] of sets().entries()) writeFileSync(join(ctx.cache.dir, 'template-sets', f), i ? '[{"type":"Program"}]' : 'not a tree');
    const r = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(r.manifests.map((m) => m.content).join('')).toContain('name: changed');
  });
});
