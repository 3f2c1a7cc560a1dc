import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { writeChartArchive } from '../../core/chart/archive.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { UI_CSP } from '../../registry-server/ui/context.js';
import { basic, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
const ADMIN = basic('admin', 's3cret-admin');
let reg: RunningRegistry & { logs: string[] };
let strict: RunningRegistry & { logs: string[] };

/** A chart archive in memory, as `chart package` writes it. */
function chart(name: string, version: string, files: Record<string, string>): Buffer {
  const all = { 'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\n`, ...files };
  return writeChartArchive(name, Object.entries(all).map(([n, data]) => ({ name: n, data: Buffer.from(data) })), { mtime: new Date(0) });
}

const V1_VALUES = `# -- How many pods
replicas: 1
image:
  repository: nginx
  # -- The image tag
  tag: "1.25"
legacy: true
note: safe
`;

const V2_VALUES = `# -- How many pods
replicas: 1
image:
  repository: nginx
  # -- The image tag
  tag: "1.27"
metrics:
  enabled: false
note: "<script>alert('values')</script>"
`;

const publish = (url: string, data: Buffer, path = '/api/charts') => fetch(`${url}${path}`, { method: 'POST', body: new Uint8Array(data), headers: { Authorization: ADMIN, 'Content-Type': 'application/gzip' } });
const get = (path: string, init: RequestInit = {}) => fetch(`${reg.url}${path}`, { redirect: 'manual', ...init });
const html = async (path: string, status = 200) => {
  const r = await get(path);
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^text\/html/);
  expect(r.headers.get('content-security-policy')).toBe(UI_CSP);
  return r.text();
};

/** The one script tag a page may have: the registry's own script, by a relative URL. */
const onlyOurScript = (page: string) => expect(page.match(/<script[^>]*>/gi)).toEqual([expect.stringMatching(/^<script src="(\.\.\/)+ui\/assets\/app\.js" defer>$/)]);

/** The text of the rows of one class in a diff table, as `-text` / `+text`. */
const rows = (page: string, cls: 'del' | 'ins' | 'ctx') => [...page.matchAll(new RegExp(`<tr class="${cls}">.*?<td class="text"><code>(.*?)</code></td></tr>`, 'g'))].map((m) => m[1]);

/** A section of the page, by its id. */
const section = (page: string, id: string) => {
  const m = new RegExp(`<section id="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(page);
  expect(m).not.toBeNull();
  return m![1];
};

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync('s3cret-admin', 5)}\n`);
  reg = await startTestRegistry({ storageDir: join(tmp.dir, 'storage'), htpasswd: join(tmp.dir, 'htpasswd') });
  strict = await startTestRegistry({ storageDir: join(tmp.dir, 'strict'), htpasswd: join(tmp.dir, 'htpasswd'), requireAuthForReads: true });
  for (const c of [
    chart('web', '1.0.0', { 'values.yaml': V1_VALUES, 'templates/deployment.yaml': 'kind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n', 'templates/service.yaml': 'kind: Service\n', 'templates/old.yaml': 'kind: ConfigMap\n' }),
    chart('web', '1.1.0', { 'values.yaml': V2_VALUES, 'templates/deployment.yaml': 'kind: Deployment\nspec:\n  replicas: {{ .Values.replicas | default 2 }}\n', 'templates/service.yaml': 'kind: Service\n', 'templates/metrics.yaml': '# <script>alert(1)</script>\nkind: ServiceMonitor\n' }),
    chart('solo', '0.1.0', { 'values.yaml': 'a: 1\n' }),
  ]) expect((await publish(reg.url, c)).status).toBe(201);
  for (const v of ['2.0.0', '2.1.0']) expect((await publish(reg.url, chart('web', v, { 'values.yaml': `team: a\nversion: "${v}"\n` }), '/api/team-a/charts')).status).toBe(201);
  for (const v of ['1.0.0', '1.1.0']) expect((await publish(strict.url, chart('web', v, { 'values.yaml': `v: "${v}"\n` }))).status).toBe(201);
});

