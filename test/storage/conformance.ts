import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { PreconditionFailed, listAll, type ObjectStore } from '../../registry-server/storage/object-store.js';

/** The behaviour every ObjectStore backend must have; run against each backend. */
export function objectStoreConformance(name: string, make: () => Promise<ObjectStore>): void {
  describe(`ObjectStore conformance: ${name}`, () => {
    let n = 0;
    const key = (s: string) => `t${Date.now().toString(36)}-${n++}/${s}`;

    it('round-trips bytes exactly, with an ETag, size and time', async () => {
      const store = await make();
      const body = randomBytes(70_000);
      const k = key('a.bin');
      const put = await store.put(k, body);
      expect(put.etag).toBeTruthy();
      const got = await store.get(k);
      expect(got?.body.equals(body)).toBe(true);
      expect(got?.etag).toBe(put.etag);
      const head = await store.head(k);
      expect(head).toMatchObject({ key: k, size: body.length, etag: put.etag });
      expect(head!.lastModified.getTime()).toBeGreaterThan(Date.now() - 600_000);
    });

    it('reads a missing key as undefined', async () => {
      const store = await make();
      expect(await store.get(key('missing'))).toBeUndefined();
      expect(await store.head(key('missing'))).toBeUndefined();
    });

    it('create-only refuses an existing key and keeps its content', async () => {
      const store = await make();
      const k = key('once');
      await store.put(k, Buffer.from('first'), { ifNoneMatch: '*' });
      await expect(store.put(k, Buffer.from('second'), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailed);
      expect((await store.get(k))?.body.toString()).toBe('first');
    });

    it('if-match replaces only the version it names', async () => {
      const store = await make();
      const k = key('cas');
      const v1 = await store.put(k, Buffer.from('v1'));
      const v2 = await store.put(k, Buffer.from('v2'), { ifMatch: v1.etag });
      expect(v2.etag).not.toBe(v1.etag);
      await expect(store.put(k, Buffer.from('v3'), { ifMatch: v1.etag })).rejects.toBeInstanceOf(PreconditionFailed);
      expect((await store.get(k))?.body.toString()).toBe('v2');
      await expect(store.put(key('gone'), Buffer.from('x'), { ifMatch: v1.etag })).rejects.toBeInstanceOf(PreconditionFailed);
    });

    it('lets exactly one of many concurrent create-only writers win', async () => {
      const store = await make();
      const k = key('race');
      const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => store.put(k, Buffer.from(`writer-${i}`), { ifNoneMatch: '*' })));
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PreconditionFailed);
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      expect((await store.get(k))?.body.toString()).toBe(`writer-${winner}`);
    });

    it('lets exactly one of many concurrent if-match writers win', async () => {
      const store = await make();
      const k = key('cas-race');
      const base = await store.put(k, Buffer.from('base'));
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.put(k, Buffer.from(`w${i}`), { ifMatch: base.etag })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PreconditionFailed);
    });

    it('deletes, and deleting a missing key is fine', async () => {
      const store = await make();
      const k = key('del');
      await store.put(k, Buffer.from('x'));
      await store.delete(k);
      expect(await store.head(k)).toBeUndefined();
      await expect(store.delete(k)).resolves.toBeUndefined();
    });

    it('lists a prefix in key order, a page at a time', async () => {
      const store = await make();
      const dir = key('list');
      const names = ['b/2.json', 'a/1.json', 'a/0.json', 'c.json', 'b/1.json'];
      for (const nm of names) await store.put(`${dir}/${nm}`, Buffer.from(nm));
      await store.put(`${dir}x/other.json`, Buffer.from('not in the prefix'));
      const first = await store.list(`${dir}/`, { limit: 2 });
      expect(first.objects.map((o) => o.key)).toEqual([`${dir}/a/0.json`, `${dir}/a/1.json`]);
      expect(first.next).toBeDefined();
      const all = await listAll(store, `${dir}/`);
      expect(all.map((o) => o.key.slice(dir.length + 1))).toEqual(['a/0.json', 'a/1.json', 'b/1.json', 'b/2.json', 'c.json']);
      expect(all.every((o) => o.etag && o.size > 0)).toBe(true);
    });

    it('refuses keys that would leave the store', async () => {
      const store = await make();
      await expect(store.put('../escape', Buffer.from('x'))).rejects.toThrow(/invalid storage key/);
      await expect(store.get('/abs')).rejects.toThrow(/invalid storage key/);
    });
  });
}
