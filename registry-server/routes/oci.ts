import { createHash } from 'node:crypto';
import { PassThrough, pipeline } from 'node:stream';
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { ChartroomError, hasCode } from '../../core/errors.js';
import { MEDIA_TYPE_INDEX, tagOf, versionOfTag } from '../../core/oci/format.js';
import { allowed, TooManyAttempts, Unauthorized, type Action, type Principal } from '../auth.js';
import { ServerBusy } from '../bcrypt-worker.js';
import { may, type AccessPolicy } from '../http.js';
import type { RegistryMetrics } from '../metrics.js';
import { chartCommitOf, MAX_MANIFEST_BYTES } from '../oci/manifests.js';
import { ociErrorHandler, sendOciError, sendSpecError } from '../oci/errors.js';
import { isSessionId, parseDigest, parseReference, parseRepositoryName, parseTarget, type OciRepository, type OciTarget } from '../oci/names.js';
import { grants, parseScopes, scopeText, TokenIssuer, type GrantedAccess, type TokenAction, type VerifiedToken } from '../oci/tokens.js';
import { hashing, MAX_PARTS, type UploadSession, type UploadSessions } from '../oci/uploads.js';
import { blobStorageKey, type ChartRegistry } from '../registry.js';
import { RangeNotSatisfiable, type ObjectStream } from '../storage/object-store.js';
import type { UploadBudget } from '../upload-budget.js';
import { ClientAborted, declaredLength, readRaw } from '../upload-body.js';
import { validHost } from './ops.js';

export interface OciRouterOptions {
  /** The largest blob (--max-upload-size), over all the chunks of an upload. */
  maxUploadBytes: number;
  /** Upload bytes held at once over all requests (shared with the ChartMuseum API). */
  budget: UploadBudget;
  uploads: UploadSessions;
  tokens: TokenIssuer;
  log: Logger;
  metrics: RegistryMetrics;
  /** Seconds a client told the budget is full should wait (Retry-After). */
  retryAfterSeconds?: number;
}

/** What a request needs: any caller (GET /v2/), the catalog, or an action on a repository (and, for a mount, reading another). */
type Need = { kind: 'base' } | { kind: 'catalog' } | { kind: 'repo'; target: OciRepository; action: Action; from?: OciRepository };

/** Who is calling: a principal (Basic, a tokens-file token, or the subject of one of our bearer tokens), and our token if that was it. */
interface Caller {
  principal?: Principal;
  token?: VerifiedToken;
}

const API_VERSION = 'registry/2.0';
const MAX_TOKEN_FORM = 64 * 1024;
const ZERO_LENGTH = { 'Content-Length': '0' };

/** A single byte range from a Range header; undefined (serve everything) when absent, several, or not understood. */
function parseRange(header: string | undefined): { start: number; end?: number } | { suffix: number } | undefined {
  if (!header || header.length > 100) return undefined;
  const m = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') return { suffix: Number(m[2]) };
  const start = Number(m[1]);
  const end = m[2] === '' ? undefined : Number(m[2]);
  return end !== undefined && end < start ? undefined : { start, end };
}

/** A Content-Range of a chunk: `START-END` as the spec writes it (also `bytes START-END[/*]`, as some clients send it). */
function parseContentRange(header: string | undefined): { start: number; end: number } | undefined | 'invalid' {
  if (header === undefined) return undefined;
  const m = /^(?:bytes[ =])?(\d{1,15})-(\d{1,15})(?:\/(?:\*|\d{1,15}))?$/.exec(header.trim());
  if (!m) return 'invalid';
  const start = Number(m[1]);
  const end = Number(m[2]);
  return end < start ? 'invalid' : { start, end };
}

/** The `Range` header of an upload's state: `0-<last byte>` (0-0 for nothing yet, as distribution writes it). */
const uploadRange = (size: number) => `0-${Math.max(0, size - 1)}`;

/**
 * The OCI distribution API (spec v1.1) over the registry's one chart store: `oci://HOST/NAME` is chart NAME of
 * the root repository, `oci://HOST/TENANT/NAME` chart NAME of a named one. A chart pushed here is in index.yaml
 * and the ChartMuseum API like any other, and a chart published any other way is pulled here by its tag (its
 * version, `+` written `_`) or its manifest's digest. Uploads are sessions in the object store (any replica can
 * continue one), manifests are accepted only when they are Helm charts, and auth is the distribution token
 * flow, with tokens this registry issues itself at /v2/token (plain Basic works too).
 */
