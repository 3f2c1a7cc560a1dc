// The registry-hardening issue, uploads half: broken and dropped uploads, the global upload budget, gzip bombs
// checked off the event loop, cross-site writes from browsers, security headers, and chart names and versions in
// ChartMuseum URLs. Every test runs a real registry in this process on 127.0.0.1 and sends the bad requests with
// node's http client or raw sockets (fetch normalises paths and cannot send half a body).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import bcrypt from 'bcryptjs';
import { Header } from 'tar';
import { DEFAULT_LIMITS, readChartArchive, readChartArchiveAsync } from '../../core/chart/archive.js';
import { loadChartArchive, loadChartArchiveAsync } from '../../core/chart/loader.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { CHART_YAML, rawTarGz } from '../support/archive.js';
import { packagedChart } from '../support/packaged.js';
import { basic, multipart, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

type Reg = RunningRegistry & { logs: string[] };
const tmp = tempDir();
const started: Reg[] = [];
const PUB = basic('pub', 'pub-pass');
let htpasswdFile: string;

beforeAll(() => {
  htpasswdFile = join(tmp.dir, 'htpasswd');
  writeFileSync(htpasswdFile, `pub:${bcrypt.hashSync('pub-pass', 5)}\n`);
});
afterAll(async () => {
  await Promise.all(started.map((r) => r.close()));
  tmp.cleanup();
});

async function registry(name: string, flags: Record<string, unknown> = {}): Promise<Reg> {
  const reg = await startTestRegistry({ storageDir: join(tmp.dir, name), htpasswd: htpasswdFile, ...flags });
  started.push(reg);
  return reg;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  ms: number;
}

/** One request with node's http client: the path is sent as given (no normalisation), any method, headers and body. */
function call(reg: Reg, path: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: reg.port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer to ${opts.method ?? 'GET'} ${path} within 15 s`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

const json = (a: Answer) => JSON.parse(a.text) as Record<string, unknown>;
const publish = (reg: Reg, data: Buffer, headers: Record<string, string> = {}, path = '/api/charts') =>
  call(reg, path, { method: 'POST', body: data, headers: { Authorization: PUB, 'Content-Type': 'application/gzip', ...headers } });

/**
 * A raw HTTP/1.1 exchange on its own socket: writes `head` (and `body`), then collects the answer. `answer`
 * resolves with the raw text once a whole answer (head and Content-Length body) arrived, or the socket closed.
 */
function raw(reg: Reg, head: string, body?: Buffer | string): { socket: Socket; answer: Promise<string> } {
  const socket = connect(reg.port, '127.0.0.1');
  socket.on('error', () => undefined);
  const answer = new Promise<string>((resolve) => {
    let buf = Buffer.alloc(0);
    const done = () => resolve(buf.toString('utf8'));
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const text = buf.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1] ?? NaN);
      if (buf.length >= end + 4 + len) done();
    });
    socket.on('close', done);
    setTimeout(done, 15_000).unref();
  });
  socket.write(head);
  if (body !== undefined) socket.write(body);
  return { socket, answer };
}

const statusOf = (rawAnswer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(rawAnswer)?.[1] ?? 0);
const bodyOf = (rawAnswer: string) => rawAnswer.slice(rawAnswer.indexOf('\r\n\r\n') + 4);

/** A metric's value from /metrics (the sum over its label sets), 0 when it has none. */
async function metric(reg: Reg, name: string): Promise<number> {
  const text = (await call(reg, '/metrics')).text;
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

async function healthy(reg: Reg): Promise<void> {
  const h = await call(reg, '/health');
  expect(h.status).toBe(200);
  expect(json(h)).toEqual({ healthy: true });
}

/** Log lines written since `from`, parsed. */
const logsSince = (reg: Reg, from: number) => reg.logs.slice(from).map((l) => JSON.parse(l) as { level: number; msg: string; err?: { stack?: string } });

/** A chart archive whose second file claims `bytes` and inflates to that many zeros: a decompression bomb. */
function gzipBomb(bytes: number): Buffer {
  const header = (path: string, size: number) => {
    const h = Buffer.alloc(512);
    new Header({ path, mode: 0o644, size, mtime: new Date(0), type: 'File' }).encode(h, 0);
    return h;
  };
  const chartYaml = Buffer.from('apiVersion: v2\nname: bomb\nversion: 1.0.0\n');
  return gzipSync(Buffer.concat([header('bomb/Chart.yaml', chartYaml.length), chartYaml, Buffer.alloc(512 - chartYaml.length), header('bomb/files/zeros', bytes), Buffer.alloc(bytes), Buffer.alloc(1024)]), { level: 9 });
}

describe('item 1: a broken upload is a 400 and the server stays up', () => {
  let reg: Reg;
  beforeAll(async () => {
    reg = await registry('broken', { maxUploadSize: '200k' });
  });

  it('answers a multipart body that ends early (the curl reproduction) with 400 JSON', async () => {
    const body = '--abc\r\nContent-Disposition: form-data; name="chart"; filename="a.tgz"\r\n\r\nxx';
    const a = await call(reg, '/api/charts', { method: 'POST', body, headers: { Authorization: PUB, 'Content-Type': 'multipart/form-data; boundary=abc' } });
    expect(a.status).toBe(400);
    expect(a.headers['content-type']).toMatch(/application\/json/);
    expect(json(a).error).toMatch(/multipart/);
    await healthy(reg);
  });

  it('answers a broken multipart provenance upload, and a form without its boundary, with 400 JSON', async () => {
    const body = '--abc\r\nContent-Disposition: form-data; name="prov"; filename="a.tgz.prov"\r\n\r\n-----BEGIN PGP';
    const a = await call(reg, '/api/prov', { method: 'POST', body, headers: { Authorization: PUB, 'Content-Type': 'multipart/form-data; boundary=abc' } });
    expect(a.status).toBe(400);
    expect(json(a).error).toMatch(/multipart/);
    const b = await call(reg, '/api/charts', { method: 'POST', body: 'x', headers: { Authorization: PUB, 'Content-Type': 'multipart/form-data' } });
    expect(b.status).toBe(400);
    expect(json(b).error).toMatch(/multipart/);
    await healthy(reg);
  });

  it('answers a truncated gzip stream with 400 JSON', async () => {
    const c = packagedChart(tmp.dir, 'trunc', '1.0.0');
    const a = await publish(reg, c.data.subarray(0, c.data.length - 40));
    expect(a.status).toBe(400);
    expect(json(a)).toMatchObject({ code: 'ARCHIVE_REJECTED', error: expect.stringMatching(/not valid gzip|truncated/) });
    await healthy(reg);
  });

  it('refuses bodies past the limit with 413 JSON, chunked or multipart, and closes the connection instead of reading on', async () => {
    const chunked = raw(reg, `POST /api/charts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${PUB}\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = randomBytes(300 * 1024);
    chunked.socket.write(`${chunk.length.toString(16)}\r\n`);
    chunked.socket.write(chunk);
    const a = await chunked.answer;
    chunked.socket.destroy();
    expect(statusOf(a)).toBe(413);
    expect(a).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(bodyOf(a))).toEqual({ error: 'upload is larger than the limit of 204800 bytes' });

    const form = multipart([{ field: 'chart', filename: 'a.tgz', data: randomBytes(300 * 1024) }]);
    const m = await call(reg, '/api/charts', { method: 'POST', body: form.body, headers: { Authorization: PUB, 'Content-Type': form.contentType } });
    expect(m.status).toBe(413);
    const form2 = multipart([{ field: 'chart', filename: 'a.tgz', data: randomBytes(150 * 1024) }, { field: 'prov', filename: 'a.tgz.prov', data: randomBytes(100 * 1024) }]);
    const m2 = await call(reg, '/api/charts', { method: 'POST', body: form2.body, headers: { Authorization: PUB, 'Content-Type': form2.contentType } });
    expect(m2.status).toBe(413);
    expect(json(m2).error).toMatch(/larger than the upload limit of 204800 bytes/);
    expect(await metric(reg, 'chartroom_upload_reserved_bytes')).toBe(0);
    await healthy(reg);
  });

  it('logs a client that drops a raw or multipart upload mid-body as a warning without a stack, and forgets the upload', async () => {
    const from = reg.logs.length;
    const rawDrop = raw(reg, `POST /api/charts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${PUB}\r\nContent-Type: application/gzip\r\nContent-Length: 100000\r\n\r\n`, randomBytes(30_000));
    const partDrop = raw(
      reg,
      `POST /api/charts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${PUB}\r\nContent-Type: multipart/form-data; boundary=abc\r\nContent-Length: 100000\r\n\r\n`,
      `--abc\r\nContent-Disposition: form-data; name="chart"; filename="a.tgz"\r\n\r\n${'x'.repeat(30_000)}`,
    );
    await waitFor(async () => (await metric(reg, 'chartroom_upload_reserved_bytes')) === 200_000, { timeoutMs: 5000, intervalMs: 20, what: 'both uploads to reserve their bytes' });
    rawDrop.socket.destroy();
    partDrop.socket.destroy();
    await waitFor(async () => (await metric(reg, 'chartroom_upload_reserved_bytes')) === 0, { timeoutMs: 5000, intervalMs: 20, what: 'the dropped uploads to release their bytes' });
    const lines = logsSince(reg, from);
    const dropped = lines.filter((l) => /client closed the connection/.test(l.msg));
    expect(dropped).toHaveLength(2);
    for (const l of dropped) {
      expect(l.level).toBe(40);
      expect(JSON.stringify(l)).not.toMatch(/stack|at .*\.ts:\d+/);
    }
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    await healthy(reg);
  });
});

