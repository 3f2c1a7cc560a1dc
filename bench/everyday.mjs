// Everyday commands side by side with the real helm, in one run: version, create, template, lint, package,
// show and search repo, on the create scaffolds and on the 200-template chart, for both engines, with warm caches
// and with none (a CI job in a fresh container: an empty ~/.cache, the build's shipped code cache only).
// Each pair runs alternately (chartroom, helm, chartroom, …), median of RUNS after one warm-up pair; peak RSS
// from GNU time on a separate run of each. Writes bench/.work/everyday.json and prints a Markdown table.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBigCharts } from './generate.mjs';
import { CHART, RUNS, WORK, benchEnv, freshDir, helmBinary, median, timeOnce } from './lib.mjs';

const helm = helmBinary();
const node = process.execPath;

function runOnce({ cmd, args, env, cwd, before }) {
  before?.();
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return ms;
}

/** Runs two commands alternately; `make(i)` gives the i-th invocation (so a run can have a fresh cache folder). */
function pair(ours, theirs) {
  runOnce(ours(-1));
  runOnce(theirs(-1));
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(runOnce(ours(i)));
    b.push(runOnce(theirs(i)));
  }
  const rss = (make) => {
    const inv = make(RUNS);
    inv.before?.();
    return timeOnce(inv.cmd, inv.args, { cwd: inv.cwd, env: inv.env }).rssMB;
  };
  return { ours: { medianMs: median(a), rssMB: rss(ours) }, theirs: { medianMs: median(b), rssMB: rss(theirs) } };
}

