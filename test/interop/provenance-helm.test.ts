import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartCli } from '../support/cli.js';
import { helm } from '../support/helm.js';
import { writeChart } from '../support/charts.js';
import { tempDir } from '../support/tmp.js';
import { pgp } from '../../core/provenance/openpgp.js';

// Signed charts against the real helm, both ways: `chart package --sign` → `helm verify`, and `helm package
// --sign` → `chart verify`. The keys are made here with OpenPGP.js and written as GnuPG 1 binary keyrings
// (secring.gpg / pubring.gpg), the only kind helm reads; no gpg binary, no key material in the repository.

const tmp = tempDir('chartroom-prov-');
afterAll(() => tmp.cleanup());
const at = (...p: string[]) => join(tmp.dir, ...p);

interface TestKey {
  secret: Uint8Array;
  public: Uint8Array;
  armoredPublic: string;
  fingerprint: string;
}

async function makeKey(name: string, email: string, opts: { passphrase?: string; type?: 'ecc' | 'rsa' } = {}): Promise<TestKey> {
  const { privateKey, publicKey } = await pgp().generateKey({ type: opts.type ?? 'ecc', rsaBits: 2048, userIDs: [{ name, email }], passphrase: opts.passphrase, date: new Date('2025-01-01T00:00:00Z'), format: 'object' });
  return { secret: privateKey.write(), public: publicKey.write(), armoredPublic: publicKey.armor(), fingerprint: publicKey.getFingerprint().toUpperCase() };
}

const SIGNER = 'Chart Signer <signer@example.com>';
const RELEASE = 'Release Key (ci) <release@example.com>';
let signer: TestKey;
let release: TestKey;
let chartDir: string;
const secring = at('secring.gpg');
const pubring = at('pubring.gpg');
const stranger = at('stranger.gpg');
const armored = at('pubring.asc');

beforeAll(async () => {
  let other: TestKey;
  [signer, release, other] = await Promise.all([
    makeKey('Chart Signer', 'signer@example.com'),
    makeKey('Release Key (ci)', 'release@example.com', { passphrase: 'open sesame', type: 'rsa' }),
    makeKey('Stranger', 'stranger@example.com'),
  ]);
  writeFileSync(secring, Buffer.concat([signer.secret, release.secret]));
  writeFileSync(pubring, Buffer.concat([signer.public, release.public]));
  writeFileSync(stranger, other.public);
  writeFileSync(armored, signer.armoredPublic + release.armoredPublic);
  writeFileSync(at('passphrase'), 'open sesame\n');
  // A Go-template chart with metadata that exercises go-yaml's quoting and folding, and a subchart.
  chartDir = writeChart(tmp.dir, 'signed', {
    'Chart.yaml': [
      'apiVersion: v2',
      'name: signed',
      'version: 1.2.3-rc.1+build.5',
      'appVersion: "1.0"',
      'description: A chart whose description is long enough that go-yaml folds it past the eightieth column, as helm does',
      'keywords: [web, "yes", "-dash", "a: b", "#hash"]',
      'home: https://example.com',
      'maintainers:',
      '  - name: Jane "J" Doe',
      '    email: jane@example.com',
      'annotations:',
      '  a10: x',
      '  a9: "y"',
      '  b: "  leading spaces"',
      '  z.example/notes: "one\\ntwo"',
      "kubeVersion: '>=1.20.0-0'",
      'dependencies:',
      '  - name: sub',
      '    version: 0.1.0',
      '    repository: file://../sub',
      '    import-values: [child, {child: x, parent: "y"}]',
      '',
    ].join('\n'),
    'values.yaml': 'replicas: 1\n',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  replicas: "{{ .Values.replicas }}"\n',
    'charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 0.1.0\n',
  });
});

const ARCHIVE = 'signed-1.2.3-rc.1+build.5.tgz';

/** `chart package --sign` into a fresh folder; returns the archive path. */
async function chartPackageSigned(dest: string, key: string, extra: string[] = [], input?: string): Promise<string> {
  const r = await chartCli(['package', chartDir, '-d', dest, '--sign', '--key', key, '--keyring', secring, ...extra], { input });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return join(dest, ARCHIVE);
}

