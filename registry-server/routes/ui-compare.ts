import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { COMPARE_PAGE_TEMPLATE_VERSION, comparePage, compareResult, type CompareOption, type ComparePageData, type CompareResultData } from '../pages/compare.js';
import { CompareCache, compareModels } from '../ui/compare.js';
import { chromeFor, latestOf, sendErrorPage, sendHtml, seg, UI_CSP, type UiContext } from '../ui/context.js';
import { pageHandler, resolveChart, versionIn } from './ui.js';

/**
 * A query parameter as the compare form sends it: undefined when absent or empty, null when it is not one string
 * (repeated, or nested), else its value.
 */
function param(v: unknown): string | undefined | null {
  if (v === undefined || v === '') return undefined;
  return typeof v === 'string' ? v : null;
}

/**
 * The web UI's comparison of two versions of a chart: `/ui/charts/NAME/compare?from=A&to=B` for the root
 * repository and `/ui/r/REPO/charts/NAME/compare` for a named one. Without both versions it is the form that
 * chooses them (200), with a version the chart lacks the form and a 404; otherwise what changed in values.yaml,
 * in the keys of the values table and in the templates. Reads obey the read rule like the chart pages (through
 * resolveChart). Comparisons are computed from the cached page models, and kept in a small cache of their own.
 */
export function compareRouter(ctx: UiContext): Router {
  const r = Router();
  const cache = new CompareCache();

  const page = async (req: Request, res: Response): Promise<void> => {
    res.locals.route = req.params.repo === undefined ? '/ui/charts/:name/compare' : '/ui/r/:repo/charts/:name/compare';
    const found = await resolveChart(ctx, req, res);
    if (!found) return;
    const { repo, name, caller, versions } = found;

    // Links relative to this page (…/charts/NAME/compare, or …/compare/ when a trailing slash was typed).
    const here = req.path.endsWith('/') ? '../' : './';
    const versionHref = (v: string) => `${here}${seg(v)}`;
    const base = { repo, name, chartHref: `${here === './' ? '../' : '../../'}${seg(name)}`, formAction: `${here}compare` };

    const fromQ = param(req.query.from);
    const toQ = param(req.query.to);
    const from = typeof fromQ === 'string' ? versionIn(versions, fromQ) : undefined;
    const to = typeof toQ === 'string' ? versionIn(versions, toQ) : undefined;
    const title = (what: string) => `${what}${repo ? ` (${repo})` : ''}`;

    /** The form's choices: the versions asked for when the chart has them, else the newest stable one and the one before it. */
    const options = (): CompareOption[] => {
      const newest = to ?? latestOf(versions)!;
      const older = from ?? versions[versions.indexOf(newest) + 1] ?? versions.find((v) => v !== newest)!;
      return versions.map((v) => ({ version: v.version, selectedFrom: v === older, selectedTo: v === newest }));
    };
    const formPage = (message: string, error: boolean): ComparePageData => ({
      chrome: chromeFor(req, caller, title(`Compare versions of ${name}`)),
      ...base,
      options: options(),
      canCompare: versions.length > 1,
      message,
      messageIsError: error,
    });

    // A version the chart lacks: the form again, with the reason, as a 404 (never cached).
    const unknown = [fromQ, toQ].find((q, i) => q === null || (q !== undefined && (i === 0 ? from : to) === undefined));
    if (unknown !== undefined) {
      res.setHeader('Cache-Control', 'no-store');
      const message = unknown === null ? 'Name one version in each of from and to.' : `${name} has no version ${unknown}.`;
      return sendHtml(res, 404, comparePage(formPage(message, true)));
    }

    const pair = from && to ? { from, to } : undefined;
    const keys = pair ? [ctx.models.keyOf(repo, pair.from), ctx.models.keyOf(repo, pair.to)] : [];
    const state = JSON.stringify([
      COMPARE_PAGE_TEMPLATE_VERSION,
      req.originalUrl,
      keys,
      versions.map((v) => v.version),
      caller.session ? [caller.session.principal.name, caller.session.csrf] : caller.principal ? 1 : 0,
    ]);
    const etag = `"ui-${createHash('sha256').update(state).digest('hex').slice(0, 32)}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', ctx.policy.requireAuthForReads || caller.session ? 'private, no-cache' : 'public, no-cache');
    res.setHeader('Vary', 'Authorization, Cookie, Host');
    if (req.headers['if-none-match'] === etag) {
      res.setHeader('Content-Security-Policy', UI_CSP);
      return void res.status(304).end();
    }

    if (!pair) {
      const message = versions.length > 1 ? 'Choose two versions to compare.' : `${name} has only one version, ${versions[0].version}: there is nothing to compare it with.`;
      return sendHtml(res, 200, comparePage(formPage(message, false)));
    }

    const links = {
      from: pair.from.version,
      to: pair.to.version,
      fromHref: versionHref(pair.from.version),
      toHref: versionHref(pair.to.version),
      swapHref: `?from=${seg(pair.to.version)}&to=${seg(pair.from.version)}`,
    };
    let result: CompareResultData;
    if (pair.from === pair.to) {
      result = compareResult({ values: { state: 'identical', hunks: [], added: 0, removed: 0, truncated: false }, valueChanges: [], valueChangesTruncated: false, templates: [], unchangedTemplates: 0, notices: [] }, links);
      result.sameVersion = true;
    } else {
      const [a, b] = await Promise.all([ctx.models.model(repo, pair.from), ctx.models.model(repo, pair.to)]);
      result = compareResult(cache.get(JSON.stringify(keys), () => compareModels(a.model, b.model)), links);
    }
    const html = comparePage({
      chrome: chromeFor(req, caller, title(`Compare ${name} ${pair.from.version} with ${pair.to.version}`)),
      ...base,
      options: options(),
      canCompare: versions.length > 1,
      result,
    });
    sendHtml(res, 200, html);
  };

  const handler = pageHandler(page);
  r.get('/ui/charts/:name/compare', handler);
  r.get('/ui/r/:repo/charts/:name/compare', handler);
  return r;
}
