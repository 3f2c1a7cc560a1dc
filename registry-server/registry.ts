import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import semver from 'semver';
import { ChartroomError, hasCode } from '../core/errors.js';
import { loadChartArchiveAsync } from '../core/chart/loader.js';
import { DEFAULT_LIMITS } from '../core/chart/archive.js';
import type { ChartMetadata } from '../core/chart/metadata.js';
import { MEDIA_TYPE_HELM_CONFIG } from '../core/oci/format.js';
import { indexEntryFromMetadata, type IndexEntry } from '../core/repo/index-file.js';
import { RepositoryIndex } from './index-cache.js';
import { chartManifestFor, chartManifestOf, metadataOf } from './oci/chart-manifest.js';
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

/** Syncs between two listings of the old layout's entries, when the store can tell records did not change. */
const LEGACY_LIST_EVERY = 30;

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

/** The OCI side of a version, as its record names it: the manifest and config blobs and what the manifest says of itself. */
export interface OciRecord {
  /** Hex sha256 of the manifest (its blob key); the manifest is stored byte for byte as pushed or made. */
  manifest: string;
  /** The manifest's size in bytes. */
  size: number;
  /** Hex sha256 of the config blob. */
  config: string;
  /** The manifest's media type (its Content-Type when served). */
  mediaType: string;
  /** The digest (`sha256:…`) the manifest's `subject` names, for the referrers API. */
  subject?: string;
  /** The manifest's artifactType, else its config media type: what the referrers API lists it as. */
  artifactType?: string;
}

/** What a record in storage says: the index entry, and the blobs of the archive, provenance file and OCI manifest. */
interface StoredRecord {
  format: 2;
  entry: IndexEntry;
  /** Hex sha256 of the archive (its blob key). */
  archive: string;
  prov?: string;
  /** Absent in records written before the OCI API: their manifest is computed when they are read. */
  oci?: OciRecord;
}

/** A version's manifest as the registry knows it: named by its record (stored), or computed from the entry for older records. */
interface OciView extends OciRecord {
  stored: boolean;
  /** The layers of a computed manifest (a stored one names its own). */
  archiveSize?: number;
  provHex?: string;
  provSize?: number;
}

/** Where a version's bytes are, whichever layout wrote it. */
interface Location {
  key: string;
  archive: string;
  prov?: string;
  etag: string;
  /** Hex digests of the content-addressed blobs the record names (for reference counts). */
  blobs: string[];
  /** Blobs that do not sit at their content address (the old layout's archive and provenance file), by hex digest. */
  aliases?: Map<string, string>;
  oci?: OciView;
}

/** A blob a version names: its digest and size, and its bytes when this commit writes it (else it is in storage already). */
export interface BlobRef {
  hex: string;
  size: number;
  body?: Buffer;
}

/** A version ready to be committed, from a classic publish or an OCI manifest push alike. */
export interface VersionCommit {
  repo: string;
  metadata: ChartMetadata;
  /** The index entry's `created`, which a manifest made here also carries. */
  created: string;
  archive: BlobRef;
  prov?: BlobRef;
  config: BlobRef;
  manifest: BlobRef & { mediaType: string; subject?: string; artifactType?: string };
}

/** A manifest found by tag or digest: its bytes and how to serve them. */
export interface FoundManifest {
  name: string;
  version: string;
  bytes: Buffer;
  hex: string;
  mediaType: string;
}

/** A blob of a repository: in storage under `key`, or bytes computed here (an older record's config and manifest). */
export type BlobSource = { key: string } | { bytes: Buffer };

