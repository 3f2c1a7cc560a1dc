import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { TooManyAttempts, Unauthorized, type Principal } from '../auth.js';
import { ServerBusy } from '../bcrypt-worker.js';
import { may } from '../http.js';
import { deletePage, loginPage } from '../pages/session.js';
import { chromeFor, sendErrorPage, sendHtml, seg, toRoot, type UiCaller, type UiContext } from '../ui/context.js';
import { safeNext, UiSessions, type UiSession } from '../ui/session.js';
import { pageHandler, resolveChart, versionIn } from './ui.js';

/** The longest form body read: a user name, a password and a path fit easily. */
const MAX_FORM_BYTES = 4096;
const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;
const WRONG_CREDENTIALS = 'Wrong user name or password.';
const STALE_FORM = 'This form is out of date or was not sent by this site. Go back, reload the page and try again.';
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

const parseForm = express.text({ type: 'application/x-www-form-urlencoded', limit: MAX_FORM_BYTES, defaultCharset: 'utf-8' });

/** The fields of a submitted form (URLSearchParams: `get` gives the first value of a name, or null). */
function formOf(res: Response): URLSearchParams {
  return (res.locals as { form?: URLSearchParams }).form ?? new URLSearchParams();
}

/**
 * Reads an urlencoded form body (at most 4 KB) into `res.locals.form`; any other body is an empty form. A body
 * too large or unreadable is an error page, not the API's JSON.
 */
function formBody(req: Request, res: Response, next: NextFunction): void {
  parseForm(req, res, (err?: unknown) => {
    if (err) {
      const e = err as { status?: number; type?: string };
      const tooLarge = e.type === 'entity.too.large' || e.status === 413;
      return sendErrorPage(req, res, tooLarge ? 413 : 400, tooLarge ? 'The form sent is too large.' : 'The form sent could not be read.');
    }
    (res.locals as { form?: URLSearchParams }).form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    next();
  });
}

/**
 * The web UI's login form, logout, and deleting a version: `GET|POST /ui/login`, `POST /ui/logout`, and
 * `GET|POST /ui/charts/NAME/VERSION/delete` (and `/ui/r/REPO/charts/…/delete`).
 *
 * Signing in checks the password through the AuthProvider (its login limiter and bcrypt pool apply) and sets
 * the session cookie (ui/session.ts); only users sign in, never tokens. Every form that changes something
 * carries the session's CSRF token, checked in constant time, on top of SameSite=Strict and the app's refusal
 * of cross-site writes. Deleting needs a session (not Basic credentials: forms are for sessions) whose user may
 * write the repository. The pages are never cached, and no password or cookie is ever written back or logged.
 */
