import { readFileSync } from 'node:fs';
import { tls } from '../builtin.js';
import type { Agent, request as undiciRequest } from 'undici';

/** The two parts of undici used here, loaded on first use. */
interface Undici {
  Agent: typeof Agent;
  request: typeof undiciRequest;
}
type UndiciResponse = Awaited<ReturnType<typeof undiciRequest>>;

/**
 * undici is loaded on the first registry request: most commands never talk to a registry. In the CLI it is a
 * bundle of its own beside the main one (dist/undici.cjs, see build.mjs); under ESM (tests) it is imported.
 */
async function loadUndici(): Promise<Undici> {
  return typeof require === 'function' ? (require('undici') as Undici) : ((await import('undici')) as Undici);
}
import { ChartroomError, describeSystemError } from '../errors.js';

/** How `chart` talks to a registry: the flags every registry command takes (helm's names). */
export interface TransportSettings {
  /** http:// instead of https:// (helm's --plain-http). */
  plainHttp?: boolean;
  /** Accept any certificate (helm's --insecure-skip-tls-verify). */
  insecureSkipTlsVerify?: boolean;
  /** PEM bundle of CAs trusted besides the system's (--ca-file). */
  caFile?: string;
  /** PEM client certificate and key (--cert-file, --key-file). */
  certFile?: string;
  keyFile?: string;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Follow redirects (GET and HEAD only): registries send blob downloads to their storage. */
  followRedirects?: boolean;
  /**
   * Send the Authorization header to this URL even though it is not the registry's (a token realm the
   * registry named); never to where a redirect leads.
   */
  authorizeOtherOrigin?: boolean;
}

/** A response whose body has not been read yet: read it (with a limit) or discard it. */
export interface HttpResponse {
  status: number;
  /** The URL that answered, after redirects. */
  url: string;
  /** A header's value (several values joined with ", "). */
  header(name: string): string | undefined;
  /** The body, refused once it grows past `limit` bytes; `onBytes` sees the running total. */
  read(limit: number, what: string, onBytes?: (total: number) => void): Promise<Buffer>;
  /** Drops the body (frees the connection). */
  discard(): Promise<void>;
}

const MAX_REDIRECTS = 10;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** TLS and connection errors of Node, with what a user can do about each. */
function describeNetworkError(e: unknown, host: string, settings: TransportSettings): ChartroomError {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause ?? (e as { code?: string; message?: string });
  const code = cause?.code ?? '';
  const text = cause?.message ?? (e as Error).message;
  let hint: string | undefined;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME/.test(code)) {
    hint = settings.caFile ? `the certificate of ${host} is not signed by a CA in ${settings.caFile}, or is not for this host name` : `give the registry's CA with --ca-file FILE, or (only for tests) --insecure-skip-tls-verify`;
  } else if (/WRONG_VERSION_NUMBER|EPROTO|ERR_SSL_PACKET_LENGTH_TOO_LONG/.test(code) || /wrong version number|packet length too long/.test(text)) {
    hint = `${host} may speak plain HTTP: add --plain-http`;
  } else if (/HANDSHAKE|ALERT|ECONNRESET/.test(code) || /alert|handshake/i.test(text) || (code === 'UND_ERR_SOCKET' && !settings.plainHttp)) {
    // TLS 1.3 servers that want a client certificate often just close the connection after the handshake.
    hint = settings.certFile ? `${host} refused the TLS connection; check --cert-file and --key-file` : `${host} refused the TLS connection; does it need a client certificate (--cert-file, --key-file)?`;
  } else if (code === 'ECONNREFUSED') {
    hint = `is a registry listening at ${host}?`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    hint = `check the host name ${host}`;
  }
  return new ChartroomError('FETCH_FAILED', `cannot reach ${host}: ${code ? `${code}: ` : ''}${text}`, { url: host, hint, cause: e });
}

function readPem(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw describeSystemError(e, file, { what: `file given to ${flag}`, field: flag });
  }
}

/**
 * HTTP to one registry through undici with the TLS settings of the flags. The registry's own origin gets the
 * client certificate and the Authorization header; a redirect to another origin (blob storage) gets neither.
 */
