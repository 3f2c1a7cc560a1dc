import { join } from 'node:path';
import { ChartroomError, type ErrorCode } from '../errors.js';
import { VERSION } from '../version.js';
import { basicHeader, fetchToken, mergeScopes, pickChallenge, repositoryScope, TokenDenied, type AccessToken, type Challenge } from './auth.js';
import { RegistryCredentialStore, type FoundCredential, type RegistryCredential } from './login-store.js';
import { DIGEST_RE, MEDIA_TYPE_DOCKER_MANIFEST, MEDIA_TYPE_INDEX, MEDIA_TYPE_MANIFEST, type Descriptor, type ImageManifest } from './format.js';
import { RegistryTransport, type HttpMethod, type HttpResponse, type TransportSettings } from './transport.js';
import { crypto } from '../builtin.js';

/**
 * A client of the OCI distribution API for one registry: blobs, manifests and tags, with the registry's
 * authentication (Basic, or Bearer tokens cached per scope for the run). Everything it downloads is checked
 * against its digest before a caller sees it.
 */

export type { TransportSettings } from './transport.js';

/** Manifests are small; the distribution spec lets registries refuse ones over 4 MiB, and so do we. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_ERROR_BODY = 64 * 1024;
const MAX_TAG_PAGES = 10_000;

/** Manifest types asked for: OCI and Docker image manifests, and indexes (to refuse them by name). */
const MANIFEST_ACCEPT = [MEDIA_TYPE_MANIFEST, MEDIA_TYPE_DOCKER_MANIFEST, MEDIA_TYPE_INDEX, 'application/vnd.docker.distribution.manifest.list.v2+json'].join(', ');

/** What a request is for: the error codes and words of a failure differ for reads, writes and logins. */
type Purpose = 'pull' | 'push' | 'login';

export interface LogSink {
  debug(message: string): void;
  warn(message: string): void;
}

export interface RegistryClientOptions {
  registry: string;
  transport: TransportSettings;
  /** The credential for this registry, looked up on first need. */
  credential: () => Promise<FoundCredential | undefined>;
  log?: LogSink;
  /** Ask for tags this many at a time (`?n=`); the registry's own page size when unset. */
  tagsPageSize?: number;
  clock?: () => number;
}

/** A manifest as fetched: its bytes (verified against `digest`), parsed, and its media type. */
export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  mediaType: string;
  manifest: ImageManifest;
}

interface Sent {
  res: HttpResponse;
  /** Whether credentials were offered (a 401 then means they are wrong). */
  authorized: boolean;
}

const sha256 = (data: Buffer) => `sha256:${crypto().createHash('sha256').update(data).digest('hex')}`;

