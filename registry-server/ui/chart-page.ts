import { readChartArchiveAsync, type ChartFile } from '../../core/chart/archive.js';
import { isHandlebarsChart, parseChartMetadata, type ChartMetadata } from '../../core/chart/metadata.js';
import { parseYaml } from '../../core/yaml.js';
import { highlightYaml } from './highlight.js';
import { renderReadme, type TocEntry } from './markdown.js';
import { DEFAULT_VALUES_LIMITS, valuesTable, type ValuesRow } from './values-table.js';

/** A template file of the chart, with its source (cut past MAX_TEMPLATE_BYTES). */
export interface TemplateSource {
  path: string;
  text: string;
  truncated: boolean;
}

export interface PageDependency {
  name: string;
  version?: string;
  repository?: string;
  alias?: string;
  condition?: string;
}

export interface PageMaintainer {
  name: string;
  email?: string;
  /** Only an http(s) URL; anything else is left out. */
  url?: string;
}

/** One entry of the `artifacthub.io/changes` annotation. */
export interface ChartChange {
  /** added, changed, deprecated, removed, fixed, security; absent in the plain list form. */
  kind?: string;
  description: string;
}

/**
 * Everything a chart version's page shows, computed once from its archive. Every string is plain text, for the
 * page template to escape, except `readmeHtml`, which is already sanitized HTML. URLs (`home`, `sources`,
 * maintainers' `url`, `icon`) are only ever http(s) (or, for the icon, a raster data image).
 */
export interface ChartPageModel {
  name: string;
  version: string;
  description?: string;
  appVersion?: string;
  kubeVersion?: string;
  /** application or library. */
  type?: string;
  deprecated: boolean;
  /** The template engine the chart needs: `handlebars` (Chartroom only; helm cannot render it) or `go` (helm's). */
  engine: 'handlebars' | 'go';
  icon?: string;
  home?: string;
  sources: string[];
  keywords: string[];
  maintainers: PageMaintainer[];
  dependencies: PageDependency[];
  annotations: Record<string, string>;
  /** `artifacthub.io/changes`, parsed; empty when absent or unreadable. */
  changes: ChartChange[];
  /** Empty when the chart has no README. */
  readmeHtml: string;
  toc: TocEntry[];
  readmeTruncated: boolean;
  /** values.yaml as written (its first MAX_VALUES_BYTES), empty when the chart has none. */
  valuesYaml: string;
  /** valuesYaml highlighted: HTML of highlight.js's spans around escaped text (see ui/highlight.ts); absent when too long. */
  valuesHtml?: string;
  valuesYamlTruncated: boolean;
  valuesTable: ValuesRow[];
  /** Why the values table is incomplete or missing. */
  valuesNotice?: string;
  templates: TemplateSource[];
  /** Set when the chart has more templates than MAX_TEMPLATES. */
  templatesTruncated: boolean;
  /** The archive's size in bytes. */
  archiveSize: number;
}

export interface ChartPageOptions {
  name: string;
  version: string;
  /** The URL of a chart file for README links and images (default `./files/<path>`, each segment encoded). */
  fileUrl?: (path: string) => string;
}

export const MAX_VALUES_BYTES = DEFAULT_VALUES_LIMITS.maxBytes;
export const MAX_TEMPLATE_BYTES = 256 * 1024;
export const MAX_TEMPLATES = 500;
const MAX_SCHEMA_BYTES = 1024 * 1024;
const MAX_CHANGES = 500;
const MAX_LIST = 200;
/** Longest data: icon kept (Artifact Hub asks for icons of a few KiB; search results carry them too). */
const MAX_ICON_CHARS = 64 * 1024;
/** Longest icon URL kept. */
const MAX_ICON_URL = 2048;
const SAFE_DATA_ICON = /^data:image\/(?:png|gif|jpeg|webp)(?:;[a-z0-9=._+-]*)*,[A-Za-z0-9+/=%._~-]*$/i;

