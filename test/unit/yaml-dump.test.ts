import { describe, expect, it } from '@jest/globals';
import jsyaml from 'js-yaml';
import { toYamlString } from '../../core/yaml-dump.js';
import { YAML_STRINGS } from '../support/yaml-strings.js';

// The Handlebars engine's `toYaml` was js-yaml's dump with these options before the direct writer: the text
// must stay the same for every value.
const OPTIONS = { sortKeys: true, lineWidth: -1, noArrayIndent: true, quotingType: '"', skipInvalid: true, noRefs: true } as const;
const reference = (v: unknown) => (v === undefined || v === null ? 'null' : jsyaml.dump(v, OPTIONS).replace(/\n$/, ''));
const same = (v: unknown) => expect({ v, text: toYamlString(v) }).toEqual({ v, text: reference(v) });

describe('toYamlString', () => {
  it('writes every kind of string as js-yaml does: alone, as a value, as a key and in a list', () => {
    for (const s of YAML_STRINGS) {
      same(s);
      same({ key: s });
      same({ [s]: 1 });
      same([s, { a: s }]);
      same({ list: [s], nested: { deeper: { s } } });
    }
  });

  it('writes scalars, empty collections and odd values as js-yaml does', () => {
    const odd: unknown[] = [0, 1, -1, 1.5, -0, 1e21, 2 ** 53, NaN, Infinity, -Infinity, true, false, null, undefined, [], {}, [[]], [{}], [[1, 2]], [[]], { a: [] }, { a: {} },
      { a: undefined, b: 1 }, { f: () => 1, b: 2 }, new Date(0), { d: new Date(0) }, Object.create(null), [1, , 3], { a: [null, true, 0] }, { b: 2, a: 1, C: 3, _: 4, '10': 5, '9': 6 }];
    for (const v of odd) same(v);
  });

  it('lays out nested maps and lists as js-yaml does (lists not indented under their key, maps compact after a dash)', () => {
    same({ resources: { limits: { cpu: '100m', memory: '128Mi' }, requests: { cpu: '100m', memory: '128Mi' } } });
    same({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }], affinity: {}, nodeSelector: { 'kubernetes.io/os': 'linux' } });
    same([{ a: [{ b: [1, 2, { c: 'd' }] }] }, [], {}, 'x']);
    same({ a: [[1], [2]] });
  });

  it('writes the same text as js-yaml on random values', () => {
    let seed = 11;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const scalar = (): unknown => {
      const r = rnd(10);
      if (r < 6) return YAML_STRINGS[rnd(YAML_STRINGS.length)];
      if (r === 6) return rnd(3) === 0 ? -rnd(1000) : rnd(100000);
      if (r === 7) return rnd(2) === 0;
      if (r === 8) return null;
      return rnd(4) === 0 ? 1.25 : rnd(10);
    };
    const value = (depth: number): unknown => {
      const r = rnd(depth > 3 ? 2 : 5);
      if (r < 2) return scalar();
      if (r === 2) return Array.from({ length: rnd(4) }, () => value(depth + 1));
      const m: Record<string, unknown> = {};
      for (let i = rnd(5); i > 0; i--) m[rnd(4) === 0 ? YAML_STRINGS[rnd(YAML_STRINGS.length)] : `key${rnd(20)}`] = value(depth + 1);
      return m;
    };
    for (let round = 0; round < 3000; round++) same(value(0));
  });
});