export class RegistryTransport {
  /** `https://host[:port]` (or http:// with --plain-http). */
  readonly base: string;
  private readonly origin: string;
  private agents?: { own: Agent; other: Agent };
  private undici?: Undici;

  constructor(
    readonly registry: string,
    private readonly settings: TransportSettings,
    private readonly userAgent: string,
  ) {
    this.base = `${settings.plainHttp ? 'http' : 'https'}://${registry}`;
    this.origin = new URL(this.base).origin;
  }

  private async dispatchers(): Promise<{ undici: Undici; own: Agent; other: Agent }> {
    const undici = (this.undici ??= await loadUndici());
    if (this.agents) return { undici, ...this.agents };
    const s = this.settings;
    if (!!s.certFile !== !!s.keyFile) throw new ChartroomError('FILE_NOT_FOUND', `--cert-file and --key-file go together (got only ${s.certFile ? '--cert-file' : '--key-file'})`, { hint: 'give both: the client certificate and its private key' });
    // `ca` replaces Node's trusted roots: keep them, so a redirect to public storage still verifies.
    const ca = s.caFile ? [...tls().rootCertificates, readPem(s.caFile, '--ca-file').toString('utf8')] : undefined;
    const trust = { ...(ca ? { ca } : {}), rejectUnauthorized: !s.insecureSkipTlsVerify, timeout: 30_000 };
    const own = new undici.Agent({ connect: { ...trust, ...(s.certFile ? { cert: readPem(s.certFile, '--cert-file'), key: readPem(s.keyFile!, '--key-file') } : {}) } });
    const other = new undici.Agent({ connect: trust });
    this.agents = { own, other };
    return { undici, own, other };
  }

  /** A URL on this registry (`/v2/…`), or a Location it answered, resolved against the registry. */
  url(pathOrUrl: string): string {
    return new URL(pathOrUrl, this.base).toString();
  }

  /** Whether a URL is on this registry (so it may see the credentials). */
  isOwn(url: string): boolean {
    return new URL(url).origin === this.origin;
  }

  /** Sends one request; follows redirects when asked, dropping Authorization on the way to another origin. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const { undici, own, other } = await this.dispatchers();
    let url = req.url;
    let headers: Record<string, string> = { 'User-Agent': this.userAgent, ...req.headers };
    for (let hop = 0; ; hop++) {
      const isOwn = this.isOwn(url);
      if (!isOwn && !(hop === 0 && req.authorizeOtherOrigin)) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
      let res: UndiciResponse;
      try {
        res = await undici.request(url, { method: req.method, headers, body: req.body, dispatcher: isOwn ? own : other });
      } catch (e) {
        throw describeNetworkError(e, new URL(url).host, this.settings);
      }
      const location = res.headers.location;
      if (req.followRedirects && REDIRECTS.has(res.statusCode) && typeof location === 'string' && (req.method === 'GET' || req.method === 'HEAD')) {
        await res.body.dump();
        if (hop >= MAX_REDIRECTS) throw new ChartroomError('REGISTRY_PROTOCOL', `${this.registry}: more than ${MAX_REDIRECTS} redirects from ${req.url}`, { url: req.url });
        url = new URL(location, url).toString();
        continue;
      }
      return wrap(res, url);
    }
  }
}

function wrap(res: UndiciResponse, url: string): HttpResponse {
  return {
    status: res.statusCode,
    url,
    header(name) {
      const v = res.headers[name.toLowerCase()];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    async read(limit, what, onBytes) {
      const chunks: Buffer[] = [];
      let total = 0;
      try {
        for await (const chunk of res.body) {
          total += (chunk as Buffer).length;
          if (total > limit) {
            res.body.destroy();
            throw new ChartroomError('REGISTRY_PROTOCOL', `${what}: ${url} sent more than ${limit} bytes; refused`, { url });
          }
          chunks.push(chunk as Buffer);
          onBytes?.(total);
        }
      } catch (e) {
        if (e instanceof ChartroomError) throw e;
        throw new ChartroomError('FETCH_FAILED', `${what}: reading ${url} failed: ${(e as Error).message}`, { url, cause: e });
      }
      return Buffer.concat(chunks);
    },
    async discard() {
      await res.body.dump().catch(() => undefined);
    },
  };
}
