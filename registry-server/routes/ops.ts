import { Router } from 'express';
import type { ChartRegistry } from '../registry.js';
import type { RegistryMetrics } from '../metrics.js';
import { route } from '../http.js';

declare const CHARTROOM_VERSION: string;
const VERSION = typeof CHARTROOM_VERSION === 'string' ? CHARTROOM_VERSION : '0.0.0-dev';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A plain page listing the root repository's charts, for people who open the registry in a browser. */
function landingPage(registry: ChartRegistry): string {
  const idx = registry.readIndex('');
  const rows = idx
    .names()
    .map((n) => {
      const versions = idx.versionsOf(n);
      const latest = versions[0];
      return `<tr><td>${esc(n)}</td><td>${versions.map((v) => `<a href="charts/${esc(`${n}-${v.version}.tgz`)}">${esc(v.version)}</a>`).join(' ')}</td><td>${esc(latest.appVersion)}</td><td>${esc(latest.description)}</td></tr>`;
    })
    .join('\n');
  const repos = registry.repositories().filter((r) => r !== '');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Chartroom registry</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}code{background:#f4f4f4;padding:.1rem .3rem}</style></head>
<body><h1>Chartroom registry</h1>
<p>Add it to helm: <code>helm repo add chartroom ${'${URL}'}</code> &middot; <a href="index.yaml">index.yaml</a> &middot; <a href="api/charts">API</a> &middot; <a href="info">info</a></p>
<table><tr><th>chart</th><th>versions</th><th>app version</th><th>description</th></tr>
${rows || '<tr><td colspan="4">No charts yet. Publish one: <code>curl --data-binary @chart.tgz URL/api/charts</code></td></tr>'}
</table>${repos.length ? `<p>Other repositories: ${repos.map((r) => `<a href="${esc(r)}/index.yaml">${esc(r)}</a>`).join(', ')}</p>` : ''}</body></html>`;
}

/** /health (503 until the index is loaded), /info, /metrics, and a page for browsers at /. */
export function opsRouter(registry: ChartRegistry, metrics: RegistryMetrics, isReady: () => boolean): Router {
  const r = Router();
  r.get('/', (req, res) => {
    const url = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    res.type('html').send(landingPage(registry).replaceAll('${URL}', esc(url)).replace('URL/api/charts', `${esc(url)}/api/charts`));
  });
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
