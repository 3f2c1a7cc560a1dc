// The registry-hardening issue, auth and home-page half: private reads, password-guessing floods, the
// home page's amplification, and names that are also Object.prototype's keys. Every test runs a real
// registry in this process on 127.0.0.1; clients pick their source address in 127/8 to act as several hosts.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import Handlebars from 'handlebars';
import { AuthProvider, Unauthorized } from '../../registry-server/auth.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { packagedChart } from '../support/packaged.js';
import { basic, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

// Floods run for 3 s and drain for a few more; none takes 20 s.
jest.setTimeout(20_000);

const tmp = tempDir();
type Reg = RunningRegistry & { logs: string[] };
const started: Reg[] = [];
const agents = new Map<string, Agent>();

afterAll(async () => {
  for (const a of agents.values()) a.destroy();
  await Promise.all(started.map((r) => r.close()));
  tmp.cleanup();
});

async function registry(name: string, flags: Record<string, unknown>): Promise<Reg> {
  const reg = await startTestRegistry({ storageDir: join(tmp.dir, name, 'storage'), ...flags });
  started.push(reg);
  return reg;
}

/** htpasswd text for users → passwords, bcrypt at the given cost. */
function htpasswd(users: Record<string, string> | [string, string][], cost: number): string {
  return (Array.isArray(users) ? users : Object.entries(users))
    .map(([u, p]) => `${u}:${bcrypt.hashSync(p, cost)}\n`)
    .join('');
}

function writeFile(name: string, text: string): string {
  const file = join(tmp.dir, name);
  writeFileSync(file, text);
  return file;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  bytes: number;
  ms: number;
}

/** One HTTP request from a chosen source address (keep-alive per address), reading at most maxBytes of the answer. */
function call(reg: Reg, path: string, opts: { method?: string; headers?: Record<string, string>; from?: string; body?: Buffer; maxBytes?: number } = {}): Promise<Answer> {
  const from = opts.from ?? '127.0.0.1';
  let agent = agents.get(from);
  if (!agent) agents.set(from, (agent = new Agent({ keepAlive: true, maxSockets: 64, localAddress: from })));
  const max = opts.maxBytes ?? 4 * 1024 * 1024;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: reg.port, path, method: opts.method ?? 'GET', headers: opts.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), bytes, ms: performance.now() - t0 });
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes <= max) chunks.push(c);
        else {
          res.destroy();
          done();
        }
      });
      res.on('end', done);
      res.on('error', () => done());
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const publish = (reg: Reg, auth: string | undefined, data: Buffer, repo = '') =>
  call(reg, repo ? `/api/${repo}/charts` : '/api/charts', { method: 'POST', body: data, headers: { ...(auth ? { Authorization: auth } : {}), 'Content-Type': 'application/gzip' }, from: '127.0.9.9' });

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Polls /health every 20 ms until stop() and returns the latencies. */
function pollHealth(reg: Reg): { stop: () => Promise<number[]> } {
  const ms: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const a = await call(reg, '/health', { from: '127.0.8.8' });
      expect(a.status).toBe(200);
      ms.push(a.ms);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return ms;
    },
  };
}

/** `clients` loops, each sending requests made by `make(i)` until `ms` have passed; returns every answer. */
async function flood(clients: number, ms: number, make: (client: number) => Promise<Answer>): Promise<Answer[]> {
  const end = Date.now() + ms;
  const out: Answer[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      while (Date.now() < end) out.push(await make(i));
    }),
  );
  return out;
}

const wrong = () => randomBytes(9).toString('base64');