/** The digest of some bytes in the algorithm another digest uses (sha256 or sha512). */
function digestLike(data: Buffer, like: string): string {
  const algorithm = like.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${crypto().createHash(algorithm).update(data).digest('hex')}`;
}

/** Reads the distribution spec's error body (`{"errors":[{code, message}]}`) as words for a message. */
async function registryProblem(res: HttpResponse): Promise<string> {
  if (res.status === 405) {
    await res.discard();
    return 'the registry does not allow this operation';
  }
  let text = '';
  try {
    text = (await res.read(MAX_ERROR_BODY, 'error')).toString('utf8');
  } catch {
    return '';
  }
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string; detail?: unknown }[] };
    const list = (body.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': ')).filter(Boolean);
    if (list.length) return list.join('; ');
  } catch {
    // not JSON
  }
  return text.trim().split('\n')[0].slice(0, 200);
}

/** One registry, its transport and the tokens it granted during this run. */
export class RegistryClient {
  readonly transport: RegistryTransport;
  private scheme?: 'basic' | 'bearer';
  private readonly tokens = new Map<string, AccessToken>();
  /** Token requests under way, so parallel downloads that hit the same challenge ask the realm once. */
  private readonly pending = new Map<string, Promise<AccessToken>>();
  private credential?: Promise<FoundCredential | undefined>;
  private readonly clock: () => number;

  constructor(private readonly opts: RegistryClientOptions) {
    this.transport = new RegistryTransport(opts.registry, opts.transport, `chartroom/${VERSION}`);
    this.clock = opts.clock ?? Date.now;
  }

  get registry(): string {
    return this.opts.registry;
  }

  private debug(message: string): void {
    this.opts.log?.debug(`oci ${this.opts.registry}: ${message}`);
  }

  private creds(): Promise<FoundCredential | undefined> {
    this.credential ??= this.opts.credential().then((found) => {
      this.debug(found ? `credentials from ${found.source}` : 'no credentials configured');
      return found;
    });
    return this.credential;
  }

  /** The Authorization header for a Basic challenge, when there are credentials for it. */
  private basic(cred: RegistryCredential | undefined): string | undefined {
    return cred?.username !== undefined && cred.password !== undefined ? basicHeader(cred.username, cred.password) : undefined;
  }

  private async bearer(challenge: Challenge, scopes: string[], cred: RegistryCredential | undefined, purpose: Purpose): Promise<string> {
    const key = scopes.join(' ');
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.clock()) return cached.token;
    try {
      let request = this.pending.get(key);
      if (!request) {
        this.debug(`token for ${key || 'no scope'} from ${challenge.params.realm}${cred ? '' : ' (anonymous)'}`);
        request = fetchToken(this.transport, challenge, scopes, cred, this.clock()).finally(() => this.pending.delete(key));
        this.pending.set(key, request);
      }
      const token = await request;
      this.tokens.set(key, token);
      return token.token;
    } catch (e) {
      if (!(e instanceof TokenDenied)) throw e;
      const denied = e.status === 401 || e.status === 403;
      throw new ChartroomError(this.deniedCode(purpose, e.status), `${this.opts.registry}: ${cred ? 'the credentials were refused' : 'anonymous access was refused'} by the token service ${e.realm} (${e.status}: ${e.problem})`, {
        url: this.opts.registry,
        httpStatus: e.status,
        hint: denied ? (cred ? `check the user name and password: chart registry login ${this.opts.registry}` : `log in first: chart registry login ${this.opts.registry}`) : undefined,
      });
    }
  }

  private deniedCode(purpose: Purpose, status: number): ErrorCode {
    if (purpose === 'login') return 'REGISTRY_LOGIN_FAILED';
    if (purpose === 'push') return status === 403 ? 'PUBLISH_FORBIDDEN' : 'PUBLISH_UNAUTHORIZED';
    return 'FETCH_DENIED';
  }

  /**
   * Sends a request with whatever authentication the registry asked for before (Basic, or a cached token for
   * these scopes); on a 401 it answers the challenge once and sends the request again.
   */
  private async send(req: { method: HttpMethod; url: string; headers?: Record<string, string>; body?: Buffer | string; followRedirects?: boolean }, scopes: string[], purpose: Purpose, override?: RegistryCredential): Promise<Sent> {
    const cred = override ?? (await this.creds())?.credential;
    const wanted = mergeScopes(scopes);
    const auth = (): string | undefined => {
      if (this.scheme === 'basic') return this.basic(cred);
      if (this.scheme === 'bearer') {
        const t = this.tokens.get(wanted.join(' '));
        return t && t.expiresAt > this.clock() ? `Bearer ${t.token}` : undefined;
      }
      return undefined;
    };
    const go = (authorization: string | undefined) => this.transport.send({ ...req, headers: { ...req.headers, ...(authorization ? { Authorization: authorization } : {}) } });
    const first = auth();
    const res = await go(first);
    if (res.status !== 401) return { res, authorized: !!first };
    const challenge = pickChallenge(res.header('www-authenticate'));
    if (!challenge) return { res, authorized: !!first };
    if (challenge.scheme === 'basic') {
      const header = this.basic(cred);
      if (!header || first === header) return { res, authorized: !!first };
      await res.discard();
      this.scheme = 'basic';
      return { res: await go(header), authorized: true };
    }
    await res.discard();
    this.scheme = 'bearer';
    const scope = mergeScopes([...wanted, ...(challenge.params.scope ? [challenge.params.scope] : [])]);
    // The token just refused is stale (or too narrow): forget it under both keys before asking again.
    if (first) for (const k of [wanted.join(' '), scope.join(' ')]) this.tokens.delete(k);
    const token = await this.bearer(challenge, scope, cred, purpose);
    if (scope.join(' ') !== wanted.join(' ')) this.tokens.set(wanted.join(' '), this.tokens.get(scope.join(' '))!);
    return { res: await go(`Bearer ${token}`), authorized: !!cred };
  }

  /** A typed error for an answer that is not the one expected; the body's registry errors in the message. */
  private async failure(sent: Sent, what: string, purpose: Purpose): Promise<ChartroomError> {
    const { res } = sent;
    const problem = await registryProblem(res);
    const detail = problem ? `: ${problem}` : '';
    const url = res.url;
    if (res.status === 401 || res.status === 403) {
      const hint = sent.authorized && res.status === 401 ? `check the credentials: chart registry login ${this.opts.registry}` : res.status === 401 ? `log in first: chart registry login ${this.opts.registry}` : 'these credentials may not do this here';
      return new ChartroomError(this.deniedCode(purpose, res.status), `${what}: ${this.opts.registry} answered ${res.status}${detail}`, { url, httpStatus: res.status, hint });
    }
    if (res.status === 400 && /http request to an https server/i.test(problem)) {
      return new ChartroomError(purpose === 'push' ? 'PUBLISH_FAILED' : 'FETCH_FAILED', `${what}: ${this.opts.registry} speaks HTTPS, not plain HTTP`, { url, httpStatus: 400, hint: 'leave out --plain-http' });
    }
    const code: ErrorCode = purpose === 'push' ? (res.status === 413 ? 'PUBLISH_TOO_LARGE' : 'PUBLISH_FAILED') : purpose === 'login' ? 'REGISTRY_LOGIN_FAILED' : res.status === 404 ? 'CHART_NOT_FOUND' : 'FETCH_FAILED';
    return new ChartroomError(code, `${what}: ${this.opts.registry} answered ${res.status}${detail}`, { url, httpStatus: res.status });
  }

  private v2(repository: string, rest: string): string {
    return this.transport.url(`/v2/${repository}/${rest}`);
  }

  /**
   * Checks credentials the way `helm registry login` does: `GET /v2/`, then the challenge it answers with
   * (Basic, or a token from the realm). Resolves when the registry accepts them.
   */
  async checkLogin(cred: RegistryCredential): Promise<void> {
    const what = `logging in to ${this.opts.registry}`;
    const sent = await this.send({ method: 'GET', url: this.transport.url('/v2/') }, [], 'login', cred);
    if (sent.res.status === 200) {
      await sent.res.discard();
      return;
    }
    if (sent.res.status === 401) {
      const problem = await registryProblem(sent.res);
      throw new ChartroomError('REGISTRY_LOGIN_FAILED', `${what}: the registry refused the user name or password${problem ? ` (${problem})` : ''}`, { url: this.opts.registry, httpStatus: 401, hint: 'check them; nothing was saved' });
    }
    if (sent.res.status === 404) {
      await sent.res.discard();
      throw new ChartroomError('REGISTRY_LOGIN_FAILED', `${what}: ${this.transport.url('/v2/')} answered 404; this is not an OCI registry`, { url: this.opts.registry, httpStatus: 404 });
    }
    throw await this.failure(sent, what, 'login');
  }

  /** Whether a blob is in a repository already (`HEAD`), so a push can skip it. */
  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const sent = await this.send({ method: 'HEAD', url: this.v2(repository, `blobs/${digest}`), followRedirects: true }, [repositoryScope(repository, true)], 'push');
    await sent.res.discard();
    if (sent.res.status === 200) return true;
    if (sent.res.status === 404) return false;
    throw await this.failure(sent, `checking blob ${digest} in ${repository}`, 'push');
  }

  /** Uploads a blob in one piece: `POST …/blobs/uploads/`, then `PUT` to its Location with `?digest=`. */
  async pushBlob(repository: string, data: Buffer, digest: string): Promise<void> {
    const scopes = [repositoryScope(repository, true)];
    const what = `uploading ${digest} to ${this.opts.registry}/${repository}`;
    const start = await this.send({ method: 'POST', url: this.v2(repository, 'blobs/uploads/'), headers: { 'Content-Length': '0' } }, scopes, 'push');
    if (start.res.status !== 202) throw await this.failure(start, what, 'push');
    await start.res.discard();
    const location = start.res.header('location');
    if (!location) throw new ChartroomError('REGISTRY_PROTOCOL', `${what}: the registry started an upload without a Location`, { url: start.res.url });
    // The Location may be on another host (an upload service); the transport then leaves the credentials out.
    const target = new URL(location, start.res.url);
    target.searchParams.set('digest', digest);
    const put = await this.send({ method: 'PUT', url: target.toString(), headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(data.length) }, body: data }, scopes, 'push');
    if (put.res.status !== 201) throw await this.failure(put, what, 'push');
    await put.res.discard();
    const stored = put.res.header('docker-content-digest');
    if (stored && stored !== digest) throw new ChartroomError('DIGEST_MISMATCH', `${what}: the registry stored it as ${stored}`, { url: put.res.url });
  }

  /** Puts a manifest under a tag; resolves with the digest the registry gives it (checked against ours). */
  async pushManifest(repository: string, tag: string, bytes: Buffer, mediaType: string): Promise<string> {
    const digest = sha256(bytes);
    const what = `pushing the manifest of ${this.opts.registry}/${repository}:${tag}`;
    const sent = await this.send({ method: 'PUT', url: this.v2(repository, `manifests/${tag}`), headers: { 'Content-Type': mediaType, 'Content-Length': String(bytes.length) }, body: bytes }, [repositoryScope(repository, true)], 'push');
    if (sent.res.status !== 201 && sent.res.status !== 200) throw await this.failure(sent, what, 'push');
    await sent.res.discard();
    const stored = sent.res.header('docker-content-digest');
    if (stored && stored !== digest) throw new ChartroomError('DIGEST_MISMATCH', `${what}: the registry stored it as ${stored}, not ${digest}`, { url: sent.res.url });
    return digest;
  }

  /** The digest a tag points at (`HEAD` of the manifest); undefined when there is no such tag. */
  async manifestDigest(repository: string, tag: string, purpose: Purpose = 'pull'): Promise<string | undefined> {
    const sent = await this.send({ method: 'HEAD', url: this.v2(repository, `manifests/${tag}`), headers: { Accept: MANIFEST_ACCEPT } }, [repositoryScope(repository, purpose === 'push')], purpose);
    await sent.res.discard();
    if (sent.res.status === 404) return undefined;
    if (sent.res.status !== 200) throw await this.failure(sent, `looking up ${this.opts.registry}/${repository}:${tag}`, purpose);
    return sent.res.header('docker-content-digest');
  }

  /**
   * A manifest by tag or digest, verified: by digest, its bytes must hash to it; by tag, to the digest the
   * registry names in Docker-Content-Digest. Indexes are refused as "not a chart" by the caller.
   */
  async manifest(repository: string, reference: string): Promise<FetchedManifest> {
    const label = `${this.opts.registry}/${repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
    const sent = await this.send({ method: 'GET', url: this.v2(repository, `manifests/${reference}`), headers: { Accept: MANIFEST_ACCEPT } }, [repositoryScope(repository, false)], 'pull');
    if (sent.res.status === 404) {
      const problem = await registryProblem(sent.res);
      throw new ChartroomError('CHART_NOT_FOUND', `${label}: not found${problem ? ` (${problem})` : ''}`, { url: sent.res.url, httpStatus: 404, hint: reference.startsWith('sha256:') ? undefined : `the tags of ${repository} list its versions: chart pull oci://${this.opts.registry}/${repository} --version RANGE` });
    }
    if (sent.res.status !== 200) throw await this.failure(sent, label, 'pull');
    const bytes = await sent.res.read(MAX_MANIFEST_BYTES, label);
    const digest = sha256(bytes);
    const header = sent.res.header('docker-content-digest');
    const expected = DIGEST_RE.test(reference) ? reference : header && DIGEST_RE.test(header) ? header : undefined;
    if (expected && digestLike(bytes, expected) !== expected) {
      throw new ChartroomError('DIGEST_MISMATCH', `${label}: the manifest has digest ${digestLike(bytes, expected)}, but ${DIGEST_RE.test(reference) ? 'the reference' : 'the registry'} says ${expected}; nothing was written`, { url: sent.res.url, hint: 'the registry or something between you and it changed the manifest' });
    }
    let manifest: ImageManifest;
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as ImageManifest;
      if (!manifest || typeof manifest !== 'object') throw new Error('not an object');
    } catch (e) {
      throw new ChartroomError('REGISTRY_PROTOCOL', `${label}: the manifest is not JSON: ${(e as Error).message}`, { url: sent.res.url });
    }
    const contentType = sent.res.header('content-type')?.split(';')[0].trim();
    const mediaType = typeof manifest.mediaType === 'string' && manifest.mediaType ? manifest.mediaType : (contentType ?? '');
    return { bytes, digest, mediaType, manifest };
  }

  /**
   * A blob, verified against its descriptor: never more than its size, and its sha256 must be its digest.
   * Redirects (to the registry's storage) are followed without the credentials.
   */
  async blob(repository: string, desc: Descriptor, label: string, onBytes?: (total: number) => void): Promise<Buffer> {
    if (typeof desc.digest !== 'string' || !DIGEST_RE.test(desc.digest)) throw new ChartroomError('REGISTRY_PROTOCOL', `${label}: ${JSON.stringify(desc.digest)} is not a digest`);
    if (!Number.isSafeInteger(desc.size) || desc.size < 0) throw new ChartroomError('REGISTRY_PROTOCOL', `${label}: the manifest gives the blob a size of ${JSON.stringify(desc.size)}`);
    const sent = await this.send({ method: 'GET', url: this.v2(repository, `blobs/${desc.digest}`), followRedirects: true }, [repositoryScope(repository, false)], 'pull');
    if (sent.res.status !== 200) throw await this.failure(sent, `${label} (${desc.digest})`, 'pull');
    const data = await sent.res.read(desc.size, label, onBytes);
    const actual = digestLike(data, desc.digest);
    if (data.length !== desc.size || actual !== desc.digest) {
      throw new ChartroomError('DIGEST_MISMATCH', `${label}: ${this.opts.registry} sent ${data.length} bytes with digest ${actual}, but the manifest says ${desc.size} bytes with ${desc.digest}; nothing was written`, { url: sent.res.url, hint: 'the registry or something between you and it changed the blob' });
    }
    return data;
  }

  /**
   * Every tag of a repository (`GET /v2/NAME/tags/list`, following `Link: <…>; rel="next"` pages);
   * null when the registry has no such repository.
   */
  async tags(repository: string): Promise<string[] | null> {
    const size = this.opts.tagsPageSize;
    let url: string | undefined = this.v2(repository, `tags/list${size ? `?n=${size}` : ''}`);
    const seen = new Set<string>();
    const tags: string[] = [];
    for (let page = 0; url; page++) {
      if (page >= MAX_TAG_PAGES || seen.has(url)) throw new ChartroomError('REGISTRY_PROTOCOL', `listing the tags of ${this.opts.registry}/${repository}: the pages do not end`, { url });
      seen.add(url);
      const sent = await this.send({ method: 'GET', url }, [repositoryScope(repository, false)], 'pull');
      if (sent.res.status === 404) {
        await sent.res.discard();
        if (page === 0) return null;
        break;
      }
      if (sent.res.status !== 200) throw await this.failure(sent, `listing the tags of ${this.opts.registry}/${repository}`, 'pull');
      const text = (await sent.res.read(16 * 1024 * 1024, `tags of ${repository}`)).toString('utf8');
      let body: { tags?: unknown };
      try {
        body = JSON.parse(text) as { tags?: unknown };
      } catch {
        throw new ChartroomError('REGISTRY_PROTOCOL', `listing the tags of ${this.opts.registry}/${repository}: the answer is not JSON`, { url });
      }
      if (Array.isArray(body.tags)) for (const t of body.tags) if (typeof t === 'string') tags.push(t);
      const next = nextLink(sent.res.header('link'));
      url = next ? new URL(next, sent.res.url).toString() : undefined;
    }
    return tags;
  }
}

