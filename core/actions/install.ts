import { randomBytes } from 'node:crypto';
import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import type { Chart } from '../chart/model.js';
import type { RenderOptions } from '../render/pipeline.js';
import { loadChartChecked } from './verify.js';
import { clusterOf, renderForCluster } from '../release/cluster-render.js';
import { deploy, planDeploy, ensureNamespace, installCrds } from '../release/deploy.js';
import type { Release } from '../release/model.js';
import { beginOperation, buildRelease, checkRecordSize, latestAfterRecovery } from '../release/operation.js';
import { pruneHistory } from '../release/history.js';
import type { Change } from '../release/resources.js';
import { undeploy } from '../release/deploy.js';

/** What install, upgrade and rollback share: how objects are applied and waited for. */
export interface ApplyFlags {
  /** Field manager of server-side apply (default `chartroom`). */
  fieldManager?: string;
  forceConflicts?: boolean;
  takeOwnership?: boolean;
  wait?: boolean;
  waitForJobs?: boolean;
  /** For each wait and each hook (default 5 minutes). */
  timeoutMs?: number;
  noHooks?: boolean;
  /** `client`: render only; `server`: the API server's dry run; nothing is stored either way. */
  dryRun?: 'client' | 'server';
  /** A failed install uninstalls; a failed upgrade rolls back (`--atomic`). */
  rollbackOnFailure?: boolean;
  /** Wait this long for another operation on the release to finish, instead of failing at once. */
  waitForLockMs?: number;
  description?: string;
  /** Revisions to keep (default 10; 0 keeps all). */
  historyMax?: number;
  /** Stops the operation (SIGINT/SIGTERM): the revision is marked failed before the action returns. */
  signal?: AbortSignal;
}

export interface InstallOptions extends RenderOptions, ApplyFlags {
  /** Release name; with `generateName`, made from the chart's name. */
  name?: string;
  generateName?: boolean;
  chart: string | Chart;
  version?: string;
  /** Verify the chart against its provenance file and this keyring first (helm's --verify --keyring). */
  verifyKeyring?: string;
  namespace?: string;
  createNamespace?: boolean;
  skipCrds?: boolean;
  /** Extra labels on the release record. */
  labels?: Record<string, string>;
}

export interface ReleaseResult {
  release: Release;
  changes: Change[];
  /** With --dry-run: nothing was stored. */
  dryRun?: 'client' | 'server';
  warnings: string[];
}

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const FIELD_MANAGER = 'chartroom';
const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Release names as Helm allows them: DNS-1123 subdomain, at most 53 characters. */
export function checkReleaseName(name: string): void {
  if (name.length > 53 || !NAME_RE.test(name)) {
    throw new ChartroomError('RELEASE_INVALID', `release name ${JSON.stringify(name)} is invalid`, { field: 'NAME', hint: 'lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 53 characters' });
  }
}

/** Installs a chart as a new release: Helm's record, server-side apply, hooks, optional wait. */
export async function installRelease(ctx: ActionContext, opts: InstallOptions): Promise<ReleaseResult> {
  const cluster = clusterOf(ctx);
  const kube = cluster.kube();
  const namespace = opts.namespace ?? kube.namespace;
  const chart = typeof opts.chart === 'string' ? (await loadChartChecked(ctx, opts.chart, opts.version, opts.verifyKeyring)).chart : opts.chart;
  const name = opts.generateName ? `${chart.metadata.name}-${ctx.clock().getTime().toString(36).slice(-4)}${randomBytes(2).toString('hex')}`.slice(0, 53) : opts.name;
  if (!name) throw new ChartroomError('RELEASE_INVALID', 'install needs a release name (or --generate-name)', { field: 'NAME' });
  checkReleaseName(name);
  const store = cluster.releases(namespace);
  const history = opts.dryRun === 'client' ? await store.history(name).catch(() => []) : await latestAfterRecovery(store, name, { clock: ctx.clock, log: ctx.log, waitForLockMs: opts.waitForLockMs });
  const latest = history[history.length - 1];
  if (latest && latest.info.status !== 'uninstalled' && latest.info.status !== 'failed') {
    throw new ChartroomError('RELEASE_EXISTS', `release ${name} exists in ${namespace} (revision ${latest.version}, ${latest.info.status})`, { hint: `upgrade it (chart upgrade ${name} CHART), or pick another name` });
  }
  const version = (latest?.version ?? 0) + 1;
  const rendered = await renderForCluster(ctx, kube, chart, { ...opts, releaseName: name, namespace, revision: version, isUpgrade: false });
  const rel = buildRelease({ name, namespace, version, chart, rendered, config: rendered.user.values, status: 'pending-install', description: 'Initial install underway', now: ctx.clock() });
  rel.labels = opts.labels;
  checkRecordSize(rel);
  if (opts.dryRun === 'client') return { release: rel, changes: [], dryRun: 'client', warnings: rendered.warnings };

  const fieldManager = opts.fieldManager ?? FIELD_MANAGER;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (opts.dryRun === 'server') {
    await ensureNamespace(kube, namespace, false);
    const changes = await deploy(kube, rel, await planDeploy(kube, rel, undefined, { fieldManager, takeOwnership: opts.takeOwnership }), 'install', { fieldManager, forceConflicts: opts.forceConflicts, timeoutMs, serverDryRun: true, clock: ctx.clock, log: ctx.log });
    return { release: rel, changes, dryRun: 'server', warnings: rendered.warnings };
  }

  const plan = await planDeploy(kube, rel, undefined, { fieldManager, takeOwnership: opts.takeOwnership });
  await ensureNamespace(kube, namespace, opts.createNamespace);
  const op = await beginOperation(store, rel, ctx.clock);
  try {
    const changes = opts.skipCrds ? [] : await installCrds(kube, rendered.crds, { fieldManager, log: ctx.log });
    changes.push(...(await deploy(kube, rel, plan, 'install', { fieldManager, forceConflicts: opts.forceConflicts, wait: opts.wait, waitForJobs: opts.waitForJobs, timeoutMs, noHooks: opts.noHooks, signal: opts.signal, clock: ctx.clock, log: ctx.log })));
    await op.finish('deployed', opts.description ?? 'Install complete');
    await pruneHistory(store, name, opts.historyMax ?? 10);
    return { release: rel, changes, warnings: rendered.warnings };
  } catch (e) {
    const why = (e as Error).message;
    await op.finish('failed', `Release "${name}" failed: ${why}`).catch(() => undefined);
    if (opts.rollbackOnFailure) {
      ctx.log.warn(`install of ${name} failed; uninstalling it (--rollback-on-failure)`);
      await undeploy(kube, rel, { fieldManager, timeoutMs, noHooks: true, clock: ctx.clock }).catch((u) => ctx.log.warn(`uninstalling ${name} failed too: ${(u as Error).message}`));
      for (const r of await store.history(name)) await store.delete(name, r.version).catch(() => undefined);
    }
    throw e;
  } finally {
    op.stop();
  }
}
