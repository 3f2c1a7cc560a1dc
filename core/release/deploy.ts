import { hasCode } from '../errors.js';
import type { Logger } from '../context.js';
import type { Manifest } from '../kube/manifests.js';
import type { KubeClient, KubeObject } from '../kube/types.js';
import { runHooks } from './hook-runner.js';
import type { Release } from './model.js';
import { parseManifest, removedObjects, ResourceManager, type Change } from './resources.js';

export interface DeployOptions {
  fieldManager: string;
  /** Take fields other managers own on objects that are not yet the release's. */
  forceConflicts?: boolean;
  wait?: boolean;
  waitForJobs?: boolean;
  timeoutMs: number;
  noHooks?: boolean;
  /** The API server's dry run: nothing is stored, hooks do not run. */
  serverDryRun?: boolean;
  createNamespace?: boolean;
  signal?: AbortSignal;
  clock: () => Date;
  log: Logger;
}

export type HookPhase = 'install' | 'upgrade' | 'rollback';

/** Creates the release's namespace when asked and it is missing. */
export async function ensureNamespace(kube: KubeClient, namespace: string, create: boolean | undefined): Promise<void> {
  if (!create) return;
  if (await kube.get('v1', 'Namespace', namespace)) return;
  try {
    await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  } catch (e) {
    if (!hasCode(e, 'KUBE_ALREADY_EXISTS')) throw e;
  }
}

/**
 * CRDs from crds/, created when missing and never upgraded or deleted, as Helm does; one that exists and
 * differs from the chart's is left as it is, with a warning saying so.
 */
export async function installCrds(kube: KubeClient, crds: Manifest[], opts: { fieldManager: string; log: Logger; dryRun?: boolean }): Promise<Change[]> {
  const changes: Change[] = [];
  for (const m of crds) {
    for (const o of parseManifest(m.content, m.source)) {
      const existing = await kube.get(o.apiVersion, o.kind, o.metadata.name);
      const ref = { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name };
      if (existing) {
        if (JSON.stringify(existing.spec) !== JSON.stringify({ ...(existing.spec as object), ...(o.spec as object) })) {
          opts.log.warn(`CRD ${o.metadata.name} exists and differs from the chart's ${m.source}; CRDs are never upgraded (as Helm), so it was left as it is`);
        }
        changes.push({ ref, action: 'unchanged' });
        continue;
      }
      await kube.apply(o, { fieldManager: opts.fieldManager, dryRun: opts.dryRun });
      changes.push({ ref, action: 'created' });
    }
  }
  return changes;
}

/** What a deploy will touch, worked out (and ownership checked) before any record is written. */
export interface DeployPlan {
  manager: ResourceManager;
  /** The revision's objects, namespaces defaulted and ownership marked. */
  objs: KubeObject[];
  /** The previous revision's objects, to delete what this one no longer has. */
  before: KubeObject[];
  /** Live copies of the objects that exist. */
  live: Map<string, KubeObject>;
}

/**
 * Reads the revision's objects and the previous one's, and refuses objects that exist and belong to nothing
 * or to another release (unless takeOwnership): all before anything is written, so a refusal leaves no trace.
 */
export async function planDeploy(kube: KubeClient, rel: Release, previous: Release | undefined, opts: { fieldManager: string; takeOwnership?: boolean }): Promise<DeployPlan> {
  const manager = new ResourceManager(kube, { name: rel.name, namespace: rel.namespace }, { fieldManager: opts.fieldManager });
  const objs: KubeObject[] = await Promise.all(parseManifest(rel.manifest ?? '', `${rel.name} revision ${rel.version}`).map((o) => manager.prepare(o)));
  const before: KubeObject[] = previous ? await Promise.all(parseManifest(previous.manifest ?? '', `${rel.name} revision ${previous.version}`).map((o) => manager.prepare(o))) : [];
  const live = await manager.checkOwnership(objs, !!opts.takeOwnership);
  return { manager, objs, before, live };
}

/**
 * Puts a release revision into the cluster: its pre-hooks, its objects by server-side apply (install order,
 * groups at once), the deletion of what the previous revision had and this one has not (keeping
 * `helm.sh/resource-policy: keep`), the wait for readiness, its post-hooks.
 */
export async function deploy(kube: KubeClient, rel: Release, plan: DeployPlan, phase: HookPhase, opts: DeployOptions): Promise<Change[]> {
  const { manager, objs, before, live } = plan;
  const hooks = rel.hooks ?? [];
  const hookOpts = { timeoutMs: opts.timeoutMs, fieldManager: opts.fieldManager, clock: opts.clock };
  if (!opts.noHooks && !opts.serverDryRun) await runHooks(kube, manager, hooks, `pre-${phase}`, hookOpts);
  const { changes } = await manager.applyAll(objs, { live, forceConflicts: opts.forceConflicts, dryRun: opts.serverDryRun, signal: opts.signal });
  if (!opts.serverDryRun) {
    const gone = removedObjects(before, objs);
    if (gone.length) changes.push(...(await manager.deleteAll(gone)));
    if (opts.wait) await manager.waitAll(objs, { timeoutMs: opts.timeoutMs, waitForJobs: opts.waitForJobs, signal: opts.signal });
    if (!opts.noHooks) await runHooks(kube, manager, hooks, `post-${phase}`, hookOpts);
  }
  return changes;
}

/** Deletes a release's objects in reverse install order, with the delete hooks around it. */
export async function undeploy(kube: KubeClient, rel: Release, opts: { fieldManager: string; timeoutMs: number; noHooks?: boolean; clock: () => Date }): Promise<Change[]> {
  const manager = new ResourceManager(kube, { name: rel.name, namespace: rel.namespace }, { fieldManager: opts.fieldManager });
  const objs = await Promise.all(parseManifest(rel.manifest ?? '', `${rel.name} revision ${rel.version}`).map((o) => manager.prepare(o)));
  const hookOpts = { timeoutMs: opts.timeoutMs, fieldManager: opts.fieldManager, clock: opts.clock };
  if (!opts.noHooks) await runHooks(kube, manager, rel.hooks ?? [], 'pre-delete', hookOpts);
  const changes = await manager.deleteAll(objs);
  if (!opts.noHooks) await runHooks(kube, manager, rel.hooks ?? [], 'post-delete', hookOpts);
  return changes;
}
