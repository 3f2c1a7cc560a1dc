import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PrivateKey } from 'openpgp';
import { ChartroomError, type ErrorCode } from '../../core/errors.js';
import { pgp } from '../../core/provenance/openpgp.js';
import { armorClearSigned, MAX_PROV_BYTES, parseClearSigned, parseProvenanceBody, provenanceMessage, sha256Hex } from '../../core/provenance/message.js';
import { canonicalText } from '../../core/provenance/sign.js';
import { findKey, readKeyring, signChart, unlockKey, verifyChart } from '../../core/provenance/index.js';
import { packageChart } from '../../core/actions/package.js';
import { helmMetadataYaml, openSigner, signPackage } from '../../core/actions/package-sign.js';
import { verifyChartFile } from '../../core/actions/verify.js';
import type { ChartMetadata } from '../../core/chart/metadata.js';
import { testContext } from '../support/context.js';
import { writeChart } from '../support/charts.js';

/** A key made for the test: its secret and public halves as GnuPG 1 keyrings hold them (binary), and armored. */
interface TestKey {
  secret: Buffer;
  public: Buffer;
  armoredPublic: string;
  fingerprint: string;
  key: PrivateKey;
}

async function makeKey(name: string, email: string, opts: { passphrase?: string; type?: 'ecc' | 'rsa' } = {}): Promise<TestKey> {
  const { privateKey, publicKey } = await pgp().generateKey({ type: opts.type ?? 'ecc', rsaBits: 2048, userIDs: [{ name, email }], passphrase: opts.passphrase, date: new Date('2025-01-01T00:00:00Z'), format: 'object' });
  return { secret: Buffer.from(privateKey.write()), public: Buffer.from(publicKey.write()), armoredPublic: publicKey.armor(), fingerprint: publicKey.getFingerprint().toUpperCase(), key: privateKey };
}

/** The error a promise (or function) fails with, which must be a ChartroomError. */
async function failure(fn: () => unknown): Promise<ChartroomError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ChartroomError) return e;
    throw new Error(`expected a ChartroomError, got ${String(e)}`);
  }
  throw new Error('expected a failure, but it succeeded');
}

async function expectCode(fn: () => unknown, code: ErrorCode, message?: RegExp): Promise<ChartroomError> {
  const err = await failure(fn);
  expect(err.code).toBe(code);
  if (message) expect(err.message).toMatch(message);
  return err;
}

/** Signs any text with a key, clear-signed as our signer writes provenance files (for bodies no chart would make). */
async function clearSignText(text: string, key: PrivateKey): Promise<Buffer> {
  const message = await pgp().createMessage({ text: canonicalText(text) });
  const sig = await pgp().sign({ message, signingKeys: key, detached: true, format: 'binary', config: { preferredHashAlgorithm: pgp().enums.hash.sha512 } });
  return Buffer.from(armorClearSigned('SHA512', text, Buffer.from(sig)));
}

const METADATA = 'apiVersion: v2\ndescription: a chart\nkeywords:\n- web\n- -dash\nname: web\nversion: 1.2.3\n';
const ARCHIVE = Buffer.from('not really gzip, but provenance only hashes bytes');
const NAME = 'web-1.2.3.tgz';

let signer: TestKey;
let other: TestKey;
let locked: TestKey;
let prov: Buffer;

beforeAll(async () => {
  [signer, other, locked] = await Promise.all([makeKey('Chart Signer', 'signer@example.com'), makeKey('Someone Else', 'else@example.com'), makeKey('Locked Key', 'locked@example.com', { passphrase: 'sesame', type: 'rsa' })]);
  prov = Buffer.from(await signChart(ARCHIVE, NAME, METADATA, signer.key, new Date('2026-01-02T03:04:05Z')));
});

