import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import semver from 'semver';
import { ChartroomError, hasCode } from '../core/errors.js';
import { loadChartArchiveAsync } from '../core/chart/loader.js';
import { DEFAULT_LIMITS } from '../core/chart/archive.js';
import { indexEntryFromMetadata, type IndexEntry } from '../core/repo/index-file.js';
import { RepositoryIndex } from './index-cache.js';
import { checkProvenance, provenanceDigests, MAX_PROV_BYTES } from './provenance.js';
import { listAll, type ObjectInfo, type ObjectStore } from './storage/object-store.js';

export interface RegistryOptions {
  store: ObjectStore;
  /** Re-publishing an existing version always replaces it. */
  allowOverwrite?: boolean;
  /** `?force` may not replace an existing version. */
  disableForceOverwrite?: boolean;
  /** External base URL for chart URLs in the index; relative URLs when absent. */
  chartUrl?: string;
  maxUploadBytes?: number;
  /** Parallel storage reads while loading the index. */
  concurrency?: number;
  /** Named repositories that exist before anything is published into them. */
  repositories?: string[];
  onWarning?: (message: string, details?: Record<string, unknown>) => void;
}

const REPO_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Names a repository cannot take: the registry's own routes, today's and those planned (OCI, web UI). */
export const RESERVED_REPOS = new Set(['api', 'charts', 'health', 'info', 'metrics', 'index.yaml', 'index.json', 'v2', 'ui', 'assets', 'static', 'login', 'logout', 'search', 'token', 'auth', 'favicon.ico', 'robots.txt']);

/** Chart names the registry accepts: what a URL path segment and a file name can hold without escaping tricks. */
export const CHART_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MAX_CHART_NAME = 250;

export function checkRepo(repo: string): string {
  if (repo === '') return repo;
  if (!REPO_RE.test(repo) || RESERVED_REPOS.has(repo)) throw new ChartroomError('REPO_NOT_FOUND', `no repository named ${JSON.stringify(repo)}`);
  return repo;
}

/** A chart name and version from a request or an upload, checked before anything reaches storage. */
export function checkChartName(name: string): string {
  if (name.length > MAX_CHART_NAME || !CHART_NAME_RE.test(name)) {
    throw new ChartroomError('BAD_REQUEST', `chart name ${JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name)} is invalid`, {
      hint: `a chart name has letters, digits, ".", "_" and "-", starts with a letter or digit, and has at most ${MAX_CHART_NAME} characters`,
    });
  }
  return name;
}

export function checkVersion(version: string): string {
  if (version.length > 256 || semver.valid(version) === null) throw new ChartroomError('BAD_REQUEST', `version ${JSON.stringify(version.length > 80 ? `${version.slice(0, 77)}...` : version)} is not a SemVer version`);
  return version;
}

const prefixOf = (repo: string) => (repo ? `repos/${repo}/` : '');
/** The commit point of a version: one record per archive file name, so two charts can never share a URL. */
const recordKey = (repo: string, file: string) => `index/${repo ? `${repo}/` : ''}${file}.json`;
/** Archives and provenance files by content: immutable, so a record and the bytes it names always agree. */
const blobKey = (repo: string, hex: string) => `${prefixOf(repo)}blobs/sha256/${hex}`;
// Layout before records and blobs (still read, never written): an entry per name and version, bytes by file name.
const legacyMetaKey = (repo: string, name: string, version: string) => `${prefixOf(repo)}meta/${name}/${version}.json`;
const legacyArchiveKey = (repo: string, file: string) => `${prefixOf(repo)}charts/${file}`;

function parseRecordKey(key: string): { repo: string; file: string } | undefined {
  const m = /^index\/(?:([a-z0-9][a-z0-9_-]{0,62})\/)?([^/]+\.tgz)\.json$/.exec(key);
  return m ? { repo: m[1] ?? '', file: m[2] } : undefined;
}

function parseLegacyMetaKey(key: string): { repo: string; name: string; version: string } | undefined {
  const m = /^(?:repos\/([^/]+)\/)?meta\/([^/]+)\/(.+)\.json$/.exec(key);
  return m ? { repo: m[1] ?? '', name: m[2], version: m[3] } : undefined;
}

/** What a record in storage says: the index entry, and the blobs of the archive and provenance file. */
interface StoredRecord {
  format: 2;
  entry: IndexEntry;
  /** Hex sha256 of the archive (its blob key). */
  archive: string;
  prov?: string;
}