describe('item 1: --require-auth-for-reads covers /, /info and /metrics, and the page shows only what the caller may read', () => {
  let reg: Reg;
  const ADMIN = basic('admin', 'admin-pass');
  const TEAM_A = basic('teama', 'teama-pass');
  const ROOTER = basic('rooter', 'rooter-pass');

  beforeAll(async () => {
    const users = writeFile('private-htpasswd', htpasswd({ admin: 'admin-pass', teama: 'teama-pass', rooter: 'rooter-pass' }, 5));
    const tokens = writeFile('private-tokens.yaml', 'users:\n  teama: {team-a: [read, write]}\n  rooter: {"": [read]}\n');
    reg = await registry('private', { htpasswd: users, tokens, requireAuthForReads: true });
    const d = 'apiVersion: v2\nengine: handlebars\nversion: 1.0.0\n';
    expect((await publish(reg, ADMIN, packagedChart(tmp.dir, 'rootchart', '1.0.0', { 'Chart.yaml': `${d}name: rootchart\ndescription: root-secret-description\n` }).data)).status).toBe(201);
    expect((await publish(reg, ADMIN, packagedChart(tmp.dir, 'achart', '1.0.0').data, 'team-a')).status).toBe(201);
    expect((await publish(reg, ADMIN, packagedChart(tmp.dir, 'bchart', '1.0.0').data, 'team-b')).status).toBe(201);
  });

  it('answers anonymous /info and /metrics with 401 and WWW-Authenticate, and / with a sign-in prompt, telling nothing; /health stays open', async () => {
    for (const path of ['/info', '/metrics']) {
      const a = await call(reg, path);
      expect([path, a.status]).toEqual([path, 401]);
      expect(a.headers['www-authenticate']).toBe('Basic realm="chartroom"');
      expect(JSON.parse(a.body)).toEqual({ error: expect.any(String) });
      for (const secret of ['rootchart', 'root-secret-description', 'team-a', 'team-b', 'achart', 'versions', 'charts"']) expect(a.body).not.toContain(secret);
    }
    // The home page is the registry's front door for browsers: a sign-in prompt, not the browser's password popup.
    const home = await call(reg, '/');
    expect(home.status).toBe(200);
    expect(home.headers['www-authenticate']).toBeUndefined();
    expect(home.body).toContain('id="sign-in-needed"');
    for (const secret of ['rootchart', 'root-secret-description', 'team-a', 'team-b', 'achart', 'versions', 'charts"']) expect(home.body).not.toContain(secret);
    expect((await call(reg, '/', { headers: { Authorization: basic('admin', 'wrong') }, from: '127.0.1.1' })).status).toBe(401);
    const health = await call(reg, '/health');
    expect([health.status, JSON.parse(health.body)]).toEqual([200, { healthy: true }]);
  });

  it('lists only the repositories the caller may read', async () => {
    const a = await call(reg, '/', { headers: { Authorization: TEAM_A } });
    expect(a.status).toBe(200);
    expect(a.body).toContain('<a href="team-a/index.yaml">team-a/index.yaml</a>');
    for (const hidden of ['team-b', 'bchart', 'rootchart', 'root-secret-description']) expect(a.body).not.toContain(hidden);

    const root = await call(reg, '/', { headers: { Authorization: ROOTER } });
    expect(root.status).toBe(200);
    expect(root.body).toContain('<a class="result-name" href="ui/charts/rootchart">rootchart</a>');
    expect(root.body).toContain('root-secret-description');
    for (const hidden of ['team-a', 'team-b']) expect(root.body).not.toContain(hidden);

    const admin = await call(reg, '/', { headers: { Authorization: ADMIN } });
    for (const shown of ['rootchart', 'root-secret-description', '<a href="team-a/index.yaml">team-a/index.yaml</a>', '<a href="team-b/index.yaml">team-b/index.yaml</a>']) expect(admin.body).toContain(shown);
  });

  it('gives the counts of every repository only to a caller who may read every repository', async () => {
    expect((await call(reg, '/info', { headers: { Authorization: TEAM_A } })).status).toBe(403);
    expect((await call(reg, '/metrics', { headers: { Authorization: ROOTER } })).status).toBe(403);
    const info = await call(reg, '/info', { headers: { Authorization: ADMIN } });
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ storage: 'local', charts: 3, versions: 3 });
    const metrics = await call(reg, '/metrics', { headers: { Authorization: ADMIN } });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/chartroom_chart_versions 3/);
  });

  it('still shows everything to anyone when reads are open', async () => {
    const open = await registry('private', { htpasswd: join(tmp.dir, 'private-htpasswd') });
    const page = await call(open, '/');
    expect(page.status).toBe(200);
    for (const shown of ['rootchart', 'team-a', 'team-b']) expect(page.body).toContain(shown);
    expect((await call(open, '/info')).status).toBe(200);
    expect((await call(open, '/metrics')).status).toBe(200);
  });
});

