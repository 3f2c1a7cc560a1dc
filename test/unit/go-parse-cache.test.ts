import { afterAll, describe, expect, it } from '@jest/globals';
import { readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadChartDir } from '../../core/chart/loader.js';
import { renderChart } from '../../core/render/pipeline.js';
import { testContext } from '../support/context.js';
import { writeChart } from '../support/charts.js';

const ctx = testContext();
afterAll(() => ctx.cleanup());

const entries = () => {
  const dir = join(ctx.cache.dir, 'go-templates');
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((f) => /[0-9a-f]{64}$/.test(String(f))) : [];
};

describe('cached Go template trees', () => {
  const dir = writeChart(ctx.root, 'gc', {
    'Chart.yaml': 'apiVersion: v2\nname: gc\nversion: 1.0.0\n',
    'values.yaml': 'n: 3\n',
    'templates/_h.tpl': '{{- define "gc.name" -}}{{ .Chart.Name }}-{{ printf "%d" 7 }}{{- end }}',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "gc.name" . }}\ndata:\n  big: {{ 9007199254740993 | quote }}\n  n: {{ .Values.n | quote }}\n',
  });

  it('renders the same from the cached trees as from a fresh parse, and keys them by the template bytes', async () => {
    const first = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(entries()).toHaveLength(1);
    const second = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(second.manifests).toEqual(first.manifests);
    expect(first.manifests[0].content).toContain('name: gc-7');
    expect(first.manifests[0].content).toContain('big: "9007199254740993"');
    expect(entries()).toHaveLength(1);

    writeFileSync(join(dir, 'templates/_h.tpl'), '{{- define "gc.name" -}}changed{{- end }}');
    const third = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(third.manifests[0].content).toContain('name: changed');
    expect(entries()).toHaveLength(2);
  });

  it('parses again over a torn cache entry', async () => {
    for (const f of entries()) writeFileSync(join(ctx.cache.dir, 'go-templates', String(f)), 'not a tree');
    const r = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(r.manifests[0].content).toContain('name: changed');
  });
});
