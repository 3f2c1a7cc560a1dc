import { crypto } from '../builtin.js';
import { ChartroomError } from '../errors.js';

/** A provenance file is a few kilobytes; anything much larger is not one (and is not parsed). */
export const MAX_PROV_BYTES = 64 * 1024;

const BEGIN_SIGNED = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIGNATURE = '-----BEGIN PGP SIGNATURE-----';
const END_SIGNATURE = '-----END PGP SIGNATURE-----';
/** The YAML document end marker Helm puts between Chart.yaml and the digests (`---` cannot open a line of a clear-signed text). */
const SEPARATOR = '...';
const DIGEST = /^sha256:([0-9a-f]{64})$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;
const HEADER = /^([A-Za-z][A-Za-z0-9-]*): (.*)$/;

/** The parts of an OpenPGP clear-signed message (RFC 9580 section 7). */
export interface ClearSigned {
  /** Hash algorithms the `Hash:` armor headers name, upper case (empty when there is none). */
  hashes: string[];
  /** The signed text, dash-escaping undone, lines joined by `\n`; the line break before the signature is not part of it. */
  text: string;
  /** The signature packets, decoded from the armor. */
  signature: Buffer;
}

/** The signed text of a Helm provenance file: Chart.yaml, then the archive it vouches for. */
export interface ProvenanceBody {
  /** The chart metadata as the signer wrote it (YAML; Helm ignores it when verifying, and so do we). */
  metadata: string;
  /** The archive's file name, as the `files:` section names it. */
  fileName: string;
  /** Hex sha256 of the archive, as the `files:` section gives it. */
  sha256: string;
}

const invalid = (source: string, message: string, hint?: string): ChartroomError => new ChartroomError('PROV_INVALID', message, { file: source, hint });

/** Hex sha256 of some bytes (Helm's provenance digest). */
export function sha256Hex(data: Buffer): string {
  return crypto().createHash('sha256').update(data).digest('hex');
}

/**
 * The text Helm signs for a chart archive (pkg/provenance/sign.go, messageBlock): the chart metadata as YAML,
 * the document end marker `...`, then `files:` with the archive's name and sha256.
 */
export function provenanceMessage(metadataYaml: string, fileName: string, archive: Buffer): string {
  if (!isPlainFileName(fileName)) throw new ChartroomError('PROV_INVALID', `${JSON.stringify(fileName)} cannot be named in a provenance file`, { hint: 'sign NAME-VERSION.tgz archives' });
  const metadata = metadataYaml.endsWith('\n') ? metadataYaml : `${metadataYaml}\n`;
  return `${metadata}\n${SEPARATOR}\nfiles:\n  ${fileName}: sha256:${sha256Hex(archive)}\n`;
}

/** A file name that YAML reads back as the same plain string: what chart archive names are. */
function isPlainFileName(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/.test(name) && !name.includes(': ');
}

/** OpenPGP's CRC-24 (RFC 9580 section 6.1), of the armor's optional checksum line. */
function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/** Armors a clear-signed message as Helm (Go's openpgp/clearsign) writes it: LF line ends, dash-escaping, 64-column base64, no checksum line. */
export function armorClearSigned(hash: string, text: string, signature: Buffer): string {
  const body = text
    .split('\n')
    .map((line) => (line.startsWith('-') ? `- ${line}` : line))
    .join('\n');
  const b64 = signature.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `${BEGIN_SIGNED}\nHash: ${hash}\n\n${body}\n${BEGIN_SIGNATURE}\n\n${lines.join('\n')}\n${END_SIGNATURE}`;
}

/**
 * Splits a clear-signed message into its headers, signed text and signature, refusing anything else: one
 * pass over the lines with plain string operations, so the time is linear in the size whatever the input, and
 * the size is bounded before anything is read. Nothing here is trusted yet: the signature is checked later.
 */
