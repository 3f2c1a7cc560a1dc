import { ChartroomError, hasCode } from '../errors.js';
import type { KubeClient, KubeObject } from '../kube/types.js';
import type { ReleaseHook } from './model.js';
import { describeRef, parseManifest, ResourceManager } from './resources.js';

const goNow = (clock: () => Date) => clock().toISOString();

/** Whether a hook object has finished: Jobs and Pods by their status; anything else as soon as it exists. */
function finished(o: KubeObject): { done: boolean; failed?: string } {
  const status = (o.status ?? {}) as { succeeded?: number; failed?: number; phase?: string; conditions?: { type?: string; status?: string; message?: string }[] };
  if (o.kind === 'Job') {
    const failed = status.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
    if (failed) return { done: true, failed: failed.message ?? 'the job failed' };
    return { done: (status.succeeded ?? 0) > 0 };
  }
  if (o.kind === 'Pod') {
    if (status.phase === 'Failed') return { done: true, failed: 'the pod failed' };
    return { done: status.phase === 'Succeeded' };
  }
  return { done: true };
}

/**
 * Runs the hooks of one event in weight order (then by kind and name, as Helm does): each is created after
 * its previous copy is deleted (`before-hook-creation`, the default), Jobs and Pods are waited for until they
 * finish within the timeout, and delete policies apply afterwards. The hook records' `last_run` say how it went.
 */
export async function runHooks(
  kube: KubeClient,
  manager: ResourceManager,
  hooks: ReleaseHook[],
  event: string,
  opts: { timeoutMs: number; fieldManager: string; clock: () => Date; intervalMs?: number },
): Promise<void> {
  const selected = hooks.filter((h) => h.events?.includes(event)).sort((a, b) => (a.weight ?? 0) - (b.weight ?? 0) || String(a.kind).localeCompare(String(b.kind)) || String(a.name).localeCompare(String(b.name)));
  for (const hook of selected) {
    const [raw] = parseManifest(hook.manifest ?? '', hook.path);
    if (!raw) continue;
    const obj = await manager.prepare(raw, false);
    const ref = ResourceManager.ref(obj);
    const policies = hook.delete_policies?.length ? hook.delete_policies : ['before-hook-creation'];
    if (policies.includes('before-hook-creation')) await deleteQuietly(kube, obj);
    hook.last_run = { started_at: goNow(opts.clock), phase: 'Running' };
    await kube.apply(obj, { fieldManager: opts.fieldManager, force: true });
    const deadline = Date.now() + opts.timeoutMs;
    let outcome: { done: boolean; failed?: string } = { done: false };
    for (;;) {
      const live = await kube.get(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace);
      outcome = live ? finished(live) : { done: true, failed: 'it was deleted while running' };
      if (outcome.done || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
    }
    hook.last_run.completed_at = goNow(opts.clock);
    const failed = outcome.failed ?? (outcome.done ? undefined : `it did not finish within ${Math.round(opts.timeoutMs / 1000)}s`);
    hook.last_run.phase = failed ? 'Failed' : 'Succeeded';
    if (failed) {
      if (policies.includes('hook-failed')) await deleteQuietly(kube, obj);
      throw new ChartroomError('HOOK_FAILED', `${event} hook ${describeRef(ref)} failed: ${failed}`, { file: hook.path });
    }
    if (policies.includes('hook-succeeded')) await deleteQuietly(kube, obj);
  }
}

async function deleteQuietly(kube: KubeClient, o: KubeObject): Promise<void> {
  try {
    await kube.delete(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace, { propagationPolicy: 'Background' });
  } catch (e) {
    if (!hasCode(e, 'KUBE_NOT_FOUND')) throw e;
  }
}
