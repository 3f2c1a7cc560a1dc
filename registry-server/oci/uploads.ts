import { createHash, randomUUID, type Hash } from 'node:crypto';
import { ChartroomError, hasCode } from '../../core/errors.js';
import { listAll, type ObjectInfo, type ObjectStore } from '../storage/object-store.js';

/**
 * Blob upload sessions of the OCI API, kept in the object store so that any replica on the same store can
 * continue one another started: `uploads/<id>/session.json` says whose session it is, and each chunk is an
 * object of its own, `uploads/<id>/part-<offset>`, written create-only (two chunks can never both claim one
 * offset). The session's state is what storage lists under its prefix, so there is nothing else to keep in
 * step. Completing a session checks the digest of all its bytes before anything is committed, then puts the
 * blob at its content address (a copy inside the store, or the parts streamed one after the other) and
 * removes the session. A session with no activity for the time-to-live expires: it is unknown to requests, and
 * a cleanup pass (run on the sync timer) deletes it.
 */

export interface UploadPart {
  key: string;
  start: number;
  size: number;
}

export interface UploadSession {
  id: string;
  repo: string;
  chart: string;
  /** Bytes received so far (the parts are contiguous from 0). */
  size: number;
  parts: UploadPart[];
}

interface SessionFile {
  repo: string;
  chart: string;
  started: number;
}

export interface UploadSessionsOptions {
  /** How long a session may stay without activity before it expires (default one hour). */
  ttlMs?: number;
  now?: () => number;
}

/** Chunks one session may have: each request lists them, so their number is bounded (send larger chunks). */
export const MAX_PARTS = 1000;
const PREFIX = 'uploads/';
const OFFSET_DIGITS = 16;
const partKey = (id: string, start: number) => `${PREFIX}${id}/part-${String(start).padStart(OFFSET_DIGITS, '0')}`;
const sessionKey = (id: string) => `${PREFIX}${id}/session.json`;
const PART_RE = /\/part-(\d{16})$/;

/** A chunk's bytes, seen as they pass: their sha256 and count. */
export async function* hashing(body: AsyncIterable<Buffer>, hash: Hash): AsyncGenerator<Buffer> {
  for await (const chunk of body) {
    hash.update(chunk);
    yield chunk;
  }
}

