import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readChartArchive, writeChartArchive } from '../../core/chart/archive.js';
import { quickChartYaml, readArchivesForIndex, type ArchiveForIndex } from '../../core/repo/index-archives.js';
import { tempDir } from '../support/tmp.js';

/**
 * `repo index` reads many archives at once (small ones inflated together, plain tar headers read directly);
 * each archive must give what readChartArchive gives on its own: the same Chart.yaml and top folder, and
 * for a bad archive the same error.
 */
const { dir, cleanup } = tempDir();
afterAll(cleanup);
let GOOD = '';

const chartYaml = (name: string, v = '1.0.0') => Buffer.from(`apiVersion: v2\nname: ${name}\nversion: ${v}\n`);
const archive = (name: string, files: [string, string | Buffer][] = [], top = name) =>
  writeChartArchive(top, [{ name: 'Chart.yaml', data: chartYaml(name) }, ...files.map(([n, d]) => ({ name: n, data: Buffer.from(d) }))], { mtime: new Date(0) });

/** A tar entry written by hand: a ustar header (optionally with a bad checksum or another type) and the body. */
function tarEntry(name: string, body: Buffer, opts: { type?: string; badSum?: boolean } = {}): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write(opts.type ?? '0', 156);
  h.write('ustar\0' + '00', 257);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  if (opts.badSum) sum += 1;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return Buffer.concat([h, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}
const tgz = (...entries: Buffer[]) => gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));

