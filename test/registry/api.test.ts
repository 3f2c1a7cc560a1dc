import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import bcrypt from 'bcryptjs';
import { parse } from 'yaml';
import type { RunningRegistry } from '../../registry-server/server.js';
import { rawTarGz } from '../support/archive.js';
import { packagedChart } from '../support/packaged.js';
import { basic, multipart, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
const storage = join(tmp.dir, 'storage');
let reg: RunningRegistry & { logs: string[] };
const ADMIN = basic('admin', 's3cret-admin');
const READER = basic('reader', 'reader-pass');
const TOKEN = 'tok-0123456789abcdef-ci';

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync('s3cret-admin', 5).replace(/^\$2b\$/, '$2y$')}\nreader:${bcrypt.hashSync('reader-pass', 5)}\n`);
  writeFileSync(join(tmp.dir, 'tokens.yaml'), `tokens:\n  - name: ci\n    sha256: ${createHash('sha256').update(TOKEN).digest('hex')}\n    scopes: {team-a: [read, write]}\nusers:\n  reader: {"*": [read]}\n`);
  reg = await startTestRegistry({ storageDir: storage, htpasswd: join(tmp.dir, 'htpasswd'), tokens: join(tmp.dir, 'tokens.yaml'), maxUploadSize: '200k' });
});
afterAll(async () => {
  await reg.close();
  tmp.cleanup();
});

const http = (path: string, init: RequestInit = {}) => fetch(`${reg.url}${path}`, init);
const publish = (data: Buffer, path = '/api/charts', auth = ADMIN) => http(path, { method: 'POST', body: new Uint8Array(data), headers: { Authorization: auth, 'Content-Type': 'application/gzip' } });
const storedFiles = () => {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out.push(rel + e.name);
    }
  };
  walk(storage, '');
  return out.sort();
};

describe('publishing through the ChartMuseum API', () => {
  it('publishes a raw archive: 201 {saved:true}, then 409 for the same version', async () => {
    const c = packagedChart(tmp.dir, 'alpha', '1.0.0');
    const r = await publish(c.data);
    expect(r.status).toBe(201);
    expect(await r.json()).toEqual({ saved: true });
    const again = await publish(c.data);
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatch(/alpha 1.0.0 already exists/);
  });

  it('publishes multipart chart and prov; the prov must name the archive digest', async () => {
    const c = packagedChart(tmp.dir, 'beta', '2.0.0');
    const digest = createHash('sha256').update(c.data).digest('hex');
    const prov = Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nname: beta\n...\nfiles:\n  beta-2.0.0.tgz: sha256:${digest}\n-----BEGIN PGP SIGNATURE-----\nxx\n-----END PGP SIGNATURE-----\n`);
    const bad = multipart([{ field: 'chart', filename: 'beta-2.0.0.tgz', data: c.data }, { field: 'prov', filename: 'beta-2.0.0.tgz.prov', data: Buffer.from(prov.toString().replace(digest, 'f'.repeat(64))) }]);
    const r1 = await http('/api/charts', { method: 'POST', body: new Uint8Array(bad.body), headers: { Authorization: ADMIN, 'Content-Type': bad.contentType } });
    expect(r1.status).toBe(400);
    expect((await r1.json()).error).toMatch(/archive's digest is sha256:/);
    const good = multipart([{ field: 'chart', filename: 'beta-2.0.0.tgz', data: c.data }, { field: 'prov', filename: 'beta-2.0.0.tgz.prov', data: prov }]);
    const r2 = await http('/api/charts', { method: 'POST', body: new Uint8Array(good.body), headers: { Authorization: ADMIN, 'Content-Type': good.contentType } });
    expect(r2.status).toBe(201);
    const p = await http('/charts/beta-2.0.0.tgz.prov');
    expect(Buffer.from(await p.arrayBuffer()).equals(prov)).toBe(true);
  });

  it('refuses a multipart file name that does not match the chart', async () => {
    const c = packagedChart(tmp.dir, 'gamma', '0.1.0');
    const m = multipart([{ field: 'chart', filename: 'other-9.9.9.tgz', data: c.data }]);
    const r = await http('/api/charts', { method: 'POST', body: new Uint8Array(m.body), headers: { Authorization: ADMIN, 'Content-Type': m.contentType } });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/does not match the chart: expected gamma-0.1.0.tgz/);
  });

  it('overwrites with ?force only where allowed', async () => {
    const c = packagedChart(tmp.dir, 'delta', '1.0.0');
    expect((await publish(c.data)).status).toBe(201);
    const c2 = packagedChart(tmp.dir, 'delta', '1.0.0', { 'README.md': 'changed\n' });
    expect((await publish(c2.data, '/api/charts?force')).status).toBe(201);
    const got = await http('/charts/delta-1.0.0.tgz');
    expect(Buffer.from(await got.arrayBuffer()).equals(c2.data)).toBe(true);
  });

  it('rejects hostile or oversize uploads with 4xx JSON and leaves nothing in storage', async () => {
    const before = storedFiles();
    const traversal = rawTarGz([{ path: 'evil/Chart.yaml', data: 'apiVersion: v2\nname: evil\nversion: 1.0.0\n' }, { path: 'evil/../../x', data: 'x' }]);
    const r1 = await publish(traversal);
    expect(r1.status).toBe(400);
    expect((await r1.json()).error).toMatch(/path traversal/);
    const badYaml = rawTarGz([{ path: 'bad/Chart.yaml', data: 'apiVersion: v2\nname: bad\nversion: one\n' }]);
    const r2 = await publish(badYaml);
    expect(r2.status).toBe(400);
    const body2 = await r2.json();
    expect(body2.error).toMatch(/version "one" is not a valid SemVer 2 version/);
    expect(body2.line).toBe(3);
    const big = packagedChart(tmp.dir, 'huge', '1.0.0', { 'blob.bin': randomBytes(300 * 1024).toString('base64') });
    const r3 = await publish(big.data);
    expect(r3.status).toBe(413);
    expect(await r3.json()).toEqual({ error: expect.stringMatching(/larger than the limit/) });
    expect(storedFiles()).toEqual(before);
  });
});

