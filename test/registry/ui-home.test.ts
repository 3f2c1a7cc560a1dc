// The web UI's home page (issue #12): search over every chart the caller may read, filters, pagination, the
// sign-in prompt of a private registry, caching, and the UI's script as served. Every test runs a real registry
// (the whole app) in this process and reads its pages over HTTP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { writeChartArchive } from '../../core/chart/archive.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { pageNumbers } from '../../registry-server/routes/ui-home.js';
import { UI_CSP } from '../../registry-server/ui/context.js';
import { packagedChart } from '../support/packaged.js';
import { basic, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

type Reg = RunningRegistry & { logs: string[] };

const tmp = tempDir();
const ADMIN = basic('admin', 'admin-pass');
const ALICE = basic('alice', 'alice-pass');
let open: Reg;
let strict: Reg;

/** A chart archive in memory (a Helm chart: no engine), with the given Chart.yaml lines. */
function chart(name: string, version: string, chartYaml = ''): Buffer {
  const files: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\n${chartYaml}`,
    'values.yaml': 'replicas: 1\n',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
  };
  return writeChartArchive(name, Object.entries(files).map(([n, data]) => ({ name: n, data: Buffer.from(data) })), { mtime: new Date(0) });
}

async function publish(reg: Reg, repo: string, data: Buffer): Promise<void> {
  const r = await fetch(`${reg.url}${repo ? `/api/${repo}/charts` : '/api/charts'}`, { method: 'POST', body: new Uint8Array(data), headers: { Authorization: ADMIN, 'Content-Type': 'application/gzip' } });
  expect(r.status).toBe(201);
}

/** A GET with a Host header of our choosing (fetch will not send one): status, headers and body. */
function withHost(reg: Reg, path: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; etag?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: reg.port, path, headers: { ...headers, Host: host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const get = (reg: Reg, path: string, headers: Record<string, string> = {}) => fetch(`${reg.url}${path}`, { redirect: 'manual', headers });
async function page(reg: Reg, path: string, headers: Record<string, string> = {}): Promise<string> {
  const r = await get(reg, path, headers);
  expect([path, r.status]).toEqual([path, 200]);
  expect(r.headers.get('content-type')).toMatch(/^text\/html/);
  return r.text();
}

/** The names of the results, in order, as `repo/name` for a named repository. */
function resultNames(html: string): string[] {
  const out: string[] = [];
  for (const li of html.split('<li class="result">').slice(1)) {
    const name = /<a class="result-name" href="[^"]*">([^<]*)<\/a>/.exec(li)?.[1] ?? '?';
    const repo = /<span class="badge result-repo"[^>]*>([^<]*)<\/span>/.exec(li)?.[1];
    out.push(repo ? `${repo}/${name}` : name);
  }
  return out;
}
const countOf = (html: string) => /<p id="result-count"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];
/** Handlebars writes `=` in attributes as `&#x3D;` and `&` as `&amp;`: the href as the browser reads it. */
const unescapeAttr = (s: string) => s.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&#x27;/g, "'").replace(/&quot;/g, '"');
const relHref = (html: string, rel: string) => {
  const m = new RegExp(`<a rel="${rel}" href="([^"]*)"`).exec(html);
  return m ? unescapeAttr(m[1]) : undefined;
};

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync('admin-pass', 5)}\nalice:${bcrypt.hashSync('alice-pass', 5)}\n`);
  writeFileSync(join(tmp.dir, 'tokens.yaml'), 'users:\n  alice: {team-a: [read]}\n');
  open = await startTestRegistry({ storageDir: join(tmp.dir, 'open'), htpasswd: join(tmp.dir, 'htpasswd') });
  strict = await startTestRegistry({ storageDir: join(tmp.dir, 'strict'), htpasswd: join(tmp.dir, 'htpasswd'), tokens: join(tmp.dir, 'tokens.yaml'), requireAuthForReads: true });

  await publish(open, '', chart('postgres', '1.0.0', 'description: the database\nappVersion: "15.1"\n'));
  await publish(open, '', chart('postgres', '1.4.0', 'description: the database, newer\nappVersion: "16.2"\nicon: https://example.com/pg.png\nkeywords: [sql]\n'));
  await publish(open, '', chart('postgres-exporter', '0.2.0', 'description: metrics for a database\n'));
  await publish(open, '', chart('my-postgres', '0.1.0', 'description: a wrapper\n'));
  await publish(open, '', chart('warehouse', '2.0.0', 'description: analytics\nkeywords: [postgres]\n'));
  await publish(open, '', chart('legacy-db', '0.9.0', 'description: an old postgres setup\ndeprecated: true\n'));
  await publish(open, '', chart('libdb', '1.0.0', 'description: helpers for postgres charts\ntype: library\n'));
  await publish(open, '', chart('hostile', '1.0.0', `description: ${JSON.stringify('<script>alert("x")</script><img src=x onerror=alert(1)> & "q"')}\nicon: "javascript:alert(1)"\n`));
  await publish(open, '', chart('svgicon', '1.0.0', 'description: an svg icon\nicon: "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"\n'));
  await publish(open, '', packagedChart(tmp.dir, 'hbs', '1.0.0').data);
  await publish(open, 'team-a', chart('postgres', '3.0.0', 'description: team a postgres\n'));
  // 45 charts in one repository: three pages of 20.
  await Promise.all(Array.from({ length: 45 }, (_, i) => publish(open, 'bulk', chart(`bulk-${String(i).padStart(2, '0')}`, '1.0.0', 'description: one of many\n'))));

  await publish(strict, '', chart('rootchart', '1.0.0', 'description: root-secret-description\n'));
  await publish(strict, 'team-a', chart('achart', '1.0.0', 'description: team a chart\n'));
  await publish(strict, 'team-b', chart('bchart', '1.0.0', 'description: team b secret\n'));
}, 120_000);

afterAll(async () => {
  await open?.close();
  await strict?.close();
  tmp.cleanup();
});

describe('the home page', () => {
  it('is a search form and every chart of every readable repository, with a strict CSP', async () => {
    const r = await get(open, '/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toBe(UI_CSP);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await r.text();
    expect(html).toContain('<form role="search"');
    expect(html).toMatch(/<label for="q">Search charts<\/label> <input type="search" id="q" name="q"/);
    for (const label of ['<label for="f-repo">Repository</label>', '<label for="f-deprecated">Deprecated</label>', '<label for="f-type">Type</label>', '<button type="submit">Search</button>']) expect(html).toContain(label);
    // The repository filter lists the repositories: all, the root one, then each named one.
    expect(html).toContain('<option value="" selected>All repositories</option><option value="/">Root repository</option><option value="bulk">bulk</option><option value="team-a">team-a</option>');
    expect(countOf(html)).toBe('55 charts');
    expect(html).toContain('<ol id="results">');
    // The page's only script is the registry's own, and no inline style.
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script src="./ui/assets/app.js" defer>']);
    expect(html).not.toMatch(/style=|<style/);
    expect(html).toContain('helm repo add chartroom http://127.0.0.1:');
    expect(html).toContain('<a href="index.yaml">index.yaml</a>');
    expect(html).toContain('<a href="bulk/index.yaml">bulk/index.yaml</a>');
  });

  it('shows each chart by its latest version, linked to its page, with badges', async () => {
    const html = await page(open, '/?q=postgres');
    expect(resultNames(html)).toEqual(['postgres', 'team-a/postgres', 'postgres-exporter', 'my-postgres', 'warehouse', 'legacy-db', 'libdb']);
    expect(countOf(html)).toBe('7 charts');
    const [first, tenant] = html.split('<li class="result">').slice(1);
    expect(first).toContain('<img class="result-icon" src="https://example.com/pg.png" alt="" width="48" height="48" loading="lazy">');
    expect(first).toContain('<a class="result-name" href="ui/charts/postgres">postgres</a>');
    expect(first).toContain('<p class="result-description">the database, newer</p>');
    expect(first).toContain('Version <span class="result-version">1.4.0</span> &middot; app <span class="result-app-version">16.2</span>');
    expect(first).toMatch(/updated <time datetime="(\d{4}-\d\d-\d\d)T[^"]+">\1<\/time>/);
    expect(tenant).toContain('<a class="result-name" href="ui/r/team-a/charts/postgres">postgres</a> <span class="badge result-repo" title="Repository">team-a</span>');
    expect(html).toMatch(/legacy-db<\/a> <span class="badge deprecated">Deprecated<\/span>/);
    expect(html).toMatch(/libdb<\/a> <span class="badge library">Library<\/span>/);
    expect(html).toContain('<p id="no-results" hidden>');
    // The chart links lead to the chart pages.
    expect((await get(open, '/ui/charts/postgres')).status).toBe(302);
  });

  it('marks charts that need Chartroom with an engine badge', async () => {
    const html = await page(open, '/?q=hbs');
    expect(resultNames(html)).toEqual(['hbs']);
    expect(html).toContain('<span class="badge engine"');
    expect(await page(open, '/?q=postgres')).not.toContain('<span class="badge engine"');
  });

  it('ranks an exact name first, then prefixes, substrings, keywords and descriptions', async () => {
    const html = await page(open, '/?q=POSTGRES&repo=%2F');
    expect(resultNames(html)).toEqual(['postgres', 'postgres-exporter', 'my-postgres', 'warehouse', 'legacy-db', 'libdb']);
    expect(resultNames(await page(open, '/?q=database'))).toEqual(['postgres', 'postgres-exporter']);
    expect(resultNames(await page(open, '/?q=database+metrics'))).toEqual(['postgres-exporter']);
  });

  it('filters by repository, deprecation and type, keeping the choices selected', async () => {
    expect(resultNames(await page(open, '/?q=postgres&repo=team-a'))).toEqual(['team-a/postgres']);
    const onlyDeprecated = await page(open, '/?q=postgres&deprecated=true');
    expect(resultNames(onlyDeprecated)).toEqual(['legacy-db']);
    expect(onlyDeprecated).toContain('<option value="true" selected>Only deprecated</option>');
    expect(resultNames(await page(open, '/?q=postgres&deprecated=false'))).not.toContain('legacy-db');
    const library = await page(open, '/?q=postgres&type=library');
    expect(resultNames(library)).toEqual(['libdb']);
    expect(library).toContain('<option value="library" selected>Library</option>');
    expect(resultNames(await page(open, '/?q=postgres&type=application&repo=%2F&deprecated=false'))).toEqual(['postgres', 'postgres-exporter', 'my-postgres', 'warehouse']);
    // Empty fields, as the form sends them without the script, mean "any".
    expect(countOf(await page(open, '/?q=&repo=&deprecated=&type=&page='))).toBe('55 charts');
    // No match: the count says so, and the message shows.
    const none = await page(open, '/?q=nothing-like-this');
    expect(countOf(none)).toBe('0 charts');
    expect(none).toContain('<p id="no-results">No charts match this search.</p>');
    expect(resultNames(none)).toEqual([]);
  });

  it('pages 45 charts as three pages of 20, with prev/next, page numbers and aria-current', async () => {
    const one = await page(open, '/?repo=bulk');
    expect(countOf(one)).toBe('45 charts');
    expect(resultNames(one)).toEqual(Array.from({ length: 20 }, (_, i) => `bulk/bulk-${String(i).padStart(2, '0')}`));
    expect(one).toContain('<nav class="pagination" aria-label="Pages">');
    expect(relHref(one, 'prev')).toBeUndefined();
    expect(relHref(one, 'next')).toBe('?repo=bulk&page=2');
    expect(one).toMatch(/<a href="\.\/" aria-current="page">1<\/a>|<a href="\?repo&#x3D;bulk" aria-current="page">1<\/a>/);

    const two = await page(open, `/${relHref(one, 'next')}`);
    expect(resultNames(two)[0]).toBe('bulk/bulk-20');
    expect(relHref(two, 'prev')).toBe('?repo=bulk');
    expect(relHref(two, 'next')).toBe('?repo=bulk&page=3');
    expect(two).toContain('<a href="?repo&#x3D;bulk&amp;page&#x3D;2" aria-current="page">2</a>');

    const three = await page(open, '/?repo=bulk&page=3');
    expect(resultNames(three)).toEqual(['bulk/bulk-40', 'bulk/bulk-41', 'bulk/bulk-42', 'bulk/bulk-43', 'bulk/bulk-44']);
    expect(relHref(three, 'next')).toBeUndefined();
    expect(relHref(three, 'prev')).toBe('?repo=bulk&page=2');

    // Past the end: no results, and a way back.
    const past = await page(open, '/?repo=bulk&page=9');
    expect(resultNames(past)).toEqual([]);
    expect(past).toContain('back to the first page');
    // One page: no pagination.
    expect(await page(open, '/?q=postgres')).not.toContain('class="pagination"');
  });

  it('numbers pages with gaps around the current one', () => {
    expect(pageNumbers(1, 3)).toEqual([1, 2, 3]);
    expect(pageNumbers(1, 10)).toEqual([1, 2, 3, undefined, 10]);
    expect(pageNumbers(6, 12)).toEqual([1, undefined, 4, 5, 6, 7, 8, undefined, 12]);
    expect(pageNumbers(12, 12)).toEqual([1, undefined, 10, 11, 12]);
  });

  it('escapes what charts say and drops unsafe icons', async () => {
    const html = await page(open, '/?q=hostile');
    expect(resultNames(html)).toEqual(['hostile']);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; &quot;q&quot;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('javascript:');
    const svg = await page(open, '/?q=svgicon');
    expect(svg).not.toContain('data:image/svg');
    expect(svg).toContain('<span class="result-icon" aria-hidden="true"></span>');
    // The query is echoed escaped, too.
    const q = await page(open, `/?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(q).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(q.match(/<script[^>]*>/g)).toEqual(['<script src="./ui/assets/app.js" defer>']);
  });

  it('answers bad parameters with a 400 page', async () => {
    for (const query of ['page=0', 'page=abc', 'page=99999999', 'deprecated=maybe', 'type=chart', 'repo=Bad!', 'repo=..', `q=${'x'.repeat(201)}`, 'q=a+b+c+d+e+f+g+h+i', 'q=a&q=b']) {
      const r = await get(open, `/?${query}`);
      expect([query, r.status]).toEqual([query, 400]);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.headers.get('content-security-policy')).toBe(UI_CSP);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(await r.text()).toContain('<h1>Error 400</h1>');
    }
    const unknown = await get(open, '/?repo=nosuchrepo');
    expect(unknown.status).toBe(404);
  });

  it('sends an ETag and answers 304 until a chart changes', async () => {
    const a = await get(open, '/?q=postgres');
    const etag = a.headers.get('etag')!;
    expect(etag).toMatch(/^"home-[0-9a-f]{32}"$/);
    expect(a.headers.get('cache-control')).toBe('public, no-cache');
    expect(a.headers.get('vary')).toBe('Authorization, Cookie, Host');
    const again = await get(open, '/?q=postgres', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    // Another query, another Host: another ETag.
    expect((await get(open, '/?q=postgres&page=1', { 'If-None-Match': etag })).status).toBe(200);
    expect((await get(open, '/?q=postgre', { 'If-None-Match': etag })).status).toBe(200);
    expect((await withHost(open, '/?q=postgres', 'charts.example.com', { 'If-None-Match': etag })).status).toBe(200);
    await publish(open, '', chart('postgres', '1.5.0', 'description: the database, newest\n'));
    const changed = await get(open, '/?q=postgres', { 'If-None-Match': etag });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('<span class="result-version">1.5.0</span>');
  });

  it('tells how to publish when there is nothing to show', async () => {
    const empty = await startTestRegistry({ storageDir: join(tmp.dir, 'empty'), chartUrl: 'https://charts.example.com/base/' });
    try {
      const html = (await withHost(empty, '/', 'other.example.org')).body;
      expect(html).toContain('<section id="publish-help"');
      expect(html).toContain('chart publish ./mychart --repo https://charts.example.com/base');
      expect(html).toContain('curl --data-binary @chart.tgz https://charts.example.com/base/api/charts');
      expect(html).toContain('helm push chart.tgz oci://charts.example.com/base');
      expect(html).toContain('helm repo add chartroom https://charts.example.com/base</code>');
      expect(html).not.toContain('other.example.org');
    } finally {
      await empty.close();
    }
  });

  it('shows a valid Host in the helm repo add hint and falls back to localhost for anything else', async () => {
    expect((await withHost(open, '/', 'charts.example.com:8443')).body).toContain('helm repo add chartroom http://charts.example.com:8443</code>');
    for (const host of ['<script>x</script>', 'evil.com/path', 'a'.repeat(300)]) {
      const a = await withHost(open, '/', host);
      expect([host, a.status]).toEqual([host, 200]);
      expect(a.body).toContain('helm repo add chartroom http://localhost</code>');
      expect(a.body).not.toContain('<script>x');
    }
  });
});