/**
 * The `rel="next"` target of a `Link` header (RFC 8288: `<url>; rel="next", <url>; rel="prev"`), read in
 * one pass.
 */
export function nextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  let i = 0;
  const s = header;
  while (i < s.length) {
    const open = s.indexOf('<', i);
    if (open < 0) return undefined;
    const close = s.indexOf('>', open + 1);
    if (close < 0) return undefined;
    const target = s.slice(open + 1, close);
    // Parameters run to the next "," outside quotes.
    let j = close + 1;
    let params = '';
    let quoted = false;
    for (; j < s.length; j++) {
      const c = s[j];
      if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) break;
      params += c;
    }
    for (const p of params.split(';')) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (key === 'rel' && value.split(/\s+/).includes('next')) return target;
    }
    i = j + 1;
  }
  return undefined;
}

/** Registry settings of one run: the transport flags, where credentials live, and tag paging. */
export interface OciSettings {
  transport: TransportSettings;
  /** Chartroom's credentials file (`registry/config.json` in the config folder). */
  credentialsFile: string;
  /** Docker's config.json, read for credentials and helpers. */
  dockerConfigFile?: string;
  /** `?n=` for tags/list. */
  tagsPageSize?: number;
  /** Timeout of a docker-credential helper, in milliseconds. */
  helperTimeoutMs?: number;
}