describe('serving the Helm repository', () => {
  it('lists every version newest first, with digests of the exact bytes and only keys helm knows', async () => {
    for (const v of ['1.2.0', '1.10.0', '1.9.0-rc.1']) expect((await publish(packagedChart(tmp.dir, 'multi', v).data)).status).toBe(201);
    const text = await (await http('/index.yaml')).text();
    const index = parse(text);
    expect(index.apiVersion).toBe('v1');
    expect(index.entries.multi.map((e: { version: string }) => e.version)).toEqual(['1.10.0', '1.9.0-rc.1', '1.2.0']);
    const known = new Set(['name', 'version', 'apiVersion', 'appVersion', 'description', 'engine', 'urls', 'created', 'digest', 'type', 'keywords', 'maintainers', 'dependencies', 'annotations', 'home', 'sources', 'icon', 'kubeVersion', 'deprecated']);
    for (const list of Object.values(index.entries) as Record<string, unknown>[][]) for (const e of list) for (const k of Object.keys(e)) expect(known.has(k)).toBe(true);
    const entry = index.entries.multi[0];
    expect(entry.urls).toEqual(['charts/multi-1.10.0.tgz']);
    const bytes = Buffer.from(await (await http('/charts/multi-1.10.0.tgz')).arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.digest);
    const json = await (await http('/index.json')).json();
    expect(json.entries.multi).toHaveLength(3);
    // Asking /index.yaml for JSON gets JSON (helm sends no such Accept and gets YAML).
    const negotiated = await http('/index.yaml', { headers: { Accept: 'application/json' } });
    expect(negotiated.headers.get('content-type')).toMatch(/application\/json/);
    expect((await negotiated.json()).entries.multi).toHaveLength(3);
  });

  it('compresses only when asked, and answers If-None-Match with 304', async () => {
    const plain = await fetch(`${reg.url}/index.yaml`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const etag = plain.headers.get('etag')!;
    const raw = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve) => {
      httpGet(`${reg.url}/index.yaml`, { headers: { 'Accept-Encoding': 'gzip' } }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      });
    });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(parse(gunzipSync(raw.body).toString()).apiVersion).toBe('v1');
    const again = await fetch(`${reg.url}/index.yaml`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('answers the ChartMuseum read API', async () => {
    const all = await (await http('/api/charts')).json();
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['alpha', 'multi']));
    const page = await (await http('/api/charts?offset=1&limit=1')).json();
    expect(Object.keys(page)).toHaveLength(1);
    expect((await (await http('/api/charts/multi')).json())[0].version).toBe('1.10.0');
    expect((await (await http('/api/charts/multi/1.2.0')).json()).version).toBe('1.2.0');
    expect((await http('/api/charts/multi/9.9.9')).status).toBe(404);
    expect((await http('/api/charts/nope', { method: 'HEAD' })).status).toBe(404);
    expect((await http('/api/charts/multi', { method: 'HEAD' })).status).toBe(200);
  });

  it('deletes a version: {deleted:true}, gone from the index and from storage', async () => {
    const r = await http('/api/charts/multi/1.2.0', { method: 'DELETE', headers: { Authorization: ADMIN } });
    expect(await r.json()).toEqual({ deleted: true });
    expect((await http('/charts/multi-1.2.0.tgz')).status).toBe(404);
    expect(storedFiles().filter((f) => f.includes('multi-1.2.0') || f.includes('multi/1.2.0'))).toEqual([]);
    expect((await http('/api/charts/multi/1.2.0', { method: 'DELETE', headers: { Authorization: ADMIN } })).status).toBe(404);
  });

  it('keeps named repositories apart from the root repository', async () => {
    const c = packagedChart(tmp.dir, 'teamchart', '0.3.0');
    expect((await publish(c.data, '/api/team-a/charts', `Bearer ${TOKEN}`)).status).toBe(201);
    const teamIndex = parse(await (await http('/team-a/index.yaml')).text());
    expect(Object.keys(teamIndex.entries)).toEqual(['teamchart']);
    expect(parse(await (await http('/index.yaml')).text()).entries.teamchart).toBeUndefined();
    expect((await http('/team-a/charts/teamchart-0.3.0.tgz')).status).toBe(200);
    expect((await http('/charts/teamchart-0.3.0.tgz')).status).toBe(404);
    expect((await http('/api/team-a/charts/teamchart')).status).toBe(200);
  });
});

