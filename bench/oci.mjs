// OCI: the real helm pushing and pulling a chart against `chart serve` and against Debian's docker-registry (the
// reference distribution registry) on the same machine, same run (goal: chart serve <= 1.0x); and tags/list of
// one chart with 10,000 versions on chart serve (goal: <= 50 ms).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { benchEnv, freshDir, helmBinary, startRegistryProcess, tinyArchive } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 7);
const TAGS = Number(process.env.BENCH_TAGS || 10_000);

const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startDockerRegistry(dir) {
  const bin = '/usr/bin/docker-registry';
  if (spawnSync(bin, ['--version']).status !== 0) throw new Error('docker-registry is not installed: apt-get install -y docker-registry');
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'config.yml');
  writeFileSync(conf, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const proc = spawn(bin, ['serve', conf], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v2/`)).status === 200) return { proc, host: `127.0.0.1:${port}` };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error('docker-registry did not start');
}

/** helm push then helm pull of one new version each run; milliseconds of the pair, p50. */
function pushPull(helm, env, host, dir, label) {
  const times = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const version = `1.0.${i}`;
    const tgz = join(dir, `bench-oci-${version}.tgz`);
    writeFileSync(tgz, tinyArchive('bench-oci', version, 'appVersion: "1.0"\ndescription: benchmark chart\n', [['values.yaml', 'replicas: 1\n'], ['templates/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n']]));
    const out = join(dir, `pulled-${i}`);
    mkdirSync(out, { recursive: true });
    const t = process.hrtime.bigint();
    const push = spawnSync(helm, ['push', tgz, `oci://${host}/bench`, '--plain-http'], { env, encoding: 'utf8' });
    if (push.status !== 0) throw new Error(`${label}: helm push failed: ${push.stderr}`);
    const pull = spawnSync(helm, ['pull', `oci://${host}/bench/bench-oci`, '--version', version, '--plain-http', '-d', out], { env, encoding: 'utf8' });
    if (pull.status !== 0) throw new Error(`${label}: helm pull failed: ${pull.stderr}`);
    // The first pair warms caches on both sides.
    if (i > 0) times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return p50(times);
}

async function publishVersions(url, count) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const v = next++;
      const body = tinyArchive('many', `1.0.${v}`, 'description: many versions\n');
      const r = await fetch(`${url}/api/charts`, { method: 'POST', body });
      await r.arrayBuffer();
      if (r.status !== 201) throw new Error(`publish many 1.0.${v}: ${r.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

export async function run() {
  const helm = helmBinary();
  const work = freshDir('oci');
  const env = benchEnv({ HELM_CONFIG_HOME: join(work, 'helm-config'), HELM_CACHE_HOME: join(work, 'helm-cache'), HELM_DATA_HOME: join(work, 'helm-data'), HOME: work });
  const results = {};

  mkdirSync(join(work, 'ours-charts'), { recursive: true });
  mkdirSync(join(work, 'ref-charts'), { recursive: true });
  const ref = await startDockerRegistry(join(work, 'docker-registry'));
  try {
    results.dockerRegistryMs = pushPull(helm, env, ref.host, join(work, 'ref-charts'), 'docker-registry');
  } finally {
    ref.proc.kill('SIGTERM');
  }
  const ours = await startRegistryProcess(join(work, 'serve-data'), ['--repositories', 'bench']);
  try {
    results.chartServeMs = pushPull(helm, env, new URL(ours.url).host, join(work, 'ours-charts'), 'chart serve');
    results.ratio = results.chartServeMs / results.dockerRegistryMs;
    console.log(`helm push + pull: chart serve ${results.chartServeMs.toFixed(0)} ms, docker-registry ${results.dockerRegistryMs.toFixed(0)} ms, ratio ${results.ratio.toFixed(2)}x (goal <= 1x) ${results.ratio <= 1 ? 'MET' : 'NOT MET'}`);

    await publishVersions(ours.url, TAGS);
    const times = [];
    let count = 0;
    for (let i = 0; i < 21; i++) {
      const t = process.hrtime.bigint();
      const r = await fetch(`${ours.url}/v2/many/tags/list`);
      const body = await r.json();
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      count = body.tags.length;
    }
    results.tagsListMs = p50(times.slice(1));
    results.tags = count;
    console.log(`tags/list of ${count} versions: ${results.tagsListMs.toFixed(1)} ms p50 (goal <= 50 ms) ${results.tagsListMs <= 50 ? 'MET' : 'NOT MET'}`);
  } finally {
    ours.proc.kill('SIGTERM');
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