describe('the home page of a registry whose reads need credentials', () => {
  it('prompts an anonymous browser to sign in, without redirecting or showing any chart', async () => {
    const r = await get(strict, '/');
    expect(r.status).toBe(200);
    expect(r.headers.get('www-authenticate')).toBeNull();
    expect(r.headers.get('cache-control')).toBe('private, no-cache');
    const html = await r.text();
    expect(html).toContain('<section id="sign-in-needed"');
    expect(html).toContain('<a href="./ui/login?next&#x3D;%2F">Sign in</a>');
    for (const secret of ['rootchart', 'root-secret-description', 'team-a', 'team-b', 'achart', 'bchart', 'result-count']) expect(html).not.toContain(secret);
  });

  it('shows a scoped user only the repositories they may read', async () => {
    const html = await page(strict, '/', { Authorization: ALICE });
    expect(resultNames(html)).toEqual(['team-a/achart']);
    expect(html).toContain('<option value="team-a">team-a</option>');
    for (const hidden of ['rootchart', 'root-secret-description', 'team-b', 'bchart', 'Root repository']) expect(html).not.toContain(hidden);
    expect((await get(strict, '/?repo=team-b', { Authorization: ALICE })).status).toBe(404);
    expect((await get(strict, '/?repo=%2F', { Authorization: ALICE })).status).toBe(404);
    const admin = await page(strict, '/', { Authorization: ADMIN });
    expect(resultNames(admin)).toEqual(['team-a/achart', 'team-b/bchart', 'rootchart']);
    // Wrong credentials: a 401 page, not a Basic challenge.
    const wrong = await get(strict, '/', { Authorization: basic('alice', 'nope') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBeNull();
  });

  it('serves a signed-in user, and lets the script search with the session cookie', async () => {
    const login = await fetch(`${strict.url}/ui/login`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'username=alice&password=alice-pass&next=%2F' });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    expect(cookie).toMatch(/^chartroom_session=/);
    const r = await get(strict, '/', { Cookie: cookie });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('private, no-cache');
    const html = await r.text();
    expect(html).toContain('Signed in as <strong>alice</strong>');
    expect(resultNames(html)).toEqual(['team-a/achart']);

    const api = await fetch(`${strict.url}/api/search?q=chart`, { headers: { Cookie: cookie } });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { results: { repo: string; name: string }[] };
    expect(body.results.map((x) => `${x.repo}/${x.name}`)).toEqual(['team-a/achart']);
    const forbidden = await fetch(`${strict.url}/api/search?repo=team-b`, { headers: { Cookie: cookie } });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ error: 'alice may not read repository team-b' });
    // Without the cookie (or with a forged one), the API still asks for credentials.
    expect((await fetch(`${strict.url}/api/search?q=chart`)).status).toBe(401);
    expect((await fetch(`${strict.url}/api/search?q=chart`, { headers: { Cookie: 'chartroom_session=v1.forged' } })).status).toBe(401);
  });
});

