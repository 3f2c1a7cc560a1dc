import type { Release, ReleaseStore } from './model.js';

/** Helm's `--history-max` default; 0 (or less) keeps every revision. */
export const DEFAULT_HISTORY_MAX = 10;

/** Orders records by revision, oldest first. */
export function byRevision(a: Release, b: Release): number {
  return a.version - b.version;
}

/** The highest revision of a history, whatever its status. */
export function lastRevision(history: readonly Release[]): Release | undefined {
  let last: Release | undefined;
  for (const r of history) if (!last || r.version > last.version) last = r;
  return last;
}

/** The highest revision whose status is `deployed` (Helm's `storage.Deployed`). */
export function latestDeployed(history: readonly Release[]): Release | undefined {
  return lastRevision(history.filter((r) => r.info.status === 'deployed'));
}

/** The revision a new operation writes: one past the highest. */
export function nextRevision(history: readonly Release[]): number {
  return (lastRevision(history)?.version ?? 0) + 1;
}

/** The latest revision of every release (by namespace and name), ordered by name then namespace, as `helm list` shows them. */
export function latestPerRelease(records: readonly Release[]): Release[] {
  const latest = new Map<string, Release>();
  for (const r of records) {
    const key = `${r.namespace}\u0000${r.name}`;
    const seen = latest.get(key);
    if (!seen || r.version > seen.version) latest.set(key, r);
  }
  return [...latest.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
}

/**
 * Which revisions `--history-max` removes, given the history *including* the revision just created: the
 * oldest first until `historyMax` remain, never the last deployed one and never the newest. This is Helm's
 * `removeLeastRecent` (which runs before the create with room for one) moved after the create, so a failed
 * create prunes nothing; the survivors are the same. With the last deployed kept, more than `historyMax`
 * may remain. `historyMax` ≤ 0 means unlimited.
 */
export function revisionsToPrune(history: readonly Release[], historyMax: number): Release[] {
  if (!(historyMax > 0) || history.length <= historyMax) return [];
  const sorted = [...history].sort(byRevision);
  const keep = new Set([latestDeployed(sorted)?.version, sorted[sorted.length - 1].version]);
  const prune: Release[] = [];
  for (const r of sorted) {
    if (sorted.length - prune.length <= historyMax) break;
    if (!keep.has(r.version)) prune.push(r);
  }
  return prune;
}

/**
 * Deletes what `revisionsToPrune` names, after a new revision was created. Every deletion is tried; the
 * first failure is thrown afterwards. Returns the revisions deleted.
 */
export async function pruneHistory(store: ReleaseStore, name: string, historyMax: number = DEFAULT_HISTORY_MAX): Promise<number[]> {
  if (!(historyMax > 0)) return [];
  const prune = revisionsToPrune(await store.history(name), historyMax);
  const deleted: number[] = [];
  let failure: unknown;
  for (const r of prune) {
    try {
      await store.delete(name, r.version);
      deleted.push(r.version);
    } catch (e) {
      failure ??= e;
    }
  }
  if (failure !== undefined) throw failure;
  return deleted;
}