/** The upload sessions of one object store; see the module comment. */
export class UploadSessions {
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: ObjectStore,
    opts: UploadSessionsOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 3600_000;
    this.now = opts.now ?? Date.now;
  }

  /** Opens a session for a chart of a repository. */
  async start(repo: string, chart: string): Promise<UploadSession> {
    const id = randomUUID();
    const file: SessionFile = { repo, chart, started: this.now() };
    await this.store.put(sessionKey(id), Buffer.from(JSON.stringify(file)), { ifNoneMatch: '*', contentType: 'application/json' });
    return { id, repo, chart, size: 0, parts: [] };
  }

  /**
   * A session as storage has it, if it exists, belongs to this repository and chart, and has not expired (an
   * expired one is deleted on the way). A session whose parts are not contiguous is broken: BLOB_UPLOAD_INVALID.
   */
  async get(id: string, repo: string, chart: string): Promise<UploadSession | undefined> {
    const objects = await listAll(this.store, `${PREFIX}${id}/`);
    const meta = objects.find((o) => o.key === sessionKey(id));
    if (!meta) return undefined;
    if (this.expired(objects)) {
      await this.remove(objects);
      return undefined;
    }
    const body = await this.store.get(meta.key);
    let file: SessionFile;
    try {
      file = JSON.parse(body?.body.toString('utf8') ?? '') as SessionFile;
    } catch {
      return undefined;
    }
    if (file?.repo !== repo || file.chart !== chart) return undefined;
    const parts: UploadPart[] = [];
    let size = 0;
    for (const o of objects) {
      const m = PART_RE.exec(o.key);
      if (!m) continue;
      const start = Number(m[1]);
      if (start !== size) throw new ChartroomError('BLOB_UPLOAD_INVALID', 'the upload session lost a chunk; start the upload again');
      parts.push({ key: o.key, start, size: o.size });
      size += o.size;
    }
    return { id, repo, chart, size, parts };
  }

  /**
   * Appends a chunk at the session's end: at most `max` bytes (UPLOAD_TOO_LARGE past it; nothing stored), and
   * UPLOAD_OUT_OF_ORDER when another chunk took this offset first. An empty chunk stores nothing; past MAX_PARTS
   * chunks, BLOB_UPLOAD_INVALID.
   */
  async append(session: UploadSession, body: AsyncIterable<Buffer>, max: number): Promise<UploadSession> {
    if (session.parts.length >= MAX_PARTS) throw new ChartroomError('BLOB_UPLOAD_INVALID', `an upload has at most ${MAX_PARTS} chunks; send larger chunks`);
    const key = partKey(session.id, session.size);
    let info: ObjectInfo;
    try {
      info = await this.store.putStream(key, body, { maxBytes: max, ifNoneMatch: '*', contentType: 'application/octet-stream' });
    } catch (e) {
      if (hasCode(e, 'STORAGE_CONFLICT')) throw new ChartroomError('UPLOAD_OUT_OF_ORDER', `another chunk was uploaded at offset ${session.size} first`);
      throw e;
    }
    if (info.size === 0) {
      await this.store.delete(key);
      return session;
    }
    return { ...session, size: session.size + info.size, parts: [...session.parts, { key, start: session.size, size: info.size }] };
  }

  /** Removes a chunk this session just stored (one that turned out not to match what the client announced). */
  async dropLast(session: UploadSession): Promise<void> {
    const last = session.parts[session.parts.length - 1];
    if (last) await this.store.delete(last.key);
  }

  /** The hex sha256 of everything a session holds, read back part by part. */
  async digest(session: UploadSession): Promise<string> {
    const hash = createHash('sha256');
    for await (const _ of hashing(this.bytes(session), hash)) void _;
    return hash.digest('hex');
  }

  /** A session's bytes, the parts one after the other, streamed from storage. */
  async *bytes(session: UploadSession): AsyncGenerator<Buffer> {
    for (const part of session.parts) {
      const stream = await this.store.getStream(part.key);
      if (!stream) throw new ChartroomError('BLOB_UPLOAD_INVALID', 'the upload session lost a chunk; start the upload again');
      for await (const chunk of stream.body) yield chunk as Buffer;
    }
  }

  /**
   * Completes a session into the blob at `target`, given the digest its bytes must have (`hex`, and `known`
   * when this request already hashed all of them): DIGEST_INVALID, and nothing committed, when they differ. A
   * blob already at `target` is the same bytes (it is content-addressed) and is kept. The session is removed.
   */
  async complete(session: UploadSession, hex: string, target: string, known?: string): Promise<void> {
    const actual = known ?? (await this.digest(session));
    if (actual !== hex) {
      await this.cancel(session.id);
      throw new ChartroomError('DIGEST_INVALID', `the uploaded bytes have digest sha256:${actual}, not sha256:${hex}`);
    }
    if (!(await this.store.head(target))) {
      if (session.parts.length === 0) await this.store.put(target, Buffer.alloc(0), { contentType: 'application/octet-stream' });
      else if (session.parts.length === 1) await this.store.copy(session.parts[0].key, target, { contentType: 'application/octet-stream' });
      else await this.store.putStream(target, this.bytes(session), { contentType: 'application/octet-stream' });
    }
    await this.cancel(session.id);
  }

  /** Deletes a session and whatever it holds; says whether there was one. */
  async cancel(id: string): Promise<boolean> {
    const objects = await listAll(this.store, `${PREFIX}${id}/`);
    await this.remove(objects);
    return objects.length > 0;
  }

  /** A one-request upload (`POST ?digest=`): a session of its own, never listed in a session file. */
  transient(repo: string, chart: string): UploadSession {
    return { id: randomUUID(), repo, chart, size: 0, parts: [] };
  }

  private expired(objects: ObjectInfo[]): boolean {
    const last = Math.max(...objects.map((o) => o.lastModified.getTime()));
    return this.now() - last > this.ttlMs;
  }

  private async remove(objects: ObjectInfo[]): Promise<void> {
    // Parts first, the session file last: a session is gone for everyone once its file is.
    for (const o of [...objects].sort((a, b) => (a.key.endsWith('/session.json') ? 1 : 0) - (b.key.endsWith('/session.json') ? 1 : 0))) await this.store.delete(o.key);
  }

  /** Deletes every session (and stray part) without activity for the time-to-live; returns how many sessions went. */
  async expire(): Promise<number> {
    const bySession = new Map<string, ObjectInfo[]>();
    for (const o of await listAll(this.store, PREFIX)) {
      const id = o.key.slice(PREFIX.length).split('/')[0];
      let list = bySession.get(id);
      if (!list) bySession.set(id, (list = []));
      list.push(o);
    }
    let n = 0;
    for (const objects of bySession.values()) {
      if (!this.expired(objects)) continue;
      await this.remove(objects);
      n++;
    }
    return n;
  }
}
