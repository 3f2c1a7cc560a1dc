import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { parse } from 'yaml';
import { provenanceDigests } from '../../registry-server/provenance.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { rawTarGz } from '../support/archive.js';
import { multipart, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
let reg: RunningRegistry & { logs: string[] };

beforeAll(async () => {
  reg = await startTestRegistry({ storageDir: join(tmp.dir, 'storage'), allowAnonymousWrite: true, repositories: 'team' });
});
afterAll(async () => {
  await reg.close();
  tmp.cleanup();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A chart archive whose Chart.yaml and folder are given as they are, however hostile. */
const archive = (name: string, version: string, opts: { folder?: string; extra?: string; filler?: string } = {}) =>
  rawTarGz([
    { path: `${opts.folder ?? name}/Chart.yaml`, data: `apiVersion: v2\nname: ${JSON.stringify(name)}\nversion: ${JSON.stringify(version)}\nengine: handlebars\n${opts.extra ?? ''}` },
    { path: `${opts.folder ?? name}/templates/cm.yaml`, data: `kind: ConfigMap # ${opts.filler ?? ''}\n` },
  ]);
const publish = (data: Buffer, query = '', repo = '') => fetch(`${reg.url}/api${repo ? `/${repo}` : ''}/charts${query}`, { method: 'POST', body: new Uint8Array(data), headers: { 'Content-Type': 'application/gzip' } });
const indexEntry = async (name: string, version: string, repo = '') => {
  const idx = parse(await (await fetch(`${reg.url}${repo ? `/${repo}` : ''}/index.yaml`)).text()) as { entries: Record<string, { version: string; digest: string; urls: string[] }[]> };
  return idx.entries[name]?.find((v) => v.version === version);
};
const download = async (url: string, repo = '') => Buffer.from(await (await fetch(`${reg.url}${repo ? `/${repo}` : ''}/${url}`)).arrayBuffer());
const healthMs = async () => {
  const t = performance.now();
  expect((await fetch(`${reg.url}/health`)).status).toBe(200);
  return performance.now() - t;
};

describe('provenance files are parsed in linear time and bounded', () => {
  it('answers the quadratic-regex input at once and keeps /health fast', async () => {
    const chart = archive('provbomb', '1.1.1');
    const evil = Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nfiles:\na-1.1.1${'-1.1.1'.repeat(48_000)}`);
    const t = performance.now();
    const { body, contentType } = multipart([
      { field: 'chart', filename: 'provbomb-1.1.1.tgz', data: chart },
      { field: 'prov', filename: 'provbomb-1.1.1.tgz.prov', data: evil },
    ]);
    const health = healthMs();
    const r = await fetch(`${reg.url}/api/charts`, { method: 'POST', body: new Uint8Array(body), headers: { 'Content-Type': contentType } });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/provenance file is larger than/);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(await health).toBeLessThan(500);
    expect(await indexEntry('provbomb', '1.1.1')).toBeUndefined();
  });

  it('parses a provenance file at the size limit with hostile lines in milliseconds', () => {
    const hostile = Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nfiles:\n  ${'a-1.1.1'.repeat(9000)}: sha256:${'0'.repeat(64)}x\n  good-1.0.0.tgz: sha256:${'ab'.repeat(32)}\n`);
    const t = performance.now();
    const files = provenanceDigests(hostile);
    expect(performance.now() - t).toBeLessThan(50);
    expect([...files]).toEqual([['good-1.0.0.tgz', 'ab'.repeat(32)]]);
  });
});

describe('one chart never touches another chart’s bytes', () => {
  it('refuses a second chart with the same archive file name, even with ?force, and deleting it cannot touch the first', async () => {
    const first = archive('a-1.2.3', '4.5.6');
    expect((await publish(first)).status).toBe(201);
    const second = archive('a', '1.2.3-4.5.6', { filler: 'other bytes' });
    for (const q of ['', '?force=true']) {
      const r = await publish(second, q);
      expect(r.status).toBe(409);
      expect((await r.json()).error).toMatch(/a-1.2.3-4.5.6.tgz is already the archive of a-1.2.3 4.5.6/);
    }
    expect((await fetch(`${reg.url}/api/charts/a/1.2.3-4.5.6`, { method: 'DELETE' })).status).toBe(404);
    const entry = (await indexEntry('a-1.2.3', '4.5.6'))!;
    expect(entry.digest).toBe(sha(first));
    expect(sha(await download(entry.urls[0]))).toBe(entry.digest);
  });

  it('keeps index and bytes in agreement under 20 concurrent forced replaces of one version, round after round', async () => {
    expect((await publish(archive('racy', '1.0.0', { filler: 'seed' }))).status).toBe(201);
    for (let round = 0; round < 5; round++) {
      const bodies = Array.from({ length: 20 }, (_, i) => archive('racy', '1.0.0', { filler: `round ${round} writer ${i}` }));
      const statuses = await Promise.all(bodies.map(async (b) => (await publish(b, '?force=true')).status));
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      expect(statuses).toContain(201);
      const entry = (await indexEntry('racy', '1.0.0'))!;
      expect(bodies.map(sha)).toContain(entry.digest);
      expect(sha(await download(entry.urls[0]))).toBe(entry.digest);
    }
  });
});

describe('repositories exist because something was published into them or they are configured', () => {
  it('answers 404 JSON for unknown repositories and never creates them by reading', async () => {
    for (const path of ['/nope/index.yaml', '/nope/index.json', '/api/nope/charts', '/nope/charts/f-1.0.0.tgz', '/api/nope/charts/x/1.0.0']) {
      const r = await fetch(`${reg.url}${path}`);
      expect([path, r.status]).toEqual([path, 404]);
      expect((await r.json()).error).toMatch(/no repository named "nope"/);
    }
    expect(reg.registry.repositories()).toEqual(['', 'team']);
    expect((await fetch(`${reg.url}/team/index.yaml`)).status).toBe(200);
  });

  it('reserves the names of the registry’s own routes', async () => {
    for (const name of ['v2', 'ui', 'assets', 'api', 'charts', 'health', 'info', 'metrics']) {
      const r = await publish(archive(`r${name}`, '1.0.0'), '', name);
      expect([name, r.status]).toEqual([name, 404]);
    }
    expect(reg.registry.repositories()).toEqual(['', 'team']);
  });

  it('creates a repository on its first publish', async () => {
    expect((await publish(archive('fresh', '1.0.0'), '', 'newteam')).status).toBe(201);
    expect((await fetch(`${reg.url}/newteam/index.yaml`)).status).toBe(200);
  });
});

describe('chart names and Chart.yaml fields', () => {
  it.each(['<img src=x onerror=alert(1)>', 'has space', 'q?x=1#frag', '%2e%2e%2fx', '__proto__', 'line\nbreak', '-dash', 'x'.repeat(251)])('refuses the chart name %j', async (name) => {
    const r = await publish(archive(name, '1.0.0', { folder: 'folder' }));
    expect(r.status).toBe(400);
    expect((await r.json()).error).toBeTruthy();
  });

  it('refuses an archive whose folder is not the chart name', async () => {
    const r = await publish(archive('named', '1.0.0', { folder: 'other' }));
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/folder "other" is not the chart's name "named"/);
  });

  it('refuses nested objects where Helm’s schema has strings', async () => {
    const maint = await publish(archive('maint', '1.0.0', { extra: 'maintainers:\n  - name: me\n    url: {nested: true}\n' }));
    expect(maint.status).toBe(400);
    expect((await maint.json()).field).toBe('maintainers[0].url');
    const dep = await publish(archive('deprepo', '1.0.0', { extra: 'dependencies:\n  - name: x\n    repository: [a, b]\n' }));
    expect(dep.status).toBe(400);
    expect((await dep.json()).field).toBe('dependencies[0].repository');
  });

  it('answers 400 before storage for invalid names and versions in URLs', async () => {
    for (const [name, version] of [['x'.repeat(300), '1.0.0'], ['ok', '%2e%2e'], ['%2e%2e', '1.0.0'], ['a%2Fb', '1.0.0'], ['nul%00', '1.0.0']]) {
      // Sent as written: fetch would resolve %2e%2e before sending.
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: reg.port, path: `/api/charts/${name}/${version}`, method: 'DELETE' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect([name, version, status]).toEqual([name, version, 400]);
    }
    const metrics = await (await fetch(`${reg.url}/metrics`)).text();
    expect(metrics).not.toMatch(/chartroom_storage_errors_total\{[^}]*\} [1-9]/);
  });
});
