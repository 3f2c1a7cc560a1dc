import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { openRelease } from '../release/cluster-render.js';
import { goTime } from '../release/codec.js';
import { undeploy } from '../release/deploy.js';
import type { Change } from '../release/resources.js';
import { DEFAULT_TIMEOUT_MS, FIELD_MANAGER } from './install.js';

export interface UninstallOptions {
  name: string;
  namespace?: string;
  /** Keep the release's records, marked uninstalled (`--keep-history`). */
  keepHistory?: boolean;
  noHooks?: boolean;
  timeoutMs?: number;
  waitForLockMs?: number;
  description?: string;
}

/**
 * Uninstalls a release: delete hooks around the deletion of its objects in reverse install order (keeping
 * those annotated `helm.sh/resource-policy: keep`), then its records are deleted or, with keepHistory,
 * marked uninstalled.
 */
export async function uninstallRelease(ctx: ActionContext, opts: UninstallOptions): Promise<{ changes: Change[]; kept: boolean }> {
  const { kube, namespace, store, history, latest } = await openRelease(ctx, opts.name, opts);
  if (!latest || latest.info.status === 'uninstalled') throw new ChartroomError('RELEASE_NOT_FOUND', `release ${opts.name} is not installed in ${namespace}`);
  latest.info.status = 'uninstalling';
  latest.info.deleted = goTime(ctx.clock());
  await store.update(latest);
  const changes = await undeploy(kube, latest, { fieldManager: FIELD_MANAGER, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, noHooks: opts.noHooks, clock: ctx.clock });
  if (opts.keepHistory) {
    latest.info.status = 'uninstalled';
    latest.info.description = opts.description ?? 'Uninstallation complete';
    await store.update(latest);
  } else {
    for (const r of history) await store.delete(opts.name, r.version);
  }
  return { changes, kept: !!opts.keepHistory };
}
