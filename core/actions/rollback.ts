import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { openRelease } from '../release/cluster-render.js';
import { goTime } from '../release/codec.js';
import { deploy, planDeploy } from '../release/deploy.js';
import type { Release } from '../release/model.js';
import { beginOperation } from '../release/operation.js';
import { pruneHistory } from '../release/history.js';
import type { ApplyFlags, ReleaseResult } from './install.js';
import { DEFAULT_TIMEOUT_MS, FIELD_MANAGER } from './install.js';

export interface RollbackOptions extends ApplyFlags {
  name: string;
  namespace?: string;
  /** The revision to go back to (default: the one before the current). */
  revision?: number;
}

/**
 * Rolls a release back to an earlier revision: a new revision "Rollback to N" with that revision's chart,
 * values, manifest and hooks (not rendered again, as Helm does), applied server-side.
 */
export async function rollbackRelease(ctx: ActionContext, opts: RollbackOptions): Promise<ReleaseResult> {
  const { kube, namespace, store, history, latest } = await openRelease(ctx, opts.name, opts);
  if (!latest) throw new ChartroomError('RELEASE_NOT_FOUND', `release ${opts.name} is not installed in ${namespace}`);
  const targetVersion = opts.revision && opts.revision > 0 ? opts.revision : latest.version - 1;
  const target = history.find((r) => r.version === targetVersion);
  if (!target) throw new ChartroomError('RELEASE_NOT_FOUND', `release ${opts.name} has no revision ${targetVersion}`, { hint: `chart history ${opts.name} lists its revisions` });
  const current = [...history].reverse().find((r) => r.info.status === 'deployed') ?? latest;
  const now = goTime(ctx.clock());
  const rel: Release = {
    ...structuredClone(target),
    version: latest.version + 1,
    info: { first_deployed: history[0].info.first_deployed, last_deployed: now, deleted: target.info.deleted, description: `Rollback to ${targetVersion}`, status: 'pending-rollback', notes: target.info.notes },
    labels: undefined,
  };
  const fieldManager = opts.fieldManager ?? FIELD_MANAGER;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (opts.dryRun) return { release: rel, changes: [], dryRun: opts.dryRun, warnings: [] };
  const plan = await planDeploy(kube, rel, current, { fieldManager, takeOwnership: opts.takeOwnership });
  const op = await beginOperation(store, rel, ctx.clock);
  try {
    const changes = await deploy(kube, rel, plan, 'rollback', { fieldManager, forceConflicts: opts.forceConflicts, wait: opts.wait, waitForJobs: opts.waitForJobs, timeoutMs, noHooks: opts.noHooks, signal: opts.signal, clock: ctx.clock, log: ctx.log });
    for (const r of history) {
      if (r.info.status === 'deployed') {
        r.info.status = 'superseded';
        await store.update(r);
      }
    }
    await op.finish('deployed', opts.description ?? `Rollback to ${targetVersion}`);
    await pruneHistory(store, opts.name, opts.historyMax ?? 10);
    return { release: rel, changes, warnings: [] };
  } catch (e) {
    await op.finish('failed', `Rollback "${opts.name}" failed: ${(e as Error).message}`).catch(() => undefined);
    throw e;
  } finally {
    op.stop();
  }
}
