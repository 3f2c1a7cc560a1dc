import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChartroomError, hasCode } from '../errors.js';
import type { DiskCache } from '../cache.js';
import { parseIndex, readCachedIndex, type RepoIndex } from './index-file.js';
import type { RepositorySettings, RepoEntry } from './settings.js';
import { writeFileAtomic } from '../atomic-file.js';
import { crypto } from '../builtin.js';
import { basicAuth, joinUrl } from './http.js';
import { indexYamlToJson } from './index-json-fast.js';

/** YAML indexes larger than this are converted to the cached JSON directly (index-json-fast.ts). */
const FAST_INDEX_BYTES = 1024 * 1024;

export { joinUrl } from './http.js';

/** Reports download progress (a bar on a TTY); optional. */
export interface Progress {
  start(label: string, total: number): void;
  update(bytes: number): void;
  stop(): void;
}

export interface ClientOptions {
  settings: RepositorySettings;
  /** Archives (by sha256) and repository indexes are cached here. */
  cache: DiskCache;
  progress?: () => Progress | undefined;
  /** Use only what is cached; never touch the network. */
  offline?: boolean;
}

/** The Authorization header for a URL: the bearer token or Basic credentials of the configured repository it belongs to. */
function authFor(settings: RepositorySettings, url: string): string | undefined {
  const repo = settings.list().find((r) => url.startsWith(r.url.replace(/\/+$/, '') + '/') || url === r.url);
  if (!repo) return undefined;
  const token = settings.token(repo.name);
  if (token) return `Bearer ${token}`;
  if (!repo.username) return undefined;
  return basicAuth(repo.username, settings.password(repo.name) ?? '');
}

/** An index as JSON, a chart at a time, so a large index never becomes one huge string. */
function* indexJsonPieces(index: RepoIndex): Generator<string> {
  yield `{"apiVersion":${JSON.stringify(index.apiVersion)},"generated":${JSON.stringify(index.generated ?? '')},"entries":{`;
  let first = true;
  for (const [name, versions] of Object.entries(index.entries)) {
    yield `${first ? '' : ','}${JSON.stringify(name)}:${JSON.stringify(versions)}`;
    first = false;
  }
  yield '}}';
}

/** Downloads repository indexes and chart archives; archives land in a cache addressed by their sha256. */
export class RepoClient {
  readonly settings: RepositorySettings;

  constructor(private readonly opts: ClientOptions) {
    this.settings = opts.settings;
  }

  /** Whether this client may use only what is cached. */
  get offline(): boolean {
    return !!this.opts.offline;
  }

  /** The same client with other options (offline, no progress bars). */
  with(changes: Partial<Pick<ClientOptions, 'offline' | 'progress'>>): RepoClient {
    return new RepoClient({ ...this.opts, ...changes });
  }

