import { gzipSync } from 'node:zlib';
import jsyaml from 'js-yaml';
import semver from 'semver';

/** One chart version as index.yaml lists it: Chart.yaml fields plus urls, created and digest. */
export interface IndexEntry {
  name: string;
  version: string;
  urls: string[];
  created: string;
  digest: string;
  [field: string]: unknown;
}

/** Fields helm accepts in an index entry; one unknown key makes helm reject the whole repository. */
export const INDEX_ENTRY_FIELDS = new Set([
  'name', 'home', 'sources', 'version', 'description', 'keywords', 'maintainers', 'icon', 'apiVersion', 'condition', 'tags',
  'appVersion', 'deprecated', 'annotations', 'kubeVersion', 'dependencies', 'type', 'engine', 'urls', 'created', 'removed', 'digest',
]);
const DEPENDENCY_FIELDS = new Set(['name', 'version', 'repository', 'condition', 'tags', 'enabled', 'import-values', 'alias']);
const MAINTAINER_FIELDS = new Set(['name', 'email', 'url']);

function pick(obj: Record<string, unknown>, allowed: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (allowed.has(k) && v !== undefined && v !== null) out[k] = v;
  return out;
}

/** An index entry from Chart.yaml metadata, keeping only keys helm knows. */
export function indexEntryFromMetadata(md: Record<string, unknown>, extra: { urls: string[]; created: string; digest: string }): IndexEntry {
  const e = pick(md, INDEX_ENTRY_FIELDS);
  if (Array.isArray(e.dependencies)) e.dependencies = (e.dependencies as Record<string, unknown>[]).map((d) => pick(d, DEPENDENCY_FIELDS));
  if (Array.isArray(e.maintainers)) e.maintainers = (e.maintainers as Record<string, unknown>[]).map((m) => pick(m, MAINTAINER_FIELDS));
  return { ...(e as Omit<IndexEntry, 'urls' | 'created' | 'digest'>), urls: extra.urls, created: extra.created, digest: extra.digest } as IndexEntry;
}

/** Newest first, as helm expects; versions that are not SemVer sort last. */
export function compareVersionsDesc(a: string, b: string): number {
  const va = semver.valid(a);
  const vb = semver.valid(b);
  if (va && vb) return semver.rcompare(va, vb) || (a < b ? 1 : a > b ? -1 : 0);
  if (va) return -1;
  if (vb) return 1;
  return a < b ? 1 : -1;
}

export interface RenderedIndex {
  yaml: Buffer;
  yamlGzip?: Buffer;
  json?: Buffer;
  etag: string;
  generated: string;
}

/** Differs between processes, so a tag from an earlier run never matches by accident. */
const INSTANCE = Math.random().toString(36).slice(2, 10);

/**
 * One repository's index in memory. A publish or delete touches one chart name (O(1) in the number of
 * charts); the index.yaml text is put together from per-name pieces, so only the changed name is
 * serialised again, and only when someone asks for the index.
 */
export class RepositoryIndex {
  private readonly charts = new Map<string, Map<string, IndexEntry>>();
  private readonly fragments = new Map<string, string>();
  private rendered: RenderedIndex | undefined;
  private versions = 0;
  private generation = 0;

  get chartCount(): number {
    return this.charts.size;
  }
  get versionCount(): number {
    return this.versions;
  }

  set(entry: IndexEntry): void {
    let byVersion = this.charts.get(entry.name);
    if (!byVersion) this.charts.set(entry.name, (byVersion = new Map()));
    if (!byVersion.has(entry.version)) this.versions++;
    byVersion.set(entry.version, entry);
    this.fragments.delete(entry.name);
    this.rendered = undefined;
    this.generation++;
  }

  remove(name: string, version: string): boolean {
    const byVersion = this.charts.get(name);
    if (!byVersion?.delete(version)) return false;
    this.versions--;
    if (byVersion.size === 0) this.charts.delete(name);
    this.fragments.delete(name);
    this.rendered = undefined;
    this.generation++;
    return true;
  }

  get(name: string, version: string): IndexEntry | undefined {
    return this.charts.get(name)?.get(version);
  }

  /** A chart's versions, newest first. */
  versionsOf(name: string): IndexEntry[] {
    const byVersion = this.charts.get(name);
    if (!byVersion) return [];
    return [...byVersion.values()].sort((a, b) => compareVersionsDesc(a.version, b.version));
  }

  names(): string[] {
    return [...this.charts.keys()].sort();
  }

  private fragment(name: string): string {
    let f = this.fragments.get(name);
    if (f === undefined) {
      const text = jsyaml.dump({ [name]: this.versionsOf(name) }, { lineWidth: -1, noRefs: true, noArrayIndent: true, quotingType: '"' });
      f = text.replace(/^(?=.)/gm, '  ');
      this.fragments.set(name, f);
    }
    return f;
  }

  /** index.yaml and index.json, built on demand and kept until the next change. */
  render(): RenderedIndex {
    if (this.rendered) return this.rendered;
    const generated = new Date().toISOString();
    const names = this.names();
    const yaml = names.length === 0 ? `apiVersion: v1\nentries: {}\ngenerated: "${generated}"\n` : `apiVersion: v1\nentries:\n${names.map((n) => this.fragment(n)).join('')}generated: "${generated}"\n`;
    this.rendered = { yaml: Buffer.from(yaml), etag: `"${INSTANCE}-${this.generation}"`, generated };
    return this.rendered;
  }

  /** index.json, made on first request for each version of the index. */
  json(): Buffer {
    const r = this.render();
    if (!r.json) {
      const entries: Record<string, IndexEntry[]> = {};
      for (const n of this.names()) entries[n] = this.versionsOf(n);
      r.json = Buffer.from(JSON.stringify({ apiVersion: 'v1', entries, generated: r.generated }));
    }
    return r.json;
  }

  /** The gzip form of index.yaml, made once per version of the index. */
  gzipped(): Buffer {
    const r = this.render();
    if (!r.yamlGzip) r.yamlGzip = gzipSync(r.yaml);
    return r.yamlGzip;
  }
}
