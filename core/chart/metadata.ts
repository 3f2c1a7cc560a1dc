import * as semver from '../semver-lib.js';
import { ChartroomError } from '../errors.js';
import { loadYaml, parseYaml, positionOf, stripBom, type ParsedYaml } from '../yaml.js';
import { parseConstraint } from '../semver-range.js';
import { SEMVER_2 } from '../versions.js';

export interface Maintainer {
  name: string;
  email?: string;
  url?: string;
}

/** One entry of `dependencies` in Chart.yaml. */
export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  'import-values'?: (string | { child: string; parent: string })[];
  alias?: string;
}

/** Chart.yaml, as Helm defines it, plus our `engine` field. */
export interface ChartMetadata {
  apiVersion: string;
  name: string;
  version: string;
  kubeVersion?: string;
  description?: string;
  type?: string;
  keywords?: string[];
  home?: string;
  sources?: string[];
  dependencies?: ChartDependency[];
  maintainers?: Maintainer[];
  icon?: string;
  appVersion?: string;
  deprecated?: boolean;
  annotations?: Record<string, string>;
  engine?: string;
  [extra: string]: unknown;
}

/** Fields Helm knows in Chart.yaml; anything else is reported by lint. */
export const KNOWN_CHART_FIELDS = new Set([
  'apiVersion', 'name', 'version', 'kubeVersion', 'description', 'type', 'keywords', 'home', 'sources',
  'dependencies', 'maintainers', 'icon', 'appVersion', 'deprecated', 'annotations', 'engine',
]);

export interface MetadataWarning {
  message: string;
  field?: string;
  line?: number;
}

const ALIAS_RE = /^[a-zA-Z0-9_-]+$/;

/**
 * Annotation that marks a Handlebars chart as well as `engine:` does. `helm package` rewrites Chart.yaml
 * and drops fields Helm v3/v4 do not know, such as `engine`; annotations survive it.
 */
export const ENGINE_ANNOTATION = 'chartroom.dev/engine';

/** Whether Chartroom renders this chart: `engine: handlebars`, or the engine annotation. */
export function isHandlebarsChart(md: ChartMetadata): boolean {
  return md.engine === 'handlebars' || md.annotations?.[ENGINE_ANNOTATION] === 'handlebars';
}

