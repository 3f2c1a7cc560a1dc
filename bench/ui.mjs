// The web UI at scale: 10,000 charts / 30,000 versions (9,000 charts in the root repository, 1,000 in four
// tenants), served by `chart serve` from local disk. Measures, under 50 concurrent clients (autocannon on
// loopback): the home page and searches (goal: p95 <= 50 ms of server time), chart pages the first time (<= 300 ms)
// and once cached (p95 <= 30 ms), and the server's RSS afterwards (<= 400 MB).
//
// Server time is what the registry's own request log says each request took (from its arrival in the app to
// the last byte handed to the socket); the clients' latency, which adds the queueing of 50 connections on one
// event loop, is printed beside it.
//
// Seeding: the archives are published in-process through the registry's own publish API (the bundled server,
// dist/server.cjs, on the same storage folder), 8 at a time; that writes the very layout `chart serve` reads at
// start. Then that registry is closed and `chart serve` started on the folder, so the measured process holds
// only what serving needs. The folder is removed at the end.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { benchEnv, CHART, freshDir, ROOT, tinyArchive } from './lib.mjs';

const CHARTS = Number(process.env.BENCH_UI_CHARTS || 10_000);
const VERSIONS = Number(process.env.BENCH_UI_VERSIONS || 3);
const SECONDS = Number(process.env.BENCH_UI_SECONDS || 10);
const CONNECTIONS = 50;
const TENANTS = ['team-a', 'team-b', 'team-c', 'team-d'];
const GOALS = { homeP95: 50, searchP95: 50, firstMs: 300, cachedP95: 30, rssMB: 400 };

const WORDS = ['postgres', 'redis', 'cache', 'web', 'queue', 'kafka', 'proxy', 'metrics', 'logging', 'storage', 'gateway', 'auth', 'search', 'backup', 'cron', 'mail'];

/** Where chart i lives and what it says: deterministic, so runs compare. */
function chartOf(i) {
  const repo = i < CHARTS * 0.9 ? '' : TENANTS[i % TENANTS.length];
  const a = WORDS[i % WORDS.length];
  const b = WORDS[(i * 7 + 3) % WORDS.length];
  const name = `${a}-${b}-${String(i).padStart(5, '0')}`;
  return { repo, name, description: `A ${a} chart with ${b} support, number ${i}`, keywords: [a, b] };
}

function archiveOf(c, version) {
  const chartYaml = `description: ${c.description}\nappVersion: "${version}"\nkeywords: [${c.keywords.join(', ')}]\nmaintainers:\n  - name: Team ${c.keywords[0]}\n    email: ${c.keywords[0]}@example.com\n`;
  const values = `# -- Pods when autoscaling is off\nreplicas: 1\nimage:\n  # -- The image\n  repository: example/${c.name}\n  # -- Its tag\n  tag: "${version}"\nservice:\n  # -- Service type\n  type: ClusterIP\n  port: 80\nresources: {}\n`;
  const readme = `# ${c.name}\n\n${c.description}.\n\n## Installing\n\n\`\`\`console\nchart install my-release ${c.name}\n\`\`\`\n\n## Values\n\n| Key | Default |\n|---|---|\n| replicas | 1 |\n| image.tag | ${version} |\n\n## Upgrading\n\nNothing to do.\n`;
  return tinyArchive(c.name, version, chartYaml, [
    ['values.yaml', values],
    ['README.md', readme],
    ['templates/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n'],
    ['templates/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n'],
  ]);
}

