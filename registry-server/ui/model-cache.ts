import { createHash } from 'node:crypto';
import type { IndexEntry } from '../../core/repo/index-file.js';
import type { ChartRegistry } from '../registry.js';
import { PreconditionFailed, type ObjectStore } from '../storage/object-store.js';
import { chartPageModel, type ChartPageModel } from './chart-page.js';

export interface ModelCacheLimits {
  entries: number;
  /** Bytes of strings held (two per UTF-16 code unit, an estimate). */
  bytes: number;
}

export const DEFAULT_MODEL_CACHE: ModelCacheLimits = { entries: 200, bytes: 64 * 1024 * 1024 };

export interface CachedModel {
  model: ChartPageModel;
  signed: boolean;
  size: number;
}

/** The version's archive is no longer stored (deleted since the index was read). */
export class ModelGone extends Error {}

/** An estimate of the memory a model's strings take. */
function modelSize(m: ChartPageModel): number {
  let chars = m.readmeHtml.length + m.valuesYaml.length + JSON.stringify(m.valuesTable).length + JSON.stringify(m.toc).length;
  for (const t of m.templates) chars += t.path.length + t.text.length;
  chars += JSON.stringify({ ...m, readmeHtml: '', valuesYaml: '', valuesTable: [], toc: [], templates: [] }).length;
  return chars * 2;
}

const seg = (s: string) => encodeURIComponent(s);

/**
 * The format of the models kept in the store. Bump it whenever what chartPageModel computes changes (a field,
 * the sanitizer's rules, the highlighting), so replicas recompute instead of serving models of the old code.
 */
export const MODEL_FORMAT = 2;
/** Where the models live in the registry's store; keys under `ui/` belong to the web UI. */
export const MODEL_STORE_PREFIX = 'ui/models/';
/** The largest stored model read back or written: anything larger is ignored (read) or not kept (write). */
const MAX_STORED_MODEL_BYTES = 16 * 1024 * 1024;

/** Store writes queued at most; models computed past it are served and kept in memory, not stored. */
const MAX_PENDING_WRITES = 1000;

/** What one stored model object holds: the format, the full cache key it was computed for, and the model. */
interface StoredModel {
  format: number;
  key: string;
  signed: boolean;
  model: ChartPageModel;
}

/** Reports a failed store read or write (never fatal: the page is still served from the archive). */
export type ModelCacheWarning = (message: string, error: unknown) => void;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown) => v === undefined || typeof v === 'string';
const strList = (v: unknown) => Array.isArray(v) && v.every(isStr);
const listOf = (v: unknown, each: (o: Obj) => boolean) => Array.isArray(v) && v.every((o) => isObj(o) && each(o));
const allOptStr = (o: Obj, keys: readonly string[]) => keys.every((k) => optStr(o[k]));

/**
 * Whether a value read back from the store is a whole page model of this version, field by field: a corrupt,
 * truncated, older or foreign object is refused (and the model recomputed) rather than half shown.
 */
function isPageModel(v: unknown, name: string, version: string): v is ChartPageModel {
  if (!isObj(v) || v.name !== name || v.version !== version) return false;
  if (!isStr(v.readmeHtml) || !isStr(v.valuesYaml) || (v.engine !== 'handlebars' && v.engine !== 'go')) return false;
  if (!allOptStr(v, ['description', 'appVersion', 'kubeVersion', 'type', 'icon', 'home', 'valuesNotice', 'valuesHtml'])) return false;
  if (!['deprecated', 'readmeTruncated', 'valuesYamlTruncated', 'templatesTruncated'].every((k) => typeof v[k] === 'boolean')) return false;
  if (typeof v.archiveSize !== 'number' || !Number.isSafeInteger(v.archiveSize) || v.archiveSize < 0) return false;
  if (!strList(v.sources) || !strList(v.keywords)) return false;
  if (!isObj(v.annotations) || !Object.values(v.annotations).every(isStr)) return false;
  return (
    listOf(v.maintainers, (m) => isStr(m.name) && allOptStr(m, ['email', 'url'])) &&
    listOf(v.dependencies, (d) => isStr(d.name) && allOptStr(d, ['version', 'repository', 'alias', 'condition'])) &&
    listOf(v.changes, (c) => isStr(c.description) && optStr(c.kind)) &&
    listOf(v.toc, (t) => Number.isInteger(t.level) && (t.level as number) >= 1 && (t.level as number) <= 6 && isStr(t.text) && isStr(t.slug)) &&
    listOf(v.valuesTable, (r) => isStr(r.path) && isStr(r.type) && isStr(r.default) && isStr(r.description) && (r.enum === undefined || strList(r.enum))) &&
    listOf(v.templates, (t) => isStr(t.path) && isStr(t.text) && typeof t.truncated === 'boolean')
  );
}

