import { describe, expect, it } from '@jest/globals';
import jsyaml from 'js-yaml';
import { DUMP_OPTIONS, dumpIndexYaml } from '../../core/repo/index-yaml.js';
import { YAML_STRINGS as STRINGS } from '../support/yaml-strings.js';

function entry(i: number, s: (k: number) => string): Record<string, unknown> {
  return {
    apiVersion: 'v2', name: s(i), version: `1.${i}.0`, description: s(i + 1), appVersion: s(i + 2), home: s(i + 3),
    keywords: [s(i + 4), s(i + 5)], maintainers: [{ name: s(i + 6), email: s(i + 7) }, { name: 'x' }],
    annotations: { 'example.com/a': s(i + 8), category: s(i + 9) }, deprecated: i % 2 === 0,
    dependencies: [{ name: 'dep', version: '^1.0.0', repository: s(i + 10), 'import-values': ['a', { child: s(i + 11), parent: 'p' }], enabled: true, tags: [s(i + 12)] }],
    urls: [`${s(i)}-1.${i}.0.tgz`], created: '2026-01-01T00:00:00.000Z', digest: 'ab'.repeat(32),
  };
}

const same = (doc: Record<string, unknown>) => expect(dumpIndexYaml(doc)).toBe(jsyaml.dump(doc, DUMP_OPTIONS));

describe('dumpIndexYaml', () => {
  it('writes the same text as js-yaml for every kind of string in every position', () => {
    for (let i = 0; i < STRINGS.length; i++) {
      const s = (k: number) => STRINGS[k % STRINGS.length];
      same({ apiVersion: 'v1', entries: { chart: [entry(i, s)], other: [entry(i + 1, s), entry(i + 2, s)] }, generated: '2026-01-01T00:00:00.000Z' });
    }
  });

  it('writes the same text as js-yaml for keys of every kind', () => {
    for (const k of STRINGS) same({ apiVersion: 'v1', entries: { [k]: [{ name: k, version: '1.0.0', annotations: { [k]: 'v' } }] } });
  });

  it('writes the same text as js-yaml for values the direct writer hands over (numbers, null, empty lists, nesting)', () => {
    const odd: unknown[] = [0, 1, -1, 1.5, -0, 1e21, NaN, Infinity, null, [], {}, [[1]], [{}], { a: [] }, [true, false], ['a', 1]];
    for (const v of odd) same({ apiVersion: 'v1', entries: { c: [{ name: 'c', version: '1.0.0', extra: v }] } });
    same({ apiVersion: 'v1', entries: {} });
  });

  it('writes the same text as js-yaml on random documents', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    // One-line strings only in half of them, so the direct writer writes those itself.
    const oneLine = STRINGS.filter((x) => !/[\n\u0000-\u001f\u0085\u2028\ufeff]/.test(x));
    for (let round = 0; round < 200; round++) {
      const pool = round % 2 ? oneLine : STRINGS;
      const s = () => pool[rnd(pool.length)];
      const entries: Record<string, unknown[]> = {};
      for (let c = 0; c < 3; c++) entries[`c${c}`] = Array.from({ length: 1 + rnd(3) }, (_, v) => entry(rnd(1000) + v, s));
      same({ apiVersion: 'v1', entries, generated: s() });
    }
  });
});
