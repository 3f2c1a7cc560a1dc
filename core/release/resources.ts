import pLimit from 'p-limit';
import { ChartroomError, hasCode } from '../errors.js';
import { INSTALL_ORDER } from '../kube/manifests.js';
import type { KubeClient, KubeObject } from '../kube/types.js';
import { loadYaml } from '../yaml.js';
import { readiness } from './readiness.js';

/** Helm's ownership marks: how helm and chart recognise a release's objects. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const RELEASE_NAME_ANNOTATION = 'meta.helm.sh/release-name';
export const RELEASE_NAMESPACE_ANNOTATION = 'meta.helm.sh/release-namespace';
export const RESOURCE_POLICY_ANNOTATION = 'helm.sh/resource-policy';

/** One object of a release, as it is addressed in the API. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export type ChangeAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'kept';

export interface Change {
  ref: ObjectRef;
  action: ChangeAction;
}

export const describeRef = (r: ObjectRef) => `${r.kind}/${r.name}${r.namespace ? ` in ${r.namespace}` : ''}`;
const refKey = (r: ObjectRef) => `${r.apiVersion}\0${r.kind}\0${r.namespace ?? ''}\0${r.name}`;

/** The objects of a manifest string (`---` separated YAML documents), empty documents left out. */
export function parseManifest(manifest: string, file = 'manifest'): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of manifest.split(/^---\s*$/m)) {
    if (!doc.trim()) continue;
    const o = loadYaml(doc, file) as KubeObject | null;
    if (o && typeof o === 'object' && typeof o.kind === 'string' && o.metadata && typeof o.metadata.name === 'string') out.push(o);
  }
  return out;
}

const rank = new Map(INSTALL_ORDER.map((k, i) => [k, i]));
const rankOf = (kind: string) => rank.get(kind) ?? INSTALL_ORDER.length;

