import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import express from 'express';
import pino from 'pino';
import { writeChartArchive } from '../../core/chart/archive.js';
import { AuthProvider } from '../../registry-server/auth.js';
import { errorHandler, type AccessPolicy } from '../../registry-server/http.js';
import { RegistryMetrics } from '../../registry-server/metrics.js';
import type { ChartRegistry } from '../../registry-server/registry.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { uiRouter } from '../../registry-server/routes/ui.js';
import { UI_CSP, uiContext } from '../../registry-server/ui/context.js';
import { ModelCache } from '../../registry-server/ui/model-cache.js';
import type { ChartPageModel } from '../../registry-server/ui/chart-page.js';
import { basic, multipart, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
const ADMIN = basic('admin', 's3cret-admin');
let reg: RunningRegistry & { logs: string[] };
let strict: RunningRegistry & { logs: string[] };
/** The pages, served beside each registry from its in-memory index and store, as the registry's app serves them. */
let ui: { url: string; close: () => Promise<void> };
let strictUi: { url: string; close: () => Promise<void> };

async function uiServer(registry: ChartRegistry, requireAuthForReads: boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const auth = new AuthProvider({});
  auth.loadHtpasswd(join(tmp.dir, 'htpasswd'));
  const policy: AccessPolicy = { auth, requireAuthForReads, allowAnonymousWrite: false, realm: 'chartroom' };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(uiRouter(uiContext(registry, policy)));
  app.use((_req, res) => void res.status(404).json({ error: 'no route' }));
  app.use(errorHandler(pino({ level: 'silent' }), new RegistryMetrics()));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await auth.close();
    },
  };
}

