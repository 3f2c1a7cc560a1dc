import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { clusterOf } from '../release/cluster-render.js';
import { chartLabel } from './list.js';

/** One revision, with `helm history -o json`'s field names. */
export interface RevisionListing {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
  description: string;
}

/** Every revision of a release, oldest first (at most `max`, the newest). */
export async function releaseHistory(ctx: ActionContext, opts: { name: string; namespace?: string; max?: number }): Promise<RevisionListing[]> {
  const cluster = clusterOf(ctx);
  const history = await cluster.releases(opts.namespace ?? cluster.kube().namespace).history(opts.name);
  if (history.length === 0) throw new ChartroomError('RELEASE_NOT_FOUND', `release ${opts.name} not found`);
  const shown = opts.max && opts.max > 0 ? history.slice(-opts.max) : history;
  return shown.map((r) => ({ revision: r.version, updated: r.info.last_deployed ?? '', status: r.info.status ?? 'unknown', chart: chartLabel(r), app_version: String(r.chart?.metadata?.appVersion ?? ''), description: r.info.description ?? '' }));
}
