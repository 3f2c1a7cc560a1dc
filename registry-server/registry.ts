import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { ChartroomError, hasCode } from '../core/errors.js';
import { loadChartArchive } from '../core/chart/loader.js';
import { DEFAULT_LIMITS } from '../core/chart/archive.js';
import { indexEntryFromMetadata, type IndexEntry } from '../core/repo/index-file.js';
import { RepositoryIndex } from './index-cache.js';
import { listAll, type ObjectStore } from './storage/object-store.js';

export interface RegistryOptions {
  store: ObjectStore;
  /** Re-publishing an existing version always replaces it. */
  allowOverwrite?: boolean;
  /** `?force` may not replace an existing version. */
  disableForceOverwrite?: boolean;
  /** External base URL for chart URLs in the index; relative URLs when absent. */
  chartUrl?: string;
  maxUploadBytes?: number;
  /** An archive without its index entry older than this is a crashed publish and may be replaced. */
  orphanAgeMs?: number;
  /** Parallel storage reads while loading the index. */
  concurrency?: number;
  /** Named repositories that exist before anything is published into them. */
  repositories?: string[];
  onWarning?: (message: string, details?: Record<string, unknown>) => void;
}

const REPO_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Names a repository cannot take, because the root repository's routes use them. */
export const RESERVED_REPOS = new Set(['api', 'charts', 'health', 'info', 'metrics', 'index.yaml', 'index.json']);

export function checkRepo(repo: string): string {
  if (repo === '') return repo;
  if (!REPO_RE.test(repo) || RESERVED_REPOS.has(repo)) throw new ChartroomError('REPO_NOT_FOUND', `no repository named ${JSON.stringify(repo)}`);
  return repo;
}

const prefixOf = (repo: string) => (repo ? `repos/${repo}/` : '');
const archiveKey = (repo: string, name: string, version: string) => `${prefixOf(repo)}charts/${name}-${version}.tgz`;
const metaKey = (repo: string, name: string, version: string) => `${prefixOf(repo)}meta/${name}/${version}.json`;

/** Reads `repos/<repo>/meta/<name>/<version>.json` or `meta/<name>/<version>.json` back into its parts. */
function parseMetaKey(key: string): { repo: string; name: string; version: string } | undefined {
  const m = /^(?:repos\/([^/]+)\/)?meta\/([^/]+)\/(.+)\.json$/.exec(key);
  return m ? { repo: m[1] ?? '', name: m[2], version: m[3] } : undefined;
}

interface Known {
  etag: string;
  since: number;
}

/**
 * The registry's charts: the in-memory indexes, and publish and delete against the object store.
 *
 * Storage layout: `charts/<name>-<version>.tgz` (and `.prov`), then `meta/<name>/<version>.json`, the
 * index entry. The entry is written last, create-only: it is the commit point. An archive without an entry
 * is not in any index; after `orphanAgeMs` it counts as a crashed publish and may be replaced. Named
 * repositories live under `repos/<repo>/`. Every replica rebuilds its indexes from the entries alone.
 */
