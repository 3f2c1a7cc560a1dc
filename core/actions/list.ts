import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { clusterOf } from '../release/cluster-render.js';
import type { Release, ReleaseStatus } from '../release/model.js';

export interface ListOptions {
  namespace?: string;
  allNamespaces?: boolean;
  /** Every status, uninstalled (kept with --keep-history) included. */
  all?: boolean;
  /** Only these statuses. */
  statuses?: ReleaseStatus[];
  /** A regular expression the release name must match. */
  filter?: string;
}

/** One line of `list`, with Helm's field names (so scripts written for `helm list -o json` keep working). */
export interface ReleaseListing {
  name: string;
  namespace: string;
  revision: string;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
}

/** Go's time.Time as `helm list` prints it: `2006-01-02 15:04:05.999999999 -0700 MST`. */
export function helmListTime(t: string | undefined): string {
  if (!t) return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(t);
  return m ? `${m[1]} ${m[2]}${m[3] ?? ''} +0000 UTC` : t;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's ANSIC layout (`Mon Jan _2 15:04:05 2006`) in UTC, as `helm history` and `helm status` print times. */
export function ansicTime(t: string | undefined): string {
  const d = t ? new Date(t) : undefined;
  if (!d || Number.isNaN(d.getTime())) return t ?? '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export const chartLabel = (r: Release) => `${String(r.chart?.metadata?.name ?? '')}-${String(r.chart?.metadata?.version ?? '')}`;

/** The latest revision of every release, as `helm list` shows them. */
export async function listReleases(ctx: ActionContext, opts: ListOptions): Promise<ReleaseListing[]> {
  const cluster = clusterOf(ctx);
  const namespace = opts.allNamespaces ? 'all' : (opts.namespace ?? cluster.kube().namespace);
  let re: RegExp | undefined;
  if (opts.filter) {
    try {
      re = new RegExp(opts.filter);
    } catch (e) {
      throw new ChartroomError('RELEASE_INVALID', `--filter ${JSON.stringify(opts.filter)} is not a regular expression: ${(e as Error).message}`, { field: '--filter' });
    }
  }
  // As helm 4: every status by default, except releases uninstalled with --keep-history.
  const wanted = opts.statuses?.length ? new Set(opts.statuses) : opts.all ? undefined : new Set<ReleaseStatus>(['deployed', 'failed', 'superseded', 'pending-install', 'pending-upgrade', 'pending-rollback', 'uninstalling', 'unknown']);
  const releases = (await cluster.releases(namespace).list())
    .filter((r) => (!wanted || wanted.has(r.info.status ?? 'unknown')) && (!re || re.test(r.name)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.namespace < b.namespace ? -1 : 1));
  return releases.map((r) => ({ name: r.name, namespace: r.namespace, revision: String(r.version), updated: helmListTime(r.info.last_deployed), status: r.info.status ?? 'unknown', chart: chartLabel(r), app_version: String(r.chart?.metadata?.appVersion ?? '') }));
}