/** A referrer of a manifest, for the referrers API. */
export interface Referrer {
  name: string;
  version: string;
  hex: string;
  size: number;
  mediaType: string;
  artifactType?: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const versionKey = (repo: string, name: string, version: string) => `${repo}\0${name}\0${version}`;
const digestKey = (repo: string, hex: string) => `${repo}\0${hex}`;
const HEX_RE = /^[0-9a-f]{64}$/;

/** The storage key of a repository's blob by its hex sha256: archives, provenance files, OCI configs, manifests and layers alike. */
export function blobStorageKey(repo: string, hex: string): string {
  return blobKey(repo, hex);
}

/** The hex digests of the content-addressed blobs a record names. */
function blobsOf(r: { archive: string; prov?: string; oci?: OciRecord }): string[] {
  return [...new Set([r.archive, r.prov, r.oci?.config, r.oci?.manifest].filter((h): h is string => typeof h === 'string'))];
}
/** `+` is safe in a URL path; everything else outside the unreserved set is escaped. */
const encodeSegment = (s: string) => encodeURIComponent(s).replace(/%2B/g, '+');


/** What a record or old-layout entry says, read back from storage and checked against its key. */
interface ReadRecord {
  repo: string;
  entry: IndexEntry;
  /** Storage keys of the archive and provenance file. */
  archive: string;
  prov?: string;
  archiveHex: string;
  provHex?: string;
  blobs: string[];
  aliases?: Map<string, string>;
  oci?: OciRecord;
}

/**
 * The registry's charts: the in-memory indexes, and publish and delete against the object store, for the Helm
 * repository protocol, ChartMuseum's API and the OCI distribution API alike.
 *
 * Storage layout: the archive (and provenance file) as content-addressed blobs,
 * `[repos/<repo>/]blobs/sha256/<hex>`, written first, with the version's OCI config and manifest beside them
 * (pushed over OCI, or made at publish time); then the record `index/[<repo>/]<name>-<version>.tgz.json` (the
 * index entry plus the blobs it names), written with a condition: create-only for a new version, if-match on
 * the record it replaces for a forced one. The record is the one commit point, whichever API published: exactly
 * one of two racing publishers wins, a record never names bytes other than its own, and because records are
 * keyed by file name, two charts (`a-1.2.3` 4.5.6 and `a` 1.2.3-4.5.6) can never share a download URL. Blobs no
 * record names (a crash between the writes, an OCI push never finished) are invisible and harmless; a blob
 * another record names is never deleted. Every replica rebuilds its indexes, and the OCI manifests by digest,
 * from the records alone. Records written before the OCI API name no manifest: theirs is computed from the
 * entry when they are read (deterministically, so its digest is stable), not stored. Stores written by earlier
 * versions (`meta/` and `charts/`) are still read.
 */
export class ChartRegistry {
  private readonly indexes = new Map<string, RepositoryIndex>();
  /** Where each version's bytes are, by repo + name + version. */
  private readonly locations = new Map<string, Location>();
  /** ETags of the storage keys last read, so a sync reads only what changed. */
  private readonly known = new Map<string, { etag: string; since: number; repo: string; name: string; version: string }>();
  private readonly recentlyDeleted = new Map<string, number>();
  /** Each version's manifest by repo + hex digest, so a manifest by digest is found without touching storage. */
  private readonly manifests = new Map<string, { name: string; version: string }>();
  /** Config and manifest blobs computed for records older than the OCI API, by repo + hex digest. */
  private readonly computed = new Map<string, { name: string; version: string; kind: 'config' | 'manifest' }>();
  /** Old-layout files, which do not sit at their content address, by repo + hex digest. */
  private readonly aliases = new Map<string, string>();
  /** How many records name each content-addressed blob, by repo + hex digest. */
  private readonly blobRefs = new Map<string, number>();
  /** Versions whose manifest names a subject, by repo + subject digest (for the referrers API). */
  private readonly subjects = new Map<string, Set<string>>();
  private syncing: Promise<{ added: number; removed: number }> | undefined;
  /** The store's change token for `index/` as of the last full sync (see ObjectStore.changeToken). */
  private recordsToken: string | undefined;
  /** Told of every version this registry deletes or replaces with other bytes (see onRemoved). */
  private readonly removedListeners: ((repo: string, entry: IndexEntry) => Promise<void> | void)[] = [];
  /** Syncs since the old layout's entries were last listed (they are never written now; see doSync). */
  private syncsSinceLegacy = Infinity;
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
   * Calls `fn` with each version deleted here, or replaced here by different bytes, once its record is gone, so
   * what is derived from a version and kept in the store (the web UI's page models) goes with it. The delete or
   * publish waits for `fn`; a listener that fails is reported to onWarning, never to the caller.
   */
  onRemoved(fn: (repo: string, entry: IndexEntry) => Promise<void> | void): void {
    this.removedListeners.push(fn);
  }

  private async removed(repo: string, entry: IndexEntry): Promise<void> {
    for (const fn of this.removedListeners) {
      try {
        await fn(repo, entry);
      } catch (e) {
        this.opts.onWarning?.('could not remove what was derived from a removed version', { chart: entry.name, version: entry.version, error: (e as Error).message });
      }
    }
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
    // Nothing to do when the store can tell that no record came, changed or went since the last sync (local disk,
    // where listing 30,000 records every two seconds would cost more than everything else the server does). The
    // old layout's entries are never written by this version; they are listed at start and then once a minute or
    // so (an older replica may still write them during an upgrade).
    const token = this.store.changeToken ? await this.store.changeToken('index/') : undefined;
    const legacyDue = this.syncsSinceLegacy >= LEGACY_LIST_EVERY;
    if (token !== undefined && token === this.recordsToken && !legacyDue) {
      this.syncsSinceLegacy++;
      return { added: 0, removed: 0 };
    }
    const records = await listAll(this.store, 'index/');
    const legacy = [...(await listAll(this.store, 'meta/')), ...(await listAll(this.store, 'repos/')).filter((o) => o.key.includes('/meta/'))];
    this.syncsSinceLegacy = 0;
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
    // A version in both layouts (replaced after an upgrade): the record wins.
    const shadowed = (vk: string, key: string) => {
      const current = this.locations.get(vk);
      return !!current && current.key !== key && !!parseRecordKey(current.key) && !!parseLegacyMetaKey(key);
    };
    await Promise.all(
      toRead.map((o) =>
        limit(async () => {
          const obj = await this.store.get(o.key);
          if (!obj) return;
          const read = this.readStored(o.key, obj.body);
          if (!read) return;
          const vk = versionKey(read.repo, read.entry.name, read.entry.version);
          if (shadowed(vk, o.key)) return;
          const oci: OciView | undefined = read.oci ? { ...read.oci, stored: true } : await this.computedOci(read);
          if (shadowed(vk, o.key)) return;
          this.remember(read.repo, read.entry, { key: o.key, archive: read.archive, prov: read.prov, etag: obj.etag, blobs: read.blobs, aliases: read.aliases, oci });
          this.known.set(o.key, { etag: obj.etag, since: Date.now(), repo: read.repo, name: read.entry.name, version: read.entry.version });
          added++;
        }),
      ),
    );
    let removed = 0;
    for (const [key, k] of this.known) {
      if (seen.has(key) || k.since >= started) continue;
      this.known.delete(key);
      if (this.locations.get(versionKey(k.repo, k.name, k.version))?.key === key) {
        this.forget(k.repo, k.name, k.version);
        removed++;
      }
    }
    for (const [key, at] of this.recentlyDeleted) if (at < started - 60_000) this.recentlyDeleted.delete(key);
    this.recordsToken = token;
    return { added, removed };
  }

  /** A record or legacy entry read back, checked against its key; undefined (with a warning) when it does not fit. */
  private readStored(key: string, body: Buffer): ReadRecord | undefined {
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
      if (r?.format !== 2 || !r.entry || `${r.entry.name}-${r.entry.version}.tgz` !== rec.file || !HEX_RE.test(r.archive) || (r.prov !== undefined && !HEX_RE.test(r.prov))) {
        this.opts.onWarning?.('index record does not match its key; skipped', { key });
        return undefined;
      }
      let oci = r.oci;
      if (oci !== undefined && !(HEX_RE.test(oci?.manifest) && HEX_RE.test(oci.config) && Number.isSafeInteger(oci.size) && typeof oci.mediaType === 'string')) {
        this.opts.onWarning?.('index record names an unreadable OCI manifest; computing one instead', { key });
        oci = undefined;
      }
      return { repo: rec.repo, entry: r.entry, archive: blobKey(rec.repo, r.archive), prov: r.prov ? blobKey(rec.repo, r.prov) : undefined, archiveHex: r.archive, provHex: r.prov, blobs: blobsOf({ ...r, oci }), oci };
    }
    const meta = parseLegacyMetaKey(key)!;
    const entry = parsed as IndexEntry;
    if (entry?.name !== meta.name || entry.version !== meta.version) {
      this.opts.onWarning?.('index entry does not match its key; skipped', { key });
      return undefined;
    }
    const file = `${entry.name}-${entry.version}.tgz`;
    const archive = legacyArchiveKey(meta.repo, file);
    const aliases = new Map<string, string>();
    if (typeof entry.digest === 'string' && HEX_RE.test(entry.digest)) aliases.set(entry.digest, archive);
    return { repo: meta.repo, entry, archive, prov: `${archive}.prov`, archiveHex: String(entry.digest ?? ''), blobs: [], aliases };
  }

