import type { KubeConfig } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { ChartroomError, type ErrorCode } from '../errors.js';
import { VERSION } from '../version.js';
import { loadKubeTarget, type KubeConfigOptions } from './kubeconfig.js';
import type { ApplyOptions, KubeClient, KubeObject, ResourceInfo } from './types.js';

export type { KubeConfigOptions } from './kubeconfig.js';

export interface KubeClientOptions extends KubeConfigOptions {
  /** Give up on one request after this long (default 30 s): the server counts as unreachable. */
  requestTimeoutMs?: number;
  /** Where discovery is kept between commands (as kubectl's discovery cache), keyed by server. */
  discoveryCache?: DiscoveryCache;
}

/** What discovery found, as kept between commands. */
export interface DiscoverySnapshot {
  /** When it was taken (ms since the epoch). */
  at: number;
  version: { gitVersion: string; major: string; minor: string };
  groupVersions: string[];
  resources: Record<string, { name: string; kind: string; namespaced: boolean }[] | null>;
}

/** A place to keep discovery: read gives undefined when there is nothing (or it is stale). */
export interface DiscoveryCache {
  read(server: string): DiscoverySnapshot | undefined;
  write(server: string, snapshot: DiscoverySnapshot): void;
}

/** A field another manager owns, from a refused server-side apply. */
export interface ApplyConflict {
  /** The field path as the server names it (`.spec.replicas`). */
  field: string;
  /** The field manager that owns it. */
  manager: string;
  /** The server's own words (`conflict with "kubectl" using apps/v1`). */
  detail: string;
}

/** KUBE_APPLY_CONFLICT: server-side apply refused fields other managers own; `conflicts` lists them. */
export class KubeApplyConflictError extends ChartroomError {
  constructor(
    message: string,
    readonly conflicts: ApplyConflict[],
    url?: string,
  ) {
    super('KUBE_APPLY_CONFLICT', message, { url, httpStatus: 409, field: conflicts[0]?.field, hint: 'apply with force (--force-conflicts) to take these fields over' });
  }
}

/**
 * A client for one kubeconfig context: kubeconfig loading and authentication (tokens, client certificates,
 * exec plugins, in-cluster service accounts) come from @kubernetes/client-node, as kubectl does them; the
 * REST calls are made here. Throws KUBECONFIG when the kubeconfig cannot be used.
 */
export function loadKubeClient(opts: KubeClientOptions): KubeClient {
  const target = loadKubeTarget(opts);
  const client = new RestKubeClient(target.config, target.context, target.server, target.namespace, opts.requestTimeoutMs ?? 30_000);
  if (opts.discoveryCache) client.useDiscoveryCache(opts.discoveryCache);
  return client;
}

/** The Status object the API server answers errors with. */
interface KubeStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

interface APIResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** What a request is, for messages: `APPLY Deployment/web in namespace shop`. */
interface Operation {
  verb: 'GET' | 'LIST' | 'CREATE' | 'REPLACE' | 'APPLY' | 'DELETE';
  what: string;
}

interface Response {
  status: number;
  body: unknown;
  text: string;
}

/** `v1`, `apps/v1`, `example.com/v1alpha1`: nothing that could change the URL's shape. */
const API_VERSION = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED', 'EADDRNOTAVAIL']);

class RestKubeClient implements KubeClient {
  // Private fields stay out of util.inspect and JSON: the config holds tokens and keys.
  readonly #kc: KubeConfig;
  readonly #timeoutMs: number;
  readonly #proxied: boolean;
  #agent?: { key: string; agent: http.Agent };
  #version?: Promise<{ gitVersion: string; major: string; minor: string }>;
  #groupVersions?: Promise<string[]>;
  /** Each group/version's resources; null when the server does not serve the group/version. */
  #resources = new Map<string, Promise<APIResource[] | null>>();

