import { ENGINE_ANNOTATION } from '../core/chart/metadata.js';
import { randomBytes } from 'node:crypto';
import type { IndexEntry } from '../core/repo/index-file.js';
import { parseVersion } from '../core/versions.js';
import type { RepositoryIndex } from './index-cache.js';
import { safeIcon } from './ui/chart-page.js';

/** The longest query text accepted, in characters. */
export const MAX_QUERY_CHARS = 200;
/** The most words a query may have (each must match somewhere). */
export const MAX_QUERY_TERMS = 8;
/** The most results on one page. */
export const MAX_PER_PAGE = 100;
/** Characters of description and maintainers kept in a chart's haystack, so that one chart cannot make every query slow. */
const MAX_TEXT_CHARS = 4096;

/** One chart in the search results: its latest version's fields. */
export interface SearchResult {
  repo: string;
  name: string;
  description: string | null;
  latestVersion: string;
  appVersion: string | null;
  icon: string | null;
  deprecated: boolean;
  type: string;
  /** The template engine the chart needs: `handlebars` (Chartroom only) or `go` (helm's). */
  engine: 'handlebars' | 'go';
  keywords: string[];
  updated: string | null;
}

export interface SearchQuery {
  /** Free text: every word must occur in the chart's name, keywords, description or maintainers (case-insensitive). Empty: every chart. */
  q: string;
  /** Only this repository ('' the root repository). */
  repo?: string;
  deprecated?: boolean;
  type?: 'application' | 'library';
  /** 1-based. */
  page: number;
  perPage: number;
}

export interface SearchPage {
  results: SearchResult[];
  total: number;
  page: number;
  perPage: number;
}

/** Where the charts are: the registry (or anything with its repositories and their indexes). */
export interface SearchSource {
  repositories(): string[];
  readIndex(repo: string): RepositoryIndex;
}

/** A chart as the search sees it: lowercase text to match, and its result, made once per change. */
interface Doc {
  key: string;
  nameLc: string;
  /** Keywords, lowercase, one per line (so a word never spans two). */
  keywords: string;
  /** Description and maintainers' names and e-mail addresses, lowercase, one per line. */
  text: string;
  result: SearchResult;
}

/** How well a chart matches, best first: exact name, name prefix, name substring, keyword, description or maintainer. */
const EXACT = 0;
const PREFIX = 1;
const IN_NAME = 2;
const IN_KEYWORD = 3;
const IN_TEXT = 4;
const NO_MATCH = 5;

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const docKey = (repo: string, name: string) => `${repo}\0${name}`;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The latest version: the newest without a pre-release part, else the newest (versions come newest first). */
export function latestOf(versions: readonly IndexEntry[]): IndexEntry | undefined {
  return versions.find((e) => parseVersion(e.version)?.prerelease.length === 0) ?? versions[0];
}

/** The engine an index entry says its chart needs: `engine: handlebars` in Chart.yaml, or the annotation that keeps it through helm package. */
function engineOf(entry: IndexEntry): 'handlebars' | 'go' {
  const annotations = entry.annotations;
  const annotated = annotations !== null && typeof annotations === 'object' && Object.hasOwn(annotations, ENGINE_ANNOTATION) ? (annotations as Record<string, unknown>)[ENGINE_ANNOTATION] : undefined;
  return (entry as { engine?: unknown }).engine === 'handlebars' || annotated === 'handlebars' ? 'handlebars' : 'go';
}

function makeDoc(repo: string, entry: IndexEntry): Doc {
  const keywords = Array.isArray(entry.keywords) ? (entry.keywords as unknown[]).filter((k): k is string => typeof k === 'string') : [];
  const maintainers = Array.isArray(entry.maintainers) ? (entry.maintainers as unknown[]) : [];
  const description = str(entry.description) ?? null;
  const text: string[] = [description ?? ''];
  for (const m of maintainers) {
    if (!m || typeof m !== 'object') continue;
    const { name, email } = m as { name?: unknown; email?: unknown };
    if (typeof name === 'string') text.push(name);
    if (typeof email === 'string') text.push(email);
  }
  return {
    key: docKey(repo, entry.name),
    nameLc: entry.name.toLowerCase(),
    keywords: keywords.join('\n').toLowerCase(),
    text: text.join('\n').slice(0, MAX_TEXT_CHARS).toLowerCase(),
    result: {
      repo,
      name: entry.name,
      description,
      latestVersion: entry.version,
      appVersion: str(entry.appVersion) ?? null,
      icon: safeIcon(entry.icon) ?? null,
      deprecated: entry.deprecated === true,
      type: str(entry.type) || 'application',
      engine: engineOf(entry),
      keywords,
      updated: str(entry.created) ?? null,
    },
  };
}

/** The words of a query: lowercase, split on white space, duplicates dropped. */
export function queryTerms(q: string): string[] {
  return [...new Set(q.toLowerCase().split(/\s+/).filter(Boolean))];
}

/** How a chart matches a query (its whole text `whole`, and its words `terms`); NO_MATCH when a word is found nowhere. */
function rank(doc: Doc, whole: string, terms: readonly string[]): number {
  if (terms.length === 0) return EXACT;
  if (doc.nameLc === whole) return EXACT;
  if (doc.nameLc.startsWith(whole)) return PREFIX;
  if (doc.nameLc.includes(whole)) return IN_NAME;
  // Each word is found in the best field that has it; the chart ranks by its weakest word.
  let worst = IN_NAME;
  for (const t of terms) {
    if (doc.nameLc.includes(t)) continue;
    if (doc.keywords.includes(t)) worst = Math.max(worst, IN_KEYWORD);
    else if (doc.text.includes(t)) worst = IN_TEXT;
    else return NO_MATCH;
  }
  return worst;
}

