import type { ZlibOptions } from 'node:zlib';
import { zlib } from '../builtin.js';
import { createRequire } from 'node:module';

type TarLib = { Header: typeof import('tar/header').Header; Pax: typeof import('tar/pax').Pax };
let tarLib: TarLib | undefined;
/** tar's header and pax codecs (not the whole library), loaded on first use: rendering a folder never needs them. */
function tar(): TarLib {
  if (!tarLib) {
    // Literal require() calls, so the CLI bundle carries these modules; outside the bundle they are resolved.
    if (typeof require === 'function') tarLib = { Header: require('tar/header').Header, Pax: require('tar/pax').Pax };
    else {
      const req = createRequire(import.meta.url);
      tarLib = { Header: req('tar/header').Header, Pax: req('tar/pax').Pax };
    }
  }
  return tarLib!;
}
import { ChartroomError } from '../errors.js';

/** One regular file of a chart, with its path relative to the chart's top folder. */
export interface ChartFile {
  name: string;
  data: Buffer;
}

/** Limits applied to every archive we read; Helm's defaults or stricter. */
export interface ArchiveLimits {
  /** Largest single file, decompressed. Helm: 5 MiB. */
  maxFileBytes: number;
  /** Largest total, decompressed. Helm: 100 MiB. */
  maxTotalBytes: number;
  /** Most entries in one archive. */
  maxEntries: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxFileBytes: 5 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
  maxEntries: 20_000,
};

export interface ReadArchive {
  /** The single top-level folder of the archive (Helm names it after the chart). */
  topDir: string;
  files: ChartFile[];
}

function reject(source: string, message: string, entry?: string): never {
  throw new ChartroomError('ARCHIVE_REJECTED', entry ? `${message}: ${JSON.stringify(entry)}` : message, {
    file: source,
    field: entry,
  });
}

/** Checks a path from an archive and returns it split into segments; throws on anything unsafe. */
function safeSegments(source: string, raw: string): string[] {
  if (raw.includes('\0')) reject(source, 'archive entry name contains a NUL byte', raw);
  if (raw.includes('\\')) reject(source, 'archive entry name contains a backslash', raw);
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) reject(source, 'archive entry has an absolute path', raw);
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) reject(source, 'archive entry escapes the chart folder (path traversal)', raw);
  return parts;
}

function checkGzip(gz: Buffer, source: string): void {
  if (gz.length < 2 || gz[0] !== 0x1f || gz[1] !== 0x8b) reject(source, 'not a gzip-compressed chart archive');
}

/** Most bytes an archive may inflate to: one byte over the limit (plus headers) tells a bomb from an archive exactly at the limit. */
const maxInflated = (limits: ArchiveLimits) => limits.maxTotalBytes + 1024 * 1024 + 1;

function inflateFailed(source: string, limits: ArchiveLimits, e: unknown): never {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
    reject(source, `archive decompresses to more than ${limits.maxTotalBytes} bytes (decompression bomb refused)`);
  }
  reject(source, `archive is not valid gzip: ${err.message}`);
}

/**
 * Reads a gzipped chart archive from memory, refusing traversal, absolute paths, links, devices,
 * oversize files and decompression bombs, each with an error naming the entry.
 */
export function readChartArchive(gz: Buffer, source: string, limits: ArchiveLimits = DEFAULT_LIMITS, opts: { onlyChartYaml?: boolean } = {}): ReadArchive {
  checkGzip(gz, source);
  let tarBuf: Buffer;
  try {
    tarBuf = zlib().gunzipSync(gz, { maxOutputLength: maxInflated(limits) });
  } catch (e) {
    inflateFailed(source, limits, e);
  }
  return parseTar(tarBuf, source, limits, opts);
}

/**
 * Archives inflating at once through readChartArchiveAsync; the others wait their turn, in order. An inflation
 * may hold up to its archive's limit in memory (100 MiB by default): one at a time keeps that bounded however
 * many uploads arrive, and leaves the rest of libuv's thread pool to file system calls. A chart of usual size
 * inflates in milliseconds.
 */
const INFLATE_CONCURRENCY = 1;
let inflating = 0;
const inflateQueue: (() => void)[] = [];

/** Runs `fn` in one of the INFLATE_CONCURRENCY slots. */
async function inflateSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (inflating >= INFLATE_CONCURRENCY) await new Promise<void>((resolve) => inflateQueue.push(resolve));
  else inflating++;
  try {
    return await fn();
  } finally {
    const next = inflateQueue.shift();
    if (next) next();
    else inflating--;
  }
}

