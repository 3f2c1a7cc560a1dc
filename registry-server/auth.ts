import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { ChartroomError } from '../core/errors.js';
import { loadYaml } from '../core/yaml.js';
import { BcryptPool, type BcryptPoolOptions } from './bcrypt-worker.js';
import { clientKey, FailureLimiter } from './login-limiter.js';

export type Action = 'read' | 'write';

/** Scopes by repository: '*' is every repository, '' the root repository. A Map: the keys come from config files and are checked against request paths. */
export type Scopes = ReadonlyMap<string, readonly Action[]>;

export interface Principal {
  name: string;
  kind: 'user' | 'token';
  scopes: Scopes;
}

/** A configuration problem in an auth file: start-up stops with this one line. */
export class AuthConfigError extends Error {}

interface User {
  name: string;
  hash: string;
}

interface Token {
  name: string;
  digest: Buffer;
  scopes: Scopes;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();
const ALL: Scopes = new Map([['*', ['read', 'write']]]);
const BCRYPT_CHARS = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface AuthOptions {
  /**
   * Failed logins allowed in a minute from one client address, and for one user name, before 429
   * (`--auth-failures-per-minute`, default 30).
   */
  failuresPerMinute?: number;
  /** Client addresses, and user names, the limiter tracks at once (each); past it the oldest is forgotten. */
  maxTrackedKeys?: number;
  /** How long a wrong (user, password) pair is remembered, so that repeating it costs no bcrypt. */
  failureMemoryMs?: number;
  /** Wrong pairs remembered at once; past it the oldest is forgotten. */
  maxRememberedFailures?: number;
  /** The worker threads that run bcrypt. */
  pool?: BcryptPoolOptions;
  now?: () => number;
}

/** A limiter key for a user name: the name itself, or its digest when long, so that keys stay small. */
const userKey = (name: string) => (name.length <= 64 ? `u:${name}` : `h:${sha256(name).toString('hex')}`);

function parseScopes(raw: unknown, where: string): Scopes {
  if (raw === undefined) return ALL;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new AuthConfigError(`${where}: scopes must map repository names to [read, write]`);
  const out = new Map<string, readonly Action[]>();
  for (const [repo, actions] of Object.entries(raw)) {
    const list = Array.isArray(actions) ? actions : [actions];
    if (!list.every((a) => a === 'read' || a === 'write')) throw new AuthConfigError(`${where}: scopes of ${JSON.stringify(repo)} must be read and/or write`);
    out.set(repo === '/' ? '' : repo, list as Action[]);
  }
  return out;
}

/**
 * Who may do what: users from an htpasswd file (bcrypt, as `htpasswd -B` writes), bearer tokens from a
 * tokens file, and optional per-user scopes. Every comparison of a secret is constant-time; secrets are
 * never logged or kept in clear. Everything keyed by what clients send is a Map.
 *
 * Password guessing is bounded so that it cannot take the CPU from everyone else:
 * - bcrypt (bcryptjs, pure JavaScript: ~60 ms of CPU at cost 10) runs in a small pool of worker threads with
 *   a bounded queue; when the queue is full the answer is 503 SERVER_BUSY with Retry-After;
 * - credentials bcrypt accepted are remembered (as a SHA-256 that includes the stored hash), so helm's many
 *   requests cost one bcrypt, and they are never limited: checking them costs nothing;
 * - a wrong (user, password) pair is remembered for a minute, so repeating it costs no bcrypt; a remembered
 *   failure can only ever answer "wrong", never let anyone in;
 * - failed logins are counted per client address and per user name; past `failuresPerMinute` in a minute the
 *   answer is 429 TOO_MANY_ATTEMPTS with Retry-After, before any bcrypt. Attempts in flight count as failures
 *   until bcrypt says otherwise, so a burst cannot get more than the limit checked.
 *
 * The per-user limit stops guessing one account's password from many addresses, but it would also let anyone
 * lock a user out. The trade-off chosen: when only the user's counter is over the limit, an address with no
 * failure in its current window may still try (and a right password gets in); its first failure makes it
 * "failed" like the others. So a lone attacker cannot lock a colleague out, and an attacker with many
 * addresses gets at most one guess per address per minute at a limited user, on top of the limit. Credentials
 * verified before are not affected at all. IPv6 clients are counted by /64. Behind a proxy every client shares
 * the proxy's address (the app does not trust X-Forwarded-For), so one attacker there limits the proxy's
 * uncached logins for a minute; verified credentials still work.
 *
 * Unknown users take the same path at the same cost as known ones: a decoy hash with the users' bcrypt cost.
 */
export class AuthProvider {
  private readonly users = new Map<string, User>();
  private readonly tokens: Token[] = [];
  private readonly userScopes = new Map<string, Scopes>();
  /** sha256(user, password, hash) of credentials bcrypt has already accepted, by user, to spare bcrypt on every request. */
  private readonly verified = new Map<string, Buffer>();
  /** sha256(user, password, hash) (hex) of recently refused pairs → when to forget them. */
  private readonly failed = new Map<string, number>();
  /** bcrypt checks in flight, by the same digest: identical attempts share one check. */
  private readonly inflight = new Map<string, Promise<boolean>>();
  private readonly byAddress: FailureLimiter;
  private readonly byUser: FailureLimiter;
  private readonly pool: BcryptPool;
  private readonly failureMemoryMs: number;
  private readonly maxRememberedFailures: number;
  private readonly now: () => number;
  private decoy: string | undefined;

