import { Router, type Request, type Response } from 'express';
import { ChartroomError } from '../../core/errors.js';
import type { Principal } from '../auth.js';
import { identify, may, route, sendError } from '../http.js';
import { checkRepo } from '../registry.js';
import type { UiContext } from '../ui/context.js';
import { chartSearchFor, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_QUERY_TERMS, queryTerms, type SearchQuery } from '../search.js';

const DEFAULT_PER_PAGE = 20;
/** Pages past this are refused rather than computed (there are never that many charts). */
const MAX_PAGE = 1_000_000;

const bad = (message: string) => new ChartroomError('BAD_REQUEST', message);

/** A query parameter given at most once, as text; undefined when absent. */
function param(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(`${name} must be given once, as text`);
  return v;
}

function positiveInt(req: Request, name: string, fallback: number): number {
  const raw = param(req, name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,7}$/.test(raw) || Number(raw) < 1) throw bad(`${name} must be a whole number from 1`);
  return Number(raw);
}

/** The search's parameters from the query string; BAD_REQUEST for any that is malformed. */
function parseQuery(req: Request): SearchQuery {
  const q = param(req, 'q') ?? '';
  if (q.length > MAX_QUERY_CHARS) throw bad(`q is longer than ${MAX_QUERY_CHARS} characters`);
  if (queryTerms(q).length > MAX_QUERY_TERMS) throw bad(`q has more than ${MAX_QUERY_TERMS} words`);
  const deprecated = param(req, 'deprecated');
  if (deprecated !== undefined && deprecated !== 'true' && deprecated !== 'false') throw bad('deprecated must be true or false');
  const type = param(req, 'type');
  if (type !== undefined && type !== 'application' && type !== 'library') throw bad('type must be application or library');
  const page = positiveInt(req, 'page', 1);
  if (page > MAX_PAGE) throw bad(`page must be at most ${MAX_PAGE}`);
  const perPage = Math.min(MAX_PER_PAGE, positiveInt(req, 'per_page', DEFAULT_PER_PAGE));
  const repo = param(req, 'repo');
  return {
    q,
    repo: repo === undefined ? undefined : repo === '/' ? '' : checkRepo(repo),
    deprecated: deprecated === undefined ? undefined : deprecated === 'true',
    type: type as SearchQuery['type'],
    page,
    perPage,
  };
}

/**
 * GET /api/search: charts by name, keywords, description and maintainers, over the repositories the caller may
 * read (or the one `repo` names), from an index in memory (the registry's one index, which the home page shares).
 * The caller is the Authorization header's, or else the web UI's login session (so the UI's script can search
 * for a signed-in user); the answers are JSON either way, never a login redirect.
 */
export function searchRouter(ctx: UiContext): Router {
  const { registry, policy } = ctx;
  const r = Router();
  const index = chartSearchFor(registry);

  /** Who calls: Authorization first (its errors are the API's 401/429/503), else a valid session cookie, else anonymous (401 when reads need credentials). */
  const caller = async (req: Request, res: Response): Promise<Principal | undefined | false> => {
    if (!req.headers.authorization) {
      const session = await ctx.sessions.read(req);
      if (session) return session.principal;
    }
    return identify(req, res, policy, 'read');
  };

  r.get(
    '/api/search',
    route(async (req, res) => {
      const query = parseQuery(req);
      if (query.repo !== undefined) {
        // One repository: the same answers as its other read routes (401/403, then 404 if it does not exist).
        const principal = await caller(req, res);
        if (principal === false) return;
        if (!may(policy, principal, query.repo, 'read')) {
          return sendError(res, 'FORBIDDEN', `${principal?.name ?? 'anonymous'} may not read ${query.repo ? `repository ${query.repo}` : 'the root repository'}`);
        }
        registry.readIndex(query.repo);
        return void res.json(index.search(query, () => true));
      }
      const principal = await caller(req, res);
      if (principal === false) return;
      res.json(index.search(query, (repo) => may(policy, principal, repo, 'read')));
    }),
  );
  return r;
}
