/** Helm's hook events; `test-success` is Helm 2's name for `test` and means the same. */
export const HOOK_EVENTS = ['pre-install', 'post-install', 'pre-delete', 'post-delete', 'pre-upgrade', 'post-upgrade', 'pre-rollback', 'post-rollback', 'test'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Helm's hook delete policies; `before-hook-creation` applies when none is given. */
export const HOOK_DELETE_POLICIES = ['before-hook-creation', 'hook-succeeded', 'hook-failed'] as const;
/** Helm 4's hook output log policies. */
export const HOOK_OUTPUT_LOG_POLICIES = ['hook-succeeded', 'hook-failed'] as const;

export const HOOK_ANNOTATION = 'helm.sh/hook';
export const HOOK_WEIGHT_ANNOTATION = 'helm.sh/hook-weight';
export const HOOK_DELETE_ANNOTATION = 'helm.sh/hook-delete-policy';
export const HOOK_OUTPUT_LOG_ANNOTATION = 'helm.sh/hook-output-log-policy';

/** A hook as its annotations declare it: every event, the weight and every policy, unknown ones included. */
export interface HookSpec {
  /** Known events, in the order written (`test-success` read as `test`). */
  events: HookEvent[];
  /** Events Helm does not know: Helm leaves such a document out, and so do we, saying so. */
  unknownEvents: string[];
  /** Order of execution within an event, lowest first; 0 when absent or not a whole number. */
  weight: number;
  /** As written, known or not. */
  deletePolicies: string[];
  outputLogPolicies: string[];
  /** Problems with the annotations, as sentences. */
  problems: string[];
}

const KNOWN_EVENTS = new Set<string>(HOOK_EVENTS);

function list(value: unknown): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim().toLowerCase())
        .filter((v) => v !== '')
    : [];
}

/** Reads the hook annotations of an object's metadata; undefined when it is not a hook. */
export function parseHook(annotations: unknown): HookSpec | undefined {
  if (!annotations || typeof annotations !== 'object') return undefined;
  const a = annotations as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(a, HOOK_ANNOTATION)) return undefined;
  const spec: HookSpec = { events: [], unknownEvents: [], weight: 0, deletePolicies: [], outputLogPolicies: [], problems: [] };
  for (const e of list(a[HOOK_ANNOTATION])) {
    const event = e === 'test-success' ? 'test' : e;
    if (KNOWN_EVENTS.has(event)) spec.events.push(event as HookEvent);
    else spec.unknownEvents.push(e);
  }
  if (spec.unknownEvents.length) spec.problems.push(`${HOOK_ANNOTATION} names ${spec.unknownEvents.map((e) => JSON.stringify(e)).join(', ')}, not a Helm hook event (${HOOK_EVENTS.join(', ')}); the document is left out, as helm leaves it out`);
  const weight = a[HOOK_WEIGHT_ANNOTATION];
  if (weight !== undefined) {
    const text = String(weight).trim();
    if (/^[-+]?\d+$/.test(text)) spec.weight = Number(text);
    else spec.problems.push(`${HOOK_WEIGHT_ANNOTATION} ${JSON.stringify(weight)} is not a whole number; weight 0 is used`);
  }
  spec.deletePolicies = list(a[HOOK_DELETE_ANNOTATION]);
  const unknownPolicies = spec.deletePolicies.filter((p) => !(HOOK_DELETE_POLICIES as readonly string[]).includes(p));
  if (unknownPolicies.length) spec.problems.push(`${HOOK_DELETE_ANNOTATION} ${unknownPolicies.map((p) => JSON.stringify(p)).join(', ')} is not one Helm knows (${HOOK_DELETE_POLICIES.join(', ')})`);
  spec.outputLogPolicies = list(a[HOOK_OUTPUT_LOG_ANNOTATION]);
  return spec;
}