/**
 * readChartArchive without blocking the event loop for long: the archive inflates on libuv's thread pool
 * (zlib's asynchronous gunzip), stopping as soon as it passes the limits (a bomb costs at most the limit), at
 * most INFLATE_CONCURRENCY archives at once; then its tar entries are checked exactly as readChartArchive
 * checks them, with the same errors.
 */
export async function readChartArchiveAsync(gz: Buffer, source: string, limits: ArchiveLimits = DEFAULT_LIMITS, opts: { onlyChartYaml?: boolean } = {}): Promise<ReadArchive> {
  checkGzip(gz, source);
  let tarBuf: Buffer;
  try {
    tarBuf = await inflateSlot(() => gunzipAsync(gz, { maxOutputLength: maxInflated(limits), chunkSize: 256 * 1024 }));
  } catch (e) {
    inflateFailed(source, limits, e);
  }
  return parseTar(tarBuf, source, limits, opts);
}

/**
 * readChartArchive for a tar already inflated (by a caller that inflates many archives in one call): the same
 * checks on its entries, with the same errors.
 */
export function readChartArchiveTar(tarBuf: Buffer, source: string, limits: ArchiveLimits = DEFAULT_LIMITS, opts: { onlyChartYaml?: boolean } = {}): ReadArchive {
  return parseTar(tarBuf, source, limits, opts);
}

function gunzipAsync(gz: Buffer, options: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, rejectPromise) => zlib().gunzip(gz, options, (err, out) => (err ? rejectPromise(err) : resolve(out))));
}

