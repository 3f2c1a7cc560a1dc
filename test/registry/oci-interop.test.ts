// The OCI distribution API of `chart serve` (the real process, auth on) against the real clients: helm 4
// (registry login, push, pull, template, dependency update) and Debian's skopeo (inspect, list-tags, copy both
// ways), with the one store behind the Helm protocol and the ChartMuseum API.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { parse } from 'yaml';
import { writeChart } from '../support/charts.js';
import { chartCli } from '../support/cli.js';
import { helm } from '../support/helm.js';
import { basic } from '../support/registry.js';
import { startReplica, type Replica } from '../support/replica.js';
import { skopeo } from '../support/skopeo.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

const tmp = tempDir();
let serve: Replica;
let host: string;
/** The first archive pushed, hello 0.1.0. */
let firstTgz: string;
const ADMIN = basic('admin', 'admin-pass');
const CI_TOKEN = 'ci-token-0123456789abcdef';

/** helm with a home of its own inside this test's folder. */
const h = (args: string[], home = 'home') =>
  helm(args, { env: { HOME: join(tmp.dir, home), HELM_CACHE_HOME: join(tmp.dir, home, 'cache'), HELM_CONFIG_HOME: join(tmp.dir, home, 'config'), HELM_DATA_HOME: join(tmp.dir, home, 'data') } });
/** What helm printed, both streams (it reports pushes and pulls on stderr). */
const said = (r: { stdout: string; stderr: string }) => `${r.stdout}${r.stderr}`;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const http = (path: string, init: RequestInit = {}) => fetch(`${serve.url}${path}`, init);

/** A small Go-template chart, packaged by helm; returns the archive's path. */
async function goChart(name: string, version: string, description = `chart ${name}`): Promise<string> {
  const dir = writeChart(join(tmp.dir, 'src', `${name}-${version}-${sha(Buffer.from(description)).slice(0, 8)}`), name, {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\ndescription: ${description}\nappVersion: "1.0"\n`,
    'values.yaml': 'greeting: hello\n',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
  });
  const out = join(tmp.dir, 'packages', `${name}-${version}-${sha(Buffer.from(description)).slice(0, 8)}`);
  await helm(['package', dir, '-d', out]);
  return join(out, `${name}-${version}.tgz`);
}

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync('admin-pass', 5)}\nreader:${bcrypt.hashSync('reader-pass', 5)}\n`);
  writeFileSync(join(tmp.dir, 'tokens.yaml'), `tokens:\n  - name: ci\n    sha256: ${sha(Buffer.from(CI_TOKEN))}\n    scopes: {team-a: [read, write]}\nusers:\n  reader: {"*": [read]}\n`);
  serve = await startReplica(['--storage-dir', join(tmp.dir, 'storage'), '--htpasswd', join(tmp.dir, 'htpasswd'), '--tokens', join(tmp.dir, 'tokens.yaml')]);
  host = new URL(serve.url).host;
});
afterAll(async () => {
  await serve?.stop();
  tmp.cleanup();
});

