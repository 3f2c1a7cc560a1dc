import { beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { ChartroomError, hasCode } from '../../core/errors.js';
import type { KubeClient, KubeObject, ResourceInfo } from '../../core/kube/types.js';
import { decodeRelease, encodeRelease, GO_ZERO_TIME } from '../../core/release/codec.js';
import { DEFAULT_HISTORY_MAX, lastRevision, latestDeployed, latestPerRelease, nextRevision, pruneHistory, revisionsToPrune } from '../../core/release/history.js';
import { MemoryReleaseStore } from '../../core/release/memory-store.js';
import type { Release, ReleaseStatus, ReleaseStore } from '../../core/release/model.js';
import { releaseSecretName, SecretsReleaseStore } from '../../core/release/secrets-store.js';

const NOW = new Date('2023-11-14T22:13:20Z'); // Unix 1700000000
let now = NOW;
const clock = () => now;

function release(name: string, version: number, status: ReleaseStatus = 'deployed', extra: Partial<Release> = {}): Release {
  return {
    name,
    namespace: extra.namespace ?? 'apps',
    version,
    info: { first_deployed: '2024-01-01T00:00:00Z', last_deployed: '2024-01-01T00:00:00Z', deleted: GO_ZERO_TIME, description: 'Install complete', status },
    chart: { metadata: { name: 'web', version: '1.0.0', apiVersion: 'v2' }, lock: null, templates: [], values: { a: 1 }, schema: null, files: [] },
    config: { replicas: version },
    manifest: `---\n# Source: web/templates/cm.yaml\nkind: ConfigMap\n# revision ${version}\n`,
    apply_method: 'ssa',
    ...extra,
  };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return e instanceof ChartroomError ? e.code : String(e);
  }
  return undefined;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** An API server's Secrets, as far as a release store sees them: create-only create, replace at a resourceVersion, label selectors. */
class FakeKube implements KubeClient {
  readonly context = 'fake';
  readonly server = 'https://fake.invalid';
  readonly namespace = 'default';
  readonly objects = new Map<string, KubeObject>();
  readonly calls: string[] = [];
  private rv = 100;

  private key(namespace: string | undefined, name: string): string {
    return `${namespace ?? ''}/${name}`;
  }
  async serverVersion() {
    return { gitVersion: 'v1.35.0', major: '1', minor: '35' };
  }
  async apiVersions() {
    return ['v1'];
  }
  async resourceFor(): Promise<ResourceInfo> {
    return { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true };
  }
  async get(apiVersion: string, kind: string, name: string, namespace?: string) {
    this.calls.push(`get ${kind} ${namespace}/${name}`);
    const o = this.objects.get(this.key(namespace, name));
    return o && clone(o);
  }
  async list(apiVersion: string, kind: string, namespace: string | undefined, opts?: { labelSelector?: string }) {
    this.calls.push(`list ${kind} ${namespace ?? '*'} ${opts?.labelSelector ?? ''}`);
    const terms = (opts?.labelSelector ?? '').split(',').filter(Boolean).map((t) => t.split('='));
    return [...this.objects.values()]
      .filter((o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace))
      .filter((o) => terms.every(([k, v]) => o.metadata.labels?.[k] === v))
      .map(clone);
  }
  private validate(obj: KubeObject): void {
    // The API server keeps Secret data as bytes; JSON carries them in base64; all data together may be 1 MiB.
    const data = (obj.data ?? {}) as Record<string, string>;
    let total = 0;
    for (const v of Object.values(data)) {
      const bytes = Buffer.from(v, 'base64');
      if (bytes.toString('base64') !== v) throw new ChartroomError('KUBE_INVALID', 'data is not base64');
      total += bytes.length;
    }
    if (total > 1024 * 1024) throw new ChartroomError('KUBE_INVALID', 'Secret data: Too long: must have at most 1048576 bytes');
  }
  async create(obj: KubeObject) {
    this.calls.push(`create ${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`);
    const key = this.key(obj.metadata.namespace, obj.metadata.name);
    if (this.objects.has(key)) throw new ChartroomError('KUBE_ALREADY_EXISTS', `secrets "${obj.metadata.name}" already exists`, { httpStatus: 409 });
    this.validate(obj);
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    stored.metadata.uid = `uid-${this.rv}`;
    this.objects.set(key, stored);
    return clone(stored);
  }
  async replace(obj: KubeObject) {
    this.calls.push(`replace ${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}@${obj.metadata.resourceVersion}`);
    const key = this.key(obj.metadata.namespace, obj.metadata.name);
    const current = this.objects.get(key);
    if (!current) throw new ChartroomError('KUBE_NOT_FOUND', `secrets "${obj.metadata.name}" not found`, { httpStatus: 404 });
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw new ChartroomError('KUBE_CONFLICT', 'the object has been modified; please apply your changes to the latest version and try again', { httpStatus: 409 });
    }
    this.validate(obj);
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    stored.metadata.uid = current.metadata.uid;
    this.objects.set(key, stored);
    // Let another request in between, as a real server does.
    await new Promise((r) => setImmediate(r));
    return clone(stored);
  }
  async apply(): Promise<KubeObject> {
    throw new Error('not used');
  }
  async delete(apiVersion: string, kind: string, name: string, namespace?: string) {
    this.calls.push(`delete ${kind} ${namespace}/${name}`);
    return this.objects.delete(this.key(namespace, name));
  }
  secret(namespace: string, name: string): KubeObject {
    return this.objects.get(this.key(namespace, name))!;
  }
  /** Another client rewrites a Secret (bumps its resourceVersion). */
  touch(namespace: string, name: string): void {
    const o = this.secret(namespace, name);
    o.metadata.resourceVersion = String(++this.rv);
  }
}

