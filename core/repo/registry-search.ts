import { ChartroomError } from '../errors.js';
import { joinUrl } from './http.js';

/** One page of a Chartroom registry's search: the query parameters of `GET /api/search`. */
export interface RegistrySearchQuery {
  /** Free text; empty: every chart. */
  q: string;
  /** Only this repository ('' the root one); absent: every repository the caller may read. */
  repo?: string;
  deprecated?: boolean;
  type?: 'application' | 'library';
  /** 1-based. */
  page: number;
  /** At most 100 (the registry's limit). */
  perPage: number;
}

/** One chart in the answer: its latest version's fields, as the registry sends them (checked). */
export interface RegistrySearchResult {
  /** '' for the root repository. */
  repo: string;
  name: string;
  description: string | null;
  latestVersion: string;
  appVersion: string | null;
  deprecated: boolean;
  type: string;
  keywords: string[];
  updated: string | null;
}

export interface RegistrySearchPage {
  results: RegistrySearchResult[];
  total: number;
}

/** The most results one page may have (the registry's own limit). */
export const MAX_SEARCH_PAGE = 100;
/** Largest answer read: a page of 100 results with their icons is a few MiB at most. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/** What a repository's name looks like on a Chartroom registry (the last segment of a named repository's URL). */
const TENANT_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A search endpoint answered 404: there is none there, or (with a repository asked for) that repository does not exist. */
class NoEndpoint extends Error {}

/** Where a registry's search is: the URL to call, and the repository a named repository's URL implies. */
export interface SearchEndpoint {
  url: string;
  /** Set when the URL given was a named repository's (`https://host/team`): its name. */
  impliedRepo?: string;
}

/**
 * The candidate search endpoints of a URL, in the order to try them: the URL itself as the registry's root
 * (which may sit under a proxy's path prefix), then, for a URL that ends in a repository-like segment, its
 * parent with that repository (`chart repo add team https://host/team` names a repository of the registry at
 * https://host).
 */
export function searchEndpoints(base: string): SearchEndpoint[] {
  const root = base.replace(/\/+$/, '');
  const out: SearchEndpoint[] = [{ url: joinUrl(root, 'api/search') }];
  let u: URL;
  try {
    u = new URL(root);
  } catch {
    throw new ChartroomError('REPO_URL', `${JSON.stringify(base)} is not a URL`);
  }
  const segments = u.pathname.split('/').filter(Boolean);
  const last = segments.at(-1);
  if (last !== undefined && TENANT_RE.test(last)) {
    const parent = new URL(u.href);
    parent.pathname = `/${segments.slice(0, -1).join('/')}`;
    parent.search = '';
    out.push({ url: joinUrl(parent.href.replace(/\/+$/, ''), 'api/search'), impliedRepo: last });
  }
  return out;
}

/** Reads a body up to a limit; past it the answer is refused. */
async function readLimited(res: Response, url: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_ANSWER_BYTES) throw new ChartroomError('REGISTRY_PROTOCOL', `${url} sent more than ${MAX_ANSWER_BYTES} bytes; refused`, { url });
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let got = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    got += chunk.length;
    if (got > MAX_ANSWER_BYTES) throw new ChartroomError('REGISTRY_PROTOCOL', `${url} sent more than ${MAX_ANSWER_BYTES} bytes; refused`, { url });
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The results of an answer, each checked; a result without a name or version is left out. */
function resultsOf(body: unknown, url: string): RegistrySearchPage {
  const b = body as { results?: unknown; total?: unknown } | null;
  if (typeof b !== 'object' || b === null || !Array.isArray(b.results) || typeof b.total !== 'number' || !Number.isSafeInteger(b.total) || b.total < 0) {
    throw new ChartroomError('REGISTRY_PROTOCOL', `${url} did not answer with a Chartroom search result`, { url });
  }
  const results: RegistrySearchResult[] = [];
  for (const raw of b.results as unknown[]) {
    const r = raw as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || typeof r.name !== 'string' || typeof r.latestVersion !== 'string') continue;
    results.push({
      repo: typeof r.repo === 'string' ? r.repo : '',
      name: r.name,
      description: str(r.description),
      latestVersion: r.latestVersion,
      appVersion: str(r.appVersion),
      deprecated: r.deprecated === true,
      type: typeof r.type === 'string' ? r.type : 'application',
      keywords: Array.isArray(r.keywords) ? r.keywords.filter((k): k is string => typeof k === 'string') : [],
      updated: str(r.updated),
    });
  }
  return { results, total: b.total };
}

