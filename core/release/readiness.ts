import type { KubeObject } from '../kube/types.js';

/** Whether an object is ready, and if not, why (in words for a timeout message). */
export interface Readiness {
  ready: boolean;
  reason?: string;
}

type Condition = { type?: string; status?: string; reason?: string; message?: string };

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const conditions = (o: KubeObject): Condition[] => {
  const c = (o.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? (c as Condition[]) : [];
};
const condition = (o: KubeObject, type: string) => conditions(o).find((c) => c.type === type);

/** The controller has seen the latest spec (status.observedGeneration caught up with metadata.generation). */
function observed(o: KubeObject): Readiness | undefined {
  const generation = num(o.metadata.generation);
  const seen = (o.status as { observedGeneration?: unknown } | undefined)?.observedGeneration;
  if (generation > 0 && (typeof seen !== 'number' || seen < generation)) return { ready: false, reason: `the controller has not seen generation ${generation} yet` };
  return undefined;
}

/**
 * Readiness from an object's own status, in the style of kstatus: the workload kinds by their replica
 * counts, Jobs by completion, Pods and most others by their `Ready` condition, PVCs when bound, load
 * balancers when they have an address, CRDs when established. Kinds without a status are ready once they
 * exist.
 */
export function readiness(o: KubeObject, opts: { waitForJobs?: boolean } = {}): Readiness {
  const status = (o.status ?? {}) as Record<string, unknown>;
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  switch (o.kind) {
    case 'Deployment': {
      const stale = observed(o);
      if (stale) return stale;
      const want = typeof spec.replicas === 'number' ? spec.replicas : 1;
      if (num(status.updatedReplicas) < want) return { ready: false, reason: `${num(status.updatedReplicas)} of ${want} replicas updated` };
      if (num(status.availableReplicas) < want) return { ready: false, reason: `${num(status.availableReplicas)} of ${want} replicas available` };
      return { ready: true };
    }
    case 'StatefulSet': {
      const stale = observed(o);
      if (stale) return stale;
      const want = typeof spec.replicas === 'number' ? spec.replicas : 1;
      if (num(status.readyReplicas) < want) return { ready: false, reason: `${num(status.readyReplicas)} of ${want} replicas ready` };
      return { ready: true };
    }
    case 'ReplicaSet': {
      const stale = observed(o);
      if (stale) return stale;
      const want = typeof spec.replicas === 'number' ? spec.replicas : 1;
      if (num(status.availableReplicas) < want) return { ready: false, reason: `${num(status.availableReplicas)} of ${want} replicas available` };
      return { ready: true };
    }
    case 'DaemonSet': {
      const stale = observed(o);
      if (stale) return stale;
      const want = num(status.desiredNumberScheduled);
      if (num(status.numberAvailable) < want || num(status.updatedNumberScheduled) < want) return { ready: false, reason: `${num(status.numberAvailable)} of ${want} pods available` };
      return { ready: true };
    }
    case 'Job': {
      if (!opts.waitForJobs) return { ready: true };
      const failed = condition(o, 'Failed');
      if (failed?.status === 'True') return { ready: false, reason: `failed: ${failed.message ?? failed.reason ?? 'the job failed'}` };
      const want = typeof spec.completions === 'number' ? spec.completions : 1;
      if (num(status.succeeded) < want) return { ready: false, reason: `${num(status.succeeded)} of ${want} completions` };
      return { ready: true };
    }
    case 'Pod': {
      if (status.phase === 'Succeeded') return { ready: true };
      const ready = condition(o, 'Ready');
      return ready?.status === 'True' ? { ready: true } : { ready: false, reason: `pod is ${String(status.phase ?? 'Pending')}${ready?.reason ? ` (${ready.reason})` : ''}` };
    }
    case 'PersistentVolumeClaim':
      return status.phase === 'Bound' ? { ready: true } : { ready: false, reason: `claim is ${String(status.phase ?? 'Pending')}` };
    case 'Service': {
      if (spec.type !== 'LoadBalancer') return { ready: true };
      const ingress = (status.loadBalancer as { ingress?: unknown[] } | undefined)?.ingress;
      return Array.isArray(ingress) && ingress.length > 0 ? { ready: true } : { ready: false, reason: 'the load balancer has no address yet' };
    }
    case 'CustomResourceDefinition': {
      const established = condition(o, 'Established');
      return established?.status === 'True' ? { ready: true } : { ready: false, reason: 'not established yet' };
    }
    default: {
      const ready = condition(o, 'Ready');
      if (!ready) return { ready: true };
      return ready.status === 'True' ? { ready: true } : { ready: false, reason: ready.message ?? ready.reason ?? 'not ready' };
    }
  }
}
