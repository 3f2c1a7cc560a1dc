// Release benchmark: install, upgrade and uninstall of a 200-object chart with chartroom and with the real helm,
// against a real kube-apiserver + etcd started here on loopback (test/support/kube-apiserver.sh; built once per
// machine). The chart's templates are plain YAML, so both tools render the same objects.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { benchEnv, CHART, freshDir, helmBinary, median, ROOT } from './lib.mjs';

const OBJECTS = Number(process.env.BENCH_RELEASE_OBJECTS || 200);
const RUNS = Number(process.env.BENCH_RUNS || 5);

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function chartOf(dir, name) {
  const c = join(dir, name);
  mkdirSync(join(c, 'templates'), { recursive: true });
  writeFileSync(join(c, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 1.0.0\nannotations:\n  chartroom.dev/engine: handlebars\n`);
  for (let i = 0; i < OBJECTS; i++) writeFileSync(join(c, 'templates', `cm-${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  index: "${i}"\n`);
  return c;
}

function timed(cmd, args, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export async function run() {
  const work = freshDir('release');
  const base = join(ROOT, '.cache', `kube-bench-${process.pid}`);
  const script = join(ROOT, 'test', 'support', 'kube-apiserver.sh');
  const kenv = { ...process.env, BASE: base, API_PORT: String(await freePort()), ETCD_PORT: String(await freePort()), ETCD_PEER_PORT: String(await freePort()), PREFIX: process.env.CHARTROOM_KUBE_PREFIX || '/var/cache/chartroom/kube-apiserver-1.20.2' };
  execFileSync('bash', [script, 'start'], { env: kenv, stdio: 'ignore' });
  try {
    const kubeconfig = join(base, 'kubeconfig');
    const chart = chartOf(work, 'many');
    const env = benchEnv({ KUBECONFIG: kubeconfig, CHARTROOM_CONFIG_DIR: join(work, 'cfg'), CHARTROOM_CACHE_DIR: join(work, 'cache'), HOME: work, HELM_CACHE_HOME: join(work, 'hc'), HELM_CONFIG_HOME: join(work, 'hf'), HELM_DATA_HOME: join(work, 'hd') });
    const helm = helmBinary();
    const results = {};
    for (const [tool, cmd, pre] of [['chartroom', process.execPath, [CHART]], ['helm', helm, []]]) {
      const install = [];
      const upgrade = [];
      const uninstall = [];
      for (let i = 0; i < RUNS; i++) {
        const name = `${tool}-${i}`;
        install.push(timed(cmd, [...pre, 'install', name, chart, '-n', 'default'], env));
        upgrade.push(timed(cmd, [...pre, 'upgrade', name, chart, '-n', 'default', '--description', `again ${i}`], env));
        uninstall.push(timed(cmd, [...pre, 'uninstall', name, '-n', 'default'], env));
      }
      results[tool] = { install: median(install), upgrade: median(upgrade), uninstall: median(uninstall) };
    }
    // chart diff of the installed release against the same chart (goal: <= 1 s); helm has no diff of its own.
    execFileSync(process.execPath, [CHART, 'install', 'difftarget', chart, '-n', 'default'], { env, stdio: 'ignore' });
    const diffs = [];
    for (let i = 0; i < RUNS; i++) diffs.push(timed(process.execPath, [CHART, 'diff', 'difftarget', chart, '-n', 'default'], env));
    const diffMs = median(diffs);
    console.log(`diff of a ${OBJECTS}-object release: chartroom ${diffMs.toFixed(0)} ms (goal <= 1000 ms) ${diffMs <= 1000 ? 'MET' : 'NOT MET'}`);
    const out = [{ step: 'diff', ours: diffMs }];
    for (const step of ['install', 'upgrade', 'uninstall']) {
      const ours = results.chartroom[step];
      const theirs = results.helm[step];
      const goal = step === 'uninstall' ? '' : ` (goal <= 0.5x helm${step === 'install' ? ', well under 1 s' : ''}) ${ours / theirs <= 0.5 && ours < 1000 ? 'MET' : 'NOT MET'}`;
      const line = `${step} of a ${OBJECTS}-object release: chartroom ${ours.toFixed(0)} ms, helm ${theirs.toFixed(0)} ms, ratio ${(ours / theirs).toFixed(2)}x${goal}`;
      console.log(line);
      out.push({ step, ours, theirs, ratio: ours / theirs });
    }
    return out;
  } finally {
    execFileSync('bash', [script, 'stop'], { env: kenv, stdio: 'ignore' });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
