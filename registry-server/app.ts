import express, { type Express, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { errorHandler, sendError, type AccessPolicy } from './http.js';
import type { RegistryMetrics } from './metrics.js';
import type { ChartRegistry } from './registry.js';
import { UploadSessions } from './oci/uploads.js';
import { chartMuseumRouter } from './routes/chartmuseum-api.js';
import { helmRepoRouter } from './routes/helm-repo.js';
import { ociRouter } from './routes/oci.js';
import { opsRouter } from './routes/ops.js';
import { searchRouter } from './routes/search-api.js';
import { uiRouter } from './routes/ui.js';
import { compareRouter } from './routes/ui-compare.js';
import { filesRouter } from './routes/ui-files.js';
import { homeRouter } from './routes/ui-home.js';
import { sessionRouter } from './routes/ui-session.js';
import { uiContext } from './ui/context.js';
import { UiSessions } from './ui/session.js';
import type { Keyring } from '../core/provenance/keyring.js';
import { UploadBudget } from './upload-budget.js';
import { TokenIssuer } from './oci/tokens.js';

export interface AppDeps {
  registry: ChartRegistry;
  policy: AccessPolicy;
  metrics: RegistryMetrics;
  log: Logger;
  maxUploadBytes: number;
  isReady: () => boolean;
  /** Upload bytes held at once over all requests (--upload-budget); default 128 MiB, or maxUploadBytes when larger. */
  uploadBudgetBytes?: number;
  /** OCI blob upload sessions (default: in the registry's store, expiring after an hour). */
  uploads?: UploadSessions;
  /** The OCI API's bearer tokens (default: signed with a key kept in the registry's store). */
  tokens?: TokenIssuer;
  /** The web UI's login sessions (default: signed with a key kept in the registry's store). */
  sessions?: UiSessions;
  /** Public keys chart pages verify provenance files with (--keyring). */
  keyring?: Keyring;
}

const DEFAULT_UPLOAD_BUDGET = 128 * 1024 * 1024;

/**
 * Sent with every answer. The only page (/) needs no script, styles only its own inline ones, and must not be
 * framed; a JSON or YAML answer opened in a browser gets the same treatment, and nothing is sniffed into HTML.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** scheme://host[:port] of a URL, normalised as browsers send it in Origin; undefined for anything else (including "null"). */
function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** Which route template served a request, for metrics (never the raw URL, which is unbounded); routers that match paths themselves name it in res.locals.route. */
function routeLabel(req: Request, res: Response): string {
  const r = (res.locals as { route?: unknown }).route ?? (req as Request & { route?: { path?: string } }).route?.path;
  return r ? String(r) : 'unmatched';
}

/** The registry's HTTP application: one router per API surface. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    const log = deps.log.child({ reqId: id });
    (req as Request & { log?: Logger }).log = log;
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const label = routeLabel(req, res);
      deps.metrics.requests.inc({ method: req.method, route: label, status: String(res.statusCode) });
      deps.metrics.latency.observe({ method: req.method, route: label }, seconds);
      // Only method, path and status: no headers (credentials) and no query string.
      // The path as the client sent it (a router mounted on a prefix rewrites req.url while it runs), without the query.
      const path = req.originalUrl.split('?')[0];
      log.info({ method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 }, 'request');
    });
    next();
  });

  // Browsers send Origin with every cross-site write they make, Basic credentials included; curl and helm send
  // none. A write that names another site's origin is refused, whatever its content type. The registry's own
  // origin is that of its external URL (--chart-url, which makes chart URLs absolute) when it has one, else the
  // scheme and Host the request itself names.
  const ownOrigin = originOf(deps.registry.chartUrl('', 'x.tgz'));
  app.use((req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined || !WRITE_METHODS.has(req.method)) return next();
    const own = ownOrigin ?? originOf(`${req.protocol}://${req.get('host') ?? ''}`);
    if (own !== undefined && originOf(origin) === own) return next();
    sendError(res, 'FORBIDDEN', `cross-site write refused: Origin ${JSON.stringify(origin.slice(0, 200))} is not this registry's origin`);
  });

  const budget = new UploadBudget(deps.uploadBudgetBytes ?? Math.max(DEFAULT_UPLOAD_BUDGET, deps.maxUploadBytes));
  budget.register(deps.metrics.registry);

  const ui = uiContext(deps.registry, deps.policy, { sessions: deps.sessions ?? new UiSessions({ store: deps.registry.store, users: deps.policy.auth }),
    keyring: deps.keyring,
    warn: (message, error) => deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, message),
  });
  app.use(ociRouter(deps.registry, deps.policy, { maxUploadBytes: deps.maxUploadBytes, budget, uploads: deps.uploads ?? new UploadSessions(deps.registry.store), tokens: deps.tokens ?? new TokenIssuer({ store: deps.registry.store }), log: deps.log, metrics: deps.metrics }));
  app.use(opsRouter(deps.registry, deps.metrics, deps.isReady, deps.policy));
  app.use(chartMuseumRouter(deps.registry, deps.policy, { maxUploadBytes: deps.maxUploadBytes, budget }));
  app.use(searchRouter(ui));
  // The web UI. Before the Helm protocol, whose /:repo/charts/:file would take /ui/charts/…; the compare,
  // files and session routes before the chart pages, whose /ui/charts/:name/:version would take compare.
  app.use(homeRouter(ui));
  app.use(sessionRouter(ui));
  app.use(compareRouter(ui));
  app.use(filesRouter(ui));
  app.use(uiRouter(ui));
  app.use(helmRepoRouter(deps.registry, deps.policy, deps.isReady));
  app.use((req, res) => sendError(res, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));
  app.use(errorHandler(deps.log, deps.metrics));
  return app;
}
