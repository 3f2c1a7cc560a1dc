import type * as openpgp from 'openpgp';
import { pgp } from './openpgp.js';
import { ChartroomError } from '../errors.js';
import { fingerprintOf, readKeyring, type Keyring } from './keyring.js';
import { parseClearSigned, parseProvenanceBody, sha256Hex } from './message.js';
import { canonicalText } from './sign.js';

/** What a verified provenance file vouches for, and who signed it (what `helm verify` prints). */
export interface VerifiedChart {
  /** The archive's file name, as the provenance file names it. */
  fileName: string;
  /** `sha256:<hex>` of the archive, equal to the provenance file's. */
  fileHash: string;
  /** Hex sha256 of the archive. */
  sha256: string;
  /** User ids of the signer's key. */
  signedBy: string[];
  /** Fingerprint of the signer's primary key, upper-case hex. */
  fingerprint: string;
  /** Id of the key that made the signature (the primary key or a signing subkey), upper-case hex. */
  keyId: string;
  /** When the signature was made, by the signer's clock. */
  signedAt: Date;
  /** The signature's hash algorithm, e.g. SHA512. */
  hashAlgorithm: string;
  /** The signed chart metadata (Chart.yaml as the signer wrote it). */
  metadata: string;
}

export interface VerifyNames {
  /** The archive as messages name it (default `archiveName`). */
  archive?: string;
  /** The provenance file as messages name it (default `<archiveName>.prov`). */
  prov?: string;
  /** The keyring as messages name it (default `keyring`). */
  keyring?: string;
  /** Verify as of this time (default now): signatures made later, and keys expired or revoked by then, are refused. */
  date?: Date;
}

const hashName = (algo: number | null) => (algo === null ? 'unknown' : pgp().enums.read(pgp().enums.hash, algo).toUpperCase());

/**
 * Verifies a chart archive against its provenance file, as `helm verify` does: the clear signature must be
 * made by a key of `keyring` (binary or armored) and hold, and the signed text must name exactly this archive
 * with exactly its sha256. Throws a ChartroomError naming the file and what failed: PROV_INVALID (malformed,
 * or vouching for another file), KEYRING_INVALID, SIGNER_UNKNOWN, SIGNATURE_INVALID, DIGEST_MISMATCH.
 */
export async function verifyChart(archive: Buffer, archiveName: string, prov: Buffer, keyring: Buffer | Keyring, names: VerifyNames = {}): Promise<VerifiedChart> {
  const fileName = archiveName.slice(archiveName.lastIndexOf('/') + 1);
  const archiveShown = names.archive ?? archiveName;
  const provName = names.prov ?? `${archiveShown}.prov`;
  const clear = parseClearSigned(prov, provName);
  const ring = Buffer.isBuffer(keyring) ? await readKeyring(keyring, names.keyring ?? 'keyring') : keyring;
  let signature: openpgp.Signature;
  try {
    signature = await pgp().readSignature({ binarySignature: new Uint8Array(clear.signature) });
  } catch (e) {
    throw new ChartroomError('PROV_INVALID', `the signature block holds no OpenPGP signature: ${(e as Error).message}`, { file: provName, cause: e });
  }
  const packets = signature.packets.filter((p) => p.signatureType === pgp().enums.signature.text || p.signatureType === pgp().enums.signature.binary);
  if (packets.length === 0) throw new ChartroomError('PROV_INVALID', 'the signature block holds no signature of a text', { file: provName });
  for (const p of packets) {
    if (clear.hashes.length && !clear.hashes.includes(hashName(p.hashAlgorithm))) {
      throw new ChartroomError('PROV_INVALID', `the Hash: header says ${clear.hashes.join(',')}, but the signature uses ${hashName(p.hashAlgorithm)}`, { file: provName });
    }
  }

  const text = canonicalText(clear.text);
  const message = await pgp().createMessage({ text });
  const results = (await pgp().verify({ message, signature, verificationKeys: ring.keys, expectSigned: false, date: names.date })).signatures;
  // As helm (openpgp.CheckDetachedSignature): the first signature by a key of the keyring decides.
  const known = results.find((r) => ring.keys.some((k) => k.getKeys(r.keyID).length > 0));
  if (!known) {
    const ids = results.map((r) => r.keyID.toHex().toUpperCase());
    throw new ChartroomError('SIGNER_UNKNOWN', `signed by key ${ids.join(', ')}, which is not in the keyring ${ring.source}`, {
      file: provName,
      hint: `import the signer's public key into the keyring (gpg --import KEY; gpg --export > ${ring.source}), if you trust it`,
    });
  }
  const signer = ring.keys.find((k) => k.getKeys(known.keyID).length > 0)!;
  try {
    await known.verified;
  } catch (e) {
    const reason = (e as Error).message;
    const changed = /digest did not match|verification failed/i.test(reason);
    throw new ChartroomError('SIGNATURE_INVALID', `the signature by ${signer.getUserIDs()[0] ?? fingerprintOf(signer)} does not verify: ${changed ? 'the file was changed after signing' : reason}`, {
      file: provName,
      cause: e,
      hint: changed ? 'do not use this chart' : 'the signing key was not valid for this signature (expired, revoked, or newer than the signature); do not use this chart',
    });
  }
  const packet = (await known.signature).packets[0];

  // Only now is the text trusted: it is what the signer wrote.
  const body = parseProvenanceBody(text, provName);
  if (body.fileName !== fileName) {
    throw new ChartroomError('PROV_INVALID', `vouches for ${body.fileName}, not for ${fileName}`, { file: provName, hint: 'a provenance file belongs beside the archive it names' });
  }
  const actual = sha256Hex(archive);
  if (actual !== body.sha256) {
    throw new ChartroomError('DIGEST_MISMATCH', `its sha256 is ${actual}, but ${provName} signs sha256:${body.sha256}: the archive was changed after signing`, { file: archiveShown, hint: 'do not use this chart' });
  }
  return {
    fileName,
    fileHash: `sha256:${actual}`,
    sha256: actual,
    signedBy: signer.getUserIDs(),
    fingerprint: fingerprintOf(signer),
    keyId: known.keyID.toHex().toUpperCase(),
    signedAt: packet.created ?? new Date(0),
    hashAlgorithm: hashName(packet.hashAlgorithm),
    metadata: body.metadata,
  };
}
