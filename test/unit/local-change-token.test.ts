import { afterAll, describe, expect, it } from '@jest/globals';
import { writeChartArchive } from '../../core/chart/archive.js';
import { ChartRegistry } from '../../registry-server/registry.js';
import { LocalObjectStore } from '../../registry-server/storage/local.js';
import { tempDir } from '../support/tmp.js';

// Local disk tells a replica's sync when nothing under index/ changed (folder times), so a registry with tens of
// thousands of versions does not list them all every two seconds; every change still shows.

const tmp = tempDir('chartroom-change-token-');
afterAll(() => tmp.cleanup());

/** Waits until the folders' times are old enough for a token to be given (they are not within two seconds). */
const settle = () => new Promise((r) => setTimeout(r, 2100));

const archive = (name: string, version: string) =>
  writeChartArchive(name, [{ name: 'Chart.yaml', data: Buffer.from(`apiVersion: v2\nname: ${name}\nversion: ${version}\n`) }, { name: 'templates/cm.yaml', data: Buffer.from('kind: ConfigMap\n') }], { mtime: new Date(0) });

describe('LocalObjectStore.changeToken', () => {
  it('changes with every key added, replaced or deleted at any depth, and stays put otherwise', async () => {
    const store = new LocalObjectStore(`${tmp.dir}/store`);
    await store.init();
    await store.put('index/a.json', Buffer.from('1'));
    await store.put('index/team/b.json', Buffer.from('1'));
    // Fresh folder times are not trusted.
    expect(await store.changeToken('index/')).toBeUndefined();
    await settle();
    const t0 = await store.changeToken('index/');
    expect(t0).toBeDefined();
    expect(await store.changeToken('index/')).toBe(t0);
    // Writes elsewhere do not count.
    await store.put('blobs/x', Buffer.from('1'));
    await settle();
    expect(await store.changeToken('index/')).toBe(t0);

    const steps: [string, () => Promise<unknown>][] = [
      ['a key added in a subfolder', () => store.put('index/team/c.json', Buffer.from('1'))],
      ['a key replaced', () => store.put('index/a.json', Buffer.from('2'))],
      ['a key deleted', () => store.delete('index/team/b.json')],
      ['a new subfolder', () => store.put('index/other/d.json', Buffer.from('1'))],
    ];
    let last = t0;
    for (const [what, step] of steps) {
      await step();
      expect([what, await store.changeToken('index/')]).toEqual([what, undefined]);
      await settle();
      const now = await store.changeToken('index/');
      expect([what, now === last]).toEqual([what, false]);
      last = now;
    }
  }, 30_000);

  it('lets a registry skip listing when nothing changed, and a second registry on the folder still sees every publish and delete', async () => {
    const dir = `${tmp.dir}/shared`;
    const storeA = new LocalObjectStore(dir);
    await storeA.init();
    const storeB = new LocalObjectStore(dir);
    const a = new ChartRegistry({ store: storeA });
    const b = new ChartRegistry({ store: storeB });
    await a.sync();
    await b.sync();
    await a.publish('', archive('web', '1.0.0'));
    await settle();
    let lists = 0;
    const list = storeB.list.bind(storeB);
    storeB.list = (...args) => {
      lists++;
      return list(...args);
    };
    expect(await b.sync()).toEqual({ added: 1, removed: 0 });
    expect(b.readIndex('').get('web', '1.0.0')).toBeDefined();
    const afterChange = lists;
    expect(afterChange).toBeGreaterThan(0);
    expect(await b.sync()).toEqual({ added: 0, removed: 0 });
    expect(lists).toBe(afterChange);

    await a.delete('', 'web', '1.0.0');
    await b.sync();
    expect(b.readIndex('').get('web', '1.0.0')).toBeUndefined();
    await settle();
    await b.sync();
    const quiet = lists;
    await b.sync();
    expect(lists).toBe(quiet);
  }, 30_000);
});
