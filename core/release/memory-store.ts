import { ChartroomError } from '../errors.js';
import { decodeRelease, encodeRelease } from './codec.js';
import { byRevision, latestPerRelease } from './history.js';
import type { Release, ReleaseStore } from './model.js';
import { MAX_RECORD_BYTES } from './record.js';
import { checkReleaseName, recordLabels, RecordVersions, releaseSecretName, unixSeconds, userLabels } from './secrets-store.js';

/** One stored record: Helm's encoded text and the labels its Secret would carry. */
export interface MemoryRecord {
  namespace: string;
  name: string;
  version: number;
  encoded: string;
  labels: Record<string, string>;
  /** Bumped on every write, like a resourceVersion. */
  generation: number;
}

/** Records of a pretend cluster, shared by the stores of its namespaces. */
export type MemoryRecords = Map<string, MemoryRecord>;

/**
 * Release records in memory, for tests: the same rules as SecretsReleaseStore (create-only create with
 * RELEASE_REVISION_EXISTS; update refused with RELEASE_LOCKED when another store changed the record since
 * this record object was read, RELEASE_NOT_FOUND for a missing record; the same labels), and every record goes through Helm's encoding,
 * so what comes back is what a cluster would give back. Stores made on one `records` map see each other's
 * records, as namespaces of one cluster do.
 */
export class MemoryReleaseStore implements ReleaseStore {
  private readonly versions = new RecordVersions<number>();
  private generation = 0;
  private readonly clock: () => Date;

  constructor(
    readonly namespace: string | 'all' = 'default',
    readonly records: MemoryRecords = new Map(),
    opts: { clock?: () => Date } = {},
  ) {
    this.clock = opts.clock ?? (() => new Date());
  }

  private key(namespace: string, name: string, version: number): string {
    return `${namespace}/${releaseSecretName(name, version)}`;
  }

  private inScope(r: MemoryRecord): boolean {
    return this.namespace === 'all' || r.namespace === this.namespace;
  }

  private targetNamespace(rel: Release): string {
    if (this.namespace !== 'all') return this.namespace;
    if (!rel.namespace) throw new ChartroomError('RELEASE_INVALID', `release ${rel.name} names no namespace, and this store spans every namespace`, { field: 'namespace' });
    return rel.namespace;
  }

  private read(r: MemoryRecord): Release {
    const rel = decodeRelease(r.encoded);
    rel.labels = userLabels(r.labels);
    this.versions.saw(rel, r.generation);
    return rel;
  }

  private encode(rel: Release): string {
    const encoded = encodeRelease(rel);
    if (encoded.length > MAX_RECORD_BYTES) {
      throw new ChartroomError('RELEASE_TOO_LARGE', `the release record of ${rel.name} revision ${rel.version} is ${encoded.length} bytes, over the ${MAX_RECORD_BYTES} bytes a Kubernetes Secret holds`);
    }
    return encoded;
  }

  private nextGeneration(): number {
    // Unique across stores sharing the map.
    let max = this.generation;
    for (const r of this.records.values()) max = Math.max(max, r.generation);
    this.generation = max + 1;
    return this.generation;
  }

  private matching(name: string, version?: number): MemoryRecord[] {
    return [...this.records.values()].filter((r) => this.inScope(r) && r.name === name && (version === undefined || r.version === version));
  }

  async history(name: string): Promise<Release[]> {
    checkReleaseName(name);
    return this.matching(name)
      .map((r) => this.read(r))
      .sort(byRevision);
  }

  async get(name: string, version: number): Promise<Release | undefined> {
    checkReleaseName(name);
    const found = this.matching(name, version);
    if (found.length > 1) throw new ChartroomError('RELEASE_INVALID', `release ${name} revision ${version} exists in several namespaces`, { hint: 'name the namespace (-n)' });
    return found[0] && this.read(found[0]);
  }

  async create(rel: Release): Promise<void> {
    checkReleaseName(rel.name);
    const namespace = this.targetNamespace(rel);
    const key = this.key(namespace, rel.name, rel.version);
    const encoded = this.encode(rel);
    if (this.records.has(key)) {
      throw new ChartroomError('RELEASE_REVISION_EXISTS', `release ${rel.name} revision ${rel.version} already exists in namespace ${namespace}`, { hint: 'another operation on this release wrote that revision first' });
    }
    const generation = this.nextGeneration();
    this.records.set(key, { namespace, name: rel.name, version: rel.version, encoded, labels: recordLabels(rel, { createdAt: unixSeconds(this.clock()) }), generation });
    this.versions.forget(key);
    this.versions.saw(rel, generation);
  }

  async update(rel: Release): Promise<void> {
    checkReleaseName(rel.name);
    const namespace = this.targetNamespace(rel);
    const key = this.key(namespace, rel.name, rel.version);
    const current = this.records.get(key);
    if (!current) throw new ChartroomError('RELEASE_NOT_FOUND', `release ${rel.name} revision ${rel.version} is not in namespace ${namespace} (deleted meanwhile?)`);
    if (!this.versions.isCurrent(key, rel, current.generation)) {
      throw new ChartroomError('RELEASE_LOCKED', `release ${rel.name} revision ${rel.version} was changed by another client since it was read`, {
        hint: 'another operation is working on this release; read it again and retry when it is done',
      });
    }
    const encoded = this.encode(rel);
    const generation = this.nextGeneration();
    const labels = recordLabels(rel, { createdAt: current.labels.createdAt, modifiedAt: unixSeconds(this.clock()) });
    this.records.set(key, { namespace, name: rel.name, version: rel.version, encoded, labels, generation });
    this.versions.wrote(key, rel, current.generation, generation);
  }

  async delete(name: string, version: number): Promise<void> {
    checkReleaseName(name);
    const found = this.matching(name, version);
    if (found.length > 1) throw new ChartroomError('RELEASE_INVALID', `release ${name} revision ${version} exists in several namespaces`, { hint: 'name the namespace (-n)' });
    for (const r of found) {
      this.records.delete(this.key(r.namespace, r.name, r.version));
      this.versions.forget(this.key(r.namespace, r.name, r.version));
    }
  }

  async list(): Promise<Release[]> {
    return latestPerRelease([...this.records.values()].filter((r) => this.inScope(r)).map((r) => this.read(r)));
  }

  /** The labels the record's Secret would carry (for tests). */
  labelsOf(name: string, version: number, namespace = this.namespace === 'all' ? undefined : this.namespace): Record<string, string> | undefined {
    const r = [...this.records.values()].find((x) => x.name === name && x.version === version && (namespace === undefined || x.namespace === namespace));
    return r && { ...r.labels };
  }
}
