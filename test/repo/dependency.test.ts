import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageChart } from '../../core/actions/package.js';
import { contextIn } from '../support/context.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { chartCli } from '../support/cli.js';
import { helm } from '../support/helm.js';
import { writeChart } from '../support/charts.js';
import { startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
let reg: RunningRegistry;
const env = { CHARTROOM_CONFIG_DIR: join(tmp.dir, 'config'), CHARTROOM_CACHE_DIR: join(tmp.dir, 'cache') };
const cli = (args: string[]) => chartCli(args, { env, cwd: tmp.dir });
const home = join(tmp.dir, 'helmhome');
const h = (args: string[]) => helm(args, { env: { HOME: home, HELM_CACHE_HOME: join(home, 'c'), HELM_CONFIG_HOME: join(home, 'f'), HELM_DATA_HOME: join(home, 'd') } });

const VERSIONS = ['0.9.0', '1.0.0', '1.0.1', '1.1.0-beta.1', '1.1.0', '1.2.0-rc.1', '1.2.3+build.7', '2.0.0-alpha', '2.0.0', '2.1.0', '10.0.0'];
const DEPS: [string, string][] = [
  ['alpha', '^1.0.0'],
  ['bravo', '~1.1'],
  ['charlie', '>=1.0.0 <2.0.0'],
  ['delta', '1.2.x'],
  ['echo', '>=1.2.0-0'],
  ['foxtrot', '2.0.0-alpha'],
  ['golf', '*'],
  ['hotel', '1.0.0 - 2.0.0'],
  ['india', '>= 1.0, < 1.2 || ^2'],
  ['juliet', '^1.1.0-0'],
  ['kilo', '~1.2.3'],
];

function chartYaml(repo: string, extra = ''): string {
  return `apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n${DEPS.map(([n, r]) => `  - name: ${n}\n    version: "${r}"\n    repository: ${repo}\n`).join('')}  - name: alpha\n    alias: alpha-old\n    version: ~0.9\n    repository: ${repo}\n${extra}`;
}

beforeAll(async () => {
  reg = await startTestRegistry({ storageDir: join(tmp.dir, 'reg'), allowAnonymousWrite: true });
  const src = join(tmp.dir, 'src');
  for (const [name] of DEPS) {
    for (const v of VERSIONS) {
      const dir = writeChart(join(src, `${name}-${v}`), name, { 'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${v}\n`, 'templates/a.yaml': 'a: 1\n' });
      const p = packageChart(contextIn(tmp.dir), { path: dir, destination: join(tmp.dir, 'pk') });
      const res = await fetch(`${reg.url}/api/charts`, { method: 'POST', body: new Uint8Array(readFileSync(p.file)) });
      expect(res.status).toBe(201);
    }
  }
  await h(['repo', 'add', 'r', reg.url]);
}, 120_000);
afterAll(async () => {
  await reg.close();
  tmp.cleanup();
});

const lockVersions = (dir: string) => (parse(readFileSync(join(dir, 'Chart.lock'), 'utf8')).dependencies as { name: string; version: string }[]).map((d) => `${d.name}@${d.version}`);

describe('chart dependency update picks what helm picks', () => {
  let ours: string;
  let theirs: string;
  beforeAll(async () => {
    ours = writeChart(tmp.dir, 'ours', { 'Chart.yaml': chartYaml(reg.url) });
    theirs = writeChart(tmp.dir, 'theirs', { 'Chart.yaml': chartYaml(reg.url) });
    await h(['dependency', 'update', theirs]);
  });

  it('resolves the same versions and fills charts/ the same way', async () => {
    const r = await cli(['dependency', 'update', ours]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lockVersions(ours)).toEqual(lockVersions(theirs));
    expect(readdirSync(join(ours, 'charts')).sort()).toEqual(readdirSync(join(theirs, 'charts')).sort());
    expect(lockVersions(ours)).toContain('echo@10.0.0');
    expect(lockVersions(ours)).toContain('delta@1.2.3+build.7');
    const lock = parse(readFileSync(join(ours, 'Chart.lock'), 'utf8'));
    expect(lock.digest).toBe(parse(readFileSync(join(theirs, 'Chart.lock'), 'utf8')).digest);
    expect(lock.dependencies[0].digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("helm dependency build accepts our Chart.lock, and we accept helm's", async () => {
    const a = join(tmp.dir, 'ours-copy');
    cpSync(ours, a, { recursive: true });
    rmSync(join(a, 'charts'), { recursive: true });
    await h(['dependency', 'build', a]);
    expect(readdirSync(join(a, 'charts')).sort()).toEqual(readdirSync(join(ours, 'charts')).sort());
    const b = join(tmp.dir, 'theirs-copy');
    cpSync(theirs, b, { recursive: true });
    rmSync(join(b, 'charts'), { recursive: true });
    const r = await cli(['dependency', 'build', b]);
    expect(r.code).toBe(0);
    expect(readdirSync(join(b, 'charts')).sort()).toEqual(readdirSync(join(theirs, 'charts')).sort());
  });

  it('lists each dependency with its state in charts/', async () => {
    const list = JSON.parse((await cli(['dependency', 'list', ours, '-o', 'json'])).stdout);
    expect(list.every((d: { status: string }) => d.status === 'ok')).toBe(true);
    rmSync(join(ours, 'charts', readdirSync(join(ours, 'charts')).find((f) => f.startsWith('golf'))!));
    const after = JSON.parse((await cli(['dependency', 'list', ours, '-o', 'json'])).stdout);
    expect(after.find((d: { name: string }) => d.name === 'golf').status).toBe('missing');
  });
});

describe('chart dependency', () => {
  it('takes @NAME repositories and file:// folders, and keeps locked versions when asked', async () => {
    await cli(['repo', 'add', 'rr', reg.url]);
    const lib = writeChart(tmp.dir, 'locallib', { 'Chart.yaml': 'apiVersion: v2\nname: locallib\nversion: 3.1.4\n' });
    const dir = writeChart(tmp.dir, 'mixed', { 'Chart.yaml': `apiVersion: v2\nname: mixed\nversion: 1.0.0\ndependencies:\n  - name: alpha\n    version: ~1.0.0\n    repository: "@rr"\n  - name: locallib\n    version: ^3\n    repository: file://${lib}\n` });
    const first = JSON.parse((await cli(['dependency', 'update', dir, '-o', 'json'])).stdout);
    expect(first.locked.map((d: { name: string; version: string }) => `${d.name}@${d.version}`)).toEqual(['alpha@1.0.1', 'locallib@3.1.4']);
    expect(lockVersions(dir)).toEqual(['alpha@1.0.1', 'locallib@3.1.4']);
    // A newer 1.0.x appears; --keep-locked keeps 1.0.1, a plain update moves on.
    const newer = writeChart(join(tmp.dir, 'newer'), 'alpha', { 'Chart.yaml': 'apiVersion: v2\nname: alpha\nversion: 1.0.7\n' });
    const p = packageChart(contextIn(tmp.dir), { path: newer, destination: join(tmp.dir, 'pk2') });
    expect((await fetch(`${reg.url}/api/charts`, { method: 'POST', body: new Uint8Array(readFileSync(p.file)) })).status).toBe(201);
    expect((await cli(['dependency', 'update', dir, '--keep-locked'])).code).toBe(0);
    expect(lockVersions(dir)).toEqual(['alpha@1.0.1', 'locallib@3.1.4']);
    expect((await cli(['dependency', 'update', dir])).code).toBe(0);
    expect(lockVersions(dir)).toEqual(['alpha@1.0.7', 'locallib@3.1.4']);
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual(['alpha-1.0.7.tgz', 'locallib-3.1.4.tgz']);
  });

  it('explains a range nothing satisfies, listing what exists', async () => {
    const dir = writeChart(tmp.dir, 'unmet', { 'Chart.yaml': `apiVersion: v2\nname: unmet\nversion: 1.0.0\ndependencies:\n  - name: bravo\n    version: ^3.0.0\n    repository: ${reg.url}\n  - name: nosuch\n    version: "*"\n    repository: ${reg.url}\n` });
    const r = await cli(['dependency', 'update', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bravo ^3.0.0 from');
    expect(r.stderr).toContain('no version satisfies ^3.0.0 (available: 10.0.0, 2.1.0, 2.0.0, 2.0.0-alpha');
    expect(r.stderr).toContain('the repository has no chart named nosuch');
  });

  it('refuses a Chart.lock that no longer matches Chart.yaml', async () => {
    const dir = join(tmp.dir, 'drift');
    cpSync(join(tmp.dir, 'mixed'), dir, { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), readFileSync(join(dir, 'Chart.yaml'), 'utf8').replace('~1.0.0', '~1.0.5'));
    const r = await cli(['dependency', 'build', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Chart.lock: Chart.lock is out of sync with the dependencies in Chart.yaml/);
  });

  it('builds without the network when charts/ already matches, and offline from the cache', async () => {
    const dir = join(tmp.dir, 'mixed');
    await reg.close();
    const r = await cli(['dependency', 'build', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(0 downloaded)');
    rmSync(join(dir, 'charts', 'alpha-1.0.7.tgz'));
    const offline = await cli(['dependency', 'build', dir, '--offline']);
    expect(offline.stderr).toBe('');
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual(['alpha-1.0.7.tgz', 'locallib-3.1.4.tgz']);
  });
});
