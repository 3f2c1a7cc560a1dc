import type { Request, Response } from 'express';
import semver from 'semver';
import type { IndexEntry } from '../../core/repo/index-file.js';
import { TooManyAttempts, Unauthorized, type Action, type Principal } from '../auth.js';
import { ServerBusy } from '../bcrypt-worker.js';
import { may, type AccessPolicy } from '../http.js';
import { errorPage, type PageChrome } from '../pages/layout.js';
import type { Keyring } from '../../core/provenance/keyring.js';
import type { ChartRegistry } from '../registry.js';
import { ProvenanceChecks } from './provenance-status.js';
import { ModelCache, type ModelCacheLimits, type ModelCacheWarning } from './model-cache.js';
import { UiSessions, type UiSession } from './session.js';

/**
 * The pages' own policy, stricter than the registry's default: scripts and styles only from the registry's own
 * assets (no inline script or style), images from the registry, https and data: (chart icons and README images),
 * fetches only to the registry, forms only to the registry.
 */
export const UI_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Everything the UI's routers share: the registry, who may read what, the page models, the login sessions. */
export interface UiContext {
  registry: ChartRegistry;
  policy: AccessPolicy;
  models: ModelCache;
  sessions: UiSessions;
  /** Provenance files checked against the registry's keyring (--keyring), if it has one. */
  provenance: ProvenanceChecks;
  /** The registry's external URL (--chart-url) when configured, without a trailing slash. */
  baseUrl?: string;
}

export interface UiContextOptions {
  cache?: ModelCacheLimits;
  sessions?: UiSessions;
  /** Where the model cache reports a stored model it could not write or delete (the page is served all the same). */
  warn?: ModelCacheWarning;
  /** The keys chart pages verify provenance files with (--keyring); without it, a signed chart is shown as signed, not verified. */
  keyring?: Keyring;
}

/** The base URL --chart-url configured, as the registry writes it into chart URLs; undefined without one. */
function configuredUrl(registry: ChartRegistry): string | undefined {
  const probe = registry.chartUrl('', 'x');
  return /^https?:\/\//.test(probe) ? probe.slice(0, -'/charts/x'.length) : undefined;
}

export function uiContext(registry: ChartRegistry, policy: AccessPolicy, opts: UiContextOptions = {}): UiContext {
  const models = new ModelCache(registry, opts.cache, opts.warn);
  // A version's stored page model goes with it, whichever API deleted or replaced it.
  registry.onRemoved((repo, entry) => models.forget(repo, entry));
  return { registry, policy, models, sessions: opts.sessions ?? new UiSessions(), provenance: new ProvenanceChecks(registry, opts.keyring), baseUrl: configuredUrl(registry) };
}

export const seg = (s: string) => encodeURIComponent(s);

/** The newest stable version (the newest of all when every version is a pre-release). */
export function latestOf(versions: IndexEntry[]): IndexEntry | undefined {
  return versions.find((v) => semver.prerelease(v.version) === null) ?? versions[0];
}

/** The path from a request's page up to the site's root: '' at the root, '../../' two segments down. */
export function toRoot(req: Request): string {
  const depth = Math.max(0, req.path.split('/').length - 2);
  return depth === 0 ? './' : '../'.repeat(depth);
}

/** Who is looking at a page: the principal (undefined: anonymous) and, when they came through the login form, their session. */
export interface UiCaller {
  principal?: Principal;
  session?: UiSession;
}

/** The frame of a page for a caller: relative links from the request's page, and the login state. */
export function chromeFor(req: Request, caller: UiCaller | undefined, title: string): PageChrome {
  const root = toRoot(req);
  const chrome: PageChrome = { title, homeHref: root, styleHref: `${root}ui/assets/style.css`, scriptHref: `${root}ui/assets/app.js` };
  if (caller?.session) return { ...chrome, user: caller.session.principal.name, logoutHref: `${root}ui/logout`, csrf: caller.session.csrf };
  if (!caller?.principal) chrome.loginHref = `${root}ui/login?next=${seg(req.originalUrl.split('#')[0].slice(0, 2048))}`;
  return chrome;
}

export function sendHtml(res: Response, status: number, html: string): void {
  res.setHeader('Content-Security-Policy', UI_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Not the registry's no-referrer: with it, browsers send `Origin: null` on the pages' own form posts (login,
  // logout, delete), which the cross-site write check must refuse. Other sites still learn nothing.
  res.setHeader('Referrer-Policy', 'same-origin');
  res.status(status).type('html').send(html);
}

/** An error page (never cached). */
export function sendErrorPage(req: Request, res: Response, status: number, message: string, caller?: UiCaller): void {
  res.setHeader('Cache-Control', 'no-store');
  res.removeHeader('ETag');
  const title = status === 404 ? 'Not found' : status === 403 ? 'Forbidden' : status === 401 ? 'Sign in needed' : status === 429 ? 'Too many attempts' : `Error ${status}`;
  sendHtml(res, status, errorPage({ chrome: chromeFor(req, caller, title), status, message }));
}

/**
 * Who the caller of a page is: from the Authorization header (curl, scripts, a browser that sent Basic
 * credentials) or else the login form's session cookie. Never answers with a Basic challenge: a browser that
 * needs to sign in is sent to the login form (303) instead of the browser's password popup. Answers itself and
 * returns false when the caller may not `action` the repository `repo` ('*': only identify, no check).
 */
export async function uiCaller(ctx: UiContext, req: Request, res: Response, repo: string, action: Action): Promise<UiCaller | false> {
  let caller: UiCaller = {};
  try {
    const principal = await ctx.policy.auth.authenticate(req.headers.authorization, req.ip ?? req.socket.remoteAddress);
    if (principal) caller = { principal };
    else {
      const session = await ctx.sessions.read(req);
      if (session) caller = { principal: session.principal, session };
    }
  } catch (e) {
    if (e instanceof TooManyAttempts || e instanceof ServerBusy) {
      res.setHeader('Retry-After', String(e.retryAfter));
      sendErrorPage(req, res, e instanceof TooManyAttempts ? 429 : 503, e.message);
      return false;
    }
    if (!(e instanceof Unauthorized)) throw e;
    sendErrorPage(req, res, 401, 'The credentials sent with this request are not valid.');
    return false;
  }
  if (repo === '*' || may(ctx.policy, caller.principal, repo, action)) return caller;
  if (!caller.principal) {
    res.setHeader('Cache-Control', 'no-store');
    const root = toRoot(req);
    return void res.redirect(303, `${root}ui/login?next=${seg(req.originalUrl.slice(0, 2048))}`), false;
  }
  const what = repo ? `repository ${repo}` : 'the root repository';
  sendErrorPage(req, res, 403, `${caller.principal.name} may not ${action} ${what}.`, caller);
  return false;
}