/** Where a version's bytes are, whichever layout wrote it. */
interface Location {
  key: string;
  archive: string;
  prov?: string;
  etag: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const versionKey = (repo: string, name: string, version: string) => `${repo}\0${name}\0${version}`;
/** `+` is safe in a URL path; everything else outside the unreserved set is escaped. */
const encodeSegment = (s: string) => encodeURIComponent(s).replace(/%2B/g, '+');

/**
 * The registry's charts: the in-memory indexes, and publish and delete against the object store.
 *
 * Storage layout: the archive (and provenance file) as content-addressed blobs,
 * `[repos/<repo>/]blobs/sha256/<hex>`, written first; then the record `index/[<repo>/]<name>-<version>.tgz.json`
 * (the index entry plus the blobs it names), written with a condition: create-only for a new version,
 * if-match on the record it replaces for a forced one. The record is the one commit point: exactly one of
 * two racing publishers wins, a record never names bytes other than its own, and because records are keyed
 * by file name, two charts (`a-1.2.3` 4.5.6 and `a` 1.2.3-4.5.6) can never share a download URL. Blobs no
 * record names (a crash between the two writes) are invisible and harmless. Every replica rebuilds its
 * indexes from the records alone. Stores written by earlier versions (`meta/` and `charts/`) are still read.
 */
export class ChartRegistry {
  private readonly indexes = new Map<string, RepositoryIndex>();
  /** Where each version's bytes are, by repo + name + version. */
  private readonly locations = new Map<string, Location>();
  /** ETags of the storage keys last read, so a sync reads only what changed. */
  private readonly known = new Map<string, { etag: string; since: number; repo: string; name: string; version: string }>();
  private readonly recentlyDeleted = new Map<string, number>();
  private syncing: Promise<{ added: number; removed: number }> | undefined;
  readonly store: ObjectStore;

  constructor(private readonly opts: RegistryOptions) {
    this.store = opts.store;
    this.indexes.set('', new RepositoryIndex());
    for (const r of opts.repositories ?? []) this.index(checkRepo(r));
  }

  /** The index of a repository, made when something is published into it (or it is configured). */
  private index(repo: string): RepositoryIndex {
    let idx = this.indexes.get(repo);
    if (!idx) this.indexes.set(repo, (idx = new RepositoryIndex()));
    return idx;
  }

  /**
   * The index of an existing repository, for reads: the root repository ('') always exists; another exists
   * once something was published into it or it is configured. Reads never create one: an unknown name is
   * REPO_NOT_FOUND (404), so a typo in a URL does not look like an empty repository.
   */
  readIndex(repo: string): RepositoryIndex {
    checkRepo(repo);
    const idx = this.indexes.get(repo);
    if (!idx) throw new ChartroomError('REPO_NOT_FOUND', `no repository named ${JSON.stringify(repo)}`, { hint: 'a repository exists once a chart is published into it, or when it is configured (--repositories)' });
    return idx;
  }

  /** Whether a repository exists (see readIndex). */
  hasRepository(repo: string): boolean {
    return this.indexes.has(repo);
  }

  /** The existing repositories ('' first), sorted. */
  repositories(): string[] {
    return [...this.indexes.keys()].sort();
  }

  totals(): { charts: number; versions: number } {
    let charts = 0;
    let versions = 0;
    for (const idx of this.indexes.values()) {
      charts += idx.chartCount;
      versions += idx.versionCount;
    }
    return { charts, versions };
  }

  chartUrl(repo: string, file: string): string {
    const rel = `charts/${encodeSegment(file)}`;
    if (!this.opts.chartUrl) return rel;
    return `${this.opts.chartUrl.replace(/\/+$/, '')}/${repo ? `${encodeSegment(repo)}/` : ''}${rel}`;
  }

  /**
   * Brings the in-memory indexes up to date with storage: new and changed records are read, vanished ones
   * dropped. Used at start-up and then every sync interval, so a chart published through any replica
   * reaches every replica.
   */
  sync(): Promise<{ added: number; removed: number }> {
    if (!this.syncing) {
      this.syncing = this.doSync().finally(() => {
        this.syncing = undefined;
      });
    }
    return this.syncing;
  }

