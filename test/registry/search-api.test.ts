import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { RunningRegistry } from '../../registry-server/server.js';
import { ChartSearch } from '../../registry-server/search.js';
import { packagedChart } from '../support/packaged.js';
import { basic, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';
import type { SearchResult } from '../../registry-server/search.js';

const tmp = tempDir();
let reg: RunningRegistry & { logs: string[] };
const ADMIN = basic('admin', 'admin-pass');
const ALICE = basic('alice', 'alice-pass');
const XSS = '<script>alert("x")</script> & </script><img src=x onerror=alert(1)>';

interface Page {
  results: SearchResult[];
  total: number;
  page: number;
  perPage: number;
}

const http = (path: string, auth?: string, init: RequestInit = {}) => fetch(`${reg.url}${path}`, { ...init, headers: { ...(auth ? { Authorization: auth } : {}), ...(init.headers as Record<string, string> | undefined) } });
const search = async (query: string, auth: string | undefined = ADMIN): Promise<Page> => {
  const r = await http(`/api/search?${query}`, auth);
  expect(r.status).toBe(200);
  return (await r.json()) as Page;
};
const names = (p: Page) => p.results.map((r) => (r.repo ? `${r.repo}/${r.name}` : r.name));

/** Publishes a chart with the given Chart.yaml lines into a repository ('' the root). */
async function publish(repo: string, name: string, version: string, chartYaml = ''): Promise<void> {
  const c = packagedChart(tmp.dir, name, version, { 'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\nengine: handlebars\n${chartYaml}` });
  const r = await http(repo ? `/api/${repo}/charts` : '/api/charts', ADMIN, { method: 'POST', body: new Uint8Array(c.data), headers: { 'Content-Type': 'application/gzip' } });
  expect(r.status).toBe(201);
}

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync('admin-pass', 5)}\nalice:${bcrypt.hashSync('alice-pass', 5)}\n`);
  writeFileSync(join(tmp.dir, 'tokens.yaml'), 'users:\n  alice: {"": [read], team-a: [read]}\n');
  reg = await startTestRegistry({ storageDir: join(tmp.dir, 'storage'), htpasswd: join(tmp.dir, 'htpasswd'), tokens: join(tmp.dir, 'tokens.yaml'), requireAuthForReads: true });
  await publish('', 'nginx', '1.0.0', 'description: a web server\nkeywords: [http]\nappVersion: "1.25"\n');
  await publish('', 'nginx', '1.1.0', 'description: a web server\nkeywords: [http, web]\nappVersion: "1.26"\nicon: https://example.com/nginx.png\n');
  await publish('', 'nginx', '2.0.0-rc.1', 'description: the next web server\nkeywords: [http]\nappVersion: "2.0"\n');
  await publish('', 'nginx-ingress', '0.3.0', 'description: ingress controller\nkeywords: [ingress]\n');
  await publish('', 'my-nginx-app', '0.1.0', 'description: an application\n');
  await publish('', 'web-frontend', '3.0.0', 'description: a frontend\nkeywords: [frontend, NGINX]\n');
  await publish('', 'proxy', '1.0.0', 'description: reverse proxy built on Nginx\n');
  await publish('', 'maintained', '1.0.0', 'description: something else\nmaintainers:\n  - name: Nginx Team\n    email: ops@example.com\n');
  await publish('', 'old-chart', '1.0.0', 'description: legacy nginx setup\ndeprecated: true\n');
  await publish('', 'libcommon', '1.0.0', 'description: helpers for nginx charts\ntype: library\n');
  await publish('', 'xss', '1.0.0', `description: ${JSON.stringify(XSS)}\nicon: "javascript:alert(1)"\nkeywords: ["<b>bold</b>"]\n`);
  await publish('', 'svgicon', '1.0.0', 'description: an svg icon\nicon: "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="\n');
  await publish('', 'pngicon', '1.0.0', 'description: a png icon\nicon: "data:image/png;base64,iVBORw0KGgo="\n');
  await publish('team-a', 'nginx', '1.0.0', 'description: team a nginx\n');
  await publish('team-b', 'nginx-secret', '1.0.0', 'description: team b only\n');
}, 60_000);
afterAll(async () => {
  await reg.close();
  tmp.cleanup();
});

describe('GET /api/search', () => {
  it('ranks exact name, then prefix, then substring, then keyword, then description or maintainer; ties by name, then repository', async () => {
    const p = await search('q=nginx');
    expect(names(p)).toEqual(['nginx', 'team-a/nginx', 'nginx-ingress', 'team-b/nginx-secret', 'my-nginx-app', 'web-frontend', 'libcommon', 'maintained', 'old-chart', 'proxy']);
    expect(p).toMatchObject({ total: 10, page: 1, perPage: 20 });
    // Case does not matter, neither for the query nor for the fields.
    expect(names(await search('q=NgInX&per_page=3'))).toEqual(['nginx', 'team-a/nginx', 'nginx-ingress']);
  });

  it('describes each chart by its newest stable version, with every field the API promises', async () => {
    const [root] = (await search('q=nginx&repo=')).results;
    expect(root).toEqual({
      repo: '',
      name: 'nginx',
      description: 'a web server',
      latestVersion: '1.1.0',
      appVersion: '1.26',
      icon: 'https://example.com/nginx.png',
      deprecated: false,
      type: 'application',
      engine: 'handlebars',
      keywords: ['http', 'web'],
      updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const versions = (await (await http('/api/charts/nginx/1.1.0', ADMIN)).json()) as { created: string };
    expect(root.updated).toBe(versions.created);
    // Only pre-releases: the newest of them.
    await publish('', 'preonly', '0.1.0-alpha.1', 'description: only previews\n');
    await publish('', 'preonly', '0.1.0-beta.2', 'description: only previews, newer\n');
    const [pre] = (await search('q=preonly')).results;
    expect(pre).toMatchObject({ latestVersion: '0.1.0-beta.2', description: 'only previews, newer', appVersion: null, icon: null, keywords: [] });
  });

  it('matches maintainers by name and e-mail, and needs every word of the query', async () => {
    expect(names(await search('q=ops%40example.com'))).toEqual(['maintained']);
    expect(names(await search('q=nginx+team'))).toEqual(['maintained', 'team-a/nginx', 'team-b/nginx-secret']);
    expect(names(await search('q=legacy%20nginx'))).toEqual(['old-chart']);
    expect(names(await search('q=web+nginx'))).toEqual(['nginx', 'web-frontend']);
    expect((await search('q=nothing-matches-this')).total).toBe(0);
  });

  it('filters by repository, deprecation and type', async () => {
    expect(names(await search('q=nginx&repo=team-a'))).toEqual(['team-a/nginx']);
    expect(names(await search('q=nginx&deprecated=true'))).toEqual(['old-chart']);
    expect(names(await search('q=nginx&deprecated=false'))).not.toContain('old-chart');
    expect(names(await search('q=nginx&type=library'))).toEqual(['libcommon']);
    expect(names(await search('q=nginx&type=application'))).not.toContain('libcommon');
    const dep = (await search('q=old-chart')).results[0];
    expect(dep).toMatchObject({ deprecated: true, type: 'application' });
  });

  it('pages the results: total, page, perPage, at most 100 a page', async () => {
    const p2 = await search('q=nginx&per_page=3&page=2');
    expect(p2).toMatchObject({ total: 10, page: 2, perPage: 3 });
    expect(names(p2)).toEqual(['team-b/nginx-secret', 'my-nginx-app', 'web-frontend']);
    const p4 = await search('q=nginx&per_page=3&page=4');
    expect(names(p4)).toEqual(['proxy']);
    const past = await search('q=nginx&per_page=3&page=99');
    expect(past).toMatchObject({ results: [], total: 10, page: 99, perPage: 3 });
    expect((await search('q=nginx&per_page=1000')).perPage).toBe(100);
    // No query text: every chart the caller may read, by name.
    const all = await search('per_page=100');
    expect(all.total).toBe(all.results.length);
    expect(names(all).slice(0, 3)).toEqual(['libcommon', 'maintained', 'my-nginx-app']);
  });

  it('hides repositories the caller may not read, and answers 401/403/404 as the other read routes do', async () => {
    const alice = await search('q=nginx', ALICE);
    expect(names(alice)).toEqual(['nginx', 'team-a/nginx', 'nginx-ingress', 'my-nginx-app', 'web-frontend', 'libcommon', 'maintained', 'old-chart', 'proxy']);
    expect(alice.total).toBe(9);
    expect(names(await search('q=secret', ALICE))).toEqual([]);
    expect(names(await search('q=secret', ADMIN))).toEqual(['team-b/nginx-secret']);

    const forbidden = await http('/api/search?q=nginx&repo=team-b', ALICE);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await forbidden.json()).toEqual({ error: 'alice may not read repository team-b' });

    const anonymous = await http('/api/search?q=nginx');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(await anonymous.json()).toEqual({ error: expect.stringMatching(/needs credentials/) });

    const wrong = await http('/api/search?q=nginx', basic('alice', 'wrong'));
    expect(wrong.status).toBe(401);

    const missing = await http('/api/search?q=nginx&repo=no-such-repo', ADMIN);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatch(/no repository named "no-such-repo"/);
    const reserved = await http('/api/search?q=nginx&repo=api', ADMIN);
    expect(reserved.status).toBe(404);
  });

  it('refuses malformed parameters with 400 and a JSON body', async () => {
    for (const query of ['q=' + 'a'.repeat(201), 'q=a+b+c+d+e+f+g+h+i', 'q=a&q=b', 'page=0', 'page=-1', 'page=1.5', 'page=abc', 'per_page=0', 'per_page=1e3', 'deprecated=yes', 'type=plugin', 'repo=..%2Fetc']) {
      const r = await http(`/api/search?${query}`, ADMIN);
      expect({ query, clientError: r.status >= 400 && r.status < 500 }).toEqual({ query, clientError: true });
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(typeof ((await r.json()) as { error: unknown }).error).toBe('string');
    }
    expect((await http('/api/search?q=' + 'a'.repeat(201), ADMIN)).status).toBe(400);
    expect((await http('/api/search?deprecated=yes', ADMIN)).status).toBe(400);
    // 200 characters is still a query.
    expect((await http('/api/search?q=' + 'a'.repeat(200), ADMIN)).status).toBe(200);
  });

  it('returns hostile text as JSON text, unchanged, and drops icons a browser must not load', async () => {
    const r = await http(`/api/search?q=${encodeURIComponent('<script>')}`, ADMIN);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const body = (await r.json()) as Page;
    expect(body.results).toHaveLength(1);
    expect(body.results[0]).toMatchObject({ name: 'xss', description: XSS, keywords: ['<b>bold</b>'], icon: null });
    // Characters that mean something in a pattern are plain text here.
    for (const q of ['.*', '[a-z]+', '^nginx$', '(?:x)', '\\d']) expect((await search(`q=${encodeURIComponent(q)}`)).total).toBe(0);
    expect((await search('q=svgicon')).results[0].icon).toBeNull();
    expect((await search('q=pngicon')).results[0].icon).toBe('data:image/png;base64,iVBORw0KGgo=');
  });

  it('follows publishes and deletes at once', async () => {
    expect((await search('q=fresh-chart')).total).toBe(0);
    await publish('', 'fresh-chart', '1.0.0', 'description: new\n');
    expect((await search('q=fresh-chart')).results[0]).toMatchObject({ name: 'fresh-chart', latestVersion: '1.0.0' });
    await publish('', 'fresh-chart', '1.2.0', 'description: newer\nkeywords: [shiny]\n');
    expect((await search('q=shiny')).results[0]).toMatchObject({ name: 'fresh-chart', latestVersion: '1.2.0', description: 'newer' });
    expect((await http('/api/charts/fresh-chart/1.2.0', ADMIN, { method: 'DELETE' })).status).toBe(200);
    expect((await search('q=shiny')).total).toBe(0);
    expect((await search('q=fresh-chart')).results[0]).toMatchObject({ latestVersion: '1.0.0', description: 'new' });
    expect((await http('/api/charts/fresh-chart/1.0.0', ADMIN, { method: 'DELETE' })).status).toBe(200);
    expect((await search('q=fresh-chart')).total).toBe(0);
  });
});

describe('search over 10,000 charts', () => {
  let big: RunningRegistry & { logs: string[] };
  const dir = tempDir();
  const N = 10_000;
  beforeAll(async () => {
    big = await startTestRegistry({ storageDir: join(dir.dir, 'storage') });
    const idx = big.registry.readIndex('');
    const created = new Date().toISOString();
    for (let i = 0; i < N; i++) {
      const name = `chart-${String(i).padStart(5, '0')}`;
      idx.set({ name, version: '1.0.0', description: `service number ${i} for team ${i % 50}`, keywords: [`kw${i % 100}`, 'bulk'], maintainers: [{ name: `Owner ${i % 20}`, email: `owner${i % 20}@example.com` }], urls: [`charts/${name}-1.0.0.tgz`], created, digest: '0'.repeat(64) });
    }
  });
  afterAll(async () => {
    await big.close();
    dir.cleanup();
  });

  it('answers in well under 50 ms, in process and over HTTP', async () => {
    const s = new ChartSearch(big.registry);
    expect(s.size()).toBe(N);
    const time = (fn: () => unknown) => {
      const t = process.hrtime.bigint();
      fn();
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const queries = ['chart-09999', 'chart-0', 'kw42', 'owner7@example.com', 'team 49', 'no-such-thing', 'bulk'];
    const ms: number[] = [];
    for (let round = 0; round < 5; round++) for (const q of queries) ms.push(time(() => s.search({ q, page: 1, perPage: 20 }, () => true)));
    ms.sort((a, b) => a - b);
    expect(ms[Math.floor(ms.length / 2)]).toBeLessThan(10);
    expect(ms[ms.length - 1]).toBeLessThan(50);

    const exact = s.search({ q: 'chart-09999', page: 1, perPage: 20 }, () => true);
    expect(exact.results[0].name).toBe('chart-09999');
    expect(s.search({ q: 'bulk', page: 500, perPage: 20 }, () => true)).toMatchObject({ total: N });
    expect(s.search({ q: 'kw42', page: 1, perPage: 100 }, () => true).total).toBe(100);

    // A change costs one chart, not a rebuild.
    big.registry.readIndex('').set({ name: 'chart-00001', version: '2.0.0', description: 'replaced', keywords: ['unique-kw'], urls: [], created: new Date().toISOString(), digest: '1'.repeat(64) });
    const after = time(() => expect(s.search({ q: 'unique-kw', page: 1, perPage: 20 }, () => true).results.map((r) => [r.name, r.latestVersion])).toEqual([['chart-00001', '2.0.0']]));
    expect(after).toBeLessThan(50);

    // Over HTTP: the first request builds the route's index; later ones only search.
    await (await fetch(`${big.url}/api/search?q=warm`)).arrayBuffer();
    const http: number[] = [];
    for (const q of queries) {
      const t = performance.now();
      const r = await fetch(`${big.url}/api/search?q=${encodeURIComponent(q)}&per_page=100`);
      const body = (await r.json()) as Page;
      http.push(performance.now() - t);
      expect(r.status).toBe(200);
      expect(body.results.length).toBeLessThanOrEqual(100);
    }
    http.sort((a, b) => a - b);
    expect(http[Math.floor(http.length / 2)]).toBeLessThan(50);
  });
});
