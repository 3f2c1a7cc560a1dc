import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { writeChartArchive } from '../../core/chart/archive.js';
import { searchEndpoints } from '../../core/repo/registry-search.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { chartCli, type CliResult } from '../support/cli.js';
import { basic, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

/**
 * `chart search registry`, the built CLI against a Chartroom registry's search API: published charts found,
 * pages followed, filters, credentials from a configured repository, and a clear error for a server that is
 * not a Chartroom registry.
 */
const tmp = tempDir();
const ADMIN = basic('admin', 's3cret-admin');
let open: RunningRegistry & { logs: string[] };
let strict: RunningRegistry & { logs: string[] };
let plain: Server;
let plainUrl = '';

function chart(name: string, version: string, extra = ''): Buffer {
  const files = { 'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\n${extra}`, 'values.yaml': 'replicas: 1\n' };
  return writeChartArchive(name, Object.entries(files).map(([n, data]) => ({ name: n, data: Buffer.from(data) })), { mtime: new Date(0) });
}

async function publish(url: string, data: Buffer, path = '/api/charts'): Promise<void> {
  const r = await fetch(`${url}${path}`, { method: 'POST', body: new Uint8Array(data), headers: { Authorization: ADMIN, 'Content-Type': 'application/gzip' } });
  expect(r.status).toBe(201);
}

/** The CLI with its own configuration folder (repositories and credentials), never the user's. */
function cli(config: string, args: string[], input?: string): Promise<CliResult> {
  const dir = join(tmp.dir, 'config', config);
  mkdirSync(dir, { recursive: true });
  return chartCli(args, { input, env: { CHARTROOM_CONFIG_DIR: dir, HOME: tmp.dir } });
}

const json = (r: CliResult) => {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { name: string; repository: string | null; chart: string; version: string; app_version: string; description: string; deprecated: boolean; type: string }[];
};

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync('s3cret-admin', 5)}\n`);
  open = await startTestRegistry({ storageDir: join(tmp.dir, 'open'), htpasswd: join(tmp.dir, 'htpasswd') });
  strict = await startTestRegistry({ storageDir: join(tmp.dir, 'strict'), htpasswd: join(tmp.dir, 'htpasswd'), requireAuthForReads: true });
  for (let i = 0; i < 25; i++) await publish(open.url, chart(`app-${String(i).padStart(2, '0')}`, '1.0.0', `description: application number ${i}\nappVersion: "${i}.0"\n`));
  await publish(open.url, chart('app-00', '1.1.0', 'description: application number 0, newer\nappVersion: "0.1"\n'));
  await publish(open.url, chart('old-db', '2.0.0', 'description: an old database\ndeprecated: true\n'));
  await publish(open.url, chart('helpers', '0.3.0', 'description: shared helpers\ntype: library\n'));
  await publish(open.url, chart('painter', '0.1.0', 'description: "red \\e[31mALERT\\e[0m\\nsecond line"\n'));
  await publish(open.url, chart('web', '3.0.0', 'description: the team web server\nkeywords: [http]\n'), '/api/team/charts');
  await publish(strict.url, chart('secret-app', '1.0.0', 'description: hidden\n'));

  plain = createServer((_req, res) => {
    res.writeHead(404, { 'Content-Type': 'text/html' });
    res.end('<h1>Not Found</h1>');
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', () => resolve()));
  plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await open?.close();
  await strict?.close();
  await new Promise((resolve) => plain?.close(resolve));
  tmp.cleanup();
});

describe('chart search registry', () => {
  it('lists matching charts as a table, tenants as REPO/NAME, with the latest version', async () => {
    const r = await cli('anon', ['search', 'registry', 'web', '--registry', open.url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+\tCHART VERSION\s*\tAPP VERSION\s*\tDESCRIPTION$/);
    expect(lines.slice(1).map((l) => l.split('\t').map((c) => c.trim()))).toEqual([['team/web', '3.0.0', '', 'the team web server']]);

    const app0 = await cli('anon', ['search', 'registry', 'app-00', '--registry', open.url]);
    expect(app0.stdout).toMatch(/^app-00\s*\t1\.1\.0\s*\t0\.1\s*\tapplication number 0, newer$/m);

    const none = await cli('anon', ['search', 'registry', 'no-such-thing', '--registry', open.url]);
    expect(none.stdout).toBe('No results found\n');
  });

  it('follows pages up to --max, and says when there are more', async () => {
    const searches = () => open.logs.filter((l) => l.includes('"path":"/api/search"')).length;
    const before = searches();
    const all = json(await cli('anon', ['search', 'registry', 'application', '--registry', open.url, '--page-size', '10', '-o', 'json']));
    expect(all).toHaveLength(25);
    // Three pages of 10, 10 and 5.
    expect(searches() - before).toBe(3);
    expect(new Set(all.map((h) => h.name)).size).toBe(25);
    expect(all.every((h) => /^app-\d\d$/.test(h.name) && h.repository === null)).toBe(true);

    const some = await cli('anon', ['search', 'registry', 'application', '--registry', open.url, '--page-size', '5', '--max', '12']);
    expect(some.code).toBe(0);
    expect(some.stdout.trimEnd().split('\n')).toHaveLength(13);
    expect(some.stderr).toBe('showing 12 of 25 charts; raise --max to see more\n');

    // Without --page-size, one request of up to 100: the same 25.
    expect(json(await cli('anon', ['search', 'registry', 'application', '--registry', open.url, '-o', 'json']))).toEqual(all);
  });

  it('filters by repository, deprecation and type', async () => {
    const team = json(await cli('anon', ['search', 'registry', '--registry', open.url, '--repo', 'team', '-o', 'json']));
    expect(team).toEqual([{ name: 'team/web', repository: 'team', chart: 'web', version: '3.0.0', app_version: '', description: 'the team web server', deprecated: false, type: 'application', keywords: ['http'], updated: expect.any(String) }]);
    const root = json(await cli('anon', ['search', 'registry', '--registry', open.url, '--repo', '/', '-o', 'json']));
    expect(root.some((h) => h.name === 'team/web')).toBe(false);
    expect(root).toHaveLength(28);

    expect(json(await cli('anon', ['search', 'registry', '--registry', open.url, '--deprecated', '-o', 'json'])).map((h) => h.name)).toEqual(['old-db']);
    const fresh = json(await cli('anon', ['search', 'registry', '--registry', open.url, '--no-deprecated', '-o', 'json']));
    expect(fresh.map((h) => h.name)).not.toContain('old-db');
    expect(fresh).toHaveLength(28);
    expect(json(await cli('anon', ['search', 'registry', '--registry', open.url, '--type', 'library', '-o', 'json'])).map((h) => h.name)).toEqual(['helpers']);

    const yaml = await cli('anon', ['search', 'registry', 'old', '--registry', open.url, '-o', 'yaml']);
    expect(yaml.stdout).toContain('name: old-db');
    expect(yaml.stdout).toContain('deprecated: true');

    const missing = await cli('anon', ['search', 'registry', '--registry', open.url, '--repo', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no repository named "nope"/);
  });

  it('keeps terminal control characters a chart description holds out of the table', async () => {
    const r = await cli('anon', ['search', 'registry', 'painter', '--registry', open.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(r.stdout).toContain('red  [31mALERT [0m second line');
  });

  it('needs credentials where reads do, and uses those of a configured repository', async () => {
    const anon = await cli('strict', ['search', 'registry', '--registry', strict.url]);
    expect(anon.code).toBe(1);
    expect(anon.stdout).toBe('');
    expect(anon.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(anon.stderr).toMatch(/needs credentials.*chart repo add NAME URL --username/);

    const added = await cli('strict', ['repo', 'add', 'private', strict.url, '--username', 'admin', '--password-stdin'], 's3cret-admin\n');
    expect(added.code).toBe(0);
    const byName = json(await cli('strict', ['search', 'registry', '--registry', 'private', '-o', 'json']));
    expect(byName.map((h) => h.name)).toEqual(['secret-app']);
    // The URL of a configured repository gets its credentials too.
    expect(json(await cli('strict', ['search', 'registry', '--registry', `${strict.url}/`, '-o', 'json'])).map((h) => h.name)).toEqual(['secret-app']);

    const wrong = await cli('wrong', ['repo', 'add', 'private', strict.url, '--username', 'admin', '--password-stdin'], 's3cret-admin\n');
    expect(wrong.code).toBe(0);
    writeFileSync(join(tmp.dir, 'config', 'wrong', 'credentials.yaml'), 'private:\n  username: admin\n  password: nope\n');
    const refused = await cli('wrong', ['search', 'registry', '--registry', 'private']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/credentials of repository private were refused \(401\)/);
  });

  it("searches the registry's repository a configured repository's URL names", async () => {
    const added = await cli('team', ['repo', 'add', 'team', `${open.url}/team`]);
    expect(added.code).toBe(0);
    expect(json(await cli('team', ['search', 'registry', '--registry', 'team', '-o', 'json'])).map((h) => h.name)).toEqual(['team/web']);
    // An explicit --repo wins.
    expect(json(await cli('team', ['search', 'registry', 'old', '--registry', 'team', '--repo', '/', '-o', 'json'])).map((h) => h.name)).toEqual(['old-db']);
  });

  it('says clearly when the server is not a Chartroom registry, and when a name is not configured', async () => {
    const r = await cli('anon', ['search', 'registry', 'web', '--registry', plainUrl]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`Error: ${plainUrl} is not a Chartroom registry (it has no /api/search); search a Helm repository's index with chart search repo instead\n`);

    const asJson = await cli('anon', ['search', 'registry', 'web', '--registry', `${plainUrl}/charts/team`, '-o', 'json']);
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stderr)).toMatchObject({ code: 'SOURCE_UNSUPPORTED' });

    const unknown = await cli('anon', ['search', 'registry', '--registry', 'nowhere']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no repository named "nowhere"; give the registry's URL/);

    const noFlag = await cli('anon', ['search', 'registry', 'web']);
    expect(noFlag.code).not.toBe(0);
    expect(noFlag.stderr).toMatch(/--registry/);
  });
});

describe('search endpoints', () => {
  it("tries the URL as the registry's root, then a named repository's parent", () => {
    expect(searchEndpoints('https://charts.example.com')).toEqual([{ url: 'https://charts.example.com/api/search' }]);
    expect(searchEndpoints('https://charts.example.com/')).toEqual([{ url: 'https://charts.example.com/api/search' }]);
    expect(searchEndpoints('https://example.com/proxy/team/')).toEqual([
      { url: 'https://example.com/proxy/team/api/search' },
      { url: 'https://example.com/proxy/api/search', impliedRepo: 'team' },
    ]);
    // Not a repository's name (upper case, dots): no second guess.
    expect(searchEndpoints('https://example.com/Charts.v2')).toEqual([{ url: 'https://example.com/Charts.v2/api/search' }]);
  });
});