/** A chart archive in memory, as `chart package` writes it. */
function chart(name: string, version: string, chartYaml: string, files: Record<string, string> = {}): Buffer {
  const all: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\n${chartYaml}`,
    'values.yaml': 'replicas: 1\n',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
    ...files,
  };
  return writeChartArchive(name, Object.entries(all).map(([n, data]) => ({ name: n, data: Buffer.from(data) })), { mtime: new Date(0) });
}

const WEB_CHART_YAML = `description: A web server & friends
appVersion: "2.4.1"
kubeVersion: ">=1.25.0"
icon: https://example.com/web.png
home: https://example.com/web
sources:
  - https://github.com/example/web
  - javascript:alert(1)
keywords: [http, server]
maintainers:
  - name: Ada
    email: ada@example.com
    url: https://example.com/ada
dependencies:
  - name: redis
    version: ^1.0.0
    repository: https://charts.example.com
  - name: elsewhere
    version: 1.x
    repository: https://other.example.com
annotations:
  example.com/team: platform
  artifacthub.io/changes: |
    - kind: added
      description: Support for sidecars
    - kind: fixed
      description: Probe ports
`;

const WEB_VALUES = `# -- How many pods
replicas: 2
image:
  # -- The image tag
  tag: "1.2.3"
  pullPolicy: IfNotPresent
note: "<b>not bold</b>"
`;

const WEB_README = '# Web\n\nServes **pages**.\n\n## Configuration\n\nSee the values.\n';

const HOSTILE_CHART_YAML = `description: "<script>alert('desc')</script>"
maintainers:
  - name: "<script>alert('maintainer')</script>"
    url: "javascript:alert(1)"
home: "javascript:alert(2)"
icon: "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"
keywords: ["<img src=x onerror=alert(3)>"]
annotations:
  example.com/evil: '"><svg onload=alert(4)>'
  artifacthub.io/changes: |
    - kind: "<script>"
      description: "<img src=x onerror=alert(5)>"
`;

const HOSTILE_README = `# Evil <script>alert('h')</script>

<script>alert('readme')</script>
<img src="x.png" onerror="alert('onerror')">
<svg onload="alert(6)"/>
<a href="javascript:alert(7)">js</a>
`;

const publish = (data: Buffer, path = '/api/charts') => fetch(`${reg.url}${path}`, { method: 'POST', body: new Uint8Array(data), headers: { Authorization: ADMIN, 'Content-Type': 'application/gzip' } });
const get = (path: string, init: RequestInit = {}) => fetch(`${ui.url}${path}`, { redirect: 'manual', ...init });
const html = async (path: string) => {
  const r = await get(path);
  expect(r.status).toBe(200);
  return r.text();
};

/** The one script tag a page may have: the registry's own script, by a relative URL. */
const onlyOurScript = (page: string) => expect(page.match(/<script[^>]*>/gi)).toEqual([expect.stringMatching(/^<script src="(\.\.\/)*(\.\/)?ui\/assets\/app\.js" defer>$/)]);

let webDigest = '';

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync('s3cret-admin', 5)}\n`);
  reg = await startTestRegistry({ storageDir: join(tmp.dir, 'storage'), htpasswd: join(tmp.dir, 'htpasswd') });
  strict = await startTestRegistry({ storageDir: join(tmp.dir, 'strict'), htpasswd: join(tmp.dir, 'htpasswd'), requireAuthForReads: true });

  const web = chart('web', '1.1.0', WEB_CHART_YAML, { 'values.yaml': WEB_VALUES, 'README.md': WEB_README, 'templates/deploy.yaml': 'kind: Deployment\n# <script>alert(1)</script>\n' });
  webDigest = createHash('sha256').update(web).digest('hex');
  const prov = Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nname: web\n...\nfiles:\n  web-1.1.0.tgz: sha256:${webDigest}\n-----BEGIN PGP SIGNATURE-----\nxx\n-----END PGP SIGNATURE-----\n`);
  const m = multipart([{ field: 'chart', filename: 'web-1.1.0.tgz', data: web }, { field: 'prov', filename: 'web-1.1.0.tgz.prov', data: prov }]);
  const signed = await fetch(`${reg.url}/api/charts`, { method: 'POST', body: new Uint8Array(m.body), headers: { Authorization: ADMIN, 'Content-Type': m.contentType } });
  expect(signed.status).toBe(201);
  for (const c of [
    chart('web', '1.0.0', 'description: old web\nappVersion: "2.3.0"\n'),
    chart('web', '2.0.0-rc.1', 'description: next web\nappVersion: "3.0.0-beta"\n'),
    chart('redis', '1.0.0', 'description: a cache\n'),
    chart('hbs', '1.0.0', 'engine: handlebars\n'),
    chart('hbs-annotated', '1.0.0', 'annotations:\n  chartroom.dev/engine: handlebars\n'),
    chart('evil', '0.1.0', HOSTILE_CHART_YAML, { 'README.md': HOSTILE_README, 'templates/x.yaml': '<script>alert(8)</script>\n' }),
  ]) expect((await publish(c)).status).toBe(201);
  expect((await publish(chart('web', '3.0.0', 'description: team web\n'), '/api/team-a/charts')).status).toBe(201);
  expect((await fetch(`${strict.url}/api/charts`, { method: 'POST', body: new Uint8Array(chart('web', '1.0.0', '')), headers: { Authorization: ADMIN, 'Content-Type': 'application/gzip' } })).status).toBe(201);
  ui = await uiServer(reg.registry, false);
  strictUi = await uiServer(strict.registry, true);
});

afterAll(async () => {
  await ui?.close();
  await strictUi?.close();
  await reg?.close();
  await strict?.close();
  tmp.cleanup();
});

describe('the chart page', () => {
  it('shows a version: metadata, README, values, templates, install commands', async () => {
    const r = await get('/ui/charts/web/1.1.0');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await r.text();
    expect(page).toContain('<h1>web <span class="muted">1.1.0</span></h1>');
    expect(page).toContain('A web server &amp; friends');
    expect(page).toContain('<dt>App version</dt><dd>2.4.1</dd>');
    expect(page).toContain('<img src="https://example.com/web.png"');
    // The README as sanitized HTML, with a table of contents.
    expect(page).toMatch(/<div class="readme"><h1[^>]*>Web<\/h1>/);
    expect(page).toContain('<strong>pages</strong>');
    expect(page).toMatch(/<a href="#[a-z-]*configuration">Configuration<\/a>/);
    // values.yaml highlighted in <pre><code>, its text escaped, and its table.
    expect(page).toContain('<pre tabindex="0" aria-label="values.yaml"><code class="hljs">');
    expect(page).toContain('<span class="hljs-attr">note:</span> <span class="hljs-string">&quot;&lt;b&gt;not bold&lt;/b&gt;&quot;</span>');
    expect(page).not.toContain('<b>not bold</b>');
    expect(page).toMatch(/<dt>Size<\/dt><dd>\d+(\.\d)? (bytes|KiB)<\/dd>/);
    expect(page).toContain('<td><code>image.tag</code></td>');
    expect(page).toContain('The image tag');
    // Templates, escaped.
    expect(page).toContain('<summary>templates/deploy.yaml</summary>');
    expect(page).toContain('# &lt;script&gt;alert(1)&lt;/script&gt;');
    // Metadata.
    expect(page).toContain('<a href="https://example.com/web" rel="nofollow noopener noreferrer">');
    expect(page).toContain('https://github.com/example/web');
    expect(page).not.toContain('javascript:');
    expect(page).toContain('http, server');
    expect(page).toContain('<a href="https://example.com/ada" rel="nofollow noopener noreferrer">Ada</a> &lt;ada@example.com&gt;');
    expect(page).toContain('<td><code>example.com/team</code></td><td>platform</td>');
    expect(page).toContain('<strong>added</strong>: Support for sidecars');
    expect(page).toContain(`sha256:${webDigest}`);
    expect(page).toContain('<span class="signed">signed</span>');
    expect(page).toMatch(/<time datetime="\d{4}-\d\d-\d\dT/);
    // Install commands, copyable.
    const host = new URL(ui.url).host;
    expect(page).toContain(`<code id="cmd-chart" tabindex="0">chart install RELEASE ${ui.url}/charts/web-1.1.0.tgz</code>`);
    expect(page).toContain(`<code id="cmd-repo-add" tabindex="0">helm repo add chartroom ${ui.url}</code>`);
    expect(page).toContain('<code id="cmd-helm-install" tabindex="0">helm install RELEASE chartroom/web --version 1.1.0</code>');
    expect(page).toContain(`<code id="cmd-oci" tabindex="0">helm pull oci://${host}/web --version 1.1.0</code>`);
    // No script, and only the registry's own style sheet.
    onlyOurScript(page);
    expect(page).toContain('<link rel="stylesheet" href="../../../ui/assets/style.css">');
  });

  it('says which engine a chart needs: Handlebars (by engine: or by the annotation) for Chartroom only, Go for both', async () => {
    const note = 'install it with Chartroom. helm can pull it but cannot render it.';
    for (const name of ['hbs', 'hbs-annotated']) {
      const page = await html(`/ui/charts/${name}/1.0.0`);
      expect(page).toContain('<span class="badge engine" title="Install it with Chartroom: helm cannot render it">engine: handlebars</span>');
      expect(page).toContain(note);
    }
    const go = await html('/ui/charts/redis/1.0.0');
    expect(go).not.toContain('badge engine');
    expect(go).not.toContain(note);
    expect(go).toContain('Go templates: Chartroom and helm both render this chart.');
  });

  it('links dependencies that are in this registry, and lists every version', async () => {
    const page = await html('/ui/charts/web/1.1.0');
    expect(page).toContain('<td><a href="../redis">redis</a></td><td>^1.0.0</td>');
    expect(page).toContain('<td>elsewhere</td>');
    for (const v of ['2.0.0-rc.1', '1.1.0', '1.0.0']) expect(page).toContain(`<a href="./${v}">${v}</a>`);
    expect(page).toContain('<tr class="current" aria-current="page"><td><a href="./1.1.0">1.1.0</a>');
    expect(page).toMatch(/<a href="\.\/1\.0\.0">1\.0\.0<\/a><\/td><td><time[^>]*>[^<]+<\/time><\/td><td>2\.3\.0<\/td><td><code>sha256:[0-9a-f]{64}<\/code>/);
    // An unsigned version says so.
    expect(await html('/ui/charts/web/1.0.0')).toMatch(/<dt>Provenance<\/dt><dd class="prov-none">none<\/dd>/);
    // The dependency's link leads to its page.
    const dep = await get('/ui/charts/redis');
    expect(dep.status).toBe(302);
    expect(dep.headers.get('location')).toBe('redis/1.0.0');
  });

  it('sends the newest stable version for a chart without a version', async () => {
    const r = await get('/ui/charts/web');
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('web/1.1.0');
    const followed = await fetch(`${ui.url}/ui/charts/web`);
    expect(followed.url).toBe(`${ui.url}/ui/charts/web/1.1.0`);
    expect(await followed.text()).toContain('<h1>web <span class="muted">1.1.0</span></h1>');
  });

  it('renders a hostile chart with nothing active', async () => {
    const r = await get('/ui/charts/evil/0.1.0');
    expect(r.status).toBe(200);
    const page = await r.text();
    onlyOurScript(page);
    expect(page).not.toMatch(/<[a-z][^>]*\son\w+\s*=/i);
    expect(page).not.toMatch(/onerror=|onload=/i);
    expect(page).not.toMatch(/<svg|<iframe/i);
    expect(page).not.toMatch(/javascript:/i);
    expect(page).not.toContain('data:image/svg');
    expect(page).toContain('<p class="description">&lt;script&gt;alert(&#x27;desc&#x27;)&lt;/script&gt;</p>');
    expect(page).toContain('<li>&lt;script&gt;alert(&#x27;maintainer&#x27;)&lt;/script&gt;</li>');
    expect(page).toContain('<td>&quot;&gt;&lt;svg onload&#x3D;alert(4)&gt;</td>');
    expect(page).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(5)&gt;');
    expect(page).toContain('&lt;script&gt;alert(8)&lt;/script&gt;');
  });

  it('pages of a named repository', async () => {
    const page = await html('/ui/r/team-a/charts/web/3.0.0');
    const host = new URL(ui.url).host;
    expect(page).toContain('team web');
    expect(page).toContain(`helm pull oci://${host}/team-a/web --version 3.0.0`);
    expect(page).toContain(`helm repo add chartroom-team-a ${ui.url}/team-a`);
    expect(page).toContain(`chart install RELEASE ${ui.url}/team-a/charts/web-3.0.0.tgz`);
    expect(page).toContain('<link rel="stylesheet" href="../../../../../ui/assets/style.css">');
    const r = await get('/ui/r/team-a/charts/web');
    expect(r.headers.get('location')).toBe('web/3.0.0');
  });
});

