import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { ChartroomError } from '../core/errors.js';
import { loadYaml } from '../core/yaml.js';

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
 * never logged or kept in clear.
 */
export class AuthProvider {
  private readonly users = new Map<string, User>();
  private readonly tokens: Token[] = [];
  private readonly userScopes = new Map<string, Scopes>();
  /** sha256(user + password) of credentials bcrypt has already accepted, to spare bcrypt on every request. */
  private readonly verified = new Map<string, Buffer>();
  private decoy: string | undefined;

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

  /** Identifies the caller from an Authorization header; undefined when there is none; throws on bad credentials. */
  async authenticate(header: string | undefined): Promise<Principal | undefined> {
    if (!header) return undefined;
    const [scheme, value = ''] = header.split(/\s+/, 2);
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return undefined;
      const name = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      const user = this.users.get(name);
      // Unknown users still pay for one bcrypt comparison, so timing does not tell which names exist.
      const hash = user?.hash ?? (this.decoy ??= bcrypt.hashSync('decoy', 10));
      const digest = sha256(`${name}\0${password}\0${hash}`);
      const cached = this.verified.get(name);
      let ok = cached !== undefined && cached.length === digest.length && timingSafeEqual(cached, digest);
      if (!ok) {
        ok = (await bcrypt.compare(password, hash)) && user !== undefined;
        if (ok) this.verified.set(name, digest);
      }
      if (!ok || !user) throw new Unauthorized();
      return { name, kind: 'user', scopes: this.userScopes.get(name) ?? ALL };
    }
    if (/^bearer$/i.test(scheme)) {
      const digest = sha256(value);
      let found: Token | undefined;
      for (const t of this.tokens) if (timingSafeEqual(t.digest, digest) && !found) found = t;
      if (!found) throw new Unauthorized();
      return { name: found.name, kind: 'token', scopes: found.scopes };
    }
    throw new Unauthorized();
  }
}

/** Credentials that do not check out (unknown user, wrong password, unknown token): 401. */
export class Unauthorized extends ChartroomError {
  constructor() {
    super('UNAUTHORIZED', 'invalid credentials');
    this.name = 'Unauthorized';
  }
}

/** Whether a principal's scopes allow an action on a repository. */
export function allowed(p: Principal, repo: string, action: Action): boolean {
  const scopes = p.scopes.get(repo) ?? p.scopes.get('*') ?? [];
  return scopes.includes(action);
}
