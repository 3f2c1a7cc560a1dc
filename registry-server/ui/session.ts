import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Request } from 'express';
import { hasCode } from '../../core/errors.js';
import type { Principal } from '../auth.js';
import type { ObjectStore } from '../storage/object-store.js';

/** What a valid session cookie says: who is logged in, and the token their forms must carry. */
export interface UiSession {
  principal: Principal;
  /** The anti-CSRF token of this session, for the hidden field of every form that changes something. */
  csrf: string;
}

/** The session cookie's name. */
export const SESSION_COOKIE = 'chartroom_session';
/** The object, in the registry's store, that holds the signing key every replica shares. */
export const SESSION_KEY_OBJECT = 'ui/session-key';
/** The longest cookie value made or read: far below the 4 KB browsers keep, and what bounds the user name. */
export const MAX_COOKIE_VALUE = 1024;
/** Cookie values named `chartroom_session` looked at in one Cookie header (a browser sends one; more is noise). */
const MAX_CANDIDATES = 4;
/** Default session lifetime: 12 hours. */
const DEFAULT_TTL_SECONDS = 12 * 3600;
/** How far in the future an issue time may be (another replica's clock) and still count. */
const CLOCK_SKEW_SECONDS = 60;
const PREFIX = 'v1.';

/** A user as the configuration has them now: their principal, and a digest of their stored password hash. */
export interface SessionUser {
  principal: Principal;
  /** Changes when the user's password hash changes (AuthProvider.sessionUser). */
  fingerprint: Buffer;
}

/** Where sessions look users up: the AuthProvider, or a stand-in in tests. */
export interface SessionUsers {
  sessionUser(name: string): SessionUser | undefined;
}

export interface UiSessionsOptions {
  /** Where the current users come from (their scopes, their password hash's fingerprint). Without it, no session is valid. */
  users?: SessionUsers;
  /** The store that keeps the signing key (made once for the whole store, shared by every replica). */
  store?: ObjectStore;
  /** A file whose contents (at least 32 bytes) are the signing key, instead of one kept in the store. */
  keyFile?: string;
  /** The signing key itself (at least 32 bytes), for tests. */
  key?: Buffer;
  /** How long a session lasts (default 12 hours). */
  ttlSeconds?: number;
  now?: () => number;
}

/** What the cookie carries, signed. Short field names keep the cookie small. */
interface Claims {
  /** The user's name. */
  u: string;
  /** Issued at, seconds since the epoch. */
  i: number;
  /** Expires at, seconds since the epoch. */
  e: number;
  /** The session's random id (base64url), from which its CSRF token is derived. */
  s: string;
  /** Keyed digest of the user's password hash fingerprint (base64url): a changed password ends the session. */
  f: string;
}

/**
 * The values of a cookie in a Cookie header, in order (at most a few): one linear pass over `;`-separated
 * pairs, names compared exactly, values taken as they are (ours never need decoding). Nothing else is kept.
 */
export function cookieValues(header: string | undefined, name: string): string[] {
  const out: string[] = [];
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out.push(value);
    if (out.length >= MAX_CANDIDATES) break;
  }
  return out;
}

/**
 * Where the login form may send a browser afterwards: a path on this site (starts with one `/`, not `//` or
 * `/\`, no backslash or control character anywhere, at most 2 KB), normalised (dot segments resolved, so it
 * still names this site afterwards). Undefined for anything else, which means home.
 */
export function safeNext(next: string | undefined): string | undefined {
  if (!next || next.length > 2048 || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(next)) return undefined;
  let url: URL;
  try {
    url = new URL(next, 'http://chartroom.invalid');
  } catch {
    return undefined;
  }
  if (url.origin !== 'http://chartroom.invalid') return undefined;
  const path = `${url.pathname}${url.search}`;
  if (!path.startsWith('/') || path.startsWith('//') || path.length > 2048) return undefined;
  return path;
}

