import { promises as fs, constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { makeDirs } from '../../core/make-dirs.js';
import { checkKey, PreconditionFailed, RangeNotSatisfiable, StorageUnavailable, streamTooLarge, type ByteRange, type ListPage, type ObjectInfo, type ObjectStore, type ObjectStream, type PutOptions, type PutStreamOptions, type StoredObject } from './object-store.js';

const TMP_DIR = '.tmp';
const missing = (e: unknown) => ['ENOENT', 'ENOTDIR', 'EISDIR'].includes((e as NodeJS.ErrnoException).code ?? '');
const LOCK_DIR = '.locks';
const LOCK_STALE_MS = 30_000;

function etagOf(st: { ino: number | bigint; size: number | bigint; mtimeMs: number }): string {
  // A rename gives a new inode, so every completed write changes the tag without hashing the content.
  return `${st.ino.toString(16)}-${st.size.toString(16)}-${Math.floor(st.mtimeMs * 1000).toString(16)}`;
}

function fault(e: unknown, what: string): never {
  const err = e as NodeJS.ErrnoException;
  throw new StorageUnavailable(`local storage: ${what}: ${err.code ?? err.message}`, e);
}

/**
 * `mkdir -p` that holds up against a delete pruning the same folders at the same time (an ENOENT while the
 * chain is being made): it tries again, a few times.
 */
async function ensureDir(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await makeDirs(dir);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw e;
    }
  }
}

/**
 * Objects as files under one folder. Writes are atomic (temporary file, fsync, rename); create-only writes
 * use link(2), which fails if the name exists, so two writers cannot both create a key; if-match writes hold
 * a per-key lock file created with O_EXCL, so they are safe across processes on the same disk too.
 */
