import type * as openpgp from 'openpgp';
import { pgp } from './openpgp.js';
import { ChartroomError } from '../errors.js';

/** The keys of a keyring file, public and secret ones alike. */
export interface Keyring {
  /** The keyring as users name it in messages (its path). */
  source: string;
  keys: openpgp.Key[];
}

const ARMOR_BEGIN = /^-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----\r?$/gm;
const ARMOR_END = /^-----END PGP (PUBLIC|PRIVATE) KEY BLOCK-----\r?$/m;

/** GnuPG 2.1+ keeps keys in a keybox (`pubring.kbx`), which neither helm nor OpenPGP libraries read. */
function isKeybox(data: Buffer): boolean {
  return data.length >= 12 && data.subarray(8, 12).toString('latin1') === 'KBXf';
}

/**
 * Reads a keyring: the binary format of GnuPG 1's `pubring.gpg` and `secring.gpg` (what `gpg --export` and
 * `gpg --export-secret-keys` write, and the only one helm reads), or ASCII-armored key blocks, one or several.
 */
export async function readKeyring(data: Buffer, source: string): Promise<Keyring> {
  if (isKeybox(data)) {
    throw new ChartroomError('KEYRING_INVALID', 'a GnuPG keybox (pubring.kbx), not an OpenPGP keyring', {
      file: source,
      hint: 'export the keys in the legacy format helm reads: gpg --export > ~/.gnupg/pubring.gpg (or gpg --export-secret-keys > ~/.gnupg/secring.gpg to sign)',
    });
  }
  const keys: openpgp.Key[] = [];
  try {
    const text = data.toString('latin1');
    if (/^\s*-----BEGIN PGP /.test(text)) {
      for (const block of armoredBlocks(text)) keys.push(...(await pgp().readKeys({ armoredKeys: block })));
    } else if (data.length > 0) {
      keys.push(...(await pgp().readKeys({ binaryKeys: new Uint8Array(data.buffer, data.byteOffset, data.length) })));
    }
  } catch (e) {
    throw new ChartroomError('KEYRING_INVALID', `not an OpenPGP keyring: ${(e as Error).message}`, { file: source, cause: e, hint: 'give a keyring gpg --export (public keys) or gpg --export-secret-keys (secret keys) wrote' });
  }
  if (keys.length === 0) throw new ChartroomError('KEYRING_INVALID', 'the keyring holds no keys', { file: source });
  return { source, keys };
}

/** The armored key blocks of a text, each from its BEGIN line to its END line. */
function armoredBlocks(text: string): string[] {
  const blocks: string[] = [];
  const starts = [...text.matchAll(ARMOR_BEGIN)].map((m) => m.index);
  for (const [n, start] of starts.entries()) {
    const chunk = text.slice(start, starts[n + 1] ?? text.length);
    const end = ARMOR_END.exec(chunk);
    if (!end) throw new Error('an armored key block has no END line');
    blocks.push(chunk.slice(0, end.index + end[0].length));
  }
  if (blocks.length === 0) throw new Error('no armored key block');
  return blocks;
}

/** Upper-case hex fingerprint of a key's primary key, as helm prints it. */
export function fingerprintOf(key: openpgp.Key): string {
  return key.getFingerprint().toUpperCase();
}

/**
 * The key `id` names, as helm's `--key` finds it (pkg/provenance NewFromKeyring, after GnuPG): a user id equal
 * to `id`, else the one key with a user id containing it; we also take a fingerprint or a long key id in hex.
 */
export function findKey(keyring: Keyring, id: string): openpgp.Key {
  if (id === '') throw new ChartroomError('SIGNING_KEY', 'no key named: give --key with a user id (or part of one) of the signing key', { file: keyring.source });
  for (const key of keyring.keys) if (key.getUserIDs().includes(id)) return key;
  const hex = id.replace(/^0x/i, '').toLowerCase();
  if (/^([0-9a-f]{16}|[0-9a-f]{40}|[0-9a-f]{64})$/.test(hex)) {
    const byId = unique(keyring.keys.filter((k) => k.getFingerprint() === hex || k.getKeyID().toHex() === hex));
    if (byId.length === 1) return byId[0];
  }
  const candidates = unique(keyring.keys.filter((k) => k.getUserIDs().some((u) => u.includes(id))));
  if (candidates.length > 1) {
    throw new ChartroomError('SIGNING_KEY', `more than one key of the keyring has a user id containing ${JSON.stringify(id)}: ${candidates.map((k) => k.getUserIDs()[0] ?? fingerprintOf(k)).join('; ')}`, {
      file: keyring.source,
      hint: 'give the whole user id, or the key fingerprint',
    });
  }
  if (candidates.length === 0) {
    const known = unique(keyring.keys).map((k) => k.getUserIDs()[0] ?? fingerprintOf(k));
    throw new ChartroomError('SIGNING_KEY', `no key of the keyring has a user id containing ${JSON.stringify(id)}`, { file: keyring.source, hint: `the keyring holds: ${known.join('; ')}` });
  }
  return candidates[0];
}

/** One key per fingerprint: a keyring may hold a key both as a public and as a secret key. */
function unique(keys: openpgp.Key[]): openpgp.Key[] {
  const seen = new Map<string, openpgp.Key>();
  for (const k of keys) {
    const fp = k.getFingerprint();
    const had = seen.get(fp);
    // The secret form can sign as well as verify: keep it.
    if (!had || (!had.isPrivate() && k.isPrivate())) seen.set(fp, k);
  }
  return [...seen.values()];
}

/**
 * The secret key to sign with, decrypted: `passphrase` is asked for only when the key is protected by one
 * (helm's DecryptKey). Errors say what to change: a public keyring, a wrong passphrase.
 */
export async function unlockKey(keyring: Keyring, key: openpgp.Key, passphrase?: (keyName: string) => Promise<string>): Promise<openpgp.PrivateKey> {
  const name = key.getUserIDs()[0] ?? fingerprintOf(key);
  const secret = unique(keyring.keys).find((k) => k.getFingerprint() === key.getFingerprint());
  if (!secret || !secret.isPrivate()) {
    throw new ChartroomError('SIGNING_KEY', `the keyring holds only the public part of ${name}`, {
      file: keyring.source,
      hint: 'signing needs a keyring with secret keys: gpg --export-secret-keys > secring.gpg, then --keyring secring.gpg',
    });
  }
  if (secret.isDecrypted()) return secret;
  if (!passphrase) {
    throw new ChartroomError('SIGNING_KEY', `key ${name} is protected by a passphrase`, { file: keyring.source, hint: 'give --passphrase-file FILE (or - to read it from stdin)' });
  }
  const given = await passphrase(name);
  try {
    return await pgp().decryptKey({ privateKey: secret, passphrase: given });
  } catch (e) {
    throw new ChartroomError('SIGNING_KEY', `could not unlock key ${name}: ${(e as Error).message.replace(/^Error decrypting private key: /, '')}`, { file: keyring.source, cause: e, hint: 'check the passphrase' });
  }
}
