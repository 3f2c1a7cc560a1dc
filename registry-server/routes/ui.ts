import { createHash } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { ChartroomError } from '../../core/errors.js';
import type { IndexEntry } from '../../core/repo/index-file.js';
import { clientStatus, may } from '../http.js';
import { CHART_NAME_RE, MAX_CHART_NAME, checkRepo } from '../registry.js';
import { APP_JS, APP_JS_ETAG } from '../pages/app-js.js';
import { STYLE_CSS, STYLE_ETAG } from '../pages/assets.js';
import { CHART_PAGE_TEMPLATE_VERSION, chartPage, pageFieldsOf, type PageDependencyRow } from '../pages/chart.js';
import { chromeFor, latestOf, sendErrorPage, sendHtml, seg, uiCaller, UI_CSP, type UiCaller, type UiContext } from '../ui/context.js';
import { ModelGone } from '../ui/model-cache.js';
import { validHost } from './ops.js';

const VERSION_RE = /^[0-9A-Za-z.+-]{1,256}$/;

/** A size for people: bytes, KiB or MiB with one decimal. */
function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * Chart pages as sent, by ETag (whose state names everything a page shows), for callers without a session: a page
 * asked for again is sent without rendering it again. Least recently used first out, bounded by bytes.
 */
class PageCache {
  private readonly pages = new Map<string, string>();
  private chars = 0;
  constructor(private readonly maxChars = 16 * 1024 * 1024) {}

  get(etag: string): string | undefined {
    const html = this.pages.get(etag);
    if (html !== undefined) {
      this.pages.delete(etag);
      this.pages.set(etag, html);
    }
    return html;
  }

  put(etag: string, html: string): void {
    if (html.length > this.maxChars / 8 || this.pages.has(etag)) return;
    this.pages.set(etag, html);
    this.chars += html.length;
    for (const [k, v] of this.pages) {
      if (this.chars <= this.maxChars) break;
      this.pages.delete(k);
      this.chars -= v.length;
    }
  }
}

/**
 * Where a chart page's route parameters point: the repository ('' the root one), checked; the chart's versions
 * (newest first); the caller. Answers itself (404 page, login redirect, 403) and returns false when there is no
 * such chart or the caller may not read it. Shared by every page about one chart.
 */
export async function resolveChart(ctx: UiContext, req: Request, res: Response): Promise<{ repo: string; name: string; caller: UiCaller; versions: IndexEntry[] } | false> {
  const repo = req.params.repo === undefined ? '' : String(req.params.repo);
  const name = String(req.params.name);
  try {
    checkRepo(repo);
  } catch {
    // Checked before credentials only for its shape: a reserved or malformed name cannot exist.
    return sendErrorPage(req, res, 404, 'No such repository.'), false;
  }
  const caller = await uiCaller(ctx, req, res, repo, 'read');
  if (caller === false) return false;
  if (!ctx.registry.hasRepository(repo)) return sendErrorPage(req, res, 404, `No repository named ${repo}.`, caller), false;
  if (name.length > MAX_CHART_NAME || !CHART_NAME_RE.test(name)) return sendErrorPage(req, res, 404, 'No such chart.', caller), false;
  const versions = ctx.registry.readIndex(repo).versionsOf(name);
  if (versions.length === 0) return sendErrorPage(req, res, 404, `No chart named ${name}${repo ? ` in repository ${repo}` : ''}.`, caller), false;
  return { repo, name, caller, versions };
}

/** A version named in a URL, if the chart has it. */
export function versionIn(versions: IndexEntry[], wanted: string): IndexEntry | undefined {
  return VERSION_RE.test(wanted) ? versions.find((v) => v.version === wanted) : undefined;
}

/** Wraps a page's handler: a version deleted meanwhile is a 404 page, a client error a 4xx page, anything else the error handler's. */
export function pageHandler(fn: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    fn(req, res).catch((e: unknown) => {
      if (res.headersSent) return next(e);
      if (e instanceof ModelGone) return sendErrorPage(req, res, 404, 'This version is no longer stored.');
      const status = e instanceof ChartroomError ? clientStatus(e.code) : undefined;
      if (e instanceof ChartroomError && status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429) {
        return sendErrorPage(req, res, status === 404 ? 404 : 422, status === 404 ? 'Not found.' : 'This chart version cannot be shown.');
      }
      next(e);
    });
  };
}

/**
 * The web UI's chart pages: `/ui/charts/NAME[/VERSION]` for the root repository and `/ui/r/REPO/charts/NAME[/VERSION]`
 * for a named one (a chart page without a version redirects to the newest stable version's), and the UI's assets
 * at `/ui/assets/`. Reads obey the read rule of the access policy, like the repository's index and archives; an
 * unknown repository, chart or version is a 404 page (and never makes a repository).
 */
