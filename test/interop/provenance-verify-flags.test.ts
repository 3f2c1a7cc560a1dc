import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chartCli } from '../support/cli.js';
import { writeChart } from '../support/charts.js';
import { tempDir } from '../support/tmp.js';
import { pgp } from '../../core/provenance/openpgp.js';

// --verify --keyring on the commands that take a chart (pull, template, and install/upgrade/diff through the same
// loader): a signed chart passes, a tampered or foreign one is refused before anything is kept.

const tmp = tempDir('chartroom-verify-flags-');
const at = (...p: string[]) => join(tmp.dir, ...p);
let server: Server;
let base: string;

beforeAll(async () => {
  const key = async (name: string) => (await pgp().generateKey({ type: 'ecc', userIDs: [{ name, email: `${name.toLowerCase()}@example.com` }], date: new Date('2025-01-01T00:00:00Z'), format: 'object' }));
  const [signer, stranger] = await Promise.all([key('Signer'), key('Stranger')]);
  writeFileSync(at('secring.gpg'), signer.privateKey.write());
  writeFileSync(at('pubring.gpg'), signer.publicKey.write());
  writeFileSync(at('stranger.gpg'), stranger.publicKey.write());
  const dir = writeChart(tmp.dir, 'signed', {
    'Chart.yaml': 'apiVersion: v2\nname: signed\nversion: 1.0.0\n',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-signed\n',
  });
  mkdirSync(at('repo'));
  const r = await chartCli(['package', dir, '-d', at('repo'), '--sign', '--key', 'Signer', '--keyring', at('secring.gpg')]);
  expect(r.stderr).toBe('');
  expect(existsSync(at('repo', 'signed-1.0.0.tgz.prov'))).toBe(true);
  // A tampered copy: other bytes under the same name, next to the genuine .prov.
  mkdirSync(at('tampered'));
  const tgz = readFileSync(at('repo', 'signed-1.0.0.tgz'));
  const bad = Buffer.from(tgz);
  bad[bad.length - 5] ^= 0xff;
  writeFileSync(at('tampered', 'signed-1.0.0.tgz'), bad);
  writeFileSync(at('tampered', 'signed-1.0.0.tgz.prov'), readFileSync(at('repo', 'signed-1.0.0.tgz.prov')));
  server = createServer((req, res) => {
    const [folder, file] = (req.url ?? '').split('/').filter(Boolean);
    const path = at(folder ?? '', file ?? '');
    if (!folder || !file || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(readFileSync(path));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  tmp.cleanup();
});

describe('--verify --keyring', () => {
  it('template renders a signed local archive, and refuses a tampered one, a foreign keyring and a folder', async () => {
    const ok = await chartCli(['template', 'rel', at('repo', 'signed-1.0.0.tgz'), '--verify', '--keyring', at('pubring.gpg')]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('name: rel-signed');
    const tampered = await chartCli(['template', 'rel', at('tampered', 'signed-1.0.0.tgz'), '--verify', '--keyring', at('pubring.gpg')]);
    expect(tampered.code).not.toBe(0);
    expect(tampered.stdout).toBe('');
    expect(tampered.stderr).toMatch(/signed-1\.0\.0\.tgz/);
    const stranger = await chartCli(['template', 'rel', at('repo', 'signed-1.0.0.tgz'), '--verify', '--keyring', at('stranger.gpg')]);
    expect(stranger.code).not.toBe(0);
    expect(stranger.stdout).toBe('');
    const folder = await chartCli(['template', 'rel', at('signed'), '--verify', '--keyring', at('pubring.gpg')]);
    expect(folder.code).not.toBe(0);
    expect(folder.stderr).toMatch(/unpacked charts cannot be verified/);
    // Without --verify the tampered bytes are just a chart (its gzip may or may not still read): the flag is what checks.
  });

  it('dependency update and build --verify check every archive against its .prov; a foreign key leaves charts/ as it was', async () => {
    const idx = await chartCli(['repo', 'index', at('repo'), '--url', `${base}/repo`]);
    expect(idx.stderr).toBe('');
    const parent = writeChart(tmp.dir, 'parent', {
      'Chart.yaml': `apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n  - name: signed\n    version: 1.0.0\n    repository: ${base}/repo\n`,
      'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: parent\n',
    });
    const foreign = await chartCli(['dependency', 'update', parent, '--verify', '--keyring', at('stranger.gpg')]);
    expect(foreign.code).not.toBe(0);
    expect(existsSync(join(parent, 'charts')) ? readdirSync(join(parent, 'charts')) : []).toEqual([]);
    expect(existsSync(join(parent, 'Chart.lock'))).toBe(false);
    const ok = await chartCli(['dependency', 'update', parent, '--verify', '--keyring', at('pubring.gpg')]);
    expect(ok.stderr).toBe('');
    expect(readdirSync(join(parent, 'charts'))).toEqual(['signed-1.0.0.tgz']);
    const build = await chartCli(['dependency', 'build', parent, '--verify', '--keyring', at('pubring.gpg')]);
    expect(build.stderr).toBe('');
    expect(build.stdout).toContain('charts/ matches Chart.lock: 1 dependencies');
    const buildForeign = await chartCli(['dependency', 'build', parent, '--verify', '--keyring', at('stranger.gpg')]);
    expect(buildForeign.code).not.toBe(0);
  });

  it('pull --verify keeps the archive and its .prov only when they verify, printing what helm prints', async () => {
    const good = await chartCli(['pull', `${base}/repo/signed-1.0.0.tgz`, '--verify', '--keyring', at('pubring.gpg'), '-d', at('out-good')]);
    expect(good.stderr).toBe('');
    expect(good.stdout).toMatch(/^Signed by: Signer <signer@example\.com>$/m);
    expect(good.stdout).toMatch(/^Chart Hash Verified: sha256:[0-9a-f]{64}$/m);
    expect(readdirSync(at('out-good')).sort()).toEqual(['signed-1.0.0.tgz', 'signed-1.0.0.tgz.prov']);
    const bad = await chartCli(['pull', `${base}/tampered/signed-1.0.0.tgz`, '--verify', '--keyring', at('pubring.gpg'), '-d', at('out-bad')]);
    expect(bad.code).not.toBe(0);
    expect(existsSync(at('out-bad')) ? readdirSync(at('out-bad')) : []).toEqual([]);
    const foreign = await chartCli(['pull', `${base}/repo/signed-1.0.0.tgz`, '--verify', '--keyring', at('stranger.gpg'), '-d', at('out-foreign')]);
    expect(foreign.code).not.toBe(0);
    expect(existsSync(at('out-foreign')) ? readdirSync(at('out-foreign')) : []).toEqual([]);
  });
});
