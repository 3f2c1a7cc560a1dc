import { chmodSync, closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirsSync } from './make-dirs.js';

/**
 * Writes a file atomically: a temporary file in the same folder, then rename; `mode` is set before the
 * rename. `data` may be a sequence of pieces, written one at a time, so a large file is never one string.
 * A failure leaves the old file as it was and no temporary file behind.
 */
export function writeFileAtomic(path: string, data: string | Buffer | Iterable<string | Buffer>, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  let fd: number;
  try {
    fd = openSync(tmp, 'w', mode);
  } catch (e) {
    // The folder is made only when it is missing (most writes go to one that exists); a file in its way is
    // reported by making it, as the folder's error.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    makeDirsSync(dirname(path));
    fd = openSync(tmp, 'w', mode);
  }
  try {
    try {
      if (typeof data === 'string' || Buffer.isBuffer(data)) writeAll(fd, data);
      else for (const piece of data) writeAll(fd, piece);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function writeAll(fd: number, piece: string | Buffer): void {
  const buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}