describe('SecretsReleaseStore: the Secrets helm writes', () => {
  let kube: FakeKube;
  let store: SecretsReleaseStore;
  beforeEach(() => {
    now = NOW;
    kube = new FakeKube();
    store = new SecretsReleaseStore(kube, 'apps', { clock });
  });

  it("creates sh.helm.release.v1.NAME.vN of type helm.sh/release.v1 with Helm's labels and data.release in base64 of Helm's base64", async () => {
    const rel = release('web', 1, 'pending-install', { labels: { team: 'shop', status: 'ignored' } });
    await store.create(rel);
    const s = kube.secret('apps', 'sh.helm.release.v1.web.v1');
    expect(s).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1', metadata: { name: 'sh.helm.release.v1.web.v1', namespace: 'apps' } });
    expect(s.metadata.labels).toEqual({ name: 'web', owner: 'helm', status: 'pending-install', version: '1', createdAt: '1700000000', team: 'shop' });
    expect(Object.keys(s.data as object)).toEqual(['release']);
    const helmText = Buffer.from((s.data as { release: string }).release, 'base64').toString('latin1');
    expect(helmText).toBe(encodeRelease(rel)); // what helm's driver reads from Secret.Data["release"]
    expect(helmText.startsWith('H4sI')).toBe(true); // base64 of the gzip magic
    expect(gunzipSync(Buffer.from(helmText, 'base64')).toString().startsWith('{"name":"web","info":{')).toBe(true);
    expect(releaseSecretName('web', 12)).toBe('sh.helm.release.v1.web.v12');
  });

  it('create is create-only: a second writer of the same revision gets RELEASE_REVISION_EXISTS (the 409)', async () => {
    await store.create(release('web', 1));
    const other = new SecretsReleaseStore(kube, 'apps', { clock });
    expect(await codeOf(other.create(release('web', 1, 'pending-upgrade')))).toBe('RELEASE_REVISION_EXISTS');
    expect((await store.get('web', 1))!.info.status).toBe('deployed');
  });

  it('get gives the record with its own labels only; undefined when missing', async () => {
    await store.create(release('web', 1, 'deployed', { labels: { team: 'shop' } }));
    const got = await store.get('web', 1);
    expect(got).toEqual(release('web', 1, 'deployed', { labels: { team: 'shop' } }));
    expect(await store.get('web', 2)).toBeUndefined();
    expect(kube.calls).toContain('get Secret apps/sh.helm.release.v1.web.v2');
  });

  it('update rewrites the record and the status label, sets modifiedAt, keeps createdAt and annotations, drops removed labels', async () => {
    const rel = release('web', 1, 'pending-install', { labels: { 'chartroom.dev/holder': 'me.1' } });
    await store.create(rel);
    kube.secret('apps', 'sh.helm.release.v1.web.v1').metadata.annotations = { backup: 'yes' };
    now = new Date(NOW.getTime() + 60_000);
    rel.info.status = 'deployed';
    rel.labels = {};
    await store.update(rel);
    const s = kube.secret('apps', 'sh.helm.release.v1.web.v1');
    expect(s.metadata.labels).toEqual({ name: 'web', owner: 'helm', status: 'deployed', version: '1', createdAt: '1700000000', modifiedAt: '1700000060' });
    expect(s.metadata.annotations).toEqual({ backup: 'yes' });
    expect((await store.get('web', 1))!.info.status).toBe('deployed');
  });

  it('update is conditional on the resourceVersion the record was read at: a change by another client meanwhile is RELEASE_LOCKED', async () => {
    await store.create(release('web', 1, 'pending-upgrade'));
    const mine = (await store.get('web', 1))!;
    kube.touch('apps', 'sh.helm.release.v1.web.v1');
    mine.info.status = 'failed';
    expect(await codeOf(store.update(mine))).toBe('RELEASE_LOCKED');
    // A record read again updates fine.
    const fresh = (await store.get('web', 1))!;
    fresh.info.status = 'failed';
    await store.update(fresh);
    expect((await store.get('web', 1))!.info.status).toBe('failed');
  });

  it("maps the API server's 409 on replace to RELEASE_LOCKED, and a Secret that is gone to RELEASE_NOT_FOUND", async () => {
    const rel = release('web', 1);
    await store.create(rel);
    const replace = kube.replace.bind(kube);
    kube.replace = async (obj) => {
      kube.touch('apps', obj.metadata.name); // another client wins the race between our read and our write
      return replace(obj);
    };
    expect(await codeOf(store.update(rel))).toBe('RELEASE_LOCKED');
    kube.replace = replace;
    await store.delete('web', 1);
    expect(await codeOf(store.update(release('web', 1)))).toBe('RELEASE_NOT_FOUND');
  });

  it("updates through one store run in turn and never trip over each other: a lease renewal with a copy, then the operation's final write", async () => {
    const rel = release('web', 1, 'pending-install');
    await store.create(rel);
    const renewal = store.update({ ...rel, labels: { lease: '1' } });
    rel.info.status = 'deployed';
    await Promise.all([renewal, store.update(rel), store.update(rel)]);
    expect(kube.secret('apps', 'sh.helm.release.v1.web.v1').metadata.labels!.status).toBe('deployed');
    expect(kube.calls.filter((c) => c.startsWith('replace'))).toEqual(['replace Secret apps/sh.helm.release.v1.web.v1@101', 'replace Secret apps/sh.helm.release.v1.web.v1@102', 'replace Secret apps/sh.helm.release.v1.web.v1@103']);
    // ...but a write by another client in between is not ours to overwrite.
    kube.touch('apps', 'sh.helm.release.v1.web.v1');
    expect(await codeOf(store.update(rel))).toBe('RELEASE_LOCKED');
  });

  it('history finds records by name=NAME,owner=helm, oldest first, and skips records it cannot decode (as helm does)', async () => {
    for (const v of [3, 1, 2]) await store.create(release('web', v, v === 3 ? 'deployed' : 'superseded'));
    await store.create(release('api', 1));
    const broken = clone(kube.secret('apps', 'sh.helm.release.v1.web.v2'));
    broken.metadata.name = 'sh.helm.release.v1.web.v4';
    broken.metadata.labels!.version = '4';
    (broken.data as { release: string }).release = Buffer.from('not a record').toString('base64');
    kube.objects.set('apps/sh.helm.release.v1.web.v4', broken);
    const skipped: string[] = [];
    const s = new SecretsReleaseStore(kube, 'apps', { clock, onInvalidRecord: (name) => skipped.push(name) });
    expect((await s.history('web')).map((r) => r.version)).toEqual([1, 2, 3]);
    expect(skipped).toEqual(['sh.helm.release.v1.web.v4']);
    expect(kube.calls).toContain('list Secret apps name=web,owner=helm');
    expect(await s.history('nothing')).toEqual([]);
  });

  it('list gives the latest revision of each release by owner=helm; "all" spans namespaces; a broken latest falls back to the one before', async () => {
    await store.create(release('web', 1, 'superseded'));
    await store.create(release('web', 2));
    await store.create(release('api', 1, 'failed'));
    const other = new SecretsReleaseStore(kube, 'staging', { clock });
    await other.create(release('web', 5, 'deployed', { namespace: 'staging' }));
    await other.create(release('web', 6, 'deployed', { namespace: 'staging' }));
    (kube.secret('staging', 'sh.helm.release.v1.web.v6').data as { release: string }).release = Buffer.from('garbage').toString('base64');
    expect((await store.list()).map((r) => `${r.namespace}/${r.name}.v${r.version}`)).toEqual(['apps/api.v1', 'apps/web.v2']);
    expect(kube.calls).toContain('list Secret apps owner=helm');
    const all = new SecretsReleaseStore(kube, 'all', { clock });
    expect((await all.list()).map((r) => `${r.namespace}/${r.name}.v${r.version}`)).toEqual(['apps/api.v1', 'apps/web.v2', 'staging/web.v5']);
    expect(kube.calls).toContain('list Secret * owner=helm');
    expect((await all.get('api', 1))!.namespace).toBe('apps');
    expect(await codeOf(all.get('web', 1))).toBeUndefined();
  });

  it('"all" writes to the record\'s namespace and refuses an ambiguous get/delete', async () => {
    const all = new SecretsReleaseStore(kube, 'all', { clock });
    await all.create(release('web', 1, 'deployed', { namespace: 'a' }));
    await all.create(release('web', 1, 'deployed', { namespace: 'b' }));
    expect(kube.secret('a', 'sh.helm.release.v1.web.v1')).toBeDefined();
    expect(await codeOf(all.get('web', 1))).toBe('RELEASE_INVALID');
    expect(await codeOf(all.delete('web', 1))).toBe('RELEASE_INVALID');
    expect(await codeOf(all.create(release('x', 1, 'deployed', { namespace: '' })))).toBe('RELEASE_INVALID');
  });

  it('delete removes the Secret; deleting what is not there does nothing', async () => {
    await store.create(release('web', 1));
    await store.delete('web', 1);
    await store.delete('web', 1);
    expect(await store.history('web')).toEqual([]);
  });

  it('refuses a record over 1 MiB (RELEASE_TOO_LARGE) before the API server sees it, and a name that is no label value', async () => {
    const noise = randomBytes(800 * 1024); // base64 of random bytes gzips to about its own size
    const big = release('web', 1, 'deployed', { chart: { ...release('web', 1).chart, files: [{ name: 'blob', data: noise.toString('base64') }] } });
    expect(await codeOf(store.create(big))).toBe('RELEASE_TOO_LARGE');
    expect(kube.calls.filter((c) => c.startsWith('create'))).toEqual([]);
    expect(await codeOf(store.create(release('Web_1', 1)))).toBe('RELEASE_INVALID');
    expect(await codeOf(store.history('a'.repeat(54)))).toBe('RELEASE_INVALID');
  });

  it('reads a Secret as helm writes it (labels it filled, its base64 text, a record without `deleted`)', async () => {
    const json = '{"name":"legacy","info":{"first_deployed":"2024-02-03T04:05:06.789+01:00","last_deployed":"2024-02-03T04:05:06.789+01:00","description":"Install complete","status":"deployed"},"chart":{"metadata":{"name":"c","version":"1.0.0","apiVersion":"v2"},"lock":null,"templates":null,"values":null,"schema":null,"schemamodtime":"0001-01-01T00:00:00Z","files":null},"manifest":"---\\n","version":1,"namespace":"apps","apply_method":"csa"}';
    const { gzipSync } = await import('node:zlib');
    const helmText = gzipSync(Buffer.from(json), { level: 9 }).toString('base64');
    kube.objects.set('apps/sh.helm.release.v1.legacy.v1', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sh.helm.release.v1.legacy.v1', namespace: 'apps', resourceVersion: '7', labels: { name: 'legacy', owner: 'helm', status: 'deployed', version: '1', createdAt: '1706929506', env: 'prod' } },
      type: 'helm.sh/release.v1',
      data: { release: Buffer.from(helmText).toString('base64') },
    });
    const rel = (await store.get('legacy', 1))!;
    expect(rel).toMatchObject({ name: 'legacy', version: 1, apply_method: 'csa', labels: { env: 'prod' }, info: { deleted: GO_ZERO_TIME, status: 'deployed' } });
    rel.info.status = 'superseded';
    await store.update(rel);
    const s = kube.secret('apps', 'sh.helm.release.v1.legacy.v1');
    expect(s.metadata.labels).toMatchObject({ status: 'superseded', createdAt: '1706929506', env: 'prod' });
    expect(decodeRelease(Buffer.from((s.data as { release: string }).release, 'base64')).info.status).toBe('superseded');
  });
});