/** The default file URL: relative to the chart version's page. */
export function defaultFileUrl(path: string): string {
  return `./files/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** A string field of Chart.yaml, or undefined when it is something else. */
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/** An http(s) URL as the URL parser writes it, or undefined. */
export function httpUrl(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    const u = new URL(v.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A chart icon a page or a search result may show: an https URL (without credentials), or a data URL of a
 * raster image; anything else (SVG can carry script) is dropped.
 */
export function safeIcon(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > MAX_ICON_CHARS) return undefined;
  const s = v.trim();
  if (/^data:/i.test(s)) return SAFE_DATA_ICON.test(s) ? s : undefined;
  if (s.length > MAX_ICON_URL) return undefined;
  const u = httpUrl(s);
  if (!u?.startsWith('https:')) return undefined;
  const parsed = new URL(u);
  return parsed.username || parsed.password ? undefined : u;
}

/**
 * Reads `artifacthub.io/changes`: either a YAML list of `{kind, description}` maps or a YAML list of plain
 * strings (Artifact Hub accepts both). Anything else gives no changes.
 */
export function parseChanges(annotation: string | undefined): ChartChange[] {
  if (!annotation) return [];
  let value: unknown;
  try {
    value = parseYaml(annotation, 'artifacthub.io/changes').value;
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  const changes: ChartChange[] = [];
  for (const item of value.slice(0, MAX_CHANGES)) {
    if (typeof item === 'string') {
      if (item.trim()) changes.push({ description: item.trim() });
    } else if (item && typeof item === 'object' && !Array.isArray(item)) {
      const { kind, description } = item as Record<string, unknown>;
      if (typeof description !== 'string' || !description.trim()) continue;
      changes.push(typeof kind === 'string' && kind.trim() ? { kind: kind.trim(), description: description.trim() } : { description: description.trim() });
    }
  }
  return changes;
}

function cutText(data: Buffer, max: number): { text: string; truncated: boolean } {
  const truncated = data.length > max;
  // A cut through a multi-byte character leaves U+FFFD at the end; drop it.
  const text = (truncated ? data.subarray(0, max) : data).toString('utf8').replace(/^\uFEFF/, '');
  return { text: truncated ? text.replace(/\uFFFD$/, '') : text, truncated };
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.slice(0, MAX_LIST).map(str).filter((s): s is string => s !== undefined) : [];
}

function dependenciesOf(md: ChartMetadata): PageDependency[] {
  if (!Array.isArray(md.dependencies)) return [];
  return md.dependencies.slice(0, MAX_LIST).flatMap((d) => {
    const name = str(d?.name);
    if (!name) return [];
    const dep: PageDependency = { name };
    for (const k of ['version', 'repository', 'alias', 'condition'] as const) {
      const v = str(d[k]);
      if (v !== undefined) dep[k] = v;
    }
    return [dep];
  });
}

function maintainersOf(md: ChartMetadata): PageMaintainer[] {
  if (!Array.isArray(md.maintainers)) return [];
  return md.maintainers.slice(0, MAX_LIST).flatMap((m) => {
    const name = str(m?.name);
    if (!name) return [];
    const out: PageMaintainer = { name };
    const email = str(m.email);
    if (email) out.email = email;
    const url = httpUrl(m.url);
    if (url) out.url = url;
    return [out];
  });
}

function annotationsOf(md: ChartMetadata): Record<string, string> {
  const out: Record<string, string> = {};
  if (!md.annotations || typeof md.annotations !== 'object') return out;
  for (const [k, v] of Object.entries(md.annotations).slice(0, MAX_LIST)) {
    const s = str(v);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** Finds the chart's README at its top: README.md in any letter case. */
function readmeOf(files: ChartFile[]): ChartFile | undefined {
  return files.find((f) => f.name === 'README.md') ?? files.find((f) => /^readme\.md$/i.test(f.name));
}

/**
 * Computes a chart version's page from its archive, once: metadata, the README as sanitized HTML with a table
 * of contents, values.yaml with a table of its keys, and template sources. The archive is read in memory by
 * core/chart/archive.ts, with its refusals (traversal, links, bombs) and limits; nothing touches the disk.
 */
export async function chartPageModel(archive: Buffer, opts: ChartPageOptions): Promise<ChartPageModel> {
  const source = `${opts.name}-${opts.version}.tgz`;
  const { topDir, files } = await readChartArchiveAsync(archive, source);
  const byName = new Map(files.map((f) => [f.name, f]));
  const { metadata: md } = parseChartMetadata(byName.get('Chart.yaml')!.data.toString('utf8'), `${source}#${topDir}/Chart.yaml`);
  const fileUrl = opts.fileUrl ?? defaultFileUrl;

  const readmeFile = readmeOf(files);
  const readme = readmeFile
    ? renderReadme(readmeFile.data.toString('utf8'), { hasFile: (p) => byName.has(p), fileUrl })
    : { html: '', toc: [], truncated: false };

  const valuesFile = byName.get('values.yaml');
  const values = valuesFile ? cutText(valuesFile.data, MAX_VALUES_BYTES) : { text: '', truncated: false };
  let schema: unknown;
  const schemaFile = byName.get('values.schema.json');
  if (schemaFile && schemaFile.data.length <= MAX_SCHEMA_BYTES) {
    try {
      schema = JSON.parse(schemaFile.data.toString('utf8').replace(/^\uFEFF/, ''));
    } catch {
      // The table is still useful without the schema's words.
      schema = undefined;
    }
  }
  const table = !valuesFile
    ? { rows: [] as ValuesRow[] }
    : values.truncated
      ? { rows: [] as ValuesRow[], notice: `values.yaml is ${valuesFile.data.length} bytes, more than the ${MAX_VALUES_BYTES} this page reads: no table, and only its beginning is shown` }
      : valuesTable(values.text, schema);

  const templateFiles = files.filter((f) => f.name.startsWith('templates/')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const templates = templateFiles.slice(0, MAX_TEMPLATES).map((f) => ({ path: f.name, ...cutText(f.data, MAX_TEMPLATE_BYTES) }));

  const annotations = annotationsOf(md);
  const model: ChartPageModel = {
    name: opts.name,
    version: opts.version,
    deprecated: md.deprecated === true,
    engine: isHandlebarsChart(md) ? 'handlebars' : 'go',
    sources: stringList(md.sources).map(httpUrl).filter((u): u is string => u !== undefined),
    keywords: stringList(md.keywords),
    maintainers: maintainersOf(md),
    dependencies: dependenciesOf(md),
    annotations,
    changes: parseChanges(annotations['artifacthub.io/changes']),
    readmeHtml: readme.html,
    toc: readme.toc,
    readmeTruncated: readme.truncated,
    valuesYaml: values.text,
    valuesYamlTruncated: values.truncated,
    valuesTable: table.rows,
    templates,
    templatesTruncated: templateFiles.length > MAX_TEMPLATES,
    archiveSize: archive.length,
  };
  const optional = {
    description: str(md.description),
    appVersion: str(md.appVersion),
    kubeVersion: str(md.kubeVersion),
    type: str(md.type),
    icon: safeIcon(md.icon),
    home: httpUrl(md.home),
    valuesNotice: table.notice,
    valuesHtml: values.text ? highlightYaml(values.text) : undefined,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (model as unknown as Record<string, unknown>)[k] = v;
  return model;
}