export function sessionRouter(ctx: UiContext): Router {
  const r = Router();
  const secure = (req: Request) => req.secure || (ctx.baseUrl?.startsWith('https://') ?? false);

  /** The login form, as first shown or after a failed attempt (the user name kept, the password never). */
  const sendLogin = (req: Request, res: Response, status: number, data: { username?: string; next?: string; error?: string }, session?: UiSession) => {
    res.setHeader('Cache-Control', 'no-store');
    const caller: UiCaller | undefined = session ? { principal: session.principal, session } : undefined;
    const chrome = { ...chromeFor(req, caller, 'Sign in'), loginHref: undefined };
    sendHtml(res, status, loginPage({ chrome, action: 'login', ...data }));
  };

  r.get(
    '/ui/login',
    pageHandler(async (req, res) => {
      const raw = req.query.next;
      const session = await ctx.sessions.read(req);
      sendLogin(req, res, 200, { next: safeNext(typeof raw === 'string' ? raw : undefined) }, session);
    }),
  );

  r.post(
    '/ui/login',
    formBody,
    pageHandler(async (req, res) => {
      const form = formOf(res);
      const username = form.get('username') ?? '';
      const password = form.get('password') ?? '';
      const next = safeNext(form.get('next') ?? undefined);
      const shown = username.length <= MAX_USERNAME && !CONTROL_RE.test(username) ? username : undefined;
      const again = (status: number, error: string) => sendLogin(req, res, status, { username: shown, next, error });

      if (!ctx.sessions.enabled) return again(503, 'Signing in is not available on this registry.');
      if (!username || !password) return again(400, 'Enter your user name and password.');
      // A name Basic credentials cannot carry, or longer than any cookie holds, is no user of ours.
      if (username.length > MAX_USERNAME || password.length > MAX_PASSWORD || username.includes(':') || CONTROL_RE.test(username)) return again(401, WRONG_CREDENTIALS);

      let principal: Principal | undefined;
      try {
        principal = await ctx.policy.auth.authenticate(`Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`, req.ip ?? req.socket.remoteAddress);
      } catch (e) {
        if (e instanceof TooManyAttempts || e instanceof ServerBusy) {
          res.setHeader('Retry-After', String(e.retryAfter));
          return e instanceof TooManyAttempts
            ? again(429, `Too many failed sign-ins. Try again in ${e.retryAfter} seconds.`)
            : again(503, `The registry is busy. Try again in ${e.retryAfter} seconds.`);
        }
        if (e instanceof Unauthorized) return again(401, WRONG_CREDENTIALS);
        throw e;
      }
      // Users only: a token of the tokens file is for helm and the CLI.
      if (!principal || principal.kind !== 'user') return again(401, 'Only users sign in here; tokens are for helm and the CLI.');
      const value = await ctx.sessions.sign(principal.name);
      if (!value) return again(401, WRONG_CREDENTIALS);

      res.setHeader('Set-Cookie', ctx.sessions.cookieHeader(value, secure(req)));
      res.setHeader('Cache-Control', 'no-store');
      // Relative to /ui/login, so a reverse proxy's path prefix is kept.
      const root = toRoot(req);
      res.redirect(303, next ? `${root}${next.slice(1)}` : root);
    }),
  );

  r.post(
    '/ui/logout',
    formBody,
    pageHandler(async (req, res) => {
      const session = await ctx.sessions.read(req);
      res.setHeader('Cache-Control', 'no-store');
      // Without a valid session there is nothing to end (or to forge): the cookie is cleared all the same.
      if (session && !UiSessions.csrfMatches(session, formOf(res).get('csrf'))) return sendErrorPage(req, res, 403, STALE_FORM, { principal: session.principal, session });
      res.setHeader('Set-Cookie', UiSessions.clearCookieHeader(secure(req)));
      res.redirect(303, toRoot(req));
    }),
  );

  /**
   * The version a delete URL names and the session allowed to delete it; answers itself (404, login redirect,
   * 403) and returns false otherwise. A session is needed: Basic credentials alone get 403.
   */
  const deletable = async (req: Request, res: Response) => {
    res.locals.route = req.params.repo === undefined ? '/ui/charts/:name/:version/delete' : '/ui/r/:repo/charts/:name/:version/delete';
    const found = await resolveChart(ctx, req, res);
    if (!found) return false;
    const { repo, name, versions, caller } = found;
    // A browser that also sends Basic credentials is still identified by its session here.
    const session = caller.session ?? (await ctx.sessions.read(req));
    if (!session) {
      if (!caller.principal) {
        res.setHeader('Cache-Control', 'no-store');
        res.redirect(303, `${toRoot(req)}ui/login?next=${seg(req.originalUrl.slice(0, 2048))}`);
        return false;
      }
      sendErrorPage(req, res, 403, 'Deleting a version from these pages needs signing in with the login form.', caller);
      return false;
    }
    const asSession: UiCaller = { principal: session.principal, session };
    if (!may(ctx.policy, session.principal, repo, 'write')) {
      sendErrorPage(req, res, 403, `${session.principal.name} may not delete from ${repo ? `repository ${repo}` : 'the root repository'}.`, asSession);
      return false;
    }
    const entry = versionIn(versions, String(req.params.version));
    if (!entry) {
      sendErrorPage(req, res, 404, `${name} has no version ${String(req.params.version)}.`, asSession);
      return false;
    }
    return { repo, name, entry, session, caller: asSession };
  };

  const confirm = pageHandler(async (req, res) => {
    const target = await deletable(req, res);
    if (!target) return;
    const { repo, name, entry, session, caller } = target;
    res.setHeader('Cache-Control', 'no-store');
    sendHtml(
      res,
      200,
      deletePage({
        chrome: chromeFor(req, caller, `Delete ${name} ${entry.version}`),
        action: 'delete',
        cancelHref: `../${seg(entry.version)}`,
        name,
        version: entry.version,
        repo,
        digest: entry.digest,
        created: entry.created,
        appVersion: entry.appVersion === undefined ? undefined : String(entry.appVersion),
        csrf: session.csrf,
      }),
    );
  });

  const remove = pageHandler(async (req, res) => {
    const target = await deletable(req, res);
    if (!target) return;
    const { repo, name, entry, session, caller } = target;
    if (!UiSessions.csrfMatches(session, formOf(res).get('csrf'))) return sendErrorPage(req, res, 403, STALE_FORM, caller);
    // Its page model goes too, from memory and from the store (uiContext has the registry tell the model cache).
    await ctx.registry.delete(repo, name, entry.version);
    res.setHeader('Cache-Control', 'no-store');
    // From …/charts/NAME/VERSION/delete, ../../NAME is the chart, which sends the browser on to its newest version.
    const remaining = ctx.registry.readIndex(repo).versionsOf(name);
    res.redirect(303, remaining.length > 0 ? `../../${seg(name)}` : toRoot(req));
  });

  for (const base of ['/ui/charts/:name/:version/delete', '/ui/r/:repo/charts/:name/:version/delete']) {
    r.get(base, confirm);
    r.post(base, formBody, remove);
  }
  return r;
}
