// Abuse benchmark: floods a running `chart serve` (its own process, loopback only) for a bounded time with
// (1) wrong Basic passwords from 50 clients, (2) 200 concurrent 19 MB uploads and 200 gzip bombs, (3) reads of
// 20,000 repositories that do not exist; meanwhile it polls /health and samples the server's RSS.
// Goal for each phase: /health p99 <= 100 ms and RSS <= 500 MB throughout.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { freshDir, startRegistryProcess, tinyArchive } from './lib.mjs';

const require = createRequire(import.meta.url);
const bcrypt = require('bcryptjs');
const SECONDS = Number(process.env.BENCH_ABUSE_SECONDS || 8);

const rssMB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

/**
 * Polls /health from its own process (so the attackers' work in this process cannot slow the measurement)
 * every 25 ms until `stop()`; resolves with the latencies.
 */
function healthPoller(url) {
  const script = `
    const lat = [];
    let stop = false;
    process.on('SIGTERM', () => { stop = true; });
    (async () => {
      while (!stop) {
        const t = performance.now();
        try { const r = await fetch(${JSON.stringify(url)} + '/health', { signal: AbortSignal.timeout(10000) }); await r.arrayBuffer(); } catch {}
        lat.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 25));
      }
      process.stdout.write(JSON.stringify(lat));
    })();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const done = new Promise((resolve) => child.on('close', () => resolve(JSON.parse(out || '[]'))));
  return { stop: () => (child.kill('SIGTERM'), done) };
}

/** Starts a fresh registry, runs `attack` until it settles or the time is up, measuring /health and RSS. */
async function phase(name, attack) {
  const dir = freshDir(`abuse-${name.replace(/[^a-z]+/g, '-')}`);
  const htpasswd = join(dir, 'htpasswd');
  writeFileSync(htpasswd, `admin:${bcrypt.hashSync('right-password', 10)}\n`);
  const server = await startRegistryProcess(join(dir, 'data'), ['--htpasswd', htpasswd]);
  try {
    const rss = [];
    const sampler = setInterval(() => rss.push(rssMB(server.proc.pid)), 50);
    const poller = healthPoller(server.url);
    const deadline = Date.now() + SECONDS * 1000;
    const counts = new Map();
    await attack(server, deadline, (status) => counts.set(status, (counts.get(status) ?? 0) + 1));
    const health = await poller.stop();
    clearInterval(sampler);
    rss.push(rssMB(server.proc.pid));
    const result = { phase: name, healthP50: pct(health, 50), healthP99: pct(health, 99), polls: health.length, rssMaxMB: Math.max(...rss), statuses: Object.fromEntries(counts) };
    const met = result.healthP99 <= 100 && result.rssMaxMB <= 500;
    console.log(`${name}: /health p50 ${result.healthP50.toFixed(1)} ms, p99 ${result.healthP99.toFixed(1)} ms (${result.polls} polls), RSS max ${result.rssMaxMB.toFixed(0)} MB (goal p99 <= 100 ms, RSS <= 500 MB) ${met ? 'MET' : 'NOT MET'}; answers ${JSON.stringify(result.statuses)}`);
    return { ...result, met };
  } finally {
    server.proc.kill('SIGTERM');
  }
}

/** A chart archive of ~400 KB whose one file inflates to `bytes` of zeros. */
function gzipBomb(bytes) {
  const { Header } = require('tar/header');
  const header = (path, size) => {
    const h = Buffer.alloc(512);
    new Header({ path, mode: 0o644, size, mtime: new Date(0), type: 'File' }).encode(h, 0);
    return h;
  };
  const chartYaml = Buffer.from('apiVersion: v2\nname: bomb\nversion: 1.0.0\n');
  const parts = [header('bomb/Chart.yaml', chartYaml.length), chartYaml, Buffer.alloc(512 - chartYaml.length), header('bomb/files/zeros', bytes), Buffer.alloc(bytes), Buffer.alloc(1024)];
  return gzipSync(Buffer.concat(parts));
}

/** `clients` loops of `one()` until the deadline. */
async function loop(clients, deadline, one) {
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < deadline) await one();
    }),
  );
}

export async function run() {
  const results = [];
  const auth = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  results.push(
    await phase('wrong-password flood (50 clients)', (server, deadline, count) =>
      loop(50, deadline, async () => {
        const r = await fetch(`${server.url}/api/charts`, { method: 'POST', headers: { Authorization: auth('admin', 'wrong-password') }, body: 'x' });
        await r.arrayBuffer();
        count(r.status);
      }),
    ),
  );

  const big = tinyArchive('big', '1.0.0', '', [['files/blob.txt', randomBytes(14 * 1024 * 1024).toString('base64')]]);
  const bombBody = gzipBomb(400 * 1024 * 1024);
  results.push(
    await phase(`upload flood (200 x ${(big.length / 1e6).toFixed(0)} MB, 200 gzip bombs)`, async (server, deadline, count) => {
      const send = async (body) => {
        try {
          const r = await fetch(`${server.url}/api/charts`, { method: 'POST', headers: { Authorization: auth('admin', 'right-password'), 'Content-Type': 'application/gzip' }, body, signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now() + 5000)) });
          await r.arrayBuffer();
          count(r.status);
        } catch {
          count('aborted');
        }
      };
      await Promise.all([...Array.from({ length: 200 }, () => send(big)), ...Array.from({ length: 200 }, () => send(bombBody))]);
    }),
  );

  let n = 0;
  results.push(
    await phase('phantom-repository reads (20,000)', async (server, deadline, count) => {
      await loop(50, deadline, async () => {
        if (n >= 20_000) return new Promise((r) => setTimeout(r, 5));
        const r = await fetch(`${server.url}/phantom-${n++}/index.yaml`);
        await r.arrayBuffer();
        count(r.status);
      });
      const page = await (await fetch(`${server.url}/`)).text();
      console.log(`home page after the phantom reads: ${page.length} bytes; repositories: ${JSON.stringify((await (await fetch(`${server.url}/info`)).json()))}`);
    }),
  );
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