export class ChartRegistry {
  private readonly indexes = new Map<string, RepositoryIndex>();
  private readonly known = new Map<string, Known>();
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
    const rel = `charts/${file}`;
    if (!this.opts.chartUrl) return rel;
    return `${this.opts.chartUrl.replace(/\/+$/, '')}/${repo ? `${repo}/` : ''}${rel}`;
  }

  /**
   * Brings the in-memory indexes up to date with storage: new and changed entries are read, vanished ones
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
    const listed = [...(await listAll(this.store, 'meta/')), ...(await listAll(this.store, 'repos/')).filter((o) => o.key.includes('/meta/'))];
    const seen = new Set<string>();
    const toRead: { key: string; etag: string }[] = [];
    for (const o of listed) {
      if (!parseMetaKey(o.key)) continue;
      seen.add(o.key);
      const deletedAt = this.recentlyDeleted.get(o.key);
      if (deletedAt !== undefined && deletedAt >= started - 1000) continue;
      if (this.known.get(o.key)?.etag !== o.etag) toRead.push({ key: o.key, etag: o.etag });
    }
    let added = 0;
    const limit = pLimit(this.opts.concurrency ?? 32);
    const readOne = async (item: { key: string }) => {
      const obj = await this.store.get(item.key);
      if (!obj) return;
      const parsed = parseMetaKey(item.key)!;
      let entry: IndexEntry;
      try {
        entry = JSON.parse(obj.body.toString('utf8')) as IndexEntry;
      } catch {
        this.opts.onWarning?.('unreadable index entry in storage; skipped', { key: item.key });
        return;
      }
      if (entry.name !== parsed.name || entry.version !== parsed.version) {
        this.opts.onWarning?.('index entry does not match its key; skipped', { key: item.key });
        return;
      }
      this.index(parsed.repo).set(entry);
      this.known.set(item.key, { etag: obj.etag, since: Date.now() });
      added++;
    };
    await Promise.all(toRead.map((item) => limit(() => readOne(item))));
    let removed = 0;
    for (const [key, k] of this.known) {
      if (seen.has(key) || k.since >= started) continue;
      const parsed = parseMetaKey(key)!;
      this.index(parsed.repo).remove(parsed.name, parsed.version);
      this.known.delete(key);
      removed++;
    }
    for (const [key, at] of this.recentlyDeleted) if (at < started - 60_000) this.recentlyDeleted.delete(key);
    return { added, removed };
  }

  private checkUpload(size: number) {
    const max = this.opts.maxUploadBytes ?? 20 * 1024 * 1024;
    if (size > max) throw new ChartroomError('UPLOAD_TOO_LARGE', `chart archive is larger than the upload limit of ${max} bytes`);
  }

  private overwriteAllowed(force: boolean): boolean {
    return !!this.opts.allowOverwrite || (force && !this.opts.disableForceOverwrite);
  }

  /**
   * Publishes a chart archive (and its provenance file). Throws VERSION_EXISTS or PUBLISH_IN_PROGRESS if the
   * version exists (unless overwriting is allowed), the chart loader's own codes (ARCHIVE_REJECTED,
   * CHART_YAML...) for an archive that breaks the rules. A failed publish leaves nothing.
   */
  async publish(repo: string, tgz: Buffer, opts: { prov?: Buffer; filename?: string; force?: boolean } = {}): Promise<IndexEntry> {
    checkRepo(repo);
    this.checkUpload(tgz.length + (opts.prov?.length ?? 0));
    const chart = loadChartArchive(tgz, opts.filename ?? 'upload.tgz', { ...DEFAULT_LIMITS });
    const { name, version } = chart.metadata;
    const file = `${name}-${version}.tgz`;
    if (opts.filename && opts.filename !== file) throw new ChartroomError('BAD_REQUEST', `file name ${JSON.stringify(opts.filename)} does not match the chart: expected ${file}`);
    const digest = createHash('sha256').update(tgz).digest('hex');
    if (opts.prov) this.checkProv(opts.prov, file, digest);
    const mKey = metaKey(repo, name, version);
    const aKey = archiveKey(repo, name, version);
    const overwrite = this.overwriteAllowed(!!opts.force);
    if (!overwrite && (this.index(repo).get(name, version) || (await this.store.head(mKey)))) {
      throw new ChartroomError('VERSION_EXISTS', `${name} ${version} already exists`, { hint: 'publish a new version, or use ?force where overwriting is allowed' });
    }

    const entry = indexEntryFromMetadata(chart.metadata, { urls: [this.chartUrl(repo, file)], created: new Date().toISOString(), digest });
    const written: string[] = [];
    try {
      if (overwrite) {
        await this.store.put(aKey, tgz, { contentType: 'application/gzip' });
      } else {
        try {
          await this.store.put(aKey, tgz, { ifNoneMatch: '*', contentType: 'application/gzip' });
        } catch (e) {
          if (!hasCode(e, 'STORAGE_CONFLICT')) throw e;
          await this.replaceOrphan(aKey, mKey, tgz, name, version);
        }
      }
      written.push(aKey);
      if (opts.prov) {
        await this.store.put(`${aKey}.prov`, opts.prov, { contentType: 'application/pgp-signature' });
        written.push(`${aKey}.prov`);
      }
      const body = Buffer.from(JSON.stringify(entry));
      let info;
      try {
        info = await this.store.put(mKey, body, overwrite ? { contentType: 'application/json' } : { ifNoneMatch: '*', contentType: 'application/json' });
      } catch (e) {
        if (hasCode(e, 'STORAGE_CONFLICT')) {
          written.length = 0; // the archive is the other publisher's now
          throw new ChartroomError('VERSION_EXISTS', `${name} ${version} already exists`);
        }
        throw e;
      }
      this.known.set(mKey, { etag: info.etag, since: Date.now() });
      this.recentlyDeleted.delete(mKey);
      this.index(repo).set(entry);
      return entry;
    } catch (e) {
      for (const key of written.reverse()) await this.store.delete(key).catch(() => undefined);
      throw e;
    }
  }

  /** An archive with no index entry: a publish in progress, or one that crashed long ago (replace it). */
  private async replaceOrphan(aKey: string, mKey: string, tgz: Buffer, name: string, version: string): Promise<void> {
    if (await this.store.head(mKey)) throw new ChartroomError('VERSION_EXISTS', `${name} ${version} already exists`);
    const info = await this.store.head(aKey);
    const age = info ? Date.now() - info.lastModified.getTime() : Infinity;
    if (info && age < (this.opts.orphanAgeMs ?? 60_000)) throw new ChartroomError('PUBLISH_IN_PROGRESS', `${name} ${version} is being published by another request`);
    try {
      if (info) await this.store.put(aKey, tgz, { ifMatch: info.etag, contentType: 'application/gzip' });
      else await this.store.put(aKey, tgz, { ifNoneMatch: '*', contentType: 'application/gzip' });
    } catch (e) {
      if (hasCode(e, 'STORAGE_CONFLICT')) throw new ChartroomError('PUBLISH_IN_PROGRESS', `${name} ${version} is being published by another request`);
      throw e;
    }
  }

  private checkProv(prov: Buffer, file: string, digest: string) {
    const text = prov.toString('utf8');
    if (!text.includes('-----BEGIN PGP SIGNED MESSAGE-----')) throw new ChartroomError('PROV_INVALID', 'provenance file is not a PGP signed message');
    const m = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\s*sha256:([0-9a-f]{64})`).exec(text);
    if (!m) throw new ChartroomError('PROV_INVALID', `provenance file does not name ${file} with a sha256 digest`);
    if (m[1] !== digest) throw new ChartroomError('PROV_INVALID', `provenance file names sha256:${m[1]} for ${file}, but the archive's digest is sha256:${digest}`);
  }

  /** Stores a provenance file for a published chart (POST /api/prov). */
  async publishProv(repo: string, prov: Buffer, opts: { force?: boolean } = {}): Promise<string> {
    checkRepo(repo);
    this.checkUpload(prov.length);
    const m = /^\s*([A-Za-z0-9_.-]+?)-(\d+\.\d+\.\d+[^\s:]*)\.tgz:\s*sha256:([0-9a-f]{64})/m.exec(prov.toString('utf8').split('files:')[1] ?? '');
    if (!m) throw new ChartroomError('PROV_INVALID', 'provenance file names no chart archive (files: NAME-VERSION.tgz: sha256:...)');
    const [, name, version] = m;
    const entry = this.index(repo).get(name, version);
    if (!entry) throw new ChartroomError('CHART_NOT_FOUND', `${name} ${version} is not in the repository; publish the chart first`);
    this.checkProv(prov, `${name}-${version}.tgz`, entry.digest);
    const key = `${archiveKey(repo, name, version)}.prov`;
    try {
      await this.store.put(key, prov, this.overwriteAllowed(!!opts.force) ? {} : { ifNoneMatch: '*' });
    } catch (e) {
      if (hasCode(e, 'STORAGE_CONFLICT')) throw new ChartroomError('PROV_EXISTS', `the provenance file of ${name} ${version} already exists`);
      throw e;
    }
    return `${name}-${version}.tgz.prov`;
  }

  /** Removes a version: its index entry first (it leaves every index), then its files. */
  async delete(repo: string, name: string, version: string): Promise<void> {
    checkRepo(repo);
    const mKey = metaKey(repo, name, version);
    if (!this.index(repo).get(name, version) && !(await this.store.head(mKey))) throw new ChartroomError('CHART_NOT_FOUND', `${name} ${version} not found`);
    await this.store.delete(mKey);
    this.recentlyDeleted.set(mKey, Date.now());
    this.known.delete(mKey);
    this.index(repo).remove(name, version);
    const aKey = archiveKey(repo, name, version);
    await this.store.delete(aKey);
    await this.store.delete(`${aKey}.prov`);
  }

  /** A chart archive or provenance file by its file name, if its version is in the index. */
  async file(repo: string, file: string): Promise<{ body: Buffer; etag: string } | undefined> {
    checkRepo(repo);
    const m = /^(.+)-(\d+\.\d+\.\d+.*?)\.tgz(\.prov)?$/.exec(file);
    if (!m) return undefined;
    // Chart names may contain '-': try each split that names a version in the index.
    const base = file.replace(/\.prov$/, '').replace(/\.tgz$/, '');
    for (let i = base.indexOf('-'); i > 0; i = base.indexOf('-', i + 1)) {
      const name = base.slice(0, i);
      const version = base.slice(i + 1);
      if (this.index(repo).get(name, version)) {
        const obj = await this.store.get(`${prefixOf(repo)}charts/${file}`);
        return obj ? { body: obj.body, etag: obj.etag } : undefined;
      }
    }
    return undefined;
  }
}