export async function run() {
  const dir = freshDir('everyday');
  const env = benchEnv();
  const warmCache = join(dir, 'cache-warm');
  const oursEnv = (cache) => ({ ...env, CHARTROOM_CACHE_DIR: cache, CHARTROOM_CONFIG_DIR: join(dir, 'config') });
  const helmHome = join(dir, 'helm-home');
  const helmEnv = (home = helmHome) => ({ ...env, HOME: home, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') });

  // The charts: chart create's (Handlebars), helm create's (Go, rendered by both), and the 200-template twins.
  execFileSync(node, [CHART, 'create', join(dir, 'hb', 'app')], { env });
  mkdirSync(join(dir, 'go'), { recursive: true });
  execFileSync(helm, ['create', join(dir, 'go', 'app')], { env: helmEnv() });
  const big = generateBigCharts(join(dir, 'big'), 200);
  const charts = [
    ['scaffold', 'Handlebars', join(dir, 'hb', 'app'), join(dir, 'go', 'app')],
    ['scaffold', 'Go', join(dir, 'go', 'app'), join(dir, 'go', 'app')],
    ['200 templates', 'Handlebars', big.ours, big.helm],
    ['200 templates', 'Go', big.helm, big.helm],
  ];

  // A repository of 300 charts × 5 versions for `search repo`, served over HTTP to both.
  let index = 'apiVersion: v1\nentries:\n';
  for (let c = 0; c < 300; c++) {
    index += `  chart-${c}:\n`;
    for (let v = 0; v < 5; v++) index += `  - apiVersion: v2\n    name: chart-${c}\n    version: ${v}.0.0\n    appVersion: "${v}.0"\n    description: Chart number ${c}, a web ${c % 3 ? 'service' : 'database'}\n    keywords: [bench, n${c}]\n    digest: ${'a'.repeat(64)}\n    created: "2024-01-01T00:00:00Z"\n    urls: [https://charts.example.com/chart-${c}-${v}.0.0.tgz]\n`;
  }
  index += 'generated: "2024-01-01T00:00:00Z"\n';
  writeFileSync(join(dir, 'index.yaml'), index);
  const server = spawn(node, ['-e', `const b=require('fs').readFileSync(${JSON.stringify(join(dir, 'index.yaml'))});require('http').createServer((q,s)=>{if(q.url==='/index.yaml'){s.end(b)}else{s.writeHead(404);s.end()}}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((res) => server.stdout.once('data', (d) => res(Number(String(d).trim()))));
  const results = [];
  const add = (command, chart, engine, cache, r) => {
    const ratio = r.ours.medianMs / r.theirs.medianMs;
    results.push({ command, chart, engine, cache, ours: r.ours, helm: r.theirs, ratio });
    console.log(`${command.padEnd(14)} ${chart.padEnd(14)} ${engine.padEnd(11)} ${cache.padEnd(9)} chartroom ${r.ours.medianMs.toFixed(1).padStart(7)} ms ${r.ours.rssMB.toFixed(0).padStart(4)} MB   helm ${r.theirs.medianMs.toFixed(1).padStart(7)} ms ${r.theirs.rssMB.toFixed(0).padStart(4)} MB   ${ratio.toFixed(2)}x`);
  };
  try {
    execFileSync(node, [CHART, 'repo', 'add', 'bench', `http://127.0.0.1:${port}`], { env: oursEnv(warmCache) });
    execFileSync(helm, ['repo', 'add', 'bench', `http://127.0.0.1:${port}`], { env: helmEnv() });
    let coldN = 0;
    /** Chartroom with an empty cache folder of its own for this one run. */
    const cold = (args) => () => {
      const cache = join(dir, `cache-cold-${coldN++}`);
      return { cmd: node, args: [CHART, ...args], env: oursEnv(cache), before: () => rmSync(cache, { recursive: true, force: true }) };
    };
    const warm = (args) => () => ({ cmd: node, args: [CHART, ...args], env: oursEnv(warmCache) });
    const theirs = (args) => () => ({ cmd: helm, args, env: helmEnv() });

    add('version', '', '', 'warm', pair(warm(['--version']), theirs(['version', '--short'])));
    const made = join(dir, 'made');
    mkdirSync(made, { recursive: true });
    const create = (cmd, args, e) => () => ({ cmd, args, env: e, before: () => rmSync(join(made, 'x'), { recursive: true, force: true }) });
    add('create', 'scaffold', 'Handlebars', 'warm', pair(create(node, [CHART, 'create', join(made, 'x')], oursEnv(warmCache)), create(helm, ['create', join(made, 'x')], helmEnv())));

    for (const [size, engine, ourChart, helmChart] of charts) {
      add('template', size, engine, 'warm', pair(warm(['template', 'rel', ourChart]), theirs(['template', 'rel', helmChart])));
      add('template', size, engine, 'none', pair(cold(['template', 'rel', ourChart]), theirs(['template', 'rel', helmChart])));
      add('lint', size, engine, 'warm', pair(warm(['lint', ourChart]), theirs(['lint', helmChart])));
      add('lint', size, engine, 'none', pair(cold(['lint', ourChart]), theirs(['lint', helmChart])));
      add('package', size, engine, 'warm', pair(warm(['package', ourChart, '-d', join(dir, 'pkg-ours')]), theirs(['package', helmChart, '-d', join(dir, 'pkg-helm')])));
      add('show chart', size, engine, 'warm', pair(warm(['show', 'chart', ourChart]), theirs(['show', 'chart', helmChart])));
      add('show values', size, engine, 'warm', pair(warm(['show', 'values', ourChart]), theirs(['show', 'values', helmChart])));
    }
    add('search repo', '1,500 versions', '', 'warm', pair(warm(['search', 'repo', 'database']), theirs(['search', 'repo', 'database'])));
  } finally {
    server.kill();
  }
  mkdirSync(WORK, { recursive: true });
  writeFileSync(join(WORK, 'everyday.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, runs: RUNS, results }, null, 2));
  const met = results.filter((r) => r.ratio <= 1).length;
  console.log(`\n${met}/${results.length} at or under 1.0x helm\n`);
  console.log('| command | chart | engine | caches | chartroom | helm | ratio |\n|---|---|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.command} | ${r.chart} | ${r.engine} | ${r.cache} | ${r.ours.medianMs.toFixed(1)} ms, ${r.ours.rssMB.toFixed(0)} MB | ${r.helm.medianMs.toFixed(1)} ms, ${r.helm.rssMB.toFixed(0)} MB | ${r.ratio.toFixed(2)}× |`);
  return results.map((r) => ({ target: `${r.command} ${r.chart} ${r.engine} (${r.cache} caches)`, ours: r.ours, theirs: r.helm, ratio: r.ratio, goal: 1, met: r.ratio <= 1 }));
}
if (import.meta.url === `file://${process.argv[1]}`) await run();