  /**
   * The manifest of a version whose record names none (written before the OCI API): made from the entry and
   * the layers' digests and sizes, exactly as a publish makes one, so its digest never changes. Undefined when
   * the archive is missing or its digest unknown (such a version is not served over OCI).
   */
  private async computedOci(read: Pick<ReadRecord, 'entry' | 'archive' | 'prov' | 'archiveHex' | 'provHex' | 'aliases'>): Promise<OciView | undefined> {
    try {
      if (!HEX_RE.test(read.archiveHex)) return undefined;
      const archive = await this.store.head(read.archive);
      if (!archive) return undefined;
      let prov: { hex: string; size: number } | undefined;
      if (read.prov && read.provHex) {
        const info = await this.store.head(read.prov);
        if (info) prov = { hex: read.provHex, size: info.size };
      } else if (read.prov) {
        // An old-layout provenance file: small (it was limited when published), and named by file, not digest.
        const obj = await this.store.get(read.prov);
        if (obj) {
          prov = { hex: sha256(obj.body), size: obj.body.length };
          read.aliases?.set(prov.hex, read.prov);
        }
      }
      const built = chartManifestFor(metadataOf(read.entry), { hex: read.archiveHex, size: archive.size }, prov, read.entry.created);
      return { manifest: built.hex, size: built.bytes.length, config: sha256(built.config), mediaType: built.mediaType, artifactType: MEDIA_TYPE_HELM_CONFIG, stored: false, archiveSize: archive.size, provHex: prov?.hex, provSize: prov?.size };
    } catch (e) {
      if (hasCode(e, 'STORAGE_UNAVAILABLE')) throw e;
      this.opts.onWarning?.('cannot make the OCI manifest of a stored version; it is not served over OCI', { chart: read.entry.name, version: read.entry.version, error: (e as Error).message });
      return undefined;
    }
  }