  constructor(
    kc: KubeConfig,
    readonly context: string,
    readonly server: string,
    readonly namespace: string,
    timeoutMs: number,
  ) {
    this.#kc = kc;
    this.#timeoutMs = timeoutMs;
    this.#proxied = Boolean(kc.getCurrentCluster()?.proxyUrl);
  }

  serverVersion(): Promise<{ gitVersion: string; major: string; minor: string }> {
    this.#version ??= this.#discover('/version').then((r) => {
      const v = (r.body ?? {}) as { gitVersion?: string; major?: string; minor?: string };
      if (!v.gitVersion) throw this.#error('KUBE_ERROR', { verb: 'GET', what: '/version' }, 'the server answered without a gitVersion');
      return { gitVersion: v.gitVersion, major: v.major ?? '', minor: v.minor ?? '' };
    });
    const version = this.#version;
    return this.#forgetOnFailure(version, () => {
      if (this.#version === version) this.#version = undefined;
    });
  }

  #discoveryCache: DiscoveryCache | undefined;

  /** Starts from discovery kept by an earlier command, and keeps what this one finds. */
  useDiscoveryCache(cache: DiscoveryCache): void {
    this.#discoveryCache = cache;
    const snap = cache.read(this.server);
    if (!snap) return;
    this.#version = Promise.resolve(snap.version);
    this.#groupVersions = Promise.resolve(snap.groupVersions);
    for (const [gv, list] of Object.entries(snap.resources)) this.#resources.set(gv, Promise.resolve(list));
  }

  async apiVersions(): Promise<string[]> {
    const groupVersions = await this.#listGroupVersions();
    const lists = await Promise.all(
      // An aggregated API that is down fails its own discovery; the other groups still count (as Helm does).
      groupVersions.map((gv) => this.#resourceList(gv).catch(() => null)),
    );
    if (this.#discoveryCache && this.#version) {
      const version = await this.#version.catch(() => undefined);
      const resources: DiscoverySnapshot['resources'] = Object.create(null);
      groupVersions.forEach((gv, i) => (resources[gv] = lists[i]?.map((r) => ({ name: r.name, kind: r.kind, namespaced: r.namespaced })) ?? null));
      if (version) this.#discoveryCache.write(this.server, { at: Date.now(), version, groupVersions, resources });
    }
    const out = new Set<string>();
    groupVersions.forEach((gv, i) => {
      out.add(gv);
      for (const r of lists[i] ?? []) if (!r.name.includes('/')) out.add(`${gv}/${r.kind}`);
    });
    return [...out];
  }

  /** Forgets what discovery found, e.g. after CRDs were installed. */
  refreshDiscovery(): void {
    this.#version = undefined;
    this.#groupVersions = undefined;
    this.#resources.clear();
  }

  resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo> {
    return this.#resolve(undefined, apiVersion, kind);
  }

  /** Discovery for one kind; when it fails for an operation, the error names the operation first. */
  async #resolve(op: Operation | undefined, apiVersion: string, kind: string): Promise<ResourceInfo> {
    try {
      if (!API_VERSION.test(apiVersion) || !KIND.test(kind)) {
        throw new ChartroomError('KUBE_UNKNOWN_KIND', this.#message(undefined, `"${apiVersion}" "${kind}" is not an apiVersion and kind`));
      }
      const { group, version } = splitApiVersion(apiVersion);
      const find = (list: APIResource[] | null) => list?.find((r) => r.kind === kind && !r.name.includes('/'));
      const cached = this.#resources.has(apiVersion);
      let found = find(await this.#resourceList(apiVersion));
      if (!found && cached) {
        // Discovery may predate a CRD installed since: look once more before calling the kind unknown.
        this.#resources.delete(apiVersion);
        this.#groupVersions = undefined;
        found = find(await this.#resourceList(apiVersion));
      }
      if (found) return { group, version, kind, plural: found.name, namespaced: found.namespaced };
      throw await this.#unknownKind(apiVersion, kind);
    } catch (e) {
      if (!op || !(e instanceof ChartroomError)) throw e;
      throw new ChartroomError(e.code, `${op.verb} ${op.what}: ${e.message}`, e.details);
    }
  }

  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    const r = await this.#resolve({ verb: 'GET', what: `${kind}/${name}` }, apiVersion, kind);
    const ns = this.#namespaceOf(r, namespace);
    const op: Operation = { verb: 'GET', what: describe(kind, name, ns) };
    const res = await this.#call(op, 'GET', resourcePath(r, ns, name));
    if (res.status === 404) return undefined;
    return this.#expect(op, res, [200]) as KubeObject;
  }

  async list(apiVersion: string, kind: string, namespace: string | undefined, opts: { labelSelector?: string } = {}): Promise<KubeObject[]> {
    const r = await this.#resolve({ verb: 'LIST', what: kind }, apiVersion, kind);
    const ns = r.namespaced ? namespace : undefined;
    const op: Operation = { verb: 'LIST', what: `${kind}${ns ? ` in namespace ${ns}` : r.namespaced ? ' in all namespaces' : ''}${opts.labelSelector ? ` with labels ${opts.labelSelector}` : ''}` };
    const items: KubeObject[] = [];
    let next: string | undefined;
    do {
      const query: Record<string, string> = { limit: '500' };
      if (opts.labelSelector) query.labelSelector = opts.labelSelector;
      if (next) query.continue = next;
      const res = await this.#call(op, 'GET', resourcePath(r, ns), { query });
      const page = this.#expect(op, res, [200]) as { items?: KubeObject[]; metadata?: { continue?: string } };
      // Items of a list carry no apiVersion and kind of their own.
      for (const item of page.items ?? []) items.push({ ...item, apiVersion, kind });
      next = page.metadata?.continue || undefined;
    } while (next);
    return items;
  }

  async create(obj: KubeObject, opts: { dryRun?: boolean } = {}): Promise<KubeObject> {
    const r = await this.#resolve({ verb: 'CREATE', what: `${obj.kind}/${obj.metadata?.name ?? ''}` }, obj.apiVersion, obj.kind);
    const ns = this.#namespaceOf(r, obj.metadata?.namespace);
    const name = obj.metadata?.name || (typeof obj.metadata?.generateName === 'string' ? `${obj.metadata.generateName}*` : '');
    const op: Operation = { verb: 'CREATE', what: describe(obj.kind, name, ns) };
    if (!name) throw this.#error('KUBE_INVALID', op, 'the object has neither metadata.name nor metadata.generateName');
    const res = await this.#call(op, 'POST', resourcePath(r, ns), { query: opts.dryRun ? { dryRun: 'All' } : {}, body: bodyFor(obj, r) });
    return this.#expect(op, res, [200, 201, 202]) as KubeObject;
  }

  async replace(obj: KubeObject): Promise<KubeObject> {
    const { r, ns, op } = await this.#target('REPLACE', obj);
    const res = await this.#call(op, 'PUT', resourcePath(r, ns, obj.metadata.name), { body: bodyFor(obj, r) });
    return this.#expect(op, res, [200, 201]) as KubeObject;
  }

  async apply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject> {
    const { r, ns, op } = await this.#target('APPLY', obj);
    const query: Record<string, string> = { fieldManager: opts.fieldManager, force: String(Boolean(opts.force)) };
    if (opts.dryRun) query.dryRun = 'All';
    const body = bodyFor(obj, r);
    // The server refuses an apply that carries managedFields; they are the server's record, not intent.
    delete (body.metadata as Record<string, unknown>).managedFields;
    // JSON is YAML, so the apply-patch+yaml content type takes the object as it is.
    const res = await this.#call(op, 'PATCH', resourcePath(r, ns, obj.metadata.name), { query, body, contentType: 'application/apply-patch+yaml' });
    return this.#expect(op, res, [200, 201], opts.fieldManager) as KubeObject;
  }

  async delete(apiVersion: string, kind: string, name: string, namespace?: string, opts: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' } = {}): Promise<boolean> {
    const r = await this.#resolve({ verb: 'DELETE', what: `${kind}/${name}` }, apiVersion, kind);
    const ns = this.#namespaceOf(r, namespace);
    const op: Operation = { verb: 'DELETE', what: describe(kind, name, ns) };
    const res = await this.#call(op, 'DELETE', resourcePath(r, ns, name), { query: opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {} });
    if (res.status === 404) return false;
    this.#expect(op, res, [200, 202]);
    return true;
  }

  async #target(verb: Operation['verb'], obj: KubeObject): Promise<{ r: ResourceInfo; ns: string | undefined; op: Operation }> {
    const r = await this.#resolve({ verb, what: `${obj.kind}/${obj.metadata?.name ?? ''}` }, obj.apiVersion, obj.kind);
    const ns = this.#namespaceOf(r, obj.metadata?.namespace);
    const op: Operation = { verb, what: describe(obj.kind, obj.metadata?.name ?? '', ns) };
    if (!obj.metadata?.name) throw this.#error('KUBE_INVALID', op, 'the object has no metadata.name');
    return { r, ns, op };
  }

  #namespaceOf(r: ResourceInfo, namespace: string | undefined): string | undefined {
    return r.namespaced ? namespace || this.namespace : undefined;
  }

  // ---- discovery

  #listGroupVersions(): Promise<string[]> {
    this.#groupVersions ??= (async () => {
      const [core, groups] = await Promise.all([this.#discover('/api'), this.#discover('/apis')]);
      const out = [...(((core.body as { versions?: string[] }).versions ?? []) as string[])];
      for (const g of (groups.body as { groups?: { versions?: { groupVersion: string }[] }[] }).groups ?? []) {
        for (const v of g.versions ?? []) out.push(v.groupVersion);
      }
      return out;
    })();
    const groupVersions = this.#groupVersions;
    return this.#forgetOnFailure(groupVersions, () => {
      if (this.#groupVersions === groupVersions) this.#groupVersions = undefined;
    });
  }

  #resourceList(groupVersion: string): Promise<APIResource[] | null> {
    let list = this.#resources.get(groupVersion);
    if (!list) {
      const path = groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
      list = this.#call({ verb: 'GET', what: path }, 'GET', path).then((res) => {
        if (res.status === 404) return null;
        return ((this.#expect({ verb: 'GET', what: path }, res, [200]) as { resources?: APIResource[] }).resources ?? []) as APIResource[];
      });
      const pending = list;
      this.#resources.set(groupVersion, pending);
      void this.#forgetOnFailure(pending, () => {
        if (this.#resources.get(groupVersion) === pending) this.#resources.delete(groupVersion);
      }).catch(() => undefined);
    }
    return list;
  }

  async #discover(path: string): Promise<Response> {
    const op: Operation = { verb: 'GET', what: path };
    const res = await this.#call(op, 'GET', path);
    this.#expect(op, res, [200]);
    return res;
  }

  /** A cached promise that failed is dropped, so the next call asks the server again. */
  #forgetOnFailure<T>(p: Promise<T>, forget: () => void): Promise<T> {
    return p.catch((e: unknown) => {
      forget();
      throw e;
    });
  }

  async #unknownKind(apiVersion: string, kind: string): Promise<ChartroomError> {
    let elsewhere: string[] = [];
    let served = true;
    try {
      const all = await this.apiVersions();
      served = all.includes(apiVersion);
      elsewhere = all.filter((v) => v.endsWith(`/${kind}`)).map((v) => v.slice(0, -kind.length - 1));
    } catch {
      // The suggestion is a courtesy; the error stands without it.
    }
    const why = served ? `the server has no kind ${kind} in ${apiVersion}` : `the server does not serve ${apiVersion}`;
    const hint = elsewhere.length ? `${kind} is served as ${elsewhere.join(', ')}` : `no group the server serves has a kind ${kind}: is its CustomResourceDefinition installed?`;
    return new ChartroomError('KUBE_UNKNOWN_KIND', this.#message(undefined, why), { url: this.server, hint });
  }

  // ---- HTTP

  async #call(op: Operation, method: string, path: string, opts: { query?: Record<string, string>; body?: unknown; contentType?: string } = {}): Promise<Response> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    for (let attempt = 0; ; attempt++) {
      const req: https.RequestOptions = {
        method,
        headers: {
          Accept: 'application/json',
          'User-Agent': `chartroom/${VERSION}`,
          ...(payload ? { 'Content-Type': opts.contentType ?? 'application/json', 'Content-Length': String(payload.length) } : {}),
        },
      };
      try {
        // Applied per request: exec plugins and token files hand out credentials that expire.
        await this.#kc.applyToHTTPSOptions(req);
      } catch (e) {
        throw this.#credentialsError(op, e);
      }
      try {
        return await this.#send(url, req, payload);
      } catch (e) {
        const err = e as NodeJS.ErrnoException & { reusedSocket?: boolean };
        // A kept-alive connection the server closed meanwhile: the request never reached it.
        if (err.reusedSocket && err.code === 'ECONNRESET' && attempt === 0) continue;
        throw this.#transportError(op, err);
      }
    }
  }

  #send(url: URL, req: https.RequestOptions, payload: Buffer | undefined): Promise<Response> {
    const plain = url.protocol === 'http:';
    return new Promise<Response>((resolve, reject) => {
      const r = (plain ? http : https).request(url, { ...req, agent: this.#agentFor(req, plain) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, text });
        });
      });
      r.setTimeout(this.#timeoutMs, () => r.destroy(Object.assign(new Error(`no answer within ${this.#timeoutMs / 1000}s`), { code: 'ETIMEDOUT' })));
      r.on('error', (e: Error) => reject(Object.assign(e, { reusedSocket: r.reusedSocket })));
      r.end(payload);
    });
  }

  /**
   * One keep-alive agent per TLS identity. The library makes a new agent on every call, which would cost a TLS
   * handshake per request; a proxied cluster keeps the library's agent (it knows the proxy).
   */
  #agentFor(req: https.RequestOptions, plain: boolean): http.Agent | undefined {
    if (this.#proxied) return req.agent as http.Agent | undefined;
    const tls = { ca: req.ca, cert: req.cert, key: req.key, pfx: req.pfx, passphrase: req.passphrase, servername: req.servername, rejectUnauthorized: req.rejectUnauthorized };
    const key = createHash('sha256')
      .update(JSON.stringify(tls, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v)))
      .digest('hex');
    if (this.#agent?.key !== key) {
      this.#agent?.agent.destroy();
      const defined = Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined && v !== null));
      this.#agent = { key, agent: plain ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true, ...defined }) };
    }
    return this.#agent.agent;
  }

  // ---- errors

  #message(op: Operation | undefined, text: string): string {
    return `${op ? `${op.verb} ${op.what}: ` : ''}${text} (context "${this.context}", server ${this.server})`;
  }

  #error(code: ErrorCode, op: Operation, text: string, extra: { httpStatus?: number; hint?: string; cause?: unknown } = {}): ChartroomError {
    return new ChartroomError(code, this.#message(op, text), { url: this.server, ...extra });
  }

  #transportError(op: Operation, err: NodeJS.ErrnoException): ChartroomError {
    const code = err.code ?? '';
    if (NETWORK_ERRORS.has(code)) {
      return this.#error('KUBE_UNREACHABLE', op, `cannot reach the cluster: ${err.message}`, { hint: 'is the cluster running, and is this the right kubeconfig context?', cause: err });
    }
    if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/.test(code) || /certificate|SSL|TLS/.test(err.message)) {
      return this.#error('KUBE_UNREACHABLE', op, `TLS connection failed: ${err.message}`, { hint: "check the cluster's certificate-authority in the kubeconfig", cause: err });
    }
    return this.#error('KUBE_ERROR', op, `request failed: ${err.message}`, { cause: err });
  }

  #credentialsError(op: Operation, e: unknown): ChartroomError {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'EACCES') {
      return new ChartroomError('KUBECONFIG', this.#message(op, `a file the kubeconfig names cannot be read: ${err.message}`), { cause: e });
    }
    return this.#error('KUBE_UNAUTHORIZED', op, `could not get credentials for the kubeconfig's user: ${err.message ?? String(e)}`, { cause: e });
  }

  /** The body of an answer with one of the expected statuses; otherwise the error its status means. */
  #expect(op: Operation, res: Response, ok: number[], fieldManager?: string): unknown {
    if (ok.includes(res.status)) {
      if (res.body === undefined) throw this.#error('KUBE_ERROR', op, `the server answered ${res.status} without a JSON body`, { httpStatus: res.status });
      return res.body;
    }
    const status = (isStatus(res.body) ? res.body : {}) as KubeStatus;
    const said = status.message || res.text.trim().slice(0, 300) || `HTTP ${res.status}`;
    const httpStatus = res.status;
    switch (res.status) {
      case 401:
        return fail(this.#error('KUBE_UNAUTHORIZED', op, `the server did not accept the credentials (401 ${said})`, { httpStatus, hint: "check the kubeconfig user's token or certificate" }));
      case 403:
        return fail(this.#error('KUBE_FORBIDDEN', op, `forbidden: ${said}`, { httpStatus }));
      case 404:
        return fail(this.#error('KUBE_NOT_FOUND', op, `not found: ${said}`, { httpStatus }));
      case 409: {
        const conflicts = (status.details?.causes ?? [])
          .filter((c) => c.reason === 'FieldManagerConflict')
          .map((c) => ({ field: c.field ?? '', manager: /conflict with "([^"]*)"/.exec(c.message ?? '')?.[1] ?? '', detail: c.message ?? '' }));
        if (op.verb === 'APPLY' && conflicts.length) {
          const listed = conflicts.map((c) => `${c.field} (owned by "${c.manager}"${c.detail.includes(' using ') ? ` using ${c.detail.split(' using ').pop()}` : ''})`).join(', ');
          const n = conflicts.length;
          throw new KubeApplyConflictError(this.#message(op, `field manager "${fieldManager}" cannot take ${n} field${n === 1 ? '' : 's'} another manager owns: ${listed}`), conflicts, this.server);
        }
        if (op.verb === 'CREATE' || status.reason === 'AlreadyExists') return fail(this.#error('KUBE_ALREADY_EXISTS', op, `already exists: ${said}`, { httpStatus }));
        return fail(this.#error('KUBE_CONFLICT', op, `conflict: ${said}`, { httpStatus, hint: 'the object changed since it was read; read it again and retry' }));
      }
      case 422:
        return fail(this.#error('KUBE_INVALID', op, `invalid: ${said}`, { httpStatus }));
      default:
        return fail(this.#error('KUBE_ERROR', op, `the server answered ${res.status}: ${said}`, { httpStatus }));
    }
  }
}

function fail(e: Error): never {
  throw e;
}

function isStatus(body: unknown): body is KubeStatus {
  return typeof body === 'object' && body !== null && (body as KubeStatus).kind === 'Status';
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split('/');
  return parts.length === 2 ? { group: parts[0], version: parts[1] } : { group: '', version: apiVersion };
}

function describe(kind: string, name: string, namespace: string | undefined): string {
  return `${kind}/${name}${namespace ? ` in namespace ${namespace}` : ''}`;
}

function resourcePath(r: ResourceInfo, namespace: string | undefined, name?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

/** The object to send: a copy, with the namespace dropped for cluster-scoped kinds (the server refuses it otherwise). */
function bodyFor(obj: KubeObject, r: ResourceInfo): KubeObject {
  const metadata = { ...obj.metadata };
  if (!r.namespaced) delete metadata.namespace;
  return { ...obj, metadata };
}
