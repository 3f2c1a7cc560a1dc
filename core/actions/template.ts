import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { ChartroomError } from '../errors.js';
import { loadChart } from '../chart/loader.js';
import { isHandlebarsChart } from '../chart/metadata.js';
import type { Chart } from '../chart/model.js';
import { collectUserValues, type ValuesIO, type ValuesOptions } from '../values/layers.js';
import { computeRenderValues, type RenderNode } from '../values/render-values.js';
import { validateAgainstSchemas } from '../values/schema.js';
import { satisfies } from '../semver-range.js';
import { renderTree } from '../../template-engine/handlebars/engine.js';
import { DEFAULT_KUBE_VERSION } from '../../template-engine/handlebars/context.js';
import { formatManifests, sortManifests, type Manifest } from '../kube/manifests.js';

export interface TemplateOptions extends ValuesOptions {
  /** A chart folder or .tgz, or an already loaded chart. */
  chart: string | Chart;
  releaseName?: string;
  namespace?: string;
  /** Only these templates, as `templates/x.yaml` or `charts/sub/templates/x.yaml`. */
  showOnly?: string[];
  outputDir?: string;
  kubeVersion?: string;
  apiVersions?: string[];
  includeCrds?: boolean;
  skipTests?: boolean;
  strict?: boolean;
  isUpgrade?: boolean;
  now?: () => Date;
  io?: ValuesIO;
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

function crdManifests(tree: RenderNode, prefix: string): Manifest[] {
  const out: Manifest[] = [];
  for (const f of tree.chart.files) {
    if (!f.name.startsWith('crds/') || !/\.(ya?ml|json)$/.test(f.name)) continue;
    out.push({ source: `${prefix}/${f.name}`, content: f.data.toString('utf8').trim(), kind: 'CustomResourceDefinition', name: '', apiVersion: '', object: null, hooks: [] });
  }
  for (const c of tree.children) out.push(...crdManifests(c, `${prefix}/charts/${c.name}`));
  return out;
}

/** Renders a Handlebars chart with the user's values into Kubernetes manifests, as `helm template` does. */
export async function templateChart(opts: TemplateOptions): Promise<TemplateResult> {
  const chart = typeof opts.chart === 'string' ? loadChart(opts.chart) : opts.chart;
  const md = chart.metadata;
  if (!isHandlebarsChart(md)) {
    throw new ChartroomError('GO_TEMPLATE_CHART', `chart ${md.name} is a Helm (Go template) chart; Chartroom renders charts with "engine: handlebars" and does not render Go templates yet`, {
      file: chart.metadataFile,
      hint: 'use helm to render this chart; lint, package, show, pull and publish work on it',
    });
  }
  if (md.type === 'library') {
    throw new ChartroomError('LIBRARY_CHART', `chart ${md.name} is a library chart and cannot be rendered on its own`, { file: chart.metadataFile, field: 'type' });
  }
  const kubeVersion = opts.kubeVersion ?? DEFAULT_KUBE_VERSION;
  if (md.kubeVersion && !satisfies(kubeVersion.replace(/^v/, ''), md.kubeVersion, { includePrerelease: true })) {
    throw new ChartroomError('KUBE_VERSION', `chart ${md.name} requires kubeVersion ${md.kubeVersion}, which Kubernetes ${kubeVersion} does not satisfy`, { file: chart.metadataFile, field: 'kubeVersion', hint: 'set the target with --kube-version' });
  }
  const warnings: string[] = [];
  if (md.deprecated) warnings.push(`chart ${md.name} is deprecated`);
  const user = collectUserValues(opts, opts.io);
  const rv = computeRenderValues(chart, user.values);
  for (const w of rv.warnings) warnings.push(`${w.chart}: ${w.message}`);
  await validateAgainstSchemas(rv.tree, rv.values, user.layers);
  const rendered = renderTree(rv.tree, rv.values, {
    release: { name: opts.releaseName ?? 'release-name', namespace: opts.namespace ?? 'default', isUpgrade: opts.isUpgrade, kubeVersion, apiVersions: opts.apiVersions },
    strict: opts.strict,
    now: opts.now,
  });
  const sorted = sortManifests(rendered.templates);
  let hooks = sorted.hooks;
  if (opts.skipTests) hooks = hooks.filter((h) => !h.hooks.some((e) => e === 'test' || e === 'test-success'));
  let documents = [...(opts.includeCrds ? crdManifests(rv.tree, rv.tree.name) : []), ...sorted.manifests, ...hooks];

  if (opts.showOnly && opts.showOnly.length > 0) {
    const wanted = opts.showOnly.map((s) => s.replace(/^\.\//, ''));
    const rel = (m: Manifest) => m.source.slice(m.source.indexOf('/') + 1);
    for (const w of wanted) {
      if (!documents.some((m) => rel(m) === w || m.source === w)) {
        const exists = rendered.templates.some((t) => t.path.slice(t.path.indexOf('/') + 1) === w);
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
  return { chart, documents, notes: rendered.notes, warnings, text, written };
}