/** The Set-Cookie value for a session cookie (or, with an empty value and no lifetime, the one that clears it). */
function setCookie(value: string, maxAge: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/**
 * The web UI's login sessions: a stateless signed cookie that any replica accepts. The cookie holds the user's
 * name, when it was issued and expires, a random session id and a keyed digest of the user's stored password
 * hash, signed with HMAC-SHA256 (checked in constant time). The key is `keyFile`'s, or one made once for the
 * whole store (`ui/session-key`, create-only: the first replica to need it makes it, the others read it).
 *
 * A session is only as good as the configuration now: reading it looks the user up again, so their scopes are
 * the current ones, and a removed user or a changed password ends it. Its CSRF token is an HMAC of the session
 * id, derived, never stored. Being stateless, signing out clears the browser's cookie but cannot revoke a copy
 * of it: a stolen cookie lasts until it expires, the password changes, or the user is removed.
 *
 * Without `users`, or without a key source, there are no sessions: `read` finds none and `issue` refuses.
 */
export class UiSessions {
  private keyPromise: Promise<Buffer> | undefined;
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(private readonly opts: UiSessionsOptions = {}) {
    this.ttl = opts.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    if (!(this.ttl > 0 && this.ttl <= 30 * 86400)) throw new RangeError('a session lasts between 1 second and 30 days');
    this.now = opts.now ?? Date.now;
    const fixed = opts.key ?? (opts.keyFile ? readFileSync(opts.keyFile) : undefined);
    if (fixed) {
      if (fixed.length < 32) throw new RangeError(`${opts.keyFile ?? 'the session key'}: a session signing key has at least 32 bytes`);
      this.keyPromise = Promise.resolve(fixed);
    }
  }

  /** Whether sessions can be made at all (a user list and a key source are configured). */
  get enabled(): boolean {
    return this.opts.users !== undefined && (this.keyPromise !== undefined || this.opts.store !== undefined);
  }

  /** Seconds a session lasts. */
  get ttlSeconds(): number {
    return this.ttl;
  }

  /** The master key, read (or made, once for the whole store) on first need; a failure is retried next time. */
  private key(): Promise<Buffer> {
    this.keyPromise ??= this.loadKey().catch((e) => {
      this.keyPromise = undefined;
      throw e;
    });
    return this.keyPromise;
  }

  private async loadKey(): Promise<Buffer> {
    const store = this.opts.store;
    if (!store) throw new Error('no session key: neither a key file nor a store is configured');
    const found = await store.get(SESSION_KEY_OBJECT);
    if (found && found.body.length >= 32) return found.body;
    try {
      const key = randomBytes(32);
      await store.put(SESSION_KEY_OBJECT, key, { ifNoneMatch: '*', contentType: 'application/octet-stream' });
      return key;
    } catch (e) {
      // Another replica made it first: use theirs.
      if (!hasCode(e, 'STORAGE_CONFLICT')) throw e;
      const theirs = await store.get(SESSION_KEY_OBJECT);
      if (!theirs || theirs.body.length < 32) throw new Error(`the session signing key in storage (${SESSION_KEY_OBJECT}) is unreadable`);
      return theirs.body;
    }
  }

  /** An HMAC of `data` under a key derived from the master key for one purpose, so no two uses share a key. */
  private async mac(purpose: 'cookie' | 'csrf' | 'fingerprint', data: string | Buffer): Promise<Buffer> {
    const sub = createHmac('sha256', await this.key()).update(`chartroom ui session ${purpose}`).digest();
    return createHmac('sha256', sub).update(data).digest();
  }

  private async fingerprintOf(user: SessionUser): Promise<string> {
    return (await this.mac('fingerprint', user.fingerprint)).subarray(0, 16).toString('base64url');
  }

  private async csrfOf(sessionId: string): Promise<string> {
    return (await this.mac('csrf', sessionId)).toString('base64url');
  }

  /**
   * A new session for a user (who just proved their password): the cookie's value. Undefined when there are no
   * sessions, the name is no current user, or the cookie would be larger than the bound (a very long name).
   */
  async sign(name: string): Promise<string | undefined> {
    const user = this.enabled ? this.opts.users!.sessionUser(name) : undefined;
    if (!user || user.principal.kind !== 'user') return undefined;
    const now = Math.floor(this.now() / 1000);
    const claims: Claims = { u: name, i: now, e: now + this.ttl, s: randomBytes(16).toString('base64url'), f: await this.fingerprintOf(user) };
    const body = `${PREFIX}${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const value = `${body}.${(await this.mac('cookie', body)).toString('base64url')}`;
    return value.length <= MAX_COOKIE_VALUE ? value : undefined;
  }

  /**
   * The session a cookie value stands for, if its signature is ours, it has not expired (by its own expiry and
   * by the lifetime configured now), its user still exists and their password hash is the one it was made with.
   */
  async verify(value: string): Promise<UiSession | undefined> {
    if (!this.enabled || value.length > MAX_COOKIE_VALUE || !value.startsWith(PREFIX)) return undefined;
    const dot = value.lastIndexOf('.');
    if (dot <= PREFIX.length) return undefined;
    const body = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1), 'base64url');
    const expected = await this.mac('cookie', body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(body.slice(PREFIX.length), 'base64url').toString('utf8')) as Claims;
    } catch {
      return undefined;
    }
    if (!claims || typeof claims !== 'object' || typeof claims.u !== 'string' || typeof claims.s !== 'string' || typeof claims.f !== 'string') return undefined;
    if (!Number.isInteger(claims.i) || !Number.isInteger(claims.e)) return undefined;
    const now = this.now() / 1000;
    if (claims.i > now + CLOCK_SKEW_SECONDS || now >= claims.e || now >= claims.i + this.ttl) return undefined;
    const user = this.opts.users!.sessionUser(claims.u);
    if (!user || user.principal.kind !== 'user') return undefined;
    const fp = Buffer.from(await this.fingerprintOf(user));
    const had = Buffer.from(claims.f);
    if (fp.length !== had.length || !timingSafeEqual(fp, had)) return undefined;
    return { principal: user.principal, csrf: await this.csrfOf(claims.s) };
  }

  /** The session a request's cookie carries, if it is valid and unexpired. */
  async read(req: Request): Promise<UiSession | undefined> {
    if (!this.enabled) return undefined;
    for (const value of cookieValues(req.headers.cookie, SESSION_COOKIE)) {
      const session = await this.verify(value);
      if (session) return session;
    }
    return undefined;
  }

  /** Whether a form's CSRF field is the session's token (compared in constant time). */
  static csrfMatches(session: UiSession, given: unknown): boolean {
    if (typeof given !== 'string' || given.length > 256) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(session.csrf);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** The Set-Cookie header that starts a session (`Secure` when the site is reached over https). */
  cookieHeader(value: string, secure: boolean): string {
    return setCookie(value, this.ttl, secure);
  }

  /** The Set-Cookie header that ends the browser's session. */
  static clearCookieHeader(secure: boolean): string {
    return setCookie('', 0, secure);
  }
}