/** Objects grouped by Helm's install order: everything in one group can be applied at once. */
export function installGroups<T extends { kind: string }>(objs: T[]): T[][] {
  const groups = new Map<number, T[]>();
  for (const o of objs) {
    const r = rankOf(o.kind);
    const g = groups.get(r);
    if (g) g.push(o);
    else groups.set(r, [o]);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

/** Whether an object carries this release's ownership marks. */
export function ownedBy(o: KubeObject | undefined, release: { name: string; namespace: string }): boolean {
  return o?.metadata.labels?.[MANAGED_BY_LABEL] === 'Helm' && o.metadata.annotations?.[RELEASE_NAME_ANNOTATION] === release.name && o.metadata.annotations?.[RELEASE_NAMESPACE_ANNOTATION] === release.namespace;
}

/**
 * Applies, deletes and waits for a release's objects, in the manner of Flux's ResourceManager: objects in,
 * a change set out, no printing. Objects of one install-order group go to the API server at once.
 */
export class ResourceManager {
  private readonly namespaced = new Map<string, boolean>();

  constructor(
    private readonly kube: KubeClient,
    private readonly release: { name: string; namespace: string },
    private readonly opts: { fieldManager: string; concurrency?: number },
  ) {}

  private async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    const key = `${apiVersion}\0${kind}`;
    let n = this.namespaced.get(key);
    if (n === undefined) {
      n = (await this.kube.resourceFor(apiVersion, kind)).namespaced;
      this.namespaced.set(key, n);
    }
    return n;
  }

  /** The object with its namespace defaulted (namespaced kinds) or removed (cluster-scoped ones), and Helm's ownership marks. */
  async prepare(o: KubeObject, mark = true): Promise<KubeObject> {
    const namespaced = await this.isNamespaced(o.apiVersion, o.kind);
    const metadata = { ...o.metadata };
    if (namespaced) metadata.namespace = metadata.namespace || this.release.namespace;
    else delete metadata.namespace;
    if (mark) {
      metadata.labels = { ...(metadata.labels ?? {}), [MANAGED_BY_LABEL]: 'Helm' };
      metadata.annotations = { ...(metadata.annotations ?? {}), [RELEASE_NAME_ANNOTATION]: this.release.name, [RELEASE_NAMESPACE_ANNOTATION]: this.release.namespace };
    }
    const out: KubeObject = { ...o, metadata };
    // Secrets: stringData as data, so server-side apply (and its dry run, for diff) sees the values change.
    if (o.kind === 'Secret' && o.stringData && typeof o.stringData === 'object') {
      const data: Record<string, string> = { ...((o.data as Record<string, string> | undefined) ?? {}) };
      for (const [k, v] of Object.entries(o.stringData as Record<string, unknown>)) data[k] = Buffer.from(String(v ?? '')).toString('base64');
      out.data = data;
      delete out.stringData;
    }
    return out;
  }

  /** The API address of an object as prepared. */
  static ref(o: KubeObject): ObjectRef {
    return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) };
  }

  /**
   * Refuses objects that exist and belong to nothing or to another release, unless `takeOwnership`; returns
   * the live copies of those that exist, by ref.
   */
  async checkOwnership(objs: KubeObject[], takeOwnership: boolean): Promise<Map<string, KubeObject>> {
    const live = new Map<string, KubeObject>();
    const foreign: string[] = [];
    const limit = pLimit(this.opts.concurrency ?? 16);
    const check = (o: KubeObject, existing: KubeObject | undefined) => {
      if (!existing) return;
      live.set(refKey(ResourceManager.ref(o)), existing);
      if (ownedBy(existing, this.release) || takeOwnership) return;
      const owner = existing.metadata.annotations?.[RELEASE_NAME_ANNOTATION];
      foreign.push(`${describeRef(ResourceManager.ref(o))} (${owner ? `owned by release ${owner} in ${existing.metadata.annotations?.[RELEASE_NAMESPACE_ANNOTATION] ?? '?'}` : 'not owned by any release'})`);
    };
    // Many objects of one kind in one namespace: one LIST instead of a GET each.
    const groups = new Map<string, KubeObject[]>();
    for (const o of objs) {
      const key = `${o.apiVersion}\0${o.kind}\0${o.metadata.namespace ?? ''}`;
      const g = groups.get(key);
      if (g) g.push(o);
      else groups.set(key, [o]);
    }
    await Promise.all(
      [...groups.values()].map(async (group) => {
        if (group.length >= 8) {
          const first = group[0];
          let listed: KubeObject[] | undefined;
          try {
            listed = await limit(() => this.kube.list(first.apiVersion, first.kind, first.metadata.namespace));
          } catch (e) {
            if (!hasCode(e, 'KUBE_FORBIDDEN', 'KUBE_UNKNOWN_KIND', 'KUBE_NOT_FOUND')) throw e;
          }
          if (listed) {
            const byName = new Map(listed.map((x) => [x.metadata.name, x]));
            for (const o of group) check(o, byName.get(o.metadata.name));
            return;
          }
        }
        await Promise.all(group.map((o) => limit(async () => check(o, await this.kube.get(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace)))));
      }),
    );
    if (foreign.length) {
      foreign.sort();
      throw new ChartroomError('OWNERSHIP_CONFLICT', `release ${this.release.name} would take over objects that exist already: ${foreign.join(', ')}`, {
        hint: 'delete them, or adopt them with --take-ownership',
      });
    }
    return live;
  }

  /**
   * Server-side applies the objects group by group in install order. On the release's own objects fields held
   * by another manager (helm, acting for the same release) are taken without asking; elsewhere only with
   * `forceConflicts`. A failure names the object; the objects applied before it are reported in the error.
   */
  async applyAll(objs: KubeObject[], opts: { live: Map<string, KubeObject>; forceConflicts?: boolean; dryRun?: boolean; signal?: AbortSignal }): Promise<{ changes: Change[]; applied: KubeObject[] }> {
    const changes: Change[] = [];
    const applied: KubeObject[] = [];
    const limit = pLimit(this.opts.concurrency ?? 16);
    for (const group of installGroups(objs)) {
      if (opts.signal?.aborted) throw new ChartroomError('RELEASE_INVALID', 'interrupted', { cause: opts.signal.reason });
      const results = await Promise.allSettled(
        group.map((o) =>
          limit(async () => {
            const ref = ResourceManager.ref(o);
            const before = opts.live.get(refKey(ref));
            const force = (before !== undefined && ownedBy(before, this.release)) || !!opts.forceConflicts;
            const after = await this.kube.apply(o, { fieldManager: this.opts.fieldManager, force, dryRun: opts.dryRun });
            const action: ChangeAction = !before ? 'created' : before.metadata.resourceVersion === after.metadata.resourceVersion ? 'unchanged' : 'configured';
            return { ref, action, after };
          }),
        ),
      );
      for (const r of results) if (r.status === 'fulfilled') (changes.push({ ref: r.value.ref, action: r.value.action }), applied.push(r.value.after));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        const e = failed.reason;
        const done = changes.length ? ` (already applied: ${changes.map((c) => describeRef(c.ref)).join(', ')})` : ' (nothing was applied)';
        if (e instanceof ChartroomError) throw new ChartroomError(e.code, `${e.message}${done}`, { ...e.details, cause: e });
        throw e;
      }
    }
    return { changes, applied };
  }

  /** Deletes objects in reverse install order, keeping those annotated `helm.sh/resource-policy: keep`. */
  async deleteAll(objs: KubeObject[]): Promise<Change[]> {
    const changes: Change[] = [];
    const limit = pLimit(this.opts.concurrency ?? 16);
    for (const group of installGroups(objs).reverse()) {
      const results = await Promise.all(
        group.map((o) =>
          limit(async (): Promise<Change> => {
            const ref = ResourceManager.ref(o);
            if (o.metadata.annotations?.[RESOURCE_POLICY_ANNOTATION] === 'keep') return { ref, action: 'kept' };
            try {
              await this.kube.delete(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace, { propagationPolicy: 'Background' });
            } catch (e) {
              if (!hasCode(e, 'KUBE_NOT_FOUND', 'KUBE_UNKNOWN_KIND')) throw e;
            }
            return { ref, action: 'deleted' };
          }),
        ),
      );
      changes.push(...results);
    }
    return changes;
  }

  /** Waits until every object is ready by its own status (see readiness), polling; on timeout names each one that is not and why. */
  async waitAll(objs: KubeObject[], opts: { timeoutMs: number; waitForJobs?: boolean; intervalMs?: number; signal?: AbortSignal }): Promise<void> {
    const deadline = Date.now() + opts.timeoutMs;
    let pending = objs;
    for (;;) {
      const states = await Promise.all(
        pending.map(async (o) => {
          const live = await this.kube.get(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace);
          return { o, state: live ? readiness(live, { waitForJobs: opts.waitForJobs }) : { ready: false, reason: 'not found' } };
        }),
      );
      pending = states.filter((s) => !s.state.ready).map((s) => s.o);
      if (pending.length === 0) return;
      if (Date.now() >= deadline || opts.signal?.aborted) {
        const why = states.filter((s) => !s.state.ready).map((s) => `${describeRef(ResourceManager.ref(s.o))}: ${s.state.reason}`);
        throw new ChartroomError('WAIT_TIMEOUT', `timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for ${why.length} object(s) to be ready:\n  ${why.join('\n  ')}`);
      }
      await new Promise((r) => setTimeout(r, Math.min(opts.intervalMs ?? 1000, Math.max(10, deadline - Date.now()))));
    }
  }
}

/** Objects of `before` that `after` no longer has (by API address), for upgrades and rollbacks to delete. */
export function removedObjects(before: KubeObject[], after: KubeObject[]): KubeObject[] {
  const keep = new Set(after.map((o) => refKey(ResourceManager.ref(o))));
  return before.filter((o) => !keep.has(refKey(ResourceManager.ref(o))));
}
