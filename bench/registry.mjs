// Registry at scale: 10,000 chart versions on local disk.
// Measures: sustained publish rate, publish latency p50 at 10 and at 10,000 versions, start-up to ready,
// GET /index.yaml throughput against nginx serving the same file, and peak RSS.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freshDir, startRegistryProcess, tinyArchive } from './lib.mjs';


const TOTAL = Number(process.env.BENCH_VERSIONS || 10_000);
const NAMES = 100;

function peakRssMB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
}

async function publishMany(url, items, concurrency) {
  const latencies = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const [name, version] = items[next++];
      const body = tinyArchive(name, version, 'appVersion: "1.0"\ndescription: benchmark chart\nengine: handlebars\n', [['values.yaml', 'replicas: 1\n'], ['templates/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{Release.Name}}\n']]);
      const t = process.hrtime.bigint();
      const r = await fetch(`${url}/api/charts`, { method: 'POST', body });
      await r.arrayBuffer();
      if (r.status !== 201) throw new Error(`publish ${name} ${version}: ${r.status}`);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, seconds: (Date.now() - t0) / 1000 };
}

const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function cannon(url, seconds = 5) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: 16, duration: seconds, pipelining: 1 }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function nginxRps(file, seconds) {
  const dir = freshDir('nginx');
  mkdirSync(join(dir, 'www'), { recursive: true });
  writeFileSync(join(dir, 'www', 'index.yaml'), readFileSync(file));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const conf = `worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log; daemon off;
events { worker_connections 1024; }
http { access_log off; sendfile on; keepalive_requests 100000; types { application/x-yaml yaml; }
  server { listen 127.0.0.1:${port}; root ${dir}/www; } }`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const proc = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  try {
    return await cannon(`http://127.0.0.1:${port}/index.yaml`, seconds);
  } finally {
    proc.kill('SIGTERM');
  }
}

export async function run() {
  const dir = freshDir('registry');
  const versionsPerName = Math.ceil(TOTAL / NAMES);
  const all = [];
  for (let v = 0; v < versionsPerName; v++) for (let n = 0; n < NAMES && all.length < TOTAL; n++) all.push([`bench-chart-${n}`, `1.${v}.0`]);
  const results = {};

  let server = await startRegistryProcess(dir);
  // Latency with about 10 versions stored.
  await publishMany(server.url, all.slice(0, 10), 1);
  const early = await publishMany(server.url, all.slice(10, 210), 1);
  results.publishP50At10 = p50(early.latencies);
  // Sustained publishing up to TOTAL.
  const bulk = await publishMany(server.url, all.slice(210, TOTAL - 200), 8);
  results.publishRate = (TOTAL - 410) / bulk.seconds;
  const late = await publishMany(server.url, all.slice(TOTAL - 200), 1);
  results.publishP50At10k = p50(late.latencies);
  results.rssAfterPublishMB = peakRssMB(server.proc.pid);
  server.proc.kill('SIGTERM');
  await new Promise((r) => server.proc.once('exit', r));

  // Start-up with TOTAL versions on disk.
  const starts = [];
  for (let i = 0; i < 3; i++) {
    server = await startRegistryProcess(dir);
    starts.push(server.startMs);
    if (i < 2) {
      server.proc.kill('SIGTERM');
      await new Promise((r) => server.proc.once('exit', r));
    }
  }
  results.startupMs = p50(starts);

  // index.yaml throughput: ours and nginx with the same bytes.
  const indexFile = join(dir, 'index.yaml');
  writeFileSync(indexFile, Buffer.from(await (await fetch(`${server.url}/index.yaml`)).arrayBuffer()));
  results.indexBytes = readFileSync(indexFile).length;
  const ours = await cannon(`${server.url}/index.yaml`, 5);
  results.indexRps = ours.requests.average;
  results.rssMB = peakRssMB(server.proc.pid);
  server.proc.kill('SIGTERM');
  const theirs = await nginxRps(indexFile, 5);
  results.nginxRps = theirs.requests.average;

  const line = (label, value, goal, met) => console.log(`${label}: ${value} (goal ${goal}) ${met ? 'MET' : 'NOT MET'}`);
  line(`start-up to ready with ${TOTAL} versions`, `${results.startupMs.toFixed(0)} ms`, '<= 3000 ms', results.startupMs <= 3000);
  line('GET /index.yaml throughput', `${results.indexRps.toFixed(0)} req/s vs nginx ${results.nginxRps.toFixed(0)} req/s, ratio ${(results.indexRps / results.nginxRps).toFixed(2)}x (${(results.indexBytes / 1e6).toFixed(1)} MB)`, '>= 0.5x', results.indexRps / results.nginxRps >= 0.5);
  line('publish latency p50', `${results.publishP50At10.toFixed(1)} ms at 10 versions, ${results.publishP50At10k.toFixed(1)} ms at ${TOTAL}, ratio ${(results.publishP50At10k / results.publishP50At10).toFixed(2)}x`, '<= 1.5x', results.publishP50At10k / results.publishP50At10 <= 1.5);
  line('sustained publish rate', `${results.publishRate.toFixed(0)}/s`, '>= 300/s', results.publishRate >= 300);
  line('peak RSS', `${Math.max(results.rssMB, results.rssAfterPublishMB).toFixed(0)} MB`, '<= 300 MB', Math.max(results.rssMB, results.rssAfterPublishMB) <= 300);
  return results;
}
if (import.meta.url === `file://${process.argv[1]}`) await run();
