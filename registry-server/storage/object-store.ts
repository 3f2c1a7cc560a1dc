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
  /** Deletes a key; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under a prefix in lexical order, a page at a time. */
  list(prefix: string, opts?: { cursor?: string; limit?: number }): Promise<ListPage>;
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
