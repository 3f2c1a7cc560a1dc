import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { writeChartArchive } from '../../core/chart/archive.js';
import { pgp } from '../../core/provenance/openpgp.js';
import { signChart } from '../../core/provenance/sign.js';
import { ConfigError } from '../../registry-server/config.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { basic, multipart, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';

// Chart pages say whether a version is signed, and, when the registry has a keyring (--keyring), whether the
// signature verifies and who made it.

const tmp = tempDir('chartroom-ui-prov-');
const ADMIN = basic('admin', 'pw-admin-1');
let withKeys: RunningRegistry;
let withoutKeys: RunningRegistry;

function chart(name: string, version: string): { data: Buffer; chartYaml: string } {
  const chartYaml = `apiVersion: v2\nname: ${name}\nversion: ${version}\n`;
  const data = writeChartArchive(name, [{ name: 'Chart.yaml', data: Buffer.from(chartYaml) }, { name: 'templates/cm.yaml', data: Buffer.from('kind: ConfigMap\n') }], { mtime: new Date(0) });
  return { data, chartYaml };
}

async function publish(reg: RunningRegistry, name: string, version: string, sign?: Parameters<typeof signChart>[3]): Promise<void> {
  const c = chart(name, version);
  const parts = [{ field: 'chart', filename: `${name}-${version}.tgz`, data: c.data }];
  if (sign) parts.push({ field: 'prov', filename: `${name}-${version}.tgz.prov`, data: Buffer.from(await signChart(c.data, `${name}-${version}.tgz`, c.chartYaml, sign)) });
  const m = multipart(parts);
  const r = await fetch(`${reg.url}/api/charts`, { method: 'POST', body: new Uint8Array(m.body), headers: { Authorization: ADMIN, 'Content-Type': m.contentType } });
  expect(r.status).toBe(201);
}

const provenanceOf = async (reg: RunningRegistry, path: string) => {
  const r = await fetch(`${reg.url}${path}`);
  expect(r.status).toBe(200);
  const m = /<dt>Provenance<\/dt><dd class="prov-(\w+)">(.*?)<\/dd>/s.exec(await r.text());
  expect(m).not.toBeNull();
  return { state: m![1], text: m![2] };
};

let signerFingerprint = '';

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync('pw-admin-1', 5)}\n`);
  const key = (name: string) => pgp().generateKey({ type: 'ecc', userIDs: [{ name, email: `${name.toLowerCase()}@example.com` }], date: new Date('2025-01-01T00:00:00Z'), format: 'object' });
  const [signer, stranger] = await Promise.all([key('Signer'), key('Stranger')]);
  signerFingerprint = signer.publicKey.getFingerprint().toUpperCase();
  writeFileSync(join(tmp.dir, 'pubring.gpg'), signer.publicKey.write());
  withKeys = await startTestRegistry({ storageDir: join(tmp.dir, 'a'), htpasswd: join(tmp.dir, 'htpasswd'), keyring: join(tmp.dir, 'pubring.gpg') });
  withoutKeys = await startTestRegistry({ storageDir: join(tmp.dir, 'b'), htpasswd: join(tmp.dir, 'htpasswd') });
  for (const reg of [withKeys, withoutKeys]) {
    await publish(reg, 'trusted', '1.0.0', signer.privateKey);
    await publish(reg, 'foreign', '1.0.0', stranger.privateKey);
    await publish(reg, 'plain', '1.0.0');
  }
});

afterAll(async () => {
  await withKeys?.close();
  await withoutKeys?.close();
  tmp.cleanup();
});

describe('provenance on chart pages', () => {
  it('with a keyring: verified (who signed, which key), refused for a stranger\'s signature, none without a .prov', async () => {
    const trusted = await provenanceOf(withKeys, '/ui/charts/trusted/1.0.0');
    expect(trusted.state).toBe('verified');
    expect(trusted.text).toContain('signed and verified');
    expect(trusted.text).toContain('Signer &lt;signer@example.com&gt;');
    expect(trusted.text).toContain(signerFingerprint);
    const foreign = await provenanceOf(withKeys, '/ui/charts/foreign/1.0.0');
    expect(foreign.state).toBe('failed');
    expect(foreign.text).toContain('does not verify');
    expect(foreign.text).toMatch(/not in the keyring/);
    expect((await provenanceOf(withKeys, '/ui/charts/plain/1.0.0')).state).toBe('none');
  });

  it('without a keyring: signed, and says it cannot verify', async () => {
    for (const name of ['trusted', 'foreign']) {
      const p = await provenanceOf(withoutKeys, `/ui/charts/${name}/1.0.0`);
      expect(p.state).toBe('signed');
      expect(p.text).toContain('no keyring to verify it with');
    }
    expect((await provenanceOf(withoutKeys, '/ui/charts/plain/1.0.0')).state).toBe('none');
  });

  it('refuses to start with a keyring that is not one', async () => {
    writeFileSync(join(tmp.dir, 'junk.gpg'), 'not a keyring');
    await expect(startTestRegistry({ storageDir: join(tmp.dir, 'c'), keyring: join(tmp.dir, 'junk.gpg') })).rejects.toThrow(ConfigError);
    await expect(startTestRegistry({ storageDir: join(tmp.dir, 'c'), keyring: join(tmp.dir, 'missing.gpg') })).rejects.toThrow(/--keyring: .*missing\.gpg does not exist/);
  });
});