  /** Puts a version in memory (its index entry, location, manifest by digest, blob references), replacing what was there. */
  private remember(repo: string, entry: IndexEntry, loc: Location): void {
    const vk = versionKey(repo, entry.name, entry.version);
    const before = this.locations.get(vk);
    if (before) this.unlink(repo, entry.name, entry.version, before);
    this.locations.set(vk, loc);
    this.index(repo).set(entry);
    const dk = (hex: string) => digestKey(repo, hex);
    for (const h of loc.blobs) this.blobRefs.set(dk(h), (this.blobRefs.get(dk(h)) ?? 0) + 1);
    for (const [h, key] of loc.aliases ?? []) this.aliases.set(dk(h), key);
    const oci = loc.oci;
    if (!oci) return;
    const ref = { name: entry.name, version: entry.version };
    this.manifests.set(dk(oci.manifest), ref);
    if (!oci.stored) {
      this.computed.set(dk(oci.manifest), { ...ref, kind: 'manifest' });
      this.computed.set(dk(oci.config), { ...ref, kind: 'config' });
    }
    if (oci.subject) {
      let set = this.subjects.get(dk(oci.subject));
      if (!set) this.subjects.set(dk(oci.subject), (set = new Set()));
      set.add(vk);
    }
  }

  /** Takes a version out of memory; returns where its bytes were. */
  private forget(repo: string, name: string, version: string): Location | undefined {
    const vk = versionKey(repo, name, version);
    const loc = this.locations.get(vk);
    if (!loc) return undefined;
    this.locations.delete(vk);
    this.indexes.get(repo)?.remove(name, version);
    this.unlink(repo, name, version, loc);
    return loc;
  }