/** Parses and validates Chart.yaml text; errors name the file, line and field. */
export function parseChartMetadata(text: string, file: string): { metadata: ChartMetadata; parsed: () => ParsedYaml; warnings: MetadataWarning[] } {
  // Positions are worked out only when a message needs one.
  let parsedCache: ParsedYaml | undefined;
  const parsed = () => (parsedCache ??= parseYaml(stripBom(text), file));
  const warnings: MetadataWarning[] = [];
  const raw = loadYaml(text, file);
  if (raw === null || raw === undefined) {
    throw new ChartroomError('CHART_YAML', 'Chart.yaml is empty', { file, hint: 'a chart needs at least apiVersion, name and version' });
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ChartroomError('CHART_YAML', 'Chart.yaml must be a mapping of fields', { file, line: 1 });
  }
  const md = raw as Record<string, unknown>;
  const fail = (field: string, message: string, hint?: string, path: (string | number)[] = field.split('.')): never => {
    const pos = positionOf(parsed(), path);
    throw new ChartroomError('CHART_YAML', message, { file, field, line: pos?.line, column: pos?.column, snippet: pos ? parsed().text.split('\n')[pos.line - 1] : undefined, hint });
  };
  const warn = (field: string, message: string) => {
    warnings.push({ field, message, line: positionOf(parsed(), field.split('.'))?.line });
  };
  const str = (field: string, required = false): string | undefined => {
    const v = md[field];
    if (v === undefined || v === null || v === '') {
      if (required) fail(field, `Chart.yaml: ${field} is required`);
      return undefined;
    }
    if (typeof v === 'number' || typeof v === 'boolean') {
      if (field === 'version') fail(field, `Chart.yaml: version must be a string, got the number ${v}`, `quote it: version: "${v}"`);
      warn(field, `${field} should be a string; quote it (${field}: "${v}")`);
      md[field] = String(v);
      return String(v);
    }
    if (typeof v !== 'string') fail(field, `Chart.yaml: ${field} must be a string`);
    return v as string;
  };
  const strList = (field: string) => {
    const v = md[field];
    if (v === undefined || v === null) return;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(field, `Chart.yaml: ${field} must be a list of strings`);
  };

  const apiVersion = str('apiVersion', true)!;
  if (apiVersion !== 'v1' && apiVersion !== 'v2') fail('apiVersion', `Chart.yaml: apiVersion ${JSON.stringify(apiVersion)} is not supported`, 'use apiVersion: v2');
  if (apiVersion === 'v1') warn('apiVersion', 'apiVersion v1 is deprecated; use v2');
  const name = str('name', true)!;
  if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') fail('name', `Chart.yaml: chart name ${JSON.stringify(name)} is invalid`, 'a chart name may not contain path separators');
  const version = str('version', true)!;
  // Helm reads versions with Masterminds/semver, which takes a leading `v` (cert-manager's charts use one).
  if (!isStrictSemver(version.startsWith('v') ? version.slice(1) : version)) fail('version', `Chart.yaml: version ${JSON.stringify(version)} is not a valid SemVer 2 version`, 'use MAJOR.MINOR.PATCH, e.g. 1.2.3 or 1.2.3-rc.1');
  str('description');
  str('home');
  str('icon');
  str('appVersion');
  const kube = str('kubeVersion');
  if (kube !== undefined) {
    try {
      parseConstraint(kube);
    } catch {
      fail('kubeVersion', `Chart.yaml: kubeVersion ${JSON.stringify(kube)} is not a valid version constraint`);
    }
  }
  const type = str('type');
  if (type !== undefined && type !== 'application' && type !== 'library') fail('type', `Chart.yaml: type ${JSON.stringify(type)} is invalid`, 'use application or library');
  const engine = str('engine');
  if (engine !== undefined && engine !== 'handlebars' && engine !== 'gotpl') fail('engine', `Chart.yaml: engine ${JSON.stringify(engine)} is unknown`, 'use engine: handlebars, or leave it out for a Helm (Go template) chart');
  strList('keywords');
  strList('sources');
  if (md.deprecated !== undefined && typeof md.deprecated !== 'boolean') fail('deprecated', 'Chart.yaml: deprecated must be true or false');
  if (md.annotations !== undefined && md.annotations !== null) {
    if (typeof md.annotations !== 'object' || Array.isArray(md.annotations)) fail('annotations', 'Chart.yaml: annotations must be a mapping of strings');
    for (const [k, v] of Object.entries(md.annotations as object)) {
      if (typeof v !== 'string') fail(`annotations.${k}`, `Chart.yaml: annotation ${JSON.stringify(k)} must be a string`, 'quote the value', ['annotations', k]);
    }
  }
  if (md.maintainers !== undefined && md.maintainers !== null) {
    if (!Array.isArray(md.maintainers)) fail('maintainers', 'Chart.yaml: maintainers must be a list');
    (md.maintainers as unknown[]).forEach((m, i) => {
      if (!m || typeof m !== 'object' || typeof (m as Maintainer).name !== 'string' || !(m as Maintainer).name) {
        fail(`maintainers[${i}].name`, `Chart.yaml: maintainers[${i}] needs a name`, undefined, ['maintainers', i]);
      }
      for (const f of ['email', 'url'] as const) {
        const v = (m as Record<string, unknown>)[f];
        if (v !== undefined && v !== null && typeof v !== 'string') fail(`maintainers[${i}].${f}`, `Chart.yaml: maintainers[${i}].${f} must be a string`, undefined, ['maintainers', i, f]);
      }
      const email = (m as Maintainer).email;
      if (email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(String(email))) fail(`maintainers[${i}].email`, `Chart.yaml: maintainers[${i}].email ${JSON.stringify(email)} is not an email address`, undefined, ['maintainers', i, 'email']);
    });
  }
  if (md.dependencies !== undefined && md.dependencies !== null) {
    if (!Array.isArray(md.dependencies)) fail('dependencies', 'Chart.yaml: dependencies must be a list');
    const names = new Set<string>();
    (md.dependencies as unknown[]).forEach((d, i) => {
      const at = (f: string) => ['dependencies', i, f];
      if (!d || typeof d !== 'object' || Array.isArray(d)) fail(`dependencies[${i}]`, `Chart.yaml: dependencies[${i}] must be a mapping`, undefined, ['dependencies', i]);
      const dep = d as Record<string, unknown>;
      if (typeof dep.name !== 'string' || !dep.name) fail(`dependencies[${i}].name`, `Chart.yaml: dependencies[${i}] needs a name`, undefined, ['dependencies', i]);
      if (dep.version !== undefined && dep.version !== null) {
        if (typeof dep.version === 'number') dep.version = String(dep.version);
        if (typeof dep.version !== 'string') fail(`dependencies[${i}].version`, 'Chart.yaml: a dependency version must be a string', undefined, at('version'));
        try {
          parseConstraint(dep.version as string);
        } catch (e) {
          fail(`dependencies[${i}].version`, `Chart.yaml: dependency ${dep.name}: ${(e as Error).message}`, undefined, at('version'));
        }
      }
      if (dep.alias !== undefined && dep.alias !== null && (typeof dep.alias !== 'string' || !ALIAS_RE.test(dep.alias))) {
        fail(`dependencies[${i}].alias`, `Chart.yaml: dependency alias ${JSON.stringify(dep.alias)} is invalid`, 'an alias may hold letters, digits, "-" and "_"', at('alias'));
      }
      if (dep.tags !== undefined && dep.tags !== null && (!Array.isArray(dep.tags) || dep.tags.some((t) => typeof t !== 'string'))) fail(`dependencies[${i}].tags`, 'Chart.yaml: dependency tags must be a list of strings', undefined, at('tags'));
      if (dep.repository !== undefined && dep.repository !== null && typeof dep.repository !== 'string') fail(`dependencies[${i}].repository`, 'Chart.yaml: a dependency repository must be a string', undefined, at('repository'));
      if (dep.enabled !== undefined && dep.enabled !== null && typeof dep.enabled !== 'boolean') fail(`dependencies[${i}].enabled`, 'Chart.yaml: a dependency\'s enabled must be true or false', undefined, at('enabled'));
      if (dep.condition !== undefined && dep.condition !== null && typeof dep.condition !== 'string') fail(`dependencies[${i}].condition`, 'Chart.yaml: a dependency condition must be a string', undefined, at('condition'));
      const iv = dep['import-values'];
      if (iv !== undefined && iv !== null) {
        if (!Array.isArray(iv)) fail(`dependencies[${i}].import-values`, 'Chart.yaml: import-values must be a list', undefined, at('import-values'));
        (iv as unknown[]).forEach((e, j) => {
          const ok = typeof e === 'string' || (e && typeof e === 'object' && typeof (e as { child?: unknown }).child === 'string' && typeof (e as { parent?: unknown }).parent === 'string');
          if (!ok) fail(`dependencies[${i}].import-values[${j}]`, 'Chart.yaml: each import-values entry is a string or a {child, parent} mapping', undefined, ['dependencies', i, 'import-values', j]);
        });
      }
      const effective = (dep.alias as string | undefined) || (dep.name as string);
      if (names.has(effective)) fail(`dependencies[${i}]`, `Chart.yaml: more than one dependency is named ${JSON.stringify(effective)}`, 'give one of them an alias', ['dependencies', i]);
      names.add(effective);
    });
  }
  for (const key of Object.keys(md)) {
    if (!KNOWN_CHART_FIELDS.has(key)) warn(key, `unknown field ${JSON.stringify(key)} in Chart.yaml (ignored)`);
  }
  return { metadata: md as ChartMetadata, parsed, warnings };
}

/** SemVer 2 exactly: MAJOR.MINOR.PATCH with optional prerelease and build, no leading `v`. */
export function isStrictSemver(v: string): boolean {
  // Every chart load asks this of its version: answered without loading semver (0.5 ms to build its regular
  // expressions) when the grammar and semver's limits (256 characters, safe integers) say yes.
  const m = v.length <= 256 ? SEMVER_2.exec(v) : null;
  if (m && [m[1], m[2], m[3]].every((n) => Number(n) <= Number.MAX_SAFE_INTEGER)) return true;
  return isStrictSemverBySemver(v);
}

/** isStrictSemver by the semver package alone (the answer for anything the grammar refuses; tests compare). */
export function isStrictSemverBySemver(v: string): boolean {
  return semver.valid(v, { loose: false }) === v || (semver.valid(v) !== null && semver.clean(v) === v.replace(/\+.*$/, '') && !v.startsWith('v') && !v.startsWith('='));
}
