import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { writeChartArchive } from '../../core/chart/archive.js';
import type { IndexEntry } from '../../core/repo/index-file.js';
import type { RunningRegistry } from '../../registry-server/server.js';
import { MODEL_FORMAT, MODEL_STORE_PREFIX, ModelCache, modelStoreKey } from '../../registry-server/ui/model-cache.js';
import { basic, startTestRegistry } from '../support/registry.js';
import { tempDir } from '../support/tmp.js';
import { waitFor } from '../support/wait.js';

/**
 * The chart pages' models kept in the registry's store: two registries on one storage folder (as replicas on
 * one bucket), a page computed by one is read from the store by the other without touching the archive; what
 * is read back is checked; forget removes a version's model.
 */
const tmp = tempDir();
const ADMIN = basic('admin', 's3cret-admin');
let a: RunningRegistry & { logs: string[] };
let b: RunningRegistry & { logs: string[] };

function chart(name: string, version: string, readme: string): Buffer {
  const files: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\ndescription: a web server\n`,
    'values.yaml': '# -- How many pods\nreplicas: 2\n',
    'README.md': readme,
    'templates/cm.yaml': 'kind: ConfigMap\n',
  };
  return writeChartArchive(name, Object.entries(files).map(([n, data]) => ({ name: n, data: Buffer.from(data) })), { mtime: new Date(0) });
}

const entryOf = (r: RunningRegistry, version: string): IndexEntry => r.registry.readIndex('').versionsOf('web').find((e) => e.version === version)!;
const stored = (r: RunningRegistry, version: string) => r.registry.store.get(modelStoreKey('', entryOf(r, version)));
const waitStored = (r: RunningRegistry, version: string, ok: (doc: { format?: number; model?: { readmeHtml?: string } }) => boolean = () => true) =>
  waitFor(
    async () => {
      const obj = await stored(r, version);
      if (!obj) return false;
      try {
        return ok(JSON.parse(obj.body.toString('utf8')));
      } catch {
        return false;
      }
    },
    { timeoutMs: 10_000, intervalMs: 20, what: `the stored model of web ${version}` },
  );

/** Counts the archive reads a registry makes for one version while `fn` runs. */
async function archiveReads(r: RunningRegistry, version: string, fn: () => Promise<void>): Promise<number> {
  const spy = jest.spyOn(r.registry, 'file');
  try {
    await fn();
    return spy.mock.calls.filter(([, file]) => file === `web-${version}.tgz`).length;
  } finally {
    spy.mockRestore();
  }
}

const page = async (r: RunningRegistry, version: string): Promise<string> => {
  const res = await fetch(`${r.url}/ui/charts/web/${version}`);
  expect(res.status).toBe(200);
  return res.text();
};

beforeAll(async () => {
  writeFileSync(join(tmp.dir, 'htpasswd'), `admin:${bcrypt.hashSync('s3cret-admin', 5)}\n`);
  const flags = { storageDir: join(tmp.dir, 'storage'), htpasswd: join(tmp.dir, 'htpasswd') };
  a = await startTestRegistry(flags);
  for (const v of ['1.0.0', '1.1.0', '1.2.0', '1.3.0']) {
    const r = await fetch(`${a.url}/api/charts`, { method: 'POST', body: new Uint8Array(chart('web', v, `# Web ${v}\n\nServes pages.\n`)), headers: { Authorization: ADMIN, 'Content-Type': 'application/gzip' } });
    expect(r.status).toBe(201);
  }
  // The second registry starts after the publishes: it reads them from the shared storage.
  b = await startTestRegistry(flags);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  tmp.cleanup();
});

