import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { writeChartArchive } from '../../core/chart/archive.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { attachment, chartPathOf, fileType } from '../../registry-server/routes/ui-files.js';
import { basic, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

/**
 * A chart version's own files under /ui/…/files/PATH, served by the whole registry app: what README links and
 * images point to, with safe content types, sandboxing, caching headers and the read rule of the chart pages.
 */
const tmp = tempDir();
const ADMIN = basic('admin', 's3cret-admin');
let reg: RunningRegistry & { logs: string[] };
let strict: RunningRegistry & { logs: string[] };

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001', 'hex');
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><rect width="1" height="1"/></svg>';
const README = '# Docs\n\n![logo](img/logo.png)\n\n![diagram](./img/diagram.svg)\n\nSee [the guide](docs/guide.md) and [the license](LICENSE).\n';

function chart(name: string, version: string, files: Record<string, string | Buffer> = {}): Buffer {
  const all: Record<string, string | Buffer> = { 'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\n`, 'values.yaml': 'replicas: 1\n', ...files };
  return writeChartArchive(name, Object.entries(all).map(([n, data]) => ({ name: n, data: Buffer.from(data) })), { mtime: new Date(0) });
}

const DOCS_FILES: Record<string, string | Buffer> = {
  'README.md': README,
  'img/logo.png': PNG,
  'img/diagram.svg': SVG,
  'docs/guide.md': '# Guide\n<script>alert(3)</script>\n',
  LICENSE: 'Apache License 2.0\n',
  'files/data.bin': Buffer.from([0, 1, 2, 3, 255]),
  'files/we"ird n\u00e4me.dat': Buffer.from('x'),
  'templates/cm.yaml': 'kind: ConfigMap\n',
};

async function publish(url: string, data: Buffer, path = '/api/charts'): Promise<void> {
  const r = await fetch(`${url}${path}`, { method: 'POST', body: new Uint8Array(data), headers: { Authorization: ADMIN, 'Content-Type': 'application/gzip' } });
  expect(r.status).toBe(201);
}

const get = (path: string, init: RequestInit = {}, base = reg.url) => fetch(`${base}${path}`, { redirect: 'manual', ...init });

/** A GET of a path exactly as written: fetch's URL parser would resolve `%2e%2e` and `..` before sending. */
function rawGet(path: string): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(reg.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync('s3cret-admin', 5)}\n`);
  reg = await startTestRegistry({ storageDir: join(tmp.dir, 'storage'), htpasswd: join(tmp.dir, 'htpasswd') });
  strict = await startTestRegistry({ storageDir: join(tmp.dir, 'strict'), htpasswd: join(tmp.dir, 'htpasswd'), requireAuthForReads: true });
  await publish(reg.url, chart('docs', '1.0.0', DOCS_FILES));
  for (const v of ['1.1.0', '1.2.0']) await publish(reg.url, chart('docs', v, DOCS_FILES));
  await publish(reg.url, chart('docs', '2.0.0', DOCS_FILES), '/api/team/charts');
  await publish(strict.url, chart('docs', '1.0.0', DOCS_FILES));
});

afterAll(async () => {
  await reg?.close();
  await strict?.close();
  tmp.cleanup();
});

describe('chart files', () => {
  it('serves the images a README shows, at the URLs the rendered README links to', async () => {
    const pageUrl = `${reg.url}/ui/charts/docs/1.0.0`;
    const page = await (await get('/ui/charts/docs/1.0.0')).text();
    const srcs = [...page.matchAll(/<img[^>]* src="([^"]+)"/g)].map((m) => m[1]).filter((s) => s.includes('/files/'));
    expect(srcs).toHaveLength(2);
    const links = [...page.matchAll(/<a href="([^"]+\/files\/[^"]+)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThanOrEqual(2);

    const png = await fetch(new URL(srcs.find((s) => s.endsWith('logo.png'))!.replace(/&amp;/g, '&'), pageUrl));
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).equals(PNG)).toBe(true);
    expect(png.headers.get('x-content-type-options')).toBe('nosniff');
    expect(png.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(png.headers.get('cache-control')).toBe('public, no-cache');
    expect(png.headers.get('etag')).toMatch(/^"f-[0-9a-f]{32}"$/);

    for (const link of links) {
      const r = await fetch(new URL(link.replace(/&amp;/g, '&'), pageUrl));
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    }
  });

  it('serves an SVG as an image that can never run its scripts, even opened directly', async () => {
    const r = await get('/ui/charts/docs/1.0.0/files/img/diagram.svg');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/svg+xml');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('sandbox');
    expect(csp).not.toContain('script-src');
    expect(await r.text()).toBe(SVG);
  });

  it('serves text as plain text and anything else as a download with a safe file name', async () => {
    const md = await get('/ui/charts/docs/1.0.0/files/docs/guide.md');
    expect(md.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await md.text()).toContain('<script>alert(3)</script>');
    const lic = await get('/ui/charts/docs/1.0.0/files/LICENSE');
    expect(lic.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const values = await get('/ui/charts/docs/1.0.0/files/values.yaml');
    expect(await values.text()).toBe('replicas: 1\n');

    const bin = await get('/ui/charts/docs/1.0.0/files/files/data.bin');
    expect(bin.status).toBe(200);
    expect(bin.headers.get('content-type')).toBe('application/octet-stream');
    expect(bin.headers.get('content-disposition')).toBe(`attachment; filename="data.bin"; filename*=UTF-8''data.bin`);
    expect([...Buffer.from(await bin.arrayBuffer())]).toEqual([0, 1, 2, 3, 255]);

    const odd = await get(`/ui/charts/docs/1.0.0/files/files/${encodeURIComponent('we"ird n\u00e4me.dat')}`);
    expect(odd.status).toBe(200);
    expect(odd.headers.get('content-disposition')).toBe(`attachment; filename="we_ird_n_me.dat"; filename*=UTF-8''we%22ird%20n%C3%A4me.dat`);
  });

  it('answers 304 to a matching If-None-Match, and HEAD without a body', async () => {
    const first = await get('/ui/charts/docs/1.0.0/files/img/logo.png');
    const etag = first.headers.get('etag')!;
    const again = await get('/ui/charts/docs/1.0.0/files/img/logo.png', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    // Another version's same file has its own tag (the archive's digest is part of it).
    const other = await get('/ui/charts/docs/1.1.0/files/img/logo.png', { headers: { 'If-None-Match': etag } });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);
    const head = await get('/ui/charts/docs/1.0.0/files/img/logo.png', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(PNG.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('serves only files that are in the archive: traversal, folders and unknown names are 404 pages', async () => {
    for (const path of [
      'nope.txt',
      'img',
      'templates',
      'img/',
      '..%2F..%2Findex.yaml',
      '%2e%2e/Chart.yaml',
      'img/%2e%2e/LICENSE',
      'img%2Flogo.png',
      'img/.%2Flogo.png',
      './LICENSE',
      '%2Fetc%2Fpasswd',
      'img//logo.png',
      'img/../LICENSE',
      '../../1.1.0/files/LICENSE',
      'Chart.yaml%00',
      'license',
    ]) {
      const r = await rawGet(`/ui/charts/docs/1.0.0/files/${path}`);
      expect({ path, status: r.status }).toEqual({ path, status: 404 });
      expect(r.body).not.toContain('Apache License');
      if (r.type.startsWith('text/html')) expect(r.body).toContain('Not found');
    }
    expect((await get('/ui/charts/docs/9.9.9/files/LICENSE')).status).toBe(404);
    expect((await get('/ui/charts/nothing/1.0.0/files/LICENSE')).status).toBe(404);
    expect((await get('/ui/r/nothing/charts/docs/1.0.0/files/LICENSE')).status).toBe(404);
  });

  it('serves the files of a named repository at its own URLs', async () => {
    const r = await get('/ui/r/team/charts/docs/2.0.0/files/LICENSE');
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('Apache License 2.0\n');
    expect((await get('/ui/r/team/charts/docs/1.0.0/files/LICENSE')).status).toBe(404);
  });

  it('follows the read rule: a browser is sent to the login form, credentials are served privately', async () => {
    const anon = await get('/ui/charts/docs/1.0.0/files/LICENSE', {}, strict.url);
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toMatch(/ui\/login\?next=/);
    const bad = await get('/ui/charts/docs/1.0.0/files/LICENSE', { headers: { Authorization: basic('admin', 'wrong') } }, strict.url);
    expect(bad.status).toBe(401);
    const ok = await get('/ui/charts/docs/1.0.0/files/LICENSE', { headers: { Authorization: ADMIN } }, strict.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('private, no-cache');
    expect(await ok.text()).toBe('Apache License 2.0\n');
  });

  it('unpacks an archive once for many files, even asked for at the same time', async () => {
    const spy = jest.spyOn(reg.registry, 'file');
    try {
      const tgzReads = () => spy.mock.calls.filter(([repo, file]) => repo === '' && file === 'docs-1.2.0.tgz').length;
      const paths = ['img/logo.png', 'img/diagram.svg', 'docs/guide.md', 'LICENSE', 'files/data.bin'];
      const answers = await Promise.all(paths.map((p) => get(`/ui/charts/docs/1.2.0/files/${p}`)));
      expect(answers.map((a) => a.status)).toEqual(paths.map(() => 200));
      expect(tgzReads()).toBe(1);
      for (const p of paths) expect((await get(`/ui/charts/docs/1.2.0/files/${p}`)).status).toBe(200);
      expect(tgzReads()).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('chart file helpers', () => {
  it('types files by name', () => {
    expect(fileType('a/b.PNG').type).toBe('image/png');
    expect(fileType('x.jpg').type).toBe('image/jpeg');
    expect(fileType('x.avif').type).toBe('image/avif');
    expect(fileType('favicon.ico').type).toBe('image/x-icon');
    expect(fileType('NOTES').type).toBe('text/plain; charset=utf-8');
    expect(fileType('templates/NOTES.txt').type).toBe('text/plain; charset=utf-8');
    expect(fileType('templates/_helpers.tpl').type).toBe('text/plain; charset=utf-8');
    expect(fileType('x.html')).toEqual({ type: 'application/octet-stream', download: true });
    expect(fileType('x.js')).toEqual({ type: 'application/octet-stream', download: true });
  });

  it('accepts only plain path segments', () => {
    expect(chartPathOf(['img', 'logo.png'])).toBe('img/logo.png');
    for (const bad of [[], [''], ['.'], ['..'], ['a', '..', 'b'], ['a/b'], ['a\\b'], ['a\0'], 'x'.repeat(2000).split('')]) expect(chartPathOf(bad)).toBeUndefined();
    expect(chartPathOf(undefined)).toBeUndefined();
  });

  it('writes download names that cannot break the header', () => {
    expect(attachment('a/b\r\nSet-Cookie: x.bin')).toBe(`attachment; filename="b__Set-Cookie__x.bin"; filename*=UTF-8''b%0D%0ASet-Cookie%3A%20x.bin`);
  });
});