export function ociRouter(registry: ChartRegistry, policy: AccessPolicy, opts: OciRouterOptions): Router {
  const r = Router();
  const { uploads, tokens, budget } = opts;
  const maxUpload = opts.maxUploadBytes;
  const retryAfter = opts.retryAfterSeconds ?? 5;
  const onError = ociErrorHandler(opts.log, opts.metrics);
  const configuredOrigin = (() => {
    const probe = registry.chartUrl('', 'x');
    return /^https?:\/\//.test(probe) ? new URL(probe).origin : undefined;
  })();
  const originOf = (req: Request) => configuredOrigin ?? `${req.protocol}://${validHost(req.headers.host) ?? 'localhost'}`;
  const logOf = (req: Request) => (req as Request & { log?: Logger }).log ?? opts.log;
  const clientOf = (req: Request) => req.ip ?? req.socket.remoteAddress;
  const queryOf = (req: Request) => new URL(req.originalUrl, 'http://x').searchParams;
  const anonymousMay = (action: Action) => (action === 'read' ? !policy.requireAuthForReads : policy.allowAnonymousWrite);

  // ---- auth ----

  const tokenAction = (action: Action): TokenAction => (action === 'read' ? 'pull' : 'push');

  /** Whether a caller may do an action on a repository: anonymously, by its token's grants, or by its principal's scopes. */
  function mayDo(caller: Caller, target: OciRepository, action: Action): boolean {
    if (anonymousMay(action)) return true;
    if (caller.token) return grants(caller.token, 'repository', target.name, tokenAction(action));
    return caller.principal !== undefined && allowed(caller.principal, target.repo, action);
  }

  function permitted(need: Need, caller: Caller): boolean {
    if (need.kind === 'base') return policy.auth.configured ? caller.principal !== undefined || caller.token !== undefined : !policy.requireAuthForReads;
    if (need.kind === 'catalog') return caller.principal !== undefined || anonymousMay('read');
    return mayDo(caller, need.target, need.action) && (!need.from || mayDo(caller, need.from, 'read'));
  }

  function scopeOf(need: Need): string | undefined {
    if (need.kind === 'base') return undefined;
    if (need.kind === 'catalog') return 'registry:catalog:*';
    const access = [{ type: 'repository', name: need.target.name, actions: need.action === 'read' ? ['pull'] : ['pull', 'push'] }];
    if (need.from && need.from.name !== need.target.name) access.push({ type: 'repository', name: need.from.name, actions: ['pull'] });
    return scopeText(access);
  }

  /** 401 with the challenge that sends clients to /v2/token for the scope this request needs (Basic when auth is off). */
  function challenge(req: Request, res: Response, need: Need, message: string, error?: string): false {
    if (!policy.auth.configured) res.setHeader('WWW-Authenticate', `Basic realm="${policy.realm}"`);
    else {
      const origin = originOf(req);
      const scope = scopeOf(need);
      res.setHeader('WWW-Authenticate', `Bearer realm="${origin}/v2/token",service="${new URL(origin).host}"${scope ? `,scope="${scope}"` : ''}${error ? `,error="${error}"` : ''}`);
    }
    sendOciError(res, 'UNAUTHORIZED', message);
    return false;
  }

  /** Answers 429/503 with Retry-After for a limited or busy login; false for other errors (the caller rethrows). */
  function answeredLimit(res: Response, e: unknown): boolean {
    if (!(e instanceof TooManyAttempts || e instanceof ServerBusy)) return false;
    res.setHeader('Retry-After', String(e.retryAfter));
    sendOciError(res, e.code, e.message, e.details);
    return true;
  }

  /** Who the caller is and whether it may do what it asks; answers 401/403/429/503 itself and returns false if not. */
  async function authorize(req: Request, res: Response, need: Need): Promise<Caller | false> {
    const caller: Caller = {};
    const header = req.headers.authorization;
    // Without users or tokens configured there is nobody to be: credentials are not looked at.
    if (policy.auth.configured && header) {
      const bearer = /^bearer\s+(\S+)\s*$/i.exec(header);
      try {
        if (bearer && TokenIssuer.isOurs(bearer[1])) {
          const verified = await tokens.verify(bearer[1]);
          if (verified === 'forged') policy.auth.failedToken(clientOf(req));
          if (verified === 'expired') return challenge(req, res, need, 'the token has expired; get a new one', 'invalid_token');
          caller.token = verified as VerifiedToken;
          caller.principal = caller.token.principal;
        } else caller.principal = await policy.auth.authenticate(header, clientOf(req), { tokenAsPassword: true });
      } catch (e) {
        if (answeredLimit(res, e)) return false;
        if (e instanceof Unauthorized) return challenge(req, res, need, 'invalid credentials', bearer ? 'invalid_token' : undefined);
        throw e;
      }
    }
    if (permitted(need, caller)) return caller;
    if (!caller.principal || caller.token) {
      const what = need.kind === 'repo' ? `${need.action === 'read' ? 'pulling from' : 'pushing to'} ${need.target.name}` : 'this registry';
      return challenge(req, res, need, caller.token ? `the token does not allow ${what}` : `${what} needs credentials`, caller.token ? 'insufficient_scope' : undefined);
    }
    const what = need.kind === 'repo' ? `${need.action === 'read' ? 'pull from' : 'push to'} ${need.target.name}` : 'list the catalog';
    sendOciError(res, 'FORBIDDEN', `${caller.principal.name} may not ${what}`);
    return false;
  }

  // ---- bodies ----

  /** The request's body as a stream for storage; a client that goes away mid-body fails it with ClientAborted. */
  function bodyOf(req: Request): PassThrough {
    const pass = new PassThrough();
    let received = 0;
    req.on('data', (c: Buffer) => (received += c.length));
    req.on('error', () => pass.destroy(new ClientAborted(received)));
    req.on('close', () => {
      if (!req.complete) pass.destroy(new ClientAborted(received));
    });
    req.pipe(pass);
    return pass;
  }

  /**
   * Receives a body of at most `max` bytes within the upload budget and hands it to `use` as a stream. The
   * bytes announced (or `max`, for a chunked body) are reserved first: 413 when the announced length is over
   * `max`, 503 with Retry-After when the budget is full, both without reading the body. Whatever `use` left
   * unread is discarded (and the connection closed after the answer).
   */
  async function withBody<T>(req: Request, res: Response, max: number, use: (body: AsyncIterable<Buffer>) => Promise<T>): Promise<T> {
    const declared = declaredLength(req);
    if (declared !== undefined && declared > max) {
      res.setHeader('Connection', 'close');
      throw new ChartroomError('UPLOAD_TOO_LARGE', `the upload is larger than the limit of ${maxUpload} bytes`);
    }
    const reservation = budget.tryReserve(declared ?? max);
    if (!reservation) {
      res.setHeader('Retry-After', String(retryAfter));
      res.setHeader('Connection', 'close');
      throw new ChartroomError('SERVER_BUSY', `the registry is receiving too many uploads at once; retry in ${retryAfter} seconds`);
    }
    const body = bodyOf(req);
    try {
      return await use(body);
    } catch (e) {
      if (!req.complete) {
        res.setHeader('Connection', 'close');
        req.unpipe(body);
        req.resume();
      }
      throw e;
    } finally {
      body.destroy();
      reservation.release();
    }
  }

  /** Whether a request carries a body (an announced length above 0, or a chunked one). */
  const hasBody = (req: Request) => (declaredLength(req) ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

  // ---- handlers ----

  const base = async (req: Request, res: Response) => {
    if ((await authorize(req, res, { kind: 'base' })) === false) return;
    res.type('application/json').send('{}');
  };

  /** GET /v2/token (Basic or anonymous) and POST /v2/token (OAuth2 password grant): a token for the granted subset of the scopes asked for. */
  const token = async (req: Request, res: Response) => {
    let header = req.headers.authorization;
    let requested: string[];
    const oauth = req.method === 'POST';
    if (oauth) {
      const form = new URLSearchParams(
        (
          await readRaw(req, MAX_TOKEN_FORM).catch((e: unknown) => {
            if (hasCode(e, 'UPLOAD_TOO_LARGE')) res.setHeader('Connection', 'close');
            throw e;
          })
        ).toString('utf8'),
      );
      if (form.get('grant_type') !== 'password') {
        return void res.status(400).json({ error: 'unsupported_grant_type', error_description: 'this registry takes the password grant (grant_type=password with username and password)' });
      }
      header = `Basic ${Buffer.from(`${form.get('username') ?? ''}:${form.get('password') ?? ''}`).toString('base64')}`;
      requested = [form.get('scope') ?? ''];
    } else requested = queryOf(req).getAll('scope');
    let principal: Principal | undefined;
    if (header) {
      try {
        principal = await policy.auth.authenticate(header, clientOf(req), { tokenAsPassword: true });
      } catch (e) {
        if (answeredLimit(res, e)) return;
        if (!(e instanceof Unauthorized)) throw e;
        if (oauth) return void res.status(401).json({ error: 'invalid_grant', error_description: 'invalid credentials' });
        res.setHeader('WWW-Authenticate', `Basic realm="${policy.realm}"`);
        return sendOciError(res, 'UNAUTHORIZED', 'invalid credentials');
      }
    }
    if (!principal && policy.requireAuthForReads && !policy.allowAnonymousWrite) {
      res.setHeader('WWW-Authenticate', `Basic realm="${policy.realm}"`);
      return sendOciError(res, 'UNAUTHORIZED', 'this registry needs credentials');
    }
    const access = grantScopes(requested, principal);
    const issued = await tokens.issue(principal, access);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ token: issued.token, access_token: issued.token, expires_in: issued.expiresIn, issued_at: issued.issuedAt, ...(oauth ? { scope: scopeText(access) } : {}) });
  };

  /** The subset of the requested scopes a caller may have: pull where it may read, push and delete where it may write. */
  function grantScopes(requested: string[], principal: Principal | undefined): GrantedAccess[] {
    const out = new Map<string, GrantedAccess>();
    for (const scope of parseScopes(requested)) {
      if (scope.type === 'registry' && scope.name === 'catalog') {
        if (scope.actions.includes('*') && (principal !== undefined || anonymousMay('read'))) out.set('registry\0catalog', { type: 'registry', name: 'catalog', actions: ['*'] });
        continue;
      }
      if (scope.type !== 'repository') continue;
      let target: OciRepository;
      try {
        target = parseRepositoryName(scope.name, false);
      } catch {
        continue;
      }
      const wanted = new Set<TokenAction>(scope.actions.flatMap((a): TokenAction[] => (a === '*' ? ['pull', 'push', 'delete'] : a === 'pull' || a === 'push' || a === 'delete' ? [a] : [])));
      const actions = [...wanted].filter((a) => may(policy, principal, target.repo, a === 'pull' ? 'read' : 'write'));
      if (actions.length === 0) continue;
      const key = `repository\0${target.name}`;
      const prev = out.get(key);
      out.set(key, { type: 'repository', name: target.name, actions: [...new Set([...(prev?.actions ?? []), ...actions])] });
    }
    return [...out.values()];
  }

  const catalog = async (req: Request, res: Response) => {
    const caller = await authorize(req, res, { kind: 'catalog' });
    if (caller === false) return;
    const q = queryOf(req);
    const names = registry.catalog((repo) => may(policy, caller.principal, repo, 'read')).filter((n) => {
      try {
        parseRepositoryName(n, false);
        return true;
      } catch {
        return false;
      }
    });
    const { page, next } = paginate(names, q);
    if (next !== undefined) res.setHeader('Link', `</v2/_catalog?n=${page.length}&last=${encodeURIComponent(next)}>; rel="next"`);
    res.json({ repositories: page });
  };

  /** `n` and `last` over a sorted list: the page, and the last name of it when more follow. */
  function paginate(list: string[], q: URLSearchParams): { page: string[]; next?: string } {
    const rawN = q.get('n');
    const n = rawN !== null && /^\d{1,9}$/.test(rawN) ? Number(rawN) : undefined;
    const last = q.get('last');
    let from = 0;
    if (last !== null) while (from < list.length && list[from] <= last) from++;
    const page = n === undefined ? list.slice(from) : list.slice(from, from + n);
    const more = n !== undefined && n > 0 && from + n < list.length;
    return { page, next: more ? page[page.length - 1] : undefined };
  }

  /** Whether a chart has a version in an existing repository. */
  const chartExists = (t: OciRepository) => registry.hasRepository(t.repo) && registry.readIndex(t.repo).has(t.chart);

  /** The chart's repository must exist for reads: NAME_UNKNOWN otherwise (a read never creates one). */
  function requireChart(t: OciRepository): void {
    const idx = registry.readIndex(t.repo);
    if (!idx.has(t.chart)) throw new ChartroomError('NAME_UNKNOWN', `repository ${t.name} is not known to this registry`, { hint: 'it exists once a version of the chart is pushed or published' });
  }

  /** Sends a blob (stored, or bytes computed here) with its digest, honouring a single Range (206, or 416 past the end). */
  async function sendBlob(req: Request, res: Response, t: OciTarget, hex: string): Promise<void> {
    const source = registry.blobSource(t.repo, hex);
    const sizeOf = async () => ('bytes' in source ? source.bytes.length : (await registry.store.head(source.key))?.size);
    const unknown = () => sendOciError(res, 'BLOB_UNKNOWN', `blob sha256:${hex} is not in ${t.name}`);
    const found = (status: number, length: number, range?: string) => {
      res.status(status);
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Docker-Content-Digest', `sha256:${hex}`);
      res.setHeader('ETag', `"sha256:${hex}"`);
      res.setHeader('Accept-Ranges', 'bytes');
      res.setHeader('Content-Length', String(Math.max(0, length)));
      if (range) res.setHeader('Content-Range', range);
    };
    if (req.method === 'HEAD') {
      const size = await sizeOf();
      if (size === undefined) return unknown();
      found(200, size);
      return void res.end();
    }
    let range = parseRange(req.headers.range);
    if (range && 'suffix' in range) {
      const size = await sizeOf();
      if (size === undefined) return unknown();
      if (range.suffix === 0 || size === 0) return unsatisfiable(res, size);
      range = { start: Math.max(0, size - range.suffix) };
    }
    if ('bytes' in source) {
      const size = source.bytes.length;
      if (range && range.start >= size) return unsatisfiable(res, size);
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? size - 1, size - 1);
      found(range ? 206 : 200, end - start + 1, range ? `bytes ${start}-${end}/${size}` : undefined);
      return void res.end(source.bytes.subarray(start, end + 1));
    }
    let stream: ObjectStream | undefined;
    try {
      stream = await registry.store.getStream(source.key, range);
    } catch (e) {
      if (e instanceof RangeNotSatisfiable) return unsatisfiable(res, e.size);
      throw e;
    }
    if (!stream) return unknown();
    found(range ? 206 : 200, stream.end - stream.start + 1, range ? `bytes ${stream.start}-${stream.end}/${stream.size}` : undefined);
    pipeline(stream.body, res, (err) => {
      // A client that goes away mid-download is not a fault; pipeline closes the storage stream either way.
      if (err) logOf(req).debug({ path: req.originalUrl.split('?')[0], err: { message: err.message } }, 'blob download ended early');
    });
  }

  function unsatisfiable(res: Response, size: number): void {
    res.setHeader('Content-Range', `bytes */${size}`);
    sendOciError(res, 'RANGE_NOT_SATISFIABLE', `the range is not satisfiable: the blob has ${size} bytes`);
  }

  const blob = async (req: Request, res: Response, t: OciTarget & { op: { kind: 'blob' } }) => {
    if (req.method === 'DELETE') {
      if ((await authorize(req, res, { kind: 'repo', target: t, action: 'write' })) === false) return;
      throw new ChartroomError('UNSUPPORTED', 'blobs are not deleted one by one here: delete the version (DELETE /v2/<name>/manifests/<reference>), and the blobs only it names go with it');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD, DELETE');
    const caller = await authorize(req, res, { kind: 'repo', target: t, action: 'read' });
    if (caller === false) return;
    const hex = parseDigest(t.op.digest);
    // A pusher sees what its repository's storage holds (so a push can skip what is there); a reader sees the
    // blobs of repositories that exist.
    if (!mayDo(caller, t, 'write')) requireChart(t);
    if (hex === undefined) return sendOciError(res, 'BLOB_UNKNOWN', `blob ${t.op.digest} is not in ${t.name}`);
    await sendBlob(req, res, t, hex);
  };

  const uploadHeaders = (res: Response, t: OciTarget, session: UploadSession) => {
    res.setHeader('Location', `/v2/${t.name}/blobs/uploads/${session.id}`);
    res.setHeader('Range', uploadRange(session.size));
    res.setHeader('Docker-Upload-UUID', session.id);
  };

  const created = (res: Response, t: OciTarget, hex: string) => {
    res.setHeader('Location', `/v2/${t.name}/blobs/sha256:${hex}`);
    res.setHeader('Docker-Content-Digest', `sha256:${hex}`);
    res.status(201).set(ZERO_LENGTH).end();
  };

  /** The hex sha256 the `digest` parameter names; DIGEST_INVALID when absent, malformed, or of another algorithm. */
  const wantedDigest = (q: URLSearchParams): string => {
    const raw = q.get('digest');
    if (raw === null) throw new ChartroomError('DIGEST_INVALID', 'the upload needs ?digest=sha256:<hex> to complete');
    const hex = parseDigest(raw);
    if (hex === undefined) throw new ChartroomError('DIGEST_INVALID', `this registry stores sha256 blobs, not ${raw.split(':')[0]}`);
    return hex;
  };

  /**
   * Appends what a request carries to a session: after a Content-Range check (416 out of order, 400 when the
   * body's length is not the range's), within the blob size limit (413). Returns the session, and the hex
   * digest of the body when it is the session's first and only part (so completing needs no second read).
   */
  async function receiveChunk(req: Request, res: Response, session: UploadSession): Promise<{ session: UploadSession; hex?: string }> {
    const range = parseContentRange(req.headers['content-range'] as string | undefined);
    if (range === 'invalid') throw new ChartroomError('BLOB_UPLOAD_INVALID', 'Content-Range must be START-END (inclusive byte offsets)');
    if (range && range.start !== session.size) {
      res.setHeader('Range', uploadRange(session.size));
      throw new ChartroomError('UPLOAD_OUT_OF_ORDER', `the chunk starts at ${range.start}, but the upload has ${session.size} bytes: chunks must come in order`);
    }
    const expected = range ? range.end - range.start + 1 : undefined;
    const declared = declaredLength(req);
    if (expected !== undefined && declared !== undefined && declared !== expected) throw new ChartroomError('SIZE_INVALID', `Content-Length ${declared} is not the length of Content-Range (${expected})`);
    const room = maxUpload - session.size;
    if (room <= 0 && hasBody(req)) {
      res.setHeader('Connection', 'close');
      throw new ChartroomError('UPLOAD_TOO_LARGE', `the blob is larger than the limit of ${maxUpload} bytes`);
    }
    const hash = session.parts.length === 0 ? createHash('sha256') : undefined;
    const limit = Math.min(room, expected ?? room);
    const next = await withBody(req, res, Math.max(0, room), async (body) => {
      try {
        return await uploads.append(session, hash ? hashing(body, hash) : body, limit);
      } catch (e) {
        if (hasCode(e, 'UPLOAD_TOO_LARGE') && expected !== undefined && expected < room) throw new ChartroomError('SIZE_INVALID', `the chunk is longer than its Content-Range (${expected} bytes)`);
        if (hasCode(e, 'UPLOAD_TOO_LARGE')) throw new ChartroomError('UPLOAD_TOO_LARGE', `the blob is larger than the limit of ${maxUpload} bytes`);
        throw e;
      }
    });
    if (expected !== undefined && next.size - session.size !== expected) {
      // Only a chunk this request stored goes (an empty one stored nothing).
      if (next.parts.length > session.parts.length) await uploads.dropLast(next);
      throw new ChartroomError('SIZE_INVALID', `the chunk has ${next.size - session.size} bytes, not the ${expected} its Content-Range says`);
    }
    return { session: next, hex: hash && next.parts.length <= 1 ? hash.digest('hex') : undefined };
  }

  const startUpload = async (req: Request, res: Response, t: OciTarget) => {
    const q = queryOf(req);
    const mount = q.get('mount');
    const fromName = q.get('from');
    let from: OciRepository | undefined;
    if (mount !== null) {
      try {
        from = fromName === null ? t : parseRepositoryName(fromName, false);
      } catch {
        from = undefined;
      }
    }
    const caller = await authorize(req, res, { kind: 'repo', target: t, action: 'write', from });
    if (caller === false) return;
    // A cross-repository mount, within what the caller may read (the blobs of a chart that exists there, or of
    // any name where it may push, as for blob reads): done (201), or an ordinary session (202).
    if (mount !== null && from && (mayDo(caller, from, 'write') || chartExists(from))) {
      const hex = (() => {
        try {
          return parseDigest(mount);
        } catch {
          return undefined;
        }
      })();
      if (hex !== undefined && (await mountBlob(from, t, hex))) return created(res, t, hex);
    }
    const digest = q.get('digest');
    if (digest !== null) {
      // A monolithic upload in one request.
      const hex = wantedDigest(q);
      const session = uploads.transient(t.repo, t.chart);
      try {
        const got = await receiveChunk(req, res, session);
        await uploads.complete(got.session, hex, blobStorageKey(t.repo, hex), got.hex);
      } catch (e) {
        await uploads.cancel(session.id).catch(() => undefined);
        throw e;
      }
      return created(res, t, hex);
    }
    const session = await uploads.start(t.repo, t.chart);
    uploadHeaders(res, t, session);
    // A session takes at most MAX_PARTS chunks: chunks of this size reach the blob size limit within them.
    res.setHeader('OCI-Chunk-Min-Length', String(Math.ceil(maxUpload / MAX_PARTS)));
    res.status(202).set(ZERO_LENGTH).end();
  };

  /** Makes a blob of one repository a blob of another (a copy inside the store); false when the source has no such blob. */
  async function mountBlob(from: OciRepository, to: OciTarget, hex: string): Promise<boolean> {
    if (!registry.hasRepository(from.repo)) return false;
    const target = blobStorageKey(to.repo, hex);
    if (from.repo === to.repo && (await registry.store.head(target))) return true;
    const source = registry.blobSource(from.repo, hex);
    if ('bytes' in source) {
      await registry.store.put(target, source.bytes, { contentType: 'application/octet-stream' });
      return true;
    }
    if (await registry.store.head(target)) return true;
    return (await registry.store.copy(source.key, target, { contentType: 'application/octet-stream' })) !== undefined;
  }

  const session = async (req: Request, res: Response, t: OciTarget, id: string) => {
    if ((await authorize(req, res, { kind: 'repo', target: t, action: 'write' })) === false) return;
    const unknown = () => sendOciError(res, 'BLOB_UPLOAD_UNKNOWN', `upload ${id.slice(0, 64)} is not known (it expired, completed or was cancelled)`);
    if (!isSessionId(id)) return unknown();
    if (req.method === 'DELETE') {
      const found = await uploads.get(id, t.repo, t.chart);
      if (!found) return unknown();
      await uploads.cancel(id);
      return void res.status(204).end();
    }
    const found = await uploads.get(id, t.repo, t.chart);
    if (!found) return unknown();
    if (req.method === 'GET') {
      uploadHeaders(res, t, found);
      return void res.status(204).end();
    }
    if (req.method === 'PATCH') {
      const { session: next } = await receiveChunk(req, res, found);
      uploadHeaders(res, t, next);
      return void res.status(202).set(ZERO_LENGTH).end();
    }
    if (req.method === 'PUT') {
      const hex = wantedDigest(queryOf(req));
      let current = found;
      let known: string | undefined;
      if (hasBody(req) || req.headers['content-range'] !== undefined) {
        const got = await receiveChunk(req, res, found);
        current = got.session;
        known = got.hex;
      }
      // Several chunks pass through this process once more (digest, then one blob): their bytes count as in
      // flight. When they do not fit, the session stays as it is and the client may retry.
      const reservation = current.parts.length > 1 ? budget.tryReserve(Math.min(current.size, maxUpload)) : { release: () => undefined };
      if (!reservation) {
        res.setHeader('Retry-After', String(retryAfter));
        throw new ChartroomError('SERVER_BUSY', `the registry is receiving too many uploads at once; retry in ${retryAfter} seconds`);
      }
      try {
        await uploads.complete(current, hex, blobStorageKey(t.repo, hex), known);
      } finally {
        reservation.release();
      }
      return created(res, t, hex);
    }
    methodNotAllowed(res, 'GET, PATCH, PUT, DELETE');
  };

  const manifest = async (req: Request, res: Response, t: OciTarget & { op: { kind: 'manifest' } }) => {
    const write = req.method === 'PUT' || req.method === 'DELETE';
    if (!write && req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD, PUT, DELETE');
    if ((await authorize(req, res, { kind: 'repo', target: t, action: write ? 'write' : 'read' })) === false) return;
    const ref = parseReference(t.op.reference);
    if (req.method === 'PUT') return putManifest(req, res, t, ref);
    const unknown = () => sendOciError(res, 'MANIFEST_UNKNOWN', `manifest ${t.op.reference.slice(0, 140)} is not in ${t.name}`);
    requireChart(t);
    if (!ref || (ref.digest === undefined && ref.tag === undefined)) return unknown();
    const version = ref.tag !== undefined ? versionOfTag(ref.tag) : registry.versionOfManifest(t.repo, t.chart, ref.digest!);
    const oci = version === undefined ? undefined : registry.manifestOf(t.repo, t.chart, version);
    if (!oci || version === undefined) return unknown();
    if (req.method === 'DELETE') {
      // The version goes, as with DELETE /api/charts/<name>/<version>: its record, then the blobs only it named.
      await registry.delete(t.repo, t.chart, version);
      return void res.status(202).set(ZERO_LENGTH).end();
    }
    res.setHeader('Docker-Content-Digest', `sha256:${oci.manifest}`);
    res.setHeader('ETag', `"sha256:${oci.manifest}"`);
    res.type(oci.mediaType);
    if (req.method === 'HEAD') {
      res.setHeader('Content-Length', String(oci.size));
      return void res.status(200).end();
    }
    const found = await registry.manifestBytes(t.repo, t.chart, version);
    if (!found) {
      logOf(req).warn({ name: t.name, version }, 'a version names a manifest that is not in storage');
      return unknown();
    }
    res.setHeader('Content-Length', String(found.bytes.length));
    res.end(found.bytes);
  };

  async function putManifest(req: Request, res: Response, t: OciTarget, ref: ReturnType<typeof parseReference>): Promise<void> {
    if (!ref) throw new ChartroomError('MANIFEST_INVALID', 'push a manifest by tag (the chart version, "+" written "_") or by sha256 digest');
    if (ref.tag === undefined && ref.digest === undefined) throw new ChartroomError('UNSUPPORTED', 'this registry stores manifests by sha256 digest');
    const declared = declaredLength(req);
    if (declared !== undefined && declared > MAX_MANIFEST_BYTES) {
      res.setHeader('Connection', 'close');
      throw new ChartroomError('MANIFEST_TOO_LARGE', `the manifest is larger than the limit of ${MAX_MANIFEST_BYTES} bytes`);
    }
    // Bounded before anything is parsed: at most 4 MiB, read within the upload budget.
    const bytes = await withBody(req, res, MAX_MANIFEST_BYTES, async (body) => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of body) {
        size += c.length;
        if (size > MAX_MANIFEST_BYTES) throw new ChartroomError('MANIFEST_TOO_LARGE', `the manifest is larger than the limit of ${MAX_MANIFEST_BYTES} bytes`);
        chunks.push(c);
      }
      return Buffer.concat(chunks, size);
    });
    const hex = createHash('sha256').update(bytes).digest('hex');
    if (ref.digest !== undefined && ref.digest !== hex) throw new ChartroomError('DIGEST_INVALID', `the manifest's digest is sha256:${hex}, not ${t.op.kind === 'manifest' ? t.op.reference : ''}`);
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim() || undefined;
    const commit = await chartCommitOf(registry.store, { bytes, contentType, repo: t.repo, chart: t.chart, tag: ref.tag, maxArchiveBytes: maxUpload });
    const version = commit.metadata.version;
    const extraTags = queryOf(req).getAll('tag');
    for (const tag of extraTags) if (tag !== tagOf(version)) throw new ChartroomError('MANIFEST_INVALID', `tag ${JSON.stringify(tag.slice(0, 130))} is not the chart's version ${JSON.stringify(version)}`, { hint: 'a chart is tagged with its version ("+" written "_")' });
    await registry.publishManifest(commit);
    if (commit.manifest.subject) res.setHeader('OCI-Subject', commit.manifest.subject);
    if (extraTags.length) res.setHeader('OCI-Tag', tagOf(version));
    res.setHeader('Location', `/v2/${t.name}/manifests/sha256:${hex}`);
    res.setHeader('Docker-Content-Digest', `sha256:${hex}`);
    res.status(201).set(ZERO_LENGTH).end();
  }

  const tags = async (req: Request, res: Response, t: OciTarget) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
    if ((await authorize(req, res, { kind: 'repo', target: t, action: 'read' })) === false) return;
    requireChart(t);
    const q = queryOf(req);
    const rawN = q.get('n');
    const n = rawN !== null && /^\d{1,9}$/.test(rawN) ? Number(rawN) : undefined;
    const page = registry.readIndex(t.repo).tagPage(t.chart, { n, last: q.get('last') ?? undefined });
    if (page.more && page.tags.length) res.setHeader('Link', `</v2/${t.name}/tags/list?n=${n}&last=${encodeURIComponent(page.tags[page.tags.length - 1])}>; rel="next"`);
    res.json({ name: t.name, tags: page.tags });
  };

  const referrers = async (req: Request, res: Response, t: OciTarget & { op: { kind: 'referrers' } }) => {
    if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
    if ((await authorize(req, res, { kind: 'repo', target: t, action: 'read' })) === false) return;
    const hex = parseDigest(t.op.digest);
    requireChart(t);
    const wanted = queryOf(req).get('artifactType');
    const found = hex === undefined ? [] : registry.referrers(t.repo, t.chart, `sha256:${hex}`).filter((r) => wanted === null || r.artifactType === wanted);
    const manifests = [];
    for (const ref of found) {
      const m = await registry.manifestBytes(t.repo, t.chart, ref.version);
      let annotations: Record<string, string> | undefined;
      try {
        annotations = m ? (JSON.parse(m.bytes.toString('utf8')) as { annotations?: Record<string, string> }).annotations : undefined;
      } catch {
        annotations = undefined;
      }
      manifests.push({ mediaType: ref.mediaType, digest: `sha256:${ref.hex}`, size: ref.size, ...(ref.artifactType ? { artifactType: ref.artifactType } : {}), ...(annotations ? { annotations } : {}) });
    }
    if (wanted !== null) res.setHeader('OCI-Filters-Applied', 'artifactType');
    // The spec's media type with no parameters (send would add a charset to a string).
    res.setHeader('Content-Type', MEDIA_TYPE_INDEX);
    res.end(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_INDEX, manifests })));
  };

  function methodNotAllowed(res: Response, allow: string): void {
    res.setHeader('Allow', allow);
    sendSpecError(res, 405, 'UNSUPPORTED', `this endpoint takes ${allow}`);
  }

  const handle = async (req: Request, res: Response): Promise<void> => {
    res.setHeader('Docker-Distribution-API-Version', API_VERSION);
    const path = req.path;
    const label = (l: string) => ((res.locals as { route?: string }).route = `/v2${l}`);
    if (path === '/' || path === '') {
      label('/');
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
      return base(req, res);
    }
    if (path === '/token') {
      label('/token');
      if (req.method !== 'GET' && req.method !== 'POST') return methodNotAllowed(res, 'GET, POST');
      return token(req, res);
    }
    if (path === '/_catalog') {
      label('/_catalog');
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      return catalog(req, res);
    }
    const forWrite = req.method !== 'GET' && req.method !== 'HEAD';
    const t = parseTarget(path.slice(1), forWrite);
    switch (t.op.kind) {
      case 'blob':
        label('/<name>/blobs/<digest>');
        return blob(req, res, t as OciTarget & { op: { kind: 'blob' } });
      case 'uploads':
        if (t.op.session === undefined) {
          label('/<name>/blobs/uploads/');
          if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
          return startUpload(req, res, t);
        }
        label('/<name>/blobs/uploads/<session>');
        return session(req, res, t, t.op.session);
      case 'manifest':
        label('/<name>/manifests/<reference>');
        return manifest(req, res, t as OciTarget & { op: { kind: 'manifest' } });
      case 'tags':
        label('/<name>/tags/list');
        return tags(req, res, t);
      case 'referrers':
        label('/<name>/referrers/<digest>');
        return referrers(req, res, t as OciTarget & { op: { kind: 'referrers' } });
    }
  };

  r.use('/v2', (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof ClientAborted) {
        logOf(req).warn({ method: req.method, path: req.originalUrl.split('?')[0], received: err.received }, err.message);
        return;
      }
      // Refused before its body was read (a chunk out of order, a name or digest that is wrong): the rest of the
      // body is not worth receiving.
      if (!req.complete && hasBody(req) && !res.headersSent) {
        res.setHeader('Connection', 'close');
        req.resume();
      }
      onError(err, req, res);
    });
  });
  return r;
}
