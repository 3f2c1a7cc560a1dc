import { describe, expect, it } from '@jest/globals';
import { mergeScopes, parseChallenges, pickChallenge, repositoryScope } from '../../core/oci/auth.js';
import { nextLink } from '../../core/oci/client.js';

const plain = (cs: ReturnType<typeof parseChallenges>) => cs.map((c) => ({ scheme: c.scheme, params: { ...c.params } }));

describe('WWW-Authenticate', () => {
  it("reads the distribution spec's Bearer challenge", () => {
    expect(plain(parseChallenges('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:charts/web:pull,push"'))).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:charts/web:pull,push' } },
    ]);
  });

  it('reads spaces, tokens, escapes in quoted strings, upper-case names and several challenges', () => {
    expect(plain(parseChallenges('BEARER Realm = "http://a/t\\"x\\\\y" , Service=svc,error="insufficient_scope"'))).toEqual([{ scheme: 'bearer', params: { realm: 'http://a/t"x\\y', service: 'svc', error: 'insufficient_scope' } }]);
    expect(plain(parseChallenges('Basic realm="Registry Realm", Bearer realm="https://a/token",service="s"'))).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
      { scheme: 'bearer', params: { realm: 'https://a/token', service: 's' } },
    ]);
    expect(plain(parseChallenges('Negotiate abc==, Basic realm=x'))).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
    expect(plain(parseChallenges('Basic'))).toEqual([{ scheme: 'basic', params: {} }]);
  });

  it('keeps what it read of malformed headers, and stops', () => {
    expect(plain(parseChallenges('Bearer realm="unterminated'))).toEqual([{ scheme: 'bearer', params: {} }]);
    expect(plain(parseChallenges('Bearer realm=x, @@@'))).toEqual([{ scheme: 'bearer', params: { realm: 'x' } }]);
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('"quoted"')).toEqual([]);
  });

  it('prefers Bearer with a realm, then Basic', () => {
    expect(pickChallenge('Basic realm=x, Bearer realm="https://a/t"')?.scheme).toBe('bearer');
    expect(pickChallenge('Bearer service=x, Basic realm=y')?.scheme).toBe('basic');
    expect(pickChallenge('Digest realm=x')).toBeUndefined();
  });

  it('parses hostile headers in linear time', () => {
    const cases = [`Bearer ${'a=b,'.repeat(50_000)}`, `Bearer realm="${'\\"'.repeat(50_000)}`, `${'a '.repeat(50_000)}`, `Bearer ${'x'.repeat(100_000)}=`, `${'Basic, '.repeat(20_000)}`];
    const start = process.hrtime.bigint();
    for (const c of cases) parseChallenges(c);
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(500);
  });
});

describe('scopes', () => {
  it('merges actions per resource, sorted, so one set makes one cache key', () => {
    expect(mergeScopes([repositoryScope('charts/web', false), 'repository:charts/web:push', 'repository:charts/api:pull'])).toEqual(['repository:charts/api:pull', 'repository:charts/web:pull,push']);
    expect(mergeScopes(['repository:a:pull repository:a:*'])).toEqual(['repository:a:*']);
    expect(mergeScopes(['registry:catalog:*', 'repository(plugin):x:pull'])).toEqual(['registry:catalog:*', 'repository(plugin):x:pull']);
    expect(mergeScopes([])).toEqual([]);
    expect(repositoryScope('a/b', true)).toBe('repository:a/b:pull,push');
  });
});

describe('Link pagination', () => {
  it('finds rel="next" among other links and parameters', () => {
    expect(nextLink('</v2/charts/web/tags/list?n=2&last=1.0.0>; rel="next"')).toBe('/v2/charts/web/tags/list?n=2&last=1.0.0');
    expect(nextLink('<https://x/prev>; rel="prev", <https://x/next?a=1,2>; title="a, b"; rel=next')).toBe('https://x/next?a=1,2');
    expect(nextLink('<https://x/a>; rel="first next"')).toBe('https://x/a');
    expect(nextLink('<https://x/prev>; rel="prev"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
    expect(nextLink('garbage <unclosed')).toBeUndefined();
  });
});