export function uiRouter(ctx: UiContext): Router {
  const r = Router();
  const { registry, policy } = ctx;
  const pages = new PageCache();

  // The assets hold no data: they are served to anyone, so the login form is still styled.
  const asset = (body: string, etag: string, type: string) => (req: Request, res: Response) => {
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    res.type(type).send(body);
  };
  r.get('/ui/assets/style.css', asset(STYLE_CSS, STYLE_ETAG, 'text/css'));
  r.get('/ui/assets/app.js', asset(APP_JS, APP_JS_ETAG, 'text/javascript'));

  const page = async (req: Request, res: Response): Promise<void> => {
    res.locals.route = req.params.repo === undefined ? '/ui/charts/:name/:version' : '/ui/r/:repo/charts/:name/:version';
    const found = await resolveChart(ctx, req, res);
    if (!found) return;
    const { repo, name, caller, versions } = found;
    const wanted = req.params.version === undefined ? undefined : String(req.params.version);

    if (wanted === undefined) {
      const latest = latestOf(versions)!;
      // Relative, so a proxy's path prefix is kept: from .../charts/NAME to .../charts/NAME/VERSION.
      const location = req.path.endsWith('/') ? seg(latest.version) : `${seg(name)}/${seg(latest.version)}`;
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Content-Security-Policy', UI_CSP);
      return void res.redirect(302, location);
    }
    const entry = versionIn(versions, wanted);
    if (!entry) return sendErrorPage(req, res, 404, `${name} has no version ${wanted}.`, caller);
    const idx = registry.readIndex(repo);
    const canDelete = caller.session !== undefined && may(policy, caller.principal, repo, 'write');

    const key = ctx.models.keyOf(repo, entry);
    const from = (versions[versions.indexOf(entry) + 1] ?? versions.find((v) => v !== entry))?.version;
    const versionRows = versions.map((v) => ({ compareFrom: v.version === from, version: v.version, created: v.created, appVersion: v.appVersion === undefined ? undefined : String(v.appVersion), digest: v.digest, href: `./${seg(v.version)}`, current: v.version === entry.version }));
    const readsNeedAuth = policy.requireAuthForReads;
    const state = JSON.stringify([
      CHART_PAGE_TEMPLATE_VERSION,
      key,
      ctx.baseUrl ?? `${req.protocol}://${req.headers.host ?? ''}`,
      // The page's links are relative to its path, and the sign-in link names the whole URL.
      req.originalUrl,
      versionRows.map((v) => [v.version, v.digest, v.created, v.appVersion]),
      (Array.isArray(entry.dependencies) ? (entry.dependencies as { name?: unknown }[]) : []).map((d) => idx.has(String(d?.name))),
      caller.session ? [caller.session.principal.name, caller.session.csrf, canDelete] : caller.principal ? 1 : 0,
    ]);
    const etag = `"ui-${createHash('sha256').update(state).digest('hex').slice(0, 32)}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', readsNeedAuth || caller.session ? 'private, no-cache' : 'public, no-cache');
    res.setHeader('Vary', 'Authorization, Cookie, Host');
    if (req.headers['if-none-match'] === etag) {
      res.setHeader('Content-Security-Policy', UI_CSP);
      return void res.status(304).end();
    }

    // The state names everything the page shows: a page made for it before is the same page.
    const made = caller.session ? undefined : pages.get(etag);
    if (made !== undefined) return sendHtml(res, 200, made);

    const { model, signed } = await ctx.models.model(repo, entry);
    const provenance = await ctx.provenance.status(repo, entry, key, signed);

    const dependencies: PageDependencyRow[] = model.dependencies.map((d) => (idx.has(d.name) && CHART_NAME_RE.test(d.name) ? { ...d, href: `../${seg(d.name)}` } : { ...d }));
    const host = ctx.baseUrl ?? `${req.protocol}://${validHost(req.headers.host) ?? 'localhost'}`;
    const repoUrl = `${host}${repo ? `/${repo}` : ''}`;
    const ociHost = host.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    const file = `${name}-${entry.version}.tgz`;
    const archiveUrl = /^https?:\/\//.test(registry.chartUrl(repo, file)) ? registry.chartUrl(repo, file) : `${repoUrl}/charts/${seg(file)}`;
    const alias = repo ? `chartroom-${repo}` : 'chartroom';
    const html = chartPage({
      chrome: chromeFor(req, caller, `${name} ${entry.version}${repo ? ` (${repo})` : ''}`),
      ...pageFieldsOf(model),
      repo,
      dependencies,
      digest: entry.digest,
      created: entry.created,
      sizeText: sizeText(model.archiveSize),
      signed,
      provenance,
      versions: versionRows,
      compareHref: versions.length > 1 ? 'compare' : undefined,
      deleteHref: canDelete ? `./${seg(entry.version)}/delete` : undefined,
      install: {
        chart: `chart install RELEASE ${archiveUrl}`,
        helmRepoAdd: `helm repo add ${alias} ${repoUrl}`,
        helmInstall: `helm install RELEASE ${alias}/${name} --version ${entry.version}`,
        helmPull: `helm pull oci://${ociHost}/${repo ? `${repo}/` : ''}${name} --version ${entry.version}`,
      },
    });
    if (!caller.session) pages.put(etag, html);
    sendHtml(res, 200, html);
  };

  const handler = pageHandler(page);
  r.get('/ui/charts/:name', handler);
  r.get('/ui/charts/:name/:version', handler);
  r.get('/ui/r/:repo/charts/:name', handler);
  r.get('/ui/r/:repo/charts/:name/:version', handler);
  return r;
}