describe('the real helm against chart serve over OCI, auth on', () => {
  it('logs in through the token flow: a wrong password is refused, the right one accepted', async () => {
    await expect(h(['registry', 'login', host, '-u', 'admin', '-p', 'wrong', '--plain-http'])).rejects.toThrow(/401|unauthorized|invalid credentials/i);
    expect(said(await h(['registry', 'login', host, '-u', 'admin', '-p', 'admin-pass', '--plain-http']))).toContain('Login Succeeded');
    // A token of the tokens file stands as the password of any name that is no user.
    expect(said(await h(['registry', 'login', host, '-u', 'ci', '-p', CI_TOKEN, '--plain-http'], 'ci-home'))).toContain('Login Succeeded');
    expect(said(await h(['registry', 'login', host, '-u', 'reader', '-p', 'reader-pass', '--plain-http'], 'reader-home'))).toContain('Login Succeeded');
  });

  it('pushes to the root repository and to a tenant; the charts are in index.yaml, the ChartMuseum API and the page', async () => {
    const tgz = (firstTgz = await goChart('hello', '0.1.0'));
    const root = said(await h(['push', tgz, `oci://${host}`, '--plain-http']));
    expect(root).toContain(`Pushed: ${host}/hello:0.1.0`);
    const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(root)![1];
    const tenant = said(await h(['push', tgz, `oci://${host}/team-a`, '--plain-http'], 'ci-home'));
    expect(tenant).toContain(`Pushed: ${host}/team-a/hello:0.1.0`);
    expect(tenant).toContain(`Digest: ${digest}`);
    for (const v of ['0.1.5', '0.2.0', '1.0.0-rc.1']) await h(['push', await goChart('hello', v), `oci://${host}`, '--plain-http']);
    const index = parse(await (await http('/index.yaml')).text()) as { entries: Record<string, { version: string; digest: string }[]> };
    expect(index.entries.hello.map((e) => e.version)).toEqual(['1.0.0-rc.1', '0.2.0', '0.1.5', '0.1.0']);
    expect(index.entries.hello.find((e) => e.version === '0.1.0')!.digest).toBe(sha(readFileSync(tgz)));
    expect(((await (await http('/api/team-a/charts/hello')).json()) as { version: string }[]).map((e) => e.version)).toEqual(['0.1.0']);
    const home = await (await http('/')).text();
    expect(home).toContain('<a class="result-name" href="ui/charts/hello">hello</a>');
    expect(home).toMatch(/class="result-version"[^>]*>0\.2\.0</);
    // helm repo add sees the pushed charts as any others.
    await h(['repo', 'add', 'classic', serve.url]);
    expect(said(await h(['search', 'repo', 'classic/hello']))).toContain('0.2.0');
  });

  it('pulls back exactly what it pushed, by version and by range, shows and renders it', async () => {
    const dest = join(tmp.dir, 'pulled');
    mkdirSync(dest, { recursive: true });
    await h(['pull', `oci://${host}/hello`, '--version', '0.1.0', '--plain-http', '-d', dest]);
    expect(readFileSync(join(dest, 'hello-0.1.0.tgz')).equals(readFileSync(firstTgz))).toBe(true);
    // Reads are open: a helm that never logged in pulls too (through an anonymous token).
    const anonymous = join(tmp.dir, 'pulled-anonymously');
    mkdirSync(anonymous, { recursive: true });
    await h(['pull', `oci://${host}/hello`, '--version', '0.1.0', '--plain-http', '-d', anonymous], 'anon-home');
    expect(readFileSync(join(anonymous, 'hello-0.1.0.tgz')).equals(readFileSync(firstTgz))).toBe(true);
    // A range on OCI works in helm 4: it lists the tags (tags/list) and takes the newest that fits.
    const ranged = join(tmp.dir, 'ranged');
    mkdirSync(join(ranged, 'team'), { recursive: true });
    await h(['pull', `oci://${host}/hello`, '--version', '^0.1', '--plain-http', '-d', ranged]);
    await h(['pull', `oci://${host}/team-a/hello`, '--version', '>=0.1.0 <1.0.0', '--plain-http', '-d', join(ranged, 'team')], 'reader-home');
    expect(readdirSync(ranged).sort()).toEqual(['hello-0.1.5.tgz', 'team']);
    expect(readdirSync(join(ranged, 'team'))).toEqual(['hello-0.1.0.tgz']);
    expect(said(await h(['show', 'chart', `oci://${host}/hello`, '--version', '0.2.0', '--plain-http']))).toContain('version: 0.2.0');
    const rendered = (await h(['template', 'demo', `oci://${host}/hello`, '--version', '0.2.0', '--plain-http', '--set', 'greeting=hi'])).stdout;
    expect(rendered).toContain('name: demo-cm');
    expect(rendered).toContain('greeting: "hi"');
  });

  it('resolves an oci:// dependency with helm dependency update', async () => {
    const app = join(tmp.dir, 'app');
    mkdirSync(join(app, 'templates'), { recursive: true });
    writeFileSync(join(app, 'Chart.yaml'), `apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: hello\n    version: ~0.1.0\n    repository: oci://${host}\n`);
    await h(['dependency', 'update', app, '--plain-http']);
    expect(readdirSync(join(app, 'charts'))).toEqual(['hello-0.1.5.tgz']);
    const lock = parse(readFileSync(join(app, 'Chart.lock'), 'utf8')) as { dependencies: { name: string; version: string; repository: string }[] };
    expect(lock.dependencies).toEqual([{ name: 'hello', version: '0.1.5', repository: `oci://${host}` }]);
  });

  it('takes the same chart again as a no-op, refuses other contents for a pushed version, and pushes by a reader', async () => {
    const again = said(await h(['push', firstTgz, `oci://${host}`, '--plain-http']));
    expect(again).toContain(`Pushed: ${host}/hello:0.1.0`);
    await expect(h(['push', await goChart('hello', '0.1.0', 'other contents'), `oci://${host}`, '--plain-http'])).rejects.toThrow(/409|denied: hello 0.1.0 already exists/);
    await expect(h(['push', await goChart('fresh', '1.0.0'), `oci://${host}`, '--plain-http'], 'reader-home')).rejects.toThrow(/401|403|denied|unauthorized/i);
    await expect(h(['push', await goChart('fresh', '1.0.0'), `oci://${host}/team-b`, '--plain-http'], 'ci-home')).rejects.toThrow(/401|403|denied|unauthorized/i);
    expect((await http('/api/charts/fresh')).status).toBe(404);
  });

  it('pulls charts published through the ChartMuseum API and with chart publish, byte for byte', async () => {
    const tgz = await goChart('museum', '3.1.4');
    expect((await http('/api/charts', { method: 'POST', body: new Uint8Array(readFileSync(tgz)), headers: { Authorization: ADMIN } })).status).toBe(201);
    const viaCli = await goChart('published', '2.7.1');
    const env = { CHARTROOM_CONFIG_DIR: join(tmp.dir, 'chart-config'), CHARTROOM_CACHE_DIR: join(tmp.dir, 'chart-cache') };
    const add = await chartCli(['repo', 'add', 'mine', `${serve.url}/team-a`, '--username', 'admin', '--password-stdin'], { env, input: 'admin-pass\n' });
    expect(add.stderr).toBe('');
    const published = await chartCli(['publish', viaCli, '--repo', 'mine'], { env });
    expect([published.code, published.stderr]).toEqual([0, '']);
    const dest = join(tmp.dir, 'from-classic');
    mkdirSync(dest, { recursive: true });
    await h(['pull', `oci://${host}/museum`, '--version', '3.1.4', '--plain-http', '-d', dest]);
    await h(['pull', `oci://${host}/team-a/published`, '--version', '2.7.1', '--plain-http', '-d', dest]);
    expect(readFileSync(join(dest, 'museum-3.1.4.tgz')).equals(readFileSync(tgz))).toBe(true);
    expect(readFileSync(join(dest, 'published-2.7.1.tgz')).equals(readFileSync(viaCli))).toBe(true);
  });
});

