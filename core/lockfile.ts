import { crypto } from './builtin.js';
import { join } from 'node:path';
import type { ChartDependency } from './chart/metadata.js';
import type { ChartLock, LockedDependency } from './chart/model.js';
import { writeFileAtomic } from './atomic-file.js';
import { jsYaml, loadYaml } from './yaml.js';

function goString(s: string): string {
  return JSON.stringify(s).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Go's json.Marshal of an interface{} value: map keys sorted, HTML characters escaped. */
function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${goString(k)}:${goJson(o[k])}`)
    .join(',')}}`;
}

/** One dependency as Go marshals Helm's chart.Dependency struct: its field order and omitempty rules. */
function goDependency(d: Partial<ChartDependency> & { 'depends-on'?: string[] }): string {
  const parts = [`"name":${goString(d.name ?? '')}`];
  if (d.version) parts.push(`"version":${goString(d.version)}`);
  parts.push(`"repository":${goString(d.repository ?? '')}`);
  if (d.condition) parts.push(`"condition":${goString(d.condition)}`);
  if (d.tags && d.tags.length) parts.push(`"tags":${goJson(d.tags)}`);
  if (d.enabled) parts.push(`"enabled":true`);
  if (d['import-values'] && d['import-values'].length) parts.push(`"import-values":${goJson(d['import-values'])}`);
  if (d.alias) parts.push(`"alias":${goString(d.alias)}`);
  if (d['depends-on'] && d['depends-on'].length) parts.push(`"depends-on":${goJson(d['depends-on'])}`);
  return `{${parts.join(',')}}`;
}

/**
 * Chart.lock's digest exactly as helm computes it (sha256 of the JSON of [Chart.yaml dependencies, locked
 * dependencies]), so `helm dependency build` accepts our lock files and we accept helm's.
 */
export function requirementsDigest(reqs: ChartDependency[], locked: LockedDependency[]): string {
  const json = `[[${reqs.map((d) => goDependency(d)).join(',')}],[${locked.map((l) => goDependency({ name: l.name, version: l.version, repository: l.repository })).join(',')}]]`;
  return `sha256:${crypto().createHash('sha256').update(json).digest('hex')}`;
}

/** Parses Chart.lock (or requirements.lock) text; undefined when it holds no list of dependencies. */
export function parseLock(text: string, file: string): ChartLock | undefined {
  const lock = loadYaml(text, file) as ChartLock | null;
  return lock && typeof lock === 'object' && Array.isArray(lock.dependencies) ? lock : undefined;
}

/** Writes Chart.lock in Helm's layout, each dependency with the sha256 of the archive that was fetched. */
export function writeLock(chartDir: string, lock: ChartLock): void {
  const doc = {
    dependencies: lock.dependencies.map((d) => ({ name: d.name, repository: d.repository, version: d.version, ...(d.digest ? { digest: d.digest } : {}) })),
    digest: lock.digest,
    generated: lock.generated,
  };
  writeFileAtomic(join(chartDir, 'Chart.lock'), jsYaml().dump(doc, { lineWidth: -1, quotingType: '"' }));
}