  constructor(opts: AuthOptions = {}) {
    this.now = opts.now ?? Date.now;
    const limit = opts.failuresPerMinute ?? 30;
    const maxKeys = opts.maxTrackedKeys ?? 10_000;
    this.byAddress = new FailureLimiter({ limit, maxKeys, now: this.now });
    this.byUser = new FailureLimiter({ limit, maxKeys, now: this.now });
    this.pool = new BcryptPool(opts.pool);
    this.failureMemoryMs = opts.failureMemoryMs ?? 60_000;
    this.maxRememberedFailures = opts.maxRememberedFailures ?? 10_000;
  }

  get configured(): boolean {
    return this.users.size > 0 || this.tokens.length > 0;
  }

  /** Reads an htpasswd file: `user:$2y$...` lines. */
  loadHtpasswd(file: string, text = readFileSync(file, 'utf8')): void {
    text.split(/\r?\n/).forEach((line, i) => {
      const l = line.trim();
      if (!l || l.startsWith('#')) return;
      const colon = l.indexOf(':');
      if (colon <= 0) throw new AuthConfigError(`${file}:${i + 1}: expected user:hash`);
      const name = l.slice(0, colon);
      const hash = l.slice(colon + 1);
      if (!/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) throw new AuthConfigError(`${file}:${i + 1}: the password of ${name} is not a bcrypt hash; create it with htpasswd -B`);
      this.users.set(name, { name, hash: hash.replace(/^\$2y\$/, '$2b$') });
    });
    this.decoy = undefined;
  }

  /**
   * A hash no password matches, with the bcrypt cost most users have (the higher on a tie; 10 without users),
   * so that checking an unknown user costs what checking a known one costs. Made without hashing anything.
   */
  private decoyHash(): string {
    if (this.decoy) return this.decoy;
    const costs = new Map<number, number>();
    for (const u of this.users.values()) {
      const c = Number(u.hash.slice(4, 6));
      costs.set(c, (costs.get(c) ?? 0) + 1);
    }
    let cost = 10;
    let seen = 0;
    for (const [c, n] of costs) if (n > seen || (n === seen && c > cost)) [cost, seen] = [c, n];
    let tail = '';
    for (let i = 0; i < 31; i++) tail += BCRYPT_CHARS[randomInt(BCRYPT_CHARS.length)];
    return (this.decoy = bcrypt.genSaltSync(cost) + tail);
  }

