import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hasCode } from '../../core/errors.js';
import { scopesFromJson, scopesToJson, type Principal } from '../auth.js';
import type { ObjectStore } from '../storage/object-store.js';

/**
 * The distribution token flow, issued by the registry itself: `GET /v2/token?scope=…` (Basic credentials, or
 * none for what anonymous callers may do) and the OAuth2 password grant (`POST /v2/token`) answer a short-lived
 * bearer token for the granted subset of the scopes asked for. A token is `cr1.<claims>.<HMAC-SHA256>`, signed
 * with a key every replica on one store shares: the `--token-key-file`, else one generated once and stored
 * create-only in the object store (so the first replica to need it makes it, and the others read that one).
 */

export type TokenAction = 'pull' | 'push' | 'delete' | '*';

/** One scope a client asks for: `repository:team/web:pull,push`, `registry:catalog:*`. */
export interface RequestedScope {
  type: string;
  name: string;
  actions: string[];
}

/** What a token grants: the spec's access claim. */
export interface GrantedAccess {
  type: 'repository' | 'registry';
  name: string;
  actions: TokenAction[];
}

/** A token that checked out: who it was issued to (undefined: an anonymous caller) and what it grants. */
export interface VerifiedToken {
  principal: Principal | undefined;
  access: GrantedAccess[];
  expiresAt: number;
}

interface Claims {
  v: 1;
  sub: string;
  kind: 'user' | 'token' | 'anonymous';
  scopes?: unknown;
  access: GrantedAccess[];
  iat: number;
  exp: number;
}

const PREFIX = 'cr1.';
const KEY_OBJECT = 'oci/token-key';
const MAX_TOKEN_LENGTH = 16 * 1024;
const MAX_SCOPES = 32;
const b64url = (b: Buffer) => b.toString('base64url');

export interface TokenIssuerOptions {
  store: ObjectStore;
  /** A file whose contents (at least 32 bytes) are the signing key, instead of one kept in the store. */
  keyFile?: string;
  /** How long a token lasts (default 300 s). */
  ttlSeconds?: number;
  now?: () => number;
}

/** Issues and verifies the registry's bearer tokens; see the module comment. */
export class TokenIssuer {
  private keyPromise: Promise<Buffer> | undefined;
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(private readonly opts: TokenIssuerOptions) {
    this.ttl = opts.ttlSeconds ?? 300;
    this.now = opts.now ?? Date.now;
    if (opts.keyFile) {
      const key = readFileSync(opts.keyFile);
      if (key.length < 32) throw new RangeError(`${opts.keyFile}: a token signing key has at least 32 bytes`);
      this.keyPromise = Promise.resolve(key);
    }
  }

  /** Seconds a token lasts. */
  get ttlSeconds(): number {
    return this.ttl;
  }

  /** The signing key, read (or made, once for the whole store) on first need; a failure is retried next time. */
  private key(): Promise<Buffer> {
    this.keyPromise ??= this.loadKey().catch((e) => {
      this.keyPromise = undefined;
      throw e;
    });
    return this.keyPromise;
  }

  private async loadKey(): Promise<Buffer> {
    const found = await this.opts.store.get(KEY_OBJECT);
    if (found && found.body.length >= 32) return found.body;
    try {
      const key = randomBytes(32);
      await this.opts.store.put(KEY_OBJECT, key, { ifNoneMatch: '*', contentType: 'application/octet-stream' });
      return key;
    } catch (e) {
      // Another replica made it first: use theirs.
      if (!hasCode(e, 'STORAGE_CONFLICT')) throw e;
      const theirs = await this.opts.store.get(KEY_OBJECT);
      if (!theirs || theirs.body.length < 32) throw new Error(`the token signing key in storage (${KEY_OBJECT}) is unreadable`);
      return theirs.body;
    }
  }

  /** Whether a bearer value is one of this registry's tokens (as opposed to a token of the tokens file). */
  static isOurs(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  /** A token for a caller (undefined: anonymous) granting `access`. */
  async issue(principal: Principal | undefined, access: GrantedAccess[]): Promise<{ token: string; expiresIn: number; issuedAt: string }> {
    const now = this.now();
    const claims: Claims = {
      v: 1,
      sub: principal?.name ?? '',
      kind: principal?.kind ?? 'anonymous',
      ...(principal ? { scopes: scopesToJson(principal.scopes) } : {}),
      access,
      iat: Math.floor(now / 1000),
      exp: Math.floor(now / 1000) + this.ttl,
    };
    const body = `${PREFIX}${b64url(Buffer.from(JSON.stringify(claims)))}`;
    const mac = createHmac('sha256', await this.key()).update(body).digest();
    return { token: `${body}.${b64url(mac)}`, expiresIn: this.ttl, issuedAt: new Date(now).toISOString() };
  }

  /**
   * Checks a token: its signature (constant-time), its expiry and its shape. `forged` when the signature is wrong
   * or the token is malformed (worth counting against the client), `expired` when it was ours but is too old.
   */
  async verify(token: string): Promise<VerifiedToken | 'forged' | 'expired'> {
    if (token.length > MAX_TOKEN_LENGTH || !token.startsWith(PREFIX)) return 'forged';
    const dot = token.lastIndexOf('.');
    if (dot <= PREFIX.length) return 'forged';
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = createHmac('sha256', await this.key()).update(body).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(body.slice(PREFIX.length), 'base64url').toString('utf8')) as Claims;
    } catch {
      return 'forged';
    }
    if (claims?.v !== 1 || typeof claims.exp !== 'number' || !Array.isArray(claims.access)) return 'forged';
    if (claims.exp * 1000 <= this.now()) return 'expired';
    let principal: Principal | undefined;
    if (claims.kind !== 'anonymous') {
      const scopes = scopesFromJson(claims.scopes);
      if (!scopes || typeof claims.sub !== 'string' || (claims.kind !== 'user' && claims.kind !== 'token')) return 'forged';
      principal = { name: claims.sub, kind: claims.kind, scopes };
    }
    return { principal, access: claims.access, expiresAt: claims.exp * 1000 };
  }
}

/** Whether a token grants `action` on an OCI repository (`push` grants what `delete` does too; `*` everything). */
export function grants(token: VerifiedToken, type: 'repository' | 'registry', name: string, action: TokenAction): boolean {
  return token.access.some((a) => a.type === type && a.name === name && (a.actions.includes(action) || a.actions.includes('*') || (action === 'delete' && a.actions.includes('push'))));
}

/**
 * The scopes a token request names: `scope` parameters, each one or more space-separated
 * `type:name:actions`. The name is whatever lies between the first and the last colon; at most 32 scopes.
 */
export function parseScopes(values: string[]): RequestedScope[] {
  const out: RequestedScope[] = [];
  for (const value of values) {
    for (const item of value.split(' ')) {
      if (!item || out.length >= MAX_SCOPES || item.length > 512) continue;
      const first = item.indexOf(':');
      const last = item.lastIndexOf(':');
      if (first <= 0 || last <= first) continue;
      out.push({ type: item.slice(0, first), name: item.slice(first + 1, last), actions: item.slice(last + 1).split(',').filter(Boolean) });
    }
  }
  return out;
}

/** The `scope` text of a challenge or token request for these accesses. */
export function scopeText(access: { type: string; name: string; actions: string[] }[]): string {
  return access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`).join(' ');
}
