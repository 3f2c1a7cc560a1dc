import { describe, expect, it } from '@jest/globals';
import { writeChartArchive } from '../../core/chart/archive.js';
import { comparePage, compareResult } from '../../registry-server/pages/compare.js';
import { chartPageModel, type ChartPageModel } from '../../registry-server/ui/chart-page.js';
import { CompareCache, compareModels, DEFAULT_COMPARE_LIMITS, textDiff, valueChanges, type ComparedFields, type TextDiff } from '../../registry-server/ui/compare.js';

/** A chart version's page model, from an archive as `chart package` writes it. */
function model(version: string, files: Record<string, string>): Promise<ChartPageModel> {
  const all = { 'Chart.yaml': `apiVersion: v2\nname: demo\nversion: ${version}\n`, ...files };
  const archive = writeChartArchive('demo', Object.entries(all).map(([name, data]) => ({ name, data: Buffer.from(data) })), { mtime: new Date(0) });
  return chartPageModel(archive, { name: 'demo', version });
}

/** A bare model (only what a comparison reads), for inputs an archive would make slow to build. */
function bare(valuesYaml: string, templates: { path: string; text: string }[] = []): ComparedFields {
  return { valuesYaml, valuesYamlTruncated: false, valuesTable: [], templates: templates.map((t) => ({ ...t, truncated: false })), templatesTruncated: false };
}

/** The diff's lines in unified-diff form, `-old`, `+new`, ` context`, for easy reading in assertions. */
const unified = (d: TextDiff) => d.hunks.flatMap((h) => [h.header, ...h.lines.map((l) => `${l.kind === 'del' ? '-' : l.kind === 'ins' ? '+' : l.kind === 'note' ? '\\' : ' '}${l.text}`)]);

const V1_VALUES = `# -- How many pods
replicas: 1
image:
  repository: nginx
  # -- The image tag
  tag: "1.25"
  pullPolicy: IfNotPresent
service:
  type: ClusterIP
  port: 80
resources: {}
legacy: true
`;

const V2_VALUES = `# -- How many pods
replicas: 1
image:
  repository: nginx
  # -- The image tag
  tag: "1.27"
  pullPolicy: IfNotPresent
service:
  type: ClusterIP
  port: "8080"
resources: {}
metrics:
  enabled: false
`;