describe('item 2: the upload budget and gzip bombs', () => {
  let reg: Reg;
  beforeAll(async () => {
    reg = await registry('budget');
  });

  it('answers 503 with Retry-After, without reading the body, while the budget is full; frees it however uploads end', async () => {
    const budget = await metric(reg, 'chartroom_upload_budget_bytes');
    const max = 20 * 1024 * 1024;
    expect(budget).toBeGreaterThanOrEqual(max);
    const head = (len: number) => `POST /api/charts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${PUB}\r\nContent-Type: application/gzip\r\nContent-Length: ${len}\r\n\r\n`;
    // Uploads that announce the largest size and then send nothing hold the budget without costing the test anything.
    const holders = Array.from({ length: Math.floor(budget / max) }, () => raw(reg, head(max)));
    await waitFor(async () => (await metric(reg, 'chartroom_upload_reserved_bytes')) === holders.length * max, { timeoutMs: 5000, intervalMs: 20, what: 'the holders to reserve the budget' });

    const refused = raw(reg, head(max));
    const answer = await refused.answer;
    refused.socket.destroy();
    expect(statusOf(answer)).toBe(503);
    expect(answer).toMatch(/\r\nretry-after: \d+\r\n/i);
    expect(answer).toMatch(/\r\ncontent-type: application\/json/i);
    expect(JSON.parse(bodyOf(answer)).error).toMatch(/uploads|busy/);

    // What still fits the budget is received and published.
    const small = packagedChart(tmp.dir, 'fits', '1.0.0');
    expect((await publish(reg, small.data)).status).toBe(201);
    expect((await metric(reg, 'chartroom_upload_reserved_bytes')) === holders.length * max).toBe(true);

    // Holders that give up (client abort) and one that sends a broken body (error) release what they held.
    holders[0].socket.write(Buffer.alloc(max));
    expect(statusOf(await holders[0].answer)).toBe(400);
    for (const h of holders.slice(1)) h.socket.destroy();
    await waitFor(async () => (await metric(reg, 'chartroom_upload_reserved_bytes')) === 0, { timeoutMs: 5000, intervalMs: 20, what: 'every reservation to be released' });
    holders[0].socket.destroy();
    expect((await publish(reg, packagedChart(tmp.dir, 'fits', '1.0.1').data)).status).toBe(201);
    await healthy(reg);
  });

  it('takes many concurrent large uploads beyond the budget: some 503 with Retry-After, the rest received and answered', async () => {
    const blobs = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`files/blob${i}.txt`, randomBytes(3_300_000).toString('base64')]));
    const big = packagedChart(tmp.dir, 'big', '1.0.0', blobs);
    const budget = await metric(reg, 'chartroom_upload_budget_bytes');
    const max = 20 * 1024 * 1024;
    // Holders take all but room for one large upload (and not two), so the test stays light on a small machine:
    // as many full-size holders as fit, and one that takes the rest down to 1.5 uploads' worth.
    const target = budget - Math.floor(1.5 * big.data.length);
    const sizes = [...Array.from({ length: Math.floor(target / max) }, () => max), ...(target % max ? [target % max] : [])];
    const held = sizes.reduce((a, b) => a + b, 0);
    const room = budget - held;
    expect(room).toBeGreaterThanOrEqual(big.data.length);
    expect(room).toBeLessThan(2 * big.data.length);
    const holders = sizes.map((size) => raw(reg, `POST /api/charts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${PUB}\r\nContent-Length: ${size}\r\n\r\n`));
    await waitFor(async () => (await metric(reg, 'chartroom_upload_reserved_bytes')) === held, { timeoutMs: 5000, intervalMs: 20, what: 'the holders to reserve the budget' });

    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${reg.url}/api/charts`, { method: 'POST', body: new Uint8Array(big.data), headers: { Authorization: PUB, 'Content-Type': 'application/gzip' } }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as Record<string, unknown> })),
      ),
    );
    const by = (s: number) => answers.filter((a) => a.status === s);
    expect(answers.filter((a) => ![201, 409, 503].includes(a.status))).toEqual([]);
    expect(by(201)).toHaveLength(1);
    expect(by(503).length).toBeGreaterThan(0);
    for (const a of by(503)) {
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
      expect(typeof a.body.error).toBe('string');
    }
    for (const h of holders) h.socket.destroy();
    await waitFor(async () => (await metric(reg, 'chartroom_upload_reserved_bytes')) === 0, { timeoutMs: 5000, intervalMs: 20, what: 'every reservation to be released' });
    await healthy(reg);
  }, 20_000);

  it('checks gzip bombs off the event loop: every bomb is refused and /health stays fast meanwhile', async () => {
    const bomb = gzipBomb(120 * 1024 * 1024);
    const health: number[] = [];
    let running = true;
    const poller = (async () => {
      while (running) {
        const a = await call(reg, '/health');
        expect(a.status).toBe(200);
        health.push(a.ms);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const answers = await Promise.all(Array.from({ length: 16 }, () => publish(reg, bomb)));
    running = false;
    await poller;
    for (const a of answers) {
      expect(a.status).toBe(400);
      expect(json(a).error).toMatch(/decompression bomb refused/);
    }
    expect(health.length).toBeGreaterThan(3);
    expect(Math.max(...health)).toBeLessThan(500);
  }, 20_000);
});

describe('item 2: loadChartArchiveAsync and readChartArchiveAsync', () => {
  /** What a loader made of an archive: the chart's name, version and dependencies, or the error's code and message. */
  const outcome = (run: () => { metadata: { name: string; version: string }; dependencies: { metadata: { name: string } }[] }) => {
    try {
      const c = run();
      return { name: c.metadata.name, version: c.metadata.version, deps: c.dependencies.map((d) => d.metadata.name) };
    } catch (e) {
      return { code: (e as { code?: string }).code, message: (e as Error).message };
    }
  };
  const outcomeAsync = async (run: () => Promise<{ metadata: { name: string; version: string }; dependencies: { metadata: { name: string } }[] }>) => {
    try {
      const c = await run();
      return { name: c.metadata.name, version: c.metadata.version, deps: c.dependencies.map((d) => d.metadata.name) };
    } catch (e) {
      return { code: (e as { code?: string }).code, message: (e as Error).message };
    }
  };
  const sub = rawTarGz([{ path: 'sub/Chart.yaml', data: CHART_YAML.replace('demo', 'sub') }]);
  const subBomb = gzipBomb(8 * 1024 * 1024);
  const cases: [string, Buffer][] = [
    ['a valid chart', rawTarGz([{ path: 'demo/Chart.yaml', data: CHART_YAML }, { path: 'demo/templates/a.yaml', data: 'a: 1\n' }])],
    ['a chart with a nested subchart archive', rawTarGz([{ path: 'demo/Chart.yaml', data: CHART_YAML }, { path: 'demo/charts/sub-1.0.0.tgz', data: sub }])],
    ['a nested archive past the limits', rawTarGz([{ path: 'demo/Chart.yaml', data: CHART_YAML }, { path: 'demo/charts/bomb-1.0.0.tgz', data: subBomb }])],
    ['a decompression bomb', gzipBomb(110 * 1024 * 1024)],
    ['path traversal', rawTarGz([{ path: 'demo/Chart.yaml', data: CHART_YAML }, { path: 'demo/../../x', data: 'x' }])],
    ['a bad Chart.yaml', rawTarGz([{ path: 'demo/Chart.yaml', data: 'apiVersion: v2\nname: demo\nversion: one\n' }])],
    ['a truncated gzip stream', rawTarGz([{ path: 'demo/Chart.yaml', data: CHART_YAML }]).subarray(0, 30)],
    ['something that is not gzip', Buffer.from('PK\u0003\u0004 not a tarball')],
  ];

  it.each(cases)('gives the same chart or the same error as the sync loader for %s', async (_label, data) => {
    const sync = outcome(() => loadChartArchive(data, 'x.tgz'));
    expect(await outcomeAsync(() => loadChartArchiveAsync(data, 'x.tgz'))).toEqual(sync);
    const limits = { ...DEFAULT_LIMITS, maxTotalBytes: 2 * 1024 * 1024 };
    expect(await outcomeAsync(() => loadChartArchiveAsync(data, 'x.tgz', limits))).toEqual(outcome(() => loadChartArchive(data, 'x.tgz', limits)));
  });

  it('reads the same entries as readChartArchive', async () => {
    const data = cases[1][1];
    expect(await readChartArchiveAsync(data, 'x.tgz')).toEqual(readChartArchive(data, 'x.tgz'));
  });

  it('refuses a bomb without blocking the event loop', async () => {
    const bomb = gzipBomb(110 * 1024 * 1024);
    let last = performance.now();
    let longest = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => loadChartArchiveAsync(bomb, 'bomb.tgz')));
    const took = performance.now() - started;
    clearInterval(tick);
    for (const r of results) expect(r.status === 'rejected' && (r.reason as Error).message).toMatch(/decompression bomb refused/);
    // The bombs took far longer than any pause of the event loop.
    expect(longest).toBeLessThan(100);
    expect(took).toBeGreaterThan(longest * 2);
  }, 20_000);
});

describe('item 3: writes from browsers on other sites, and security headers', () => {
  let reg: Reg;
  let withUrl: Reg;
  beforeAll(async () => {
    reg = await registry('origin');
    withUrl = await registry('origin-url', { chartUrl: 'https://charts.example.com/base' });
  });

  it('refuses a write whose Origin names another site with 403 JSON, and nothing is published or deleted', async () => {
    const c = packagedChart(tmp.dir, 'xsite', '1.0.0');
    const a = await publish(reg, c.data, { 'Content-Type': 'text/plain', Origin: 'http://evil.example' });
    expect(a.status).toBe(403);
    expect(json(a).error).toMatch(/origin/i);
    expect((await call(reg, '/api/charts/xsite')).status).toBe(404);
    const n = await publish(reg, c.data, { 'Content-Type': 'text/plain', Origin: 'null' });
    expect(n.status).toBe(403);

    expect((await publish(reg, c.data, { Origin: reg.url })).status).toBe(201);
    const d = await call(reg, '/api/charts/xsite/1.0.0', { method: 'DELETE', headers: { Authorization: PUB, Origin: 'https://evil.example' } });
    expect(d.status).toBe(403);
    expect(json(d).error).toMatch(/origin/i);
    expect((await call(reg, '/api/charts/xsite/1.0.0')).status).toBe(200);
    // Reads are not writes.
    expect((await call(reg, '/api/charts/xsite', { headers: { Origin: 'https://evil.example' } })).status).toBe(200);
  });

  it('keeps accepting uploads without Origin whatever their content type, as curl --data-binary sends them', async () => {
    const c = packagedChart(tmp.dir, 'curlish', '1.0.0');
    const a = await publish(reg, c.data, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(a.status).toBe(201);
    const c2 = packagedChart(tmp.dir, 'curlish', '1.0.1');
    expect((await publish(reg, c2.data, { 'Content-Type': 'text/plain' })).status).toBe(201);
  });

  it('takes the --chart-url origin as its own when it is configured', async () => {
    const c = packagedChart(tmp.dir, 'behindproxy', '1.0.0');
    expect((await publish(withUrl, c.data, { Origin: withUrl.url })).status).toBe(403);
    expect((await publish(withUrl, c.data, { Origin: 'https://charts.example.com' })).status).toBe(201);
  });

  it('sends a Content-Security-Policy, X-Frame-Options and nosniff with the page, and nosniff with everything', async () => {
    const page = await call(reg, '/');
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    // The home page's only script is the registry's own file: no inline script, nothing from elsewhere.
    expect(csp).toMatch(/script-src 'self';/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.text.match(/<script[^>]*>/gi)).toEqual(['<script src="./ui/assets/app.js" defer>']);
    for (const path of ['/index.yaml', '/api/charts', '/health', '/no/such/route', '/charts/curlish-1.0.0.tgz']) {
      expect((await call(reg, path)).headers['x-content-type-options']).toBe('nosniff');
    }
  });
});

describe('item 4: chart names and versions in ChartMuseum URLs are checked before storage', () => {
  let reg: Reg;
  beforeAll(async () => {
    reg = await registry('names');
    expect((await publish(reg, packagedChart(tmp.dir, 'demo', '1.0.0').data)).status).toBe(201);
  });

  const long = 'a'.repeat(300);
  it.each([
    ['DELETE', `/api/charts/${long}/1.0.0`],
    ['DELETE', '/api/charts/a%00b/1.0.0'],
    ['DELETE', '/api/charts/%2e%2e/1.0.0'],
    ['DELETE', '/api/charts/a%2Fb/1.0.0'],
    ['DELETE', '/api/charts/demo/%2e%2e'],
    ['DELETE', '/api/charts/demo/1.0.0%2F..%2F..%2Fx'],
    ['DELETE', '/api/charts/demo/1.0.0%00'],
    ['DELETE', '/api/charts/demo/one'],
    ['DELETE', '/api/charts/demo/latest'],
    ['DELETE', `/api/charts/demo/1.0.0-${long}`],
    ['DELETE', '/api/team-a/charts/%2e%2e/1.0.0'],
    ['GET', `/api/charts/${long}`],
    ['GET', '/api/charts/a%00b'],
    ['GET', '/api/charts/%2e%2e'],
    ['GET', '/api/charts/a%2Fb'],
    ['GET', `/api/charts/${long}/1.0.0`],
    ['GET', '/api/charts/demo/%2e%2e'],
    ['GET', '/api/charts/demo/1.0.0%00'],
    ['HEAD', '/api/charts/.hidden'],
  ])('%s %s answers 400 JSON', async (method, path) => {
    const a = await call(reg, path, { method, headers: { Authorization: PUB } });
    expect(a.status).toBe(400);
    if (method !== 'HEAD') expect(json(a).error).toMatch(/not a valid chart (name|version)/);
  });

  it('counted no storage error for any of them, and valid names and versions still work', async () => {
    expect(await metric(reg, 'chartroom_storage_errors_total')).toBe(0);
    expect((await call(reg, '/api/charts/demo/v1.0.0')).status).toBe(404);
    expect((await call(reg, '/api/charts/demo/latest')).status).toBe(200);
    expect((await call(reg, '/api/charts/demo/1.0.0')).status).toBe(200);
    expect((await call(reg, '/api/charts/no.such_chart-x')).status).toBe(404);
    expect((await call(reg, '/api/charts/demo/2.0.0', { method: 'DELETE', headers: { Authorization: PUB } })).status).toBe(404);
    expect(json(await call(reg, '/api/charts/demo/1.0.0', { method: 'DELETE', headers: { Authorization: PUB } }))).toEqual({ deleted: true });
  });
});
