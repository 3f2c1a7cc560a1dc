import { ChartroomError } from '../errors.js';
import type { RegistryCredential } from './login-store.js';
import type { HttpResponse, RegistryTransport } from './transport.js';

/**
 * The distribution spec's authentication: `WWW-Authenticate` challenges (Basic, or Bearer with a token
 * realm), scopes, and getting a token from the realm the way docker and oras-go do — a GET with the Basic
 * credentials (or none, for anonymous pulls); an OAuth2 POST with an identity token, or with the password
 * when the realm does not take the GET.
 */

/** One challenge of a `WWW-Authenticate` header: the scheme (lower case) and its parameters (keys lower case). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const MAX_HEADER = 16 * 1024;

function isTokenChar(c: string): boolean {
  const n = c.charCodeAt(0);
  return (n >= 0x30 && n <= 0x39) || (n >= 0x41 && n <= 0x5a) || (n >= 0x61 && n <= 0x7a) || "!#$%&'*+-.^_`|~".includes(c);
}

/**
 * Parses a `WWW-Authenticate` header (RFC 7235: `scheme [token68 | k=v, k="v" …][, scheme …]`) in one pass
 * over the characters, with no regular expression to backtrack; anything malformed ends the parse with what
 * was read so far.
 */
export function parseChallenges(header: string | undefined): Challenge[] {
  const out: Challenge[] = [];
  if (!header) return out;
  const s = header.length > MAX_HEADER ? header.slice(0, MAX_HEADER) : header;
  let i = 0;
  const skipSpace = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const token = () => {
    const start = i;
    while (i < s.length && isTokenChar(s[i])) i++;
    return s.slice(start, i);
  };
  for (;;) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
    const scheme = token();
    if (!scheme) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: Object.create(null) as Record<string, string> };
    out.push(challenge);
    skipSpace();
    // Parameters until the next scheme: a token followed by anything but "=" starts one.
    for (;;) {
      while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
      const mark = i;
      const key = token();
      if (!key) {
        if (i < s.length && s[i] !== ',') return out;
        break;
      }
      skipSpace();
      if (s[i] !== '=') {
        i = mark;
        break;
      }
      i++;
      skipSpace();
      let value = '';
      if (s[i] === '"') {
        i++;
        let closed = false;
        while (i < s.length) {
          const c = s[i++];
          if (c === '\\' && i < s.length) value += s[i++];
          else if (c === '"') {
            closed = true;
            break;
          } else value += c;
        }
        if (!closed) return out;
      } else if (s[i] === '=' || s[i] === undefined || s[i] === ',') {
        // token68 (`Basic dXNlcg==`): no parameters to keep.
        while (i < s.length && s[i] === '=') i++;
        continue;
      } else {
        value = token();
        if (!value) return out;
      }
      challenge.params[key.toLowerCase()] = value;
    }
    if (i >= s.length) break;
  }
  return out;
}

/** The challenge to answer: Bearer when offered, else Basic; undefined when the registry offers neither. */
export function pickChallenge(header: string | undefined): Challenge | undefined {
  const all = parseChallenges(header);
  return all.find((c) => c.scheme === 'bearer' && c.params.realm) ?? all.find((c) => c.scheme === 'basic');
}

/** The scope a request on a repository needs: `repository:NAME:pull` or `repository:NAME:pull,push`. */
export function repositoryScope(repository: string, push: boolean): string {
  return `repository:${repository}:${push ? 'pull,push' : 'pull'}`;
}

/**
 * Scopes merged as oras-go merges them: one entry per resource, its actions sorted and unique (`*` stands
 * for all), resources sorted, so one set of scopes always makes the same cache key.
 */
export function mergeScopes(scopes: string[]): string[] {
  const byResource = new Map<string, Set<string>>();
  const plain = new Set<string>();
  for (const raw of scopes.flatMap((s) => s.split(' ')).filter(Boolean)) {
    const first = raw.indexOf(':');
    const last = raw.lastIndexOf(':');
    if (first < 0 || last === first) {
      plain.add(raw);
      continue;
    }
    const resource = raw.slice(0, last);
    let actions = byResource.get(resource);
    if (!actions) byResource.set(resource, (actions = new Set()));
    for (const a of raw.slice(last + 1).split(',')) if (a) actions.add(a);
  }
  const out = [...plain];
  for (const [resource, actions] of byResource) {
    if (actions.size === 0) continue;
    out.push(`${resource}:${actions.has('*') ? '*' : [...actions].sort().join(',')}`);
  }
  return out.sort();
}

/** A token for a registry, with when to stop using it. */
export interface AccessToken {
  token: string;
  /** Milliseconds since the epoch; the token is fetched again after this. */
  expiresAt: number;
}