/** Publishes every version in-process through the registry's publish API; returns seconds taken. */
async function seed(dir) {
  const require = createRequire(import.meta.url);
  const { resolveServerConfig, startRegistry } = require(join(ROOT, 'dist', 'server.cjs'));
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const config = resolveServerConfig({ host: '127.0.0.1', port: 0, storageDir: dir, logLevel: 'silent', repositories: TENANTS.join(',') }, {});
  const running = await startRegistry(config, { logDestination: sink });
  const t0 = Date.now();
  let next = 0;
  const total = CHARTS * VERSIONS;
  const worker = async () => {
    while (next < total) {
      const k = next++;
      const c = chartOf(k % CHARTS);
      const version = `1.${Math.floor(k / CHARTS)}.0`;
      await running.registry.publish(c.repo, archiveOf(c, version));
      if ((k + 1) % 5000 === 0) console.log(`  seeded ${k + 1}/${total} versions (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const seconds = (Date.now() - t0) / 1000;
  await running.close();
  return seconds;
}

/** `chart serve` on the folder, its request log parsed: each request's path and server time go to `sink.lines`. */
function serve(dir) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const proc = spawn(process.execPath, [CHART, 'serve', '--host', '127.0.0.1', '--port', '0', '--storage-dir', dir], { env: benchEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
    const log = { lines: [] };
    let buf = '';
    let url;
    proc.stdout.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const rec = JSON.parse(line);
        if (rec.msg === 'request') log.lines.push({ path: rec.path, status: rec.status, ms: rec.ms });
        else if (!url && rec.msg === 'chartroom registry listening') {
          url = rec.url;
          resolve({ proc, url, log, startMs: Number(process.hrtime.bigint() - t0) / 1e6 });
        }
      }
    });
    proc.once('exit', (c) => reject(new Error(`chart serve exited ${c}`)));
  });
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};

function cannon(url, requests) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: SECONDS, pipelining: 1, requests }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** One autocannon run; server time p50/p95 from the log lines it caused, client latency from autocannon. */
async function load(server, label, requests, goal) {
  server.log.lines = [];
  const res = await cannon(server.url, requests);
  const lines = server.log.lines;
  const bad = lines.filter((l) => l.status !== 200).length;
  if (bad || res.non2xx) throw new Error(`${label}: ${bad || res.non2xx} answers were not 200`);
  const ms = lines.map((l) => l.ms);
  // A request still unanswered after autocannon's 10 s is a timeout: it counts against the goal.
  const r = { label, requests: lines.length, rps: res.requests.average, serverP50: pct(ms, 50), serverP95: pct(ms, 95), clientP50: res.latency.p50, clientP97_5: res.latency.p97_5, timeouts: res.timeouts, errors: res.errors, goal };
  r.met = r.serverP95 <= goal && !r.timeouts && !r.errors;
  console.log(`${label}: server ${r.serverP50.toFixed(1)} ms p50, ${r.serverP95.toFixed(1)} ms p95 (goal <= ${goal} ms: ${(r.serverP95 / goal).toFixed(2)}x) ${r.met ? 'MET' : 'NOT MET'}; clients ${r.clientP50} ms p50, ${r.clientP97_5} ms p97.5; ${r.rps.toFixed(0)} req/s, ${r.requests} requests${r.timeouts ? `, ${r.timeouts} timed out (10 s)` : ''}${r.errors - r.timeouts > 0 ? `, ${r.errors - r.timeouts} errors` : ''}`);
  return r;
}

const pageOf = (i, version) => {
  const c = chartOf(i % CHARTS);
  return `${c.repo ? `/ui/r/${c.repo}` : '/ui'}/charts/${c.name}/${version}`;
};

/** First views of distinct versions: `count` pages fetched by `clients` clients at once; server times from the log. */
async function firstViews(server, paths, clients) {
  server.log.lines = [];
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++];
      const r = await fetch(`${server.url}${path}`);
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  return server.log.lines.map((l) => l.ms);
}

function rssMB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { hwm: Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024, rss: Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024 };
}

export async function run() {
  // BENCH_UI_DIR keeps the seeded storage between runs (seeded once, never removed): for working on the UI.
  const kept = process.env.BENCH_UI_DIR;
  const dir = kept ?? freshDir('ui');
  mkdirSync(dir, { recursive: true });
  const results = { charts: CHARTS, versions: CHARTS * VERSIONS, connections: CONNECTIONS, seconds: SECONDS };
  try {
    if (kept && existsSync(join(kept, '.seeded'))) console.log(`UI: reusing the seeded storage in ${kept}`);
    else {
      console.log(`UI: seeding ${CHARTS} charts x ${VERSIONS} versions...`);
      results.seedSeconds = await seed(dir);
      console.log(`  seeded in ${results.seedSeconds.toFixed(0)} s (${((CHARTS * VERSIONS) / results.seedSeconds).toFixed(0)} versions/s)`);
      if (kept) writeFileSync(join(kept, '.seeded'), '');
    }
    // First views must compute their pages: drop the page models an earlier run kept in the store.
    rmSync(join(dir, 'ui', 'models'), { recursive: true, force: true });
    const server = await serve(dir);
    results.startMs = server.startMs;
    // Memory with the index loaded and nothing served yet, to tell the index's share from the pages'.
    await new Promise((r) => setTimeout(r, 1000));
    results.idleRssMB = rssMB(server.proc.pid).rss;
    console.log(`chart serve ready in ${server.startMs.toFixed(0)} ms; RSS ${results.idleRssMB.toFixed(0)} MB before any request`);
    results.rssAfter = {};
    const phase = (name) => void (results.rssAfter[name] = rssMB(server.proc.pid).rss);
    try {
      // Warm-up: the first requests compile the templates' code paths and the search index.
      await fetch(`${server.url}/`).then((r) => r.arrayBuffer());
      await fetch(`${server.url}/?q=warm`).then((r) => r.arrayBuffer());

      results.home = await load(server, 'home /', undefined, GOALS.homeP95);
      phase('home');
      const queries = [{ q: 'postgres' }, { q: 'redis cache' }, { q: 'gateway-auth' }, { q: '01234' }, { q: 'no-such-chart-anywhere' }, { q: 'web', page: '3' }, { q: 'queue', repo: 'team-a' }, { q: 'metrics', type: 'application' }];
      results.search = await load(server, 'search /?q=...', queries.map((q) => ({ method: 'GET', path: `/?${new URLSearchParams(q)}` })), GOALS.searchP95);
      phase('search');

      // Chart pages the first time: one client (the time of one computation), then 50 at once (distinct versions).
      const single = await firstViews(server, Array.from({ length: 30 }, (_, i) => pageOf(i * 37, '1.1.0')), 1);
      const crowd = await firstViews(server, Array.from({ length: 500 }, (_, i) => pageOf(i * 13 + 5, '1.0.0')), CONNECTIONS);
      phase('first views');
      results.first = { singleP50: pct(single, 50), singleMax: Math.max(...single), crowdP50: pct(crowd, 50), crowdP95: pct(crowd, 95), goal: GOALS.firstMs };
      results.first.met = results.first.crowdP95 <= GOALS.firstMs;
      console.log(`chart page, first view: one client ${results.first.singleP50.toFixed(1)} ms p50, ${results.first.singleMax.toFixed(1)} ms max; 50 clients on 500 distinct versions ${results.first.crowdP50.toFixed(1)} ms p50, ${results.first.crowdP95.toFixed(1)} ms p95 (goal <= ${GOALS.firstMs} ms: ${(results.first.crowdP95 / GOALS.firstMs).toFixed(2)}x) ${results.first.crowdP95 <= GOALS.firstMs ? 'MET' : 'NOT MET'}`);

      // Cached: pages computed above, over and over.
      const cachedPaths = Array.from({ length: 50 }, (_, i) => ({ method: 'GET', path: pageOf(i * 13 + 5, '1.0.0') }));
      results.cached = await load(server, 'chart page, cached', cachedPaths, GOALS.cachedP95);
      phase('cached');
      console.log(`  RSS after each run: ${Object.entries(results.rssAfter).map(([k, v]) => `${k} ${v.toFixed(0)} MB`).join(', ')}`);

      const mem = rssMB(server.proc.pid);
      results.rssMB = mem.rss;
      results.peakRssMB = mem.hwm;
      results.rssMet = mem.hwm <= GOALS.rssMB;
      console.log(`server memory after the runs: RSS ${mem.rss.toFixed(0)} MB, peak ${mem.hwm.toFixed(0)} MB (goal <= ${GOALS.rssMB} MB: ${(mem.hwm / GOALS.rssMB).toFixed(2)}x) ${mem.hwm <= GOALS.rssMB ? 'MET' : 'NOT MET'}`);
    } finally {
      server.proc.kill('SIGTERM');
      await new Promise((r) => (server.proc.exitCode !== null ? r() : server.proc.once('exit', r)));
    }
  } finally {
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
