import { readFileSync } from 'node:fs';
import { ChartroomError } from '../errors.js';
import { loadYaml } from '../yaml.js';
import { compareVersionsDesc } from '../versions.js';

/** One version of a chart in a repository index. */
export interface ChartVersion {
  name: string;
  version: string;
  urls: string[];
  digest?: string;
  created?: string;
  appVersion?: string;
  description?: string;
  deprecated?: boolean;
  [field: string]: unknown;
}

/** One chart version as a server writes it into index.yaml: Chart.yaml fields plus urls, created and digest. */
export interface IndexEntry extends ChartVersion {
  created: string;
  digest: string;
}

/** Fields helm accepts in an index entry; one unknown key makes helm reject the whole repository. */
export const INDEX_ENTRY_FIELDS = new Set([
  'name', 'home', 'sources', 'version', 'description', 'keywords', 'maintainers', 'icon', 'apiVersion', 'condition', 'tags',
  'appVersion', 'deprecated', 'annotations', 'kubeVersion', 'dependencies', 'type', 'engine', 'urls', 'created', 'removed', 'digest',
]);
const DEPENDENCY_FIELDS = new Set(['name', 'version', 'repository', 'condition', 'tags', 'enabled', 'import-values', 'alias']);
const MAINTAINER_FIELDS = new Set(['name', 'email', 'url']);

/**
 * The keys of `obj` that are in `allowed`, in its order, without undefined or null values. Every allowed key
 * is a plain name (no `__proto__`), so an ordinary object holds them as data.
 */
function pick(obj: object, allowed: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const src = obj as Record<string, unknown>;
  for (const k of Object.keys(src)) {
    if (!allowed.has(k)) continue;
    const v = src[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

/**
 * The one place index entries are made (by `repo index` and by the registry): Chart.yaml metadata with only
 * the keys helm knows, plus where the archive is, when it was added and its sha256 (set in place when the
 * metadata has them, as a spread would).
 */
export function indexEntryFromMetadata(md: object, extra: { urls: string[]; created: string; digest: string }): IndexEntry {
  const e = pick(md, INDEX_ENTRY_FIELDS);
  if (Array.isArray(e.dependencies)) e.dependencies = (e.dependencies as object[]).map((d) => pick(d, DEPENDENCY_FIELDS));
  if (Array.isArray(e.maintainers)) e.maintainers = (e.maintainers as object[]).map((m) => pick(m, MAINTAINER_FIELDS));
  e.urls = extra.urls;
  e.created = extra.created;
  e.digest = extra.digest;
  return e as IndexEntry;
}

/** A repository index: chart name to versions, newest first. */
export interface RepoIndex {
  apiVersion: string;
  entries: Record<string, ChartVersion[]>;
  generated?: string;
}

/** Newest first by SemVer, as helm sorts an index when it loads it; entries that are not SemVer last. */
export function sortIndex(index: RepoIndex): RepoIndex {
  for (const name of Object.keys(index.entries)) {
    const list = index.entries[name];
    if (!Array.isArray(list)) throw new ChartroomError('INDEX_INVALID', `index entry ${name} is not a list of versions`);
    list.sort((a, b) => compareVersionsDesc(String(a.version ?? ''), String(b.version ?? '')));
  }
  return index;
}

/** Parses index.yaml or index.json text; `source` names it in errors. */
export function parseIndex(text: string, source: string): RepoIndex {
  const trimmed = text.trimStart();
  let doc: unknown;
  if (trimmed.startsWith('{')) {
    try {
      doc = JSON.parse(trimmed);
    } catch (e) {
      throw new ChartroomError('INDEX_INVALID', `${source} is not valid JSON: ${(e as Error).message}`, { file: source });
    }
  } else doc = loadYaml(text, source);
  const idx = doc as RepoIndex | null;
  if (!idx || typeof idx !== 'object' || typeof idx.entries !== 'object' || idx.entries === null) {
    throw new ChartroomError('INDEX_INVALID', `${source} is not a chart repository index (no entries)`, { file: source });
  }
  if (!idx.apiVersion) throw new ChartroomError('INDEX_INVALID', `${source} has no apiVersion`, { file: source });
  return sortIndex(idx);
}

/** Reads a cached index (stored as JSON by `repo update`). */
export function readCachedIndex(path: string): RepoIndex {
  return JSON.parse(readFileSync(path, 'utf8')) as RepoIndex;
}
