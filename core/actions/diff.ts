import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import type { Chart } from '../chart/model.js';
import { loadChartChecked } from './verify.js';
import { clusterOf, renderForCluster } from '../release/cluster-render.js';
import { diffObjects, type ObjectDiff } from '../release/drift.js';
import { buildRelease } from '../release/operation.js';
import { parseManifest, removedObjects, ResourceManager, RESOURCE_POLICY_ANNOTATION } from '../release/resources.js';
import type { RenderOptions } from '../render/pipeline.js';
import { FIELD_MANAGER } from './install.js';

export interface DiffOptions extends RenderOptions {
  name: string;
  chart: string | Chart;
  version?: string;
  /** Verify the chart against its provenance file and this keyring first (helm's --verify --keyring). */
  verifyKeyring?: string;
  namespace?: string;
  reuseValues?: boolean;
  resetValues?: boolean;
}

export interface DiffResult {
  objects: ObjectDiff[];
  /** Whether an upgrade would change anything. */
  changed: boolean;
}

/**
 * What `upgrade` would change, object by object, against the live objects (the API server's dry run, so
 * defaulted fields add no noise), objects it would delete included; drift made by others shows too.
 * Stores nothing.
 */
export async function diffRelease(ctx: ActionContext, opts: DiffOptions): Promise<DiffResult> {
  const cluster = clusterOf(ctx);
  const kube = cluster.kube();
  const namespace = opts.namespace ?? kube.namespace;
  const history = await cluster.releases(namespace).history(opts.name);
  const current = [...history].reverse().find((r) => r.info.status === 'deployed') ?? history[history.length - 1];
  if (!current) throw new ChartroomError('RELEASE_NOT_FOUND', `release ${opts.name} is not installed in ${namespace}`);
  const chart = typeof opts.chart === 'string' ? (await loadChartChecked(ctx, opts.chart, opts.version, opts.verifyKeyring)).chart : opts.chart;
  const newValues = [opts.valueFiles, opts.set, opts.setString, opts.setJson, opts.setFile, opts.setLiteral].some((l) => (l?.length ?? 0) > 0);
  const baseValues = opts.resetValues ? undefined : opts.reuseValues || !newValues ? (current.config ?? {}) : undefined;
  const version = history[history.length - 1].version + 1;
  const rendered = await renderForCluster(ctx, kube, chart, { ...opts, baseValues, releaseName: opts.name, namespace, revision: version, isUpgrade: true });
  const next = buildRelease({ name: opts.name, namespace, version, chart, rendered, config: rendered.user.values, status: 'pending-upgrade', description: 'diff', now: ctx.clock() });
  const manager = new ResourceManager(kube, { name: opts.name, namespace }, { fieldManager: FIELD_MANAGER });
  const desired = await Promise.all(parseManifest(next.manifest ?? '').map((o) => manager.prepare(o)));
  const before = await Promise.all(parseManifest(current.manifest ?? '').map((o) => manager.prepare(o)));
  const gone = removedObjects(before, desired).filter((o) => o.metadata.annotations?.[RESOURCE_POLICY_ANNOTATION] !== 'keep');
  const objects = await diffObjects(kube, manager, desired, gone, { fieldManager: FIELD_MANAGER });
  return { objects, changed: objects.some((o) => o.change !== 'unchanged') };
}