afterAll(async () => {
  await reg?.close();
  await strict?.close();
  tmp.cleanup();
});

describe('comparing two versions', () => {
  it('names the chart and both versions, with links to their pages and a swap link', async () => {
    const page = await html('/ui/charts/web/compare?from=1.0.0&to=1.1.0');
    expect(page).toContain('<h1>Compare web <a href="./1.0.0">1.0.0</a> with <a href="./1.1.0">1.1.0</a></h1>');
    expect(page).toContain('<a class="swap" href="?from&#x3D;1.1.0&amp;to&#x3D;1.0.0">');
    expect(page).toContain('<p class="muted crumbs"><a href="../web">web</a></p>');
    expect(page).toContain('<link rel="stylesheet" href="../../../ui/assets/style.css">');
    onlyOurScript(page);
    // The links lead where they say.
    expect((await get('/ui/charts/web/1.0.0')).status).toBe(200);
    const swapped = await html('/ui/charts/web/compare?from=1.1.0&to=1.0.0');
    expect(rows(section(swapped, 'values-diff'), 'ins')).toContain('  tag: &quot;1.25&quot;');
  });

  it('shows a changed value as a removed and an added line of values.yaml', async () => {
    const page = await html('/ui/charts/web/compare?from=1.0.0&to=1.1.0');
    const values = section(page, 'values-diff');
    expect(values).toContain('<table class="diff"');
    expect(rows(values, 'del')).toContain('  tag: &quot;1.25&quot;');
    expect(rows(values, 'ins')).toContain('  tag: &quot;1.27&quot;');
    expect(rows(values, 'ctx')).toContain('  repository: nginx');
    expect(values).toMatch(/<tr class="hunk"><th colspan="4" scope="rowgroup">@@ -\d+,\d+ \+\d+,\d+ @@<\/th><\/tr>/);
    // Line numbers in their own cells, and a marker that is not colour alone.
    expect(values).toMatch(/<tr class="del"><td class="ln">6<\/td><td class="ln"><\/td><td class="mark"><span aria-hidden="true">\u2212<\/span><span class="vh">removed<\/span><\/td><td class="text"><code> {2}tag: &quot;1\.25&quot;<\/code>/);
    expect(values).toMatch(/<tr class="ins"><td class="ln"><\/td><td class="ln">6<\/td><td class="mark"><span aria-hidden="true">\+<\/span><span class="vh">added<\/span><\/td><td class="text"><code> {2}tag: &quot;1\.27&quot;<\/code>/);
  });

  it('lists the keys added, removed and changed, with old and new defaults', async () => {
    const keys = section(await html('/ui/charts/web/compare?from=1.0.0&to=1.1.0'), 'values-changes');
    expect(keys).toContain('<tr class="key-changed"><td><code>image.tag</code></td><td>changed</td><td>string</td><td><code>&quot;1.25&quot;</code></td><td><code>&quot;1.27&quot;</code></td></tr>');
    expect(keys).toContain('<tr class="key-removed"><td><code>legacy</code></td><td>removed</td><td>bool</td><td><code>true</code></td><td></td></tr>');
    expect(keys).toContain('<tr class="key-added"><td><code>metrics.enabled</code></td><td>added</td><td>bool</td><td></td><td><code>false</code></td></tr>');
    expect(keys).not.toContain('<code>image</code>');
  });

  it('shows each added, removed or changed template in its own details, and counts the unchanged', async () => {
    const templates = section(await html('/ui/charts/web/compare?from=1.0.0&to=1.1.0'), 'templates-diff');
    const details = [...templates.matchAll(/<details class="template-diff"[^>]*><summary>(.*?)<\/summary>([\s\S]*?)<\/details>/g)];
    expect(details.map((d) => d[1].replace(/<[^>]+>/g, ''))).toEqual([
      'templates/deployment.yaml changed (1 line added, 1 removed)',
      'templates/metrics.yaml added (2 lines added, 0 removed)',
      'templates/old.yaml removed (0 lines added, 1 removed)',
    ]);
    expect(rows(details[0][2], 'del')).toEqual(['  replicas: {{ .Values.replicas }}']);
    expect(rows(details[0][2], 'ins')).toEqual(['  replicas: {{ .Values.replicas | default 2 }}']);
    expect(rows(details[1][2], 'ins')).toEqual(['# &lt;script&gt;alert(1)&lt;/script&gt;', 'kind: ServiceMonitor']);
    expect(templates).toContain('1 unchanged template.');
  });

  it('keeps hostile values as text', async () => {
    const page = await html('/ui/charts/web/compare?from=1.0.0&to=1.1.0');
    onlyOurScript(page);
    expect(rows(page, 'ins')).toContain('note: &quot;&lt;script&gt;alert(&#x27;values&#x27;)&lt;/script&gt;&quot;');
    expect(page).not.toContain("<script>alert('values')</script>");
    expect(page).not.toMatch(/<[a-z][^>]*\son\w+\s*=/i);
  });

  it('says when both sides are the same version', async () => {
    const page = await html('/ui/charts/web/compare?from=1.1.0&to=1.1.0');
    expect(page).toMatch(/Both sides are version 1\.1\.0: they are identical/);
    expect(page).not.toContain('<table class="diff"');
  });

  it('compares versions of a named repository', async () => {
    const page = await html('/ui/r/team-a/charts/web/compare?from=2.0.0&to=2.1.0');
    expect(page).toContain('<h1>Compare web <a href="./2.0.0">2.0.0</a> with <a href="./2.1.0">2.1.0</a></h1>');
    expect(page).toContain('in repository <strong>team-a</strong>');
    expect(rows(section(page, 'values-diff'), 'ins')).toEqual(['version: &quot;2.1.0&quot;']);
    expect(page).toContain('<link rel="stylesheet" href="../../../../../ui/assets/style.css">');
    expect((await get('/ui/r/team-a/charts/web/2.0.0')).status).toBe(200);
    // The root repository's versions are not the tenant's.
    expect((await get('/ui/r/team-a/charts/web/compare?from=1.0.0&to=2.1.0')).status).toBe(404);
  });
});

