import { ChartroomError } from '../core/errors.js';

/** A provenance file is a few kilobytes; anything much larger is not one (and is not parsed). */
export const MAX_PROV_BYTES = 64 * 1024;

const BEGIN = '-----BEGIN PGP SIGNED MESSAGE-----';
const SIGNATURE = '-----BEGIN PGP SIGNATURE-----';
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Reads the `files:` section of a Helm provenance file (an OpenPGP clear-signed message): archive file
 * name → hex sha256. One pass over the lines with plain string operations, so the time is linear in the
 * size whatever the input; the size is bounded before anything is read. The signature itself is not
 * verified here (that needs the signer's key).
 */
export function provenanceDigests(prov: Buffer): Map<string, string> {
  if (prov.length > MAX_PROV_BYTES) throw new ChartroomError('PROV_INVALID', `provenance file is larger than ${MAX_PROV_BYTES} bytes`);
  const lines = prov.toString('utf8').split('\n');
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  if (lines[i]?.trimEnd() !== BEGIN) throw new ChartroomError('PROV_INVALID', 'provenance file is not a PGP signed message');
  const files = new Map<string, string>();
  let inFiles = false;
  for (i++; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.startsWith(SIGNATURE)) break;
    if (!inFiles) {
      inFiles = line === 'files:';
      continue;
    }
    if (!line.startsWith(' ') && !line.startsWith('\t')) {
      inFiles = line === 'files:';
      continue;
    }
    const text = line.trim();
    const colon = text.indexOf(': ');
    if (colon <= 0) continue;
    const value = text.slice(colon + 2).trim();
    if (DIGEST.test(value)) files.set(text.slice(0, colon), value.slice('sha256:'.length));
  }
  return files;
}

/** Checks that a provenance file names `file` with exactly this archive's sha256. */
export function checkProvenance(prov: Buffer, file: string, digest: string): void {
  const named = provenanceDigests(prov).get(file);
  if (!named) throw new ChartroomError('PROV_INVALID', `provenance file does not name ${file} with a sha256 digest`);
  if (named !== digest) throw new ChartroomError('PROV_INVALID', `provenance file names sha256:${named} for ${file}, but the archive's digest is sha256:${digest}`);
}
