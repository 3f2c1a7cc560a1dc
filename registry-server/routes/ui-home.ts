import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { may } from '../http.js';
import { HOME_PAGE_TEMPLATE_VERSION, homePage, type HomeOption, type HomePageLink, type HomeResult } from '../pages/home.js';
import { checkRepo } from '../registry.js';
import { chartSearchFor, MAX_QUERY_CHARS, MAX_QUERY_TERMS, queryTerms, type SearchQuery, type SearchResult } from '../search.js';
import { chromeFor, sendErrorPage, sendHtml, seg, uiCaller, UI_CSP, type UiContext } from '../ui/context.js';
import { pageHandler } from './ui.js';
import { validHost } from './ops.js';

/** Results on one page of the home page. */
export const HOME_PER_PAGE = 20;
/** Pages past this are refused rather than computed (there are never that many charts). */
const MAX_PAGE = 1_000_000;
/** Page links shown on each side of the current page (besides the first and the last). */
const PAGE_WINDOW = 2;

/** What the home page's query string asks, checked: the search API's query, plus the form's own spelling of it. */
interface HomeQuery {
  q: string;
  /** undefined: every repository; '' the root one ('/' in the URL). */
  repo?: string;
  deprecated?: boolean;
  type?: 'application' | 'library';
  page: number;
}

/** A bad query parameter: the message of a 400 page. */
class BadParam extends Error {}

/** A query parameter given at most once, as text; undefined when absent or empty (an empty form field means "any"). */
function param(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadParam(`${name} must be given once, as text.`);
  return v === '' ? undefined : v;
}

/** Whether a name is a repository's (not whether it exists). */
function isRepoName(repo: string): boolean {
  try {
    return checkRepo(repo) === repo;
  } catch {
    return false;
  }
}

/** The page's parameters (as in the contract: q, repo with '/' the root repository, deprecated, type, page); BadParam for one that is malformed. */
function parseHomeQuery(req: Request): HomeQuery {
  const q = param(req, 'q') ?? '';
  if (q.length > MAX_QUERY_CHARS) throw new BadParam(`The search is longer than ${MAX_QUERY_CHARS} characters.`);
  if (queryTerms(q).length > MAX_QUERY_TERMS) throw new BadParam(`The search has more than ${MAX_QUERY_TERMS} words.`);
  const repo = param(req, 'repo');
  if (repo !== undefined && repo !== '/' && !isRepoName(repo)) throw new BadParam('repo must be a repository name, or / for the root repository.');
  const deprecated = param(req, 'deprecated');
  if (deprecated !== undefined && deprecated !== 'true' && deprecated !== 'false') throw new BadParam('deprecated must be true or false.');
  const type = param(req, 'type');
  if (type !== undefined && type !== 'application' && type !== 'library') throw new BadParam('type must be application or library.');
  const rawPage = param(req, 'page');
  if (rawPage !== undefined && (!/^\d{1,7}$/.test(rawPage) || Number(rawPage) < 1 || Number(rawPage) > MAX_PAGE)) throw new BadParam('page must be a whole number from 1.');
  return {
    q,
    repo: repo === undefined ? undefined : repo === '/' ? '' : repo,
    deprecated: deprecated === undefined ? undefined : deprecated === 'true',
    type: type as HomeQuery['type'],
    page: rawPage === undefined ? 1 : Number(rawPage),
  };
}

/** The home page's URL for a query and page, relative to the home page: only the parameters that are set. */
function hrefFor(query: HomeQuery, page: number): string {
  const p = new URLSearchParams();
  if (query.q) p.set('q', query.q);
  if (query.repo !== undefined) p.set('repo', query.repo === '' ? '/' : query.repo);
  if (query.deprecated !== undefined) p.set('deprecated', String(query.deprecated));
  if (query.type) p.set('type', query.type);
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `?${s}` : './';
}

/** The page numbers to link: the first, the last, and a few around the current one, with gaps (undefined) between. */
export function pageNumbers(page: number, pageCount: number): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (let n = 1; n <= pageCount; n++) {
    if (n === 1 || n === pageCount || Math.abs(n - page) <= PAGE_WINDOW) out.push(n);
    else if (out[out.length - 1] !== undefined) out.push(undefined);
  }
  return out;
}

const option = (value: string, label: string, current: string): HomeOption => ({ value, label, selected: value === current });

/** A result as the page shows it: the chart page's link, the date for people, and whether it needs Chartroom. */
function resultRow(ctx: UiContext, r: SearchResult): HomeResult {
  return {
    name: r.name,
    href: r.repo ? `ui/r/${seg(r.repo)}/charts/${seg(r.name)}` : `ui/charts/${seg(r.name)}`,
    repo: r.repo,
    description: r.description ?? undefined,
    version: r.latestVersion,
    appVersion: r.appVersion ?? undefined,
    icon: r.icon ?? undefined,
    updated: r.updated ?? undefined,
    updatedText: r.updated ? r.updated.slice(0, 10) : undefined,
    deprecated: r.deprecated,
    library: r.type === 'library',
    handlebars: r.engine === 'handlebars',
  };
}