describe('item 3: the home page is built from data, never by substitution of what clients or charts say', () => {
  let reg: Reg;
  const description = 'uses ${URL} and ${URL} $& $\' $` $$ $1 <b>bold</b> "q" URL/api/charts';

  beforeAll(async () => {
    reg = await registry('landing', { allowAnonymousWrite: true });
    const yaml = `apiVersion: v2\nengine: handlebars\nname: dollars\nversion: 1.0.0\ndescription: ${JSON.stringify(description)}\n`;
    expect((await publish(reg, undefined, packagedChart(tmp.dir, 'dollars', '1.0.0', { 'Chart.yaml': yaml }).data)).status).toBe(201);
    // Many charts whose descriptions say ${URL}: the old page replaced each with the Host header's $-patterns.
    for (let i = 0; i < 20; i++) {
      const y = `apiVersion: v2\nengine: handlebars\nname: amp${i}\nversion: 1.0.0\ndescription: "${'${URL} '.repeat(10)}"\n`;
      expect((await publish(reg, undefined, packagedChart(tmp.dir, `amp${i}`, '1.0.0', { 'Chart.yaml': y }).data)).status).toBe(201);
    }
  });

  it('answers a Host full of $-patterns with a small page that shows descriptions verbatim, escaped', async () => {
    const host = "$&$'$`".repeat(16);
    const a = await call(reg, '/?q=dollars', { headers: { Host: host }, maxBytes: 1024 * 1024 });
    expect(a.status).toBe(200);
    expect(a.body).toContain(`<p class="result-description">${Handlebars.escapeExpression(description)}</p>`);
    expect(a.body.split('${URL}').length - 1).toBe(2);
    // Twenty descriptions full of ${URL} (one page of results): each shown verbatim, nothing multiplied.
    const amp = await call(reg, '/?q=amp', { headers: { Host: host }, maxBytes: 1024 * 1024 });
    expect(amp.status).toBe(200);
    expect(amp.bytes).toBeLessThan(64 * 1024);
    expect(amp.body.split('${URL}').length - 1).toBe(20 * 10);
    expect(amp.body).not.toContain(Handlebars.escapeExpression(host));
    // Not a host name: the page falls back to localhost rather than echo it.
    expect(a.body).toContain('helm repo add chartroom http://localhost</code>');
    expect(a.body).not.toContain(Handlebars.escapeExpression(host));
  });

  it('shows a valid Host, refuses markup or an overlong one, and prefers --chart-url', async () => {
    expect((await call(reg, '/', { headers: { Host: 'charts.example.com:8443' } })).body).toContain('helm repo add chartroom http://charts.example.com:8443</code>');
    expect((await call(reg, '/', { headers: { Host: '[::1]:8080' } })).body).toContain('helm repo add chartroom http://[::1]:8080</code>');
    for (const bad of ['<script>x</script>', 'a'.repeat(300), 'evil.com/path', 'a b', 'host:99999999']) {
      const a = await call(reg, '/', { headers: { Host: bad } });
      expect([bad, a.status]).toEqual([bad, 200]);
      expect(a.body).toContain('helm repo add chartroom http://localhost</code>');
    }
    const withUrl = await registry('landing-url', { chartUrl: 'https://charts.example.com/base/' });
    const a = await call(withUrl, '/', { headers: { Host: 'other.example.org' } });
    expect(a.body).toContain('helm repo add chartroom https://charts.example.com/base</code>');
    expect(a.body).toContain('https://charts.example.com/base/api/charts');
    expect(a.body).not.toContain('other.example.org');
  });
});