  /**
   * Reads a tokens file (YAML): `tokens: [{name, sha256 | token, scopes}]` and optional
   * `users: {name: scopes}` to limit htpasswd users. Scopes: `{"*": [read, write], "team-a": [read]}`.
   */
  loadTokens(file: string, text = readFileSync(file, 'utf8')): void {
    let doc: unknown;
    try {
      doc = loadYaml(text, file);
    } catch (e) {
      throw new AuthConfigError(`${file}: ${(e as Error).message}`);
    }
    const d = (doc ?? {}) as { tokens?: unknown; users?: unknown };
    if (d.tokens !== undefined && !Array.isArray(d.tokens)) throw new AuthConfigError(`${file}: tokens must be a list`);
    ((d.tokens as unknown[]) ?? []).forEach((t, i) => {
      const tok = t as { name?: unknown; sha256?: unknown; token?: unknown; scopes?: unknown };
      const where = `${file}: tokens[${i}]`;
      if (typeof tok.name !== 'string' || !tok.name) throw new AuthConfigError(`${where}: needs a name`);
      let digest: Buffer;
      if (typeof tok.sha256 === 'string' && /^[0-9a-f]{64}$/i.test(tok.sha256)) digest = Buffer.from(tok.sha256, 'hex');
      else if (typeof tok.token === 'string' && tok.token.length >= 16) digest = sha256(tok.token);
      else throw new AuthConfigError(`${where}: needs sha256 (hex of the token's SHA-256) or a token of at least 16 characters`);
      this.tokens.push({ name: tok.name, digest, scopes: parseScopes(tok.scopes, where) });
    });
    if (d.users !== undefined) {
      if (!d.users || typeof d.users !== 'object') throw new AuthConfigError(`${file}: users must map user names to scopes`);
      for (const [name, scopes] of Object.entries(d.users)) this.userScopes.set(name, parseScopes(scopes, `${file}: users.${name}`));
    }
  }

  /**
   * Identifies the caller from an Authorization header; undefined when there is none. Throws Unauthorized on
   * bad credentials, TooManyAttempts when the client address or user name failed too often, ServerBusy when
   * too many password checks are waiting. `client` is the client's address (for the limits).
   */
  async authenticate(header: string | undefined, client?: string, opts: { tokenAsPassword?: boolean } = {}): Promise<Principal | undefined> {
    if (!header) return undefined;
    const [scheme, value = ''] = header.split(/\s+/, 2);
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return undefined;
      const name = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      // OCI clients only know user and password: a token from the tokens file may stand as the password of a
      // name that is no htpasswd user (`helm registry login -u ci --password-stdin`).
      if (opts.tokenAsPassword && !this.users.has(name)) {
        const token = this.findToken(password);
        if (token) return { name: token.name, kind: 'token', scopes: token.scopes };
      }
      return this.checkPassword(name, password, clientKey(client));
    }
    if (/^bearer$/i.test(scheme)) {
      const found = this.findToken(value);
      if (found) return { name: found.name, kind: 'token', scopes: found.scopes };
      this.failedToken(client);
    }
    throw new Unauthorized();
  }

  /** The configured token whose secret this is (compared in constant time with every token's digest). */
  private findToken(secret: string): Token | undefined {
    const digest = sha256(secret);
    let found: Token | undefined;
    for (const t of this.tokens) if (timingSafeEqual(t.digest, digest) && !found) found = t;
    return found;
  }

  /**
   * A bearer token that is no token of ours (unknown, forged, tampered with): it costs no bcrypt, but guessing
   * counts against the client's address all the same. Throws TooManyAttempts past the limit, else Unauthorized.
   */
  failedToken(client?: string): never {
    const address = clientKey(client);
    const wait = this.byAddress.retryAfter(address);
    if (wait) throw new TooManyAttempts(wait);
    this.byAddress.add(address);
    throw new Unauthorized();
  }

