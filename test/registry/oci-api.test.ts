// The OCI distribution API (spec v1.1) of `chart serve`, endpoint by endpoint: status codes, headers, the spec's
// error codes, pagination, chunked uploads, size limits, names, the token flow, and the one store it shares with
// the Helm protocol and the ChartMuseum API. Every test runs a real registry in this process on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { parse } from 'yaml';
import { loadChartArchiveAsync } from '../../core/chart/loader.js';
import { chartManifest, digestOf, helmConfigJson, MEDIA_TYPE_HELM_CHART, MEDIA_TYPE_HELM_CONFIG, MEDIA_TYPE_INDEX, MEDIA_TYPE_MANIFEST } from '../../core/oci/format.js';
import { chartManifestFor, chartManifestOf } from '../../registry-server/oci/chart-manifest.js';
import { TokenIssuer } from '../../registry-server/oci/tokens.js';
import { MAX_PARTS, UploadSessions } from '../../registry-server/oci/uploads.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { LocalObjectStore } from '../../registry-server/storage/local.js';
import { packagedChart } from '../support/packaged.js';
import { basic, multipart, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

type Reg = RunningRegistry & { logs: string[] };
const tmp = tempDir();
const storage = join(tmp.dir, 'storage');
const started: Reg[] = [];
let reg: Reg;
const ADMIN = basic('admin', 'admin-pass');
const READER = basic('reader', 'reader-pass');
const CI_TOKEN = 'ci-token-0123456789abcdef';
/** Reads team-a, writes team-b. */
const MOUNTER_TOKEN = 'mounter-token-0123456789';
const htpasswdFile = join(tmp.dir, 'htpasswd');
const tokensFile = join(tmp.dir, 'tokens.yaml');

async function registry(flags: Record<string, unknown>): Promise<Reg> {
  const r = await startTestRegistry(flags);
  started.push(r);
  return r;
}

beforeAll(async () => {
  writeFileSync(htpasswdFile, `admin:${bcrypt.hashSync('admin-pass', 5)}\nreader:${bcrypt.hashSync('reader-pass', 5)}\n`);
  writeFileSync(tokensFile, `tokens:\n  - name: ci\n    sha256: ${createHash('sha256').update(CI_TOKEN).digest('hex')}\n    scopes: {team-a: [read, write]}\n  - name: mounter\n    token: ${MOUNTER_TOKEN}\n    scopes: {team-a: [read], team-b: [read, write]}\nusers:\n  reader: {"*": [read]}\n`);
  reg = await registry({ storageDir: storage, htpasswd: htpasswdFile, tokens: tokensFile, maxUploadSize: '1MiB', repositories: 'team-a' });
});
afterAll(async () => {
  await Promise.all(started.map((r) => r.close()));
  tmp.cleanup();
});

const http = (path: string, init: RequestInit = {}, r: Reg = reg) => fetch(`${r.url}${path}`, init);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** The spec's error body of an answer: its first error's code. */
const codeOf = async (res: Response) => ((await res.json()) as { errors: { code: string }[] }).errors[0].code;
const blobFile = (hex: string, tenant = '', root = storage) => join(root, ...(tenant ? ['repos', tenant] : []), 'blobs', 'sha256', hex);
const uploadsLeft = (root = storage) => (existsSync(join(root, 'uploads')) ? readdirSync(join(root, 'uploads')) : []);

/** A bearer token from the registry's own token service for these scopes. */
async function bearer(scope: string | string[], auth: string | null = ADMIN, r: Reg = reg): Promise<string> {
  const q = (Array.isArray(scope) ? scope : [scope]).map((s) => `scope=${encodeURIComponent(s)}`).join('&');
  const res = await http(`/v2/token?service=test&${q}`, auth ? { headers: { Authorization: auth } } : {}, r);
  expect(res.status).toBe(200);
  return `Bearer ${((await res.json()) as { token: string }).token}`;
}

/** The access a token grants, read from its (signed, not encrypted) claims. */
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.replace(/^Bearer /, '').split('.')[1], 'base64url').toString('utf8')) as { access: { type: string; name: string; actions: string[] }[]; exp: number; iat: number };