/** The parts of a realm's answer the spec defines. */
interface TokenAnswer {
  token?: string;
  access_token?: string;
  expires_in?: number;
}

const MAX_TOKEN_ANSWER = 128 * 1024;

function basicHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** A realm's error answer, as words: the OAuth2 `error_description` / `error`, or the distribution `errors[0]`. */
async function realmProblem(res: HttpResponse): Promise<string> {
  let text = '';
  try {
    text = (await res.read(MAX_TOKEN_ANSWER, 'token realm')).toString('utf8');
    const body = JSON.parse(text) as { error?: string; error_description?: string; errors?: { code?: string; message?: string }[]; details?: string };
    const e = body.errors?.[0];
    return [body.error_description ?? body.error ?? (e ? [e.code, e.message].filter(Boolean).join(': ') : ''), body.details].filter(Boolean).join(': ') || `status ${res.status}`;
  } catch {
    return text.trim().split('\n')[0].slice(0, 200) || `status ${res.status}`;
  }
}

/** The realm's denial as a typed error (never with the credentials in it). */
export class TokenDenied extends Error {
  constructor(
    readonly status: number,
    readonly realm: string,
    readonly problem: string,
  ) {
    super(`the token service ${realm} answered ${status}: ${problem}`);
    this.name = 'TokenDenied';
  }
}

async function tokenFrom(res: HttpResponse, realm: string, now: number): Promise<AccessToken> {
  if (res.status !== 200) throw new TokenDenied(res.status, realm, await realmProblem(res));
  const text = (await res.read(MAX_TOKEN_ANSWER, 'token realm')).toString('utf8');
  let body: TokenAnswer;
  try {
    body = JSON.parse(text) as TokenAnswer;
  } catch {
    throw new ChartroomError('REGISTRY_PROTOCOL', `the token service ${realm} did not answer JSON`, { url: realm });
  }
  const token = body.access_token || body.token;
  if (typeof token !== 'string' || !token) throw new ChartroomError('REGISTRY_PROTOCOL', `the token service ${realm} answered without a token`, { url: realm });
  // The spec's default lifetime is 60 seconds; keep a margin so a token never expires in flight.
  const life = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
  return { token, expiresAt: now + Math.max(life - 10, 1) * 1000 };
}

/**
 * Gets a token from a Bearer challenge's realm for these scopes. As docker and oras-go: an identity token
 * (refresh token) goes by OAuth2 POST (`grant_type=refresh_token`); otherwise a GET with Basic credentials
 * (anonymous without any); when the realm does not serve that GET (404, 405) and there is a password, an
 * OAuth2 POST with `grant_type=password`.
 */
export async function fetchToken(transport: RegistryTransport, challenge: Challenge, scopes: string[], cred: RegistryCredential | undefined, now: number, clientId = 'chartroom'): Promise<AccessToken> {
  if (cred?.registryToken) return { token: cred.registryToken, expiresAt: Number.MAX_SAFE_INTEGER };
  const realmText = challenge.params.realm;
  let realm: URL;
  try {
    realm = new URL(realmText);
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new Error('not http');
  } catch {
    throw new ChartroomError('REGISTRY_PROTOCOL', `${transport.registry} named a token realm that is not an http(s) URL: ${JSON.stringify(realmText)}`, { url: transport.registry });
  }
  const service = challenge.params.service;
  const realmName = `${realm.origin}${realm.pathname}`;
  const post = async (form: Record<string, string>) => {
    const body = new URLSearchParams({ ...form, ...(service ? { service } : {}), client_id: clientId, ...(scopes.length ? { scope: scopes.join(' ') } : {}) }).toString();
    return tokenFrom(await transport.send({ method: 'POST', url: realm.toString(), authorizeOtherOrigin: true, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body }), realmName, now);
  };
  if (cred?.identityToken) return post({ grant_type: 'refresh_token', refresh_token: cred.identityToken });
  const url = new URL(realm);
  if (service) url.searchParams.set('service', service);
  for (const s of scopes) url.searchParams.append('scope', s);
  const headers: Record<string, string> = {};
  if (cred?.username !== undefined && cred.password !== undefined) headers.Authorization = basicHeader(cred.username, cred.password);
  const res = await transport.send({ method: 'GET', url: url.toString(), headers, authorizeOtherOrigin: true });
  if ((res.status === 404 || res.status === 405) && cred?.username && cred.password !== undefined) {
    await res.discard();
    return post({ grant_type: 'password', username: cred.username, password: cred.password });
  }
  return tokenFrom(res, realmName, now);
}

export { basicHeader };