  private async doSync(): Promise<{ added: number; removed: number }> {
    const started = Date.now();
    const records = await listAll(this.store, 'index/');
    const legacy = [...(await listAll(this.store, 'meta/')), ...(await listAll(this.store, 'repos/')).filter((o) => o.key.includes('/meta/'))];
    const seen = new Set<string>();
    const toRead: ObjectInfo[] = [];
    for (const o of [...records, ...legacy]) {
      if (!parseRecordKey(o.key) && !parseLegacyMetaKey(o.key)) continue;
      seen.add(o.key);
      const deletedAt = this.recentlyDeleted.get(o.key);
      if (deletedAt !== undefined && deletedAt >= started - 1000) continue;
      if (this.known.get(o.key)?.etag !== o.etag) toRead.push(o);
    }
    let added = 0;
    const limit = pLimit(this.opts.concurrency ?? 32);
    await Promise.all(
      toRead.map((o) =>
        limit(async () => {
          const obj = await this.store.get(o.key);
          if (!obj) return;
          const read = this.readStored(o.key, obj.body);
          if (!read) return;
          const vk = versionKey(read.repo, read.entry.name, read.entry.version);
          // A version in both layouts (replaced after an upgrade): the record wins.
          const current = this.locations.get(vk);
          if (current && current.key !== o.key && parseRecordKey(current.key) && parseLegacyMetaKey(o.key)) return;
          this.index(read.repo).set(read.entry);
          this.locations.set(vk, { key: o.key, archive: read.archive, prov: read.prov, etag: obj.etag });
          this.known.set(o.key, { etag: obj.etag, since: Date.now(), repo: read.repo, name: read.entry.name, version: read.entry.version });
          added++;
        }),
      ),
    );
    let removed = 0;
    for (const [key, k] of this.known) {
      if (seen.has(key) || k.since >= started) continue;
      this.known.delete(key);
      const vk = versionKey(k.repo, k.name, k.version);
      if (this.locations.get(vk)?.key === key) {
        this.locations.delete(vk);
        this.indexes.get(k.repo)?.remove(k.name, k.version);
        removed++;
      }
    }
    for (const [key, at] of this.recentlyDeleted) if (at < started - 60_000) this.recentlyDeleted.delete(key);
    return { added, removed };
  }

