import { ChartroomError } from '../errors.js';
import type { Chart, Values } from '../chart/model.js';
import { DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION, kubeVersionSatisfies, normaliseKubeVersion } from '../kube/capabilities.js';
import { sortDocuments, parseRenderedFile, type Manifest } from '../kube/manifests.js';
import { collectUserValues, int64Paths, type UserValues, type ValuePath, type ValuesIO, type ValuesOptions } from '../values/layers.js';
import { computeRenderValues, valuesFor, type RenderNode } from '../values/render-values.js';
import { validateAgainstSchemas } from '../values/schema.js';
import { deepClone, mergeValues } from '../values/tree.js';
import { VERSION } from '../version.js';
import { engineFor } from '../../template-engine/index.js';
import type { ChartUnit, EngineCache, RenderedTemplate, TemplateEngine } from '../../template-engine/types.js';

/** What a render is for: the release, the cluster it targets, and how strict to be. */
export interface RenderOptions extends ValuesOptions {
  releaseName?: string;
  namespace?: string;
  revision?: number;
  isUpgrade?: boolean;
  /** Kubernetes version for `.Capabilities` and the chart's `kubeVersion` check (default: Helm's). */
  kubeVersion?: string;
  /** API versions on top of the defaults. */
  apiVersions?: string[];
  /** The API versions a real cluster offers (its discovery): they replace the defaults. */
  clusterApiVersions?: string[];
  /** A reference to a value that does not exist is an error. */
  strict?: boolean;
  /** Clock for `now` in templates. */
  now?: () => Date;
  /** Where engines may keep parsed templates (the action context's cache). */
  cache?: EngineCache;
  /** How values files and stdin are read (tests give their own). */
  io?: ValuesIO;
  /** Values under the user's (an upgrade reusing a release's previous values): the lowest user layer. */
  baseValues?: Values;
  /** Which engine renders a chart (default: the registered engines). */
  engines?: (chart: Chart) => TemplateEngine;
}

/** The values of one render: the user's layers, and what every chart of the tree sees. */
export interface PreparedValues {
  chart: Chart;
  /** The enabled charts of the tree, with their names in values and their defaults. */
  tree: RenderNode;
  /** The top chart's values, subcharts' under their names. */
  values: Values;
  user: UserValues;
  warnings: string[];
}

/** Everything a render produced, split as Helm splits it. */
export interface RenderedChart extends PreparedValues {
  /** Every rendered template file, in path order (before splitting into documents). */
  templates: RenderedTemplate[];
  /** Ordinary objects in Helm's install order. */
  manifests: Manifest[];
  /** Hooks with their events, weights and delete policies. */
  hooks: Manifest[];
  /** Hooks Helm would leave out (unknown events); `warnings` says why. */
  skippedHooks: Manifest[];
  /** CRDs from the crds/ folders of the enabled charts, to be installed before everything else. */
  crds: Manifest[];
  /** The top chart's NOTES.txt, rendered. */
  notes?: string;
  kubeVersion: string;
}

/** Refuses charts that cannot be rendered for this target: library charts, and a `kubeVersion` the target misses. */
export function checkRenderable(chart: Chart, kubeVersion: string = DEFAULT_KUBE_VERSION): void {
  const md = chart.metadata;
  if (md.type === 'library') {
    throw new ChartroomError('LIBRARY_CHART', `chart ${md.name} is a library chart and cannot be rendered on its own`, { file: chart.metadataFile, field: 'type' });
  }
  if (md.kubeVersion && !kubeVersionSatisfies(kubeVersion, md.kubeVersion)) {
    throw new ChartroomError('KUBE_VERSION', `chart ${md.name} requires kubeVersion ${md.kubeVersion}, which Kubernetes ${kubeVersion} does not satisfy`, { file: chart.metadataFile, field: 'kubeVersion', hint: 'set the target with --kube-version' });
  }
}

/** The user's values over every chart's defaults, as Helm coalesces them; warnings for what was ignored. */
export function prepareValues(chart: Chart, opts: RenderOptions = {}): PreparedValues {
  const warnings: string[] = [];
  const user = collectUserValues(opts, opts.io);
  if (opts.baseValues) {
    user.values = mergeValues(deepClone(opts.baseValues), user.values);
    user.layers.unshift({ source: "the release's previous values", data: opts.baseValues });
  }
  const rv = computeRenderValues(chart, user.values);
  for (const w of rv.warnings) warnings.push(`${w.chart}: ${w.message}`);
  return { chart, tree: rv.tree, values: rv.values, user, warnings };
}

/** Checks the values against every chart's values.schema.json; the error names the value, the rule and who set it. */
export async function checkSchemas(prepared: PreparedValues): Promise<void> {
  await validateAgainstSchemas(prepared.tree, prepared.values, prepared.user.layers);
}