describe('item 2: password guessing cannot starve the server', () => {
  let reg: Reg;
  const COST = 10;

  beforeAll(async () => {
    const users = writeFile('cpu-htpasswd', htpasswd({ alice: 'alice-pass', bob: 'bob-pass', carol: 'carol-pass', dave: 'dave-pass' }, COST));
    reg = await registry('cpu', { htpasswd: users });
  });

  it('limits one address: 401 up to the limit, then 429 with Retry-After; /health stays fast; other addresses still log in', async () => {
    // bob logged in before the attack (helm sends credentials with every request).
    expect((await call(reg, '/index.yaml', { headers: { Authorization: basic('bob', 'bob-pass') }, from: '127.0.0.2' })).status).toBe(200);
    const health = pollHealth(reg);
    const during: Promise<Answer>[] = [];
    setTimeout(() => {
      during.push(call(reg, '/index.yaml', { headers: { Authorization: basic('carol', 'carol-pass') }, from: '127.0.0.3' }));
      during.push(call(reg, '/index.yaml', { headers: { Authorization: basic('bob', 'bob-pass') }, from: '127.0.0.2' }));
    }, 1500);
    const answers = await flood(50, 3000, (i) => call(reg, '/index.yaml', { headers: { Authorization: basic(i % 2 ? 'alice' : `ghost${i}`, wrong()) } }));
    const ms = await health.stop();
    const statuses = answers.map((a) => a.status);
    const p99 = percentile(ms, 99);
    console.log(`one address, 50 clients for 3 s: ${answers.length} requests (${statuses.filter((s) => s === 401).length} × 401, ${statuses.filter((s) => s === 429).length} × 429); /health p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${ms.length} polls`);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(30);
    const limited = answers.find((a) => a.status === 429)!;
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(JSON.parse(limited.body)).toEqual({ error: expect.stringMatching(/too many failed logins/), hint: expect.stringMatching(/try again in \d+ seconds/) });
    expect(p99).toBeLessThan(200);
    expect((await Promise.all(during)).map((a) => a.status)).toEqual([200, 200]);
    // The limited address is refused even a correct password that would need a bcrypt to check…
    expect((await call(reg, '/index.yaml', { headers: { Authorization: basic('alice', 'alice-pass') } })).status).toBe(429);
    // …but not credentials verified before, which cost no bcrypt.
    expect((await call(reg, '/index.yaml', { headers: { Authorization: basic('carol', 'carol-pass') } })).status).toBe(200);
  });

  it('limits one user name across addresses, known or unknown alike; a clean address may still log in as that user', async () => {
    for (const user of ['dave', 'nobody']) {
      const statuses: number[] = [];
      for (let round = 0; round < 2; round++) {
        const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => call(reg, '/index.yaml', { headers: { Authorization: basic(user, wrong()) }, from: `127.0.${user === 'dave' ? 1 : 2}.${i + 1}` })));
        statuses.push(...answers.map((a) => a.status));
      }
      // 25 addresses guess twice: the first 30 guesses are checked (401), the other 20 refused (429).
      expect([user, statuses.filter((s) => s === 401).length, statuses.filter((s) => s === 429).length]).toEqual([user, 30, 20]);
    }
    // An address that guessed wrong is refused dave's right password; one that never failed is not.
    expect((await call(reg, '/index.yaml', { headers: { Authorization: basic('dave', 'dave-pass') }, from: '127.0.1.1' })).status).toBe(429);
    expect((await call(reg, '/index.yaml', { headers: { Authorization: basic('dave', 'dave-pass') }, from: '127.0.3.1' })).status).toBe(200);
    // A clean address gets one guess at a limited user, then 429.
    expect((await call(reg, '/index.yaml', { headers: { Authorization: basic('nobody', 'x') }, from: '127.0.3.2' })).status).toBe(401);
    expect((await call(reg, '/index.yaml', { headers: { Authorization: basic('nobody', 'y') }, from: '127.0.3.2' })).status).toBe(429);
  });

  it('keeps /health fast under guesses from many addresses, answering 503 SERVER_BUSY with Retry-After when the bcrypt queue is full', async () => {
    const health = pollHealth(reg);
    const cached = flood(1, 3000, () => call(reg, '/index.yaml', { headers: { Authorization: basic('bob', 'bob-pass') }, from: '127.0.0.2' }));
    const answers = await flood(50, 3000, (i) => call(reg, '/index.yaml', { headers: { Authorization: basic(`spray${i}-${wrong()}`, wrong()) }, from: `127.0.4.${i + 1}` }));
    const ms = await health.stop();
    const statuses = answers.map((a) => a.status);
    const p99 = percentile(ms, 99);
    console.log(`50 addresses for 3 s: ${answers.length} requests (${statuses.filter((s) => s === 401).length} × 401, ${statuses.filter((s) => s === 503).length} × 503, ${statuses.filter((s) => s === 429).length} × 429); /health p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${ms.length} polls`);
    expect(p99).toBeLessThan(200);
    const busy = answers.find((a) => a.status === 503);
    expect(busy).toBeDefined();
    expect(Number(busy!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(busy!.body)).toEqual({ error: expect.any(String) });
    expect(statuses.every((s) => s === 401 || s === 503 || s === 429)).toBe(true);
    // bob's credentials were verified before: they cost no bcrypt, so they are never queued.
    expect(new Set((await cached).map((a) => a.status))).toEqual(new Set([200]));
  });
});