describe('auth', () => {
  it('needs credentials to write: 401 with WWW-Authenticate, 403 when the scope is missing', async () => {
    const c = packagedChart(tmp.dir, 'authz', '1.0.0');
    const anon = await http('/api/charts', { method: 'POST', body: new Uint8Array(c.data) });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toBe('Basic realm="chartroom"');
    expect((await publish(c.data, '/api/charts', basic('admin', 'wrong'))).status).toBe(401);
    expect((await publish(c.data, '/api/charts', basic('ghost', 'x'))).status).toBe(401);
    expect((await publish(c.data, '/api/charts', 'Bearer not-a-token-at-all')).status).toBe(401);
    const reader = await publish(c.data, '/api/charts', READER);
    expect(reader.status).toBe(403);
    expect((await reader.json()).error).toBe('reader may not write the root repository');
    expect((await publish(c.data, '/api/charts', `Bearer ${TOKEN}`)).status).toBe(403);
    expect((await publish(c.data, '/api/charts', ADMIN)).status).toBe(201);
  });

  it('never writes credentials to the log', async () => {
    const all = reg.logs.join('\n');
    expect(all).not.toContain('s3cret-admin');
    expect(all).not.toContain(Buffer.from('admin:s3cret-admin').toString('base64'));
    expect(all).not.toContain(TOKEN);
    expect(reg.logs.some((l) => JSON.parse(l).reqId)).toBe(true);
  });

  it('can require credentials for reads', async () => {
    const strict = await startTestRegistry({ storageDir: storage, htpasswd: join(tmp.dir, 'htpasswd'), requireAuthForReads: true });
    try {
      expect((await fetch(`${strict.url}/index.yaml`)).status).toBe(401);
      expect((await fetch(`${strict.url}/index.yaml`, { headers: { Authorization: READER } })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('operations', () => {
  it('serves /health, /info and Prometheus /metrics', async () => {
    expect(await (await http('/health')).json()).toEqual({ healthy: true });
    expect(await (await http('/info')).json()).toMatchObject({ version: expect.any(String), storage: 'local' });
    const m = await (await http('/metrics')).text();
    expect(m).toMatch(/chartroom_http_requests_total\{method="POST",route="\/api\/charts",status="201"\} \d+/);
    expect(m).toMatch(/chartroom_chart_versions \d+/);
    expect(m).toMatch(/chartroom_index_rebuild_seconds/);
  });

  it('lists the charts on a page for browsers, escaping what charts say', async () => {
    const c = packagedChart(tmp.dir, 'htmlish', '1.0.0', { 'Chart.yaml': 'apiVersion: v2\nname: htmlish\nversion: 1.0.0\ndescription: "<script>alert(1)</script>"\n' });
    expect((await publish(c.data)).status).toBe(201);
    const page = await (await http('/?q=htmlish')).text();
    expect(page).toContain('<span class="result-version">1.0.0</span>');
    expect(page).toContain('<a class="result-name" href="ui/charts/htmlish">htmlish</a>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert');
    expect(page).toContain(`helm repo add chartroom ${reg.url}`);
  });
});

describe('overwrite settings and chart URLs', () => {
  it('replaces versions with --allow-overwrite, refuses ?force with --disable-force-overwrite, and writes absolute URLs with --chart-url', async () => {
    const dir = join(tmp.dir, 'settings');
    const open = await startTestRegistry({ storageDir: join(dir, 'a'), allowAnonymousWrite: true, allowOverwrite: true, chartUrl: 'https://charts.example.com/' });
    const locked = await startTestRegistry({ storageDir: join(dir, 'b'), allowAnonymousWrite: true, disableForceOverwrite: true });
    try {
      const v1 = packagedChart(tmp.dir, 'ow', '1.0.0');
      const v2 = packagedChart(tmp.dir, 'ow', '1.0.0', { 'README.md': 'second\n' });
      const post = (r: RunningRegistry, data: Buffer, q = '') => fetch(`${r.url}/api/charts${q}`, { method: 'POST', body: new Uint8Array(data) });
      expect((await post(open, v1.data)).status).toBe(201);
      expect((await post(open, v2.data)).status).toBe(201);
      const idx = parse(await (await fetch(`${open.url}/index.yaml`)).text());
      expect(idx.entries.ow).toHaveLength(1);
      expect(idx.entries.ow[0].digest).toBe(createHash('sha256').update(v2.data).digest('hex'));
      expect(idx.entries.ow[0].urls).toEqual(['https://charts.example.com/charts/ow-1.0.0.tgz']);
      expect((await post(locked, v1.data)).status).toBe(201);
      expect((await post(locked, v2.data, '?force')).status).toBe(409);
    } finally {
      await open.close();
      await locked.close();
    }
  });
});
