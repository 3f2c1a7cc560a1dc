import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { clusterOf } from '../release/cluster-render.js';
import { runHooks } from '../release/hook-runner.js';
import type { ReleaseHook } from '../release/model.js';
import { ResourceManager } from '../release/resources.js';
import { DEFAULT_TIMEOUT_MS, FIELD_MANAGER } from './install.js';

/** Runs a release's test hooks (`helm.sh/hook: test`) and records how each went in the release. */
export async function testRelease(ctx: ActionContext, opts: { name: string; namespace?: string; timeoutMs?: number }): Promise<ReleaseHook[]> {
  const cluster = clusterOf(ctx);
  const kube = cluster.kube();
  const namespace = opts.namespace ?? kube.namespace;
  const store = cluster.releases(namespace);
  const history = await store.history(opts.name);
  const rel = history[history.length - 1];
  if (!rel || rel.info.status !== 'deployed') throw new ChartroomError('RELEASE_NOT_FOUND', `release ${opts.name} has no deployed revision in ${namespace}`);
  const manager = new ResourceManager(kube, { name: rel.name, namespace }, { fieldManager: FIELD_MANAGER });
  const tests = (rel.hooks ?? []).filter((h) => h.events?.includes('test'));
  try {
    await runHooks(kube, manager, rel.hooks ?? [], 'test', { timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, fieldManager: FIELD_MANAGER, clock: ctx.clock });
  } finally {
    await store.update(rel).catch(() => undefined);
  }
  return tests;
}
