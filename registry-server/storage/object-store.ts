import type { Readable } from 'node:stream';
import { ChartroomError } from '../../core/errors.js';

/** One stored object's metadata. */
export interface ObjectInfo {
  key: string;
  /** Changes with every write of the key; what `ifMatch` compares. */
  etag: string;
  size: number;
  lastModified: Date;
}

export interface StoredObject extends ObjectInfo {
  body: Buffer;
}

export interface PutOptions {
  /** Create only: fail with PreconditionFailed if the key exists. */
  ifNoneMatch?: '*';
  /** Replace only this version: fail with PreconditionFailed if the key's ETag differs (or it is gone). */
  ifMatch?: string;
  contentType?: string;
}

/** Bytes of an object, both ends inclusive; an `end` past the object (or none) means up to its last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface PutStreamOptions {
  /** Refuse with UPLOAD_TOO_LARGE as soon as the stream passes this many bytes; nothing is stored then. */
  maxBytes?: number;
  /** Create only: fail with PreconditionFailed if the key exists. */
  ifNoneMatch?: '*';
  contentType?: string;
}

/** An object being read: its metadata (size is the whole object's) and the bytes asked for. */
export interface ObjectStream extends ObjectInfo {
  /** The bytes from `start` to `end`; the caller must read it to the end or destroy it, and handle its 'error'. */
  body: Readable;
  start: number;
  /** Inclusive; `start - 1` for an empty object read whole. */
  end: number;
}

export interface ListPage {
  objects: ObjectInfo[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  next?: string;
}

/**
 * Where the registry keeps charts: local disk or any S3-compatible store. Keys are `/`-separated paths.
 * Conditional writes are what keep several replicas on one store safe without another shared service.
 */
export interface ObjectStore {
  readonly kind: string;
  get(key: string): Promise<StoredObject | undefined>;
  head(key: string): Promise<ObjectInfo | undefined>;
  put(key: string, body: Buffer, opts?: PutOptions): Promise<ObjectInfo>;
  /**
   * Writes what a stream yields, without holding it all in memory (a bounded part at a time), and only once the
   * stream has ended without error: a failed or oversized stream stores nothing. The stream's errors reject.
   */
  putStream(key: string, body: AsyncIterable<Buffer>, opts?: PutStreamOptions): Promise<ObjectInfo>;
  /** Reads an object, or a range of it, as a stream; undefined when it is missing. RangeNotSatisfiable when `range.start` is past its end. */
  getStream(key: string, range?: ByteRange): Promise<ObjectStream | undefined>;
  /** Copies an object to another key inside the store (no bytes through this process where the backend allows); undefined when `from` is missing. */
  copy(from: string, to: string, opts?: { contentType?: string }): Promise<ObjectInfo | undefined>;
  /** Deletes a key; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under a prefix in lexical order, a page at a time. */
  list(prefix: string, opts?: { cursor?: string; limit?: number }): Promise<ListPage>;
  /**
   * A token that changes whenever a key under `prefix` (a folder: ends with `/`) is added, replaced or deleted,
   * for a backend that can tell cheaply; undefined when it cannot tell or is not sure (then callers list). Lets a
   * replica's periodic sync skip listing thousands of keys when nothing changed.
   */
  changeToken?(prefix: string): Promise<string | undefined>;
}

/** A conditional write lost: the key exists (create-only) or changed (if-match). The registry handles it; never sent to a client. */
export class PreconditionFailed extends ChartroomError {
  constructor(readonly key: string, message = `precondition failed for ${key}`) {
    super('STORAGE_CONFLICT', message);
    this.name = 'PreconditionFailed';
  }
}

/** Storage could not be reached or refused the request; the HTTP layer answers 503 (and logs the message, never sends it). */
export class StorageUnavailable extends ChartroomError {
  constructor(message: string, cause?: unknown) {
    super('STORAGE_UNAVAILABLE', message, cause === undefined ? {} : { cause });
    this.name = 'StorageUnavailable';
  }
}

/** A range that starts past the end of the object (RFC 9110: 416); `size` is the object's, for the answer's Content-Range. */
export class RangeNotSatisfiable extends ChartroomError {
  constructor(readonly size: number) {
    super('RANGE_NOT_SATISFIABLE', `the range starts past the end of the ${size} bytes`);
    this.name = 'RangeNotSatisfiable';
  }
}

/** The error a stream past its byte limit gets: nothing of it is stored. */
export function streamTooLarge(max: number): ChartroomError {
  return new ChartroomError('UPLOAD_TOO_LARGE', `upload is larger than the limit of ${max} bytes`);
}

/** Keys are relative paths of safe segments; anything else is a bug or an attack. */
export function checkKey(key: string): string {
  if (!key || key.startsWith('/') || key.includes('\\') || key.includes('\0') || key.split('/').some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`invalid storage key ${JSON.stringify(key)}`);
  }
  return key;
}

/** Every object under a prefix, following pages. */
export async function listAll(store: ObjectStore, prefix: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, { cursor, limit: 1000 });
    out.push(...page.objects);
    cursor = page.next;
  } while (cursor);
  return out;
}