describe('the UI script', () => {
  it('is served with its ETag, and builds the page without markup strings or eval', async () => {
    const r = await get(open, '/ui/assets/app.js');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/javascript/);
    const etag = r.headers.get('etag')!;
    expect(etag).toMatch(/^"js-[0-9a-f]{16}"$/);
    expect((await get(open, '/ui/assets/app.js', { 'If-None-Match': etag })).status).toBe(304);
    const js = await r.text();
    expect(js.startsWith("'use strict';")).toBe(true);
    for (const forbidden of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'eval(', 'new Function', 'document.write', 'console.', 'setAttribute(\'on', 'javascript:']) expect([forbidden, js.includes(forbidden)]).toEqual([forbidden, false]);
    // It parses (as a function body: never run here).
    expect(() => new Function(js)).not.toThrow();
    // The parts the contract names.
    for (const part of ["new URL('api/search', doc.baseURI)", 'AbortController', 'history.replaceState', 'navigator.clipboard.writeText', "'data-copied'", "'tablist'", 'hashchange']) expect(js).toContain(part);
  });

  it('styles the home page in the one style sheet', async () => {
    const css = await (await get(open, '/ui/assets/style.css')).text();
    for (const rule of ['li.result{', 'nav.pagination', '.badge{', '.visually-hidden{']) expect(css).toContain(rule);
  });
});

