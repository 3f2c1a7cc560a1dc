import { ChartroomError, hasCode } from '../errors.js';
import type { KubeClient, KubeObject } from '../kube/types.js';
import { decodeRelease, encodeRelease } from './codec.js';
import { byRevision } from './history.js';
import type { Release, ReleaseStore } from './model.js';
import { MAX_RECORD_BYTES } from './record.js';

/**
 * Helm's Secrets storage driver (helm v4 `pkg/storage/driver/secrets.go`), on our KubeClient. One Secret
 * per revision:
 *
 *   name    sh.helm.release.v1.NAME.vN        type  helm.sh/release.v1
 *   labels  name=NAME owner=helm status=STATUS version=N, createdAt / modifiedAt (Unix seconds), and the
 *           record's own labels
 *   data    release: Helm's encodeRelease text (base64 of gzip'd JSON) — which the API's JSON carries in
 *           base64 once more, as it carries every Secret value
 */

export const RELEASE_SECRET_PREFIX = 'sh.helm.release.v1';
export const RELEASE_SECRET_TYPE = 'helm.sh/release.v1';
export const RELEASE_OWNER = 'helm';
/** Labels the driver owns; a record's own labels never override them and are read back without them. */
export const SYSTEM_LABELS: readonly string[] = ['name', 'owner', 'status', 'version', 'createdAt', 'modifiedAt'];

/** `sh.helm.release.v1.NAME.vN`, Helm's storage key and the Secret's name. */
export function releaseSecretName(name: string, version: number): string {
  return `${RELEASE_SECRET_PREFIX}.${name}.v${version}`;
}

/** A record's own labels: the Secret's labels without the driver's. */
export function userLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) if (!SYSTEM_LABELS.includes(k)) out[k] = v;
  return out;
}

/** The labels of a record's Secret: its own, then the timestamps, then Helm's (which win). */
export function recordLabels(rel: Release, stamps: { createdAt?: string; modifiedAt?: string } = {}): Record<string, string> {
  const labels = userLabels(rel.labels);
  if (stamps.createdAt !== undefined) labels.createdAt = stamps.createdAt;
  if (stamps.modifiedAt !== undefined) labels.modifiedAt = stamps.modifiedAt;
  labels.name = rel.name;
  labels.owner = RELEASE_OWNER;
  labels.status = rel.info.status ?? '';
  labels.version = String(rel.version);
  return labels;
}

/** Unix seconds, as Helm writes createdAt and modifiedAt. */
export function unixSeconds(d: Date): string {
  return String(Math.floor(d.getTime() / 1000));
}

/** Helm's rule for release names (`chartutil.ValidateReleaseName`): a DNS subdomain of at most 53 characters. */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Release names are label values and part of Secret names; anything else is RELEASE_INVALID. */
export function checkReleaseName(name: string): void {
  if (!name || name.length > 53 || !RELEASE_NAME.test(name)) {
    throw new ChartroomError('RELEASE_INVALID', `release name ${JSON.stringify(name)} is invalid`, {
      field: 'name',
      hint: 'a release name is at most 53 characters of lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
    });
  }
}

/**
 * Which version of a stored record each record object was read or written at, and which version changes
 * this store made itself: an update may overwrite the store's own writes since the object was read (a
 * lease renewal through a copy, then the final write), never another client's.
 */
export class RecordVersions<V> {
  private readonly seen = new WeakMap<Release, V>();
  private readonly own = new Map<string, Map<V, V>>();

  saw(rel: Release, version: V | undefined): void {
    if (version !== undefined) this.seen.set(rel, version);
  }

  wrote(key: string, rel: Release, before: V | undefined, after: V | undefined): void {
    if (after === undefined) return;
    this.seen.set(rel, after);
    if (before === undefined) return;
    let lineage = this.own.get(key);
    if (!lineage) this.own.set(key, (lineage = new Map()));
    lineage.set(before, after);
    if (lineage.size > 64) lineage.delete(lineage.keys().next().value as V);
  }

  forget(key: string): void {
    this.own.delete(key);
  }

  /** Whether `current` is the version `rel` was seen at, or follows from it by this store's own writes only. */
  isCurrent(key: string, rel: Release, current: V | undefined): boolean {
    const seen = this.seen.get(rel);
    if (seen === undefined || current === undefined) return true;
    const lineage = this.own.get(key);
    let v: V = seen;
    for (let hops = 0; v !== current; hops++) {
      const next: V | undefined = lineage?.get(v);
      if (next === undefined || hops > 64) return false;
      v = next;
    }
    return true;
  }
}

/** Helm's encoded text as it travels in the API's JSON: base64 of its bytes. */
export function secretData(encoded: string): string {
  return Buffer.from(encoded, 'latin1').toString('base64');
}

