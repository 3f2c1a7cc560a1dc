import { basename, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { ChartroomError } from '../errors.js';
import { loadChart } from '../chart/loader.js';
import { isHandlebarsChart } from '../chart/metadata.js';
import type { Chart } from '../chart/model.js';
import { collectUserValues, type ValuesOptions } from '../values/layers.js';
import { computeRenderValues } from '../values/render-values.js';
import { validateAgainstSchemas } from '../values/schema.js';
import { positionOf } from '../yaml.js';
import { satisfies } from '../semver-range.js';
import { renderTree } from '../../template-engine/handlebars/engine.js';
import { DEFAULT_KUBE_VERSION } from '../../template-engine/handlebars/context.js';
import { sortManifests, type Manifest } from '../kube/manifests.js';

export type Severity = 'error' | 'warning' | 'info';

export interface LintMessage {
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  field?: string;
}

export interface LintChartResult {
  chart: string;
  path: string;
  messages: LintMessage[];
  /** True when the chart has errors (or, with --strict, warnings). */
  failed: boolean;
}

export interface LintOptions extends ValuesOptions {
  paths: string[];
  /** Warnings count as errors. */
  strict?: boolean;
  kubeVersion?: string;
  namespace?: string;
}

export interface LintResult {
  charts: LintChartResult[];
  failed: number;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kinds whose names must be DNS labels (63 characters), because they become host names. */
const LABEL_NAMED_KINDS = new Set(['Service', 'Namespace']);

/** Workloads whose spec.selector Kubernetes requires. */
const WORKLOADS_WITH_SELECTOR = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** API versions Kubernetes has removed, for the kinds charts still carry. */
const REMOVED_APIS: Record<string, string> = {
  'extensions/v1beta1': 'apps/v1 or networking.k8s.io/v1',
  'apps/v1beta1': 'apps/v1',
  'apps/v1beta2': 'apps/v1',
  'networking.k8s.io/v1beta1': 'networking.k8s.io/v1',
  'policy/v1beta1': 'policy/v1',
  'batch/v1beta1': 'batch/v1',
  'autoscaling/v2beta1': 'autoscaling/v2',
  'autoscaling/v2beta2': 'autoscaling/v2',
  'rbac.authorization.k8s.io/v1beta1': 'rbac.authorization.k8s.io/v1',
  'apiextensions.k8s.io/v1beta1': 'apiextensions.k8s.io/v1',
  'admissionregistration.k8s.io/v1beta1': 'admissionregistration.k8s.io/v1',
  'storage.k8s.io/v1beta1': 'storage.k8s.io/v1',
  'scheduling.k8s.io/v1beta1': 'scheduling.k8s.io/v1',
  'coordination.k8s.io/v1beta1': 'coordination.k8s.io/v1',
  'discovery.k8s.io/v1beta1': 'discovery.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta2': 'flowcontrol.apiserver.k8s.io/v1',
};

function fromError(e: unknown): LintMessage {
  if (e instanceof ChartroomError) {
    const d = e.details;
    const hint = d.hint ? ` (${d.hint.split('\n')[0]})` : '';
    return { severity: 'error', message: e.message + hint, file: d.file, line: d.line, column: d.column, field: d.field };
  }
  return { severity: 'error', message: (e as Error).message ?? String(e) };
}

function checkLabels(labels: unknown, what: string, where: string, file: string, out: LintMessage[]) {
  if (labels === undefined || labels === null) return;
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    out.push({ severity: 'error', message: `${what}: ${where} must be a mapping of strings`, file });
    return;
  }
  for (const [k, v] of Object.entries(labels)) {
    const slash = k.lastIndexOf('/');
    const prefix = slash >= 0 ? k.slice(0, slash) : '';
    const name = slash >= 0 ? k.slice(slash + 1) : k;
    if ((prefix && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) || name.length > 63 || !LABEL_NAME.test(name)) {
      out.push({ severity: 'error', message: `${what}: ${where}: label key ${JSON.stringify(k)} is invalid (an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or ".")`, file, field: `${where}.${k}` });
    }
    if (typeof v !== 'string') {
      out.push({ severity: 'error', message: `${what}: ${where}: label ${JSON.stringify(k)} has a ${v === null ? 'null' : typeof v} value; label values must be strings (quote it)`, file, field: `${where}.${k}` });
    } else if (v.length > 63 || !LABEL_VALUE.test(v)) {
      out.push({ severity: 'error', message: `${what}: ${where}: label ${JSON.stringify(k)} has the invalid value ${JSON.stringify(v)} (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`, file, field: `${where}.${k}` });
    }
  }
}

/** Kubernetes basics every rendered object must meet. */
export function lintManifest(m: Manifest, file: string): LintMessage[] {
  const out: LintMessage[] = [];
  const o = m.object;
  if (!o) return out;
  const what = `${m.kind || 'object'}${m.name ? ` ${m.name}` : ''} (${m.source})`;
  if (!o.apiVersion) out.push({ severity: 'error', message: `${what}: apiVersion is missing`, file, field: 'apiVersion' });
  if (!o.kind) out.push({ severity: 'error', message: `${what}: kind is missing`, file, field: 'kind' });
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (!meta || typeof meta !== 'object') {
    out.push({ severity: 'error', message: `${what}: metadata is missing`, file, field: 'metadata' });
    return out;
  }
  const name = meta.name;
  if ((name === undefined || name === null || name === '') && !meta.generateName) {
    out.push({ severity: 'error', message: `${what}: metadata.name is missing`, file, field: 'metadata.name' });
  } else if (name !== undefined && name !== null) {
    if (typeof name !== 'string') out.push({ severity: 'error', message: `${what}: metadata.name must be a string`, file, field: 'metadata.name' });
    else if (LABEL_NAMED_KINDS.has(m.kind) ? !DNS1123_LABEL.test(name) || name.length > 63 : !DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
      out.push({ severity: 'error', message: `${what}: metadata.name ${JSON.stringify(name)} is not a valid DNS-1123 ${LABEL_NAMED_KINDS.has(m.kind) ? 'label (lowercase letters, digits, "-", at most 63 characters)' : 'name (lowercase letters, digits, "-" and ".")'}`, file, field: 'metadata.name' });
    } else if (name.length > 63) {
      out.push({ severity: 'warning', message: `${what}: metadata.name is ${name.length} characters; names over 63 break labels and host names`, file, field: 'metadata.name' });
    }
  }
  checkLabels(meta.labels, what, 'metadata.labels', file, out);
  const spec = o.spec as Record<string, unknown> | undefined;
  const template = spec?.template as { metadata?: { labels?: unknown } } | undefined;
  if (template?.metadata) checkLabels(template.metadata.labels, what, 'spec.template.metadata.labels', file, out);
  const selector = spec?.selector as { matchLabels?: unknown } | undefined;
  if (selector && typeof selector === 'object' && 'matchLabels' in selector) checkLabels(selector.matchLabels, what, 'spec.selector.matchLabels', file, out);
  if (WORKLOADS_WITH_SELECTOR.has(m.kind) && !String(o.apiVersion ?? '').includes('beta')) {
    const sel = spec?.selector as { matchLabels?: unknown; matchExpressions?: unknown } | undefined;
    if (!sel || (!sel.matchLabels && !sel.matchExpressions)) {
      out.push({ severity: 'error', message: `${what}: a ${m.kind} needs spec.selector with matchLabels or matchExpressions`, file, field: 'spec.selector' });
    } else if (sel.matchLabels && typeof sel.matchLabels === 'object' && template?.metadata?.labels && typeof template.metadata.labels === 'object') {
      const labels = template.metadata.labels as Record<string, unknown>;
      const missing = Object.entries(sel.matchLabels as Record<string, unknown>).filter(([k, v]) => labels[k] !== v);
      if (missing.length) out.push({ severity: 'error', message: `${what}: spec.selector.matchLabels ${missing.map(([k, v]) => `${k}=${String(v)}`).join(', ')} not in spec.template.metadata.labels, so the ${m.kind} selects none of its pods`, file, field: 'spec.selector.matchLabels' });
    }
  }
  const api = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  if (REMOVED_APIS[api] && !(api === 'extensions/v1beta1' && m.kind === 'PodSecurityPolicy')) {
    out.push({ severity: 'warning', message: `${what}: apiVersion ${api} has been removed from Kubernetes; use ${REMOVED_APIS[api]}`, file, field: 'apiVersion' });
  }
  return out;
}

async function lintOne(path: string, opts: LintOptions): Promise<LintChartResult> {
  const messages: LintMessage[] = [];
  let chart: Chart;
  try {
    chart = loadChart(path);
  } catch (e) {
    return { chart: basename(path), path, messages: [fromError(e)], failed: true };
  }
  const md = chart.metadata;
  const cy = chart.metadataFile;
  for (const w of chart.metadataWarnings) messages.push({ severity: 'warning', message: w.message, file: cy, line: w.line, field: w.field });
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    isDir = false;
  }
  if (isDir && basename(resolve(path)) !== md.name) {
    messages.push({ severity: 'error', message: `chart name ${JSON.stringify(md.name)} does not match its folder name ${JSON.stringify(basename(resolve(path)))}`, file: cy, line: positionOf(chart.metadataYaml, ['name'])?.line, field: 'name' });
  }
  if (!DNS1123_LABEL.test(md.name)) messages.push({ severity: 'warning', message: `chart name ${JSON.stringify(md.name)} should be lowercase letters, digits and "-"`, file: cy, field: 'name' });
  if (!md.icon) messages.push({ severity: 'info', message: 'icon is recommended', file: cy, field: 'icon' });
  if (!md.description) messages.push({ severity: 'info', message: 'description is recommended', file: cy, field: 'description' });
  if (md.appVersion === undefined && md.type !== 'library') messages.push({ severity: 'info', message: 'appVersion is recommended', file: cy, field: 'appVersion' });
  if (!chart.hasValuesFile) messages.push({ severity: 'info', message: 'values.yaml file does not exist', file: `${chart.source}/values.yaml` });
  if (chart.templates.length === 0) messages.push({ severity: 'info', message: 'templates/ has no templates', file: `${chart.source}/templates` });
  for (const [i, dep] of (md.dependencies ?? []).entries()) {
    if (!chart.dependencies.some((c) => c.metadata.name === dep.name)) {
      messages.push({ severity: 'error', message: `dependency ${dep.name} is declared in Chart.yaml but missing from charts/ (run chart dependency build)`, file: cy, line: positionOf(chart.metadataYaml, ['dependencies', i])?.line, field: `dependencies[${i}]` });
    }
  }
  const kube = opts.kubeVersion ?? DEFAULT_KUBE_VERSION;
  if (md.kubeVersion && !satisfies(kube.replace(/^v/, ''), md.kubeVersion, { includePrerelease: true })) {
    messages.push({ severity: 'error', message: `kubeVersion ${md.kubeVersion} is not satisfied by Kubernetes ${kube}`, file: cy, field: 'kubeVersion' });
  }

  if (!messages.some((m) => m.severity === 'error')) {
    try {
      const user = collectUserValues(opts);
      const rv = computeRenderValues(chart, user.values);
      for (const w of rv.warnings) messages.push({ severity: 'warning', message: `${w.chart}: ${w.message}` });
      try {
        await validateAgainstSchemas(rv.tree, rv.values, user.layers);
      } catch (e) {
        messages.push(fromError(e));
      }
      if (!isHandlebarsChart(md)) {
        messages.push({ severity: 'info', message: 'templates not rendered: this is a Helm (Go template) chart, which Chartroom does not render yet', file: cy });
      } else if (md.type !== 'library') {
        const rendered = renderTree(rv.tree, rv.values, { release: { name: 'release-name', namespace: opts.namespace ?? 'default', kubeVersion: kube }, strict: opts.strict });
        for (const t of rendered.templates) {
          let sorted;
          try {
            sorted = sortManifests([t]);
          } catch (e) {
            messages.push(fromError(e));
            continue;
          }
          for (const m of [...sorted.manifests, ...sorted.hooks]) messages.push(...lintManifest(m, t.file));
        }
      }
    } catch (e) {
      messages.push(fromError(e));
    }
  }
  const failed = messages.some((m) => m.severity === 'error' || (opts.strict && m.severity === 'warning'));
  return { chart: md.name, path, messages, failed };
}

/** Lints each chart: Chart.yaml, values and schema, rendering with defaults, and Kubernetes basics. */
export async function lintCharts(opts: LintOptions): Promise<LintResult> {
  const charts: LintChartResult[] = [];
  for (const p of opts.paths) charts.push(await lintOne(p, opts));
  return { charts, failed: charts.filter((c) => c.failed).length };
}

/** Lint results as Helm prints them. */
export function formatLint(result: LintResult): string {
  const lines: string[] = [];
  for (const c of result.charts) {
    lines.push(`==> Linting ${c.path}`);
    for (const m of c.messages) {
      const loc = m.file ? `${m.file}${m.line ? `:${m.line}${m.column ? `:${m.column}` : ''}` : ''}: ` : '';
      lines.push(`[${m.severity.toUpperCase()}] ${loc}${m.message}`);
    }
    lines.push('');
  }
  lines.push(`${result.charts.length} chart(s) linted, ${result.failed} chart(s) failed`);
  return lines.join('\n') + '\n';
}
