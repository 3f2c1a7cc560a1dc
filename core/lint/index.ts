import { basename } from 'node:path';
import type { Chart } from '../chart/model.js';
import { DEFAULT_KUBE_VERSION } from '../kube/capabilities.js';
import type { RenderOptions } from '../render/pipeline.js';
import { lintChartfile } from './rules/chartfile.js';
import { lintValuesAndTemplates } from './rules/templates.js';
import { fromError, type LintMessage } from './types.js';

export type { LintMessage, Severity } from './types.js';
export { lintManifest } from './rules/kubernetes.js';

export interface LintChartResult {
  chart: string;
  path: string;
  messages: LintMessage[];
  /** True when the chart has errors (or, with --strict, warnings). */
  failed: boolean;
}

/** Runs every rule family on one chart; templates are rendered only when Chart.yaml and charts/ are sound. */
export async function lintChart(load: () => Chart, path: string, opts: RenderOptions): Promise<LintChartResult> {
  let chart: Chart;
  try {
    chart = load();
  } catch (e) {
    return { chart: basename(path), path, messages: [fromError(e)], failed: true };
  }
  const messages = lintChartfile(chart, path, opts.kubeVersion ?? DEFAULT_KUBE_VERSION);
  // `--strict` turns warnings into failures, as helm's does; the templates render as `install` renders them
  // (a reference to a value that is not set is empty, not an error).
  if (!messages.some((m) => m.severity === 'error')) messages.push(...(await lintValuesAndTemplates(chart, { ...opts, strict: false })));
  const failed = messages.some((m) => m.severity === 'error' || (opts.strict && m.severity === 'warning'));
  return { chart: chart.metadata.name, path, messages, failed };
}

/** Lint results as Helm prints them. */
export function formatLint(result: { charts: LintChartResult[]; failed: number }): string {
  const lines: string[] = [];
  for (const c of result.charts) {
    lines.push(`==> Linting ${c.path}`);
    for (const m of c.messages) {
      const loc = m.file ? `${m.file}${m.line ? `:${m.line}${m.column ? `:${m.column}` : ''}` : ''}: ` : '';
      lines.push(`[${m.severity.toUpperCase()}] ${loc}${m.message}`);
      // Further lines indented with a tab, as helm indents a finding's details.
      if (m.detail) for (const d of m.detail.split('\n')) lines.push(`\t${d}`.trimEnd());
    }
    lines.push('');
  }
  lines.push(`${result.charts.length} chart(s) linted, ${result.failed} chart(s) failed`);
  return lines.join('\n') + '\n';
}
