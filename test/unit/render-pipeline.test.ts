import { afterAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { loadChartDir } from '../../core/chart/loader.js';
import type { Chart } from '../../core/chart/model.js';
import { ChartroomError } from '../../core/errors.js';
import { renderChart } from '../../core/render/pipeline.js';
import { engineFor } from '../../template-engine/index.js';
import type { TemplateEngine } from '../../template-engine/types.js';
import { testContext } from '../support/context.js';
import { writeChart } from '../support/charts.js';

const ctx = testContext();
afterAll(() => ctx.cleanup());

/** A second engine for the test: it claims charts annotated `example.com/engine: shout` and upper-cases their templates. */
const shout: TemplateEngine = {
  name: 'shout',
  claims: (chart) => chart.metadata.annotations?.['example.com/engine'] === 'shout',
  render: (units) => ({
    templates: units.flatMap((u) =>
      u.chart.templates
        .filter((t) => !t.name.split('/').pop()!.startsWith('_'))
        .map((t) => ({ path: `${u.prefix}/${t.name}`, content: t.data.toString('utf8').toUpperCase().replace('KIND: CONFIGMAP', 'kind: ConfigMap'), file: `${u.chart.source}/${t.name}`, chart: u.chart })),
    ),
  }),
};
const engines = (chart: Chart) => (shout.claims(chart) ? shout : engineFor(chart));

function umbrella(root: string, parentTemplate: string, subEngine: string): Chart {
  const dir = writeChart(root, 'top', {
    'Chart.yaml': 'apiVersion: v2\nname: top\nversion: 1.0.0\nengine: handlebars\ndependencies:\n  - name: sub\n    version: 1.0.0\n',
    'templates/_helpers.tpl': '{{#define "top.name"}}top-name{{/define}}',
    'templates/cm.yaml': parentTemplate,
    'charts/sub/Chart.yaml': `apiVersion: v2\nname: sub\nversion: 1.0.0\n${subEngine === 'shout' ? 'annotations:\n  example.com/engine: shout\n' : subEngine ? `engine: ${subEngine}\n` : ''}`,
    'charts/sub/values.yaml': 'greeting: hello\n',
    'charts/sub/templates/_helpers.tpl': subEngine === '' ? '{{define "sub.name"}}sub-name{{end}}' : '{{#define "sub.name"}}sub-name{{/define}}',
    'charts/sub/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{include "top.name" .}}\n',
  });
  return loadChartDir(dir);
}

describe('render pipeline: each chart by its own engine', () => {
  it('renders the umbrella with Handlebars and the subchart with its engine; .Subcharts shows both', async () => {
    const chart = umbrella(join(ctx.root, 'mixed'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{include "top.name" .}}\ndata:\n  sub: {{Subcharts.sub.Values.greeting}}\n', 'shout');
    const r = await renderChart(chart, { engines, cache: ctx.cache });
    const byPath = new Map(r.templates.map((t) => [t.path, t.content]));
    expect(byPath.get('top/templates/cm.yaml')).toContain('name: top-name');
    expect(byPath.get('top/templates/cm.yaml')).toContain('sub: hello');
    // The subchart's engine never saw Handlebars: the include is text, shouted.
    expect(byPath.get('top/charts/sub/templates/cm.yaml')).toContain('NAME: {{INCLUDE "TOP.NAME" .}}');
    expect(r.manifests.map((m) => m.source)).toEqual(['top/charts/sub/templates/cm.yaml', 'top/templates/cm.yaml']);
  });

  it('shares named templates only within one engine', async () => {
    const chart = umbrella(join(ctx.root, 'noshare'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{include "sub.name" .}}\n', 'shout');
    await expect(renderChart(chart, { engines, cache: ctx.cache })).rejects.toThrow(/include: no template named "sub.name"/);
    // With both charts in Handlebars, the subchart's define is visible to the parent.
    const same = umbrella(join(ctx.root, 'share'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{include "sub.name" .}}\n', 'handlebars');
    const r = await renderChart(same, { cache: ctx.cache });
    expect(r.templates.find((t) => t.path === 'top/templates/cm.yaml')?.content).toContain('name: sub-name');
  });

  it('sends a Go-template subchart to the Go engine, which does not see the parent’s Handlebars templates', async () => {
    // The subchart's template is `name: {{include "top.name" .}}`: Go syntax too, but "top.name" is a Handlebars define.
    const chart = umbrella(join(ctx.root, 'go'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n', '');
    const err = await renderChart(chart, { cache: ctx.cache }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChartroomError);
    expect((err as ChartroomError).details.chart).toBe('sub');
    expect((err as ChartroomError).message).toMatch(/no template "top.name"/);
  });
});

describe('render pipeline: hooks keep everything their annotations say', () => {
  it('reads events, weights and delete policies; leaves out unknown events, saying so', async () => {
    const hook = (name: string, annotations: string) => `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\n  annotations:\n${annotations}`;
    const dir = writeChart(join(ctx.root, 'hooks'), 'hooks', {
      'Chart.yaml': 'apiVersion: v2\nname: hooks\nversion: 1.0.0\nengine: handlebars\n',
      'templates/a.yaml': hook('migrate', '    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-weight: "-5"\n    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n'),
      'templates/b.yaml': hook('typo', '    helm.sh/hook: pre-instal\n'),
      'templates/c.yaml': hook('check', '    helm.sh/hook: test-success\n    helm.sh/hook-weight: heavy\n    helm.sh/hook-delete-policy: sometimes\n'),
      'templates/d.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n',
      'crds/thing.yaml': 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\n',
    });
    const r = await renderChart(loadChartDir(dir), { cache: ctx.cache });
    expect(r.manifests.map((m) => m.name)).toEqual(['plain']);
    expect(r.crds.map((m) => m.source)).toEqual(['hooks/crds/thing.yaml']);
    const migrate = r.hooks.find((h) => h.name === 'migrate')!.hook!;
    expect(migrate).toMatchObject({ events: ['pre-install', 'pre-upgrade'], weight: -5, deletePolicies: ['before-hook-creation', 'hook-succeeded'] });
    const check = r.hooks.find((h) => h.name === 'check')!.hook!;
    expect(check).toMatchObject({ events: ['test'], weight: 0, deletePolicies: ['sometimes'] });
    expect(r.skippedHooks.map((m) => m.name)).toEqual(['typo']);
    expect(r.warnings.join('\n')).toMatch(/Job typo \(hooks\/templates\/b.yaml\): helm.sh\/hook names "pre-instal", not a Helm hook event/);
    expect(r.warnings.join('\n')).toMatch(/helm.sh\/hook-weight "heavy" is not a whole number/);
    expect(r.warnings.join('\n')).toMatch(/helm.sh\/hook-delete-policy "sometimes" is not one Helm knows/);
  });
});

describe('render pipeline: invalid YAML names the template line that wrote it', () => {
  it('points at the template source line and keeps the rendered excerpt', async () => {
    const dir = writeChart(join(ctx.root, 'badyaml'), 'badyaml', {
      'Chart.yaml': 'apiVersion: v2\nname: badyaml\nversion: 1.0.0\nengine: handlebars\n',
      'values.yaml': 'labels:\n  - a\n  - b\n',
      'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n{{#range Values.labels}}\n  {{this}}: ok\n{{/range}}\n  broken: "unterminated {{Values.labels}}\n',
    });
    const err = (await renderChart(loadChartDir(dir), { cache: ctx.cache }).catch((e: unknown) => e)) as ChartroomError;
    expect(err.code).toBe('INVALID_YAML');
    expect(err.details.file).toMatch(/badyaml\/templates\/cm.yaml$/);
    // The range writes more lines than it has, so the output line is not the template line.
    const m = /rendered output line (\d+), written by template line 9\)/.exec(err.message);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(9);
    expect(err.details.line).toBe(9);
    expect(err.details.snippet).toBe('  broken: "unterminated {{Values.labels}}');
    expect(err.details.hint).toContain('broken: "unterminated [a b]');
  });
});

describe('render pipeline: Go-template errors name the template line, with a caret and a hint', () => {
  it('traces invalid YAML to the template line that wrote it, through ranges, includes and {{template}}', async () => {
    const dir = writeChart(join(ctx.root, 'gobadyaml'), 'gobadyaml', {
      'Chart.yaml': 'apiVersion: v2\nname: gobadyaml\nversion: 1.0.0\n',
      'values.yaml': 'labels: [a, b, c]\n',
      'templates/_h.tpl': '{{- define "two" }}\none: 1\ntwo: 2\n{{- end }}',
      'templates/cm.yaml': [
        'apiVersion: v1', // 1
        'kind: ConfigMap', // 2
        'metadata:', // 3
        '  name: x', // 4
        '  labels:', // 5
        '    {{- include "two" . | nindent 4 }}', // 6
        '    {{- template "two" . }}', // 7
        'data:', // 8
        '{{- range .Values.labels }}', // 9
        '  {{ . }}: ok', // 10
        '{{- end }}', // 11
        '  broken: "unterminated {{ .Values.labels }}', // 12
        '',
      ].join('\n'),
    });
    const err = (await renderChart(loadChartDir(dir), { cache: ctx.cache }).catch((e: unknown) => e)) as ChartroomError;
    expect(err.code).toBe('INVALID_YAML');
    expect(err.details.file).toMatch(/gobadyaml\/templates\/cm.yaml$/);
    const m = /rendered output line (\d+), written by template line 12\)/.exec(err.message);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(12);
    expect(err.details.line).toBe(12);
    expect(err.details.snippet).toBe('  broken: "unterminated {{ .Values.labels }}');
  });

  it('explains an unknown function with the closest known name', async () => {
    const dir = writeChart(join(ctx.root, 'gotypo'), 'gotypo', {
      'Chart.yaml': 'apiVersion: v2\nname: gotypo\nversion: 1.0.0\n',
      'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name | toYml }}\n',
    });
    const err = (await renderChart(loadChartDir(dir), { cache: ctx.cache }).catch((e: unknown) => e)) as ChartroomError;
    expect(err.code).toBe('TEMPLATE_SYNTAX');
    expect(err.message).toBe('function "toYml" not defined');
    expect(err.details).toMatchObject({ line: 4, column: 26, hint: 'did you mean toYaml?', snippet: '  name: {{ .Chart.Name | toYml }}' });
  });
});
