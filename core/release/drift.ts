import { createTwoFilesPatch } from 'diff';
import { hasCode } from '../errors.js';
import { jsYaml } from '../yaml.js';
import type { KubeClient, KubeObject } from '../kube/types.js';
import { describeRef, ResourceManager, type ObjectRef } from './resources.js';

/** Fields the API server maintains itself: never part of a comparison. */
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink'];

/**
 * An object as it is compared: no status, no server-kept metadata, and Secret values masked — a value equal
 * in `peer` (the other side of the comparison) becomes `***`, one that differs `*** (current value)` on the
 * live side and `*** (new value)` on the desired side, so a diff shows which keys change, never what they hold.
 */
export function comparable(o: KubeObject | undefined, peer?: KubeObject, side: 'live' | 'desired' = 'live'): Record<string, unknown> | undefined {
  if (!o) return undefined;
  const { status: _status, ...rest } = o;
  void _status;
  const metadata = { ...o.metadata };
  for (const f of SERVER_METADATA) delete metadata[f];
  if (metadata.annotations) {
    const a = { ...metadata.annotations };
    delete a['kubectl.kubernetes.io/last-applied-configuration'];
    delete a['deployment.kubernetes.io/revision'];
    metadata.annotations = a;
    if (Object.keys(a).length === 0) delete metadata.annotations;
  }
  const out: Record<string, unknown> = { ...rest, metadata };
  if (o.kind === 'Secret') {
    for (const field of ['data', 'stringData']) {
      const values = o[field] as Record<string, string> | undefined;
      if (!values) continue;
      const other = (peer?.[field] ?? {}) as Record<string, string>;
      const masked: Record<string, string> = {};
      for (const [k, v] of Object.entries(values)) masked[k] = !peer || other[k] === v ? '***' : side === 'live' ? '*** (current value)' : '*** (new value)';
      out[field] = masked;
    }
  }
  return out;
}

export interface ObjectDiff {
  ref: ObjectRef;
  /** `added` (not in the cluster), `changed`, `deleted` (the chart no longer has it), `unchanged`. */
  change: 'added' | 'changed' | 'deleted' | 'unchanged';
  /** Unified diff of the YAML, live → desired. */
  diff: string;
}

const toYaml = (o: unknown) => (o === undefined ? '' : jsYaml().dump(o, { sortKeys: true, lineWidth: -1, noRefs: true }));

/**
 * What applying `desired` would change, object by object, against the live objects: each desired object is
 * applied with the API server's dry run (so defaulted fields add no noise), and the answer is compared with
 * the live copy; `deleted` lists what would be removed. Drift made by others (e.g. `kubectl scale`) shows up
 * even when chart and values are unchanged.
 */
export async function diffObjects(kube: KubeClient, manager: ResourceManager, desired: KubeObject[], deleted: KubeObject[], opts: { fieldManager: string }): Promise<ObjectDiff[]> {
  const out: ObjectDiff[] = [];
  for (const o of desired) {
    const ref = ResourceManager.ref(o);
    const live = await kube.get(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace);
    let after: KubeObject;
    try {
      after = await kube.apply(o, { fieldManager: opts.fieldManager, force: true, dryRun: true });
    } catch (e) {
      // A kind the server does not know yet (its CRD comes with the chart): compare with the manifest itself.
      if (!hasCode(e, 'KUBE_UNKNOWN_KIND', 'KUBE_NOT_FOUND')) throw e;
      after = o;
    }
    const a = toYaml(comparable(live, after));
    const b = toYaml(comparable(after, live, 'desired'));
    const change = !live ? 'added' : a === b ? 'unchanged' : 'changed';
    out.push({ ref, change, diff: change === 'unchanged' ? '' : createTwoFilesPatch(`live ${describeRef(ref)}`, `desired ${describeRef(ref)}`, a, b, '', '', { context: 3 }) });
  }
  for (const o of deleted) {
    const ref = ResourceManager.ref(o);
    const live = await kube.get(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace);
    if (!live) continue;
    out.push({ ref, change: 'deleted', diff: createTwoFilesPatch(`live ${describeRef(ref)}`, `desired ${describeRef(ref)}`, toYaml(comparable(live)), '', '', '', { context: 3 }) });
  }
  return out;
}
