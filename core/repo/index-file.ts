import { readFileSync } from 'node:fs';
import semver from 'semver';
import { ChartroomError } from '../errors.js';
import { loadYaml } from '../yaml.js';

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
    list.sort((a, b) => {
      const va = semver.parse(String(a.version ?? ''));
      const vb = semver.parse(String(b.version ?? ''));
      if (va && vb) return semver.rcompare(va, vb);
      return va ? -1 : vb ? 1 : 0;
    });
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
