import type { ActionContext } from '../context.js';
import { loadChart } from '../chart/loader.js';
import { lintChart, type LintChartResult } from '../lint/index.js';
import type { RenderOptions } from '../render/pipeline.js';

export { formatLint, lintManifest, type LintChartResult, type LintMessage, type Severity } from '../lint/index.js';

export interface LintOptions extends RenderOptions {
  paths: string[];
}

export interface LintResult {
  charts: LintChartResult[];
  failed: number;
}

/** Lints each chart: Chart.yaml, values and schema, rendering with defaults, and Kubernetes basics. */
export async function lintCharts(ctx: ActionContext, opts: LintOptions): Promise<LintResult> {
  const charts: LintChartResult[] = [];
  for (const p of opts.paths) charts.push(await lintChart(() => loadChart(p), p, { ...opts, cache: opts.cache ?? ctx.cache, now: opts.now ?? ctx.clock }));
  return { charts, failed: charts.filter((c) => c.failed).length };
}
