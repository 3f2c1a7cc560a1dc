import { createHash } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import semver from 'semver';
import { ChartroomError } from '../../core/errors.js';
import type { IndexEntry } from '../../core/repo/index-file.js';
import { authorize, clientStatus, type AccessPolicy } from '../http.js';
import { CHART_NAME_RE, MAX_CHART_NAME, checkRepo, type ChartRegistry } from '../registry.js';
import { STYLE_CSS, STYLE_ETAG } from '../pages/assets.js';
import { CHART_PAGE_TEMPLATE_VERSION, chartPage, errorPage, pageFieldsOf, type PageDependencyRow } from '../pages/chart.js';
import { chartPageModel, type ChartPageModel } from '../ui/chart-page.js';
import { validHost } from './ops.js';

/**
 * The pages' own policy, stricter than the registry's default: no script at all, styles only from the
 * registry's style sheet, images from the registry, https and data: (chart icons and README images).
 */
export const UI_CSP = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export interface ModelCacheLimits {
  entries: number;
  /** Bytes of strings held (two per UTF-16 code unit, an estimate). */
  bytes: number;
}

export const DEFAULT_MODEL_CACHE: ModelCacheLimits = { entries: 200, bytes: 64 * 1024 * 1024 };

interface CachedModel {
  model: ChartPageModel;
  signed: boolean;
  size: number;
}

/** An estimate of the memory a model's strings take. */
function modelSize(m: ChartPageModel): number {
  let chars = m.readmeHtml.length + m.valuesYaml.length + JSON.stringify(m.valuesTable).length + JSON.stringify(m.toc).length;
  for (const t of m.templates) chars += t.path.length + t.text.length;
  chars += JSON.stringify({ ...m, readmeHtml: '', valuesYaml: '', valuesTable: [], toc: [], templates: [] }).length;
  return chars * 2;
}

