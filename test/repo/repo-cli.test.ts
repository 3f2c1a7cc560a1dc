import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { packageChart } from '../../core/actions/package.js';
import { contextIn } from '../support/context.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { chartCli } from '../support/cli.js';
import { helm } from '../support/helm.js';
import { basic, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
let reg: RunningRegistry;
let secure: RunningRegistry;
const env = { CHARTROOM_CONFIG_DIR: join(tmp.dir, 'config'), CHARTROOM_CACHE_DIR: join(tmp.dir, 'cache') };
const cli = (args: string[], input?: string) => chartCli(args, { env, input, cwd: tmp.dir });

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `ci:${bcrypt.hashSync('very-secret-pw', 5)}\n`);
  reg = await startTestRegistry({ storageDir: join(tmp.dir, 'reg'), htpasswd: join(tmp.dir, 'htpasswd') });
  secure = await startTestRegistry({ storageDir: join(tmp.dir, 'secure'), htpasswd: join(tmp.dir, 'htpasswd'), requireAuthForReads: true });
  for (const v of ['0.1.0', '0.2.0', '1.0.0-rc.1']) {
    const p = packageChart(contextIn(tmp.dir), { path: 'charts/webapp', destination: join(tmp.dir, 'pk'), version: v });
    for (const r of [reg, secure]) {
      const res = await fetch(`${r.url}/api/charts`, { method: 'POST', body: new Uint8Array(readFileSync(p.file)), headers: { Authorization: basic('ci', 'very-secret-pw') } });
      expect(res.status).toBe(201);
    }
  }
});
afterAll(async () => {
  await reg.close();
  await secure.close();
  tmp.cleanup();
});