describe('skopeo reads and writes what chart serve stores', () => {
  const creds = ['--creds', 'admin:admin-pass'];

  it('inspects the raw manifest byte for byte, lists the tags, and copies a chart to a folder', async () => {
    const token = (await (await http(`/v2/token?scope=repository:hello:pull`, { headers: { Authorization: ADMIN } })).json()) as { token: string };
    const served = Buffer.from(await (await http('/v2/hello/manifests/0.2.0', { headers: { Authorization: `Bearer ${token.token}` } })).arrayBuffer());
    const raw = await skopeo(tmp.dir, ['inspect', '--raw', '--tls-verify=false', ...creds, `docker://${host}/hello:0.2.0`]);
    expect(Buffer.from(raw.stdout).equals(served)).toBe(true);
    const tags = JSON.parse((await skopeo(tmp.dir, ['list-tags', '--tls-verify=false', '--creds', 'reader:reader-pass', `docker://${host}/hello`])).stdout) as { Repository: string; Tags: string[] };
    expect(tags).toEqual({ Repository: `${host}/hello`, Tags: ['0.1.0', '0.1.5', '0.2.0', '1.0.0-rc.1'] });
    const dir = join(tmp.dir, 'skopeo-dir');
    await skopeo(tmp.dir, ['copy', '--src-tls-verify=false', '--src-creds', 'admin:admin-pass', `docker://${host}/hello:0.2.0`, `dir:${dir}`]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { config: { digest: string }; layers: { digest: string }[] };
    expect(readFileSync(join(dir, 'manifest.json')).equals(served)).toBe(true);
    const archive = readFileSync(join(dir, manifest.layers[0].digest.slice('sha256:'.length)));
    expect(sha(archive)).toBe(manifest.layers[0].digest.slice('sha256:'.length));
    expect(archive.equals(Buffer.from(await (await http('/charts/hello-0.2.0.tgz')).arrayBuffer()))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, manifest.config.digest.slice('sha256:'.length)), 'utf8'))).toMatchObject({ name: 'hello', version: '0.2.0' });
  });

  it('copies a chart into other tenants, from the registry (a cross-repository mount) and from a folder (uploads)', async () => {
    await skopeo(tmp.dir, ['copy', '--src-tls-verify=false', '--dest-tls-verify=false', ...['--src-creds', 'admin:admin-pass', '--dest-creds', 'admin:admin-pass'], `docker://${host}/hello:0.2.0`, `docker://${host}/team-c/hello:0.2.0`]);
    // The server logs a request when its response has gone: the last one may reach the log just after skopeo exits.
    const teamC = () => serve.logs.filter((l) => l.includes('/v2/team-c/hello/')).map((l) => JSON.parse(l) as { method: string; path: string; status: number });
    await waitFor(() => teamC().some((r) => r.method === 'PUT' && r.path === '/v2/team-c/hello/manifests/0.2.0'), { timeoutMs: 5000, intervalMs: 20, what: 'the manifest PUT in the log' });
    const requests = teamC();
    // The blobs were in the root repository already: skopeo mounts them (201) instead of uploading.
    expect(requests).toContainEqual(expect.objectContaining({ method: 'POST', path: '/v2/team-c/hello/blobs/uploads/', status: 201 }));
    expect(requests).toContainEqual(expect.objectContaining({ method: 'PUT', path: '/v2/team-c/hello/manifests/0.2.0', status: 201 }));
    const index = parse(await (await http('/team-c/index.yaml')).text()) as { entries: Record<string, { version: string; digest: string }[]> };
    const root = parse(await (await http('/index.yaml')).text()) as { entries: Record<string, { version: string; digest: string }[]> };
    expect(index.entries.hello).toEqual([expect.objectContaining({ version: '0.2.0', digest: root.entries.hello.find((e) => e.version === '0.2.0')!.digest })]);
    const dest = join(tmp.dir, 'from-team-c');
    mkdirSync(dest, { recursive: true });
    await h(['pull', `oci://${host}/team-c/hello`, '--version', '0.2.0', '--plain-http', '-d', dest]);
    expect(sha(readFileSync(join(dest, 'hello-0.2.0.tgz')))).toBe(index.entries.hello[0].digest);
    // From the folder the first test wrote: blob uploads (streamed, or mounted where skopeo's cache knows the blob).
    await skopeo(tmp.dir, ['copy', '--dest-tls-verify=false', '--dest-creds', 'ci:' + CI_TOKEN, `dir:${join(tmp.dir, 'skopeo-dir')}`, `docker://${host}/team-a/hello:0.2.0`]);
    const teamA = parse(await (await http('/team-a/index.yaml')).text()) as { entries: Record<string, { version: string; digest: string }[]> };
    expect(teamA.entries.hello.map((e) => e.version)).toEqual(['0.2.0', '0.1.0']);
    expect(teamA.entries.hello[0].digest).toBe(index.entries.hello[0].digest);
  });
});