describe('MemoryReleaseStore', () => {
  beforeEach(() => {
    now = NOW;
  });

  it('create is create-only; get/history/list give copies that went through Helm encoding', async () => {
    const store = new MemoryReleaseStore('apps', undefined, { clock });
    const rel = release('web', 1, 'deployed', { labels: { team: 'a' } });
    await store.create(rel);
    expect(await codeOf(store.create(release('web', 1)))).toBe('RELEASE_REVISION_EXISTS');
    const got = (await store.get('web', 1))!;
    expect(got).toEqual(rel);
    expect(got).not.toBe(rel);
    got.config!.replicas = 99;
    expect((await store.get('web', 1))!.config).toEqual({ replicas: 1 });
    expect(store.labelsOf('web', 1)).toEqual({ name: 'web', owner: 'helm', status: 'deployed', version: '1', createdAt: '1700000000', team: 'a' });
  });

  it('update needs the record, keeps createdAt, and refuses a record another store changed since it was read', async () => {
    const records = new Map();
    const store = new MemoryReleaseStore('apps', records, { clock });
    const elsewhere = new MemoryReleaseStore('apps', records, { clock });
    expect(await codeOf(store.update(release('web', 1)))).toBe('RELEASE_NOT_FOUND');
    await store.create(release('web', 1, 'pending-install'));
    const a = (await store.get('web', 1))!;
    const b = (await elsewhere.get('web', 1))!;
    now = new Date(NOW.getTime() + 5000);
    a.info.status = 'deployed';
    await store.update(a);
    expect(store.labelsOf('web', 1)).toMatchObject({ status: 'deployed', createdAt: '1700000000', modifiedAt: '1700000005' });
    b.info.status = 'failed';
    expect(await codeOf(elsewhere.update(b))).toBe('RELEASE_LOCKED');
    await store.update({ ...a, info: { ...a.info, description: 'a copy' } });
    a.info.description = 'again';
    await store.update(a); // writes through the same store in between do not count
    expect((await elsewhere.get('web', 1))!.info).toMatchObject({ status: 'deployed', description: 'again' });
  });

  it('stores on one map are namespaces of one cluster; list gives the latest per release', async () => {
    const records = new Map();
    const apps = new MemoryReleaseStore('apps', records, { clock });
    const staging = new MemoryReleaseStore('staging', records, { clock });
    await apps.create(release('web', 1, 'superseded'));
    await apps.create(release('web', 2));
    await staging.create(release('web', 1, 'failed', { namespace: 'staging' }));
    expect((await apps.list()).map((r) => r.version)).toEqual([2]);
    expect((await staging.history('web')).map((r) => r.info.status)).toEqual(['failed']);
    const all = new MemoryReleaseStore('all', records);
    expect((await all.list()).map((r) => `${r.namespace}/${r.version}`)).toEqual(['apps/2', 'staging/1']);
  });
});

