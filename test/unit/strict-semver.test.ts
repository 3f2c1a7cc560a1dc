import { describe, expect, it } from '@jest/globals';
import { isStrictSemver, isStrictSemverBySemver } from '../../core/chart/metadata.js';
import { rng } from '../support/rng.js';

/**
 * A chart's version is checked at every load by SemVer 2's grammar, without loading the semver package; the
 * answer must be the package's on every input (the grammar only ever says yes where semver does).
 */
const TABLE = [
  '1.2.3', '0.0.0', '10.20.30', '1.2.3-alpha.1', '1.2.3+build.5', '1.2.3-0.3.7', '1.0.0-x.7.z.92', '1.0.0-alpha+001',
  '1.2.3----RC-SNAPSHOT.12.9.1--.12+788', '1.2.3-0123abc', '1.2.3-01', '1.2.3-0123', '01.2.3', '1.02.3', 'v1.2.3', '=1.2.3',
  ' 1.2.3', '1.2.3 ', '1.2', '1.2.3.4', '1.2.3-', '1.2.3+', '1.2.3-a..b', '1.2.3+a..b', '1.2.3-a_b', '1.2.3+ü',
  '9007199254740991.0.0', '9007199254740992.0.0', '0.0.9007199254740992', `1.2.3-${'a'.repeat(260)}`, `1.2.3-${'a'.repeat(240)}`,
  '1.2.3-alpha.-1', '1.2.3-+', '1.2.3-alpha+beta+gamma', '', 'latest', '1.2.3\n',
];

describe('isStrictSemver', () => {
  it('answers as the semver package does on a table of versions', () => {
    for (const v of TABLE) expect([v, isStrictSemver(v)]).toEqual([v, isStrictSemverBySemver(v)]);
    expect(isStrictSemver('1.2.3-alpha.1+build.7')).toBe(true);
    expect(isStrictSemver('v1.2.3')).toBe(false);
  });

  it('answers as the semver package does on random versions and mutations of valid ones', () => {
    const random = rng(7);
    const pick = (s: string) => s[Math.floor(random() * s.length)];
    const alphabet = '0123456789.-+abzAZv= _';
    let yes = 0;
    for (let i = 0; i < 20000; i++) {
      let v: string;
      if (i % 2) {
        v = Array.from({ length: 1 + Math.floor(random() * 16) }, () => pick(alphabet)).join('');
      } else {
        const base = TABLE[Math.floor(random() * 11)].split('');
        const at = Math.floor(random() * (base.length + 1));
        if (random() < 0.5) base.splice(at, 1);
        else base.splice(at, 0, pick(alphabet));
        v = base.join('');
      }
      const want = isStrictSemverBySemver(v);
      if (want) yes++;
      expect([v, isStrictSemver(v)]).toEqual([v, want]);
    }
    // Both answers are exercised.
    expect(yes).toBeGreaterThan(1000);
  });
});
