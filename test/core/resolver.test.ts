import { describe, expect, it } from '@jest/globals';
import { resolve, sortDesc } from '../../core/resolver.js';
import { satisfies } from '../../core/semver-range.js';

const repo = 'https://charts.example.com';
const available = new Map([[repo, new Map([['db', ['1.0.0', '1.4.2', '1.5.0-rc.1', '2.0.0', '0.9.0', '1.4.10']]])]]);

describe('resolver (pure)', () => {
  it('picks the newest version in range, not a prerelease unless the range names one', () => {
    const r = resolve([{ name: 'db', range: '^1.0.0', repository: repo }], available);
    expect(r).toEqual({ ok: true, choices: [{ name: 'db', version: '1.4.10', repository: repo }] });
    expect(resolve([{ name: 'db', range: '>=1.5.0-0 <2.0.0', repository: repo }], available).choices[0].version).toBe('1.5.0-rc.1');
  });

  it('keeps a locked version only when asked and only while it satisfies the range', () => {
    const locked = [{ name: 'db', version: '1.4.2', repository: repo }];
    expect(resolve([{ name: 'db', range: '~1.4', repository: repo }], available, { locked, keepLocked: true }).choices[0].version).toBe('1.4.2');
    expect(resolve([{ name: 'db', range: '~1.4', repository: repo }], available, { locked }).choices[0].version).toBe('1.4.10');
    expect(resolve([{ name: 'db', range: '^2', repository: repo }], available, { locked, keepLocked: true }).choices[0].version).toBe('2.0.0');
  });

  it('explains what failed and lists what exists', () => {
    const r = resolve([{ name: 'db', range: '^3', repository: repo }, { name: 'cache', range: '*', repository: repo }, { name: 'x', range: '*', repository: 'https://other' }], available);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.reason)).toEqual(['no version satisfies ^3', 'the repository has no chart named cache', 'the repository was not loaded']);
    expect(r.problems[0].available.slice(0, 3)).toEqual(['2.0.0', '1.5.0-rc.1', '1.4.10']);
  });

  it("follows Helm's constraint syntax", () => {
    const cases: [string, string, boolean][] = [
      ['1.2.3', '~1.2', true], ['1.3.0', '~1.2', false], ['1.9.9', '^1.2', true], ['0.2.9', '^0.2.3', true], ['0.3.0', '^0.2.3', false],
      ['1.5.0', '>=1.0, <2.0', true], ['2.0.0', '>= 1.0 < 2.0', false], ['3.1.0', '1.x || >=3.0.0', true], ['1.4.0', '1.2 - 1.4', true],
      ['1.5.0', '1.2 - 1.4', false], ['1.2.3', '!=1.2.3', false], ['1.2.4', '!=1.2.3', true], ['2.0.0-beta', '>=1.0.0', false],
      ['2.0.0-beta', '>=1.0.0-0', true], ['1.0.0', '=1.0.0', true], ['1.0.1', '~>1.0.0', true], ['1.0.0+build.5', '1.0.0', true],
    ];
    for (const [v, r, want] of cases) expect([v, r, satisfies(v, r)]).toEqual([v, r, want]);
  });

  it('sorts newest first, with non-SemVer versions last', () => {
    expect(sortDesc(['1.0.0', 'latest', '1.10.0', '1.2.0-rc.1', '1.2.0'])).toEqual(['1.10.0', '1.2.0', '1.2.0-rc.1', '1.0.0', 'latest']);
  });
});