  /** Undoes what `remember` derived from a location (leaving what another version has taken over since). */
  private unlink(repo: string, name: string, version: string, loc: Location): void {
    const dk = (hex: string) => digestKey(repo, hex);
    for (const h of loc.blobs) {
      const n = (this.blobRefs.get(dk(h)) ?? 0) - 1;
      if (n > 0) this.blobRefs.set(dk(h), n);
      else this.blobRefs.delete(dk(h));
    }
    for (const [h, key] of loc.aliases ?? []) if (this.aliases.get(dk(h)) === key) this.aliases.delete(dk(h));
    const oci = loc.oci;
    if (!oci) return;
    const mine = (v: { name: string; version: string } | undefined) => v?.name === name && v.version === version;
    if (mine(this.manifests.get(dk(oci.manifest)))) this.manifests.delete(dk(oci.manifest));
    for (const h of [oci.manifest, oci.config]) if (mine(this.computed.get(dk(h)))) this.computed.delete(dk(h));
    if (oci.subject) {
      const set = this.subjects.get(dk(oci.subject));
      set?.delete(versionKey(repo, name, version));
      if (set?.size === 0) this.subjects.delete(dk(oci.subject));
    }
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
   * Publishes a chart archive (and its provenance file), with the OCI manifest that serves it over the
   * distribution API. Throws VERSION_EXISTS if the version (or another chart with the same archive file name)
   * exists unless overwriting is allowed, PUBLISH_IN_PROGRESS when a concurrent replace won, BAD_REQUEST for
   * names and files that break the rules, and the chart loader's own codes (ARCHIVE_REJECTED, CHART_YAML...).
   * A failed publish leaves nothing behind.
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
    if (opts.prov) checkProvenance(opts.prov, file, digest);
    const created = new Date().toISOString();
    const manifest = chartManifestOf(chart.metadata, tgz, opts.prov, created);
    const committed = await this.commit(
      {
        repo,
        metadata: chart.metadata,
        created,
        archive: { hex: digest, size: tgz.length, body: tgz },
        prov: opts.prov ? { hex: sha256(opts.prov), size: opts.prov.length, body: opts.prov } : undefined,
        config: { hex: sha256(manifest.config), size: manifest.config.length, body: manifest.config },
        manifest: { hex: manifest.hex, size: manifest.bytes.length, body: manifest.bytes, mediaType: manifest.mediaType, artifactType: MEDIA_TYPE_HELM_CONFIG },
      },
      { overwrite: this.overwriteAllowed(!!opts.force), sameIsNoop: false },
    );
    return committed.entry;
  }

  /**
   * Commits a chart pushed over the OCI API (its blobs are in storage; the manifest's bytes come with it). The
   * same manifest again is a no-op (`created: false`); other contents for an existing version are refused with
   * VERSION_EXISTS unless overwriting is allowed (--allow-overwrite).
   */
  publishManifest(c: VersionCommit): Promise<{ entry: IndexEntry; created: boolean }> {
    return this.commit(c, { overwrite: !!this.opts.allowOverwrite, sameIsNoop: true });
  }