describe('headers and caching', () => {
  it('sends a strict CSP, nosniff, Cache-Control and an ETag answered with 304', async () => {
    const r = await get('/ui/charts/web/1.1.0');
    expect(r.headers.get('content-security-policy')).toBe(UI_CSP);
    expect(UI_CSP).toContain("default-src 'none'");
    expect(UI_CSP).toContain("style-src 'self'");
    expect(UI_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(UI_CSP).toContain("script-src 'self';");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('cache-control')).toBe('public, no-cache');
    const etag = r.headers.get('etag')!;
    expect(etag).toMatch(/^"ui-[0-9a-f]+"$/);
    const again = await get('/ui/charts/web/1.1.0', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const other = await get('/ui/charts/web/1.0.0');
    expect(other.headers.get('etag')).not.toBe(etag);
  });

  it('changes the ETag when a version is published', async () => {
    const before = (await get('/ui/charts/redis/1.0.0')).headers.get('etag');
    expect((await publish(chart('redis', '1.0.1', 'description: a cache\n'))).status).toBe(201);
    const after = await get('/ui/charts/redis/1.0.0', { headers: { 'If-None-Match': before! } });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('<a href="./1.0.1">1.0.1</a>');
  });

  it('serves the style sheet, with light and dark themes', async () => {
    const r = await get('/ui/assets/style.css');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/css/);
    const css = await r.text();
    expect(css).toContain('prefers-color-scheme:dark');
    const etag = r.headers.get('etag')!;
    expect((await get('/ui/assets/style.css', { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });
});

describe('unknowns and access', () => {
  it.each([
    '/ui/charts/nope',
    '/ui/charts/nope/1.0.0',
    '/ui/charts/web/9.9.9',
    '/ui/charts/web/not-a-version',
    '/ui/charts/%3Cscript%3E',
    '/ui/r/ghost/charts/web',
    '/ui/r/ghost/charts/web/1.0.0',
    '/ui/r/charts/charts/web',
    '/ui/r/team-a/charts/redis/1.0.0',
  ])('%s is a 404 page', async (path) => {
    const r = await get(path);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('content-security-policy')).toBe(UI_CSP);
    const page = await r.text();
    expect(page).toContain('<h1>Not found</h1>');
    onlyOurScript(page);
  });

  it('never makes a repository for an unknown name', async () => {
    await get('/ui/r/ghost/charts/web');
    expect(reg.registry.hasRepository('ghost')).toBe(false);
    expect((await fetch(`${reg.url}/ghost/index.yaml`)).status).toBe(404);
  });

  it('with reads requiring auth: an anonymous browser is sent to the login form (no Basic popup), the page with credentials', async () => {
    const anon = await fetch(`${strictUi.url}/ui/charts/web/1.0.0`, { redirect: 'manual' });
    expect(anon.status).toBe(303);
    expect(anon.headers.get('www-authenticate')).toBeNull();
    expect(anon.headers.get('location')).toBe('../../../ui/login?next=%2Fui%2Fcharts%2Fweb%2F1.0.0');
    expect((await fetch(`${strictUi.url}/ui/charts/web`, { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(`${strictUi.url}/ui/charts/nope/1.0.0`, { redirect: 'manual' })).status).toBe(303);
    const wrong = await fetch(`${strictUi.url}/ui/charts/web/1.0.0`, { headers: { Authorization: basic('admin', 'wrong') } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBeNull();
    const authed = await fetch(`${strictUi.url}/ui/charts/web/1.0.0`, { headers: { Authorization: ADMIN } });
    expect(authed.status).toBe(200);
    expect(authed.headers.get('cache-control')).toBe('private, no-cache');
    expect(await authed.text()).toContain('<h1>web <span class="muted">1.0.0</span></h1>');
  });
});

describe('the model cache', () => {
  const model = (readme: string) => ({ name: 'x', version: '1.0.0', deprecated: false, engine: 'go', sources: [], keywords: [], maintainers: [], dependencies: [], annotations: {}, changes: [], readmeHtml: readme, toc: [], readmeTruncated: false, valuesYaml: '', valuesYamlTruncated: false, valuesTable: [], templates: [], templatesTruncated: false, archiveSize: 0 }) as ChartPageModel;

  it('computes each key once, shares computations in flight, and keeps the most recently used within its bounds', async () => {
    const cache = new ModelCache(undefined as unknown as ChartRegistry, { entries: 2, bytes: 1024 * 1024 });
    let computed = 0;
    const compute = (readme: string) => async () => {
      computed++;
      return { model: model(readme), signed: false };
    };
    const [a1, a2] = await Promise.all([cache.get('a', compute('a')), cache.get('a', compute('a'))]);
    expect(a1).toBe(a2);
    expect(computed).toBe(1);
    await cache.get('b', compute('b'));
    await cache.get('a', compute('a'));
    await cache.get('c', compute('c'));
    expect(cache.size.entries).toBe(2);
    expect(computed).toBe(3);
    await cache.get('a', compute('a'));
    expect(computed).toBe(3);
    await cache.get('b', compute('b'));
    expect(computed).toBe(4);
  });

  it('bounds the bytes held, and serves a model larger than the budget without keeping it', async () => {
    const cache = new ModelCache(undefined as unknown as ChartRegistry, { entries: 100, bytes: 40_000 });
    for (const k of ['a', 'b', 'c']) await cache.get(k, async () => ({ model: model('x'.repeat(8_000)), signed: false }));
    expect(cache.size.bytes).toBeLessThanOrEqual(40_000);
    expect(cache.size.entries).toBe(2);
    const big = await cache.get('big', async () => ({ model: model('x'.repeat(50_000)), signed: false }));
    expect(big.model.readmeHtml.length).toBe(50_000);
    expect(cache.size.entries).toBe(2);
  });
});
