import { hostname } from 'node:os';
import type { Release, ReleaseStore } from './model.js';
import { PENDING_STATUSES } from './model.js';

/**
 * Who is working on a release, and until when. Helm's record has no such fields, so they travel as labels
 * of the record's Secret: the holder (host and process) and the lease's end, renewed while the operation
 * runs. A pending record whose lease ran out, or whose holder process is gone from this host, is
 * abandoned: the next operation marks it failed and goes on, instead of "another operation is in progress"
 * forever.
 */
export const HOLDER_LABEL = 'chartroom.dev/holder';
export const LEASE_LABEL = 'chartroom.dev/lease-until';

/** How long a lease lasts without renewal, and how often it is renewed. */
export const LEASE_MS = 60_000;
export const RENEW_MS = 20_000;
/** A pending record without a lease (helm's, or an older chart's) counts as abandoned after this long. */
export const UNLEASED_PENDING_MS = 10 * 60_000;

const labelValue = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '').slice(0, 63);

/** This process as a label value: `host.pid`. */
export function holderId(): string {
  return labelValue(`${hostname().slice(0, 40)}.${process.pid}`);
}

/** The labels of a lease held by this process until `now + LEASE_MS`. */
export function leaseLabels(now: Date): Record<string, string> {
  return { [HOLDER_LABEL]: holderId(), [LEASE_LABEL]: String(Math.floor((now.getTime() + LEASE_MS) / 1000)) };
}

function processGone(holder: string): boolean {
  const dot = holder.lastIndexOf('.');
  const host = holder.slice(0, dot);
  const pid = Number(holder.slice(dot + 1));
  if (host !== labelValue(hostname().slice(0, 40)) || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface PendingState {
  abandoned: boolean;
  holder?: string;
  /** When the operation started (its record's last deployment time). */
  since?: string;
  /** Why it counts as abandoned. */
  why?: string;
}

/** Whether the latest record is an operation in progress, and if so whether its holder is still there. */
export function pendingState(rel: Release | undefined, now: Date): PendingState | undefined {
  if (!rel?.info.status || !PENDING_STATUSES.has(rel.info.status)) return undefined;
  const holder = rel.labels?.[HOLDER_LABEL];
  const since = rel.info.last_deployed ?? rel.info.first_deployed;
  if (holder) {
    const until = Number(rel.labels?.[LEASE_LABEL] ?? 0) * 1000;
    if (processGone(holder)) return { abandoned: true, holder, since, why: `its process ${holder} is gone` };
    if (until < now.getTime()) return { abandoned: true, holder, since, why: `its lease ran out at ${new Date(until).toISOString()}` };
    return { abandoned: false, holder, since };
  }
  const started = since ? Date.parse(since) : 0;
  if (now.getTime() - started > UNLEASED_PENDING_MS) return { abandoned: true, since, why: `it started at ${since ?? 'an unknown time'} and holds no lease` };
  return { abandoned: false, holder: 'another client (no lease: helm, or an older chart)', since };
}

/** Renews this process's lease on a record until stopped; a failed renewal is left to the next one. */
export function renewLease(store: ReleaseStore, rel: Release, clock: () => Date): () => void {
  const timer = setInterval(() => {
    rel.labels = { ...(rel.labels ?? {}), ...leaseLabels(clock()) };
    void store.update(rel).catch(() => undefined);
  }, RENEW_MS);
  timer.unref();
  return () => clearInterval(timer);
}
