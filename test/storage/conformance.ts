import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { hasCode } from '../../core/errors.js';
import { PreconditionFailed, RangeNotSatisfiable, listAll, type ObjectStore, type ObjectStream } from '../../registry-server/storage/object-store.js';

/** A stream of `data` in chunks of `size` bytes, failing with `fail` after `failAfter` bytes when given. */
function chunked(data: Buffer, size: number, opts: { fail?: Error; failAfter?: number } = {}): Readable {
  let at = 0;
  return new Readable({
    read() {
      if (opts.fail && at >= (opts.failAfter ?? 0)) return void this.destroy(opts.fail);
      if (at >= data.length) return void this.push(null);
      this.push(data.subarray(at, at + size));
      at += size;
    },
  });
}

async function readAll(s: ObjectStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

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

    it('streams a write in and a read out, whole and by range, without a known length', async () => {
      const store = await make();
      // Past one 8 MiB part, so a backend that writes in parts writes several.
      const body = randomBytes(9 * 1024 * 1024 + 12_345);
      const k = key('stream.bin');
      const put = await store.putStream(k, chunked(body, 64 * 1024), { maxBytes: body.length });
      expect(put.size).toBe(body.length);
      expect((await store.head(k))?.size).toBe(body.length);
      const whole = (await store.getStream(k))!;
      expect(whole).toMatchObject({ size: body.length, start: 0, end: body.length - 1 });
      expect((await readAll(whole)).equals(body)).toBe(true);
      const part = (await store.getStream(k, { start: 100, end: 4099 }))!;
      expect(part).toMatchObject({ size: body.length, start: 100, end: 4099 });
      expect((await readAll(part)).equals(body.subarray(100, 4100))).toBe(true);
      const tail = (await store.getStream(k, { start: body.length - 10, end: body.length + 1000 }))!;
      expect(tail).toMatchObject({ start: body.length - 10, end: body.length - 1 });
      expect((await readAll(tail)).equals(body.subarray(body.length - 10))).toBe(true);
      const open = (await store.getStream(k, { start: 5 }))!;
      expect((await readAll(open)).length).toBe(body.length - 5);
      await expect(store.getStream(k, { start: body.length })).rejects.toBeInstanceOf(RangeNotSatisfiable);
      await expect(store.getStream(k, { start: body.length })).rejects.toMatchObject({ size: body.length });
      expect(await store.getStream(key('missing-stream'))).toBeUndefined();
    });

    it('streams small and empty objects, and writes them create-only when asked', async () => {
      const store = await make();
      const k = key('small');
      await store.putStream(k, chunked(Buffer.from('hello'), 2), { ifNoneMatch: '*' });
      expect((await readAll((await store.getStream(k))!)).toString()).toBe('hello');
      await expect(store.putStream(k, chunked(Buffer.from('other'), 2), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailed);
      expect((await store.get(k))?.body.toString()).toBe('hello');
      const empty = key('empty');
      expect((await store.putStream(empty, chunked(Buffer.alloc(0), 1))).size).toBe(0);
      const read = (await store.getStream(empty))!;
      expect(read.size).toBe(0);
      expect((await readAll(read)).length).toBe(0);
    });

    it('stores nothing from a stream past its limit or a stream that fails, small or in parts', async () => {
      const store = await make();
      for (const size of [1000, 9 * 1024 * 1024]) {
        const k = key(`limit-${size}`);
        const err = await store.putStream(k, chunked(randomBytes(size), 64 * 1024), { maxBytes: size - 1 }).catch((e) => e);
        expect(hasCode(err, 'UPLOAD_TOO_LARGE')).toBe(true);
        expect(await store.head(k)).toBeUndefined();
        const broken = key(`broken-${size}`);
        const boom = new Error('client went away');
        await expect(store.putStream(broken, chunked(randomBytes(size), 64 * 1024, { fail: boom, failAfter: size - 100 }))).rejects.toBe(boom);
        expect(await store.head(broken)).toBeUndefined();
      }
    });

    it('copies an object to another key, and says when the source is missing', async () => {
      const store = await make();
      const from = key('copy-from');
      const to = key('sub/copy-to');
      const body = randomBytes(3000);
      await store.put(from, body);
      const info = await store.copy(from, to);
      expect(info?.size).toBe(body.length);
      expect((await store.get(to))?.body.equals(body)).toBe(true);
      expect((await store.get(from))?.body.equals(body)).toBe(true);
      expect(await store.copy(key('nothing'), key('nowhere'))).toBeUndefined();
      expect(await store.head(key('nowhere'))).toBeUndefined();
    });

    it('writes into a prefix while its last key is being deleted, without failing', async () => {
      const store = await make();
      const dir = key('churn');
      const rounds = Array.from({ length: 20 }, async (_, i) => {
        const k = `${dir}/sub/k${i % 2}`;
        await store.put(k, Buffer.from(`v${i}`));
        await store.delete(k);
        await store.putStream(`${dir}/sub/s${i}`, chunked(Buffer.from('s'), 1));
      });
      await Promise.all(rounds);
      expect((await listAll(store, `${dir}/`)).map((o) => o.key.slice(dir.length + 1)).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `sub/s${i}`).sort());
    });

    it('refuses keys that would leave the store', async () => {
      const store = await make();
      await expect(store.put('../escape', Buffer.from('x'))).rejects.toThrow(/invalid storage key/);
      await expect(store.get('/abs')).rejects.toThrow(/invalid storage key/);
    });
  });
}