describe('the form', () => {
  it('without versions: the two selects and a message, status 200', async () => {
    const page = await html('/ui/charts/web/compare');
    expect(page).toContain('Choose two versions to compare.');
    expect(page).toContain('<form class="compare" method="get" action="./compare">');
    expect(page).toContain('<select name="from"><option>1.1.0</option><option selected>1.0.0</option></select>');
    expect(page).toContain('<select name="to"><option selected>1.1.0</option><option>1.0.0</option></select>');
    expect(page).toContain('<button type="submit">Compare</button>');
    // One version given: kept in its select.
    const half = await html('/ui/charts/web/compare?to=1.0.0');
    expect(half).toContain('<select name="to"><option>1.1.0</option><option selected>1.0.0</option></select>');
    // A chart with one version has nothing to compare.
    expect(await html('/ui/charts/solo/compare')).toMatch(/solo has only one version, 0\.1\.0/);
  });

  it('the form submits to the compare page', async () => {
    // As a browser submits the GET form: the action resolved against the page, then ?from=…&to=….
    const action = new URL('./compare', `${reg.url}/ui/charts/web/compare`);
    action.search = new URLSearchParams({ from: '1.0.0', to: '1.1.0' }).toString();
    const r = await fetch(action, { redirect: 'manual' });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<h1>Compare web');
  });

  it('keeps its links right when the URL ends with a slash', async () => {
    const page = await html('/ui/charts/web/compare/?from=1.0.0&to=1.1.0');
    expect(page).toContain('<h1>Compare web <a href="../1.0.0">1.0.0</a> with <a href="../1.1.0">1.1.0</a></h1>');
    expect(page).toContain('<form class="compare" method="get" action="../compare">');
    expect(page).toContain('<p class="muted crumbs"><a href="../../web">web</a></p>');
    const base = `${reg.url}/ui/charts/web/compare/`;
    expect(new URL('../1.0.0', base).pathname).toBe('/ui/charts/web/1.0.0');
    expect(new URL('../compare', base).pathname).toBe('/ui/charts/web/compare');
    expect(new URL('../../web', base).pathname).toBe('/ui/charts/web');
  });

  it.each([
    ['/ui/charts/web/compare?from=9.9.9&to=1.1.0', 'web has no version 9.9.9.'],
    ['/ui/charts/web/compare?from=1.0.0&to=%3Cscript%3E', 'web has no version &lt;script&gt;.'],
    ['/ui/charts/web/compare?from=1.0.0&from=1.1.0&to=1.1.0', 'Name one version in each of from and to.'],
  ])('%s: 404, with the form and the reason', async (path, message) => {
    const r = await get(path);
    expect(r.status).toBe(404);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('etag')).toBeNull();
    const page = await r.text();
    expect(page).toContain(`<p class="banner" role="alert">${message}</p>`);
    expect(page).toContain('<form class="compare"');
    onlyOurScript(page);
  });

  it.each(['/ui/charts/nope/compare', '/ui/r/ghost/charts/web/compare?from=1.0.0&to=1.1.0'])('%s: a 404 page', async (path) => {
    const r = await get(path);
    expect(r.status).toBe(404);
    expect(await r.text()).toContain('<h1>Not found</h1>');
  });
});