/** Walks an inflated tar, applying every rule readChartArchive promises. */
function parseTar(tarBuf: Buffer, source: string, limits: ArchiveLimits, opts: { onlyChartYaml?: boolean }): ReadArchive {
  const files: ChartFile[] = [];
  const seen = new Set<string>();
  let topDir: string | undefined;
  let total = 0;
  let entries = 0;
  let offset = 0;
  let longPath: string | undefined;
  const { Header, Pax } = tar();
  let pax: InstanceType<TarLib['Pax']> | undefined;
  let globalPax: InstanceType<TarLib['Pax']> | undefined;

  while (offset + 512 <= tarBuf.length) {
    const header = new Header(tarBuf, offset, pax, globalPax);
    if (header.nullBlock) break;
    if (!header.cksumValid) reject(source, `corrupt tar header at byte ${offset}`);
    const size = header.size ?? 0;
    const bodyStart = offset + 512;
    const bodyEnd = bodyStart + size;
    if (bodyEnd > tarBuf.length) reject(source, 'archive is truncated', header.path);
    offset = bodyStart + Math.ceil(size / 512) * 512;
    if (++entries > limits.maxEntries) reject(source, `archive has more than ${limits.maxEntries} entries`);

    const type = header.type;
    if (type === 'ExtendedHeader' || type === 'OldExtendedHeader') {
      pax = Pax.parse(tarBuf.subarray(bodyStart, bodyEnd).toString('utf8'), pax, false);
      continue;
    }
    if (type === 'GlobalExtendedHeader') {
      globalPax = Pax.parse(tarBuf.subarray(bodyStart, bodyEnd).toString('utf8'), globalPax, true);
      continue;
    }
    if (type === 'NextFileHasLongPath' || type === 'OldGnuLongPath') {
      longPath = tarBuf.subarray(bodyStart, bodyEnd).toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const name = longPath ?? header.path ?? '';
    longPath = undefined;
    pax = undefined;

    const parts = safeSegments(source, name);
    if (type === 'Directory') continue;
    if (type === 'SymbolicLink' || type === 'Link' || type === 'NextFileHasLongLinkpath') reject(source, 'archive entry is a link, which charts may not contain', name);
    if (type !== 'File' && type !== 'OldFile' && type !== 'ContiguousFile') reject(source, `archive entry is a ${type}, not a regular file`, name);
    if (parts.length < 2) {
      if (parts[0] === 'Chart.yaml') reject(source, 'Chart.yaml is outside the top folder; a chart archive holds one folder named after the chart', name);
      reject(source, 'archive entry is not inside the chart folder', name);
    }
    if (topDir === undefined) topDir = parts[0];
    else if (parts[0] !== topDir) reject(source, `archive has more than one top-level folder (${JSON.stringify(topDir)} and ${JSON.stringify(parts[0])})`, name);
    if (size > limits.maxFileBytes) reject(source, `archive entry is larger than ${limits.maxFileBytes} bytes`, name);
    total += size;
    if (total > limits.maxTotalBytes) reject(source, `archive decompresses to more than ${limits.maxTotalBytes} bytes (decompression bomb refused)`);
    const rel = parts.slice(1).join('/');
    if (seen.has(rel)) reject(source, 'archive holds the same file twice', name);
    seen.add(rel);
    files.push({ name: rel, data: Buffer.from(tarBuf.subarray(bodyStart, bodyEnd)) });
    // Indexing needs only Chart.yaml, which charts put first.
    if (opts.onlyChartYaml && rel === 'Chart.yaml') break;
  }
  if (topDir === undefined) reject(source, 'archive holds no files');
  if (!seen.has('Chart.yaml')) reject(source, `archive has no ${topDir}/Chart.yaml`);
  return { topDir, files };
}

export interface WriteArchiveOptions {
  /** Modification time stamped on every entry (SOURCE_DATE_EPOCH when set). */
  mtime: Date;
}

/** Paths the header fast path writes: printable ASCII without NUL (tar's Header writes the same bytes). */
// eslint-disable-next-line no-control-regex
const ASCII_PATH = /^[\x01-\x7f]*$/;

/** A number field as tar's Header writes it: zero-padded octal, a space and a NUL (11 digits and a NUL when full). */
function octalField(n: number, size: number): string {
  const digits = n.toString(8);
  return digits.length === size - 1 ? `${digits}\0` : `${'0'.repeat(size - digits.length - 2)}${digits} \0`;
}

/** A tar header's checksum: the sum of its bytes, the checksum field counted as spaces. */
export function headerSum(tar: Buffer, offset: number): number {
  const at = tar.byteOffset + offset;
  if (at % 4 !== 0) {
    let sum = 8 * 0x20;
    for (let i = offset; i < offset + 148; i++) sum += tar[i];
    for (let i = offset + 156; i < offset + 512; i++) sum += tar[i];
    return sum;
  }
  // Four bytes at a time, two 16-bit lanes (128 words of at most 2 × 255 per lane cannot overflow a lane);
  // words 37 and 38 are the checksum field.
  const words = new Uint32Array(tar.buffer, at, 128);
  let acc = 0;
  for (let w = 0; w < 128; w++) {
    if (w === 37) w = 39;
    const x = words[w];
    acc += (x & 0x00ff00ff) + ((x >>> 8) & 0x00ff00ff);
  }
  return (acc % 0x10000) + Math.floor(acc / 0x10000) + 8 * 0x20;
}

/**
 * Writes files into a gzipped tar under `topDir/`, in the order given, with fixed owners and modes,
 * so the same input always gives the same bytes.
 */
export function writeChartArchive(topDir: string, files: ChartFile[], opts: WriteArchiveOptions): Buffer {
  const { Header, Pax } = tar();
  const blocks: Buffer[] = [];
  const mtime = new Date(Math.floor(opts.mtime.getTime() / 1000) * 1000);
  // Every entry's header is this one but for the name, the size and the checksum: an ASCII path shorter than
  // the name field and a size under 8 GiB are written into a copy (the bytes tar's Header would write);
  // anything else goes through tar's Header (prefix field, pax).
  const model = Buffer.alloc(512);
  new Header({ path: '', mode: 0o644, size: 0, mtime, uid: 0, gid: 0, uname: '', gname: '', type: 'File' }).encode(model, 0);
  for (const f of files) {
    const path = `${topDir}/${f.name}`;
    const head = Buffer.allocUnsafe(512);
    if (path.length < 100 && f.data.length <= 0o77777777777 && ASCII_PATH.test(path)) {
      model.copy(head);
      head.write(path, 0, 'latin1');
      head.write(octalField(f.data.length, 12), 124, 'latin1');
      head.write(octalField(headerSum(head, 0), 8), 148, 'latin1');
      blocks.push(head, f.data);
      const pad = (512 - (f.data.length % 512)) % 512;
      if (pad) blocks.push(Buffer.alloc(pad));
      continue;
    }
    head.fill(0);
    const fields = { path, mode: 0o644, size: f.data.length, mtime, uid: 0, gid: 0, uname: '', gname: '', type: 'File' as const };
    const needPax = new Header(fields).encode(head, 0);
    if (needPax) {
      blocks.push(new Pax({ path, mtime }).encode());
      new Header({ ...fields, path: path.slice(0, 99) }).encode(head, 0);
    }
    blocks.push(head, f.data);
    const pad = (512 - (f.data.length % 512)) % 512;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  const z = zlib();
  return z.gzipSync(Buffer.concat(blocks), { level: z.constants.Z_DEFAULT_COMPRESSION });
}