/**
 * The search index: one document per chart (its latest version) over every repository, kept up to date as
 * the repositories' indexes change. A change marks its chart dirty (O(1)); the next query rebuilds just the
 * dirty charts, and the order by name only when charts came or went. A query then reads every chart once (no
 * sorting per query): linear in the number of charts. Keys are Map keys; nothing from the request becomes a
 * pattern.
 */
export class ChartSearch {
  private readonly docs = new Map<string, Doc>();
  /** Every document by name (lowercase, then as written), then repository; undefined after charts came or went. */
  private ordered: Doc[] | undefined;
  /** Charts changed since the last query, by document key. */
  private readonly dirty = new Map<string, { repo: string; name: string }>();
  /** The index each repository's documents were made from (a new one is read whole). */
  private readonly watched = new Map<string, RepositoryIndex>();

  /** Counts the changes taken in, so that a page made from the index can say which state it shows (its ETag). */
  private changes = 0;
  /** Tells this index's states apart from another process's (a restart, a replica). */
  private readonly instance = randomBytes(6).toString('hex');

  constructor(private readonly source: SearchSource) {}

  /**
   * A token that changes whenever the charts the index holds change (after taking in the latest changes): a
   * page or response computed from the index is the same while the token is.
   */
  state(): string {
    this.refresh();
    return `${this.instance}-${this.changes}`;
  }

  /** Takes in what changed since the last call. */
  private refresh(): void {
    for (const repo of this.source.repositories()) {
      const idx = this.source.readIndex(repo);
      if (this.watched.get(repo) === idx) continue;
      this.watched.set(repo, idx);
      // A repository seen for the first time (or whose index was replaced): drop what it had, read it whole.
      for (const [key, doc] of this.docs) if (doc.result.repo === repo) this.markDirty(repo, doc.result.name, key);
      idx.onChange((name) => {
        if (this.watched.get(repo) === idx) this.markDirty(repo, name);
      });
      for (const name of idx.names()) this.markDirty(repo, name);
    }
    if (this.dirty.size === 0) return;
    this.changes++;
    for (const [key, { repo, name }] of this.dirty) {
      const idx = this.watched.get(repo);
      const latest = idx ? latestOf(idx.versionsOf(name)) : undefined;
      const had = this.docs.get(key);
      if (latest && had) Object.assign(had, makeDoc(repo, latest)); // in place: the order by name holds it
      else if (latest) this.docs.set(key, makeDoc(repo, latest));
      else this.docs.delete(key);
      if (!had !== !latest) this.ordered = undefined;
    }
    this.dirty.clear();
  }

  private markDirty(repo: string, name: string, key = docKey(repo, name)): void {
    this.dirty.set(key, { repo, name });
  }

  private order(): Doc[] {
    if (!this.ordered) {
      this.ordered = [...this.docs.values()].sort((a, b) => byCodeUnit(a.nameLc, b.nameLc) || byCodeUnit(a.result.name, b.result.name) || byCodeUnit(a.result.repo, b.result.repo));
    }
    return this.ordered;
  }

  /** How many charts the index holds (after taking in the latest changes). */
  size(): number {
    this.refresh();
    return this.docs.size;
  }

  /**
   * A page of the charts that match `query` in the repositories `readable` admits, best match first, ties by
   * name. The query text must already be checked (at most MAX_QUERY_CHARS, MAX_QUERY_TERMS words).
   */
  search(query: SearchQuery, readable: (repo: string) => boolean): SearchPage {
    this.refresh();
    const terms = queryTerms(query.q);
    const whole = terms.join(' ');
    const allowed = new Map<string, boolean>();
    const docs = this.order();
    // Two passes and no list of matches: the first ranks every chart into one byte each and counts each rank, the
    // second takes the page's charts in rank order. A query allocates a byte per chart, not a list of them all.
    const ranks = new Uint8Array(docs.length);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i];
      const r = doc.result;
      let k = NO_MATCH;
      if ((query.repo === undefined || r.repo === query.repo) && (query.deprecated === undefined || r.deprecated === query.deprecated) && (query.type === undefined || r.type === query.type)) {
        let ok = allowed.get(r.repo);
        if (ok === undefined) allowed.set(r.repo, (ok = readable(r.repo)));
        if (ok) k = rank(doc, whole, terms);
      }
      ranks[i] = k;
      if (k !== NO_MATCH) counts[k]++;
    }
    const total = counts.reduce((n, c) => n + c, 0);
    const from = (query.page - 1) * query.perPage;
    const results: SearchResult[] = [];
    let skip = from;
    for (let k = 0; k < counts.length && results.length < query.perPage; k++) {
      if (skip >= counts[k]) {
        skip -= counts[k];
        continue;
      }
      for (let i = 0; i < docs.length && results.length < query.perPage; i++) {
        if (ranks[i] !== k) continue;
        if (skip > 0) skip--;
        else results.push(docs[i].result);
      }
    }
    return { results, total, page: query.page, perPage: query.perPage };
  }
}

/** The one index of each registry (or source), shared by the search API and the home page. */
const shared = new WeakMap<SearchSource, ChartSearch>();

/** The registry's search index, made on first use; every router that searches gets the same one. */
export function chartSearchFor(source: SearchSource): ChartSearch {
  let index = shared.get(source);
  if (!index) shared.set(source, (index = new ChartSearch(source)));
  return index;
}
