import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { parseConstraint, satisfies } from '../semver-range.js';
import * as semver from '../semver-lib.js';
import { basicAuth } from '../repo/http.js';
import { MAX_SEARCH_PAGE, openRegistrySearch } from '../repo/registry-search.js';

export interface SearchOptions {
  keyword?: string;
  /** Every version, not only the newest. */
  versions?: boolean;
  /** Only versions in this range. */
  version?: string;
  /** Include prereleases. */
  devel?: boolean;
}

export interface SearchHit {
  name: string;
  version: string;
  appVersion: string;
  description: string;
}

/** Searches the cached indexes of the configured repositories (refresh them with repo update). */
export function searchRepos(ctx: ActionContext, opts: SearchOptions): SearchHit[] {
  const client = ctx.repos;
  const repos = client.settings.list();
  if (repos.length === 0) throw new ChartroomError('NO_REPOS', 'no repositories are configured', { hint: 'add one with chart repo add NAME URL' });
  const constraint = opts.version ? parseConstraint(opts.version) : undefined;
  const kw = opts.keyword?.toLowerCase();
  const hits: SearchHit[] = [];
  for (const repo of repos) {
    const index = client.cachedIndex(repo.name);
    if (!index) continue;
    for (const [name, versions] of Object.entries(index.entries)) {
      const full = `${repo.name}/${name}`;
      let list = versions.filter((v) => opts.devel || !semver.prerelease(String(v.version)) || (constraint && satisfies(v.version, constraint)));
      if (constraint) list = list.filter((v) => satisfies(v.version, constraint, { includePrerelease: !!opts.devel }));
      if (list.length === 0) continue;
      if (kw) {
        const hay = [full, list[0].description ?? '', ...((list[0].keywords as string[] | undefined) ?? [])].join(' ').toLowerCase();
        if (!hay.includes(kw)) continue;
      }
      for (const v of opts.versions ? list : list.slice(0, 1)) hits.push({ name: full, version: v.version, appVersion: String(v.appVersion ?? ''), description: String(v.description ?? '') });
    }
  }
  return hits.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface RegistrySearchOptions {
  /** A Chartroom registry: its URL, or the name of a repository added with `chart repo add` (its credentials are used). */
  registry: string;
  query?: string;
  /** Only this repository of the registry ('/' or '' the root one). */
  repo?: string;
  /** true: only deprecated charts; false: none; absent: both. */
  deprecated?: boolean;
  type?: 'application' | 'library';
  /** Most results returned, following pages as needed (default 100). */
  max?: number;
  /** Results asked for per request, 1 to 100 (default: the smaller of max and 100). */
  pageSize?: number;
}

export interface RegistrySearchHit {
  /** `REPO/NAME` for a named repository of the registry, `NAME` for its root repository. */
  name: string;
  chart: string;
  /** The registry's repository; '' the root one. */
  repo: string;
  version: string;
  appVersion: string;
  description: string;
  deprecated: boolean;
  type: string;
  keywords: string[];
  updated: string | null;
}

export interface RegistrySearchAnswer {
  hits: RegistrySearchHit[];
  /** How many charts match in all (more than hits when --max cut the list). */
  total: number;
  /** The search endpoint used. */
  url: string;
}

export const DEFAULT_REGISTRY_SEARCH_MAX = 100;

/**
 * Searches a Chartroom registry through its search API (`GET /api/search`): names, descriptions, keywords and
 * maintainers, over every repository of the registry the caller may read, following pages up to `max`
 * results. The registry is a URL or a configured repository's name, whose credentials are sent; a configured
 * repository's URL that names one of the registry's repositories (`https://host/team`) searches that one.
 */
export async function searchRegistry(ctx: ActionContext, opts: RegistrySearchOptions): Promise<RegistrySearchAnswer> {
  const max = opts.max ?? DEFAULT_REGISTRY_SEARCH_MAX;
  if (!Number.isSafeInteger(max) || max < 1) throw new ChartroomError('BAD_REQUEST', '--max must be a whole number from 1');
  const pageSize = opts.pageSize ?? Math.min(max, MAX_SEARCH_PAGE);
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_SEARCH_PAGE) throw new ChartroomError('BAD_REQUEST', `--page-size must be a whole number from 1 to ${MAX_SEARCH_PAGE}`);

  const given = opts.registry.trim();
  const isUrl = /^https?:\/\//i.test(given);
  // A URL uses the credentials of the configured repository with that URL, if there is one.
  const configured = isUrl ? ctx.settings.byUrl(given) : ctx.settings.get(given);
  if (!isUrl && !configured) throw new ChartroomError('REPO_NOT_FOUND', `no repository named ${JSON.stringify(given)}; give the registry's URL or the name of a repository from chart repo list`);
  const url = isUrl ? given : configured!.url;
  const token = configured ? ctx.settings.token(configured.name) : undefined;
  const authorization = token ? `Bearer ${token}` : configured?.username ? basicAuth(configured.username, ctx.settings.password(configured.name) ?? '') : undefined;
  const label = configured ? `repository ${configured.name}` : url;
  ctx.log.debug(`searching ${url}${authorization ? ' with the credentials of ' + label : ''}`);

  const repo = opts.repo === undefined ? undefined : opts.repo === '/' ? '' : opts.repo;
  const query = { q: opts.query ?? '', repo, deprecated: opts.deprecated, type: opts.type, page: 1, perPage: pageSize };
  const { client, first } = await openRegistrySearch(url, label, authorization, query);
  const scoped = repo === undefined && client.endpoint.impliedRepo !== undefined ? { ...query, repo: client.endpoint.impliedRepo } : query;
  const results = first.results.slice(0, max);
  let total = first.total;
  for (let page = 2; results.length < max && results.length < total && (page - 1) * pageSize < total; page++) {
    const next = await client.page({ ...scoped, page });
    total = next.total;
    if (next.results.length === 0) break;
    results.push(...next.results.slice(0, max - results.length));
  }
  const hits = results.map((r) => ({
    name: r.repo ? `${r.repo}/${r.name}` : r.name,
    chart: r.name,
    repo: r.repo,
    version: r.latestVersion,
    appVersion: r.appVersion ?? '',
    description: r.description ?? '',
    deprecated: r.deprecated,
    type: r.type,
    keywords: r.keywords,
    updated: r.updated,
  }));
  return { hits, total, url: client.endpoint.url };
}
