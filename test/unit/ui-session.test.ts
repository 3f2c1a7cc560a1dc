import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request } from 'express';
import type { Principal } from '../../registry-server/auth.js';
import { resolveServerConfig } from '../../registry-server/config.js';
import { LocalObjectStore } from '../../registry-server/storage/local.js';
import { cookieValues, MAX_COOKIE_VALUE, safeNext, SESSION_KEY_OBJECT, UiSessions, type SessionUser, type SessionUsers } from '../../registry-server/ui/session.js';
import { tempDir } from '../support/tmp.js';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 9);

/** Users as a mutable table: name → (scopes, password hash), as the AuthProvider would report them now. */
class Users implements SessionUsers {
  readonly table = new Map<string, { hash: string; scopes: Principal['scopes']; kind?: Principal['kind'] }>();
  sessionUser(name: string): SessionUser | undefined {
    const u = this.table.get(name);
    if (!u) return undefined;
    return { principal: { name, kind: u.kind ?? 'user', scopes: u.scopes }, fingerprint: createHash('sha256').update(u.hash).digest() };
  }
}

function setup(opts: { now?: () => number; ttlSeconds?: number; key?: Buffer } = {}) {
  const users = new Users();
  users.table.set('ada', { hash: 'hash-1', scopes: new Map([['*', ['read', 'write']]]) });
  const sessions = new UiSessions({ users, key: opts.key ?? KEY, now: opts.now, ttlSeconds: opts.ttlSeconds });
  return { users, sessions };
}

const requestWith = (cookie: string | undefined) => ({ headers: cookie === undefined ? {} : { cookie } }) as unknown as Request;

/** Flips one character of a base64url string in the middle. */
function flip(s: string, at: number): string {
  const c = s[at] === 'A' ? 'B' : 'A';
  return `${s.slice(0, at)}${c}${s.slice(at + 1)}`;
}