/** A version's identity: what its model is computed from (its archive never changes under one digest). */
const identityOf = (repo: string, entry: IndexEntry) => [repo, entry.name, entry.version, entry.digest].join('\0');

/**
 * The store key of a version's model: a hash, so no user text reaches a key, and one object per version
 * (the provenance part of the cache key is checked inside), so deleting a version finds its model.
 */
export function modelStoreKey(repo: string, entry: IndexEntry): string {
  return `${MODEL_STORE_PREFIX}${createHash('sha256').update(`${MODEL_FORMAT}\0${identityOf(repo, entry)}`).digest('hex')}.json`;
}

/** Reads a stored object up to `max` bytes: undefined when it is missing, no body when it is larger (its ETag still, to replace it). */
async function readBounded(store: ObjectStore, key: string, max: number): Promise<{ body?: Buffer; etag: string } | undefined> {
  const obj = await store.getStream(key);
  if (!obj) return undefined;
  if (obj.size > max) {
    obj.body.destroy();
    return { etag: obj.etag };
  }
  const chunks: Buffer[] = [];
  let got = 0;
  for await (const chunk of obj.body as AsyncIterable<Buffer>) {
    got += chunk.length;
    if (got > max) {
      obj.body.destroy();
      return { etag: obj.etag };
    }
    chunks.push(chunk);
  }
  return { body: Buffer.concat(chunks), etag: obj.etag };
}

/**
 * The chart pages' models: computed from a version's archive once, then kept in a least-recently-used cache
 * bounded by entries and by size; computations in flight are shared. Models of registry versions have a second
 * level in the registry's store (`ui/models/`), so a replica (or a restarted registry) reads a model another
 * computed instead of unpacking the archive again; what is read back is checked, and anything doubtful is
 * recomputed.
 */
export class ModelCache {
  private readonly entries = new Map<string, CachedModel>();
  private readonly inflight = new Map<string, Promise<CachedModel>>();
  /** Store writes under way, by store key, so forget waits for them before deleting. */
  private readonly writes = new Map<string, Promise<void>>();
  /** The last store write queued: writes run one after another. */
  private writeTail: Promise<void> = Promise.resolve();
  private bytes = 0;
  constructor(
    private readonly registry: ChartRegistry,
    private readonly limits: ModelCacheLimits = DEFAULT_MODEL_CACHE,
    private readonly warn: ModelCacheWarning = () => undefined,
  ) {}

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** The key a version's model is cached under: its archive never changes, its provenance (hence manifest) may be added. */
  keyOf(repo: string, entry: IndexEntry): string {
    const manifest = this.registry.manifestOf(repo, entry.name, entry.version)?.manifest ?? '';
    return [identityOf(repo, entry), manifest].join('\0');
  }

  /** A version's page model: from memory, else the store, else its archive. Throws ModelGone when its archive is no longer stored. */
  model(repo: string, entry: IndexEntry): Promise<CachedModel> {
    const { name, version } = entry;
    const key = this.keyOf(repo, entry);
    const compute = async () => {
      const file = `${name}-${version}.tgz`;
      const found = await this.registry.file(repo, file);
      if (!found) throw new ModelGone();
      // README links are relative to the version's page, /ui/…/charts/NAME/VERSION.
      const model = await chartPageModel(found.body, { name, version, fileUrl: (p) => `./${seg(version)}/files/${p.split('/').map(seg).join('/')}` });
      const prov = await this.registry.file(repo, `${file}.prov`);
      return { model, signed: prov !== undefined };
    };
    return this.load(key, compute, { store: this.registry.store, key: modelStoreKey(repo, entry), name, version });
  }

  /** A model by a key of the caller's, kept in memory only. */
  get(key: string, compute: () => Promise<{ model: ChartPageModel; signed: boolean }>): Promise<CachedModel> {
    return this.load(key, compute);
  }