describe('textDiff', () => {
  it('gives hunks with three lines of context and old/new line numbers', () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const b = a.replace('line 10\n', 'line ten\n');
    const d = textDiff(a, b);
    expect(d.state).toBe('changed');
    expect(d.added).toBe(1);
    expect(d.removed).toBe(1);
    expect(d.hunks).toHaveLength(1);
    expect(unified(d)).toEqual(['@@ -7,7 +7,7 @@', ' line 7', ' line 8', ' line 9', '-line 10', '+line ten', ' line 11', ' line 12', ' line 13']);
    const del = d.hunks[0].lines.find((l) => l.kind === 'del')!;
    const ins = d.hunks[0].lines.find((l) => l.kind === 'ins')!;
    expect([del.oldLine, del.newLine]).toEqual([10, undefined]);
    expect([ins.oldLine, ins.newLine]).toEqual([undefined, 10]);
    expect(d.hunks[0].lines[0]).toMatchObject({ kind: 'ctx', oldLine: 7, newLine: 7 });
  });

  it('makes separate hunks for changes far apart, and numbers lines after an insertion', () => {
    const a = Array.from({ length: 30 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
    const b = a.replace('l2\n', 'l2\nnew\n').replace('l25\n', 'L25\n');
    const d = textDiff(a, b);
    expect(d.hunks.map((h) => h.header)).toEqual(['@@ -1,5 +1,6 @@', '@@ -22,7 +23,7 @@']);
    expect(d.hunks[1].lines.find((l) => l.kind === 'ins')).toMatchObject({ newLine: 26, text: 'L25' });
    expect(d.hunks[1].lines.find((l) => l.kind === 'del')).toMatchObject({ oldLine: 25, text: 'l25' });
  });

  it('says identical for the same text, and shows a text on one side only as all added or removed', () => {
    expect(textDiff('a\n', 'a\n')).toEqual({ state: 'identical', hunks: [], added: 0, removed: 0, truncated: false });
    const added = textDiff('', 'a\nb\n');
    expect(unified(added)).toEqual(['@@ -0,0 +1,2 @@', '+a', '+b']);
    expect(added.added).toBe(2);
    const removed = textDiff('a\nb\n', '');
    expect(unified(removed)).toEqual(['@@ -1,2 +0,0 @@', '-a', '-b']);
    expect(removed.removed).toBe(2);
  });

  it('notes a missing newline at the end of a file', () => {
    const d = textDiff('a\nb\n', 'a\nb');
    expect(d.hunks[0].lines.some((l) => l.kind === 'note' && /newline/i.test(l.text))).toBe(true);
  });

  it('bounds a huge, dissimilar input and reports it as too different', () => {
    const a = Array.from({ length: 30_000 }, (_, i) => `a${i}: ${i * 7}`).join('\n');
    const b = Array.from({ length: 30_000 }, (_, i) => `b${i}: ${i * 11}`).join('\n');
    const start = performance.now();
    const d = textDiff(a, b);
    const ms = performance.now() - start;
    expect(d.state).toBe('too-different');
    expect(d.hunks).toEqual([]);
    // maxEditLength bounds the work: far from the seconds an unbounded O(N·D) diff of these would take.
    expect(ms).toBeLessThan(2000);
  });

  it('caps the hunks, the lines and the line length shown, and counts everything', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `k${i}: 1`).join('\n') + '\n';
    // A change every tenth line: 300 hunks' worth of changes, well within the edit limit.
    const b = a.split('\n').map((l, i) => (i % 10 === 0 && l ? `${l}0` : l)).join('\n');
    const d = textDiff(a, b, { ...DEFAULT_COMPARE_LIMITS, maxHunks: 5 });
    expect(d.state).toBe('changed');
    expect(d.hunks).toHaveLength(5);
    expect(d.truncated).toBe(true);
    expect(d.added).toBe(300);
    const lines = textDiff(a, b, { ...DEFAULT_COMPARE_LIMITS, maxLines: 50 });
    expect(lines.hunks.reduce((n, h) => n + h.lines.length, 0)).toBeLessThanOrEqual(50);
    expect(lines.truncated).toBe(true);
    const long = textDiff('x\n', `${'y'.repeat(5000)}\n`);
    expect(long.hunks[0].lines[1].text).toHaveLength(DEFAULT_COMPARE_LIMITS.maxLineChars + 1);
    expect(long.hunks[0].lines[1].text.endsWith('…')).toBe(true);
  });
});

describe('valueChanges', () => {
  it('lists added, removed and changed keys, not the maps that changed only through keys under them', async () => {
    const [a, b] = await Promise.all([model('1.0.0', { 'values.yaml': V1_VALUES }), model('2.0.0', { 'values.yaml': V2_VALUES })]);
    const changes = valueChanges(a.valuesTable, b.valuesTable);
    expect(changes).toEqual([
      { path: 'image.tag', kind: 'changed', oldType: 'string', oldDefault: '"1.25"', newType: 'string', newDefault: '"1.27"' },
      { path: 'service.port', kind: 'changed', oldType: 'int', oldDefault: '80', newType: 'string', newDefault: '"8080"' },
      // Removed keys come where they were: legacy followed resources, which is still there.
      { path: 'legacy', kind: 'removed', oldType: 'bool', oldDefault: 'true' },
      { path: 'metrics', kind: 'added', newType: 'object', newDefault: '{"enabled":false}' },
      { path: 'metrics.enabled', kind: 'added', newType: 'bool', newDefault: 'false' },
    ]);
    // image and service changed only through their keys.
    expect(changes.map((c) => c.path)).not.toContain('image');
    expect(changes.map((c) => c.path)).not.toContain('service');
  });

  it('keeps a list of scalars, which has no rows under it, as a changed key', () => {
    const rows = (d: string) => [{ path: 'args', type: 'list', default: d, description: '' }];
    expect(valueChanges(rows('["a"]'), rows('["a","b"]'))).toEqual([{ path: 'args', kind: 'changed', oldType: 'list', oldDefault: '["a"]', newType: 'list', newDefault: '["a","b"]' }]);
  });

  it('treats key paths as data (no prototype keys)', () => {
    const row = (path: string, d: string) => ({ path, type: 'string', default: d, description: '' });
    expect(valueChanges([row('__proto__', '1'), row('constructor', '1')], [row('__proto__', '2'), row('toString', '1')])).toEqual([
      { path: '__proto__', kind: 'changed', oldType: 'string', oldDefault: '1', newType: 'string', newDefault: '2' },
      { path: 'constructor', kind: 'removed', oldType: 'string', oldDefault: '1' },
      { path: 'toString', kind: 'added', newType: 'string', newDefault: '1' },
    ]);
  });
});