/** Uploads a blob in one request (`POST ?digest=`); returns its digest. */
async function pushBlob(name: string, data: Buffer, auth: string = ADMIN, r: Reg = reg): Promise<string> {
  const digest = digestOf(data);
  const res = await http(`/v2/${name}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: new Uint8Array(data), headers: { Authorization: auth, 'Content-Type': 'application/octet-stream' } }, r);
  expect([name, res.status]).toEqual([name, 201]);
  return digest;
}

interface Artifact {
  archive: Buffer;
  config: Buffer;
  prov?: Buffer;
  manifest: Buffer;
  digest: string;
}

/** A packaged chart and the manifest helm would push for it. */
async function artifact(chart: string, version: string, opts: { extra?: Record<string, string>; prov?: (archiveHex: string) => Buffer; mutate?: (m: Record<string, unknown>) => void } = {}): Promise<Artifact> {
  const c = packagedChart(tmp.dir, chart, version, opts.extra);
  const loaded = await loadChartArchiveAsync(c.data, c.file);
  const config = Buffer.from(helmConfigJson(loaded.metadata));
  const prov = opts.prov?.(sha(c.data));
  const made = chartManifest(loaded.metadata, { config, archive: c.data, prov }, '2026-01-02T03:04:05Z');
  let manifest = made.bytes;
  if (opts.mutate) {
    const m = JSON.parse(manifest.toString()) as Record<string, unknown>;
    opts.mutate(m);
    manifest = Buffer.from(JSON.stringify(m));
  }
  return { archive: c.data, config, prov, manifest, digest: digestOf(manifest) };
}

/** Pushes an artifact's blobs and then its manifest under `reference`; returns the manifest PUT's answer. */
async function push(name: string, a: Artifact, reference: string, auth: string = ADMIN, r: Reg = reg): Promise<Response> {
  for (const b of [a.config, a.archive, a.prov]) if (b) await pushBlob(name, b, auth, r);
  return http(`/v2/${name}/manifests/${reference}`, { method: 'PUT', body: new Uint8Array(a.manifest), headers: { Authorization: auth, 'Content-Type': MEDIA_TYPE_MANIFEST } }, r);
}

const provFor = (files: Record<string, string>) => Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nname: x\n...\nfiles:\n${Object.entries(files).map(([f, h]) => `  ${f}: sha256:${h}\n`).join('')}-----BEGIN PGP SIGNATURE-----\nxx\n-----END PGP SIGNATURE-----\n`);

/** A raw HTTP request, sent as written (fetch would normalise the path), with an optional body. */
function raw(r: Reg, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: r.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('GET /v2/ and the token flow', () => {
  it('answers 401 with the Bearer challenge of its own token service, then 200 {} with a token or Basic', async () => {
    const anon = await http('/v2/');
    expect(anon.status).toBe(401);
    expect(anon.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    const host = new URL(reg.url).host;
    expect(anon.headers.get('www-authenticate')).toBe(`Bearer realm="http://${host}/v2/token",service="${host}"`);
    expect(await anon.json()).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'this registry needs credentials' }] });
    for (const auth of [ADMIN, READER, `Bearer ${CI_TOKEN}`, await bearer([])]) {
      const ok = await http('/v2/', { headers: { Authorization: auth } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({});
    }
    expect((await http('/v2/', { headers: { Authorization: basic('admin', 'wrong') } })).status).toBe(401);
  });

  it('names the scope a repository endpoint needs in the challenge', async () => {
    const push = await http('/v2/team-a/web/blobs/uploads/', { method: 'POST' });
    expect(push.status).toBe(401);
    expect(push.headers.get('www-authenticate')).toMatch(/,scope="repository:team-a\/web:pull,push"$/);
    expect(await codeOf(push)).toBe('UNAUTHORIZED');
    const mount = await http(`/v2/team-a/web/blobs/uploads/?mount=${digestOf('x')}&from=other`, { method: 'POST' });
    expect(mount.headers.get('www-authenticate')).toMatch(/scope="repository:team-a\/web:pull,push repository:other:pull"$/);
    const cat = await http('/v2/_catalog', { headers: { Authorization: 'Bearer cr1.bogus.bogus' } });
    expect(cat.status).toBe(401);
    expect(cat.headers.get('www-authenticate')).toMatch(/scope="registry:catalog:\*",error="invalid_token"$/);
  });

  it('grants the subset of the requested scopes the caller may have: GET with Basic, anonymous, and the OAuth2 password grant', async () => {
    const scope = ['repository:team-a/web:pull,push', 'repository:web:pull,push', 'repository:a/b/c:pull', 'registry:catalog:*'];
    const q = scope.map((s) => `scope=${encodeURIComponent(s)}`).join('&');
    const admin = await http(`/v2/token?service=x&${q}`, { headers: { Authorization: ADMIN } });
    const body = (await admin.json()) as { token: string; access_token: string; expires_in: number; issued_at: string };
    expect(body.token).toBe(body.access_token);
    expect(body.expires_in).toBe(300);
    expect(Date.parse(body.issued_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(admin.headers.get('cache-control')).toBe('no-store');
    expect(claimsOf(body.token).access).toEqual([
      { type: 'repository', name: 'team-a/web', actions: ['pull', 'push'] },
      { type: 'repository', name: 'web', actions: ['pull', 'push'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
    // The reader may read everything and write nothing; the ci token writes team-a only; anonymous reads.
    expect(claimsOf(await bearer(scope, READER)).access.filter((a) => a.type === 'repository')).toEqual([
      { type: 'repository', name: 'team-a/web', actions: ['pull'] },
      { type: 'repository', name: 'web', actions: ['pull'] },
    ]);
    // Reads are open here, so the ci token may pull from the root repository too; it pushes to team-a only.
    expect(claimsOf(await bearer(scope, basic('ci', CI_TOKEN))).access.filter((a) => a.type === 'repository')).toEqual([
      { type: 'repository', name: 'team-a/web', actions: ['pull', 'push'] },
      { type: 'repository', name: 'web', actions: ['pull'] },
    ]);
    expect(claimsOf(await bearer(scope, null)).access.filter((a) => a.type === 'repository').map((a) => a.actions)).toEqual([['pull'], ['pull']]);
    const form = new URLSearchParams({ grant_type: 'password', username: 'admin', password: 'admin-pass', service: 'x', scope: 'repository:web:pull,push', client_id: 'test' });
    const oauth = await http('/v2/token', { method: 'POST', body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const ob = (await oauth.json()) as { access_token: string; scope: string };
    expect(oauth.status).toBe(200);
    expect(ob.scope).toBe('repository:web:pull,push');
    expect(claimsOf(ob.access_token).access).toEqual([{ type: 'repository', name: 'web', actions: ['pull', 'push'] }]);
    const refresh = await http('/v2/token', { method: 'POST', body: 'grant_type=refresh_token&refresh_token=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe('unsupported_grant_type');
    const wrong = await http('/v2/token', { method: 'POST', body: 'grant_type=password&username=admin&password=nope', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(wrong.status).toBe(401);
    const wrongGet = await http('/v2/token?scope=repository:web:pull', { headers: { Authorization: basic('admin', 'nope') } });
    expect(wrongGet.status).toBe(401);
    expect(await codeOf(wrongGet)).toBe('UNAUTHORIZED');
  });

  it('checks what a token grants on every request: insufficient scope is a 401 with a fresh challenge, plain Basic without the scope a 403', async () => {
    const pullOnly = await bearer('repository:team-a/web:pull', READER);
    const res = await http('/v2/team-a/web/blobs/uploads/', { method: 'POST', headers: { Authorization: pullOnly } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/scope="repository:team-a\/web:pull,push",error="insufficient_scope"$/);
    const other = await bearer('repository:team-a/other:pull,push');
    expect((await http('/v2/team-a/web/blobs/uploads/', { method: 'POST', headers: { Authorization: other } })).status).toBe(401);
    const denied = await http('/v2/team-a/web/blobs/uploads/', { method: 'POST', headers: { Authorization: READER } });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ errors: [{ code: 'DENIED', message: 'reader may not push to team-a/web' }] });
    const ci = await http('/v2/web/blobs/uploads/', { method: 'POST', headers: { Authorization: `Bearer ${CI_TOKEN}` } });
    expect(ci.status).toBe(403);
    const token = await bearer('repository:team-a/web:push,pull');
    const ok = await http('/v2/team-a/web/blobs/uploads/', { method: 'POST', headers: { Authorization: token } });
    expect(ok.status).toBe(202);
    expect((await http(ok.headers.get('location')!, { method: 'DELETE', headers: { Authorization: token } })).status).toBe(204);
  });

  it('refuses tampered and expired tokens, and signs with a key every replica on the store shares', async () => {
    const good = await bearer('repository:web:pull,push');
    const [p, body, mac] = good.replace('Bearer ', '').split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    claims.access = [{ type: 'repository', name: 'team-b/x', actions: ['push'] }];
    const forged = `Bearer ${p}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${mac}`;
    const r = await http('/v2/team-b/x/blobs/uploads/', { method: 'POST', headers: { Authorization: forged } });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    // Two issuers on one store agree on the key (made once, create-only); a later clock sees the token expired.
    const store = new LocalObjectStore(join(tmp.dir, 'keys'));
    await store.init();
    let now = Date.now();
    const a = new TokenIssuer({ store, now: () => now });
    const b = new TokenIssuer({ store, now: () => now });
    const [ta] = await Promise.all([a.issue(undefined, [{ type: 'repository', name: 'web', actions: ['pull'] }]), b.issue(undefined, [])]);
    expect(await b.verify(ta.token)).toMatchObject({ principal: undefined, access: [{ name: 'web', actions: ['pull'] }] });
    now += 301_000;
    expect(await b.verify(ta.token)).toBe('expired');
    expect(await b.verify(`${ta.token.slice(0, -2)}AA`)).toBe('forged');
  });

  it('limits failed token requests and forged tokens per client address (the login limiter): 429 TOOMANYREQUESTS with Retry-After', async () => {
    const limited = await registry({ storageDir: join(tmp.dir, 'limited'), htpasswd: htpasswdFile, authFailuresPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await http('/v2/token?scope=repository:web:pull', { headers: { Authorization: basic('admin', `guess-${i}`) } }, limited)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const res = await http('/v2/', { headers: { Authorization: 'Bearer cr1.e30.AAAA' } }, limited);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await codeOf(res)).toBe('TOOMANYREQUESTS');
  });
});

describe('names', () => {
  it('has NAME and TENANT/NAME only: deeper names are unknown, bad names invalid, reserved tenants unknown; reads never create a repository', async () => {
    const auth = { headers: { Authorization: READER } };
    const cases: [string, string, number, string][] = [
      ['GET', '/v2/a/b/c/tags/list', 404, 'NAME_UNKNOWN'],
      ['POST', '/v2/a/b/c/blobs/uploads/', 400, 'NAME_INVALID'],
      ['GET', '/v2/Upper/tags/list', 400, 'NAME_INVALID'],
      ['GET', '/v2/__proto__/tags/list', 400, 'NAME_INVALID'],
      ['GET', '/v2/constructor/tags/list', 404, 'NAME_UNKNOWN'],
      ['GET', '/v2/team-a/__proto__/manifests/1.0.0', 400, 'NAME_INVALID'],
      ['GET', '/v2/api/web/tags/list', 404, 'NAME_UNKNOWN'],
      ['GET', '/v2/nope/web/tags/list', 404, 'NAME_UNKNOWN'],
      ['GET', `/v2/nope/web/blobs/${digestOf('x')}`, 404, 'NAME_UNKNOWN'],
      ['GET', '/v2/nope/web/manifests/1.0.0', 404, 'NAME_UNKNOWN'],
      ['GET', '/v2/team-a/nochart/tags/list', 404, 'NAME_UNKNOWN'],
      ['GET', '/v2/x/whatever', 404, 'NAME_UNKNOWN'],
      ['GET', `/v2/${'a'.repeat(300)}/tags/list`, 400, 'NAME_INVALID'],
      ['GET', '/v2/web/blobs/sha256:zz', 400, 'DIGEST_INVALID'],
    ];
    for (const [method, path, status, code] of cases) {
      const res = await http(path, { method, ...auth });
      expect([method, path, res.status, await codeOf(res)]).toEqual([method, path, status, code]);
    }
    expect(reg.registry.repositories()).toEqual(['', 'team-a']);
  });
});

describe('blob uploads', () => {
  const auth = { Authorization: ADMIN };

  it('takes a monolithic POST ?digest= and POST then PUT; HEAD and GET give the bytes with their digest', async () => {
    const data = Buffer.from('monolithic blob bytes');
    const digest = digestOf(data);
    const post = await http(`/v2/blobby/blobs/uploads/?digest=${digest}`, { method: 'POST', body: new Uint8Array(data), headers: auth });
    expect(post.status).toBe(201);
    expect(post.headers.get('location')).toBe(`/v2/blobby/blobs/${digest}`);
    expect(post.headers.get('docker-content-digest')).toBe(digest);
    const head = await http(`/v2/blobby/blobs/${digest}`, { method: 'HEAD', headers: auth });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(data.length));
    expect(head.headers.get('docker-content-digest')).toBe(digest);
    const get = await http(`/v2/blobby/blobs/${digest}`, { headers: auth });
    expect(Buffer.from(await get.arrayBuffer()).equals(data)).toBe(true);
    // POST then PUT with the whole body.
    const second = Buffer.from('post then put');
    const start = await http('/v2/blobby/blobs/uploads/', { method: 'POST', headers: auth });
    expect(start.status).toBe(202);
    const location = start.headers.get('location')!;
    expect(location).toMatch(/^\/v2\/blobby\/blobs\/uploads\/[0-9a-f-]{36}$/);
    expect(start.headers.get('range')).toBe('0-0');
    expect(start.headers.get('docker-upload-uuid')).toBe(location.split('/').pop());
    expect(start.headers.get('oci-chunk-min-length')).toBe(String(Math.ceil((1024 * 1024) / 1000)));
    const put = await http(`${location}?digest=${digestOf(second)}`, { method: 'PUT', body: new Uint8Array(second), headers: { ...auth, 'Content-Type': 'application/octet-stream' } });
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`/v2/blobby/blobs/${digestOf(second)}`);
    expect(readFileSync(blobFile(sha(second))).equals(second)).toBe(true);
    expect(uploadsLeft()).toEqual([]);
  });

  it('takes chunks in order with Content-Range, answers 416 out of order, and reports the state with GET', async () => {
    const data = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
    const start = await http('/v2/blobby/blobs/uploads/', { method: 'POST', headers: { ...auth, 'Content-Length': '0' } });
    const location = start.headers.get('location')!;
    const patch = (from: number, to: number) => http(location, { method: 'PATCH', body: new Uint8Array(data.subarray(from, to + 1)), headers: { ...auth, 'Content-Type': 'application/octet-stream', 'Content-Range': `${from}-${to}` } });
    const first = await patch(0, 9);
    expect(first.status).toBe(202);
    expect(first.headers.get('range')).toBe('0-9');
    expect(first.headers.get('location')).toBe(location);
    const skipped = await patch(20, 29);
    expect(skipped.status).toBe(416);
    expect(await codeOf(skipped)).toBe('BLOB_UPLOAD_INVALID');
    const again = await patch(0, 9);
    expect(again.status).toBe(416);
    // A chunk that announces a range but brings no bytes stores nothing and keeps what came before.
    const empty = await raw(reg, 'PATCH', location, { Authorization: ADMIN, 'Content-Range': '10-19', 'Transfer-Encoding': 'chunked' }, Buffer.alloc(0));
    expect([empty.status, JSON.parse(empty.body).errors[0].code]).toEqual([400, 'SIZE_INVALID']);
    const state = await http(location, { headers: auth });
    expect(state.status).toBe(204);
    expect(state.headers.get('range')).toBe('0-9');
    expect((await patch(10, 19)).status).toBe(202);
    // A streamed chunk without Content-Range goes at the end, as docker and skopeo send them.
    const streamed = await http(location, { method: 'PATCH', body: new Uint8Array(data.subarray(20, 30)), headers: auth });
    expect(streamed.headers.get('range')).toBe('0-29');
    // The last chunk comes with the closing PUT.
    const put = await http(`${location}?digest=${digestOf(data)}`, { method: 'PUT', body: new Uint8Array(data.subarray(30)), headers: { ...auth, 'Content-Range': `30-${data.length - 1}` } });
    expect(put.status).toBe(201);
    expect(readFileSync(blobFile(sha(data))).equals(data)).toBe(true);
    expect((await http(location, { headers: auth })).status).toBe(404);
    expect(uploadsLeft()).toEqual([]);
  });

  it('checks the digest at completion: DIGEST_INVALID, nothing committed, the session gone', async () => {
    const start = await http('/v2/blobby/blobs/uploads/', { method: 'POST', headers: auth });
    const location = start.headers.get('location')!;
    await http(location, { method: 'PATCH', body: 'some bytes', headers: { ...auth, 'Content-Range': '0-9' } });
    const claimed = digestOf('other bytes');
    const put = await http(`${location}?digest=${claimed}`, { method: 'PUT', headers: auth });
    expect(put.status).toBe(400);
    expect(await codeOf(put)).toBe('DIGEST_INVALID');
    expect(existsSync(blobFile(claimed.slice(7)))).toBe(false);
    expect(existsSync(blobFile(sha(Buffer.from('some bytes'))))).toBe(false);
    expect(await codeOf(await http(location, { headers: auth }))).toBe('BLOB_UPLOAD_UNKNOWN');
    const mono = await http(`/v2/blobby/blobs/uploads/?digest=${claimed}`, { method: 'POST', body: 'not those', headers: auth });
    expect(await codeOf(mono)).toBe('DIGEST_INVALID');
    for (const bad of ['sha256:abc', 'md5:00', '']) {
      const res = await http(`/v2/blobby/blobs/uploads/?digest=${bad}`, { method: 'POST', body: 'x', headers: auth });
      expect([bad, res.status, await codeOf(res)]).toEqual([bad, 400, 'DIGEST_INVALID']);
    }
    const sha512 = await http(`/v2/blobby/blobs/uploads/?digest=sha512:${'a'.repeat(128)}`, { method: 'POST', body: 'x', headers: auth });
    expect(await codeOf(sha512)).toBe('DIGEST_INVALID');
    expect(uploadsLeft()).toEqual([]);
  });

  it('refuses blobs past --max-upload-size with 413 SIZE_INVALID, announced or streamed, over all the chunks of a session', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 7);
    const mono = await http(`/v2/blobby/blobs/uploads/?digest=${digestOf(big)}`, { method: 'POST', body: new Uint8Array(big), headers: auth });
    expect(mono.status).toBe(413);
    expect(await codeOf(mono)).toBe('SIZE_INVALID');
    const start = await http('/v2/blobby/blobs/uploads/', { method: 'POST', headers: auth });
    const location = start.headers.get('location')!;
    const half = big.subarray(0, 600 * 1024);
    expect((await http(location, { method: 'PATCH', body: new Uint8Array(half), headers: auth })).status).toBe(202);
    // Chunked transfer (no Content-Length): refused once the session passes the limit.
    const over = await raw(reg, 'PATCH', location, { Authorization: ADMIN, 'Transfer-Encoding': 'chunked' }, half);
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body).errors[0].code).toBe('SIZE_INVALID');
    expect((await http(location, { headers: auth })).headers.get('range')).toBe(`0-${half.length - 1}`);
    expect((await http(location, { method: 'DELETE', headers: auth })).status).toBe(204);
    const mismatch = await raw(reg, 'POST', '/v2/blobby/blobs/uploads/', { Authorization: ADMIN });
    const loc2 = String(mismatch.headers.location);
    const wrongLength = await http(loc2, { method: 'PATCH', body: 'abcdef', headers: { ...auth, 'Content-Range': '0-2' } });
    expect([wrongLength.status, await codeOf(wrongLength)]).toEqual([400, 'SIZE_INVALID']);
    await http(loc2, { method: 'DELETE', headers: auth });
    expect(uploadsLeft()).toEqual([]);
  });

  it('cancels with DELETE, and answers BLOB_UPLOAD_UNKNOWN for sessions it does not have or that belong to another name', async () => {
    const start = await http('/v2/blobby/blobs/uploads/', { method: 'POST', headers: auth });
    const location = start.headers.get('location')!;
    const id = location.split('/').pop()!;
    expect((await http(`/v2/other/blobs/uploads/${id}`, { headers: auth })).status).toBe(404);
    expect((await http(location, { method: 'DELETE', headers: auth })).status).toBe(204);
    for (const path of [location, '/v2/blobby/blobs/uploads/not-a-session', `/v2/blobby/blobs/uploads/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`]) {
      const res = await http(path, { method: 'PATCH', body: 'x', headers: auth });
      expect([path, res.status, await codeOf(res)]).toEqual([path, 404, 'BLOB_UPLOAD_UNKNOWN']);
    }
    expect((await http(location, { method: 'DELETE', headers: auth })).status).toBe(404);
  });

  it('mounts a blob from a repository the caller may read (201), and starts a session otherwise (202)', async () => {
    const data = Buffer.from('a blob to mount');
    const digest = await pushBlob('team-a/source', data);
    const mount = await http(`/v2/team-b/target/blobs/uploads/?mount=${digest}&from=team-a/source`, { method: 'POST', headers: auth });
    expect(mount.status).toBe(201);
    expect(mount.headers.get('location')).toBe(`/v2/team-b/target/blobs/${digest}`);
    expect(readFileSync(blobFile(sha(data), 'team-b')).equals(data)).toBe(true);
    const unknown = await http(`/v2/team-b/target/blobs/uploads/?mount=${digestOf('nothing')}&from=team-a/source`, { method: 'POST', headers: auth });
    expect(unknown.status).toBe(202);
    await http(unknown.headers.get('location')!, { method: 'DELETE', headers: auth });
    // Who may only read the source mounts the blobs of charts that exist there, as it could read them.
    const mounter = { Authorization: `Bearer ${MOUNTER_TOKEN}` };
    const orphan = Buffer.from('a blob no chart names');
    const orphanDigest = await pushBlob('team-a/source', orphan);
    const notMounted = await http(`/v2/team-b/target/blobs/uploads/?mount=${orphanDigest}&from=team-a/source`, { method: 'POST', headers: mounter });
    expect(notMounted.status).toBe(202);
    await http(notMounted.headers.get('location')!, { method: 'DELETE', headers: mounter });
    expect(existsSync(blobFile(sha(orphan), 'team-b'))).toBe(false);
    const chart = await artifact('mountable', '1.0.0');
    expect((await push('team-a/mountable', chart, '1.0.0')).status).toBe(201);
    const mounted = await http(`/v2/team-b/mountable/blobs/uploads/?mount=${digestOf(chart.archive)}&from=team-a/mountable`, { method: 'POST', headers: mounter });
    expect(mounted.status).toBe(201);
    expect(readFileSync(blobFile(sha(chart.archive), 'team-b')).equals(chart.archive)).toBe(true);
    // Where reads need credentials, the ci token (team-a only) cannot read the root repository: no mount from there.
    const dir = join(tmp.dir, 'private');
    const priv = await registry({ storageDir: dir, htpasswd: htpasswdFile, tokens: tokensFile, requireAuthForReads: true });
    const rootData = Buffer.from('root-only blob');
    const rootDigest = await pushBlob('rootonly', rootData, ADMIN, priv);
    const ci = `Bearer ${CI_TOKEN}`;
    const refused = await http(`/v2/team-a/target/blobs/uploads/?mount=${rootDigest}&from=rootonly`, { method: 'POST', headers: { Authorization: ci } }, priv);
    expect(refused.status).toBe(403);
    const token = await bearer([`repository:team-a/target:pull,push`, 'repository:rootonly:pull'], basic('ci', CI_TOKEN), priv);
    expect(claimsOf(token).access).toEqual([{ type: 'repository', name: 'team-a/target', actions: ['pull', 'push'] }]);
    const challenged = await http(`/v2/team-a/target/blobs/uploads/?mount=${rootDigest}&from=rootonly`, { method: 'POST', headers: { Authorization: token } }, priv);
    expect(challenged.status).toBe(401);
    expect(existsSync(blobFile(sha(rootData), 'team-a', dir))).toBe(false);
  });

  it('serves ranges: 206 with Content-Range, suffixes, and 416 past the end', async () => {
    const data = Buffer.from('abcdefghijklmnopqrstuvwxyz');
    const digest = await pushBlob('team-a/ranges', data);
    const get = (range: string) => http(`/v2/team-a/ranges/blobs/${digest}`, { headers: { ...auth, Range: range } });
    const mid = await get('bytes=2-5');
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe(`bytes 2-5/${data.length}`);
    expect(await mid.text()).toBe('cdef');
    expect(await (await get('bytes=20-')).text()).toBe('uvwxyz');
    expect(await (await get('bytes=-3')).text()).toBe('xyz');
    expect(await (await get('bytes=24-1000')).text()).toBe('yz');
    const past = await get('bytes=26-30');
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${data.length}`);
    expect((await get('bytes=3-1')).status).toBe(200);
    const unknown = await http(`/v2/team-a/ranges/blobs/${digestOf('none')}`, { headers: auth });
    expect([unknown.status, await codeOf(unknown)]).toEqual([404, 'BLOB_UNKNOWN']);
    const del = await http(`/v2/team-a/ranges/blobs/${digest}`, { method: 'DELETE', headers: auth });
    expect([del.status, await codeOf(del)]).toEqual([400, 'UNSUPPORTED']);
  });

  it('bounds the chunks of one session, so no request lists an unbounded number of them', async () => {
    const store = new LocalObjectStore(join(tmp.dir, 'parts'));
    await store.init();
    const uploads = new UploadSessions(store);
    let session = await uploads.start('', 'tiny');
    for (let i = 0; i < MAX_PARTS; i++) session = await uploads.append(session, Readable.from([Buffer.from([i & 0xff])]), 10_000);
    expect((await uploads.get(session.id, '', 'tiny'))!.size).toBe(MAX_PARTS);
    await expect(uploads.append(session, Readable.from([Buffer.from('x')]), 10_000)).rejects.toMatchObject({ code: 'BLOB_UPLOAD_INVALID' });
    await uploads.complete(session, sha(Buffer.from(Array.from({ length: MAX_PARTS }, (_, i) => i & 0xff))), 'blobs/sha256/tiny');
    expect((await store.head('blobs/sha256/tiny'))?.size).toBe(MAX_PARTS);
    expect(uploadsLeft(join(tmp.dir, 'parts'))).toEqual([]);
  });

  it('expires abandoned sessions: the cleanup pass on the sync timer deletes them from storage', async () => {
    const dir = join(tmp.dir, 'expiry');
    const r = await registry({ storageDir: dir, allowAnonymousWrite: true, uploadSessionTtl: '1', syncInterval: '0.2' });
    const start = await http('/v2/idle/blobs/uploads/', { method: 'POST' }, r);
    const location = start.headers.get('location')!;
    expect((await http(location, { method: 'PATCH', body: 'partial' }, r)).status).toBe(202);
    expect(uploadsLeft(dir)).toHaveLength(1);
    await waitFor(() => uploadsLeft(dir).length === 0, { timeoutMs: 10_000, intervalMs: 100, what: 'the idle session to be deleted' });
    expect(await codeOf(await http(location, { method: 'PATCH', body: 'more' }, r))).toBe('BLOB_UPLOAD_UNKNOWN');
  });
});

describe('manifests', () => {
  it('accepts a Helm chart pushed by tag: in index.yaml, the ChartMuseum API and the page; served byte for byte by tag and digest', async () => {
    const a = await artifact('pushed', '1.2.3', { extra: { 'Chart.yaml': 'apiVersion: v2\nname: pushed\nversion: 1.2.3\ndescription: "pushed <over> OCI"\n' } });
    const res = await push('pushed', a, '1.2.3');
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v2/pushed/manifests/${a.digest}`);
    expect(res.headers.get('docker-content-digest')).toBe(a.digest);
    const idx = parse(await (await http('/index.yaml')).text()) as { entries: Record<string, { version: string; digest: string; urls: string[] }[]> };
    expect(idx.entries.pushed[0]).toMatchObject({ version: '1.2.3', digest: sha(a.archive), urls: ['charts/pushed-1.2.3.tgz'] });
    expect(Buffer.from(await (await http('/charts/pushed-1.2.3.tgz')).arrayBuffer()).equals(a.archive)).toBe(true);
    expect(((await (await http('/api/charts/pushed/1.2.3')).json()) as { description: string }).description).toBe('pushed <over> OCI');
    const home = await (await http('/')).text();
    expect(home).toContain('<a class="result-name" href="ui/charts/pushed">pushed</a>');
    expect(home).toMatch(/class="result-version"[^>]*>[^<]*1\.2\.3/);
    for (const ref of ['1.2.3', a.digest]) {
      const get = await http(`/v2/pushed/manifests/${ref}`, { headers: { Authorization: READER, Accept: MEDIA_TYPE_MANIFEST } });
      expect(get.status).toBe(200);
      expect(get.headers.get('content-type')).toBe(MEDIA_TYPE_MANIFEST);
      expect(get.headers.get('docker-content-digest')).toBe(a.digest);
      expect(Buffer.from(await get.arrayBuffer()).equals(a.manifest)).toBe(true);
      const head = await http(`/v2/pushed/manifests/${ref}`, { method: 'HEAD', headers: { Authorization: READER } });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(a.manifest.length));
    }
    const missing = await http('/v2/pushed/manifests/9.9.9', { headers: { Authorization: READER } });
    expect([missing.status, await codeOf(missing)]).toEqual([404, 'MANIFEST_UNKNOWN']);
    expect(await codeOf(await http(`/v2/pushed/manifests/${digestOf('x')}`, { headers: { Authorization: READER } }))).toBe('MANIFEST_UNKNOWN');
  });

  it('pushes into a tenant with a token, by digest without a tag too (the version comes from the chart)', async () => {
    const token = await bearer('repository:team-a/tenanted:pull,push', basic('ci', CI_TOKEN));
    const a = await artifact('tenanted', '0.1.0');
    expect((await push('team-a/tenanted', a, '0.1.0', token)).status).toBe(201);
    const b = await artifact('tenanted', '0.2.0+build.7');
    const byDigest = await push('team-a/tenanted', b, b.digest, token);
    expect(byDigest.status).toBe(201);
    const tags = (await (await http('/v2/team-a/tenanted/tags/list', { headers: { Authorization: token } })).json()) as { name: string; tags: string[] };
    expect(tags).toEqual({ name: 'team-a/tenanted', tags: ['0.1.0', '0.2.0_build.7'] });
    const got = await http('/v2/team-a/tenanted/manifests/0.2.0_build.7', { headers: { Authorization: token } });
    expect(Buffer.from(await got.arrayBuffer()).equals(b.manifest)).toBe(true);
    const idx = parse(await (await http('/team-a/index.yaml')).text()) as { entries: Record<string, { version: string }[]> };
    expect(idx.entries.tenanted.map((e) => e.version)).toEqual(['0.2.0+build.7', '0.1.0']);
    expect(parse(await (await http('/index.yaml')).text()).entries.tenanted).toBeUndefined();
  });

  it('treats the same bytes again as a no-op, and refuses other contents for a pushed version with 409 DENIED', async () => {
    const a = await artifact('immutable', '1.0.0');
    expect((await push('immutable', a, '1.0.0')).status).toBe(201);
    const same = await push('immutable', a, '1.0.0');
    expect(same.status).toBe(201);
    expect(same.headers.get('docker-content-digest')).toBe(a.digest);
    const other = await artifact('immutable', '1.0.0', { extra: { 'README.md': 'other contents\n' } });
    const refused = await push('immutable', other, '1.0.0');
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0].code).toBe('DENIED');
    expect(body.errors[0].message).toMatch(/immutable 1.0.0 already exists; versions are immutable here/);
    // The ChartMuseum API refuses it too, and the first push is what is served.
    expect((await http('/api/charts', { method: 'POST', body: new Uint8Array(other.archive), headers: { Authorization: ADMIN } })).status).toBe(409);
    expect(Buffer.from(await (await http('/v2/immutable/manifests/1.0.0', { headers: { Authorization: ADMIN } })).arrayBuffer()).equals(a.manifest)).toBe(true);
  });

  it('replaces a version only with --allow-overwrite, removing blobs only the old version named', async () => {
    const dir = join(tmp.dir, 'overwrite');
    const r = await registry({ storageDir: dir, allowAnonymousWrite: true, allowOverwrite: true });
    const a = await artifact('ow', '1.0.0');
    const b = await artifact('ow', '1.0.0', { extra: { 'README.md': 'second\n' } });
    expect((await push('ow', a, '1.0.0', '', r)).status).toBe(201);
    expect((await push('ow', b, '1.0.0', '', r)).status).toBe(201);
    expect(Buffer.from(await (await http('/v2/ow/manifests/1.0.0', {}, r)).arrayBuffer()).equals(b.manifest)).toBe(true);
    expect(existsSync(blobFile(sha(a.archive), '', dir))).toBe(false);
    expect(existsSync(blobFile(sha(a.manifest), '', dir))).toBe(false);
    expect(existsSync(blobFile(sha(b.archive), '', dir))).toBe(true);
  });

  it('refuses what is not a Helm chart, and charts that do not fit their name, tag, blobs or provenance', async () => {
    const good = await artifact('strict', '1.0.0');
    for (const b of [good.config, good.archive]) await pushBlob('strict', b);
    const put = (body: Buffer | string, ref = '1.0.0', name = 'strict', contentType = MEDIA_TYPE_MANIFEST) => http(`/v2/${name}/manifests/${ref}`, { method: 'PUT', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { Authorization: ADMIN, 'Content-Type': contentType } });
    const expectRefused = async (res: Response, status: number, code: string, message: RegExp) => {
      const body = (await res.json()) as { errors: { code: string; message: string }[] };
      expect([res.status, body.errors[0].code]).toEqual([status, code]);
      expect(body.errors[0].message).toMatch(message);
    };
    const image = JSON.parse(good.manifest.toString());
    image.config.mediaType = 'application/vnd.oci.image.config.v1+json';
    await expectRefused(await put(JSON.stringify(image)), 400, 'MANIFEST_INVALID', /this registry stores Helm charts/);
    const layered = JSON.parse(good.manifest.toString());
    layered.layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digestOf('x'), size: 1 });
    await expectRefused(await put(JSON.stringify(layered)), 400, 'MANIFEST_INVALID', /this registry stores Helm charts: layer media type/);
    await expectRefused(await put(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_INDEX, manifests: [] }), '1.0.0', 'strict', MEDIA_TYPE_INDEX), 400, 'UNSUPPORTED', /this registry stores Helm charts: an image index/);
    await expectRefused(await put('{not json'), 400, 'MANIFEST_INVALID', /not JSON/);
    const missing = JSON.parse(good.manifest.toString());
    missing.layers[0].size += 1;
    await expectRefused(await put(JSON.stringify(missing)), 400, 'MANIFEST_BLOB_UNKNOWN', /does not have/);
    await expectRefused(await put(good.manifest, '2.0.0'), 400, 'MANIFEST_INVALID', /tag "2.0.0" is not the chart's version "1.0.0"/);
    for (const b of [good.config, good.archive]) await pushBlob('other', b);
    await expectRefused(await put(good.manifest, '1.0.0', 'other'), 400, 'MANIFEST_INVALID', /the chart in this manifest is "strict", but the repository is "other"/);
    await expectRefused(await put(good.manifest, digestOf('something else')), 400, 'DIGEST_INVALID', /digest/);
    const badConfig = Buffer.from('{"name":"strict","version":"9.9.9"}');
    await pushBlob('strict', badConfig);
    const withBadConfig = JSON.parse(good.manifest.toString());
    withBadConfig.config = { mediaType: MEDIA_TYPE_HELM_CONFIG, digest: digestOf(badConfig), size: badConfig.length };
    await expectRefused(await put(JSON.stringify(withBadConfig)), 400, 'MANIFEST_INVALID', /config blob is not the Chart.yaml of strict 1.0.0/);
    const signed = await artifact('strict', '1.0.0', { prov: () => provFor({ 'strict-1.0.0.tgz': 'f'.repeat(64) }) });
    await pushBlob('strict', signed.prov!);
    await expectRefused(await put(signed.manifest), 400, 'MANIFEST_INVALID', /provenance file names sha256:f+ for strict-1.0.0.tgz/);
    const bomb = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
    const tooBig = await raw(reg, 'PUT', '/v2/strict/manifests/1.0.0', { Authorization: ADMIN, 'Content-Type': MEDIA_TYPE_MANIFEST, 'Transfer-Encoding': 'chunked' }, bomb);
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body).errors[0].code).toBe('MANIFEST_INVALID');
    const announced = await http('/v2/strict/manifests/1.0.0', { method: 'PUT', body: new Uint8Array(bomb), headers: { Authorization: ADMIN, 'Content-Type': MEDIA_TYPE_MANIFEST } });
    expect(announced.status).toBe(413);
    expect((await http('/v2/strict/tags/list', { headers: { Authorization: ADMIN } })).status).toBe(404);
    // Then the good one goes in.
    expect((await put(good.manifest)).status).toBe(201);
  });

  it('serves charts published through the ChartMuseum API over OCI: the same archive, Chart.yaml as the config, the provenance layer', async () => {
    const c = packagedChart(tmp.dir, 'classic', '2.0.0');
    const prov = provFor({ 'classic-2.0.0.tgz': sha(c.data) });
    const form = multipart([{ field: 'chart', filename: 'classic-2.0.0.tgz', data: c.data }, { field: 'prov', filename: 'classic-2.0.0.tgz.prov', data: prov }]);
    expect((await http('/api/charts', { method: 'POST', body: new Uint8Array(form.body), headers: { Authorization: ADMIN, 'Content-Type': form.contentType } })).status).toBe(201);
    const res = await http('/v2/classic/manifests/2.0.0', { headers: { Authorization: READER } });
    const bytes = Buffer.from(await res.arrayBuffer());
    const m = JSON.parse(bytes.toString()) as { config: { digest: string }; layers: { mediaType: string; digest: string; size: number }[]; annotations: Record<string, string> };
    expect(res.headers.get('docker-content-digest')).toBe(digestOf(bytes));
    expect(m.layers.map((l) => l.mediaType)).toEqual([MEDIA_TYPE_HELM_CHART, 'application/vnd.cncf.helm.chart.provenance.v1.prov']);
    expect(m.layers[0]).toMatchObject({ digest: `sha256:${sha(c.data)}`, size: c.data.length });
    const entry = ((await (await http('/api/charts/classic/2.0.0')).json()) as { created: string });
    expect(m.annotations['org.opencontainers.image.created']).toBe(entry.created);
    const blob = async (d: string) => Buffer.from(await (await http(`/v2/classic/blobs/${d}`, { headers: { Authorization: READER } })).arrayBuffer());
    expect((await blob(m.layers[0].digest)).equals(c.data)).toBe(true);
    expect((await blob(m.layers[1].digest)).equals(prov)).toBe(true);
    const loaded = await loadChartArchiveAsync(c.data, c.file);
    expect((await blob(m.config.digest)).toString()).toBe(helmConfigJson(loaded.metadata));
    // The manifest is stored and named in the record: the same digest after a restart.
    const again = await registry({ storageDir: storage, htpasswd: htpasswdFile });
    expect((await http('/v2/classic/manifests/2.0.0', { method: 'HEAD', headers: { Authorization: READER } }, again)).headers.get('docker-content-digest')).toBe(digestOf(bytes));
  });

  it('computes the manifest of records written before the OCI API on read: deterministic, the one a publish makes, not stored', async () => {
    const dir = join(tmp.dir, 'older');
    const first = await registry({ storageDir: dir, allowAnonymousWrite: true });
    const c = packagedChart(tmp.dir, 'older', '1.0.0');
    expect((await http('/api/charts', { method: 'POST', body: new Uint8Array(c.data) }, first)).status).toBe(201);
    const published = await http('/v2/older/manifests/1.0.0', {}, first);
    const publishedDigest = published.headers.get('docker-content-digest')!;
    await first.close();
    // Make it a record of before: no `oci` part, no config or manifest blob.
    const recordFile = join(dir, 'index', 'older-1.0.0.tgz.json');
    const record = JSON.parse(readFileSync(recordFile, 'utf8'));
    for (const h of [record.oci.config, record.oci.manifest]) writeFileSync(blobFile(h, '', dir), '') ;
    for (const h of [record.oci.config, record.oci.manifest]) (await import('node:fs')).rmSync(blobFile(h, '', dir));
    delete record.oci;
    writeFileSync(recordFile, JSON.stringify(record));
    const blobsBefore = readdirSync(join(dir, 'blobs', 'sha256')).sort();
    const r = await registry({ storageDir: dir, allowAnonymousWrite: true });
    const res = await http('/v2/older/manifests/1.0.0', {}, r);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('docker-content-digest')).toBe(publishedDigest);
    expect(digestOf(bytes)).toBe(publishedDigest);
    const byDigest = await http(`/v2/older/manifests/${publishedDigest}`, {}, r);
    expect(Buffer.from(await byDigest.arrayBuffer()).equals(bytes)).toBe(true);
    const m = JSON.parse(bytes.toString()) as { config: { digest: string } };
    const config = await http(`/v2/older/blobs/${m.config.digest}`, { headers: { Range: 'bytes=0-' } }, r);
    expect(config.status).toBe(206);
    expect(digestOf(Buffer.from(await config.arrayBuffer()))).toBe(m.config.digest);
    expect(readdirSync(join(dir, 'blobs', 'sha256')).sort()).toEqual(blobsBefore);
    // And the helper that computes it from digests and sizes agrees with chartManifest on real bytes.
    const loaded = await loadChartArchiveAsync(c.data, c.file);
    const prov = provFor({ 'older-1.0.0.tgz': sha(c.data) });
    const fromBytes = chartManifestOf(loaded.metadata, c.data, prov, '2026-02-03T04:05:06Z');
    const fromSizes = chartManifestFor(loaded.metadata, { hex: sha(c.data), size: c.data.length }, { hex: sha(prov), size: prov.length }, '2026-02-03T04:05:06Z');
    expect(fromSizes.bytes.equals(fromBytes.bytes)).toBe(true);
  });

  it('deletes a version by tag or digest like the ChartMuseum DELETE, keeping blobs another version still names', async () => {
    const one = packagedChart(tmp.dir, 'shared', '1.0.0');
    const two = packagedChart(tmp.dir, 'shared', '2.0.0');
    // One provenance file that names both archives: one blob, named by two records.
    const prov = provFor({ 'shared-1.0.0.tgz': sha(one.data), 'shared-2.0.0.tgz': sha(two.data) });
    for (const c of [one, two]) {
      const form = multipart([{ field: 'chart', filename: c.file, data: c.data }, { field: 'prov', filename: `${c.file}.prov`, data: prov }]);
      expect((await http('/api/charts', { method: 'POST', body: new Uint8Array(form.body), headers: { Authorization: ADMIN, 'Content-Type': form.contentType } })).status).toBe(201);
    }
    expect((await http('/v2/shared/manifests/1.0.0', { method: 'DELETE', headers: { Authorization: READER } })).status).toBe(403);
    const del = await http('/v2/shared/manifests/1.0.0', { method: 'DELETE', headers: { Authorization: ADMIN } });
    expect(del.status).toBe(202);
    expect(existsSync(blobFile(sha(prov)))).toBe(true);
    expect(existsSync(blobFile(sha(one.data)))).toBe(false);
    expect(Buffer.from(await (await http('/charts/shared-2.0.0.tgz.prov')).arrayBuffer()).equals(prov)).toBe(true);
    expect((await http('/api/charts/shared/1.0.0')).status).toBe(404);
    const digest = (await http('/v2/shared/manifests/2.0.0', { method: 'HEAD', headers: { Authorization: ADMIN } })).headers.get('docker-content-digest')!;
    expect((await http(`/v2/shared/manifests/${digest}`, { method: 'DELETE', headers: { Authorization: ADMIN } })).status).toBe(202);
    expect(existsSync(blobFile(sha(prov)))).toBe(false);
    expect(parse(await (await http('/index.yaml')).text()).entries.shared).toBeUndefined();
    expect(await codeOf(await http('/v2/shared/manifests/2.0.0', { method: 'DELETE', headers: { Authorization: ADMIN } }))).toBe('NAME_UNKNOWN');
  });
});