describe('item 2: AuthProvider checks passwords off the event loop, remembers failures briefly, and never lets a wrong password in', () => {
  const hash12 = bcrypt.hashSync('right-pass', 12);
  const auth = new AuthProvider({ failuresPerMinute: 1000 });
  auth.loadHtpasswd('htpasswd', `slow:${hash12}\n`);
  afterAll(() => auth.close());

  const timed = async (header: string, client: string) => {
    const t0 = performance.now();
    let outcome: string;
    try {
      outcome = (await auth.authenticate(header, client))?.name ?? 'anonymous';
    } catch (e) {
      outcome = e instanceof Unauthorized ? 'unauthorized' : String(e);
    }
    return { outcome, ms: performance.now() - t0 };
  };

  it('does not block the event loop during a bcrypt check', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => timed(basic('slow', `wrong-${i}`), `10.0.0.${i}`)));
    clearInterval(timer);
    expect(results.map((r) => r.outcome)).toEqual(['unauthorized', 'unauthorized', 'unauthorized', 'unauthorized']);
    const total = Math.max(...results.map((r) => r.ms));
    // Four cost-12 checks take about a second; the 5 ms timer kept running all along.
    expect(ticks).toBeGreaterThan(total / 5 / 3);
  });

  it('remembers a wrong password so repeating it costs no bcrypt, and the right one still gets in', async () => {
    const first = await timed(basic('slow', 'nope'), '10.0.1.1');
    const again = await timed(basic('slow', 'nope'), '10.0.1.2');
    expect([first.outcome, again.outcome]).toEqual(['unauthorized', 'unauthorized']);
    expect(first.ms).toBeGreaterThan(100);
    expect(again.ms).toBeLessThan(first.ms / 5);
    expect((await timed(basic('slow', 'right-pass'), '10.0.1.3')).outcome).toBe('slow');
    // Verified credentials are remembered too, exactly: a different password still fails.
    expect((await timed(basic('slow', 'right-pass'), '10.0.1.3')).ms).toBeLessThan(first.ms / 5);
    expect((await timed(basic('slow', 'right-pass '), '10.0.1.4')).outcome).toBe('unauthorized');
    expect((await timed(basic('slow', 'nope'), '10.0.1.5')).outcome).toBe('unauthorized');
  });

  it('makes an unknown user cost as much as a known one', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push((await timed(basic('slow', wrong()), `10.0.2.${i}`)).ms);
      unknown.push((await timed(basic(`ghost${i}`, wrong()), `10.0.3.${i}`)).ms);
    }
    const ratio = percentile(unknown, 50) / percentile(known, 50);
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
  });
});