  /**
   * Drops a version's model from memory and from the store (when its version is deleted); a computation in
   * flight for it is neither kept nor written. Never fails: a store that cannot delete is reported to `warn`.
   */
  async forget(repo: string, entry: IndexEntry): Promise<void> {
    const prefix = `${identityOf(repo, entry)}\0`;
    for (const [k, e] of [...this.entries]) {
      if (!k.startsWith(prefix)) continue;
      this.entries.delete(k);
      this.bytes -= e.size;
    }
    for (const k of [...this.inflight.keys()]) if (k.startsWith(prefix)) this.inflight.delete(k);
    const store = this.registry?.store;
    if (!store) return;
    const key = modelStoreKey(repo, entry);
    await this.writes.get(key);
    try {
      await store.delete(key);
    } catch (e) {
      // Best effort: a model left behind is harmless (it is only ever read for this very archive) and small.
      this.warn(`cannot delete the stored page model ${key}`, e);
    }
  }

  /** Resolves once the store writes started so far have ended (tests, and a graceful stop). */
  async settled(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes.values()]);
  }

  private load(key: string, compute: () => Promise<{ model: ChartPageModel; signed: boolean }>, stored?: { store: ObjectStore; key: string; name: string; version: string }): Promise<CachedModel> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return Promise.resolve(hit);
    }
    let p = this.inflight.get(key);
    if (!p) {
      const current = (): boolean => this.inflight.get(key) === p;
      p = (async () => {
        const read = stored ? await this.readStored(key, stored) : undefined;
        if (read?.model) {
          const entry = { ...read.model, size: modelSize(read.model.model) };
          if (current()) this.put(key, entry);
          return entry;
        }
        const c = await compute();
        const entry = { ...c, size: modelSize(c.model) };
        if (current()) {
          this.put(key, entry);
          if (stored) this.write(key, c, stored.store, stored.key, read?.etag);
        }
        return entry;
      })().finally(() => {
        if (current()) this.inflight.delete(key);
      });
      this.inflight.set(key, p);
    }
    return p;
  }

  /** The stored model for a key, if there is a sound one; its object's ETag either way (to replace it). */
  private async readStored(key: string, at: { store: ObjectStore; key: string; name: string; version: string }): Promise<{ model?: { model: ChartPageModel; signed: boolean }; etag?: string } | undefined> {
    let obj: { body?: Buffer; etag: string } | undefined;
    try {
      obj = await readBounded(at.store, at.key, MAX_STORED_MODEL_BYTES);
    } catch (e) {
      this.warn(`cannot read the stored page model ${at.key}`, e);
      return undefined;
    }
    if (!obj) return undefined;
    if (!obj.body) return { etag: obj.etag };
    let doc: unknown;
    try {
      doc = JSON.parse(obj.body.toString('utf8'));
    } catch {
      return { etag: obj.etag };
    }
    const d = doc as Partial<StoredModel> | null;
    if (!isObj(d) || d.format !== MODEL_FORMAT || d.key !== key || typeof d.signed !== 'boolean' || !isPageModel(d.model, at.name, at.version)) return { etag: obj.etag };
    return { model: { model: d.model, signed: d.signed }, etag: obj.etag };
  }

  /**
   * Keeps a computed model in the store, after the answer is sent: create-only when there was none, else
   * replacing only the object read (another replica's newer write wins). Failures are reported, never thrown.
   */
  private write(key: string, c: { model: ChartPageModel; signed: boolean }, store: ObjectStore, storeKey: string, replaceEtag: string | undefined): void {
    // Past this many writes waiting, a model is not stored: the store is a cache, and whoever needs it next computes it again.
    if (this.writes.has(storeKey) || this.writes.size >= MAX_PENDING_WRITES) return;
    // One write at a time, after the answer is sent: a write with its fsyncs holds a thread of libuv's small pool,
    // and a burst of first views must not queue the reads of the pages being asked for behind the keeping of others.
    const done = this.writeTail
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(async () => {
        const doc: StoredModel = { format: MODEL_FORMAT, key, signed: c.signed, model: c.model };
        const body = Buffer.from(JSON.stringify(doc));
        if (body.length > MAX_STORED_MODEL_BYTES) return;
        await store.put(storeKey, body, { contentType: 'application/json', ...(replaceEtag ? { ifMatch: replaceEtag } : { ifNoneMatch: '*' as const }) });
      })
      .catch((e: unknown) => {
        if (!(e instanceof PreconditionFailed)) this.warn(`cannot store the page model ${storeKey}`, e);
      })
      .finally(() => this.writes.delete(storeKey));
    this.writeTail = done;
    this.writes.set(storeKey, done);
  }

  private put(key: string, entry: CachedModel): void {
    // A model larger than the whole budget is served, never kept.
    if (entry.size > this.limits.bytes || this.limits.entries <= 0) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.size;
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    this.bytes += entry.size;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.limits.entries && this.bytes <= this.limits.bytes) break;
      this.entries.delete(k);
      this.bytes -= e.size;
    }
  }
}