  /**
   * The one commit routine of every publish: checks that the version and its archive file name are free (or
   * may be replaced), writes the blobs that come with bytes (create-only: blobs are shared and deduplicated),
   * then the record, create-only or if-match on the record it replaces. Of two racing publishers one wins; the
   * loser's blobs that the winner does not name are removed. After the commit, blobs only the replaced record
   * named are removed, as is a replaced old-layout copy.
   */
  private async commit(c: VersionCommit, opts: { overwrite: boolean; sameIsNoop: boolean }): Promise<{ entry: IndexEntry; created: boolean }> {
    const { repo } = c;
    checkRepo(repo);
    const { name, version } = c.metadata;
    const file = `${name}-${version}.tgz`;
    const vk = versionKey(repo, name, version);
    const same = (r: StoredRecord | undefined) => opts.sameIsNoop && r?.oci?.manifest === c.manifest.hex;
    if (opts.sameIsNoop && this.locations.get(vk)?.oci?.manifest === c.manifest.hex) {
      const have = this.indexes.get(repo)?.get(name, version);
      if (have) return { entry: have, created: false };
    }
    const taken = this.takenBy(repo, file, name, version);
    if (taken) throw new ChartroomError('VERSION_EXISTS', `${file} is already the archive of ${taken.name} ${taken.version}`, { hint: 'two charts cannot share an archive file name; rename the chart or pick another version' });
    const legacy = await this.store.head(legacyMetaKey(repo, name, version));
    const existing = opts.overwrite ? await this.currentRecord(repo, file) : undefined;
    const owner = existing?.record?.entry;
    if (owner && (owner.name !== name || owner.version !== version)) {
      throw new ChartroomError('VERSION_EXISTS', `${file} is already the archive of ${owner.name} ${owner.version}`, { hint: 'two charts cannot share an archive file name; rename the chart or pick another version' });
    }
    const exists = () =>
      new ChartroomError('VERSION_EXISTS', `${name} ${version} already exists`, {
        hint: opts.sameIsNoop ? 'versions are immutable here: push a new version (overwriting needs --allow-overwrite)' : 'publish a new version, or use ?force where overwriting is allowed',
      });
    if (!opts.overwrite) {
      if (this.readIndexIfAny(repo)?.get(name, version) || legacy) throw exists();
      if (await this.store.head(recordKey(repo, file))) {
        // Committed through another replica since the last sync: the same manifest is still a no-op.
        const current = opts.sameIsNoop ? await this.currentRecord(repo, file) : undefined;
        if (current?.record && same(current.record)) return { entry: this.adopt(repo, file, current.record, current.etag), created: false };
        throw exists();
      }
    }

    const entry = indexEntryFromMetadata(c.metadata, { urls: [this.chartUrl(repo, file)], created: c.created, digest: c.archive.hex });
    const oci: OciRecord = {
      manifest: c.manifest.hex,
      size: c.manifest.size,
      config: c.config.hex,
      mediaType: c.manifest.mediaType,
      ...(c.manifest.subject ? { subject: c.manifest.subject } : {}),
      ...(c.manifest.artifactType ? { artifactType: c.manifest.artifactType } : {}),
    };
    const record: StoredRecord = { format: 2, entry, archive: c.archive.hex, ...(c.prov ? { prov: c.prov.hex } : {}), oci };
    const rKey = recordKey(repo, file);
    const created: string[] = [];
    let info: ObjectInfo | undefined;
    let winner: { etag: string; record?: StoredRecord } | undefined;
    try {
      const blobs: [BlobRef | undefined, string][] = [
        [c.archive, 'application/gzip'],
        [c.prov, 'application/pgp-signature'],
        [c.config, MEDIA_TYPE_HELM_CONFIG],
        [c.manifest, c.manifest.mediaType],
      ];
      for (const [ref, type] of blobs) if (ref?.body && (await this.putBlob(blobKey(repo, ref.hex), ref.body, type))) created.push(blobKey(repo, ref.hex));
      const body = Buffer.from(JSON.stringify(record));
      try {
        info = await this.store.put(rKey, body, existing ? { ifMatch: existing.etag, contentType: 'application/json' } : { ifNoneMatch: '*', contentType: 'application/json' });
      } catch (e) {
        if (!hasCode(e, 'STORAGE_CONFLICT')) throw e;
        // Another publisher committed first: keep any blob its record names.
        winner = await this.currentRecord(repo, file).catch(() => undefined);
        const keep = new Set(winner?.record ? blobsOf(winner.record).map((h) => blobKey(repo, h)) : []);
        created.splice(0, created.length, ...created.filter((k) => !keep.has(k)));
        if (!existing && winner?.record && same(winner.record)) throw new WonElsewhere();
        if (existing) throw new ChartroomError('PUBLISH_IN_PROGRESS', `${name} ${version} was replaced by another request at the same time; try again`);
        throw exists();
      }
    } catch (e) {
      for (const key of created.reverse()) await this.store.delete(key).catch(() => undefined);
      if (e instanceof WonElsewhere && winner?.record) return { entry: this.adopt(repo, file, winner.record, winner.etag), created: false };
      throw e;
    }
    // Committed. What only the replaced version named, and a replaced old-layout copy, can go.
    const before = this.locations.get(vk);
    const replaced = this.indexes.get(repo)?.get(name, version) ?? existing?.record?.entry;
    this.remember(repo, entry, { key: rKey, archive: blobKey(repo, c.archive.hex), prov: c.prov ? blobKey(repo, c.prov.hex) : undefined, etag: info.etag, blobs: blobsOf(record), oci: { ...oci, stored: true } });
    this.known.set(rKey, { etag: info.etag, since: Date.now(), repo, name, version });
    this.recentlyDeleted.delete(rKey);
    const stale = new Set<string>();
    for (const h of [...(existing?.record ? blobsOf(existing.record) : []), ...(before?.blobs ?? [])]) if (!this.blobRefs.has(digestKey(repo, h))) stale.add(blobKey(repo, h));
    if (legacy) {
      const lKey = legacyMetaKey(repo, name, version);
      this.recentlyDeleted.set(lKey, Date.now());
      this.known.delete(lKey);
      for (const k of [lKey, legacyArchiveKey(repo, file), `${legacyArchiveKey(repo, file)}.prov`]) stale.add(k);
    }
    if (before && parseLegacyMetaKey(before.key)) stale.add(before.archive);
    for (const h of blobsOf(record)) stale.delete(blobKey(repo, h));
    for (const k of stale) await this.store.delete(k).catch((e) => this.opts.onWarning?.('could not remove a replaced file; it is unused', { key: k, error: (e as Error).message }));
    if (replaced && replaced.digest !== entry.digest) await this.removed(repo, replaced);
    return { entry, created: true };
  }