describe('chart repo', () => {
  it('adds repositories, keeping the password in a file only its owner can read, never printed', async () => {
    expect((await cli(['repo', 'add', 'local', reg.url])).stdout).toMatch(/"local" has been added \(1 charts\)/);
    const bad = await cli(['repo', 'add', 'secure', secure.url, '--username', 'ci', '--password-stdin'], 'wrong-password\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`repository secure: ${secure.url}/index.yaml answered 401`);
    expect((await cli(['repo', 'list', '-o', 'json'])).stdout).not.toContain('secure');
    const ok = await cli(['repo', 'add', 'secure', secure.url, '--username', 'ci', '--password-stdin'], 'very-secret-pw\n');
    expect(ok.code).toBe(0);
    const creds = join(env.CHARTROOM_CONFIG_DIR, 'credentials.yaml');
    expect(statSync(creds).mode & 0o777).toBe(0o600);
    const list = await cli(['repo', 'list']);
    expect(list.stdout).toMatch(/local\s+http/);
    expect(list.stdout + ok.stdout + ok.stderr).not.toContain('very-secret-pw');
    expect(readFileSync(join(env.CHARTROOM_CONFIG_DIR, 'repositories.yaml'), 'utf8')).not.toContain('very-secret-pw');
    const dup = await cli(['repo', 'add', 'local', secure.url]);
    expect(dup.stderr).toMatch(/repository local already exists with .*hint: use --force-update/s);
  });

  it('updates with If-None-Match: unchanged indexes are not downloaded again', async () => {
    const first = await cli(['repo', 'update']);
    expect(first.stdout).toMatch(/local: (updated|unchanged)/);
    const second = await cli(['repo', 'update', 'local']);
    expect(second.stdout).toContain('local: unchanged (1 charts)');
  });

  it('searches with versions, ranges, prereleases and JSON', async () => {
    const all = JSON.parse((await cli(['search', 'repo', 'webapp', '--versions', '-o', 'json'])).stdout);
    expect(all.filter((h: { name: string }) => h.name === 'local/webapp').map((h: { version: string }) => h.version)).toEqual(['0.2.0', '0.1.0']);
    const devel = (await cli(['search', 'repo', 'local/webapp', '--devel'])).stdout;
    expect(devel).toContain('1.0.0-rc.1');
    const ranged = JSON.parse((await cli(['search', 'repo', '--version', '~0.1', '-o', 'json'])).stdout);
    expect(ranged.map((h: { version: string }) => h.version)).toEqual(['0.1.0', '0.1.0']);
  });

  it('indexes a folder of archives into an index the real helm accepts', async () => {
    const dir = join(tmp.dir, 'static');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    for (const f of readdirSync(join(tmp.dir, 'pk'))) copyFileSync(join(tmp.dir, 'pk', f), join(dir, f.includes('rc') ? `sub/${f}` : f));
    expect((await cli(['repo', 'index', dir])).stdout).toMatch(/1 charts, 3 versions/);
    const server: Server = createServer((req, res) => {
      const p = join(dir, decodeURIComponent(req.url ?? '/'));
      if (!p.startsWith(dir) || !existsSync(p)) return res.writeHead(404).end();
      res.end(readFileSync(p));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const home = join(tmp.dir, 'helmhome');
      const henv = { HOME: home, HELM_CACHE_HOME: join(home, 'c'), HELM_CONFIG_HOME: join(home, 'f'), HELM_DATA_HOME: join(home, 'd') };
      await helm(['repo', 'add', 'static', url], { env: henv });
      const out = (await helm(['search', 'repo', 'static/', '--versions', '--devel'], { env: henv })).stdout;
      expect(out).toMatch(/static\/webapp\s+1.0.0-rc.1/);
      mkdirSync(join(tmp.dir, 'hp'), { recursive: true });
      await helm(['pull', 'static/webapp', '--version', '1.0.0-rc.1', '-d', join(tmp.dir, 'hp')], { env: henv });
      expect(readdirSync(join(tmp.dir, 'hp'))).toEqual(['webapp-1.0.0-rc.1.tgz']);
    } finally {
      server.close();
    }
  });
});

describe('chart pull', () => {
  it('pulls a range, writes the archive, and can unpack it', async () => {
    const dest = join(tmp.dir, 'pulled');
    const r = await cli(['pull', 'local/webapp', '--version', '^0.1', '-d', dest]);
    expect(r.stdout).toMatch(/Pulled webapp 0.1.0 \(sha256:[0-9a-f]{64}\)/);
    expect(readdirSync(dest)).toEqual(['webapp-0.1.0.tgz']);
    const json = JSON.parse((await cli(['pull', 'local/webapp', '--version', '0.1.0', '-d', dest, '-o', 'json'])).stdout);
    expect(json).toMatchObject({ name: 'webapp', version: '0.1.0', digest: expect.stringMatching(/^[0-9a-f]{64}$/), path: join(dest, 'webapp-0.1.0.tgz') });
    const un = await cli(['pull', 'secure/webapp', '--untar', '-d', join(tmp.dir, 'untar')]);
    expect(un.code).toBe(0);
    expect(existsSync(join(tmp.dir, 'untar', 'webapp', 'Chart.yaml'))).toBe(true);
  });

  it('refuses an archive whose sha256 is not the index digest, writing nothing', async () => {
    // Replace the stored bytes behind the registry's back: the index still has the old digest.
    // Archives are stored by their sha256 (docs/deploy.md): find the one the registry serves for 0.2.0.
    const digest = createHash('sha256').update(readFileSync(join(tmp.dir, 'pk', 'webapp-0.2.0.tgz'))).digest('hex');
    const stored = join(tmp.dir, 'reg', 'blobs', 'sha256', digest);
    const original = readFileSync(stored);
    writeFileSync(stored, readFileSync(join(tmp.dir, 'pk', 'webapp-0.1.0.tgz')));
    try {
      const dest = join(tmp.dir, 'tampered');
      // A cache of its own: the shared one already holds the genuine archive and would be used.
      const r = await chartCli(['pull', 'local/webapp', '--version', '0.2.0', '-d', dest], { env: { ...env, CHARTROOM_CACHE_DIR: join(tmp.dir, 'cold-cache') }, cwd: tmp.dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/has sha256 [0-9a-f]{64}, but the repository index says [0-9a-f]{64}; nothing was written/);
      expect(existsSync(join(dest, 'webapp-0.2.0.tgz'))).toBe(false);
    } finally {
      writeFileSync(stored, original);
    }
    expect((await cli(['pull', 'local/webapp', '--version', '0.2.0', '-d', join(tmp.dir, 'fine')])).code).toBe(0);
  });

  it('renders and shows REPO/NAME --version', async () => {
    const t = await cli(['template', 'rel', 'local/webapp', '--version', '0.1.0']);
    expect(t.stdout).toContain('helm.sh/chart: webapp-0.1.0');
    const s = await cli(['show', 'chart', 'secure/webapp', '--version', '~0.2']);
    expect(s.stdout).toContain('version: 0.2.0');
    const missing = await cli(['template', 'nope/thing']);
    expect(missing.stderr).toMatch(/no chart at nope\/thing, and no repository named nope/);
  });
});

describe('chart publish', () => {
  it('publishes a folder or an archive, with clear answers for 401 and 409', async () => {
    const dir = join(tmp.dir, 'pub');
    mkdirSync(join(dir, 'templates'), { recursive: true });
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: pub\nversion: 1.0.0\nengine: handlebars\n');
    writeFileSync(join(dir, 'templates', 'a.yaml'), 'a: 1\n');
    const anon = await cli(['publish', dir, '--repo', 'local']);
    expect(anon.code).toBe(1);
    expect(anon.stderr).toMatch(/needs credentials to publish pub 1.0.0/);
    const ok = await cli(['publish', dir, '--repo', 'secure', '-o', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ name: 'pub', version: '1.0.0', digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const again = await cli(['publish', dir, '--repo', secure.url]);
    expect(again.stderr).toMatch(/pub 1.0.0 already exists in .*bump the chart version/s);
  });
});