function expected(path: string, data: Buffer): Partial<ArchiveForIndex> | { error: string } {
  try {
    const r = readChartArchive(data, path, undefined, { onlyChartYaml: true });
    return { path, digest: createHash('sha256').update(data).digest('hex'), topDir: r.topDir, chartYaml: r.files.find((f) => f.name === 'Chart.yaml')!.data };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function actual(paths: string[]): (Partial<ArchiveForIndex> | { error: string })[] {
  // Each archive after a good one (so that small ones are inflated together), and on its own: an error belongs to it.
  return paths.map((p) => {
    try {
      const together: ArchiveForIndex[] = [];
      readArchivesForIndex([GOOD, p], (a) => together.push(a));
      const alone: ArchiveForIndex[] = [];
      readArchivesForIndex([p], (a) => alone.push(a));
      expect(alone[0]).toEqual(together[1]);
      return { ...together[1], chartYaml: Buffer.from(together[1].chartYaml) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  });
}

describe('readArchivesForIndex', () => {
  const cases: [string, Buffer][] = [
    ['plain', archive('plain', [['templates/a.yaml', 'a: 1\n']])],
    ['chart-yaml-later', writeChartArchive('later', [{ name: 'values.yaml', data: Buffer.from('x: 1\n') }, { name: 'Chart.yaml', data: chartYaml('later') }], { mtime: new Date(0) })],
    ['long-name', archive('long-name', [[`templates/${'n'.repeat(150)}.yaml`, 'a: 1\n']])],
    ['large', archive('large', [['files/big.bin', randomBytes(1_200_000)]])],
    ['with-dir', tgz(tarEntry('d/', Buffer.alloc(0), { type: '5' }), tarEntry('d/Chart.yaml', chartYaml('d')))],
    ['bad-checksum', tgz(tarEntry('b/Chart.yaml', chartYaml('b'), { badSum: true }))],
    ['traversal', tgz(tarEntry('t/../Chart.yaml', chartYaml('t')))],
    ['dot-segment', tgz(tarEntry('t/./Chart.yaml', chartYaml('t')))],
    ['top-level-file', tgz(tarEntry('Chart.yaml', chartYaml('x')))],
    ['two-tops', tgz(tarEntry('a/x.yaml', Buffer.from('x')), tarEntry('b/Chart.yaml', chartYaml('b')))],
    ['duplicate', tgz(tarEntry('a/x.yaml', Buffer.from('x')), tarEntry('a/x.yaml', Buffer.from('y')), tarEntry('a/Chart.yaml', chartYaml('a')))],
    ['symlink', tgz(tarEntry('s/link', Buffer.alloc(0), { type: '2' }), tarEntry('s/Chart.yaml', chartYaml('s')))],
    ['no-chart-yaml', tgz(tarEntry('n/values.yaml', Buffer.from('x: 1\n')))],
    ['not-gzip', Buffer.from('not an archive at all')],
    ['truncated', archive('truncated').subarray(0, 40)],
    ['trailing-garbage', Buffer.concat([archive('garbage'), Buffer.from('garbage after the archive')])],
    ['two-members', Buffer.concat([gzipSync(gunzipSync(archive('two')).subarray(0, 1024)), gzipSync(gunzipSync(archive('two')).subarray(1024))])],
    ['lying-size', (() => {
      const a = Buffer.from(archive('lying'));
      a.writeUInt32LE(a.readUInt32LE(a.length - 4) + 512, a.length - 4);
      return a;
    })()],
  ];
  const paths = cases.map(([name, data]) => {
    const p = join(dir, `${name}.tgz`);
    writeFileSync(p, data);
    return p;
  });
  GOOD = paths[0];

  it('gives what readChartArchive gives for each archive, good or bad', () => {
    const want = paths.map((p, k) => expected(p, cases[k][1]));
    expect(actual(paths)).toEqual(want);
    // Both kinds are there.
    expect(want.filter((w) => 'error' in w).length).toBeGreaterThan(5);
    expect(want.filter((w) => !('error' in w)).length).toBeGreaterThan(5);
  });

  it('gives the same results when archives are read together, in order', () => {
    const good = paths.filter((p, k) => !('error' in expected(p, cases[k][1])));
    const many = [...good, ...good, ...good];
    const got: ArchiveForIndex[] = [];
    readArchivesForIndex(many, (a, k) => {
      expect(k).toBe(got.length);
      got.push({ ...a, chartYaml: Buffer.from(a.chartYaml) });
    });
    expect(got).toEqual(many.map((p) => expected(p, cases[paths.indexOf(p)][1])));
  });

  it('reads archives that fill several read buffers (4 MB each), in order', () => {
    // 25 archives of about 200 KB each (random bytes do not compress): about 5 MB, more than one buffer holds.
    const many = Array.from({ length: 25 }, (_, i) => {
      const p = join(dir, `filler-${i}.tgz`);
      writeFileSync(p, archive(`filler${i}`, [['files/noise.bin', randomBytes(200_000)]]));
      return p;
    });
    const got: ArchiveForIndex[] = [];
    readArchivesForIndex(many, (a) => got.push({ ...a, chartYaml: Buffer.from(a.chartYaml) }));
    expect(got).toEqual(many.map((p) => expected(p, readFileSync(p))));
  });

  it('stops at the first bad archive with its own error when read together', () => {
    const bad = paths[cases.findIndex(([n]) => n === 'bad-checksum')];
    const seen: string[] = [];
    expect(() => readArchivesForIndex([paths[0], bad, paths[1]], (a) => seen.push(a.path))).toThrow((expected(bad, cases.find(([n]) => n === 'bad-checksum')![1]) as { error: string }).error);
  });

  it('checks header checksums wherever the tar sits in memory', () => {
    for (const [name, data] of cases) {
      let tar: Buffer;
      try {
        tar = gunzipSync(data);
      } catch {
        continue;
      }
      const want = quickChartYaml(tar);
      for (const shift of [1, 2, 3, 4]) {
        const moved = Buffer.alloc(tar.length + shift);
        tar.copy(moved, shift);
        expect([name, quickChartYaml(moved.subarray(shift))]).toEqual([name, want]);
      }
    }
    expect(quickChartYaml(gunzipSync(cases.find(([n]) => n === 'bad-checksum')![1]))).toBeUndefined();
    expect(quickChartYaml(gunzipSync(cases[0][1]))).toBeDefined();
  });
});
