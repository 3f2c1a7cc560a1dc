import { describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { readChartArchive, writeChartArchive, type ChartFile } from '../../core/chart/archive.js';
import { rng } from '../support/rng.js';

// writeChartArchive writes most headers by copying one model header and filling in name, size and checksum;
// the tar it makes must be byte for byte what tar's own Header (and Pax) write for every entry.

const require = createRequire(import.meta.url);
const { Header } = require('tar/header') as typeof import('tar/header');
const { Pax } = require('tar/pax') as typeof import('tar/pax');

/** The tar every entry's header written by tar's Header, as the archive writer did it before. */
function referenceTar(topDir: string, files: ChartFile[], when: Date): Buffer {
  const mtime = new Date(Math.floor(when.getTime() / 1000) * 1000);
  const blocks: Buffer[] = [];
  for (const f of files) {
    const path = `${topDir}/${f.name}`;
    const fields = { path, mode: 0o644, size: f.data.length, mtime, uid: 0, gid: 0, uname: '', gname: '', type: 'File' as const };
    const head = Buffer.alloc(512);
    if (new Header(fields).encode(head, 0)) {
      blocks.push(new Pax({ path, mtime }).encode());
      new Header({ ...fields, path: path.slice(0, 99) }).encode(head, 0);
    }
    blocks.push(head, f.data);
    const pad = (512 - (f.data.length % 512)) % 512;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

describe('archive headers', () => {
  it('are byte for byte what tar writes, for names of every length and kind and sizes around block edges', () => {
    const next = rng(5);
    const names = ['Chart.yaml', 'values.yaml', 'templates/a.yaml', 'ü/naïve.yaml', 'files/\u007f.txt', 'files/tab\there', `t/${'n'.repeat(80)}`, `t/${'m'.repeat(86)}`, `t/${'x'.repeat(87)}`, `t/${'y'.repeat(88)}`, `t/${'z'.repeat(150)}`, `${'d/'.repeat(60)}f`, `t/${'é'.repeat(40)}`];
    const sizes = [0, 1, 511, 512, 513, 1023, 1024, 4097, 65536];
    for (let round = 0; round < 30; round++) {
      const files: ChartFile[] = names.map((name, i) => {
        const size = sizes[Math.floor(next() * sizes.length)] + (i % 3);
        const data = Buffer.alloc(size);
        for (let k = 0; k < size; k++) data[k] = Math.floor(next() * 256);
        return { name, data };
      });
      const when = new Date(Math.floor(next() * 2_000_000_000) * 1000 + 123);
      const top = ['demo', 'a-chart', 'c'.repeat(10)][round % 3];
      const ours = gunzipSync(writeChartArchive(top, files, { mtime: when }));
      expect(ours.equals(referenceTar(top, files, when))).toBe(true);
    }
  });

  it('read back as written', () => {
    const files: ChartFile[] = [
      { name: 'Chart.yaml', data: Buffer.from('apiVersion: v2\nname: demo\nversion: 1.0.0\n') },
      { name: `templates/${'l'.repeat(120)}.yaml`, data: Buffer.from('a: 1\n') },
      { name: 'templates/ü.yaml', data: Buffer.from('b: 2\n') },
    ];
    const back = readChartArchive(writeChartArchive('demo', files, { mtime: new Date(0) }), 'demo.tgz');
    expect(back.files.map((f) => [f.name, f.data.toString()])).toEqual(files.map((f) => [f.name, f.data.toString()]));
  });
});
