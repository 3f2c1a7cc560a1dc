import { describe, expect, it } from '@jest/globals';
import { toYamlFast, toYamlGeneral, toYamlText } from '../../template-engine/go/funcs/yaml.js';
import type { GoValue } from '../../template-engine/go/value.js';
import { rng } from '../support/rng.js';

/*
 * toYaml's fast path writes the common shapes directly; the general path (JSON round trip + go-yaml v2's
 * emitter, checked against the real helm elsewhere) is the reference. Every value here must give the same
 * text either way, and the fast path must decline what it cannot write rather than write it differently.
 */

// Words that look like other YAML types, keys that sort by their digits, punctuation, and plain words.
const WORDS = [
  'a', 'b', 'cpu', 'memory', 'nginx', 'Mi', '128Mi', '100m', '1.25', '8080', '007', '0x1F', '0o17', '0b101', '1e3', '1_000', '+1', '-1', '-x', '.x', '/x', '/', '//', '/a/b', '/healthz', '/1', '/1.5', 'x/y', 'x.y', 'x-y', 'x_y', '_x',
  'a1', 'a10', 'a2', 'A', 'Z', 'z9', 'yes', 'Yes', 'no', 'NO', 'y', 'n', 'Y', 'N', 'on', 'Off', 'true', 'False', 'null', 'Null', '~', '', '.inf', '-.inf', '.nan', 'NaN', 'nan', 'inf',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '12:30', '1:20:30', 'key with space', 'k: v', 'a#b', 'a #b', '#x', '[x]', '{x}', '"q"', "'s'", '<<', '=', 'é', 'ü1', 'line\nbreak', ' lead', 'trail ',
  'x'.repeat(90), `${'word '.repeat(20)}end`, '---', '...', '-', '?', '!tag', '&a', '*a', '%', '@', '`',
];

function randomValue(next: () => number, depth: number): GoValue {
  const r = next();
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)];
  if (depth > 0 && r < 0.3) {
    const o: Record<string, GoValue> = {};
    const n = Math.floor(next() * 5);
    for (let i = 0; i < n; i++) o[pick(WORDS)] = randomValue(next, depth - 1);
    return o;
  }
  if (depth > 0 && r < 0.45) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth - 1));
  if (r < 0.7) return pick(WORDS);
  if (r < 0.8) return pick([0n, 1n, -1n, 42n, 8080n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n]);
  if (r < 0.87) return next() < 0.5;
  if (r < 0.92) return null;
  return pick([0.5, 1, 100, 1e21, -0, 3.14159]);
}

function both(v: GoValue): { text?: string; error?: string } {
  try {
    return { text: toYamlGeneral(v) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('toYaml fast path', () => {
  it('writes the common shapes without the general path', () => {
    const resources = { limits: { cpu: '100m', memory: '128Mi' }, requests: { cpu: '50m' } };
    expect(toYamlFast(resources)).toBe('limits:\n  cpu: 100m\n  memory: 128Mi\nrequests:\n  cpu: 50m');
    const pod = { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80n }] }], enabled: true, tag: '1.25' };
    expect(toYamlFast(pod)).toBe(toYamlGeneral(pod));
    expect(toYamlFast(pod)).toBe('containers:\n- image: nginx\n  name: app\n  ports:\n  - containerPort: 80\nenabled: true\ntag: "1.25"');
  });

  it('declines what it does not write: floats, spaced text, lists in lists, typed values', () => {
    expect(toYamlFast({ a: 0.5 })).toBeUndefined();
    expect(toYamlFast({ a: 'two words' })).toBeUndefined();
    expect(toYamlFast([['a']])).toBeUndefined();
    expect(toYamlFast({ a: new Uint8Array([1]) })).toBeUndefined();
    expect(toYamlFast({ 'k: v': 'x' })).toBeUndefined();
  });

  it('gives the same text as the general path on 20,000 generated values', () => {
    let fast = 0;
    for (let seed = 1; seed <= 20000; seed++) {
      const v = randomValue(rng(seed), 3);
      const want = both(v);
      const quick = toYamlFast(v);
      if (quick !== undefined) {
        fast++;
        if (quick !== want.text) throw new Error(`seed ${seed}: fast path wrote ${JSON.stringify(quick)}, general path ${JSON.stringify(want)}`);
      }
      if (want.error === undefined) expect(toYamlText(v)).toBe(want.text);
    }
    // The generator must exercise the fast path, not only its refusals.
    expect(fast).toBeGreaterThan(3000);
  });
});
