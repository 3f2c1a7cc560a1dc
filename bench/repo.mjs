// Repositories and dependencies against the real helm:
//  - dependency update of a chart with 50 dependencies from a local registry holding 15,000 versions
//  - repo index over 1,000 archives
//  - loading a 20 MB index.yaml (repo update, then search from the cache)
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { CHART, benchEnv, freshDir, helmBinary, measure, report, RUNS, startRegistryProcess, tinyArchive } from './lib.mjs';

const require = createRequire(import.meta.url);

async function publishAll(url, items) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < items.length) {
        const [n, v] = items[next++];
        const r = await fetch(`${url}/api/charts`, { method: 'POST', body: tinyArchive(n, v, `description: dependency ${n}\n`) });
        if (r.status !== 201) throw new Error(`publish ${n} ${v}: ${r.status}`);
      }
    }),
  );
}

function helmEnv(home) {
  return benchEnv({ HOME: home, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') });
}

export async function run() {
  const helm = helmBinary();
  const results = [];
  const work = freshDir('repo');
  // BENCH_REPO_ONLY=dep|index|fetch runs one part.
  const only = process.env.BENCH_REPO_ONLY;

  // 1. dependency update: 50 dependencies, 15,000 versions in the registry.
  if (!only || only === 'dep') {
    const reg = await startRegistryProcess(join(work, 'registry'));
    try {
      const items = [];
      for (let v = 0; v < 300; v++) for (let n = 0; n < 50; n++) items.push([`dep${n}`, `${Math.floor(v / 30)}.${v % 30}.0`]);
      await publishAll(reg.url, items);
      const chartYaml = `apiVersion: v2\nname: big-umbrella\nversion: 1.0.0\ndependencies:\n${Array.from({ length: 50 }, (_, n) => `  - name: dep${n}\n    version: "^${n % 9}.0.0"\n    repository: ${reg.url}\n`).join('')}`;
      const ours = join(work, 'ours');
      const theirs = join(work, 'theirs');
      for (const d of [ours, theirs]) {
        mkdirSync(join(d, 'templates'), { recursive: true });
        writeFileSync(join(d, 'Chart.yaml'), chartYaml);
      }
      const home = join(work, 'helmhome');
      execFileSync(helm, ['repo', 'add', 'bench', reg.url], { env: helmEnv(home) });
      const oursEnv = benchEnv({ CHARTROOM_CONFIG_DIR: join(work, 'cfg'), CHARTROOM_CACHE_DIR: join(work, 'cache') });
      const runsHelm = Number(process.env.BENCH_HELM_DEP_RUNS || 5);
      const o = measure(process.execPath, [CHART, 'dependency', 'update', ours], { runs: RUNS, env: oursEnv });
      const t = measure(helm, ['dependency', 'update', theirs], { runs: runsHelm, warmup: 0, env: helmEnv(home) });
      results.push(report('dependency update, 50 deps from 15,000 versions', o, t, 0.05));
      const a = readFileSync(join(ours, 'Chart.lock'), 'utf8').match(/version: .*/g);
      const b = readFileSync(join(theirs, 'Chart.lock'), 'utf8').match(/version: .*/g);
      console.log(`  same versions chosen as helm: ${JSON.stringify(a) === JSON.stringify(b)}`);
    } finally {
      reg.proc.kill('SIGTERM');
    }
  }

  // 2. repo index over 1,000 archives.
  if (!only || only === 'index') {
    const folder = join(work, 'archives');
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 1000; i++) writeFileSync(join(folder, `c${i % 100}-1.${Math.floor(i / 100)}.0.tgz`), tinyArchive(`c${i % 100}`, `1.${Math.floor(i / 100)}.0`));
    results.push(report('repo index, 1,000 archives', measure(process.execPath, [CHART, 'repo', 'index', folder], { runs: RUNS, env: benchEnv() }), measure(helm, ['repo', 'index', folder], { runs: RUNS, env: helmEnv(join(work, 'h2')) }), 0.5));
  }
  if (only && only !== 'fetch') return results;

  // 3. a 20 MB index.
  const entries = {};
  let size = 0;
  for (let n = 0; size < 20e6; n++) {
    const name = `chart-${n}`;
    entries[name] = [];
    for (let v = 0; v < 100; v++) {
      const e = { apiVersion: 'v2', name, version: `${v}.0.0`, appVersion: `${v}.0`, description: `A generated chart used to measure index loading, number ${n}`, created: '2024-01-01T00:00:00Z', digest: createHash('sha256').update(`${n}-${v}`).digest('hex'), urls: [`https://charts.example.com/${name}-${v}.0.0.tgz`], keywords: ['bench', 'index'], maintainers: [{ name: 'Bench', email: 'bench@example.com' }] };
      entries[name].push(e);
      size += 400;
    }
  }
  const jsyaml = require('js-yaml');
  const indexText = jsyaml.dump({ apiVersion: 'v1', entries, generated: '2024-01-01T00:00:00Z' }, { lineWidth: -1, noRefs: true });
  // Served from a child process: the measurements below block this one.
  const indexFile = join(work, 'big-index.yaml');
  writeFileSync(indexFile, indexText);
  const server = spawn(process.execPath, ['-e', `const fs=require('fs');const b=fs.readFileSync(${JSON.stringify(indexFile)});require('http').createServer((q,s)=>{if(q.url==='/index.yaml'){s.end(b)}else{s.writeHead(404);s.end()}}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((r) => server.stdout.once('data', (d) => r(Number(String(d).trim()))));
  const url = `http://127.0.0.1:${port}`;
  try {
    console.log(`  index.yaml: ${(indexText.length / 1e6).toFixed(1)} MB, ${Object.keys(entries).length * 100} versions`);
    const cfg = { CHARTROOM_CONFIG_DIR: join(work, 'cfg20'), CHARTROOM_CACHE_DIR: join(work, 'cache20') };
    execFileSync(process.execPath, [CHART, 'repo', 'add', 'big', url], { env: benchEnv(cfg) });
    const h3 = join(work, 'h3');
    execFileSync(helm, ['repo', 'add', 'big', url], { env: helmEnv(h3) });
    // The server sends no ETag, so every update downloads and parses the whole index, as helm always does.
    const upd = measure(process.execPath, [CHART, 'repo', 'update', 'big'], { runs: RUNS, env: benchEnv(cfg) });
    const hupd = measure(helm, ['repo', 'update', 'big'], { runs: RUNS, env: helmEnv(h3) });
    results.push(report('repo update of a 20 MB index (download + parse)', upd, hupd, 1.0));
    console.log(`  goal: first fetch + parse of a 20 MB index in <= 1 s and <= 300 MB: ${upd.medianMs <= 1000 && upd.medianRssMB <= 300 ? 'MET' : 'NOT MET'} (${upd.medianMs.toFixed(0)} ms, ${upd.medianRssMB.toFixed(0)} MB)`);
    const s = measure(process.execPath, [CHART, 'search', 'repo', 'chart-7', '-o', 'json'], { runs: RUNS, env: benchEnv(cfg) });
    const hs = measure(helm, ['search', 'repo', 'chart-7', '-o', 'json'], { runs: RUNS, env: helmEnv(h3) });
    results.push(report('search over a cached 20 MB index (load + search)', s, hs, 1.0));
    console.log(`  goal: load a 20 MB index in <= 1 s and <= 300 MB: ${s.medianMs <= 1000 && s.medianRssMB <= 300 ? 'MET' : 'NOT MET'} (${s.medianMs.toFixed(0)} ms, ${s.medianRssMB.toFixed(0)} MB)`);
  } finally {
    server.kill();
  }
  return results;
}
if (import.meta.url === `file://${process.argv[1]}`) await run();