describe('compareModels', () => {
  it('compares values.yaml, its keys and the templates', async () => {
    const a = await model('1.0.0', {
      'values.yaml': V1_VALUES,
      'templates/deployment.yaml': 'kind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n',
      'templates/service.yaml': 'kind: Service\n',
      'templates/old.yaml': 'kind: ConfigMap\n',
    });
    const b = await model('2.0.0', {
      'values.yaml': V2_VALUES,
      'templates/deployment.yaml': 'kind: Deployment\nspec:\n  replicas: {{ .Values.replicas | default 2 }}\n',
      'templates/service.yaml': 'kind: Service\n',
      'templates/metrics.yaml': 'kind: ServiceMonitor\n',
    });
    const c = compareModels(a, b);
    expect(c.values.state).toBe('changed');
    expect(unified(c.values)).toContain('-  tag: "1.25"');
    expect(unified(c.values)).toContain('+  tag: "1.27"');
    expect(c.valueChanges.find((v) => v.path === 'image.tag')).toMatchObject({ kind: 'changed', oldDefault: '"1.25"', newDefault: '"1.27"' });
    expect(c.templates.map((t) => [t.path, t.state])).toEqual([
      ['templates/deployment.yaml', 'changed'],
      ['templates/metrics.yaml', 'added'],
      ['templates/old.yaml', 'removed'],
    ]);
    expect(unified(c.templates[0].diff)).toEqual(['@@ -1,3 +1,3 @@', ' kind: Deployment', ' spec:', '-  replicas: {{ .Values.replicas }}', '+  replicas: {{ .Values.replicas | default 2 }}']);
    expect(unified(c.templates[1].diff)).toEqual(['@@ -0,0 +1,1 @@', '+kind: ServiceMonitor']);
    expect(unified(c.templates[2].diff)).toEqual(['@@ -1,1 +0,0 @@', '-kind: ConfigMap']);
    expect(c.unchangedTemplates).toBe(1);
    expect(c.notices).toEqual([]);
  });

  it('finds nothing between identical versions', async () => {
    const files = { 'values.yaml': V1_VALUES, 'templates/a.yaml': 'a: 1\n' };
    const c = compareModels(await model('1.0.0', files), await model('1.0.1', files));
    expect(c.values.state).toBe('identical');
    expect(c.valueChanges).toEqual([]);
    expect(c.templates).toEqual([]);
    expect(c.unchangedTemplates).toBe(1);
  });

  it('spends a bounded budget on template diffs, then stops comparing line by line', () => {
    const big = (p: string) => Array.from({ length: 3000 }, (_, i) => `${p}${i}`).join('\n');
    const paths = Array.from({ length: 20 }, (_, i) => `templates/t${String(i).padStart(2, '0')}.yaml`);
    const a = bare('', paths.map((path) => ({ path, text: big('a') })));
    const b = bare('', paths.map((path) => ({ path, text: big('b') })));
    const start = performance.now();
    const c = compareModels(a, b);
    expect(performance.now() - start).toBeLessThan(5000);
    const states = c.templates.map((t) => t.diff.state);
    expect(states).toHaveLength(20);
    expect(states.filter((s) => s === 'too-different')).toHaveLength(DEFAULT_COMPARE_LIMITS.templateEditBudget / DEFAULT_COMPARE_LIMITS.maxEditLength);
    expect(states.filter((s) => s === 'skipped').length).toBeGreaterThan(0);
  });

  it('bounds the lines of the whole page', () => {
    const text = (p: string) => Array.from({ length: 1500 }, (_, i) => `${p}${i}`).join('\n');
    const a = bare('', []);
    const b = bare('', Array.from({ length: 20 }, (_, i) => ({ path: `templates/n${i}.yaml`, text: text('n') })));
    const c = compareModels(a, b);
    const shown = c.templates.reduce((n, t) => n + t.diff.hunks.reduce((m, h) => m + h.lines.length, 0), 0);
    expect(shown).toBe(DEFAULT_COMPARE_LIMITS.maxLinesTotal);
    expect(c.templates.every((t) => t.diff.added === 1500)).toBe(true);
  });

  it('says when the inputs were cut by the page models', () => {
    const a = { ...bare('a: 1\n'), valuesYamlTruncated: true };
    expect(compareModels(a, bare('a: 2\n')).notices.join(' ')).toMatch(/values\.yaml is larger/);
  });
});