export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local';

  /** Folders seen by changeToken: their modification time when last read, and the folders in them then. */
  private readonly folders = new Map<string, { mtime: bigint; subfolders: string[] }>();

  constructor(readonly root: string) {}

  /**
   * The modification times of the prefix's folder and every folder below it. Every write here ends in a rename,
   * link or unlink inside the key's folder, which changes that folder's time, so the token changes with every key
   * added, replaced or deleted. A folder's entries are read again only when its time changed (a new subfolder
   * changes it too), so an unchanged tree costs one stat per folder. File times are as coarse as the kernel's
   * clock tick: a token whose newest time is under two seconds old may miss a change made in the same tick, so it
   * is not given (undefined: list instead).
   */
  async changeToken(prefix: string): Promise<string | undefined> {
    if (!prefix.endsWith('/')) return undefined;
    const parts: string[] = [];
    let newest = 0n;
    const visit = async (dir: string): Promise<void> => {
      let st;
      try {
        st = await fs.stat(dir, { bigint: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
          this.folders.delete(dir);
          parts.push(`${dir}:-`);
          return;
        }
        throw e;
      }
      if (st.mtimeNs > newest) newest = st.mtimeNs;
      parts.push(`${dir}:${st.mtimeNs}:${st.ino}`);
      let seen = this.folders.get(dir);
      if (!seen || seen.mtime !== st.mtimeNs) {
        const entries = await fs.readdir(dir, { withFileTypes: true });
        seen = { mtime: st.mtimeNs, subfolders: entries.filter((e) => e.isDirectory()).map((e) => e.name).sort() };
        this.folders.set(dir, seen);
      }
      for (const sub of seen.subfolders) await visit(join(dir, sub));
    };
    try {
      await visit(join(this.root, ...checkKey(prefix.slice(0, -1)).split('/')));
    } catch {
      // Anything odd: say nothing, the caller lists.
      return undefined;
    }
    if (BigInt(Date.now()) * 1_000_000n - newest < 2_000_000_000n) return undefined;
    return parts.join('|');
  }

  private path(key: string): string {
    return join(this.root, ...checkKey(key).split('/'));
  }

  async init(): Promise<void> {
    try {
      await makeDirs(join(this.root, TMP_DIR));
      await makeDirs(join(this.root, LOCK_DIR));
      await fs.access(this.root, constants.W_OK);
    } catch (e) {
      fault(e, `cannot use ${this.root}`);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const st = await fs.stat(this.path(key));
      if (!st.isFile()) return undefined;
      return { key, etag: etagOf(st), size: st.size, lastModified: st.mtime };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      return fault(e, `stat ${key}`);
    }
  }

  /** The file of a key, opened for reading; undefined when there is none. */
  private async open(key: string): Promise<fs.FileHandle | undefined> {
    try {
      return await fs.open(this.path(key), 'r');
    } catch (e) {
      if (missing(e)) return undefined;
      return fault(e, `open ${key}`);
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const fh = await this.open(key);
    if (!fh) return undefined;
    try {
      const st = await fh.stat();
      const body = await fh.readFile();
      return { key, body, etag: etagOf(st), size: st.size, lastModified: st.mtime };
    } catch (e) {
      return fault(e, `read ${key}`);
    } finally {
      await fh.close();
    }
  }

  private tempPath(): string {
    return join(this.root, TMP_DIR, `${Date.now()}-${randomBytes(6).toString('hex')}`);
  }

  private async writeTemp(body: Buffer): Promise<string> {
    const tmp = this.tempPath();
    const fh = await fs.open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return tmp;
  }

  /**
   * Writes a stream to a temporary file, chunk by chunk; removes the file and rethrows when the stream fails or
   * passes `max`. File system failures become StorageUnavailable; the stream's own errors pass unchanged.
   */
  private async writeTempStream(body: AsyncIterable<Buffer>, max: number, key: string): Promise<string> {
    const tmp = this.tempPath();
    let fh;
    try {
      fh = await fs.open(tmp, 'wx', 0o644);
    } catch (e) {
      return fault(e, `write ${key}`);
    }
    try {
      let size = 0;
      for await (const chunk of body) {
        size += chunk.length;
        if (size > max) throw streamTooLarge(max);
        await fh.write(chunk).catch((e) => fault(e, `write ${key}`));
      }
      await fh.sync().catch((e) => fault(e, `write ${key}`));
    } catch (e) {
      await fh.close().catch(() => undefined);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    await fh.close();
    return tmp;
  }

  private async syncDir(dir: string): Promise<void> {
    try {
      const fh = await fs.open(dir, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch {
      // Some file systems cannot fsync a folder; the rename is still atomic.
    }
  }

  private async lock(key: string): Promise<() => Promise<void>> {
    const file = join(this.root, LOCK_DIR, key.replace(/\//g, '%2F'));
    for (let attempt = 0; ; attempt++) {
      try {
        const fh = await fs.open(file, 'wx');
        await fh.close();
        return () => fs.rm(file, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const st = await fs.stat(file).catch(() => undefined);
        if (st && Date.now() - st.mtimeMs > LOCK_STALE_MS) await fs.rm(file, { force: true });
        if (attempt > 2000) throw new StorageUnavailable(`local storage: lock on ${key} is held too long`);
        await new Promise((r) => setTimeout(r, 2 + Math.random() * 5));
      }
    }
  }

  async put(key: string, body: Buffer, opts: PutOptions = {}): Promise<ObjectInfo> {
    const target = this.path(key);
    let tmp: string | undefined;
    try {
      await ensureDir(dirname(target));
      tmp = await this.writeTemp(body);
      return await this.place(tmp, key, opts);
    } catch (e) {
      if (e instanceof PreconditionFailed || e instanceof StorageUnavailable) throw e;
      return fault(e, `write ${key}`);
    } finally {
      if (tmp) await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  /** Puts a complete temporary file in place of `key` under the write's condition (the file is linked or renamed away). */
  private async place(tmp: string, key: string, opts: PutOptions): Promise<ObjectInfo> {
    const target = this.path(key);
    // A rename or link keeps the inode, size and mtime that make the ETag: describe the object from the temporary
    // file, since a concurrent delete may remove the key as soon as it is in place (S3 answers the same way).
    const st = await fs.stat(tmp);
    const info: ObjectInfo = { key, etag: etagOf(st), size: st.size, lastModified: st.mtime };
    // A delete prunes folders it empties: should the target's folder vanish in between, make it again and retry.
    const intoFolder = async (move: () => Promise<void>) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await move();
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw e;
          await ensureDir(dirname(target));
        }
      }
    };
    if (opts.ifNoneMatch === '*') {
      try {
        await intoFolder(() => fs.link(tmp, target));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new PreconditionFailed(key);
        throw e;
      }
    } else if (opts.ifMatch !== undefined) {
      const unlock = await this.lock(key);
      try {
        const cur = await this.head(key);
        if (!cur || cur.etag !== opts.ifMatch) throw new PreconditionFailed(key);
        await intoFolder(() => fs.rename(tmp, target));
      } finally {
        await unlock();
      }
    } else {
      await intoFolder(() => fs.rename(tmp, target));
    }
    await this.syncDir(dirname(target));
    return info;
  }

  async putStream(key: string, body: AsyncIterable<Buffer>, opts: PutStreamOptions = {}): Promise<ObjectInfo> {
    const target = this.path(key);
    try {
      await ensureDir(dirname(target));
    } catch (e) {
      return fault(e, `write ${key}`);
    }
    const tmp = await this.writeTempStream(body, opts.maxBytes ?? Number.MAX_SAFE_INTEGER, key);
    try {
      return await this.place(tmp, key, { ifNoneMatch: opts.ifNoneMatch });
    } catch (e) {
      if (e instanceof PreconditionFailed || e instanceof StorageUnavailable) throw e;
      return fault(e, `write ${key}`);
    } finally {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  async getStream(key: string, range?: ByteRange): Promise<ObjectStream | undefined> {
    const fh = await this.open(key);
    if (!fh) return undefined;
    try {
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        return undefined;
      }
      const size = st.size;
      const start = range?.start ?? 0;
      if (range && start >= size) throw new RangeNotSatisfiable(size);
      const end = Math.min(range?.end ?? size - 1, size - 1);
      // The stream owns the handle from here: it closes it when it ends, fails or is destroyed.
      const body = fh.createReadStream(end >= start ? { start, end } : { start });
      return { key, body, start, end, etag: etagOf(st), size, lastModified: st.mtime };
    } catch (e) {
      await fh.close().catch(() => undefined);
      if (e instanceof RangeNotSatisfiable) throw e;
      return fault(e, `read ${key}`);
    }
  }

  async copy(from: string, to: string): Promise<ObjectInfo | undefined> {
    const src = this.path(from);
    const target = this.path(to);
    const tmp = this.tempPath();
    try {
      await ensureDir(dirname(target));
      try {
        await fs.copyFile(src, tmp, constants.COPYFILE_EXCL);
      } catch (e) {
        if (missing(e)) return undefined;
        throw e;
      }
      const fh = await fs.open(tmp, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      return await this.place(tmp, to, {});
    } catch (e) {
      if (e instanceof StorageUnavailable) throw e;
      return fault(e, `copy ${from} to ${to}`);
    } finally {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await fs.rm(this.path(key), { force: true });
    } catch (e) {
      fault(e, `delete ${key}`);
    }
    // Folders the delete leaves empty go too (short-lived keys such as upload sessions would otherwise leave a
    // folder each behind forever); a folder that is not empty, or is being filled again, stays.
    const parts = checkKey(key).split('/');
    for (let n = parts.length - 1; n > 0; n--) {
      try {
        await fs.rmdir(join(this.root, ...parts.slice(0, n)));
      } catch {
        break;
      }
    }
  }

  /**
   * Walks the folders in key order (a folder sorts as its name plus "/"), skipping what lies before the
   * cursor and stopping after `limit` keys, so paging through many keys does not walk everything each time.
   */
  async list(prefix: string, opts: { cursor?: string; limit?: number } = {}): Promise<ListPage> {
    const limit = opts.limit ?? 1000;
    const cursor = opts.cursor ?? '';
    const keys: string[] = [];
    let more = false;
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw e;
      }
      const items = entries
        .filter((e) => e.isDirectory() || e.isFile())
        .map((e) => ({ name: e.name, dir: e.isDirectory(), sortKey: rel + e.name + (e.isDirectory() ? '/' : '') }))
        .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
      for (const it of items) {
        if (more) return;
        const key = rel + it.name;
        if (rel === '' && (it.name === TMP_DIR || it.name === LOCK_DIR)) continue;
        if (it.dir) {
          const sub = key + '/';
          // Only folders that can hold keys under the prefix, and not entirely before the cursor.
          if (!(sub.startsWith(prefix) || prefix.startsWith(sub))) continue;
          if (cursor && sub < cursor && !cursor.startsWith(sub)) continue;
          await walk(join(dir, it.name), sub);
        } else {
          if (!key.startsWith(prefix) || (cursor && key <= cursor)) continue;
          if (keys.length >= limit) {
            more = true;
            return;
          }
          keys.push(key);
        }
      }
    };
    try {
      await walk(this.root, '');
    } catch (e) {
      fault(e, `list ${prefix}`);
    }
    const objects: ObjectInfo[] = [];
    const infos = await Promise.all(keys.map((k) => this.head(k)));
    for (const info of infos) if (info) objects.push(info);
    return { objects, next: more ? keys[keys.length - 1] : undefined };
  }
}