describe('page models in the store', () => {
  it('writes a computed model to the store under a hashed key, and another registry serves it without reading the archive', async () => {
    expect(await archiveReads(a, '1.0.0', async () => void expect(await page(a, '1.0.0')).toContain('Web 1.0.0'))).toBe(1);
    await waitStored(a, '1.0.0');
    const obj = (await stored(a, '1.0.0'))!;
    expect(obj.key).toMatch(new RegExp(`^${MODEL_STORE_PREFIX}[0-9a-f]{64}\\.json$`));
    const doc = JSON.parse(obj.body.toString('utf8'));
    expect(doc.format).toBe(MODEL_FORMAT);
    expect(doc.model.name).toBe('web');
    expect(doc.model.readmeHtml).toContain('Web 1.0.0');

    // Change the stored model (keeping it sound): if B shows the change, B's page came from the store.
    doc.model.readmeHtml = '<p>read from the store</p>';
    await a.registry.store.put(obj.key, Buffer.from(JSON.stringify(doc)));
    let html = '';
    const reads = await archiveReads(b, '1.0.0', async () => {
      html = await page(b, '1.0.0');
    });
    expect(reads).toBe(0);
    expect(html).toContain('<p>read from the store</p>');
    expect(html).not.toContain('Web 1.0.0</h1>');
    // The same values table and metadata, from the store.
    expect(html).toContain('How many pods');
  });

  it('recomputes (and replaces) a corrupt, truncated or foreign stored model', async () => {
    const key = (v: string) => modelStoreKey('', entryOf(b, v));
    const good = JSON.parse((await (async () => {
      await page(a, '1.1.0');
      await waitStored(a, '1.1.0');
      return (await stored(a, '1.1.0'))!.body.toString('utf8');
    })()));
    const cases: [string, Buffer][] = [
      ['1.1.0', Buffer.from('{"format":1,"key":')],
      ['1.2.0', Buffer.from(JSON.stringify({ ...good, model: { ...good.model, version: '1.2.0', readmeHtml: 5 } }))],
      ['1.3.0', Buffer.from(JSON.stringify({ ...good, model: { ...good.model, readmeHtml: '<p>another version</p>' } }))],
    ];
    for (const [v, body] of cases) {
      await b.registry.store.put(key(v), body);
      let html = '';
      expect(await archiveReads(b, v, async () => void (html = await page(b, v)))).toBe(1);
      expect(html).toContain(`Web ${v}`);
      expect(html).not.toContain('another version');
      await waitStored(b, v, (d) => d.format === MODEL_FORMAT && d.model?.readmeHtml?.includes(`Web ${v}`) === true);
    }
  });

  it('ignores a stored object larger than the bound', async () => {
    const cache = new ModelCache(a.registry, { entries: 10, bytes: 64 * 1024 * 1024 });
    const entry = entryOf(a, '1.2.0');
    const key = modelStoreKey('', entry);
    await a.registry.store.put(key, Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
    const reads = await archiveReads(a, '1.2.0', async () => void expect((await cache.model('', entry)).model.readmeHtml).toContain('Web 1.2.0'));
    expect(reads).toBe(1);
    await cache.settled();
    expect(JSON.parse((await a.registry.store.get(key))!.body.toString('utf8')).format).toBe(MODEL_FORMAT);
  });

  it('forget drops a version from memory and from the store', async () => {
    const cache = new ModelCache(b.registry, { entries: 10, bytes: 64 * 1024 * 1024 });
    const entry = entryOf(b, '1.3.0');
    const key = modelStoreKey('', entry);
    await b.registry.store.delete(key);
    await cache.model('', entry);
    await cache.settled();
    expect(await b.registry.store.head(key)).toBeDefined();
    expect(cache.size.entries).toBe(1);
    // Another version's model stays.
    await cache.model('', entryOf(b, '1.0.0'));
    await cache.forget('', entry);
    expect(await b.registry.store.head(key)).toBeUndefined();
    expect(cache.size.entries).toBe(1);
    expect(await b.registry.store.head(modelStoreKey('', entryOf(b, '1.0.0')))).toBeDefined();
    // Computed again from the archive next time.
    expect(await archiveReads(b, '1.3.0', async () => void (await cache.model('', entry)))).toBe(1);
  });

  it('a model forgotten while it is being computed is neither kept nor stored', async () => {
    const cache = new ModelCache(b.registry, { entries: 10, bytes: 64 * 1024 * 1024 });
    const entry = entryOf(b, '1.1.0');
    const key = modelStoreKey('', entry);
    await b.registry.store.delete(key);
    const p = cache.model('', entry);
    await cache.forget('', entry);
    expect((await p).model.version).toBe('1.1.0');
    await cache.settled();
    expect(cache.size.entries).toBe(0);
    expect(await b.registry.store.head(key)).toBeUndefined();
  });

  it('keeps store keys free of user text, one per repository and version', () => {
    const e = entryOf(a, '1.0.0');
    const k = modelStoreKey('', e);
    expect(k).not.toContain('web');
    expect(modelStoreKey('team', e)).not.toBe(k);
    expect(modelStoreKey('', { ...e, digest: '0'.repeat(64) })).not.toBe(k);
  });
});