describe('item 4: names that are also Object.prototype keys are plain names', () => {
  let reg: Reg;
  const TOKEN = 'proto-token-0123456789abcdef';
  const CTOR = basic('constructor', 'ctor-pass');
  const PROTO = basic('__proto__', 'proto-pass');

  beforeAll(async () => {
    const users = writeFile('proto-htpasswd', htpasswd(
        [
          ['constructor', 'ctor-pass'],
          ['__proto__', 'proto-pass'],
          ['hasOwnProperty', 'hop-pass'],
        ],
        5,
      ));
    const tokens = writeFile(
      'proto-tokens.yaml',
      `tokens:\n  - name: proto\n    sha256: ${createHash('sha256').update(TOKEN).digest('hex')}\n    scopes: {__proto__: [read], constructor: [read, write]}\n` +
        'users:\n  constructor: {constructor: [read, write]}\n  __proto__: {"*": [read]}\n  hasOwnProperty: {toString: [read]}\n',
    );
    reg = await registry('proto', { htpasswd: users, tokens, requireAuthForReads: true });
  });

  it('publishes into and reads a repository named constructor with users named constructor and __proto__', async () => {
    expect((await publish(reg, CTOR, packagedChart(tmp.dir, 'ctorchart', '1.0.0').data, 'constructor')).status).toBe(201);
    expect((await publish(reg, `Bearer ${TOKEN}`, packagedChart(tmp.dir, 'ctorchart', '1.1.0').data, 'constructor')).status).toBe(201);
    expect((await publish(reg, CTOR, packagedChart(tmp.dir, 'ctorchart', '1.2.0').data)).status).toBe(403);
    expect((await publish(reg, PROTO, packagedChart(tmp.dir, 'ctorchart', '1.3.0').data, 'constructor')).status).toBe(403);
    const idx = await call(reg, '/constructor/index.yaml', { headers: { Authorization: PROTO } });
    expect(idx.status).toBe(200);
    expect(idx.body).toContain('ctorchart');
    expect((await call(reg, '/api/constructor/charts', { headers: { Authorization: CTOR } })).status).toBe(200);
    expect((await call(reg, '/api/constructor/charts', { headers: { Authorization: basic('hasOwnProperty', 'hop-pass') } })).status).toBe(403);
    expect((await call(reg, '/constructor/index.yaml')).status).toBe(401);
    expect((await call(reg, '/api/__proto__/charts', { headers: { Authorization: PROTO } })).status).toBe(404);
    const page = await call(reg, '/', { headers: { Authorization: CTOR } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<a href="constructor/index.yaml">constructor/index.yaml</a>');
  });

  it('answers wrong passwords for users named like Object.prototype keys with 401, then 429, never 500', async () => {
    for (const [n, name] of ['toString', 'valueOf', 'constructor', '__proto__', 'hasOwnProperty', '__defineGetter__'].entries()) {
      const statuses: number[] = [];
      for (let i = 0; i < 35; i++) statuses.push((await call(reg, '/index.yaml', { headers: { Authorization: basic(name, wrong()) }, from: `127.0.${5 + n}.${(i % 7) + 1}` })).status);
      expect([name, statuses]).toEqual([name, [...Array<number>(30).fill(401), ...Array<number>(5).fill(429)]]);
    }
  });
});