/** The int64 paths (from the top chart's values) that fall in one chart's values, relative to them. */
function int64Within(node: RenderNode, paths: ValuePath[]): ValuePath[] {
  return paths.filter((p) => p.length > node.path.length && node.path.every((k, i) => p[i] === k)).map((p) => p.slice(node.path.length));
}

/** The `--set` int64s of the whole tree: `global.…` ones also where every subchart's copy of the globals is. */
function int64InTree(prepared: PreparedValues): ValuePath[] {
  const paths = int64Paths(prepared.user.layers, prepared.values);
  const globals = paths.filter((p) => p[0] === 'global');
  if (globals.length) {
    const visit = (n: RenderNode): void => {
      for (const c of n.children) {
        for (const g of globals) paths.push([...c.path, ...g]);
        visit(c);
      }
    };
    visit(prepared.tree);
  }
  return paths;
}

function unitOf(node: RenderNode, values: Values, int64: ValuePath[], prefix: string, depth: number, all: ChartUnit[]): ChartUnit {
  const unit: ChartUnit = { chart: node.chart, prefix, name: node.name, depth, values: valuesFor(node, values), subcharts: [] };
  const own = int64Within(node, int64);
  if (own.length) unit.int64Paths = own;
  all.push(unit);
  unit.subcharts = node.children.map((c) => unitOf(c, values, int64, `${prefix}/charts/${c.name}`, depth + 1, all));
  return unit;
}

/**
 * Renders every template of the enabled charts: each chart by its own engine, each engine once over the
 * charts it claims (so named templates are shared within an engine, never across engines).
 */
export async function renderTemplates(prepared: PreparedValues, opts: RenderOptions = {}): Promise<{ templates: RenderedTemplate[]; notes?: string }> {
  const units: ChartUnit[] = [];
  unitOf(prepared.tree, prepared.values, int64InTree(prepared), prepared.tree.name, 0, units);
  const pick = opts.engines ?? engineFor;
  const byEngine = new Map<TemplateEngine, ChartUnit[]>();
  for (const u of units) {
    const engine = pick(u.chart);
    const list = byEngine.get(engine);
    if (list) list.push(u);
    else byEngine.set(engine, [u]);
  }
  const kubeVersion = normaliseKubeVersion(opts.kubeVersion ?? DEFAULT_KUBE_VERSION);
  const inputs = {
    release: { name: opts.releaseName ?? 'release-name', namespace: opts.namespace ?? 'default', isUpgrade: !!opts.isUpgrade, revision: opts.revision ?? 1, service: 'Chartroom' },
    capabilities: { kubeVersion, apiVersions: opts.clusterApiVersions ?? [...DEFAULT_API_VERSIONS, ...(opts.apiVersions ?? [])], toolVersion: `chartroom-${VERSION}` },
    strict: !!opts.strict,
    now: opts.now ?? (() => new Date()),
    cache: opts.cache,
  };
  const templates: RenderedTemplate[] = [];
  let notes: string | undefined;
  for (const [engine, list] of byEngine) {
    const out = await engine.render(list, inputs);
    templates.push(...out.templates);
    if (out.notes !== undefined) notes = out.notes;
  }
  templates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { templates, notes };
}

/** CRDs from crds/ of every enabled chart of the tree, named as Helm names them. */
export function crdDocuments(tree: RenderNode, prefix = tree.name): Manifest[] {
  const out: Manifest[] = [];
  for (const f of tree.chart.files) {
    if (!f.name.startsWith('crds/') || !/\.(ya?ml|json)$/.test(f.name)) continue;
    out.push({ source: `${prefix}/${f.name}`, content: f.data.toString('utf8').trim(), kind: 'CustomResourceDefinition', name: '', apiVersion: '', object: null });
  }
  for (const c of tree.children) out.push(...crdDocuments(c, `${prefix}/charts/${c.name}`));
  return out;
}

/**
 * The one render pipeline (template, lint, show, the registry, and install/upgrade/diff): checks, values,
 * schemas, every template by its chart's engine, documents split into manifests, hooks and CRDs in Helm's
 * install order, NOTES and warnings. The first error throws.
 */
export async function renderChart(chart: Chart, opts: RenderOptions = {}): Promise<RenderedChart> {
  const kubeVersion = opts.kubeVersion ?? DEFAULT_KUBE_VERSION;
  checkRenderable(chart, kubeVersion);
  const prepared = prepareValues(chart, opts);
  await checkSchemas(prepared);
  const { templates, notes } = await renderTemplates(prepared, { ...opts, kubeVersion });
  const sorted = sortDocuments(templates.flatMap(parseRenderedFile));
  return {
    ...prepared,
    warnings: [...(chart.metadata.deprecated ? [`chart ${chart.metadata.name} is deprecated`] : []), ...prepared.warnings, ...sorted.warnings],
    templates,
    manifests: sorted.manifests,
    hooks: sorted.hooks,
    skippedHooks: sorted.skipped,
    crds: crdDocuments(prepared.tree),
    notes,
    kubeVersion,
  };
}