describe('the home page at scale', () => {
  it('pages 10,000 charts quickly, rendering one page only', async () => {
    const big = await startTestRegistry({ storageDir: join(tmp.dir, 'big') });
    try {
      // Straight into the in-memory index (the home page reads only the index): 10,000 charts, 3 versions each.
      const idx = big.registry.readIndex('');
      for (let i = 0; i < 10_000; i++) {
        for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
          const name = `chart-${String(i).padStart(5, '0')}`;
          idx.set({ apiVersion: 'v2', name, version, description: `chart number ${i} for ${i % 2 ? 'postgres' : 'redis'}`, keywords: ['db'], created: '2024-01-02T03:04:05Z', digest: 'a'.repeat(64), urls: [`charts/${name}-${version}.tgz`] });
        }
      }
      const times: number[] = [];
      let last = '';
      for (let i = 0; i < 40; i++) {
        const t0 = performance.now();
        last = await page(big, `/?q=postgres&page=${(i % 5) + 1}`);
        times.push(performance.now() - t0);
      }
      expect(countOf(last)).toBe('5000 charts');
      expect(resultNames(last)).toHaveLength(20);
      expect(resultNames(last)[0]).toBe('chart-00161');
      expect(last.length).toBeLessThan(64 * 1024);
      expect(relHref(last, 'next')).toBe('?q=postgres&page=6');
      times.sort((a, b) => a - b);
      // Generous against a busy test machine: the benchmark (bench/ui.mjs) holds the real goal (50 ms at p95).
      expect(times[Math.floor(times.length * 0.95)]).toBeLessThan(250);
    } finally {
      await big.close();
    }
  });
});