describe('tags, catalog and referrers', () => {
  it('lists tags in code-unit order, n at a time, with Link rel="next"', async () => {
    for (const v of ['1.0.0', '1.10.0', '1.9.0', '2.0.0-rc.1']) expect((await push('paged', await artifact('paged', v), v)).status).toBe(201);
    const list = async (q: string) => {
      const res = await http(`/v2/paged/tags/list${q}`, { headers: { Authorization: READER } });
      return { link: res.headers.get('link'), body: (await res.json()) as { name: string; tags: string[] } };
    };
    expect((await list('')).body).toEqual({ name: 'paged', tags: ['1.0.0', '1.10.0', '1.9.0', '2.0.0-rc.1'] });
    const first = await list('?n=2');
    expect(first.body.tags).toEqual(['1.0.0', '1.10.0']);
    expect(first.link).toBe('</v2/paged/tags/list?n=2&last=1.10.0>; rel="next"');
    const second = await list('?n=2&last=1.10.0');
    expect(second.body.tags).toEqual(['1.9.0', '2.0.0-rc.1']);
    expect(second.link).toBeNull();
    expect((await list('?last=1.9.0')).body.tags).toEqual(['2.0.0-rc.1']);
    const zero = await list('?n=0');
    expect(zero.body.tags).toEqual([]);
    expect(zero.link).toBeNull();
  });

  it('answers tags/list of a chart with 10,000 versions in at most 50 ms', async () => {
    const r = await registry({ storageDir: join(tmp.dir, 'many') });
    const idx = r.registry.readIndex('');
    for (let i = 0; i < 10_000; i++) idx.set({ name: 'huge', version: `${Math.floor(i / 100)}.${i % 100}.0`, urls: [], created: '2026-01-01T00:00:00Z', digest: 'a'.repeat(64), apiVersion: 'v2' });
    const time = async (q: string) => {
      const t = performance.now();
      const res = await http(`/v2/huge/tags/list${q}`, {}, r);
      const body = (await res.json()) as { tags: string[] };
      return { ms: performance.now() - t, n: body.tags.length };
    };
    await time('?n=1');
    const whole = [];
    for (let i = 0; i < 5; i++) whole.push(await time(''));
    expect(whole[0].n).toBe(10_000);
    expect(Math.min(...whole.map((w) => w.ms))).toBeLessThanOrEqual(50);
    const page = await time('?n=100&last=50.50.0');
    expect(page.n).toBe(100);
    expect(page.ms).toBeLessThanOrEqual(50);
    // A publish keeps the sorted list up to date without sorting it again.
    idx.set({ name: 'huge', version: '0.0.1', urls: [], created: '2026-01-01T00:00:00Z', digest: 'a'.repeat(64), apiVersion: 'v2' });
    expect(((await (await http('/v2/huge/tags/list?n=2', {}, r)).json()) as { tags: string[] }).tags).toEqual(['0.0.0', '0.0.1']);
  });

  it('lists the catalog the caller may read, n at a time', async () => {
    const all = ((await (await http('/v2/_catalog', { headers: { Authorization: ADMIN } })).json()) as { repositories: string[] }).repositories;
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(['pushed', 'paged', 'team-a/tenanted']));
    // Where reads need credentials, a caller sees the repositories it may read only.
    const priv = await registry({ storageDir: join(tmp.dir, 'catalog'), htpasswd: htpasswdFile, tokens: tokensFile, requireAuthForReads: true });
    for (const name of ['rootchart', 'team-a/teamchart']) expect((await push(name, await artifact(name.split('/').pop()!, '1.0.0'), '1.0.0', ADMIN, priv)).status).toBe(201);
    const list = async (auth: string) => ((await (await http('/v2/_catalog', { headers: { Authorization: auth } }, priv)).json()) as { repositories: string[] }).repositories;
    expect(await list(ADMIN)).toEqual(['rootchart', 'team-a/teamchart']);
    expect(await list(`Bearer ${CI_TOKEN}`)).toEqual(['team-a/teamchart']);
    expect(await list(await bearer('registry:catalog:*', basic('ci', CI_TOKEN), priv))).toEqual(['team-a/teamchart']);
    expect((await http('/v2/_catalog', {}, priv)).status).toBe(401);
    const page = await http('/v2/_catalog?n=1', { headers: { Authorization: ADMIN } });
    expect(((await page.json()) as { repositories: string[] }).repositories).toEqual([all[0]]);
    expect(page.headers.get('link')).toBe(`</v2/_catalog?n=1&last=${encodeURIComponent(all[0])}>; rel="next"`);
    const next = (await (await http(`/v2/_catalog?n=2&last=${encodeURIComponent(all[0])}`, { headers: { Authorization: ADMIN } })).json()) as { repositories: string[] };
    expect(next.repositories).toEqual(all.slice(1, 3));
  });

  it('lists referrers of a manifest as an image index, with the artifactType filter', async () => {
    const base = await artifact('refd', '1.0.0');
    expect((await push('refd', base, '1.0.0')).status).toBe(201);
    const referrer = await artifact('refd', '1.0.0-sig', { mutate: (m) => (m.subject = { mediaType: MEDIA_TYPE_MANIFEST, digest: base.digest, size: base.manifest.length }) });
    const put = await push('refd', referrer, '1.0.0-sig');
    expect(put.status).toBe(201);
    expect(put.headers.get('oci-subject')).toBe(base.digest);
    const res = await http(`/v2/refd/referrers/${base.digest}`, { headers: { Authorization: READER } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(MEDIA_TYPE_INDEX);
    const index = (await res.json()) as { schemaVersion: number; mediaType: string; manifests: Record<string, unknown>[] };
    expect(index).toMatchObject({ schemaVersion: 2, mediaType: MEDIA_TYPE_INDEX });
    expect(index.manifests).toEqual([{ mediaType: MEDIA_TYPE_MANIFEST, digest: referrer.digest, size: referrer.manifest.length, artifactType: MEDIA_TYPE_HELM_CONFIG, annotations: expect.objectContaining({ 'org.opencontainers.image.version': '1.0.0-sig' }) }]);
    const filtered = await http(`/v2/refd/referrers/${base.digest}?artifactType=application/example`, { headers: { Authorization: READER } });
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(((await filtered.json()) as { manifests: unknown[] }).manifests).toEqual([]);
    const none = await http(`/v2/refd/referrers/${digestOf('nothing')}`, { headers: { Authorization: READER } });
    expect([none.status, ((await none.json()) as { manifests: unknown[] }).manifests]).toEqual([200, []]);
    expect(await codeOf(await http('/v2/refd/referrers/sha256:nope', { headers: { Authorization: READER } }))).toBe('DIGEST_INVALID');
  });
});

describe('hardening', () => {
  it('holds upload bytes within --upload-budget: 503 TOOMANYREQUESTS with Retry-After while it is full', async () => {
    const r = await registry({ storageDir: join(tmp.dir, 'budget'), allowAnonymousWrite: true, maxUploadSize: '64k', uploadBudget: '64k' });
    const start = await http('/v2/budget/blobs/uploads/', { method: 'POST' }, r);
    const location = start.headers.get('location')!;
    // A chunked body reserves the whole limit, and is held open.
    const slow = request({ host: '127.0.0.1', port: r.port, method: 'PATCH', path: location, headers: { 'Transfer-Encoding': 'chunked' } });
    slow.on('error', () => undefined);
    slow.write('first bytes');
    await waitFor(async () => (await http('/metrics', {}, r).then((m) => m.text())).includes('chartroom_upload_reserved_bytes 65536'), { timeoutMs: 5000, intervalMs: 50, what: 'the slow upload to hold the budget' });
    const refused = await http(`/v2/budget/blobs/uploads/?digest=${digestOf('x')}`, { method: 'POST', body: 'x' }, r);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await codeOf(refused)).toBe('TOOMANYREQUESTS');
    slow.end();
    await waitFor(async () => (await http('/metrics', {}, r).then((m) => m.text())).includes('chartroom_upload_reserved_bytes 0'), { timeoutMs: 5000, intervalMs: 50, what: 'the budget to be released' });
    expect((await http(`/v2/budget/blobs/uploads/?digest=${digestOf('x')}`, { method: 'POST', body: 'x' }, r)).status).toBe(201);
  });

  it('survives a client that goes away mid-upload: a warning, nothing stored, the server answering', async () => {
    const dir = join(tmp.dir, 'abort');
    const r = await registry({ storageDir: dir, allowAnonymousWrite: true });
    const start = await http('/v2/aborted/blobs/uploads/', { method: 'POST' }, r);
    const location = start.headers.get('location')!;
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: r.port, method: 'PATCH', path: location, headers: { 'Content-Length': '100000' } });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(1000));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
    await waitFor(() => r.logs.some((l) => l.includes('client closed the connection during the upload')), { timeoutMs: 5000, intervalMs: 50, what: 'the warning' });
    expect(r.logs.find((l) => l.includes('client closed the connection'))).not.toMatch(/stack/);
    const state = await http(location, {}, r);
    expect(state.headers.get('range')).toBe('0-0');
    expect(readdirSync(join(dir, 'uploads', location.split('/').pop()!))).toEqual(['session.json']);
    expect((await http('/health', {}, r)).status).toBe(200);
  });

  it('refuses writes from another site’s pages, and keeps credentials and tokens out of the log', async () => {
    const res = await http('/v2/site/blobs/uploads/', { method: 'POST', headers: { Authorization: ADMIN, Origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    const logs = reg.logs.join('\n');
    expect(logs).not.toContain('admin-pass');
    expect(logs).not.toContain(CI_TOKEN);
    expect(logs).not.toContain('cr1.');
    expect(logs).not.toContain('scope=');
    expect(logs).toMatch(/"path":"\/v2\/token"/);
  });
});
