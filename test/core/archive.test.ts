import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { loadChartArchive } from '../../core/chart/loader.js';
import { readChartArchive, writeChartArchive, DEFAULT_LIMITS } from '../../core/chart/archive.js';
import { ChartroomError } from '../../core/errors.js';
import { CHART_YAML, rawTarGz } from '../support/archive.js';

function rejection(buf: Buffer, limits = DEFAULT_LIMITS): ChartroomError {
  try {
    readChartArchive(buf, 'evil.tgz', limits);
  } catch (e) {
    expect(e).toBeInstanceOf(ChartroomError);
    return e as ChartroomError;
  }
  throw new Error('archive was accepted');
}

describe('untrusted archives', () => {
  it('reads a well-formed chart archive', () => {
    const buf = rawTarGz([{ path: 'demo/Chart.yaml', data: CHART_YAML }, { path: 'demo/templates/a.yaml', data: 'x: 1\n' }]);
    const read = readChartArchive(buf, 'ok.tgz');
    expect(read.topDir).toBe('demo');
    expect(read.files.map((f) => f.name)).toEqual(['Chart.yaml', 'templates/a.yaml']);
  });

  it.each([
    ['path traversal', [{ path: 'demo/../../etc/passwd', data: 'x' }], /path traversal.*etc\/passwd/],
    ['absolute path', [{ path: '/etc/passwd', data: 'x' }], /absolute path.*"\/etc\/passwd"/],
    ['symbolic link', [{ path: 'demo/templates/link.yaml', type: 'SymbolicLink' as const, linkpath: '/etc/passwd' }], /link.*demo\/templates\/link.yaml/],
    ['hard link', [{ path: 'demo/templates/hard.yaml', type: 'Link' as const, linkpath: 'demo/Chart.yaml' }], /link.*demo\/templates\/hard.yaml/],
    ['device file', [{ path: 'demo/dev', type: 'CharacterDevice' as const }], /CharacterDevice.*demo\/dev/],
    ['fifo', [{ path: 'demo/pipe', type: 'FIFO' as const }], /FIFO.*demo\/pipe/],
    ['Chart.yaml outside the top folder', [{ path: 'Chart.yaml', data: CHART_YAML }], /Chart.yaml is outside the top folder/],
    ['two top-level folders', [{ path: 'other/x.yaml', data: 'x' }], /more than one top-level folder/],
    ['backslash path', [{ path: 'demo\\..\\..\\x', data: 'x' }], /backslash/],
  ])('refuses %s, naming the entry', (_label, extra, message) => {
    const buf = rawTarGz([{ path: 'demo/Chart.yaml', data: CHART_YAML }, ...extra]);
    expect(rejection(buf).message).toMatch(message);
  });

  it('refuses a file over 5 MiB', () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 'a');
    const err = rejection(rawTarGz([{ path: 'demo/Chart.yaml', data: CHART_YAML }, { path: 'demo/big.bin', data: big }]));
    expect(err.message).toMatch(/larger than 5242880 bytes.*demo\/big.bin/);
  });

  it('refuses a decompression bomb before inflating it all', () => {
    // 200 MiB of zeros compresses to about 200 KiB.
    const zeros = Buffer.alloc(200 * 1024 * 1024);
    const err = rejection(gzipSync(zeros));
    expect(err.message).toMatch(/decompression bomb/);
  });

  it('refuses many small files that add up to more than the total limit', () => {
    const chunk = Buffer.alloc(1024 * 1024, 'b');
    const entries = [{ path: 'demo/Chart.yaml', data: CHART_YAML }, ...Array.from({ length: 12 }, (_, i) => ({ path: `demo/f${i}`, data: chunk }))];
    const err = rejection(rawTarGz(entries), { ...DEFAULT_LIMITS, maxTotalBytes: 10 * 1024 * 1024 });
    expect(err.message).toMatch(/more than 10485760 bytes/);
  });

  it('refuses a header whose size runs past the end', () => {
    const err = rejection(rawTarGz([{ path: 'demo/Chart.yaml', data: CHART_YAML, size: 99999 }]));
    expect(err.message).toMatch(/truncated/);
  });

  it('refuses something that is not gzip', () => {
    expect(rejection(Buffer.from('PK\u0003\u0004 not a tarball')).message).toMatch(/not a gzip/);
  });

  it('counts nested subchart archives against the same budget', () => {
    const inner = rawTarGz([{ path: 'sub/Chart.yaml', data: CHART_YAML.replace('demo', 'sub') }, { path: 'sub/data.bin', data: Buffer.alloc(3 * 1024 * 1024, 'c') }]);
    const outer = rawTarGz([{ path: 'demo/Chart.yaml', data: CHART_YAML }, { path: 'demo/charts/sub-1.0.0.tgz', data: inner }, { path: 'demo/pad.bin', data: Buffer.alloc(2 * 1024 * 1024, 'd') }]);
    expect(() => loadChartArchive(outer, 'outer.tgz', { ...DEFAULT_LIMITS, maxTotalBytes: 4 * 1024 * 1024 })).toThrow(/more than 4194304 bytes|more than 1[0-9]+ bytes|decompression bomb/);
    const chart = loadChartArchive(outer, 'outer.tgz');
    expect(chart.dependencies.map((d) => d.metadata.name)).toEqual(['sub']);
  });

  it('refuses a YAML alias bomb in Chart.yaml', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const text = `${CHART_YAML}${bomb.join('\n')}\n`;
    const buf = rawTarGz([{ path: 'demo/Chart.yaml', data: text }]);
    expect(() => loadChartArchive(buf, 'bomb.tgz')).toThrow(/alias bomb/);
  });

  it('strips a UTF-8 byte order mark from Chart.yaml', () => {
    const buf = rawTarGz([{ path: 'demo/Chart.yaml', data: '\uFEFF' + CHART_YAML }]);
    expect(loadChartArchive(buf, 'bom.tgz').metadata.name).toBe('demo');
  });

  it('writes the same bytes for the same input', () => {
    const files = [{ name: 'Chart.yaml', data: Buffer.from(CHART_YAML) }, { name: `templates/${'long-name-'.repeat(15)}.yaml`, data: Buffer.from('a: 1\n') }];
    const a = writeChartArchive('demo', files, { mtime: new Date(1_700_000_000_000) });
    const b = writeChartArchive('demo', files, { mtime: new Date(1_700_000_000_000) });
    expect(a.equals(b)).toBe(true);
    const back = readChartArchive(a, 'roundtrip.tgz');
    expect(back.files.map((f) => f.name)).toEqual(files.map((f) => f.name));
  });
});