describe('headers and access', () => {
  it('sends an ETag answered with 304, Cache-Control and Vary', async () => {
    const path = '/ui/charts/web/compare?from=1.0.0&to=1.1.0';
    const r = await get(path);
    expect(r.headers.get('cache-control')).toBe('public, no-cache');
    expect(r.headers.get('vary')).toBe('Authorization, Cookie, Host');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = r.headers.get('etag')!;
    expect(etag).toMatch(/^"ui-[0-9a-f]{32}"$/);
    const again = await get(path, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await get('/ui/charts/web/compare?from=1.1.0&to=1.0.0')).headers.get('etag')).not.toBe(etag);
    // A new version changes the form's choices, hence the page.
    expect((await publish(reg.url, chart('web', '1.2.0', { 'values.yaml': V2_VALUES }))).status).toBe(201);
    const after = await get(path, { headers: { 'If-None-Match': etag } });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('<option>1.2.0</option>');
  });

  it('counts requests under the route, not the URL', async () => {
    const metrics = await (await fetch(`${reg.url}/metrics`)).text();
    expect(metrics).toMatch(/route="\/ui\/charts\/:name\/compare"/);
    expect(metrics).toMatch(/route="\/ui\/r\/:repo\/charts\/:name\/compare"/);
  });

  it('with reads requiring auth: an anonymous browser is sent to the login form, the page with credentials', async () => {
    const anon = await fetch(`${strict.url}/ui/charts/web/compare?from=1.0.0&to=1.1.0`, { redirect: 'manual' });
    expect(anon.status).toBe(303);
    expect(anon.headers.get('www-authenticate')).toBeNull();
    expect(anon.headers.get('location')).toBe('../../../ui/login?next=%2Fui%2Fcharts%2Fweb%2Fcompare%3Ffrom%3D1.0.0%26to%3D1.1.0');
    // Even for a version that does not exist: nothing is told before signing in.
    expect((await fetch(`${strict.url}/ui/charts/web/compare?from=9.9.9&to=1.1.0`, { redirect: 'manual' })).status).toBe(303);
    const authed = await fetch(`${strict.url}/ui/charts/web/compare?from=1.0.0&to=1.1.0`, { headers: { Authorization: ADMIN } });
    expect(authed.status).toBe(200);
    expect(authed.headers.get('cache-control')).toBe('private, no-cache');
    const page = await authed.text();
    expect(rows(page, 'del')).toEqual(['v: &quot;1.0.0&quot;']);
    expect(rows(page, 'ins')).toEqual(['v: &quot;1.1.0&quot;']);
  });
});