  /** A record or legacy entry read back, checked against its key; undefined (with a warning) when it does not fit. */
  private readStored(key: string, body: Buffer): { repo: string; entry: IndexEntry; archive: string; prov?: string } | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      this.opts.onWarning?.('unreadable index record in storage; skipped', { key });
      return undefined;
    }
    const rec = parseRecordKey(key);
    if (rec) {
      const r = parsed as StoredRecord;
      if (r?.format !== 2 || !r.entry || `${r.entry.name}-${r.entry.version}.tgz` !== rec.file || !/^[0-9a-f]{64}$/.test(r.archive)) {
        this.opts.onWarning?.('index record does not match its key; skipped', { key });
        return undefined;
      }
      return { repo: rec.repo, entry: r.entry, archive: blobKey(rec.repo, r.archive), prov: r.prov ? blobKey(rec.repo, r.prov) : undefined };
    }
    const meta = parseLegacyMetaKey(key)!;
    const entry = parsed as IndexEntry;
    if (entry?.name !== meta.name || entry.version !== meta.version) {
      this.opts.onWarning?.('index entry does not match its key; skipped', { key });
      return undefined;
    }
    const file = `${entry.name}-${entry.version}.tgz`;
    return { repo: meta.repo, entry, archive: legacyArchiveKey(meta.repo, file), prov: `${legacyArchiveKey(meta.repo, file)}.prov` };
  }

  private checkUpload(size: number) {
    const max = this.opts.maxUploadBytes ?? 20 * 1024 * 1024;
    if (size > max) throw new ChartroomError('UPLOAD_TOO_LARGE', `chart archive is larger than the upload limit of ${max} bytes`);
  }

  private overwriteAllowed(force: boolean): boolean {
    return !!this.opts.allowOverwrite || (force && !this.opts.disableForceOverwrite);
  }

  /** Writes a blob unless it is there already (same key, same bytes); says whether this call created it. */
  private async putBlob(key: string, body: Buffer, contentType: string): Promise<boolean> {
    try {
      await this.store.put(key, body, { ifNoneMatch: '*', contentType });
      return true;
    } catch (e) {
      if (hasCode(e, 'STORAGE_CONFLICT')) return false;
      throw e;
    }
  }

  /** The record of a version as storage has it now (for a conditional replace). */
  private async currentRecord(repo: string, file: string): Promise<{ etag: string; record?: StoredRecord } | undefined> {
    const obj = await this.store.get(recordKey(repo, file));
    if (!obj) return undefined;
    try {
      return { etag: obj.etag, record: JSON.parse(obj.body.toString('utf8')) as StoredRecord };
    } catch {
      return { etag: obj.etag };
    }
  }

  /**
   * Publishes a chart archive (and its provenance file). Throws VERSION_EXISTS if the version (or another
   * chart with the same archive file name) exists unless overwriting is allowed, PUBLISH_IN_PROGRESS when a
   * concurrent replace won, BAD_REQUEST for names and files that break the rules, and the chart loader's own
   * codes (ARCHIVE_REJECTED, CHART_YAML...). A failed publish leaves nothing behind.
   */
  async publish(repo: string, tgz: Buffer, opts: { prov?: Buffer; filename?: string; force?: boolean } = {}): Promise<IndexEntry> {
    checkRepo(repo);
    this.checkUpload(tgz.length + (opts.prov?.length ?? 0));
    // Inflated on the thread pool, one archive at a time, with an output cap: a gzip bomb stops early and
    // never blocks the event loop.
    const chart = await loadChartArchiveAsync(tgz, opts.filename ?? 'upload.tgz', { ...DEFAULT_LIMITS });
    const { name, version } = chart.metadata;
    checkChartName(name);
    const topDir = chart.source.slice(chart.source.lastIndexOf('#') + 1);
    if (topDir !== name) throw new ChartroomError('BAD_REQUEST', `the archive's folder ${JSON.stringify(topDir)} is not the chart's name ${JSON.stringify(name)}`, { hint: 'package the chart with chart package or helm package' });
    const file = `${name}-${version}.tgz`;
    if (opts.filename && opts.filename !== file) throw new ChartroomError('BAD_REQUEST', `file name ${JSON.stringify(opts.filename)} does not match the chart: expected ${file}`);
    const digest = sha256(tgz);
    let provDigest: string | undefined;
    if (opts.prov) {
      checkProvenance(opts.prov, file, digest);
      provDigest = sha256(opts.prov);
    }
    const overwrite = this.overwriteAllowed(!!opts.force);
    const taken = this.takenBy(repo, file, name, version);
    if (taken) throw new ChartroomError('VERSION_EXISTS', `${file} is already the archive of ${taken.name} ${taken.version}`, { hint: 'two charts cannot share an archive file name; rename the chart or pick another version' });
    const legacy = await this.store.head(legacyMetaKey(repo, name, version));
    const existing = overwrite ? await this.currentRecord(repo, file) : undefined;
    const owner = existing?.record?.entry;
    if (owner && (owner.name !== name || owner.version !== version)) {
      throw new ChartroomError('VERSION_EXISTS', `${file} is already the archive of ${owner.name} ${owner.version}`, { hint: 'two charts cannot share an archive file name; rename the chart or pick another version' });
    }
    if (!overwrite && (this.readIndexIfAny(repo)?.get(name, version) || legacy || (await this.store.head(recordKey(repo, file))))) {
      throw new ChartroomError('VERSION_EXISTS', `${name} ${version} already exists`, { hint: 'publish a new version, or use ?force where overwriting is allowed' });
    }

    const entry = indexEntryFromMetadata(chart.metadata, { urls: [this.chartUrl(repo, file)], created: new Date().toISOString(), digest });
    const created: string[] = [];
    const record: StoredRecord = { format: 2, entry, archive: digest, ...(provDigest ? { prov: provDigest } : {}) };
    const rKey = recordKey(repo, file);
    let info: ObjectInfo;
    try {
      if (await this.putBlob(blobKey(repo, digest), tgz, 'application/gzip')) created.push(blobKey(repo, digest));
      if (opts.prov && provDigest && (await this.putBlob(blobKey(repo, provDigest), opts.prov, 'application/pgp-signature'))) created.push(blobKey(repo, provDigest));
      const body = Buffer.from(JSON.stringify(record));
      try {
        info = await this.store.put(rKey, body, existing ? { ifMatch: existing.etag, contentType: 'application/json' } : { ifNoneMatch: '*', contentType: 'application/json' });
      } catch (e) {
        if (!hasCode(e, 'STORAGE_CONFLICT')) throw e;
        // Another publisher committed first: keep any blob its record names.
        const winner = await this.currentRecord(repo, file).catch(() => undefined);
        const keep = new Set([winner?.record?.archive, winner?.record?.prov].filter(Boolean).map((h) => blobKey(repo, h!)));
        created.splice(0, created.length, ...created.filter((k) => !keep.has(k)));
        if (existing) throw new ChartroomError('PUBLISH_IN_PROGRESS', `${name} ${version} was replaced by another request at the same time; try again`);
        throw new ChartroomError('VERSION_EXISTS', `${name} ${version} already exists`);
      }
    } catch (e) {
      for (const key of created.reverse()) await this.store.delete(key).catch(() => undefined);
      throw e;
    }
    // Committed. What the replaced version named, and a replaced old-layout copy, can go.
    const vk = versionKey(repo, name, version);
    const before = this.locations.get(vk);
    this.locations.set(vk, { key: rKey, archive: blobKey(repo, digest), prov: provDigest ? blobKey(repo, provDigest) : undefined, etag: info.etag });
    this.known.set(rKey, { etag: info.etag, since: Date.now(), repo, name, version });
    this.recentlyDeleted.delete(rKey);
    this.index(repo).set(entry);
    const stale = new Set<string>();
    if (existing?.record?.archive && existing.record.archive !== digest) stale.add(blobKey(repo, existing.record.archive));
    if (existing?.record?.prov && existing.record.prov !== provDigest && existing.record.prov !== digest) stale.add(blobKey(repo, existing.record.prov));
    if (legacy) {
      const lKey = legacyMetaKey(repo, name, version);
      this.recentlyDeleted.set(lKey, Date.now());
      this.known.delete(lKey);
      for (const k of [lKey, legacyArchiveKey(repo, file), `${legacyArchiveKey(repo, file)}.prov`]) stale.add(k);
    }
    if (before && before.key !== rKey) stale.add(before.archive);
    stale.delete(blobKey(repo, digest));
    for (const k of stale) await this.store.delete(k).catch((e) => this.opts.onWarning?.('could not remove a replaced file; it is unused', { key: k, error: (e as Error).message }));
    return entry;
  }

  private readIndexIfAny(repo: string): RepositoryIndex | undefined {
    return this.indexes.get(repo);
  }

  /** Another chart whose archive has this file name, if the index has one. */
  private takenBy(repo: string, file: string, name: string, version: string): { name: string; version: string } | undefined {
    const found = this.resolveFile(repo, file);
    return found && (found.name !== name || found.version !== version) ? found : undefined;
  }

  /** Which version of the repository an archive file name belongs to (`a-b-1.0.0.tgz` → `a-b` 1.0.0). */
  private resolveFile(repo: string, file: string): { name: string; version: string } | undefined {
    const idx = this.indexes.get(repo);
    if (!idx || !file.endsWith('.tgz')) return undefined;
    const base = file.slice(0, -'.tgz'.length);
    // Chart names may contain '-': try each split that names a version in the index.
    for (let i = base.indexOf('-'); i > 0; i = base.indexOf('-', i + 1)) {
      const name = base.slice(0, i);
      const version = base.slice(i + 1);
      if (idx.get(name, version)) return { name, version };
    }
    return undefined;
  }

  /** Stores a provenance file for a published chart (POST /api/prov): the record is replaced to name it. */
  async publishProv(repo: string, prov: Buffer, opts: { force?: boolean } = {}): Promise<string> {
    checkRepo(repo);
    if (prov.length > MAX_PROV_BYTES) throw new ChartroomError('PROV_INVALID', `provenance file is larger than ${MAX_PROV_BYTES} bytes`);
    const named = [...provenanceDigests(prov).keys()];
    if (named.length === 0) throw new ChartroomError('PROV_INVALID', 'provenance file names no chart archive (files: NAME-VERSION.tgz: sha256:...)');
    const file = named[0];
    const found = this.resolveFile(repo, file);
    if (!found) throw new ChartroomError('CHART_NOT_FOUND', `${file} is not in the repository; publish the chart first`);
    const { name, version } = found;
    const entry = this.readIndex(repo).get(name, version)!;
    checkProvenance(prov, file, entry.digest);
    const vk = versionKey(repo, name, version);
    const loc = this.locations.get(vk);
    if (loc?.prov && !this.overwriteAllowed(!!opts.force) && (await this.store.head(loc.prov))) {
      throw new ChartroomError('PROV_EXISTS', `the provenance file of ${name} ${version} already exists`);
    }
    const provDigest = sha256(prov);
    const rKey = recordKey(repo, file);
    const current = await this.currentRecord(repo, file);
    if (!current?.record) {
      // An old-layout version: its provenance file sits beside the archive.
      await this.store.put(`${legacyArchiveKey(repo, file)}.prov`, prov, this.overwriteAllowed(!!opts.force) ? {} : { ifNoneMatch: '*' }).catch((e) => {
        if (hasCode(e, 'STORAGE_CONFLICT')) throw new ChartroomError('PROV_EXISTS', `the provenance file of ${name} ${version} already exists`);
        throw e;
      });
      return `${file}.prov`;
    }
    const created = await this.putBlob(blobKey(repo, provDigest), prov, 'application/pgp-signature');
    const record: StoredRecord = { ...current.record, prov: provDigest };
    let info: ObjectInfo;
    try {
      info = await this.store.put(rKey, Buffer.from(JSON.stringify(record)), { ifMatch: current.etag, contentType: 'application/json' });
    } catch (e) {
      if (created) await this.store.delete(blobKey(repo, provDigest)).catch(() => undefined);
      if (hasCode(e, 'STORAGE_CONFLICT')) throw new ChartroomError('PUBLISH_IN_PROGRESS', `${name} ${version} changed while its provenance file was stored; try again`);
      throw e;
    }
    this.locations.set(vk, { key: rKey, archive: blobKey(repo, record.archive), prov: blobKey(repo, provDigest), etag: info.etag });
    this.known.set(rKey, { etag: info.etag, since: Date.now(), repo, name, version });
    if (current.record.prov && current.record.prov !== provDigest) await this.store.delete(blobKey(repo, current.record.prov)).catch(() => undefined);
    return `${file}.prov`;
  }

  /** Removes a version: its record first (it leaves every index), then its bytes. */
  async delete(repo: string, name: string, version: string): Promise<void> {
    checkRepo(repo);
    checkChartName(name);
    checkVersion(version);
    const vk = versionKey(repo, name, version);
    const file = `${name}-${version}.tgz`;
    let loc = this.locations.get(vk);
    if (!loc) {
      // Another replica may have published it since the last sync.
      const rec = await this.currentRecord(repo, file);
      const legacy = await this.store.head(legacyMetaKey(repo, name, version));
      if (rec?.record && rec.record.entry?.name === name && rec.record.entry.version === version) loc = { key: recordKey(repo, file), archive: blobKey(repo, rec.record.archive), prov: rec.record.prov ? blobKey(repo, rec.record.prov) : undefined, etag: rec.etag };
      else if (legacy) loc = { key: legacyMetaKey(repo, name, version), archive: legacyArchiveKey(repo, file), prov: `${legacyArchiveKey(repo, file)}.prov`, etag: legacy.etag };
      else throw new ChartroomError('CHART_NOT_FOUND', `${name} ${version} not found`);
    }
    await this.store.delete(loc.key);
    this.recentlyDeleted.set(loc.key, Date.now());
    this.known.delete(loc.key);
    this.locations.delete(vk);
    this.indexes.get(repo)?.remove(name, version);
    await this.store.delete(loc.archive);
    if (loc.prov) await this.store.delete(loc.prov);
  }

  /** A chart archive or provenance file by its file name, if its version is in the index: the bytes its record names. */
  async file(repo: string, file: string): Promise<{ body: Buffer; etag: string } | undefined> {
    this.readIndex(repo);
    if (file.length > MAX_CHART_NAME + 300 || file.includes('\0')) throw new ChartroomError('BAD_REQUEST', 'invalid file name');
    const isProv = file.endsWith('.tgz.prov');
    const found = this.resolveFile(repo, isProv ? file.slice(0, -'.prov'.length) : file);
    if (!found) return undefined;
    const loc = this.locations.get(versionKey(repo, found.name, found.version));
    const key = isProv ? loc?.prov : loc?.archive;
    if (!key) return undefined;
    const obj = await this.store.get(key);
    return obj ? { body: obj.body, etag: obj.etag } : undefined;
  }
}