  /** Takes a record another replica committed into memory now (rather than at the next sync); returns its entry. */
  private adopt(repo: string, file: string, record: StoredRecord, etag: string): IndexEntry {
    const key = recordKey(repo, file);
    const read = this.readStored(key, Buffer.from(JSON.stringify(record)));
    if (!read?.oci) return record.entry;
    this.remember(repo, read.entry, { key, archive: read.archive, prov: read.prov, etag, blobs: read.blobs, oci: { ...read.oci, stored: true } });
    this.known.set(key, { etag, since: Date.now(), repo, name: read.entry.name, version: read.entry.version });
    return read.entry;
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

  /**
   * Stores a provenance file for a published chart (POST /api/prov): the record is replaced to name it, with a
   * manifest that names it as a layer (the version's config and archive unchanged).
   */
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
      if (loc && !loc.oci?.stored) {
        const aliases = new Map(loc.aliases);
        const oci = await this.computedOci({ entry, archive: loc.archive, prov: loc.prov, archiveHex: entry.digest, aliases });
        this.remember(repo, entry, { ...loc, aliases, oci });
      }
      return `${file}.prov`;
    }
    const written: string[] = [];
    if (await this.putBlob(blobKey(repo, provDigest), prov, 'application/pgp-signature')) written.push(blobKey(repo, provDigest));
    const record: StoredRecord = { ...current.record, prov: provDigest };
    let info: ObjectInfo;
    try {
      if (current.record.oci) {
        // The manifest names the provenance file as a layer: the version gets a new one, with its config and archive.
        const [config, archive] = await Promise.all([this.store.get(blobKey(repo, current.record.oci.config)), this.store.head(blobKey(repo, current.record.archive))]);
        if (config && archive) {
          const built = chartManifestFor(metadataOf(current.record.entry), { hex: current.record.archive, size: archive.size }, { hex: provDigest, size: prov.length }, current.record.entry.created, config.body);
          if (await this.putBlob(blobKey(repo, built.hex), built.bytes, built.mediaType)) written.push(blobKey(repo, built.hex));
          const { subject: _subject, ...rest } = current.record.oci;
          record.oci = { ...rest, manifest: built.hex, size: built.bytes.length, mediaType: built.mediaType, artifactType: MEDIA_TYPE_HELM_CONFIG };
        }
      }
      info = await this.store.put(rKey, Buffer.from(JSON.stringify(record)), { ifMatch: current.etag, contentType: 'application/json' });
    } catch (e) {
      for (const k of written) await this.store.delete(k).catch(() => undefined);
      if (hasCode(e, 'STORAGE_CONFLICT')) throw new ChartroomError('PUBLISH_IN_PROGRESS', `${name} ${version} changed while its provenance file was stored; try again`);
      throw e;
    }
    const next: Location = { key: rKey, archive: blobKey(repo, record.archive), prov: blobKey(repo, provDigest), etag: info.etag, blobs: blobsOf(record) };
    next.oci = record.oci ? { ...record.oci, stored: true } : await this.computedOci({ entry: record.entry, archive: next.archive, prov: next.prov, archiveHex: record.archive, provHex: provDigest });
    this.remember(repo, record.entry, next);
    this.known.set(rKey, { etag: info.etag, since: Date.now(), repo, name, version });
    for (const h of blobsOf(current.record)) if (!this.blobRefs.has(digestKey(repo, h))) await this.store.delete(blobKey(repo, h)).catch(() => undefined);
    return `${file}.prov`;
  }

