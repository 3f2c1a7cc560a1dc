import { Router } from 'express';
import type { ChartRegistry } from '../registry.js';
import type { RegistryMetrics } from '../metrics.js';
import { route } from '../http.js';

declare const CHARTROOM_VERSION: string;
const VERSION = typeof CHARTROOM_VERSION === 'string' ? CHARTROOM_VERSION : '0.0.0-dev';

/** /health (503 until the index is loaded), /info and /metrics. */
export function opsRouter(registry: ChartRegistry, metrics: RegistryMetrics, isReady: () => boolean): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    if (isReady()) res.json({ healthy: true });
    else res.status(503).json({ healthy: false, error: 'index not loaded from storage yet' });
  });
  r.get('/info', (_req, res) => {
    res.json({ version: VERSION, storage: registry.store.kind, ...registry.totals() });
  });
  r.get(
    '/metrics',
    route(async (_req, res) => {
      const t = registry.totals();
      metrics.charts.set(t.charts);
      metrics.versions.set(t.versions);
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    }),
  );
  return r;
}