  private async get(url: string, what: string, headers: Record<string, string> = {}, authorization?: string): Promise<Response> {
    if (this.opts.offline) throw new ChartroomError('OFFLINE', `${what}: ${url} is not cached and --offline forbids the network`, { hint: 'run once without --offline' });
    const auth = authorization ?? authFor(this.settings, url);
    let res: Response;
    try {
      res = await fetch(url, { headers: { 'User-Agent': 'chartroom', ...(auth ? { Authorization: auth } : {}), ...headers } });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ChartroomError('FETCH_FAILED', `${what}: cannot reach ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, { url, cause: e });
    }
    if (res.status === 401 || res.status === 403) throw new ChartroomError('FETCH_DENIED', `${what}: ${url} answered ${res.status}`, { url, httpStatus: res.status, hint: 'check the credentials: chart repo add NAME URL --username U --password-stdin (or --token-stdin) --force-update' });
    if (res.status !== 200 && res.status !== 304) throw new ChartroomError('FETCH_FAILED', `${what}: ${url} answered ${res.status}`, { url, httpStatus: res.status });
    return res;
  }

  /** Reads a body, reporting progress when it is large. */
  private async body(res: Response, label: string): Promise<Buffer> {
    const total = Number(res.headers.get('content-length') ?? 0);
    const bar = total > 256 * 1024 ? this.opts.progress?.() : undefined;
    if (!bar || !res.body) return Buffer.from(await res.arrayBuffer());
    bar.start(label, total);
    const chunks: Buffer[] = [];
    let got = 0;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        chunks.push(Buffer.from(chunk));
        got += chunk.length;
        bar.update(got);
      }
    } finally {
      bar.stop();
    }
    return Buffer.concat(chunks);
  }

  private cachedIndexPath(name: string): string {
    return join(this.opts.cache.folder('repository'), `${name}-index.json`);
  }

  /**
   * Fetches a repository's index (with If-None-Match against the cached copy) and caches it as JSON.
   * A failure leaves the cached copy as it was.
   */
  async updateIndex(repo: RepoEntry, password?: string, token?: string): Promise<{ readonly index: RepoIndex; changed: boolean; charts: number }> {
    const cachePath = this.cachedIndexPath(repo.name);
    const etagPath = `${cachePath}.etag`;
    const etag = existsSync(cachePath) && existsSync(etagPath) ? readFileSync(etagPath, 'utf8') : undefined;
    let url = joinUrl(repo.url, 'index.yaml');
    const what = `repository ${repo.name}`;
    const explicit = token !== undefined ? `Bearer ${token}` : password !== undefined && repo.username ? basicAuth(repo.username, password) : undefined;
    // Chartroom registries answer this with JSON, which parses many times faster; others send YAML.
    const conditional: Record<string, string> = { Accept: 'application/json, application/x-yaml;q=0.9, */*;q=0.5', ...(etag && !explicit ? { 'If-None-Match': etag } : {}) };
    let res: Response;
    try {
      res = await this.get(url, what, conditional, explicit);
    } catch (e) {
      // Some repositories publish only index.json.
      if (!(hasCode(e, 'FETCH_FAILED') && e.details.httpStatus === 404)) throw e;
      url = joinUrl(repo.url, 'index.json');
      res = await this.get(url, what, conditional, explicit);
    }
    if (res.status === 304) {
      const index = readCachedIndex(cachePath);
      return { index, changed: false, charts: Object.keys(index.entries).length };
    }
    const text = (await this.body(res, `${repo.name} index`)).toString('utf8');
    // A large YAML index goes straight to the cached JSON, chart by chart, without building the index.
    const fast = text.length > FAST_INDEX_BYTES && !text.trimStart().startsWith('{') ? indexYamlToJson(text) : undefined;
    let index: RepoIndex | undefined;
    if (!fast) {
      try {
        index = parseIndex(text, url);
      } catch (e) {
        throw new ChartroomError('INDEX_INVALID', `${what}: ${url} is not a chart repository index: ${(e as Error).message}`);
      }
    }
    writeFileAtomic(cachePath, fast ? fast.pieces : indexJsonPieces(index!));
    const newTag = res.headers.get('etag');
    if (newTag) writeFileAtomic(etagPath, newTag);
    const charts = fast ? fast.charts : Object.keys(index!.entries).length;
    return {
      // Read from the cache on first use when the fast path wrote it.
      get index() {
        return (index ??= readCachedIndex(cachePath));
      },
      changed: true,
      charts,
    };
  }

  /** The cached index of a configured repository (run `repo update` to refresh it). */
  cachedIndex(name: string): RepoIndex | undefined {
    const path = this.cachedIndexPath(name);
    if (!existsSync(path)) return undefined;
    return readCachedIndex(path);
  }

  /** An index by URL, for repositories that are not configured: fetched once per run, not cached on disk. */
  async indexByUrl(url: string): Promise<RepoIndex> {
    const configured = this.settings.byUrl(url);
    if (configured) {
      const cached = this.cachedIndex(configured.name);
      if (cached) return cached;
      return (await this.updateIndex(configured)).index;
    }
    const indexUrl = joinUrl(url, 'index.yaml');
    const res = await this.get(indexUrl, `repository ${url}`);
    return parseIndex((await this.body(res, 'index')).toString('utf8'), indexUrl);
  }

  /** Whether the archive cache holds an archive with this sha256. */
  hasCachedArchive(digest: string): boolean {
    const hex = digest.replace(/^sha256:/, '').toLowerCase();
    return /^[0-9a-f]{64}$/.test(hex) && this.opts.cache.read('archives', hex) !== undefined;
  }

  /**
   * A chart archive by URL, verified against the sha256 the index gives before anything is written;
   * served from the content-addressed cache when it is there.
   */
  async archive(url: string, digest: string | undefined, label: string): Promise<Buffer> {
    const hex = digest?.replace(/^sha256:/, '').toLowerCase();
    if (hex && /^[0-9a-f]{64}$/.test(hex)) {
      const hit = this.opts.cache.read('archives', hex);
      if (hit && crypto().createHash('sha256').update(hit).digest('hex') === hex) return hit;
    }
    const res = await this.get(url, label);
    const data = await this.body(res, label);
    const actual = crypto().createHash('sha256').update(data).digest('hex');
    if (hex && actual !== hex) {
      throw new ChartroomError('DIGEST_MISMATCH', `${label}: ${url} has sha256 ${actual}, but the repository index says ${hex}; nothing was written`, { hint: 'the repository or something between you and it changed the file' });
    }
    this.opts.cache.write('archives', actual, data);
    return data;
  }
}
