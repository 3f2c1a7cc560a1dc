import { gzipSync } from 'node:zlib';
import jsyaml from 'js-yaml';
import { tagOf } from '../core/oci/format.js';
import type { IndexEntry } from '../core/repo/index-file.js';
import { compareVersionsDesc } from '../core/versions.js';

export interface RenderedIndex {
  yaml: Buffer;
  yamlGzip?: Buffer;
  json?: Buffer;
  etag: string;
  generated: string;
}

/** One page of a chart's OCI tags, and whether more follow. */
export interface TagPage {
  tags: string[];
  more: boolean;
}

/** Code-unit order: Go's sort.Strings for the ASCII that tags are made of, as the distribution spec asks. */
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Where `tag` is, or would go, in a sorted list: the first index whose tag is not below it. */
function lowerBound(list: readonly string[], tag: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < tag) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
  /** Each chart's OCI tags, sorted, made on first request and then kept up to date by set and remove. */
  private readonly tagLists = new Map<string, string[]>();
  private rendered: RenderedIndex | undefined;
  private versions = 0;
  private generation = 0;
  /** Called with a chart's name after each change to its versions (the registry's search index listens). */
  private readonly listeners: ((name: string) => void)[] = [];

  /** Calls `fn(name)` after every set or remove that changes a chart's versions. */
  onChange(fn: (name: string) => void): void {
    this.listeners.push(fn);
  }

  get chartCount(): number {
    return this.charts.size;
  }
  get versionCount(): number {
    return this.versions;
  }

  set(entry: IndexEntry): void {
    let byVersion = this.charts.get(entry.name);
    if (!byVersion) this.charts.set(entry.name, (byVersion = new Map()));
    if (!byVersion.has(entry.version)) {
      this.versions++;
      const tags = this.tagLists.get(entry.name);
      if (tags) {
        const tag = tagOf(entry.version);
        const at = lowerBound(tags, tag);
        if (tags[at] !== tag) tags.splice(at, 0, tag);
      }
    }
    byVersion.set(entry.version, entry);
    this.fragments.delete(entry.name);
    this.rendered = undefined;
    this.generation++;
    for (const fn of this.listeners) fn(entry.name);
  }

  remove(name: string, version: string): boolean {
    const byVersion = this.charts.get(name);
    if (!byVersion?.delete(version)) return false;
    this.versions--;
    const tags = this.tagLists.get(name);
    if (tags) {
      const tag = tagOf(version);
      const at = lowerBound(tags, tag);
      if (tags[at] === tag) tags.splice(at, 1);
    }
    if (byVersion.size === 0) {
      this.charts.delete(name);
      this.tagLists.delete(name);
    }
    this.fragments.delete(name);
    this.rendered = undefined;
    this.generation++;
    for (const fn of this.listeners) fn(name);
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

  /** Whether the chart has any version here. */
  has(name: string): boolean {
    return this.charts.has(name);
  }

  /**
   * A page of a chart's OCI tags (its versions, `+` written `_`) in code-unit order: at most `n` tags after
   * `last` (exclusive). A binary search into a list kept sorted, so a page costs O(log n + page) however many
   * versions the chart has.
   */
  tagPage(name: string, opts: { n?: number; last?: string } = {}): TagPage {
    const byVersion = this.charts.get(name);
    if (!byVersion) return { tags: [], more: false };
    let tags = this.tagLists.get(name);
    if (!tags) {
      tags = [...byVersion.keys()].map(tagOf).sort(byCodeUnit);
      this.tagLists.set(name, tags);
    }
    let from = 0;
    if (opts.last !== undefined) {
      from = lowerBound(tags, opts.last);
      if (tags[from] === opts.last) from++;
    }
    const to = opts.n === undefined ? tags.length : Math.min(tags.length, from + Math.max(0, opts.n));
    return { tags: tags.slice(from, to), more: to < tags.length && opts.n !== 0 };
  }

  names(): string[] {
    return [...this.charts.keys()].sort();
  }

  private fragment(name: string): string {
    let f = this.fragments.get(name);
    if (f === undefined) {
      const doc: Record<string, IndexEntry[]> = Object.create(null);
      doc[name] = this.versionsOf(name);
      const text = jsyaml.dump(doc, { lineWidth: -1, noRefs: true, noArrayIndent: true, quotingType: '"' });
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
      const entries: Record<string, IndexEntry[]> = Object.create(null);
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
