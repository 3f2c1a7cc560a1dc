import express, { type Express, type Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { errorHandler, sendError, type AccessPolicy } from './http.js';
import type { RegistryMetrics } from './metrics.js';
import type { ChartRegistry } from './registry.js';
import { chartMuseumRouter } from './routes/chartmuseum-api.js';
import { helmRepoRouter } from './routes/helm-repo.js';
import { opsRouter } from './routes/ops.js';

export interface AppDeps {
  registry: ChartRegistry;
  policy: AccessPolicy;
  metrics: RegistryMetrics;
  log: Logger;
  maxUploadBytes: number;
  isReady: () => boolean;
}

/** Which route template served a request, for metrics (never the raw URL, which is unbounded). */
function routeLabel(req: Request): string {
  const r = (req as Request & { route?: { path?: string } }).route?.path;
  return r ? String(r) : 'unmatched';
}

/** The registry's HTTP application: one router per API surface. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    const log = deps.log.child({ reqId: id });
    (req as Request & { log?: Logger }).log = log;
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const label = routeLabel(req);
      deps.metrics.requests.inc({ method: req.method, route: label, status: String(res.statusCode) });
      deps.metrics.latency.observe({ method: req.method, route: label }, seconds);
      // Only method, path and status: no headers (credentials) and no query string.
      log.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 }, 'request');
    });
    next();
  });

  app.use(opsRouter(deps.registry, deps.metrics, deps.isReady));
  app.use(chartMuseumRouter(deps.registry, deps.policy, deps.maxUploadBytes));
  app.use(helmRepoRouter(deps.registry, deps.policy, deps.isReady));
  app.use((req, res) => sendError(res, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));
  app.use(errorHandler(deps.log, deps.metrics));
  return app;
}
