import type { Chart, ChartLock, Values } from '../chart/model.js';
import type { ChartFile } from '../chart/archive.js';
import type { Manifest } from '../kube/manifests.js';
import { encodeRelease } from './codec.js';
import type { Release, ReleaseChart, ReleaseFile, ReleaseHook } from './model.js';

/**
 * The largest record a Secret holds: Kubernetes validates a Secret by the sum of its `data` values, decoded
 * (`MaxSecretSize`, 1 MiB), and nothing else of the object counts towards it. `data.release` decoded is
 * Helm's base64 text, so the limit is on `encodeRelease(rel).length`. The whole object (that plus labels
 * and managed fields, a few KiB) stays far below etcd's 1.5 MiB request limit.
 */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** Bytes of the record as a Secret holds it (what MAX_RECORD_BYTES limits). */
export function recordSize(rel: Release): number {
  return encodeRelease(rel).length;
}

/** Chart.yaml fields Helm's `chart.Metadata` has; any other field (our `engine`) is not recorded. */
const HELM_METADATA_FIELDS = [
  'name', 'home', 'sources', 'version', 'description', 'keywords', 'maintainers', 'icon', 'apiVersion', 'condition',
  'tags', 'appVersion', 'deprecated', 'annotations', 'kubeVersion', 'dependencies', 'type',
] as const;

/** Helm's `chart.Dependency` fields (Chart.lock entries carry our `digest` too, which Helm does not read). */
const HELM_DEPENDENCY_FIELDS = ['name', 'version', 'repository', 'condition', 'tags', 'enabled', 'import-values', 'alias'] as const;

function pick(src: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (src[f] !== undefined) out[f] = src[f];
  return out;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** File bytes as Helm's loaders keep them (a UTF-8 byte order mark removed), in base64. */
function base64(data: Buffer): string {
  return (data.subarray(0, 3).equals(BOM) ? data.subarray(3) : data).toString('base64');
}

function recordFile(f: ChartFile): ReleaseFile {
  return { name: f.name, data: base64(f.data) };
}

/**
 * Helm's `chart.Files`: every file of the chart but Chart.yaml, Chart.lock, values.yaml, values.schema.json,
 * templates/ and charts/ (subcharts are not recorded at all) — except provenance files under charts/, and
 * requirements.yaml/.lock of an apiVersion v1 chart, which Helm's loader keeps as files.
 */
export function helmFiles(chart: Chart): ChartFile[] {
  const v1 = chart.metadata.apiVersion === 'v1';
  const source = chart.raw.length ? chart.raw : chart.files;
  return source.filter((f) => {
    const n = f.name;
    if (n === 'Chart.yaml' || n === 'Chart.lock' || n === 'values.yaml' || n === 'values.schema.json') return false;
    if (n === 'requirements.yaml' || n === 'requirements.lock') return v1;
    if (n.startsWith('templates/')) return false;
    if (n.startsWith('charts/')) return n.endsWith('.prov');
    return true;
  });
}

function lockRecord(lock: ChartLock | undefined): Record<string, unknown> | null {
  if (!lock) return null;
  return {
    generated: lock.generated,
    digest: lock.digest,
    dependencies: Array.isArray(lock.dependencies) ? lock.dependencies.map((d) => pick(d as unknown as Record<string, unknown>, HELM_DEPENDENCY_FIELDS)) : null,
  };
}

export interface ChartRecordOptions {
  /**
   * The chart's values as Helm records them. Helm records values.yaml as loaded, or null without one; but
   * for a chart with dependencies, `helm install` first replaces them with the coalesced defaults of the
   * enabled tree (subcharts' defaults under their names, globals, import-values applied) — the caller who
   * computed those passes them here.
   */
  values?: Values | null;
}

/**
 * The chart part of a release record, as Helm's loader would have built it from the same files: Helm's
 * metadata fields only, Chart.lock, templates and other files (byte order marks removed) in load order,
 * values, the schema's bytes. Subcharts are not part of a record (Helm does not serialize them), and file
 * modification times are left out (the zero time), which helm reads as unknown.
 */
export function chartRecord(chart: Chart, opts: ChartRecordOptions = {}): ReleaseChart {
  const md = chart.metadata as unknown as Record<string, unknown>;
  const metadata = pick(md, HELM_METADATA_FIELDS);
  if (Array.isArray(md.dependencies)) metadata.dependencies = md.dependencies.map((d) => (d && typeof d === 'object' ? pick(d as Record<string, unknown>, HELM_DEPENDENCY_FIELDS) : d));
  const schemaFile = chart.raw.find((f) => f.name === 'values.schema.json');
  const schema = schemaFile ? base64(schemaFile.data) : chart.schema !== undefined ? Buffer.from(JSON.stringify(chart.schema)).toString('base64') : null;
  return {
    metadata,
    lock: lockRecord(chart.lock),
    templates: chart.templates.map(recordFile),
    values: opts.values !== undefined ? opts.values : chart.hasValuesFile ? chart.values : null,
    schema,
    files: helmFiles(chart).map(recordFile),
  };
}

/**
 * A hook as Helm's manifest sorter records it: the object's name and kind, the template it came from
 * (`chart/templates/job.yaml`, subcharts as `chart/charts/sub/templates/…`), the document, the events,
 * weight and policies as the annotations say (Helm adds the default `before-hook-creation` only when it
 * runs the hook), and a run that has not happened.
 */
export function hookRecord(m: Manifest): ReleaseHook {
  return {
    name: m.name,
    kind: m.kind,
    path: m.source,
    manifest: m.content,
    events: [...(m.hook?.events ?? [])],
    last_run: { phase: '' },
    weight: m.hook?.weight ?? 0,
    delete_policies: [...(m.hook?.deletePolicies ?? [])],
    output_log_policies: [...(m.hook?.outputLogPolicies ?? [])],
  };
}