describe('the session cookie', () => {
  it('signs and verifies: the current principal, and a CSRF token stable within the session and different across sessions', async () => {
    const { sessions } = setup();
    const value = (await sessions.sign('ada'))!;
    expect(value).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(value.length).toBeLessThanOrEqual(MAX_COOKIE_VALUE);
    const s1 = (await sessions.verify(value))!;
    expect(s1.principal).toMatchObject({ name: 'ada', kind: 'user' });
    expect(s1.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await sessions.verify(value))!.csrf).toBe(s1.csrf);
    const other = (await sessions.verify((await sessions.sign('ada'))!))!;
    expect(other.csrf).not.toBe(s1.csrf);
    // The cookie carries no secret: its payload is readable and holds no CSRF token and no hash.
    const payload = Buffer.from(value.split('.')[1], 'base64url').toString('utf8');
    expect(payload).toContain('"u":"ada"');
    expect(payload).not.toContain(s1.csrf);
    expect(payload).not.toContain('hash-1');
  });

  it('refuses tampering: the payload, the signature, a forged payload with an old signature, garbage', async () => {
    const { sessions } = setup();
    const value = (await sessions.sign('ada'))!;
    const [v, body, mac] = value.split('.');
    expect(await sessions.verify(`${v}.${flip(body, 5)}.${mac}`)).toBeUndefined();
    expect(await sessions.verify(`${v}.${body}.${flip(mac, 3)}`)).toBeUndefined();
    expect(await sessions.verify(`${v}.${body}.${mac.slice(0, -2)}`)).toBeUndefined();
    expect(await sessions.verify(`${v}.${body}`)).toBeUndefined();
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, u: 'root', e: claims.e + 1e6 })).toString('base64url');
    expect(await sessions.verify(`${v}.${forged}.${mac}`)).toBeUndefined();
    for (const junk of ['', 'v1.', 'v1..', 'v2.x.y', 'x'.repeat(5000), `v1.${'a'.repeat(MAX_COOKIE_VALUE)}.b`]) expect(await sessions.verify(junk)).toBeUndefined();
  });

  it('refuses a cookie signed with another key', async () => {
    const { sessions } = setup();
    const { sessions: theirs } = setup({ key: OTHER_KEY });
    expect(await sessions.verify((await theirs.sign('ada'))!)).toBeUndefined();
  });

  it('expires after its lifetime, and a shorter lifetime configured later applies to older cookies', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { sessions, users } = setup({ now: () => now, ttlSeconds: 3600 });
    const value = (await sessions.sign('ada'))!;
    now += 3599_000;
    expect(await sessions.verify(value)).toBeDefined();
    now += 1000;
    expect(await sessions.verify(value)).toBeUndefined();

    now = Date.UTC(2026, 0, 1);
    const shorter = new UiSessions({ users, key: KEY, now: () => now, ttlSeconds: 60 });
    now += 61_000;
    expect(await shorter.verify(value)).toBeUndefined();
    // Issued in the future (beyond a minute of clock skew): refused.
    now = Date.UTC(2025, 11, 31);
    expect(await sessions.verify(value)).toBeUndefined();
  });

  it('defaults to a 12 hour lifetime', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { sessions } = setup({ now: () => now });
    expect(sessions.ttlSeconds).toBe(12 * 3600);
    const value = (await sessions.sign('ada'))!;
    now += 12 * 3600_000 - 1000;
    expect(await sessions.verify(value)).toBeDefined();
    now += 1000;
    expect(await sessions.verify(value)).toBeUndefined();
  });

  it('ends when the password hash changes or the user is removed, and follows the current scopes', async () => {
    const { sessions, users } = setup();
    const value = (await sessions.sign('ada'))!;
    users.table.set('ada', { hash: 'hash-1', scopes: new Map([['', ['read']]]) });
    expect([...(await sessions.verify(value))!.principal.scopes]).toEqual([['', ['read']]]);
    users.table.set('ada', { hash: 'hash-2', scopes: new Map([['', ['read']]]) });
    expect(await sessions.verify(value)).toBeUndefined();
    users.table.set('ada', { hash: 'hash-1', scopes: new Map([['', ['read']]]) });
    expect(await sessions.verify(value)).toBeDefined();
    users.table.delete('ada');
    expect(await sessions.verify(value)).toBeUndefined();
  });

  it('is made for users only, and only within the size bound', async () => {
    const { sessions, users } = setup();
    expect(await sessions.sign('nobody')).toBeUndefined();
    users.table.set('ci', { hash: 'h', scopes: new Map(), kind: 'token' });
    expect(await sessions.sign('ci')).toBeUndefined();
    const long = 'a'.repeat(900);
    users.table.set(long, { hash: 'h', scopes: new Map() });
    expect(await sessions.sign(long)).toBeUndefined();
    const fits = 'b'.repeat(200);
    users.table.set(fits, { hash: 'h', scopes: new Map() });
    expect((await sessions.verify((await sessions.sign(fits))!))!.principal.name).toBe(fits);
  });

  it('without users or a key source there are no sessions', async () => {
    const none = new UiSessions();
    expect(none.enabled).toBe(false);
    expect(await none.sign('ada')).toBeUndefined();
    expect(await none.read(requestWith('chartroom_session=v1.x.y'))).toBeUndefined();
    expect(() => new UiSessions({ key: Buffer.alloc(16) })).toThrow(/32 bytes/);
  });

  it('reads the cookie from a request among others, and checks the CSRF field in constant time', async () => {
    const { sessions } = setup();
    const value = (await sessions.sign('ada'))!;
    const s = (await sessions.read(requestWith(`theme=dark; chartroom_session=${value}; other=1`)))!;
    expect(s.principal.name).toBe('ada');
    // A stale cookie first, then the good one (a path-scoped duplicate): the valid one counts.
    expect(await sessions.read(requestWith(`chartroom_session=v1.old.sig; chartroom_session=${value}`))).toBeDefined();
    expect(await sessions.read(requestWith(`xchartroom_session=${value}`))).toBeUndefined();
    expect(await sessions.read(requestWith(undefined))).toBeUndefined();
    expect(UiSessions.csrfMatches(s, s.csrf)).toBe(true);
    expect(UiSessions.csrfMatches(s, flip(s.csrf, 4))).toBe(false);
    expect(UiSessions.csrfMatches(s, s.csrf.slice(1))).toBe(false);
    expect(UiSessions.csrfMatches(s, null)).toBe(false);
    expect(UiSessions.csrfMatches(s, '')).toBe(false);
  });

  it('writes HttpOnly, SameSite=Strict, Path=/ cookies, Secure only when asked', async () => {
    const { sessions } = setup({ ttlSeconds: 600 });
    expect(sessions.cookieHeader('v1.a.b', false)).toBe('chartroom_session=v1.a.b; Max-Age=600; Path=/; HttpOnly; SameSite=Strict');
    expect(sessions.cookieHeader('v1.a.b', true)).toBe('chartroom_session=v1.a.b; Max-Age=600; Path=/; HttpOnly; SameSite=Strict; Secure');
    expect(UiSessions.clearCookieHeader(true)).toBe('chartroom_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure');
  });

  it('makes its key once per store, and two instances on one store accept each other’s cookies', async () => {
    const tmp = tempDir();
    try {
      const store = new LocalObjectStore(tmp.dir);
      await store.init();
      const users = new Users();
      users.table.set('ada', { hash: 'h', scopes: new Map() });
      const a = new UiSessions({ users, store });
      const b = new UiSessions({ users, store });
      const [va, vb] = await Promise.all([a.sign('ada'), b.sign('ada')]);
      expect(await b.verify(va!)).toBeDefined();
      expect(await a.verify(vb!)).toBeDefined();
      const key = await store.get(SESSION_KEY_OBJECT);
      expect(key?.body.length).toBe(32);
      expect(await new UiSessions({ users, store }).verify(va!)).toBeDefined();
    } finally {
      tmp.cleanup();
    }
  });
});