/** The registries of one action context: settings, credentials, and one client per registry (tokens shared). */
export interface OciAccess {
  readonly settings: OciSettings;
  readonly credentials: RegistryCredentialStore;
  /** The client for a registry host (`host[:port]`), the same one for the whole run. */
  client(registry: string): RegistryClient;
}

/** The options an action context is built with for registries (the flags and the environment give them). */
export interface OciOptions {
  transport?: TransportSettings;
  dockerConfigFile?: string;
  tagsPageSize?: number;
  helperTimeoutMs?: number;
}

/** Registry access for a context on this configuration folder. */
export function createOciAccess(configDir: string, opts: OciOptions = {}, log?: LogSink): OciAccess {
  const settings: OciSettings = {
    transport: { ...opts.transport },
    credentialsFile: join(configDir, 'registry', 'config.json'),
    dockerConfigFile: opts.dockerConfigFile,
    tagsPageSize: opts.tagsPageSize,
    helperTimeoutMs: opts.helperTimeoutMs,
  };
  const credentials = new RegistryCredentialStore({ file: settings.credentialsFile, dockerConfigFile: settings.dockerConfigFile, helperTimeoutMs: settings.helperTimeoutMs, warn: log?.warn.bind(log) });
  const clients = new Map<string, RegistryClient>();
  return {
    settings,
    credentials,
    client(registry) {
      let c = clients.get(registry);
      if (!c) clients.set(registry, (c = new RegistryClient({ registry, transport: settings.transport, credential: () => credentials.find(registry), log, tagsPageSize: settings.tagsPageSize })));
      return c;
    },
  };
}