/**
 * The home page at `/`: a search over every chart the caller may read (name, keywords, description,
 * maintainers; filters by repository, deprecation and type), one page of results at a time, from the registry's
 * search index (the one /api/search uses). Without credentials on a registry whose reads need them, a sign-in
 * prompt rather than a redirect (it is the registry's front door). Invalid parameters are a 400 page.
 */
export function homeRouter(ctx: UiContext): Router {
  const r = Router();
  const { registry, policy } = ctx;
  const index = chartSearchFor(registry);

  const home = async (req: Request, res: Response): Promise<void> => {
    res.locals.route = '/';
    const caller = await uiCaller(ctx, req, res, '*', 'read');
    if (caller === false) return;
    let query: HomeQuery;
    try {
      query = parseHomeQuery(req);
    } catch (e) {
      if (e instanceof BadParam) return sendErrorPage(req, res, 400, e.message, caller);
      throw e;
    }
    const readable = registry.repositories().filter((repo) => may(policy, caller.principal, repo, 'read'));
    const signIn = policy.requireAuthForReads && !caller.principal;
    if (query.repo !== undefined && !signIn && !readable.includes(query.repo)) {
      return sendErrorPage(req, res, 404, query.repo ? `No repository named ${query.repo} that you may read.` : 'You may not read the root repository.', caller);
    }

    const url = ctx.baseUrl ?? `${req.protocol}://${validHost(req.headers.host) ?? 'localhost'}`;
    const state = JSON.stringify([
      HOME_PAGE_TEMPLATE_VERSION,
      index.state(),
      readable,
      url,
      [query.q, query.repo ?? null, query.deprecated ?? null, query.type ?? null, query.page],
      caller.session ? [caller.session.principal.name, caller.session.csrf] : caller.principal ? ['p', caller.principal.name] : 0,
      chromeFor(req, caller, '').loginHref ?? '',
    ]);
    const etag = `"home-${createHash('sha256').update(state).digest('hex').slice(0, 32)}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', policy.requireAuthForReads || caller.session ? 'private, no-cache' : 'public, no-cache');
    res.setHeader('Vary', 'Authorization, Cookie, Host');
    if (req.headers['if-none-match'] === etag) {
      res.setHeader('Content-Security-Policy', UI_CSP);
      return void res.status(304).end();
    }

    const readableSet = new Set(readable);
    const searchQuery: SearchQuery = { q: query.q, repo: query.repo, deprecated: query.deprecated, type: query.type, page: query.page, perPage: HOME_PER_PAGE };
    const found = signIn ? { results: [], total: 0 } : index.search(searchQuery, (repo) => readableSet.has(repo));
    // Whether the caller may read any chart at all (only asked when this search found none).
    const empty = !signIn && found.total === 0 && index.search({ q: '', page: 1, perPage: 1 }, (repo) => readableSet.has(repo)).total === 0;
    const pageCount = Math.ceil(found.total / HOME_PER_PAGE);
    const pagination =
      pageCount > 1
        ? {
            page: query.page,
            pageCount,
            prevHref: query.page > 1 ? hrefFor(query, Math.min(query.page - 1, pageCount)) : undefined,
            nextHref: query.page < pageCount ? hrefFor(query, query.page + 1) : undefined,
            pages: pageNumbers(query.page, pageCount).map((n): HomePageLink => (n === undefined ? {} : { n, href: hrefFor(query, n), current: n === query.page })),
          }
        : undefined;

    const repoValue = query.repo === undefined ? '' : query.repo === '' ? '/' : query.repo;
    const deprecatedValue = query.deprecated === undefined ? '' : String(query.deprecated);
    const html = homePage({
      chrome: chromeFor(req, caller, query.q ? `Charts matching ${query.q}` : 'Charts'),
      signIn,
      q: query.q,
      repoOptions: [
        option('', 'All repositories', repoValue),
        ...(readableSet.has('') ? [option('/', 'Root repository', repoValue)] : []),
        ...readable.filter((repo) => repo !== '').map((repo) => option(repo, repo, repoValue)),
      ],
      deprecatedOptions: [option('', 'Include', deprecatedValue), option('false', 'Exclude', deprecatedValue), option('true', 'Only deprecated', deprecatedValue)],
      typeOptions: [option('', 'Any', query.type ?? ''), option('application', 'Application', query.type ?? ''), option('library', 'Library', query.type ?? '')],
      results: found.results.map((result) => resultRow(ctx, result)),
      countText: found.total === 1 ? '1 chart' : `${found.total} charts`,
      noMatch: found.total === 0,
      empty,
      pastEnd: found.total > 0 && query.page > pageCount,
      firstPageHref: hrefFor(query, 1),
      pagination,
      url,
      ociHost: url.replace(/^https?:\/\//, '').replace(/\/+$/, ''),
      repositories: readable.filter((repo) => repo !== '').map((repo) => ({ name: repo, index: `${seg(repo)}/index.yaml` })),
    });
    sendHtml(res, 200, html);
  };

  r.get('/', pageHandler(home));
  return r;
}
