import { describe, expect, it } from '@jest/globals';
import semver from 'semver';
import { compareVersionsDesc, quickVersion } from '../../core/versions.js';
import { rng } from '../support/rng.js';

/**
 * Versions of the common shape are ordered without the semver package (core/versions.ts, quickVersion); the
 * order must be the one semver gives, read as parseVersion reads versions (one `v` stripped, loose), on every
 * pair.
 */
function bySemver(v: string): semver.SemVer | null {
  return semver.parse(v.replace(/^v/, ''), { loose: true }) ?? (/^v?\d+(\.\d+)?$/.test(v) ? semver.coerce(v) : null);
}
function reference(a: string, b: string): number {
  const va = bySemver(a);
  const vb = bySemver(b);
  if (va && vb) return vb.compare(va) || (a < b ? 1 : a > b ? -1 : 0);
  if (va) return -1;
  if (vb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const TABLE = [
  '1.2.3', 'v1.2.3', '0.0.0', '10.2.3', '2.10.3', '1.2.3-alpha', '1.2.3-alpha.1', '1.2.3-alpha.beta', '1.2.3-beta', '1.2.3-beta.2',
  '1.2.3-beta.11', '1.2.3-rc.1', '1.2.3-0', '1.2.3-1', '1.2.3-01', '1.2.3-0a', '1.2.3-a-b', '1.2.3--', '1.2.3+build', '1.2.3-alpha+b.2',
  '999999999999999.0.0', '9999999999999999.0.0', '1.2.3-999999999999999', '1.2.3-9999999999999999', 'vv1.2.3', '=1.2.3', '1.2',
  'v1', 'latest', '', '01.2.3', '1.2.3.4', '1.2.3-alpha..1', `1.2.3-${'a'.repeat(250)}`, `v1.2.3-${'a'.repeat(250)}`,
];

describe('version order', () => {
  it('orders every pair of a table of versions as semver does', () => {
    for (const a of TABLE) for (const b of TABLE) expect([a, b, Math.sign(compareVersionsDesc(a, b))]).toEqual([a, b, Math.sign(reference(a, b))]);
    // The common shapes take the quick path; the others do not.
    expect(quickVersion('1.2.3-beta.11+b')).toEqual({ main: [1, 2, 3], pre: ['beta', 11] });
    expect(quickVersion('1.2.3-01')).toBeNull();
    expect(quickVersion('9999999999999999.0.0')).toBeNull();
  });

  it('orders random versions and mutations as semver does', () => {
    const random = rng(11);
    const pick = (s: string) => s[Math.floor(random() * s.length)];
    const alphabet = '0123456789.-+abzAZv';
    const make = () => {
      if (random() < 0.3) return Array.from({ length: 1 + Math.floor(random() * 12) }, () => pick(alphabet)).join('');
      const base = TABLE[Math.floor(random() * 20)].split('');
      const at = Math.floor(random() * (base.length + 1));
      const r = random();
      if (r < 0.3) base.splice(at, 1);
      else if (r < 0.7) base.splice(at, 0, pick(alphabet));
      return base.join('');
    };
    let quick = 0;
    for (let i = 0; i < 20000; i++) {
      const a = make();
      const b = make();
      if (quickVersion(a) && quickVersion(b)) quick++;
      expect([a, b, Math.sign(compareVersionsDesc(a, b))]).toEqual([a, b, Math.sign(reference(a, b))]);
    }
    expect(quick).toBeGreaterThan(3000);
  });
});
