import { Router } from 'express';
import type { ChartRegistry } from '../registry.js';
import type { RegistryMetrics } from '../metrics.js';
import { authorize, route, type AccessPolicy } from '../http.js';

declare const CHARTROOM_VERSION: string;
const VERSION = typeof CHARTROOM_VERSION === 'string' ? CHARTROOM_VERSION : '0.0.0-dev';

/** host[:port]: DNS labels or a bracketed IPv6 address, and a port. */
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::(\d{1,5}))?$/;

/** The Host header if it is a plain host[:port] of at most 255 characters, else undefined. */
export function validHost(host: string | undefined): string | undefined {
  if (!host || host.length > 255) return undefined;
  const m = HOST_RE.exec(host);
  if (!m || (m[1] !== undefined && Number(m[1]) > 65535)) return undefined;
  return host;
}

/**
 * /health (503 until the index is loaded), /info and /metrics. /health is always open; the others obey the read
 * rule of `policy` (with --require-auth-for-reads: 401 for anonymous callers; they count every repository, so
 * they need read access to every repository). Without a policy, reads are open. The page for browsers at / is
 * the web UI's home page (routes/ui-home.ts).
 */
export function opsRouter(registry: ChartRegistry, metrics: RegistryMetrics, isReady: () => boolean, policy?: AccessPolicy): Router {
  const r = Router();
  const readsNeedAuth = policy?.requireAuthForReads === true;

  r.get('/health', (_req, res) => {
    if (isReady()) res.json({ healthy: true });
    else res.status(503).json({ healthy: false, error: 'index not loaded from storage yet' });
  });
  r.get(
    '/info',
    route(async (req, res) => {
      if (readsNeedAuth && (await authorize(req, res, policy!, '*', 'read')) === false) return;
      res.json({ version: VERSION, storage: registry.store.kind, ...registry.totals() });
    }),
  );
  r.get(
    '/metrics',
    route(async (req, res) => {
      if (readsNeedAuth && (await authorize(req, res, policy!, '*', 'read')) === false) return;
      const t = registry.totals();
      metrics.charts.set(t.charts);
      metrics.versions.set(t.versions);
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    }),
  );
  return r;
}