/** The record a release Secret holds, with the Secret's own labels; RELEASE_INVALID naming the Secret when it holds none. */
export function releaseFromSecret(obj: KubeObject): Release {
  const where = `Secret ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
  const data = (obj.data ?? {}) as Record<string, unknown>;
  const release = data.release;
  if (typeof release !== 'string') throw new ChartroomError('RELEASE_INVALID', `${where} holds no release record (data.release)`);
  try {
    const rel = decodeRelease(Buffer.from(release, 'base64'));
    rel.labels = userLabels(obj.metadata.labels);
    return rel;
  } catch (e) {
    if (e instanceof ChartroomError) throw new ChartroomError('RELEASE_INVALID', `${where}: ${e.message}`, { ...e.details, cause: e });
    throw e;
  }
}

function tooLarge(rel: Release, size: number): ChartroomError {
  return new ChartroomError('RELEASE_TOO_LARGE', `the release record of ${rel.name} revision ${rel.version} is ${size} bytes, over the ${MAX_RECORD_BYTES} bytes a Kubernetes Secret holds`, {
    hint: 'trim the chart (leave large files out with .helmignore) and keep big data out of values',
  });
}

export interface SecretsStoreOptions {
  /** For createdAt / modifiedAt (default: the system clock). */
  clock?: () => Date;
  /** Told about a Secret that list/history skip because its record cannot be read (Helm skips them too). */
  onInvalidRecord?: (secret: string, namespace: string | undefined, error: Error) => void;
}

/**
 * Release records in Secrets, in one namespace or, with 'all', every namespace (reads find records in any
 * namespace; writes go to the record's own namespace).
 *
 * - `create` is create-only: an existing Secret (the API's 409) is RELEASE_REVISION_EXISTS. It is the commit
 *   point of an operation: of two writers of revision N exactly one succeeds.
 * - `update` replaces the Secret at its current resourceVersion, after checking that no other client changed
 *   it since this record object was read or written through this store (writes through this store in
 *   between, such as a lease renewal made with a copy, do not count). A change by another client — found
 *   first, or the API's 409 between our read and our write — is RELEASE_LOCKED; a Secret that is gone is
 *   RELEASE_NOT_FOUND. Updates of one Secret through this store run one after another. createdAt is kept;
 *   modifiedAt is set; the Secret's annotations, owner references and finalizers are kept.
 * - `delete` of a record that is not there does nothing.
 * - `list` and `history` skip Secrets whose record cannot be decoded, as Helm does.
 */
export class SecretsReleaseStore implements ReleaseStore {
  private readonly versions = new RecordVersions<string>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly clock: () => Date;

  constructor(
    private readonly kube: KubeClient,
    readonly namespace: string | 'all',
    private readonly opts: SecretsStoreOptions = {},
  ) {
    this.clock = opts.clock ?? (() => new Date());
  }

  private get listNamespace(): string | undefined {
    return this.namespace === 'all' ? undefined : this.namespace;
  }

  private targetNamespace(rel: Release): string {
    if (this.namespace !== 'all') return this.namespace;
    if (!rel.namespace) throw new ChartroomError('RELEASE_INVALID', `release ${rel.name} names no namespace, and this store spans every namespace`, { field: 'namespace' });
    return rel.namespace;
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  private read(obj: KubeObject): Release {
    const rel = releaseFromSecret(obj);
    this.versions.saw(rel, obj.metadata.resourceVersion);
    return rel;
  }

  /** Decodes what can be decoded, telling about the rest. */
  private readAll(items: KubeObject[]): Release[] {
    const out: Release[] = [];
    for (const item of items) {
      try {
        out.push(this.read(item));
      } catch (e) {
        if (!hasCode(e, 'RELEASE_INVALID')) throw e;
        this.opts.onInvalidRecord?.(item.metadata.name, item.metadata.namespace, e);
      }
    }
    return out;
  }

  private find(selector: string): Promise<KubeObject[]> {
    return this.kube.list('v1', 'Secret', this.listNamespace, { labelSelector: selector });
  }

  private secret(rel: Release, namespace: string, labels: Record<string, string>): KubeObject {
    const encoded = encodeRelease(rel);
    if (encoded.length > MAX_RECORD_BYTES) throw tooLarge(rel, encoded.length);
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: releaseSecretName(rel.name, rel.version), namespace, labels },
      type: RELEASE_SECRET_TYPE,
      data: { release: secretData(encoded) },
    };
  }

  async history(name: string): Promise<Release[]> {
    checkReleaseName(name);
    const items = await this.find(`name=${name},owner=${RELEASE_OWNER}`);
    return this.readAll(items).sort(byRevision);
  }

  async get(name: string, version: number): Promise<Release | undefined> {
    checkReleaseName(name);
    if (this.namespace !== 'all') {
      const obj = await this.kube.get('v1', 'Secret', releaseSecretName(name, version), this.namespace);
      return obj ? this.read(obj) : undefined;
    }
    const found = await this.locate(name, version);
    return found ? this.read(found) : undefined;
  }

  /** In 'all' mode: the one Secret of a revision, wherever it is. */
  private async locate(name: string, version: number): Promise<KubeObject | undefined> {
    const key = releaseSecretName(name, version);
    const items = (await this.find(`name=${name},owner=${RELEASE_OWNER},version=${version}`)).filter((o) => o.metadata.name === key);
    if (items.length > 1) {
      throw new ChartroomError('RELEASE_INVALID', `release ${name} revision ${version} exists in several namespaces (${items.map((o) => o.metadata.namespace).join(', ')})`, { hint: 'name the namespace (-n)' });
    }
    return items[0];
  }

  async create(rel: Release): Promise<void> {
    checkReleaseName(rel.name);
    const namespace = this.targetNamespace(rel);
    const key = releaseSecretName(rel.name, rel.version);
    return this.serial(`${namespace}/${key}`, async () => {
      const obj = this.secret(rel, namespace, recordLabels(rel, { createdAt: unixSeconds(this.clock()) }));
      try {
        const created = await this.kube.create(obj);
        this.versions.forget(`${namespace}/${key}`);
        this.versions.saw(rel, created?.metadata?.resourceVersion);
      } catch (e) {
        if (hasCode(e, 'KUBE_ALREADY_EXISTS')) {
          throw new ChartroomError('RELEASE_REVISION_EXISTS', `release ${rel.name} revision ${rel.version} already exists in namespace ${namespace}`, {
            hint: 'another operation on this release wrote that revision first',
            cause: e,
          });
        }
        throw e;
      }
    });
  }

  async update(rel: Release): Promise<void> {
    checkReleaseName(rel.name);
    const namespace = this.targetNamespace(rel);
    const key = releaseSecretName(rel.name, rel.version);
    return this.serial(`${namespace}/${key}`, async () => {
      const gone = (cause?: unknown) => new ChartroomError('RELEASE_NOT_FOUND', `release ${rel.name} revision ${rel.version} is not in namespace ${namespace} (deleted meanwhile?)`, { cause });
      const changed = (cause?: unknown) =>
        new ChartroomError('RELEASE_LOCKED', `release ${rel.name} revision ${rel.version} was changed by another client since it was read`, {
          hint: 'another operation is working on this release; read it again and retry when it is done',
          cause,
        });
      const current = await this.kube.get('v1', 'Secret', key, namespace);
      if (!current) throw gone();
      const currentVersion = current.metadata.resourceVersion;
      if (!this.versions.isCurrent(`${namespace}/${key}`, rel, currentVersion)) throw changed();
      const stamps = { createdAt: current.metadata.labels?.createdAt, modifiedAt: unixSeconds(this.clock()) };
      const obj = this.secret(rel, namespace, recordLabels(rel, stamps));
      obj.metadata.resourceVersion = currentVersion;
      const meta = obj.metadata as Record<string, unknown>;
      for (const field of ['annotations', 'ownerReferences', 'finalizers']) {
        if (current.metadata[field] !== undefined && current.metadata[field] !== null) meta[field] = current.metadata[field];
      }
      try {
        const replaced = await this.kube.replace(obj);
        this.versions.wrote(`${namespace}/${key}`, rel, currentVersion, replaced?.metadata?.resourceVersion);
      } catch (e) {
        if (hasCode(e, 'KUBE_CONFLICT')) throw changed(e);
        if (hasCode(e, 'KUBE_NOT_FOUND')) throw gone(e);
        throw e;
      }
    });
  }

  async delete(name: string, version: number): Promise<void> {
    checkReleaseName(name);
    let namespace = this.namespace;
    if (namespace === 'all') {
      const found = await this.locate(name, version);
      if (!found?.metadata.namespace) return;
      namespace = found.metadata.namespace;
    }
    const key = releaseSecretName(name, version);
    await this.serial(`${namespace}/${key}`, async () => {
      await this.kube.delete('v1', 'Secret', key, namespace);
      this.versions.forget(`${namespace}/${key}`);
    });
  }

  async list(): Promise<Release[]> {
    const items = await this.find(`owner=${RELEASE_OWNER}`);
    // Group by the labels and decode newest first, so only the latest readable record of each release is decoded.
    const groups = new Map<string, KubeObject[]>();
    for (const item of items) {
      const key = `${item.metadata.namespace ?? ''}\u0000${item.metadata.labels?.name ?? item.metadata.name}`;
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
    const latest: Release[] = [];
    for (const group of groups.values()) {
      group.sort((a, b) => Number(b.metadata.labels?.version ?? 0) - Number(a.metadata.labels?.version ?? 0));
      for (const item of group) {
        const [rel] = this.readAll([item]);
        if (rel) {
          latest.push(rel);
          break;
        }
      }
    }
    return latest.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
  }
}