  /** Removes a version: its record first (it leaves every index), then the bytes no other record names. */
  async delete(repo: string, name: string, version: string): Promise<void> {
    checkRepo(repo);
    checkChartName(name);
    checkVersion(version);
    const vk = versionKey(repo, name, version);
    const file = `${name}-${version}.tgz`;
    let loc = this.locations.get(vk);
    let entry = this.indexes.get(repo)?.get(name, version);
    if (!loc) {
      // Another replica may have published it since the last sync.
      const rec = await this.currentRecord(repo, file);
      entry = rec?.record?.entry;
      const legacy = await this.store.head(legacyMetaKey(repo, name, version));
      if (rec?.record && rec.record.entry?.name === name && rec.record.entry.version === version) {
        loc = { key: recordKey(repo, file), archive: blobKey(repo, rec.record.archive), prov: rec.record.prov ? blobKey(repo, rec.record.prov) : undefined, etag: rec.etag, blobs: blobsOf(rec.record) };
      } else if (legacy) loc = { key: legacyMetaKey(repo, name, version), archive: legacyArchiveKey(repo, file), prov: `${legacyArchiveKey(repo, file)}.prov`, etag: legacy.etag, blobs: [] };
      else throw new ChartroomError('CHART_NOT_FOUND', `${name} ${version} not found`);
    }
    await this.store.delete(loc.key);
    this.recentlyDeleted.set(loc.key, Date.now());
    this.known.delete(loc.key);
    this.forget(repo, name, version);
    for (const h of loc.blobs) if (!this.blobRefs.has(digestKey(repo, h))) await this.store.delete(blobKey(repo, h));
    if (parseLegacyMetaKey(loc.key)) {
      await this.store.delete(loc.archive);
      if (loc.prov) await this.store.delete(loc.prov);
    }
    if (entry) await this.removed(repo, entry);
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

  // ---- The OCI distribution API's reads. Everything is found in memory; storage is read only for bytes. ----

  /** The version a manifest digest (hex) names in a repository, if it is a manifest of chart `name` there. */
  versionOfManifest(repo: string, name: string, hex: string): string | undefined {
    const found = this.manifests.get(digestKey(repo, hex));
    return found?.name === name ? found.version : undefined;
  }

  /** A version's manifest as known in memory (digest, size, media type), without its bytes; undefined when it has none. */
  manifestOf(repo: string, name: string, version: string): (OciRecord & { stored: boolean }) | undefined {
    if (!this.indexes.get(repo)?.get(name, version)) return undefined;
    return this.locations.get(versionKey(repo, name, version))?.oci;
  }

  /** A version's manifest bytes (read from storage, or computed for an older record). */
  async manifestBytes(repo: string, name: string, version: string): Promise<FoundManifest | undefined> {
    const oci = this.manifestOf(repo, name, version);
    if (!oci) return undefined;
    const found = (bytes: Buffer): FoundManifest => ({ name, version, bytes, hex: oci.manifest, mediaType: oci.mediaType });
    if (!oci.stored) {
      const bytes = this.computedBlob(repo, name, version, 'manifest');
      return bytes ? found(bytes) : undefined;
    }
    const obj = await this.store.get(blobKey(repo, oci.manifest));
    return obj ? found(obj.body) : undefined;
  }

  /** Config and manifest bytes of an older record, made again from its entry (the same bytes every time). */
  private computedBlob(repo: string, name: string, version: string, kind: 'config' | 'manifest'): Buffer | undefined {
    const entry = this.indexes.get(repo)?.get(name, version);
    const oci = this.locations.get(versionKey(repo, name, version))?.oci;
    if (!entry || !oci || oci.stored || oci.archiveSize === undefined) return undefined;
    const prov = oci.provHex !== undefined && oci.provSize !== undefined ? { hex: oci.provHex, size: oci.provSize } : undefined;
    const built = chartManifestFor(metadataOf(entry), { hex: entry.digest, size: oci.archiveSize }, prov, entry.created);
    return kind === 'config' ? built.config : built.bytes;
  }

  /**
   * Where a repository's blob is, by hex digest: bytes computed here (an older record's config or manifest), an
   * old-layout file, or its content address (which may or may not exist: the caller reads it to find out).
   */
  blobSource(repo: string, hex: string): BlobSource {
    const dk = digestKey(repo, hex);
    const c = this.computed.get(dk);
    if (c) {
      const bytes = this.computedBlob(repo, c.name, c.version, c.kind);
      if (bytes) return { bytes };
    }
    return { key: this.aliases.get(dk) ?? blobKey(repo, hex) };
  }

  /** The manifests of chart `name` in a repository whose subject is `digest` (`sha256:…`), for the referrers API. */
  referrers(repo: string, name: string, digest: string): Referrer[] {
    const out: Referrer[] = [];
    for (const vk of this.subjects.get(digestKey(repo, digest)) ?? []) {
      const [, n, version] = vk.split('\0');
      const oci = this.locations.get(vk)?.oci;
      if (n !== name || !oci) continue;
      out.push({ name: n, version, hex: oci.manifest, size: oci.size, mediaType: oci.mediaType, artifactType: oci.artifactType });
    }
    return out.sort((a, b) => (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0));
  }

  /** Every chart as an OCI repository name (`NAME` in the root repository, `REPO/NAME` in another), in code-unit order, of the repositories `include` admits. */
  catalog(include: (repo: string) => boolean): string[] {
    const names: string[] = [];
    for (const [repo, idx] of this.indexes) if (include(repo)) for (const n of idx.names()) names.push(repo ? `${repo}/${n}` : n);
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/** The commit race was won by an identical manifest: a no-op success, after the loser's own blobs are removed. */
class WonElsewhere extends Error {}
