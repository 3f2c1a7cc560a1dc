import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_BIN } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

// The launcher (build/launcher.cjs) runs the CLI bundle with a V8 code cache per group of commands, shipped by
// the build; a cache V8 rejects is replaced by one in the user's cache folder, named after the same group.

const tmp = tempDir();
afterAll(() => tmp.cleanup());
// Preloaded by a run: writes to stderr the name of every bundle the launcher reads.
writeFileSync(
  join(tmp.dir, 'bundles-probe.cjs'),
  "const fs = require('fs'); const read = fs.readFileSync; fs.readFileSync = function (f, ...rest) { if (String(f).endsWith('.cjs')) fs.writeSync(2, 'READ ' + f + '\\n'); return read.call(this, f, ...rest); };\n",
);
const dist = join(process.cwd(), 'dist');
const example = join(process.cwd(), 'charts', 'webapp');
const goExample = join(process.cwd(), 'charts', 'worker');

let n = 0;
/** Runs the CLI with an empty cache folder of its own (and node flags before the launcher); returns that folder. */
function run(args: string[], nodeFlags: string[] = [], cacheDir = join(tmp.dir, `cache-${++n}`)): string {
  const r = spawnSync(process.execPath, [...nodeFlags, CHART_BIN, ...args], { cwd: tmp.dir, env: { ...process.env, CHARTROOM_CACHE_DIR: cacheDir, CHARTROOM_NO_CACHE: '' }, encoding: 'utf8' });
  expect({ args, code: r.status, stderr: r.stderr }).toEqual({ args, code: 0, stderr: expect.any(String) });
  return cacheDir;
}
const userCaches = (cacheDir: string): string[] => (existsSync(join(cacheDir, 'code')) ? readdirSync(join(cacheDir, 'code')).sort() : []);

const GROUPS: [string, string[]][] = [
  ['version', ['--version']],
  ['create', ['create', 'made-by-test']],
  ['show', ['show', 'chart', example]],
  // One per engine: the launcher picks by the chart folder's Chart.yaml.
  ['template', ['--cache-dir', join(tmp.dir, 'flag-cache'), 'template', 'rel', goExample]],
  ['template-hb', ['--cache-dir', join(tmp.dir, 'flag-cache'), 'template', 'rel', example]],
  ['package', ['package', example, '-d', join(tmp.dir, 'packaged')]],
  ['repo-index', ['repo', 'index', join(tmp.dir, 'packaged')]],
  ['repo', ['repo', 'list']],
  ['lint', ['lint', example]],
];