/** `helm package --sign` into a fresh folder; returns the archive path. */
async function helmPackageSigned(dest: string, key: string, extra: string[] = []): Promise<string> {
  await helm(['package', chartDir, '-d', dest, '--sign', '--key', key, '--keyring', secring, ...extra]);
  return join(dest, ARCHIVE);
}

/** A copy of an archive and its .prov in a folder of its own, to tamper with. */
function copySigned(archive: string, folder: string): string {
  mkdirSync(at(folder), { recursive: true });
  const copy = at(folder, ARCHIVE);
  copyFileSync(archive, copy);
  copyFileSync(`${archive}.prov`, `${copy}.prov`);
  return copy;
}

describe('provenance files with the real helm', () => {
  let ours: string;
  let theirs: string;
  beforeAll(async () => {
    ours = await chartPackageSigned(at('ours'), 'Chart Signer');
    theirs = await helmPackageSigned(at('theirs'), 'Chart Signer');
  });

  it('helm verify accepts the .prov chart package --sign writes, and chart verify prints what helm verify prints', async () => {
    expect(existsSync(`${ours}.prov`)).toBe(true);
    const h = await helm(['verify', '--keyring', pubring, ours]);
    const sha = (await chartCli(['package', chartDir, '-d', at('again'), '-o', 'json'])).stdout;
    const digest = JSON.parse(sha)[0].sha256;
    expect(h.stdout).toBe(`Signed by: ${SIGNER}\nUsing Key With Fingerprint: ${signer.fingerprint}\nChart Hash Verified: sha256:${digest}\n`);
    const c = await chartCli(['verify', ours, '--keyring', pubring]);
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(h.stdout);
  });

  it('chart verify accepts the .prov helm package --sign writes, with the same output as helm verify', async () => {
    const h = await helm(['verify', '--keyring', pubring, theirs]);
    const c = await chartCli(['verify', theirs, '--keyring', pubring]);
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    expect(c.stdout).toBe(h.stdout);
    const json = await chartCli(['verify', theirs, '--keyring', pubring, '-o', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ file: theirs, prov: `${theirs}.prov`, fileName: ARCHIVE, signedBy: [SIGNER], fingerprint: signer.fingerprint, hashAlgorithm: 'SHA512' });
  });

  it("signs the same text helm signs: Chart.yaml as helm marshals it, then the files section, in helm's layout", () => {
    const withoutDigest = (f: string) => readFileSync(`${f}.prov`, 'utf8').split('-----BEGIN PGP SIGNATURE-----')[0].replace(/sha256:[0-9a-f]{64}/, 'sha256:DIGEST');
    const mine = withoutDigest(ours);
    expect(mine).toBe(withoutDigest(theirs));
    // The parts that make it a test of the YAML, not of two empty strings.
    expect(mine).toContain('description: A chart whose description is long enough that go-yaml folds it past the\n  eightieth column, as helm does\n');
    expect(mine).toContain("- - '#hash'\n");
    expect(mine).toContain(`\n...\nfiles:\n  ${ARCHIVE}: sha256:DIGEST\n\n`);
    const sig = (f: string) => readFileSync(`${f}.prov`, 'utf8').split('-----BEGIN PGP SIGNATURE-----')[1];
    for (const s of [sig(ours), sig(theirs)]) expect(s).toMatch(/^\n\n([A-Za-z0-9+/=]{1,64}\n)+-----END PGP SIGNATURE-----$/);
  });

  it('signs with a passphrase-protected RSA key, the passphrase from stdin or a file, both ways', async () => {
    const mine = await chartPackageSigned(at('locked-ours'), 'release@example.com', ['--passphrase-file', '-'], 'open sesame\n');
    expect((await helm(['verify', '--keyring', pubring, mine])).stdout).toContain(`Signed by: ${RELEASE}\nUsing Key With Fingerprint: ${release.fingerprint}\n`);
    const fromFile = await chartPackageSigned(at('locked-file'), 'Release Key', ['--passphrase-file', at('passphrase')]);
    await helm(['verify', '--keyring', pubring, fromFile]);
    const helms = await helmPackageSigned(at('locked-theirs'), 'Release Key', ['--passphrase-file', at('passphrase')]);
    const c = await chartCli(['verify', helms, '--keyring', pubring]);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain(`Using Key With Fingerprint: ${release.fingerprint}\n`);
  });

  it('refuses a wrong passphrase, or a key the keyring lacks, before writing any archive', async () => {
    const wrong = await chartCli(['package', chartDir, '-d', at('wrong'), '--sign', '--key', 'Release', '--keyring', secring, '--passphrase-file', '-'], { input: 'guess\n' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/secring\.gpg: could not unlock key Release Key \(ci\) <release@example\.com>/);
    const none = await chartCli(['package', chartDir, '-d', at('wrong'), '--sign', '--key', 'Nobody', '--keyring', secring]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no key of the keyring has a user id containing "Nobody"/);
    const publicOnly = await chartCli(['package', chartDir, '-d', at('wrong'), '--sign', '--key', 'Chart Signer', '--keyring', pubring]);
    expect(publicOnly.code).toBe(1);
    expect(publicOnly.stderr).toMatch(/holds only the public part/);
    expect(existsSync(at('wrong')) ? readdirSync(at('wrong')) : []).toEqual([]);
  });

  it('both refuse a tampered archive', async () => {
    for (const [origin, archive] of [['ours', ours], ['theirs', theirs]] as const) {
      const copy = copySigned(archive, `tampered-archive-${origin}`);
      writeFileSync(copy, Buffer.concat([readFileSync(copy), Buffer.from([0])]));
      await expect(helm(['verify', '--keyring', pubring, copy])).rejects.toThrow(/sha256 sum does not match/);
      const c = await chartCli(['verify', copy, '--keyring', pubring]);
      expect(c.code).toBe(1);
      expect(c.stdout).toBe('');
      expect(c.stderr).toContain(`Error: ${copy}: its sha256 is `);
      expect(c.stderr).toContain('the archive was changed after signing');
      const json = await chartCli(['verify', copy, '--keyring', pubring, '-o', 'json']);
      expect(JSON.parse(json.stderr)).toMatchObject({ code: 'DIGEST_MISMATCH', file: copy });
    }
  });

  it('both refuse a tampered .prov', async () => {
    for (const [origin, archive] of [['ours', ours], ['theirs', theirs]] as const) {
      const copy = copySigned(archive, `tampered-prov-${origin}`);
      const text = readFileSync(`${copy}.prov`, 'utf8');
      expect(text).toContain('home: https://example.com');
      writeFileSync(`${copy}.prov`, text.replace('home: https://example.com', 'home: https://example.org'));
      await expect(helm(['verify', '--keyring', pubring, copy])).rejects.toThrow(/invalid signature|hash tag doesn't match/);
      const c = await chartCli(['verify', copy, '--keyring', pubring, '-o', 'json']);
      expect(c.code).toBe(1);
      expect(JSON.parse(c.stderr)).toMatchObject({ code: 'SIGNATURE_INVALID', file: `${copy}.prov` });
    }
    // Malformed beyond a signature: both refuse, ours says what is wrong.
    const copy = copySigned(ours, 'malformed-prov');
    writeFileSync(`${copy}.prov`, readFileSync(`${copy}.prov`, 'utf8').replace('-----END PGP SIGNATURE-----', ''));
    await expect(helm(['verify', '--keyring', pubring, copy])).rejects.toThrow();
    const c = await chartCli(['verify', copy, '--keyring', pubring]);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(`Error: ${copy}.prov: no -----END PGP SIGNATURE----- line`);
  });

  it('both refuse a keyring without the signer', async () => {
    for (const archive of [ours, theirs]) {
      await expect(helm(['verify', '--keyring', stranger, archive])).rejects.toThrow(/signature made by unknown entity/);
      const c = await chartCli(['verify', archive, '--keyring', stranger]);
      expect(c.code).toBe(1);
      expect(c.stderr).toContain(`Error: ${archive}.prov: signed by key ${signer.fingerprint.slice(-16)}, which is not in the keyring ${stranger}`);
    }
  });

  it('reads armored keyrings too, which helm cannot (helm needs binary keyrings: gpg --export)', async () => {
    await expect(helm(['verify', '--keyring', armored, theirs])).rejects.toThrow(/failed to load keyring/);
    const c = await chartCli(['verify', theirs, '--keyring', armored]);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain(`Using Key With Fingerprint: ${signer.fingerprint}\n`);
  });
});