export function parseClearSigned(prov: Buffer, source: string): ClearSigned {
  if (prov.length > MAX_PROV_BYTES) throw invalid(source, `larger than ${MAX_PROV_BYTES} bytes, so not a provenance file`);
  const textAll = prov.toString('utf8');
  if (textAll.includes('\uFFFD') || textAll.includes('\0')) throw invalid(source, 'not UTF-8 text');
  const lines = textAll.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  if (lines[i]?.trimEnd() !== BEGIN_SIGNED) throw invalid(source, `does not start with ${BEGIN_SIGNED}`, 'a provenance file is an OpenPGP clear-signed message, as helm package --sign writes it');
  i++;
  const hashes: string[] = [];
  for (; i < lines.length && lines[i] !== ''; i++) {
    const m = HEADER.exec(lines[i]);
    if (!m || m[1] !== 'Hash') throw invalid(source, `unexpected armor header line ${i + 1}: a clear-signed message has only Hash: headers`);
    for (const h of m[2].split(',')) if (h.trim()) hashes.push(h.trim().toUpperCase());
  }
  if (i >= lines.length) throw invalid(source, 'the signed text is missing');
  i++;
  const text: string[] = [];
  for (; i < lines.length && lines[i] !== BEGIN_SIGNATURE; i++) {
    const line = lines[i];
    if (line.startsWith('- ')) text.push(line.slice(2));
    else if (line.startsWith('-')) throw invalid(source, `line ${i + 1} starts with "-" but is not dash-escaped, which a clear-signed message may not hold`);
    else text.push(line);
  }
  if (i >= lines.length) throw invalid(source, `no ${BEGIN_SIGNATURE} line: the file is not signed`);
  i++;
  // Armor headers of the signature block (Version:, Comment: …) are allowed and ignored.
  for (; i < lines.length && lines[i].trim() !== ''; i++) {
    if (!HEADER.test(lines[i])) break;
  }
  if (i < lines.length && lines[i].trim() === '') i++;
  const b64: string[] = [];
  let checksum: string | undefined;
  for (; i < lines.length && lines[i].trim() !== END_SIGNATURE; i++) {
    const line = lines[i].trim();
    if (checksum !== undefined) throw invalid(source, `line ${i + 1}: text after the signature's checksum`);
    if (line.startsWith('=') && line.length === 5) checksum = line.slice(1);
    else if (BASE64_LINE.test(line)) b64.push(line);
    else throw invalid(source, `line ${i + 1} of the signature is not base64`);
  }
  if (i >= lines.length) throw invalid(source, `no ${END_SIGNATURE} line`);
  for (i++; i < lines.length; i++) if (lines[i].trim() !== '') throw invalid(source, `line ${i + 1}: text after ${END_SIGNATURE}`);
  const joined = b64.join('');
  if (joined.length === 0 || joined.length % 4 !== 0 || /=[^=]/.test(joined)) throw invalid(source, 'the signature block is not valid base64');
  const signature = Buffer.from(joined, 'base64');
  if (checksum !== undefined) {
    const want = Buffer.from(checksum, 'base64');
    if (want.length !== 3 || want.readUIntBE(0, 3) !== crc24(signature)) throw invalid(source, "the signature block's checksum does not match: the file was damaged");
  }
  return { hashes, text: text.join('\n'), signature };
}

/**
 * Reads the signed text of a provenance file: the metadata, `...`, then exactly one `files:` entry with a
 * sha256 digest. A second entry, a second digest, or anything but `files:` after the marker is refused:
 * the archive the file vouches for must be beyond doubt.
 */
export function parseProvenanceBody(text: string, source: string): ProvenanceBody {
  const lines = text.split('\n');
  const marker = lines.indexOf(SEPARATOR);
  if (marker < 0) throw invalid(source, 'the signed text has no "..." line between the chart metadata and the files section');
  if (lines.indexOf(SEPARATOR, marker + 1) >= 0) throw invalid(source, 'the signed text has more than one "..." line');
  const metadata = lines.slice(0, marker).join('\n');
  let i = marker + 1;
  while (i < lines.length && lines[i].trim() === '') i++;
  if (lines[i]?.trimEnd() !== 'files:') throw invalid(source, `expected "files:" after the "..." line, found ${JSON.stringify(lines[i] ?? '')}`);
  const entries: [string, string][] = [];
  for (i++; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    if (line === '') continue;
    if (!line.startsWith(' ')) throw invalid(source, `unexpected ${JSON.stringify(line)} in the files section: a provenance file names one archive and nothing else`);
    const entry = line.trim();
    const colon = entry.indexOf(': ');
    if (colon <= 0) throw invalid(source, `malformed files entry ${JSON.stringify(entry)}`);
    const name = unquote(entry.slice(0, colon));
    const value = unquote(entry.slice(colon + 2).trim());
    const digest = DIGEST.exec(value);
    if (!digest) throw invalid(source, `files entry for ${name} is not a sha256 digest (${JSON.stringify(value)})`);
    entries.push([name, digest[1]]);
  }
  if (entries.length === 0) throw invalid(source, 'the files section names no archive');
  if (entries.length > 1) throw invalid(source, `the files section has ${entries.length} entries (${entries.map(([n]) => n).join(', ')}); a chart's provenance file names exactly one archive`);
  const [[fileName, sha256]] = entries;
  return { metadata, fileName, sha256 };
}

/** A YAML key or value in single or double quotes, without escapes (what a file name or digest needs). */
function unquote(s: string): string {
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) return s.slice(1, -1);
  return s;
}
