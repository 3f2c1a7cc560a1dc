import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import type { Chart, Values } from '../chart/model.js';
import { loadChartChecked } from './verify.js';
import { openRelease, renderForCluster } from '../release/cluster-render.js';
import { deploy, planDeploy } from '../release/deploy.js';
import type { Release } from '../release/model.js';
import { beginOperation, buildRelease, checkRecordSize } from '../release/operation.js';
import { pruneHistory } from '../release/history.js';
import { DEFAULT_TIMEOUT_MS, FIELD_MANAGER, installRelease, type InstallOptions, type ReleaseResult } from './install.js';
import { rollbackRelease } from './rollback.js';

export interface UpgradeOptions extends InstallOptions {
  name: string;
  /** Install when the release does not exist (`--install`). */
  install?: boolean;
  /** The previous values, with the new ones over them. */
  reuseValues?: boolean;
  /** Only the new values; the previous ones are dropped. */
  resetValues?: boolean;
  /** The new chart's defaults, the previous values, then the new ones. */
  resetThenReuseValues?: boolean;
}

const hasNewValues = (o: UpgradeOptions) => [o.valueFiles, o.set, o.setString, o.setJson, o.setFile, o.setLiteral].some((l) => (l?.length ?? 0) > 0);

/** The values an upgrade starts from, as Helm decides them. */
function baseValues(opts: UpgradeOptions, current: Release): Values | undefined {
  if (opts.resetValues) return undefined;
  if (opts.reuseValues || opts.resetThenReuseValues) return current.config ?? {};
  return hasNewValues(opts) ? undefined : (current.config ?? {});
}

/** Upgrades a release to a chart (and values): a new revision, applied server-side; what the chart no longer renders is deleted. */
export async function upgradeRelease(ctx: ActionContext, opts: UpgradeOptions): Promise<ReleaseResult> {
  const { kube, namespace, store, history, latest } = await openRelease(ctx, opts.name, opts);
  const deployed = [...history].reverse().find((r) => r.info.status === 'deployed');
  if (!latest || latest.info.status === 'uninstalled') {
    if (opts.install) return installRelease(ctx, opts);
    throw new ChartroomError('RELEASE_NOT_FOUND', `release ${opts.name} is not installed in ${namespace}`, { hint: `install it first, or use chart upgrade --install` });
  }
  const current = deployed ?? latest;
  const chart: Chart = typeof opts.chart === 'string' ? (await loadChartChecked(ctx, opts.chart, opts.version, opts.verifyKeyring)).chart : opts.chart;
  const version = latest.version + 1;
  const rendered = await renderForCluster(ctx, kube, chart, { ...opts, baseValues: baseValues(opts, current), releaseName: opts.name, namespace, revision: version, isUpgrade: true });
  const rel = buildRelease({ name: opts.name, namespace, version, chart, rendered, config: rendered.user.values, status: 'pending-upgrade', description: 'Preparing upgrade', now: ctx.clock(), firstDeployed: history[0].info.first_deployed });
  rel.labels = opts.labels;
  checkRecordSize(rel);
  if (opts.dryRun === 'client') return { release: rel, changes: [], dryRun: 'client', warnings: rendered.warnings };
  const fieldManager = opts.fieldManager ?? FIELD_MANAGER;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (opts.dryRun === 'server') {
    const changes = await deploy(kube, rel, await planDeploy(kube, rel, current, { fieldManager, takeOwnership: opts.takeOwnership }), 'upgrade', { fieldManager, forceConflicts: opts.forceConflicts, timeoutMs, serverDryRun: true, clock: ctx.clock, log: ctx.log });
    return { release: rel, changes, dryRun: 'server', warnings: rendered.warnings };
  }

  const plan = await planDeploy(kube, rel, current, { fieldManager, takeOwnership: opts.takeOwnership });
  const op = await beginOperation(store, rel, ctx.clock);
  try {
    const changes = await deploy(kube, rel, plan, 'upgrade', { fieldManager, forceConflicts: opts.forceConflicts, wait: opts.wait, waitForJobs: opts.waitForJobs, timeoutMs, noHooks: opts.noHooks, signal: opts.signal, clock: ctx.clock, log: ctx.log });
    if (deployed) {
      deployed.info.status = 'superseded';
      await store.update(deployed);
    }
    await op.finish('deployed', opts.description ?? 'Upgrade complete');
    await pruneHistory(store, opts.name, opts.historyMax ?? 10);
    return { release: rel, changes, warnings: rendered.warnings };
  } catch (e) {
    await op.finish('failed', `Upgrade "${opts.name}" failed: ${(e as Error).message}`).catch(() => undefined);
    if (opts.rollbackOnFailure && deployed) {
      ctx.log.warn(`upgrade of ${opts.name} failed; rolling back to revision ${deployed.version} (--rollback-on-failure)`);
      await rollbackRelease(ctx, { name: opts.name, namespace, revision: deployed.version, fieldManager, timeoutMs, wait: opts.wait, waitForJobs: opts.waitForJobs }).catch((r) => ctx.log.warn(`the rollback failed too: ${(r as Error).message}`));
    }
    throw e;
  } finally {
    op.stop();
  }
}
