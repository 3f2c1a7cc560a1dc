import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { clusterOf } from '../release/cluster-render.js';
import { diffObjects, type ObjectDiff } from '../release/drift.js';
import type { Release } from '../release/model.js';
import { readiness } from '../release/readiness.js';
import { describeRef, parseManifest, ResourceManager } from '../release/resources.js';
import { FIELD_MANAGER } from './install.js';

export interface ReleaseStatusResult {
  release: Release;
  objects: { ref: string; ready: boolean; reason?: string; drift: ObjectDiff['change'] }[];
  /** Whether the live objects differ from what the release applied (someone changed them). */
  drifted: boolean;
}

/** A release's latest (or given) revision, each object's readiness, and whether the cluster has drifted from it. */
export async function releaseStatus(ctx: ActionContext, opts: { name: string; namespace?: string; revision?: number }): Promise<ReleaseStatusResult> {
  const cluster = clusterOf(ctx);
  const kube = cluster.kube();
  const namespace = opts.namespace ?? kube.namespace;
  const history = await cluster.releases(namespace).history(opts.name);
  const release = opts.revision ? history.find((r) => r.version === opts.revision) : history[history.length - 1];
  if (!release) throw new ChartroomError('RELEASE_NOT_FOUND', `release ${opts.name}${opts.revision ? ` revision ${opts.revision}` : ''} not found in ${namespace}`);
  if (release.info.status === 'uninstalled') return { release, objects: [], drifted: false };
  const manager = new ResourceManager(kube, { name: release.name, namespace }, { fieldManager: FIELD_MANAGER });
  const objs = await Promise.all(parseManifest(release.manifest ?? '').map((o) => manager.prepare(o)));
  const diffs = await diffObjects(kube, manager, objs, [], { fieldManager: FIELD_MANAGER });
  const objects = await Promise.all(
    objs.map(async (o, i) => {
      const live = await kube.get(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace);
      const r = live ? readiness(live, { waitForJobs: true }) : { ready: false, reason: 'missing' };
      return { ref: describeRef(ResourceManager.ref(o)), ready: r.ready, reason: r.reason, drift: diffs[i].change };
    }),
  );
  return { release, objects, drifted: diffs.some((d) => d.change !== 'unchanged') };
}