/** A least-recently-used cache of page models, bounded by entries and by size; computations in flight are shared. */
export class ModelCache {
  private readonly entries = new Map<string, CachedModel>();
  private readonly inflight = new Map<string, Promise<CachedModel>>();
  private bytes = 0;
  constructor(private readonly limits: ModelCacheLimits = DEFAULT_MODEL_CACHE) {}

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  async get(key: string, compute: () => Promise<{ model: ChartPageModel; signed: boolean }>): Promise<CachedModel> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    let p = this.inflight.get(key);
    if (!p) {
      p = compute()
        .then((c) => {
          const entry = { ...c, size: modelSize(c.model) };
          this.put(key, entry);
          return entry;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private put(key: string, entry: CachedModel): void {
    // A model larger than the whole budget is served, never kept.
    if (entry.size > this.limits.bytes || this.limits.entries <= 0) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.size;
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    this.bytes += entry.size;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.limits.entries && this.bytes <= this.limits.bytes) break;
      this.entries.delete(k);
      this.bytes -= e.size;
    }
  }
}

class PageNotFound extends Error {}

const VERSION_RE = /^[0-9A-Za-z.+-]{1,256}$/;
const seg = (s: string) => encodeURIComponent(s);

/** The newest stable version (the newest of all when every version is a pre-release). */
function latestOf(versions: IndexEntry[]): IndexEntry | undefined {
  return versions.find((v) => semver.prerelease(v.version) === null) ?? versions[0];
}

/** The base URL --chart-url configured, as the registry writes it into chart URLs; undefined without one. */
function configuredUrl(registry: ChartRegistry): string | undefined {
  const probe = registry.chartUrl('', 'x');
  return /^https?:\/\//.test(probe) ? probe.slice(0, -'/charts/x'.length) : undefined;
}

/**
 * The web UI's chart pages: `/ui/charts/NAME[/VERSION]` for the root repository and `/ui/r/REPO/charts/NAME[/VERSION]`
 * for a named one (a chart page without a version redirects to the newest stable version's), and the style sheet
 * at `/ui/assets/style.css`. Reads obey the read rule of `policy`, like the repository's index and archives; an
 * unknown repository, chart or version is a 404 page (and never makes a repository).
 */
export function uiRouter(registry: ChartRegistry, policy: AccessPolicy, opts: { cache?: ModelCacheLimits } = {}): Router {
  const r = Router();
  const cache = new ModelCache(opts.cache);
  const baseUrl = configuredUrl(registry);

  const sendHtml = (res: Response, status: number, html: string) => {
    res.setHeader('Content-Security-Policy', UI_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.status(status).type('html').send(html);
  };

  /** Relative URLs from a page `depth` segments below the site's root (so a reverse proxy's path prefix is kept). */
  const hrefs = (req: Request) => {
    const depth = Math.max(0, req.path.split('/').length - 2);
    const toRoot = depth === 0 ? './' : '../'.repeat(depth);
    return { styleHref: `${toRoot}ui/assets/style.css`, homeHref: toRoot };
  };

  const notFound = (req: Request, res: Response, message: string, status = 404) => {
    res.setHeader('Cache-Control', 'no-store');
    sendHtml(res, status, errorPage({ ...hrefs(req), status, title: status === 404 ? 'Not found' : `Error ${status}`, message }));
  };

  r.get('/ui/assets/style.css', (req, res) => {
    // The style sheet holds no data: it is served to anyone, so a page behind a login prompt is still styled.
    res.setHeader('ETag', STYLE_ETAG);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.headers['if-none-match'] === STYLE_ETAG) return void res.status(304).end();
    res.type('text/css').send(STYLE_CSS);
  });

  const page = async (req: Request, res: Response): Promise<void> => {
    res.locals.route = req.params.repo === undefined ? '/ui/charts/:name/:version' : '/ui/r/:repo/charts/:name/:version';
    const repo = req.params.repo === undefined ? '' : String(req.params.repo);
    const name = String(req.params.name);
    const wanted = req.params.version === undefined ? undefined : String(req.params.version);
    try {
      checkRepo(repo);
    } catch {
      // Checked before credentials only for its shape: a reserved or malformed name cannot exist.
      return notFound(req, res, 'No such repository.');
    }
    if ((await authorize(req, res, policy, repo, 'read')) === false) return;
    if (!registry.hasRepository(repo)) return notFound(req, res, `No repository named ${repo}.`);
    if (name.length > MAX_CHART_NAME || !CHART_NAME_RE.test(name)) return notFound(req, res, 'No such chart.');
    const idx = registry.readIndex(repo);
    const versions = idx.versionsOf(name);
    if (versions.length === 0) return notFound(req, res, `No chart named ${name}${repo ? ` in repository ${repo}` : ''}.`);

    if (wanted === undefined) {
      const latest = latestOf(versions)!;
      // Relative, so a proxy's path prefix is kept: from .../charts/NAME to .../charts/NAME/VERSION.
      const location = req.path.endsWith('/') ? seg(latest.version) : `${seg(name)}/${seg(latest.version)}`;
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Content-Security-Policy', UI_CSP);
      return void res.redirect(302, location);
    }
    const entry = VERSION_RE.test(wanted) ? idx.get(name, wanted) : undefined;
    if (!entry) return notFound(req, res, `${name} has no version ${wanted}.`);

    // A version's archive never changes; its provenance file may be added later, which changes its manifest.
    const manifest = registry.manifestOf(repo, name, entry.version)?.manifest ?? '';
    const file = `${name}-${entry.version}.tgz`;
    const key = [repo, name, entry.version, entry.digest, manifest].join('\0');

    // What else the page shows: the chart's versions and which dependencies are here to link to.
    const dependencies: PageDependencyRow[] = [];
    const versionRows = versions.map((v) => ({ version: v.version, created: v.created, appVersion: v.appVersion === undefined ? undefined : String(v.appVersion), digest: v.digest, href: `./${seg(v.version)}`, current: v.version === entry.version }));
    const readsNeedAuth = policy.requireAuthForReads;
    const state = JSON.stringify([CHART_PAGE_TEMPLATE_VERSION, key, baseUrl ?? req.headers.host ?? '', versionRows.map((v) => [v.version, v.digest, v.created, v.appVersion]), (Array.isArray(entry.dependencies) ? (entry.dependencies as { name?: unknown }[]) : []).map((d) => idx.has(String(d?.name)))]);
    const etag = `"ui-${createHash('sha256').update(state).digest('hex').slice(0, 32)}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', readsNeedAuth ? 'private, no-cache' : 'public, no-cache');
    res.setHeader('Vary', 'Authorization, Host');
    if (req.headers['if-none-match'] === etag) {
      res.setHeader('Content-Security-Policy', UI_CSP);
      return void res.status(304).end();
    }

    const { model, signed } = await cache.get(key, async () => {
      const found = await registry.file(repo, file);
      if (!found) throw new PageNotFound();
      const model = await chartPageModel(found.body, { name, version: entry.version, fileUrl: (p) => `./${seg(entry.version)}/files/${p.split('/').map(seg).join('/')}` });
      const prov = await registry.file(repo, `${file}.prov`);
      return { model, signed: prov !== undefined };
    });

    for (const d of model.dependencies) dependencies.push(idx.has(d.name) && CHART_NAME_RE.test(d.name) ? { ...d, href: `../${seg(d.name)}` } : { ...d });
    const host = baseUrl ?? `${req.protocol}://${validHost(req.headers.host) ?? 'localhost'}`;
    const repoUrl = `${host}${repo ? `/${repo}` : ''}`;
    const ociHost = host.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    const archiveUrl = /^https?:\/\//.test(registry.chartUrl(repo, file)) ? registry.chartUrl(repo, file) : `${repoUrl}/charts/${seg(file)}`;
    const alias = repo ? `chartroom-${repo}` : 'chartroom';
    const html = chartPage({
      ...hrefs(req),
      ...pageFieldsOf(model),
      repo,
      dependencies,
      digest: entry.digest,
      created: entry.created,
      signed,
      versions: versionRows,
      install: {
        chart: `chart install RELEASE ${archiveUrl}`,
        helmRepoAdd: `helm repo add ${alias} ${repoUrl}`,
        helmInstall: `helm install RELEASE ${alias}/${name} --version ${entry.version}`,
        helmPull: `helm pull oci://${ociHost}/${repo ? `${repo}/` : ''}${name} --version ${entry.version}`,
      },
    });
    sendHtml(res, 200, html);
  };

  const handler = (req: Request, res: Response, next: NextFunction): void => {
    page(req, res).catch((e: unknown) => {
      if (res.headersSent) return next(e);
      if (e instanceof PageNotFound) return notFound(req, res, 'This version is no longer stored.');
      const status = e instanceof ChartroomError ? clientStatus(e.code) : undefined;
      if (e instanceof ChartroomError && status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429) {
        res.removeHeader('ETag');
        return notFound(req, res, status === 404 ? 'Not found.' : 'This chart version cannot be shown.', status === 404 ? 404 : 422);
      }
      next(e);
    });
  };

  r.get('/ui/charts/:name', handler);
  r.get('/ui/charts/:name/:version', handler);
  r.get('/ui/r/:repo/charts/:name', handler);
  r.get('/ui/r/:repo/charts/:name/:version', handler);
  return r;
}
