import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The registry's Prometheus metrics, on a registry of their own (one per server). */
export class RegistryMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'chartroom_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly latency = new Histogram({ name: 'chartroom_http_request_duration_seconds', help: 'HTTP request latency by route', labelNames: ['method', 'route'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry] });
  readonly charts = new Gauge({ name: 'chartroom_charts', help: 'Charts (names) across repositories', registers: [this.registry] });
  readonly versions = new Gauge({ name: 'chartroom_chart_versions', help: 'Chart versions across repositories', registers: [this.registry] });
  readonly syncSeconds = new Histogram({ name: 'chartroom_index_sync_seconds', help: 'Time to bring the index up to date with storage (start-up rebuild and periodic sync)', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry] });
  readonly rebuildSeconds = new Gauge({ name: 'chartroom_index_rebuild_seconds', help: 'Time the start-up index rebuild took', registers: [this.registry] });
  readonly storageErrors = new Counter({ name: 'chartroom_storage_errors_total', help: 'Storage operations that failed', labelNames: ['operation'], registers: [this.registry] });
}