describe('signing a chart (helm package --sign)', () => {
  it("writes Helm's layout: the metadata, `...`, the files section, then the signature, dash-escaped, LF line ends", () => {
    const text = prov.toString('utf8');
    const digest = sha256Hex(ARCHIVE);
    const [head, signature] = text.split('-----BEGIN PGP SIGNATURE-----\n\n');
    expect(head).toBe(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\napiVersion: v2\ndescription: a chart\nkeywords:\n- - web\n- - -dash\nname: web\nversion: 1.2.3\n\n...\nfiles:\n  ${NAME}: sha256:${digest}\n\n`);
    expect(signature.endsWith('\n-----END PGP SIGNATURE-----')).toBe(true);
    const b64 = signature.split('\n').slice(0, -1);
    expect(b64.every((l) => /^[A-Za-z0-9+/=]{1,64}$/.test(l))).toBe(true);
    expect(text).not.toContain('\r');
    expect(provenanceMessage(METADATA, NAME, ARCHIVE)).toBe(`${METADATA}\n...\nfiles:\n  ${NAME}: sha256:${digest}\n`);
  });

  it('reads back exactly the text it signed', () => {
    const clear = parseClearSigned(prov, 'p');
    expect(clear.hashes).toEqual(['SHA512']);
    expect(clear.text).toBe(provenanceMessage(METADATA, NAME, ARCHIVE));
    expect(parseProvenanceBody(clear.text, 'p')).toEqual({ metadata: `${METADATA}`, fileName: NAME, sha256: sha256Hex(ARCHIVE) });
  });

  it('refuses a file name that YAML would not read back as itself', async () => {
    await expectCode(() => signChart(ARCHIVE, 'web: 1.tgz', METADATA, signer.key), 'PROV_INVALID');
    await expectCode(() => signChart(ARCHIVE, '../web-1.tgz', METADATA, signer.key), 'PROV_INVALID');
  });
});

describe('verifying a chart (helm verify)', () => {
  it('accepts the archive it signed and says who signed it, with which key and hash', async () => {
    const v = await verifyChart(ARCHIVE, NAME, prov, signer.public);
    expect(v).toMatchObject({ fileName: NAME, fileHash: `sha256:${sha256Hex(ARCHIVE)}`, signedBy: ['Chart Signer <signer@example.com>'], fingerprint: signer.fingerprint, hashAlgorithm: 'SHA512', metadata: METADATA });
    // The primary key signs, as helm's does: its key id is the fingerprint's last 16 digits.
    expect(signer.fingerprint.endsWith(v.keyId)).toBe(true);
    expect(v.signedAt.toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('takes keyrings binary or armored, public or secret, with other keys in them, and a folder in the archive name', async () => {
    await verifyChart(ARCHIVE, NAME, prov, Buffer.concat([other.public, signer.public]));
    await verifyChart(ARCHIVE, NAME, prov, Buffer.from(`${other.armoredPublic}\n${signer.armoredPublic}`));
    await verifyChart(ARCHIVE, NAME, prov, signer.secret);
    await verifyChart(ARCHIVE, `some/folder/${NAME}`, prov, signer.public);
  });

  it('accepts the file with CRLF line ends and trailing spaces, which a clear signature does not cover', async () => {
    await verifyChart(ARCHIVE, NAME, Buffer.from(prov.toString('utf8').replace(/\n/g, '\r\n')), signer.public);
    await verifyChart(ARCHIVE, NAME, Buffer.from(prov.toString('utf8').replace('name: web\n', 'name: web  \t\n')), signer.public);
  });

  it('refuses an archive changed after signing, naming both digests', async () => {
    const changed = Buffer.concat([ARCHIVE, Buffer.from('!')]);
    const err = await expectCode(() => verifyChart(changed, NAME, prov, signer.public), 'DIGEST_MISMATCH', /changed after signing/);
    expect(err.message).toContain(sha256Hex(changed));
    expect(err.message).toContain(sha256Hex(ARCHIVE));
    expect(err.file).toBe(NAME);
  });

  it('refuses a provenance file changed after signing: its digest, its metadata, its signature', async () => {
    const text = prov.toString('utf8');
    const forged = Buffer.concat([ARCHIVE, Buffer.from('evil')]);
    // The attacker points the signed text at their own archive: the signature no longer holds.
    const retargeted = Buffer.from(text.replace(sha256Hex(ARCHIVE), sha256Hex(forged)));
    const err = await expectCode(() => verifyChart(forged, NAME, retargeted, signer.public), 'SIGNATURE_INVALID', /does not verify: the file was changed after signing/);
    expect(err.file).toBe(`${NAME}.prov`);
    await expectCode(() => verifyChart(ARCHIVE, NAME, Buffer.from(text.replace('a chart', 'a Chart')), signer.public), 'SIGNATURE_INVALID');
    // One character of the signature itself.
    const lines = text.split('\n');
    const at = lines.indexOf('-----BEGIN PGP SIGNATURE-----') + 3;
    const line = lines[at];
    lines[at] = line.slice(0, 30) + (line[30] === 'A' ? 'B' : 'A') + line.slice(31);
    const err2 = await failure(() => verifyChart(ARCHIVE, NAME, Buffer.from(lines.join('\n')), signer.public));
    expect(err2.code).toBe('SIGNATURE_INVALID');
  });

  it('refuses a signature by a key the keyring does not hold, naming the key and the keyring', async () => {
    const err = await expectCode(() => verifyChart(ARCHIVE, NAME, prov, other.public, { keyring: 'trusted.gpg' }), 'SIGNER_UNKNOWN', /not in the keyring trusted\.gpg/);
    expect(err.message).toContain(signer.fingerprint.slice(-16));
  });

  it('takes a file signed by several keys when the keyring holds one of them (the first known signer decides, as in helm)', async () => {
    const text = provenanceMessage(METADATA, NAME, ARCHIVE);
    const message = await pgp().createMessage({ text: canonicalText(text) });
    const sig = await pgp().sign({ message, signingKeys: [other.key, signer.key], detached: true, format: 'binary', config: { preferredHashAlgorithm: pgp().enums.hash.sha512 } });
    const both = Buffer.from(armorClearSigned('SHA512', text, Buffer.from(sig)));
    expect((await verifyChart(ARCHIVE, NAME, both, signer.public)).fingerprint).toBe(signer.fingerprint);
    expect((await verifyChart(ARCHIVE, NAME, both, other.public)).fingerprint).toBe(other.fingerprint);
    await expectCode(() => verifyChart(ARCHIVE, NAME, both, locked.public), 'SIGNER_UNKNOWN', new RegExp(`${other.fingerprint.slice(-16)}, ${signer.fingerprint.slice(-16)}`));
  });

  it('refuses a provenance file that vouches for another archive', async () => {
    await expectCode(() => verifyChart(ARCHIVE, 'web-1.2.4.tgz', prov, signer.public), 'PROV_INVALID', /vouches for web-1\.2\.3\.tgz, not for web-1\.2\.4\.tgz/);
  });

  it('refuses signed files sections with two archives, the same archive twice, other sections, or no digest', async () => {
    const d = sha256Hex(ARCHIVE);
    const bodies: [string, RegExp][] = [
      [`${METADATA}\n...\nfiles:\n  ${NAME}: sha256:${d}\n  other-1.0.0.tgz: sha256:${d}\n`, /2 entries/],
      [`${METADATA}\n...\nfiles:\n  ${NAME}: sha256:${d}\n  ${NAME}: sha256:${'0'.repeat(64)}\n`, /2 entries/],
      [`${METADATA}\n...\nfiles:\n  ${NAME}: sha256:${d}\nimages:\n  x:1: sha256:${d}\n`, /nothing else/],
      [`${METADATA}\n...\nfiles:\n  ${NAME}: sha512:${d}\n`, /not a sha256 digest/],
      [`${METADATA}\n...\nfiles:\n`, /names no archive/],
      [`${METADATA}\nfiles:\n  ${NAME}: sha256:${d}\n`, /no "\.\.\." line/],
      [`${METADATA}\n...\n...\nfiles:\n  ${NAME}: sha256:${d}\n`, /more than one/],
      [`${METADATA}\n...\nsums:\n  ${NAME}: sha256:${d}\n`, /expected "files:"/],
    ];
    for (const [body, message] of bodies) {
      // Properly signed by a trusted key: what is refused is what the text says.
      const signed = await clearSignText(body, signer.key);
      await expectCode(() => verifyChart(ARCHIVE, NAME, signed, signer.public), 'PROV_INVALID', message);
    }
    // Quoted, as other YAML writers may put them, is the same entry.
    await verifyChart(ARCHIVE, NAME, await clearSignText(`${METADATA}\n...\nfiles:\n  "${NAME}": 'sha256:${d}'\n`, signer.key), signer.public);
  });

  it('refuses malformed provenance files, each with what is wrong', async () => {
    const text = prov.toString('utf8');
    const cases: [string, RegExp][] = [
      ['', /does not start with -----BEGIN PGP SIGNED MESSAGE-----/],
      ['hello\n', /does not start with/],
      [text.replace('Hash: SHA512', 'Hash: SHA512\nComment: x'), /only Hash: headers/],
      [text.replace('Hash: SHA512', 'Hash: SHA256'), /Hash: header says SHA256/],
      [text.slice(0, text.indexOf('-----BEGIN PGP SIGNATURE-----')), /not signed/],
      [text.replace('-----END PGP SIGNATURE-----', ''), /no -----END PGP SIGNATURE----- line/],
      [`${text}\nmore`, /text after -----END PGP SIGNATURE-----/],
      [text.replace('- - web', '-web'), /not dash-escaped/],
      [text.replace('-----END PGP SIGNATURE-----', '=AAAA\n-----END PGP SIGNATURE-----'), /checksum does not match/],
      [text.replace('\n-----END', '\n%%%%\n-----END'), /not base64/],
      [text.replace(/\n-----BEGIN PGP SIGNATURE-----\n\n[^]*-----END/, '\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END'), /no OpenPGP signature/],
      [Buffer.concat([prov, Buffer.from([0xff, 0xfe])]).toString('latin1'), /not UTF-8|text after/],
    ];
    for (const [bad, message] of cases) {
      const err = await expectCode(() => verifyChart(ARCHIVE, NAME, Buffer.from(bad, 'latin1'), signer.public), 'PROV_INVALID', message);
      expect(err.file).toBe(`${NAME}.prov`);
    }
    await expectCode(() => verifyChart(ARCHIVE, NAME, Buffer.from([0xc3, 0x28]), signer.public), 'PROV_INVALID', /not UTF-8/);
  });

  it('accepts a correct CRC-24 checksum line, as gpg writes one', async () => {
    const text = prov.toString('utf8');
    const clear = parseClearSigned(prov, 'p');
    const crc = (() => {
      let c = 0xb704ce;
      for (const b of clear.signature) {
        c ^= b << 16;
        for (let i = 0; i < 8; i++) {
          c <<= 1;
          if (c & 0x1000000) c ^= 0x1864cfb;
        }
      }
      return c & 0xffffff;
    })();
    const sum = Buffer.from([crc >> 16, (crc >> 8) & 0xff, crc & 0xff]).toString('base64');
    await verifyChart(ARCHIVE, NAME, Buffer.from(text.replace('\n-----END PGP SIGNATURE-----', `\n=${sum}\n-----END PGP SIGNATURE-----`)), signer.public);
  });

  it('refuses a provenance file over 64 KiB before reading it, and parses adversarial input in linear time', async () => {
    const big = Buffer.concat([prov, Buffer.alloc(MAX_PROV_BYTES, '\n')]);
    await expectCode(() => verifyChart(ARCHIVE, NAME, big, signer.public), 'PROV_INVALID', /larger than 65536 bytes/);
    const head = '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n';
    const shapes = [
      head + '- '.repeat(30_000),
      head + '- \n'.repeat(20_000),
      head + 'a'.repeat(60_000),
      head + '...\n'.repeat(15_000),
      head + 'x\n...\nfiles:\n' + '  a: sha256:0\n'.repeat(4000),
      head + 'x\n-----BEGIN PGP SIGNATURE-----\n\n' + 'A'.repeat(60_000),
      head + 'x\n-----BEGIN PGP SIGNATURE-----\n' + 'Key: v\n'.repeat(8000),
      '-----BEGIN PGP SIGNED MESSAGE-----\n'.repeat(1800),
      ' '.repeat(65_000),
    ];
    for (const shape of shapes) {
      const input = Buffer.from(shape.slice(0, MAX_PROV_BYTES));
      const started = performance.now();
      const err = await failure(() => verifyChart(ARCHIVE, NAME, input, signer.public));
      expect(['PROV_INVALID', 'SIGNATURE_INVALID', 'SIGNER_UNKNOWN']).toContain(err.code);
      expect(performance.now() - started).toBeLessThan(250);
    }
    await expectCode(() => parseProvenanceBody('x\n...\nfiles:\n' + `  a: sha256:${'0'.repeat(64)}\n`.repeat(600), 'p'), 'PROV_INVALID', /600 entries/);
  });
});

describe('keyrings and keys (helm --keyring, --key)', () => {
  it('refuses what is not a keyring, and says how to export a GnuPG 2 keybox', async () => {
    await expectCode(() => readKeyring(Buffer.from('hello'), 'k.gpg'), 'KEYRING_INVALID', /not an OpenPGP keyring/);
    await expectCode(() => readKeyring(Buffer.alloc(0), 'k.gpg'), 'KEYRING_INVALID', /no keys/);
    await expectCode(() => readKeyring(Buffer.from('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n'), 'k.asc'), 'KEYRING_INVALID', /no END line/);
    const keybox = Buffer.concat([Buffer.from([0, 0, 0, 32, 1, 1, 0, 0]), Buffer.from('KBXf'), Buffer.alloc(20)]);
    const err = await expectCode(() => readKeyring(keybox, 'pubring.kbx'), 'KEYRING_INVALID', /keybox/);
    expect(err.details.hint).toContain('gpg --export');
    await expectCode(() => verifyChart(ARCHIVE, NAME, prov, Buffer.from('junk'), { keyring: 'junk.gpg' }), 'KEYRING_INVALID');
  });

  it('finds the key by whole user id, by part of one when only one key matches, or by fingerprint', async () => {
    const ring = await readKeyring(Buffer.concat([signer.secret, other.secret, locked.secret]), 'secring.gpg');
    expect(findKey(ring, 'Chart Signer <signer@example.com>').getFingerprint().toUpperCase()).toBe(signer.fingerprint);
    expect(findKey(ring, 'Someone').getFingerprint().toUpperCase()).toBe(other.fingerprint);
    expect(findKey(ring, signer.fingerprint.toLowerCase()).getFingerprint().toUpperCase()).toBe(signer.fingerprint);
    expect(findKey(ring, `0x${locked.fingerprint.slice(-16)}`).getFingerprint().toUpperCase()).toBe(locked.fingerprint);
    await expectCode(() => findKey(ring, 'example.com'), 'SIGNING_KEY', /more than one key/);
    await expectCode(() => findKey(ring, 'Nobody'), 'SIGNING_KEY', /no key of the keyring has a user id containing "Nobody"/);
    // A key held both as public and as secret key is one key.
    const twice = await readKeyring(Buffer.concat([signer.public, signer.secret]), 'both.gpg');
    expect(findKey(twice, 'Chart').isPrivate()).toBe(true);
  });

  it('unlocks a secret key: refuses a public one, asks for a passphrase only when there is one, refuses a wrong one', async () => {
    const pub = await readKeyring(signer.public, 'pubring.gpg');
    await expectCode(() => unlockKey(pub, findKey(pub, 'Chart'), async () => 'x'), 'SIGNING_KEY', /only the public part/);
    const sec = await readKeyring(Buffer.concat([signer.secret, locked.secret]), 'secring.gpg');
    let asked = 0;
    const ask = async (name: string) => {
      asked++;
      expect(name).toBe('Locked Key <locked@example.com>');
      return 'sesame';
    };
    expect((await unlockKey(sec, findKey(sec, 'Chart'), ask)).isDecrypted()).toBe(true);
    expect(asked).toBe(0);
    await expectCode(() => unlockKey(sec, findKey(sec, 'Locked')), 'SIGNING_KEY', /protected by a passphrase/);
    await expectCode(() => unlockKey(sec, findKey(sec, 'Locked'), async () => 'open'), 'SIGNING_KEY', /could not unlock/);
    const key = await unlockKey(sec, findKey(sec, 'Locked'), ask);
    expect(asked).toBe(1);
    // An RSA key signs and verifies as well.
    const signed = Buffer.from(await signChart(ARCHIVE, NAME, METADATA, key));
    expect((await verifyChart(ARCHIVE, NAME, signed, locked.public)).fingerprint).toBe(locked.fingerprint);
  });
});

describe('chart package --sign and chart verify (actions)', () => {
  const ctx = testContext({ clock: () => new Date('2026-03-04T05:06:07Z') });
  afterAll(() => ctx.cleanup());

  it("writes Chart.yaml into the provenance file as helm does: Helm's fields, sorted, go-yaml v2's quoting and folding", () => {
    const md = {
      apiVersion: 'v2',
      name: 'web',
      version: '1.0.0',
      engine: 'handlebars',
      appVersion: '1.0',
      description: 'A very long description that goes on and on and on past the eighty character limit of the emitter',
      keywords: ['yes', '-dash', 'a: b'],
      annotations: { a10: 'x', a9: 'y', b: '  lead', 'z.example/m': 'one\ntwo' },
      kubeVersion: '>=1.20.0-0',
      dependencies: [{ name: 'db', version: '1.0.0', repository: 'https://charts.example.com', 'import-values': ['child', { child: 'x', parent: 'y' }] }],
    } as ChartMetadata;
    expect(helmMetadataYaml(md)).toBe(
      [
        'annotations:',
        '  a9: "y"',
        '  a10: x',
        "  b: '  lead'",
        '  z.example/m: |-',
        '    one',
        '    two',
        'apiVersion: v2',
        'appVersion: "1.0"',
        'dependencies:',
        '- import-values:',
        '  - child',
        '  - child: x',
        '    parent: "y"',
        '  name: db',
        '  repository: https://charts.example.com',
        '  version: 1.0.0',
        'description: A very long description that goes on and on and on past the eighty character',
        '  limit of the emitter',
        'keywords:',
        '- "yes"',
        '- -dash',
        "- 'a: b'",
        "kubeVersion: '>=1.20.0-0'",
        'name: web',
        'version: 1.0.0',
        '',
      ].join('\n'),
    );
  });

  it('signs a packaged chart beside its archive, with the metadata as packaged (--version), and verifies it from disk', async () => {
    const dir = writeChart(ctx.root, 'web', { 'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\nengine: handlebars\n', 'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' });
    const secring = join(ctx.root, 'secring.gpg');
    const pubring = join(ctx.root, 'pubring.gpg');
    writeFileSync(secring, Buffer.concat([other.secret, signer.secret]));
    writeFileSync(pubring, signer.public);
    const s = await openSigner(ctx, { keyring: secring, key: 'Chart Signer' });
    expect(s.fingerprint).toBe(signer.fingerprint);
    const pkg = await signPackage(ctx, packageChart(ctx, { path: dir, destination: join(ctx.root, 'out'), version: '0.2.0' }), s);
    expect(pkg.prov).toBe(`${pkg.file}.prov`);
    const text = readFileSync(pkg.prov!, 'utf8');
    expect(text).toContain('\nname: web\nversion: 0.2.0\n\n...\nfiles:\n  web-0.2.0.tgz: sha256:');
    expect(text).not.toContain('engine');
    const v = await verifyChartFile(ctx, { chart: pkg.file, keyring: pubring });
    expect(v).toMatchObject({ file: pkg.file, provFile: pkg.prov, fileHash: `sha256:${pkg.sha256}`, fingerprint: signer.fingerprint, signedBy: ['Chart Signer <signer@example.com>'] });
    expect(v.signedAt.toISOString()).toBe('2026-03-04T05:06:07.000Z');

    // The file errors name the file.
    await expectCode(() => verifyChartFile(ctx, { chart: pkg.file, keyring: join(ctx.root, 'missing.gpg') }), 'FILE_NOT_FOUND', /^keyring does not exist$/);
    await expectCode(() => verifyChartFile(ctx, { chart: dir, keyring: pubring }), 'NOT_A_CHART_DIR', /unpacked charts cannot be verified/);
    await expectCode(() => verifyChartFile(ctx, { chart: join(ctx.root, 'nope-1.0.0.tgz'), keyring: pubring }), 'FILE_NOT_FOUND');
    const unsigned = packageChart(ctx, { path: dir, destination: join(ctx.root, 'unsigned') });
    const missing = await expectCode(() => verifyChartFile(ctx, { chart: unsigned.file, keyring: pubring }), 'PROV_MISSING');
    expect(missing.file).toBe(`${unsigned.file}.prov`);
    writeFileSync(`${unsigned.file}.prov`, Buffer.alloc(MAX_PROV_BYTES + 1, 'a'));
    await expectCode(() => verifyChartFile(ctx, { chart: unsigned.file, keyring: pubring }), 'PROV_INVALID', /larger than/);

    // The archive changed on disk.
    writeFileSync(pkg.file, Buffer.concat([readFileSync(pkg.file), Buffer.from([0])]));
    const err = await expectCode(() => verifyChartFile(ctx, { chart: pkg.file, keyring: pubring }), 'DIGEST_MISMATCH');
    expect(err.file).toBe(pkg.file);
  });

  it('opens the signer before anything is written: a wrong key or keyring leaves no archive', async () => {
    const secring = join(ctx.root, 'secring2.gpg');
    writeFileSync(secring, signer.public);
    await expectCode(() => openSigner(ctx, { keyring: secring, key: 'Chart' }), 'SIGNING_KEY', /only the public part/);
    await expectCode(() => openSigner(ctx, { keyring: join(ctx.root, 'none.gpg'), key: 'Chart' }), 'FILE_NOT_FOUND');
    expect(existsSync(join(ctx.root, 'none.gpg'))).toBe(false);
  });
});