  private async checkPassword(name: string, password: string, address: string): Promise<Principal> {
    const user = this.users.get(name);
    const hash = user?.hash ?? this.decoyHash();
    const digest = sha256(`${name}\0${password}\0${hash}`);
    const cached = this.verified.get(name);
    if (user && cached !== undefined && cached.length === digest.length && timingSafeEqual(cached, digest)) return this.userPrincipal(name);

    const who = userKey(name);
    const wait = this.byAddress.retryAfter(address) || (this.byAddress.count(address) > 0 ? this.byUser.retryAfter(who) : 0);
    if (wait) throw new TooManyAttempts(wait);
    // Counted now, taken back if bcrypt accepts the password or never gets to check it.
    this.byAddress.add(address);
    this.byUser.add(who);
    const key = digest.toString('hex');
    if (this.failedRecently(key)) throw new Unauthorized();
    let ok: boolean;
    try {
      ok = await this.bcryptOnce(key, password, hash);
    } catch (e) {
      this.byAddress.refund(address);
      this.byUser.refund(who);
      throw e;
    }
    if (ok && user) {
      this.byAddress.refund(address);
      this.byUser.refund(who);
      this.verified.set(name, digest);
      return this.userPrincipal(name);
    }
    this.rememberFailure(key);
    throw new Unauthorized();
  }

  /**
   * An htpasswd user as the configuration has them now, for the web UI's login sessions: their principal
   * (current scopes) and a digest of their stored password hash, which changes when the password does. Undefined
   * for a name that is no user (tokens of the tokens file are not users). Checks no password.
   */
  sessionUser(name: string): { principal: Principal; fingerprint: Buffer } | undefined {
    const user = this.users.get(name);
    if (!user) return undefined;
    return { principal: this.userPrincipal(name), fingerprint: sha256(`chartroom session\0${name}\0${user.hash}`) };
  }

  private userPrincipal(name: string): Principal {
    return { name, kind: 'user', scopes: this.userScopes.get(name) ?? ALL };
  }

  private bcryptOnce(key: string, password: string, hash: string): Promise<boolean> {
    let check = this.inflight.get(key);
    if (!check) {
      check = this.pool.compare(password, hash).finally(() => this.inflight.delete(key));
      this.inflight.set(key, check);
    }
    return check;
  }

  private failedRecently(key: string): boolean {
    const until = this.failed.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.failed.delete(key);
    return false;
  }

  private rememberFailure(key: string): void {
    this.failed.delete(key);
    while (this.failed.size >= this.maxRememberedFailures) this.failed.delete(this.failed.keys().next().value as string);
    this.failed.set(key, this.now() + this.failureMemoryMs);
  }

  /** Stops the bcrypt workers (they also stop by themselves when idle, and never keep the process alive). */
  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Credentials that do not check out (unknown user, wrong password, unknown token): 401. */
export class Unauthorized extends ChartroomError {
  constructor() {
    super('UNAUTHORIZED', 'invalid credentials');
    this.name = 'Unauthorized';
  }
}

/** Too many failed logins from this address or for this user name: 429 with Retry-After. */
export class TooManyAttempts extends ChartroomError {
  readonly retryAfter: number;
  constructor(retryAfter: number) {
    super('TOO_MANY_ATTEMPTS', 'too many failed logins; try again later', { hint: `try again in ${retryAfter} seconds` });
    this.name = 'TooManyAttempts';
    this.retryAfter = retryAfter;
  }
}

/** Scopes as plain data (for a signed token), and back. */
export function scopesToJson(scopes: Scopes): [string, Action[]][] {
  return [...scopes].map(([repo, actions]) => [repo, [...actions]]);
}

export function scopesFromJson(raw: unknown): Scopes | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out = new Map<string, readonly Action[]>();
  for (const pair of raw) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || !Array.isArray(pair[1]) || !pair[1].every((a: unknown) => a === 'read' || a === 'write')) return undefined;
    out.set(pair[0], pair[1] as Action[]);
  }
  return out;
}

/** Whether a principal's scopes allow an action on a repository. */
export function allowed(p: Principal, repo: string, action: Action): boolean {
  const scopes = p.scopes.get(repo) ?? p.scopes.get('*') ?? [];
  return scopes.includes(action);
}