describe('history: --history-max pruning and helpers', () => {
  const statuses = (list: [number, ReleaseStatus][]) => list.map(([v, s]) => release('web', v, s));

  it('helpers: last revision, latest deployed, next revision, latest per release', () => {
    const h = statuses([
      [1, 'superseded'],
      [3, 'failed'],
      [2, 'deployed'],
    ]);
    expect(lastRevision(h)?.version).toBe(3);
    expect(latestDeployed(h)?.version).toBe(2);
    expect(nextRevision(h)).toBe(4);
    expect(nextRevision([])).toBe(1);
    expect(latestDeployed(statuses([[1, 'failed']]))).toBeUndefined();
    expect(latestPerRelease([...h, release('api', 1), release('web', 9, 'deployed', { namespace: 'other' })]).map((r) => `${r.name}.${r.namespace}.${r.version}`)).toEqual(['api.apps.1', 'web.apps.3', 'web.other.9']);
    expect(DEFAULT_HISTORY_MAX).toBe(10);
  });

  it('removes the oldest beyond the maximum, never the last deployed nor the new revision', () => {
    const h = statuses([
      [1, 'deployed'],
      [2, 'failed'],
      [3, 'failed'],
      [4, 'pending-upgrade'],
    ]);
    expect(revisionsToPrune(h, 2).map((r) => r.version)).toEqual([2, 3]);
    expect(revisionsToPrune(h, 1).map((r) => r.version)).toEqual([2, 3]); // more than the maximum remain: 1 (deployed) and 4 (new)
    expect(revisionsToPrune(h, 4)).toEqual([]);
    expect(revisionsToPrune(h, 0)).toEqual([]); // unlimited
    const eleven = statuses(Array.from({ length: 11 }, (_, i) => [i + 1, i + 1 === 10 ? 'deployed' : i + 1 === 11 ? 'pending-upgrade' : 'superseded'] as [number, ReleaseStatus]));
    expect(revisionsToPrune(eleven, 10).map((r) => r.version)).toEqual([1]);
  });

  /** Helm's storage.removeLeastRecent(name, max-1) before creating `created`, read from its Go source: the survivors. */
  function helmSurvivors(existing: Release[], created: Release, max: number): number[] {
    const versions = (l: Release[]) => l.map((r) => r.version).sort((a, b) => a - b);
    if (max <= 0) return versions([...existing, created]);
    const maximum = max - 1;
    if (existing.length <= maximum) return versions([...existing, created]);
    const sorted = [...existing].sort((a, b) => a.version - b.version);
    const lastDeployed = sorted.filter((r) => r.info.status === 'deployed').pop();
    const toDelete: Release[] = [];
    for (const r of sorted) {
      if (sorted.length - toDelete.length === maximum) break;
      if (lastDeployed && r.version === lastDeployed.version) continue;
      toDelete.push(r);
    }
    return versions([...sorted.filter((r) => !toDelete.includes(r)), created]);
  }

  it("leaves the same revisions as helm's pruning before the create, for many histories", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const kinds: ReleaseStatus[] = ['deployed', 'superseded', 'failed', 'uninstalled'];
    for (let n = 0; n < 500; n++) {
      const count = Math.floor(random() * 14);
      const existing = Array.from({ length: count }, (_, i) => release('web', i + 1, kinds[Math.floor(random() * kinds.length)]));
      const created = release('web', count + 1, 'pending-upgrade');
      const max = Math.floor(random() * 6);
      const all = [...existing, created];
      const pruned = new Set(revisionsToPrune(all, max).map((r) => r.version));
      const ours = all.map((r) => r.version).filter((v) => !pruned.has(v));
      expect({ n, max, statuses: existing.map((r) => r.info.status), survivors: ours }).toEqual({ n, max, statuses: existing.map((r) => r.info.status), survivors: helmSurvivors(existing, created, max) });
    }
  });

  it('pruneHistory deletes them from a store and says which', async () => {
    const store: ReleaseStore = new MemoryReleaseStore('apps');
    for (let v = 1; v <= 5; v++) await store.create(release('web', v, v === 2 ? 'deployed' : v === 5 ? 'pending-upgrade' : 'superseded'));
    expect(await pruneHistory(store, 'web', 3)).toEqual([1, 3]);
    expect((await store.history('web')).map((r) => r.version)).toEqual([2, 4, 5]);
    expect(await pruneHistory(store, 'web', 0)).toEqual([]);
  });

  it('pruneHistory tries every deletion and reports the first failure', async () => {
    const store = new MemoryReleaseStore('apps');
    for (let v = 1; v <= 4; v++) await store.create(release('web', v, 'superseded'));
    const del = store.delete.bind(store);
    store.delete = async (name, version) => {
      if (version === 1) throw new ChartroomError('KUBE_FORBIDDEN', 'no');
      return del(name, version);
    };
    const err = await pruneHistory(store, 'web', 2).catch((e) => e);
    expect(hasCode(err, 'KUBE_FORBIDDEN')).toBe(true);
    expect((await store.history('web')).map((r) => r.version)).toEqual([1, 3, 4]);
  });
});