/** The query string of one page. */
function queryString(q: RegistrySearchQuery): string {
  const p = new URLSearchParams({ q: q.q });
  if (q.repo !== undefined) p.set('repo', q.repo === '' ? '/' : q.repo);
  if (q.deprecated !== undefined) p.set('deprecated', String(q.deprecated));
  if (q.type) p.set('type', q.type);
  p.set('page', String(q.page));
  p.set('per_page', String(Math.min(MAX_SEARCH_PAGE, Math.max(1, q.perPage))));
  return p.toString();
}

/**
 * The search of a Chartroom registry (`GET /api/search`), a page at a time, with the credentials of the
 * repository it was reached through. Made by `openRegistrySearch`, which finds the endpoint.
 */
export class RegistrySearchClient {
  constructor(
    readonly endpoint: SearchEndpoint,
    /** How the registry was named, for messages. */
    readonly label: string,
    private readonly authorization?: string,
  ) {}

  async page(q: RegistrySearchQuery): Promise<RegistrySearchPage> {
    return page(this.endpoint.url, q, this.label, this.authorization);
  }
}

async function page(endpoint: string, q: RegistrySearchQuery, label: string, authorization: string | undefined): Promise<RegistrySearchPage> {
  const url = `${endpoint}?${queryString(q)}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { 'User-Agent': 'chartroom', Accept: 'application/json', ...(authorization ? { Authorization: authorization } : {}) } });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new ChartroomError('FETCH_FAILED', `search ${label}: cannot reach ${endpoint}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, { url: endpoint, cause: e });
  }
  const body = await readLimited(res, endpoint);
  if (res.status === 401 || res.status === 403) {
    const how = authorization
      ? `the credentials of ${label} were refused (${res.status}); check them with chart repo add NAME URL --username USER --password-stdin --force-update`
      : `this registry needs credentials to search: add it with chart repo add NAME URL --username USER --password-stdin, then search with --registry NAME`;
    throw new ChartroomError('FETCH_DENIED', `search ${label}: ${how}`, { url: endpoint, httpStatus: res.status });
  }
  if (res.status === 404) throw new NoEndpoint();
  if (res.status === 400) {
    let message = '';
    try {
      message = String((JSON.parse(body.toString('utf8')) as { error?: unknown }).error ?? '');
    } catch {
      message = '';
    }
    throw new ChartroomError('BAD_REQUEST', `search ${label}: the registry refused the query${message ? `: ${message.slice(0, 300)}` : ''}`, { url: endpoint, httpStatus: 400 });
  }
  if (res.status !== 200) throw new ChartroomError('FETCH_FAILED', `search ${label}: ${endpoint} answered ${res.status}`, { url: endpoint, httpStatus: res.status });
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ChartroomError('REGISTRY_PROTOCOL', `search ${label}: ${endpoint} did not answer JSON; is it a Chartroom registry? (for other repositories use chart search repo)`, { url: endpoint });
  }
  return resultsOf(json, endpoint);
}

/**
 * Finds a registry's search endpoint from a URL (see searchEndpoints) by asking each candidate for the first
 * page; returns the client and that page. A URL with no search endpoint is not a Chartroom registry: the
 * error says so and points to `chart search repo`, which searches any repository's index.
 */
export async function openRegistrySearch(base: string, label: string, authorization: string | undefined, first: RegistrySearchQuery): Promise<{ client: RegistrySearchClient; first: RegistrySearchPage }> {
  for (const endpoint of searchEndpoints(base)) {
    const q = endpoint.impliedRepo !== undefined && first.repo === undefined ? { ...first, repo: endpoint.impliedRepo } : first;
    try {
      const answer = await page(endpoint.url, q, label, authorization);
      return { client: new RegistrySearchClient(endpoint, label, authorization), first: answer };
    } catch (e) {
      if (!(e instanceof NoEndpoint)) throw e;
    }
    if (q.repo === undefined) continue;
    // A 404 with a repository asked for: if the search answers without it, the repository is what is missing.
    try {
      await page(endpoint.url, { q: '', page: 1, perPage: 1 }, label, authorization);
    } catch (e) {
      if (e instanceof NoEndpoint) continue;
      throw e;
    }
    throw new ChartroomError('REPO_NOT_FOUND', `search ${label}: the registry has no repository named ${JSON.stringify(q.repo === '' ? '/' : q.repo)}`, { url: endpoint.url, httpStatus: 404 });
  }
  throw new ChartroomError('SOURCE_UNSUPPORTED', `${label} is not a Chartroom registry (it has no /api/search); search a Helm repository's index with chart search repo instead`, { url: base, httpStatus: 404 });
}
