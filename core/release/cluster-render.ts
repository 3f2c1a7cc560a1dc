import { ChartroomError } from '../errors.js';
import type { ActionContext, ClusterAccess } from '../context.js';
import type { Chart } from '../chart/model.js';
import { renderChart, type RenderedChart, type RenderOptions } from '../render/pipeline.js';
import type { KubeClient } from '../kube/types.js';
import type { Release, ReleaseStore } from './model.js';
import { latestAfterRecovery } from './operation.js';

/** The cluster of an action context, or a clear error when the command was built without one. */
export function clusterOf(ctx: ActionContext): ClusterAccess {
  if (!ctx.cluster) throw new ChartroomError('KUBECONFIG', 'this command needs a cluster, and none is configured', { hint: 'give --kubeconfig or set KUBECONFIG' });
  return ctx.cluster;
}

/**
 * Renders a chart for a cluster: `.Capabilities.KubeVersion` and `.APIVersions` from the server's discovery
 * (not Helm's defaults), the release's name, namespace and revision, the context's cache and clock.
 */
export async function renderForCluster(ctx: ActionContext, kube: KubeClient, chart: Chart, opts: RenderOptions & { releaseName: string; namespace: string; revision: number; isUpgrade: boolean }): Promise<RenderedChart> {
  const [version, apiVersions] = await Promise.all([kube.serverVersion(), kube.apiVersions()]);
  return renderChart(chart, { ...opts, kubeVersion: version.gitVersion, clusterApiVersions: apiVersions, cache: ctx.cache, now: ctx.clock });
}

/** A release as an operation starts from it: the cluster, its records, and its history with any abandoned operation cleared. */
export interface OpenedRelease {
  kube: KubeClient;
  namespace: string;
  store: ReleaseStore;
  history: Release[];
  latest: Release | undefined;
}

/** Opens a release for an operation (install, upgrade, rollback, uninstall); see latestAfterRecovery. */
export async function openRelease(ctx: ActionContext, name: string, opts: { namespace?: string; waitForLockMs?: number }): Promise<OpenedRelease> {
  const cluster = clusterOf(ctx);
  const kube = cluster.kube();
  const namespace = opts.namespace ?? kube.namespace;
  const store = cluster.releases(namespace);
  const history = await latestAfterRecovery(store, name, { clock: ctx.clock, log: ctx.log, waitForLockMs: opts.waitForLockMs });
  return { kube, namespace, store, history, latest: history[history.length - 1] };
}
