import type * as openpgp from 'openpgp';
import { pgp } from './openpgp.js';
import { ChartroomError } from '../errors.js';
import { armorClearSigned, provenanceMessage } from './message.js';

/** Helm signs with SHA-512 (pkg/provenance: defaultPGPConfig). */
const signConfig = (): openpgp.PartialConfig => ({ preferredHashAlgorithm: pgp().enums.hash.sha512 });

/** The text a clear signature covers (RFC 9580 section 7.2): trailing spaces and tabs of each line are not part of it. */
export function canonicalText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\r]+$/, ''))
    .join('\n');
}

/**
 * Writes the provenance file of a chart archive, as `helm package --sign` does: `metadataYaml` (Chart.yaml as
 * Helm marshals it) and the archive's sha256, clear-signed with `key` (decrypted). Like helm, the primary key
 * signs when it may; otherwise its signing subkey.
 */
export async function signChart(archive: Buffer, archiveName: string, metadataYaml: string, key: openpgp.PrivateKey, date: Date = new Date()): Promise<string> {
  const text = provenanceMessage(metadataYaml, archiveName, archive);
  const name = key.getUserIDs()[0] ?? key.getFingerprint().toUpperCase();
  const primaryCanSign = await key.getSigningKey(key.getKeyID(), date).then(
    () => true,
    () => false,
  );
  let signature: Uint8Array;
  try {
    const message = await pgp().createMessage({ text: canonicalText(text), date });
    signature = await pgp().sign({ message, signingKeys: key, signingKeyIDs: primaryCanSign ? key.getKeyID() : undefined, detached: true, format: 'binary', date, config: signConfig() });
  } catch (e) {
    throw new ChartroomError('SIGNING_KEY', `key ${name} cannot sign: ${(e as Error).message}`, { cause: e, hint: 'is the key expired or revoked, or without a key that may sign?' });
  }
  const parsed = await pgp().readSignature({ binarySignature: signature });
  const hashes = [...new Set(parsed.packets.map((p) => pgp().enums.read(pgp().enums.hash, p.hashAlgorithm!).toUpperCase()))];
  return armorClearSigned(hashes.join(','), text, Buffer.from(signature));
}