describe('the compare page', () => {
  it('keeps hostile values and templates as text', async () => {
    const a = await model('1.0.0', { 'values.yaml': 'note: safe\n', 'templates/x.yaml': 'a: 1\n' });
    const b = await model('2.0.0', { 'values.yaml': 'note: "<script>alert(1)</script>"\n"<img src=x onerror=alert(2)>": 1\n', 'templates/x.yaml': '<svg onload=alert(3)>\n', 'templates/<b>.yaml': 'x\n' });
    const c = compareModels(a, b);
    expect(unified(c.values)).toContain('+note: "<script>alert(1)</script>"');
    const html = comparePage({
      chrome: { title: 'Compare', homeHref: './', styleHref: 'style.css', scriptHref: 'app.js' }, repo: '', name: 'demo', chartHref: '../demo', formAction: './compare',
      options: [{ version: '1.0.0', selectedFrom: true, selectedTo: false }, { version: '2.0.0', selectedFrom: false, selectedTo: true }], canCompare: true,
      result: compareResult(c, { from: '1.0.0', to: '2.0.0', fromHref: './1.0.0', toHref: './2.0.0', swapHref: '?from=2.0.0&to=1.0.0' }),
    });
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script src="app.js" defer>']);
    expect(html).not.toMatch(/<(img|svg|b)[\s>]/i);
    expect(html).not.toMatch(/\son\w+=/i);
    expect(html).toContain('note: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
    expect(html).toContain('&lt;svg onload&#x3D;alert(3)&gt;');
    expect(html).toContain('<code>templates/&lt;b&gt;.yaml</code>');
    expect(html).toMatch(/<tr class="ins"><td class="ln"><\/td><td class="ln">1<\/td><td class="mark"><span aria-hidden="true">\+<\/span><span class="vh">added<\/span><\/td>/);
  });
});

describe('CompareCache', () => {
  it('computes a key once and keeps the most recent within its bounds', () => {
    const cache = new CompareCache(2, 1024 * 1024);
    let computed = 0;
    const compute = () => {
      computed++;
      return compareModels(bare('a: 1\n'), bare('a: 2\n'));
    };
    const first = cache.get('k1', compute);
    expect(cache.get('k1', compute)).toBe(first);
    cache.get('k2', compute);
    cache.get('k3', compute);
    expect(computed).toBe(3);
    expect(cache.size.entries).toBe(2);
    cache.get('k1', compute);
    expect(computed).toBe(4);
    const tiny = new CompareCache(10, 10);
    tiny.get('k', compute);
    expect(tiny.size.entries).toBe(0);
  });
});
