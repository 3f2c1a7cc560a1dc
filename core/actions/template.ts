import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import type { Chart } from '../chart/model.js';
import { formatManifests, type Manifest } from '../kube/manifests.js';
import { renderChart, type RenderOptions } from '../render/pipeline.js';
import { loadChartChecked } from './verify.js';

export interface TemplateOptions extends RenderOptions {
  /** A chart folder or .tgz, a URL, REPO/NAME, or an already loaded chart. */
  chart: string | Chart;
  /** Verify the chart against its provenance file and this keyring first (helm's --verify --keyring). */
  verifyKeyring?: string;
  /** With CHART as REPO/NAME: the version or range to fetch. */
  version?: string;
  /** Only these templates, as `templates/x.yaml` or `charts/sub/templates/x.yaml`. */
  showOnly?: string[];
  outputDir?: string;
  includeCrds?: boolean;
  skipTests?: boolean;
}

export interface TemplateResult {
  chart: Chart;
  /** Documents in output order: CRDs (when asked), manifests, hooks. */
  documents: Manifest[];
  notes?: string;
  warnings: string[];
  /** The documents as Helm prints them. */
  text: string;
  /** Files written with --output-dir. */
  written: string[];
}

/** Renders a chart with the user's values into Kubernetes manifests, as `helm template` does. */
export async function templateChart(ctx: ActionContext, opts: TemplateOptions): Promise<TemplateResult> {
  const chart = typeof opts.chart === 'string' ? (await loadChartChecked(ctx, opts.chart, opts.version, opts.verifyKeyring)).chart : opts.chart;
  const r = await renderChart(chart, { ...opts, cache: opts.cache ?? ctx.cache, now: opts.now ?? ctx.clock });
  const hooks = opts.skipTests ? r.hooks.filter((h) => !h.hook?.events.includes('test')) : r.hooks;
  let documents = [...(opts.includeCrds ? r.crds : []), ...r.manifests, ...hooks];

  if (opts.showOnly && opts.showOnly.length > 0) {
    const wanted = opts.showOnly.map((s) => s.replace(/^\.\//, ''));
    const rel = (m: Manifest) => m.source.slice(m.source.indexOf('/') + 1);
    for (const w of wanted) {
      if (!documents.some((m) => rel(m) === w || m.source === w)) {
        const exists = r.templates.some((t) => t.path.slice(t.path.indexOf('/') + 1) === w);
        throw new ChartroomError('SHOW_ONLY', exists ? `template ${w} rendered no documents` : `could not find template ${w} in chart`, { field: '--show-only', hint: 'name templates as templates/x.yaml or charts/sub/templates/x.yaml' });
      }
    }
    documents = documents.filter((m) => wanted.includes(rel(m)) || wanted.includes(m.source));
  }

  const text = formatManifests(documents);
  const written: string[] = [];
  if (opts.outputDir) {
    const byFile = new Map<string, string>();
    for (const m of documents) {
      const prev = byFile.get(m.source);
      const piece = `---\n# Source: ${m.source}\n${m.content}\n`;
      byFile.set(m.source, prev === undefined ? piece : prev + piece);
    }
    for (const [source, content] of byFile) {
      const target = join(opts.outputDir, source);
      writeFileAtomic(target, content);
      written.push(target);
    }
  }
  return { chart, documents, notes: r.notes, warnings: r.warnings, text, written };
}
