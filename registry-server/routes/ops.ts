import { Router, type Request } from 'express';
import type { ChartRegistry } from '../registry.js';
import type { RegistryMetrics } from '../metrics.js';
import { authorize, identify, may, route, type AccessPolicy } from '../http.js';
import { landingPage } from '../pages/landing.js';

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

/** The base URL --chart-url configured, as the registry writes it into chart URLs; undefined without one. */
function configuredUrl(registry: ChartRegistry): string | undefined {
  const probe = registry.chartUrl('', 'x');
  return /^https?:\/\//.test(probe) ? probe.slice(0, -'/charts/x'.length) : undefined;
}

/**
 * /health (503 until the index is loaded), /info, /metrics, and a page for browsers at /. /health is always
 * open; the others obey the read rule of `policy` (with --require-auth-for-reads: 401 for anonymous callers;
 * /info and /metrics count every repository, so they need read access to every repository, and the page lists
 * only what the caller may read). Without a policy, reads are open.
 */
export function opsRouter(registry: ChartRegistry, metrics: RegistryMetrics, isReady: () => boolean, policy?: AccessPolicy): Router {
  const r = Router();
  const readsNeedAuth = policy?.requireAuthForReads === true;
  const chartUrl = configuredUrl(registry);

  r.get(
    '/',
    route(async (req: Request, res) => {
      // With open reads everything is readable by anyone, and credentials are not even looked at.
      const principal = readsNeedAuth ? await identify(req, res, policy!, 'read') : undefined;
      if (principal === false) return;
      const mayRead = (repo: string) => !readsNeedAuth || may(policy!, principal, repo, 'read');
      const root = mayRead('');
      const idx = registry.readIndex('');
      const rows = root
        ? idx.names().map((name) => {
            const versions = idx.versionsOf(name);
            return { name, versions: versions.map((v) => ({ version: v.version, file: `${name}-${v.version}.tgz` })), appVersion: versions[0].appVersion, description: versions[0].description };
          })
        : [];
      const url = chartUrl ?? `${req.protocol}://${validHost(req.headers.host) ?? 'localhost'}`;
      res.type('html').send(landingPage({ url, root, rows, repositories: registry.repositories().filter((repo) => repo !== '' && mayRead(repo)) }));
    }),
  );
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