describe('code caches per group of commands', () => {
  it('the build ships one for each group and a default one', () => {
    // A cache made under the launcher's own V8 flags carries their tag first.
    const shipped = readdirSync(dist).filter((f) => /^(?:[0-9a-f]{8}-)?cli[.-]/.test(f) && f.endsWith('.bin'));
    const groups = shipped.map((f) => /^(?:[0-9a-f]{8}-)?cli(?:\.([a-z-]+))?-v\d/.exec(f)?.[1] ?? '(default)').sort();
    expect(groups).toEqual(['(default)', ...GROUPS.map(([g]) => g)].sort());
  });

  it.each(GROUPS)('%s starts from its shipped cache: V8 accepts it, so nothing is written to the user cache', (_group, args) => {
    const cacheDir = run(args);
    expect(userCaches(cacheDir)).toEqual([]);
  });

  it('a library bundle has a shipped cache for each set of flags it was warmed up under (re2js: template and lint, default)', () => {
    const shipped = readdirSync(dist).filter((f) => /^(?:[0-9a-f]{8}-)?re2js-v/.test(f));
    expect(shipped).toHaveLength(2);
    // A Go chart with a regular expression reads re2js's bundle under the template group's flags: its cache is accepted.
    const chart = join(tmp.dir, 'regex-chart');
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: regex-chart\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ regexReplaceAll "[^a-z]" "a-b" "" }}\n');
    const cacheDir = join(tmp.dir, `cache-${++n}`);
    const r = spawnSync(process.execPath, ['-r', join(tmp.dir, 'bundles-probe.cjs'), CHART_BIN, 'template', 'rel', chart], { cwd: tmp.dir, env: { ...process.env, CHARTROOM_CACHE_DIR: cacheDir, CHARTROOM_NO_CACHE: '' }, encoding: 'utf8' });
    expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: expect.stringContaining('name: ab\n'), stderr: expect.stringContaining(`READ ${join(dist, 're2js.cjs')}\n`) });
    expect(userCaches(cacheDir)).toEqual([]);
  });

  it('lint, and a command without a group, start from shipped caches (the default one made under its own flags)', () => {
    expect(userCaches(run(['lint', example]))).toEqual([]);
    expect(userCaches(run(['dependency', 'list', example]))).toEqual([]);
  });

  it('a cache V8 rejects (other V8 flags) is replaced in the user cache under the same group, and used from then on', () => {
    const cacheDir = run(['show', 'chart', example], ['--no-opt']);
    const made = userCaches(cacheDir);
    expect(made).toEqual([expect.stringMatching(/^\d+-[0-9a-f]{8}-cli\.show-v\d+\.\d+\.\d+-[a-z0-9]+-\d+\.bin$/)]);
    const before = statSync(join(cacheDir, 'code', made[0])).mtimeMs;
    run(['show', 'values', example], ['--no-opt'], cacheDir);
    // Accepted the second time: not written again.
    expect(userCaches(cacheDir)).toEqual(made);
    expect(statSync(join(cacheDir, 'code', made[0])).mtimeMs).toBe(before);
    // Another group under the same flags gets a cache of its own.
    run(['--version'], ['--no-opt'], cacheDir);
    expect(userCaches(cacheDir)).toEqual([...made, expect.stringMatching(/-cli\.version-/)].sort());
  });

  it('runs with and without flags keep their caches apart: neither rewrites the other', () => {
    const cacheDir = run(['show', 'chart', example], ['--no-opt']);
    const made = userCaches(cacheDir);
    const before = statSync(join(cacheDir, 'code', made[0])).mtimeMs;
    // Without flags: the shipped cache, accepted; nothing written.
    run(['show', 'chart', example], [], cacheDir);
    expect(userCaches(cacheDir)).toEqual(made);
    // Other flags: a cache of their own beside the first.
    run(['show', 'chart', example], ['--no-opt', '--stack-size=900'], cacheDir);
    const both = userCaches(cacheDir);
    expect(both).toHaveLength(2);
    // The first flags again: their cache, accepted as it was.
    run(['show', 'chart', example], ['--no-opt'], cacheDir);
    expect(userCaches(cacheDir)).toEqual(both);
    expect(statSync(join(cacheDir, 'code', made[0])).mtimeMs).toBe(before);
  });

  it('serve runs under V8\'s default tier-up budget, with caches of its own: lint\'s and its own stay accepted', async () => {
    const cacheDir = join(tmp.dir, `cache-${++n}`);
    const serve = async () => {
      const child = spawn(process.execPath, [CHART_BIN, 'serve', '--port', '0', '--storage-dir', join(tmp.dir, 'serve-store')], { env: { ...process.env, CHARTROOM_CACHE_DIR: cacheDir, CHARTROOM_NO_CACHE: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20000);
        child.stdout.on('data', () => {
          if (out.includes('registry listening')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    };
    await serve();
    const made = userCaches(cacheDir);
    // The CLI bundle's shipped caches were made under the CLI's budget: serve's is rejected and kept apart.
    expect(made).toEqual([expect.stringMatching(/^\d+-(?:[0-9a-f]{8}-)?cli\.serve-v/), expect.stringMatching(/^\d+-(?:[0-9a-f]{8}-)?server-v/)]);
    const times = made.map((f) => statSync(join(cacheDir, 'code', f)).mtimeMs);
    run(['lint', example], [], cacheDir);
    await serve();
    expect(userCaches(cacheDir)).toEqual(made);
    expect(made.map((f) => statSync(join(cacheDir, 'code', f)).mtimeMs)).toEqual(times);
  }, 60000);

  it('sets its V8 flags without loading node:v8 (and the streams it pulls in), and without a warning', () => {
    const probe = join(tmp.dir, 'modules-probe.cjs');
    writeFileSync(probe, "process.on('exit', () => require('fs').writeSync(2, 'MODULES ' + JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (v8|stream)$/.test(m))) + '\\n'));\n");
    for (const args of [['--version'], ['template', 'rel', example]]) {
      const r = spawnSync(process.execPath, ['-r', probe, CHART_BIN, ...args], { cwd: tmp.dir, env: { ...process.env, CHARTROOM_CACHE_DIR: join(tmp.dir, 'probe-cache') }, encoding: 'utf8' });
      expect({ args, code: r.status, stderr: r.stderr }).toEqual({ args, code: 0, stderr: 'MODULES []\n' });
    }
  });
});