describe('cookieValues', () => {
  it('splits linearly and takes at most a few values', () => {
    expect(cookieValues('a=1; b=2;c=3', 'b')).toEqual(['2']);
    expect(cookieValues(' b = "q" ', 'b')).toEqual(['q']);
    expect(cookieValues('b', 'b')).toEqual([]);
    expect(cookieValues(Array.from({ length: 10 }, (_, i) => `b=${i}`).join('; '), 'b')).toEqual(['0', '1', '2', '3']);
    const huge = `${'x=1;'.repeat(50_000)}b=ok`;
    const started = process.hrtime.bigint();
    expect(cookieValues(huge, 'b')).toEqual(['ok']);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });
});

describe('safeNext', () => {
  it.each([
    ['/ui/charts/web/1.0.0', '/ui/charts/web/1.0.0'],
    ['/?q=redis&repo=%2F', '/?q=redis&repo=%2F'],
    ['/ui/r/team-a/charts/web', '/ui/r/team-a/charts/web'],
    ['/ui/../ui/charts/x', '/ui/charts/x'],
  ])('keeps the local path %s', (given, kept) => {
    expect(safeNext(given)).toBe(kept);
  });

  it.each([
    undefined,
    '',
    'ui/charts/web',
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '/ui\\..\\x',
    '/\t/evil.example',
    '/ui/\nSet-Cookie:x',
    '/ui/\u0000',
    'javascript:alert(1)',
    '/..//evil.example',
    '/a/../..//evil.example',
  ])('refuses %j', (given) => {
    expect(safeNext(given)).toBeUndefined();
  });

  it('refuses a path longer than 2 KB', () => {
    expect(safeNext(`/${'a'.repeat(2047)}`)).toBe(`/${'a'.repeat(2047)}`);
    expect(safeNext(`/${'a'.repeat(2048)}`)).toBeUndefined();
  });
});

describe('the session options of chart serve', () => {
  it('defaults to 12 hours and checks the lifetime and key file given', () => {
    expect(resolveServerConfig({}, {}).sessionTtl).toBe(43200);
    expect(resolveServerConfig({}, { CHARTROOM_SESSION_TTL: '3600' }).sessionTtl).toBe(3600);
    for (const bad of ['5', '0', '-1', 'abc', '1.5', String(31 * 86400)]) expect(() => resolveServerConfig({ sessionTtl: bad }, {})).toThrow(/--session-ttl/);
    const tmp = tempDir();
    try {
      const short = join(tmp.dir, 'short.key');
      writeFileSync(short, 'x'.repeat(16));
      expect(() => resolveServerConfig({ sessionKeyFile: short }, {})).toThrow(/at least 32 bytes/);
      expect(() => resolveServerConfig({ sessionKeyFile: join(tmp.dir, 'missing') }, {})).toThrow(/does not exist/);
    } finally {
      tmp.cleanup();
    }
  });
});
