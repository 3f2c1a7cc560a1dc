import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { packageChart } from '../../core/actions/package.js';
import { contextIn } from '../support/context.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { helm } from '../support/helm.js';
import { basic, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
let open: RunningRegistry;
let secure: RunningRegistry;
const AUTH = basic('ci', 'pipeline-pass');

/** helm with a home of its own inside this test's folder. */
const h = (args: string[], home = 'home') => helm(args, { env: { HOME: join(tmp.dir, home), HELM_CACHE_HOME: join(tmp.dir, home, 'cache'), HELM_CONFIG_HOME: join(tmp.dir, home, 'config'), HELM_DATA_HOME: join(tmp.dir, home, 'data') } });

async function upload(reg: RunningRegistry, file: string) {
  const r = await fetch(`${reg.url}/api/charts`, { method: 'POST', body: new Uint8Array(readFileSync(file)), headers: { Authorization: AUTH } });
  expect(r.status).toBe(201);
}

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `ci:${bcrypt.hashSync('pipeline-pass', 5)}\n`);
  open = await startTestRegistry({ storageDir: join(tmp.dir, 'open'), htpasswd: join(tmp.dir, 'htpasswd') });
  secure = await startTestRegistry({ storageDir: join(tmp.dir, 'secure'), htpasswd: join(tmp.dir, 'htpasswd'), requireAuthForReads: true });
  const pk = join(tmp.dir, 'pk');
  for (const v of ['0.1.0', '0.1.5', '0.2.0', '1.0.0-rc.1', '1.0.0']) {
    const p = packageChart(contextIn(tmp.dir), { path: 'charts/webapp', destination: pk, version: v });
    await upload(open, p.file);
    await upload(secure, p.file);
  }
});
afterAll(async () => {
  await open.close();
  await secure.close();
  tmp.cleanup();
});

describe('the real helm against chart serve', () => {
  it('adds the repository anonymously, updates and searches every version', async () => {
    await h(['repo', 'add', 'local', open.url]);
    await h(['repo', 'update']);
    const out = (await h(['search', 'repo', 'local/webapp', '--versions'])).stdout;
    const versions = out.split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/)[1]);
    expect(versions).toEqual(['1.0.0', '0.2.0', '0.1.5', '0.1.0']);
    const devel = (await h(['search', 'repo', 'local/webapp', '--versions', '--devel'])).stdout;
    expect(devel).toContain('1.0.0-rc.1');
  });

  it('pulls with version ranges and shows the chart', async () => {
    const dest = join(tmp.dir, 'pulled');
    mkdirSync(dest, { recursive: true });
    await h(['pull', 'local/webapp', '--version', '~0.1', '-d', dest]);
    await h(['pull', 'local/webapp', '--version', '>=0.2.0 <1.0.0', '-d', dest]);
    expect(readdirSync(dest).sort()).toEqual(['webapp-0.1.5.tgz', 'webapp-0.2.0.tgz']);
    const shown = (await h(['show', 'chart', 'local/webapp', '--version', '0.2.0'])).stdout;
    expect(shown).toContain('version: 0.2.0');
    expect(shown).toContain('name: webapp');
  });

  it('works with basic auth when reads need credentials', async () => {
    await expect(h(['repo', 'add', 'nocreds', secure.url], 'home2')).rejects.toThrow(/401|not a valid chart repository/);
    await h(['repo', 'add', 'secure', secure.url, '--username', 'ci', '--password', 'pipeline-pass'], 'home2');
    const out = (await h(['search', 'repo', 'secure/webapp'], 'home2')).stdout;
    expect(out).toContain('secure/webapp');
    const dest = join(tmp.dir, 'pulled-secure');
    mkdirSync(dest, { recursive: true });
    await h(['pull', 'secure/webapp', '-d', dest], 'home2');
    expect(readdirSync(dest)).toEqual(['webapp-1.0.0.tgz']);
  });

  it('resolves dependencies from it with helm dependency update', async () => {
    const app = join(tmp.dir, 'app');
    mkdirSync(join(app, 'templates'), { recursive: true });
    writeFileSync(join(app, 'Chart.yaml'), `apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: webapp\n    version: ^0.1.0\n    repository: ${open.url}\n`);
    await h(['dependency', 'update', app]);
    expect(readdirSync(join(app, 'charts'))).toEqual(['webapp-0.1.5.tgz']);
    expect(readFileSync(join(app, 'Chart.lock'), 'utf8')).toContain('version: 0.1.5');
  });

  it('gives back byte-identical archives that helm packaged and we stored', async () => {
    const src = join(tmp.dir, 'gosrc');
    mkdirSync(src, { recursive: true });
    await helm(['create', 'gochart'], { cwd: src });
    const out = join(tmp.dir, 'helm-packaged');
    await helm(['package', join(src, 'gochart'), '-d', out]);
    const file = join(out, 'gochart-0.1.0.tgz');
    await upload(open, file);
    await h(['repo', 'update']);
    const dest = join(tmp.dir, 'pulled-go');
    mkdirSync(dest, { recursive: true });
    await h(['pull', 'local/gochart', '-d', dest]);
    expect(readFileSync(join(dest, 'gochart-0.1.0.tgz')).equals(readFileSync(file))).toBe(true);
  });
});
