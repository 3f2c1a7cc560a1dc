import { ChartroomError, hasCode } from '../errors.js';
import type { Chart, Values } from '../chart/model.js';
import type { Logger } from '../context.js';
import { formatManifests } from '../kube/manifests.js';
import type { RenderedChart } from '../render/pipeline.js';
import { goTime, GO_ZERO_TIME } from './codec.js';
import { leaseLabels, pendingState, renewLease } from './lock.js';
import type { Release, ReleaseStatus, ReleaseStore } from './model.js';
import { chartRecord, hookRecord, MAX_RECORD_BYTES, recordSize } from './record.js';

/** A release record for a render: Helm's manifest text (install order, `# Source:` lines), hooks, notes. */
export function buildRelease(args: {
  name: string;
  namespace: string;
  version: number;
  chart: Chart;
  rendered: RenderedChart;
  config: Values;
  status: ReleaseStatus;
  description: string;
  now: Date;
  firstDeployed?: string;
}): Release {
  const now = goTime(args.now);
  return {
    name: args.name,
    namespace: args.namespace,
    version: args.version,
    info: { first_deployed: args.firstDeployed ?? now, last_deployed: now, deleted: GO_ZERO_TIME, description: args.description, status: args.status, notes: args.rendered.notes ?? '' },
    chart: chartRecord(args.chart),
    config: args.config,
    manifest: formatManifests(args.rendered.manifests),
    hooks: args.rendered.hooks.map(hookRecord),
    apply_method: 'ssa',
  };
}

/** Refuses a record Kubernetes could not store, before anything is applied (helm #6711). */
export function checkRecordSize(rel: Release): void {
  const size = recordSize(rel);
  if (size > MAX_RECORD_BYTES) {
    const biggest = [...rel.chart.files, ...rel.chart.templates].sort((a, b) => b.data.length - a.data.length).slice(0, 3);
    throw new ChartroomError('RELEASE_TOO_LARGE', `the release record of ${rel.name} would be ${size} bytes, over the ${MAX_RECORD_BYTES} bytes a Kubernetes Secret holds; nothing was applied`, {
      hint: `trim the chart: its largest files are ${biggest.map((f) => `${f.name} (${Math.round((f.data.length * 3) / 4)} bytes)`).join(', ')}; leave large files out with .helmignore, and keep big data out of values`,
    });
  }
}

/** The latest record of a release, after clearing an abandoned operation (marked failed, saying so). */
export async function latestAfterRecovery(store: ReleaseStore, name: string, opts: { clock: () => Date; log: Logger; waitForLockMs?: number }): Promise<Release[]> {
  const deadline = Date.now() + (opts.waitForLockMs ?? 0);
  for (;;) {
    const history = await store.history(name);
    const latest = history[history.length - 1];
    const pending = pendingState(latest, opts.clock());
    if (!pending) return history;
    if (pending.abandoned) {
      opts.log.warn(`release ${name} revision ${latest.version} was left ${latest.info.status} (${pending.why}); marking it failed and going on`);
      latest.info.status = 'failed';
      latest.info.description = `${latest.info.description ?? ''}${latest.info.description ? '; ' : ''}abandoned: ${pending.why}`;
      await store.update(latest);
      return history;
    }
    if (Date.now() >= deadline) {
      throw new ChartroomError('RELEASE_LOCKED', `release ${name} is busy: revision ${latest.version} is ${latest.info.status}, held by ${pending.holder} since ${pending.since ?? 'an unknown time'}`, {
        hint: 'wait for it (--wait-for-lock with a --timeout), or try again when it finishes',
      });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Writes the pending record of a new revision create-only — the commit point: of two operations on one
 * release exactly one creates revision N+1; the other is told who holds it. The record carries this
 * process's lease, renewed until `finish`.
 */
export async function beginOperation(store: ReleaseStore, rel: Release, clock: () => Date): Promise<{ finish: (status: ReleaseStatus, description: string) => Promise<void>; stop: () => void }> {
  rel.labels = { ...(rel.labels ?? {}), ...leaseLabels(clock()) };
  try {
    await store.create(rel);
  } catch (e) {
    if (hasCode(e, 'RELEASE_REVISION_EXISTS')) {
      const other = await store.get(rel.name, rel.version).catch(() => undefined);
      const state = pendingState(other, clock());
      throw new ChartroomError('RELEASE_LOCKED', `release ${rel.name} is busy: another operation created revision ${rel.version} first${state?.holder ? ` (held by ${state.holder} since ${state.since ?? '?'})` : ''}`, {
        hint: 'try again when it finishes, or use --wait-for-lock',
      });
    }
    throw e;
  }
  const stop = renewLease(store, rel, clock);
  return {
    stop,
    async finish(status, description) {
      stop();
      rel.info.status = status;
      rel.info.description = description;
      const labels = { ...(rel.labels ?? {}) };
      delete labels['chartroom.dev/holder'];
      delete labels['chartroom.dev/lease-until'];
      rel.labels = labels;
      await store.update(rel);
    },
  };
}
