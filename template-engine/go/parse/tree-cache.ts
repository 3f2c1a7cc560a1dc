import type { ListNode, ParsedTemplate } from './nodes.js';

/**
 * Parsed templates as JSON for the render cache. JSON.parse reads a tree twice as fast as V8's deserializer
 * (about 7 ms for a 200-template chart against 14). Only two things need restoring after it: the bigints of
 * number nodes (written as decimal strings) and each file's map of defined templates (written as pairs). The
 * entry lists where its number nodes are, so they are restored without walking the 20,000 other nodes of a
 * big chart's trees (3 ms).
 */

type Step = string | number;

interface Stored {
  name: string;
  root: ListNode;
  defines: [string, ListNode][];
  /** The path of each number node that holds a bigint, from this object. */
  numbers: Step[][];
}

/** Paths to the number nodes under `node` (that hold an int or uint), appended to `out`. */
function numberPaths(node: unknown, path: Step[], out: Step[][]): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const v: unknown = node[i];
      if (v !== null && typeof v === 'object') numberPaths(v, [...path, i], out);
    }
    return;
  }
  const o = node as Record<string, unknown>;
  if (o.type === 'number') {
    if (o.int !== undefined || o.uint !== undefined) out.push(path);
    return;
  }
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v !== null && typeof v === 'object') numberPaths(v, [...path, k], out);
  }
}

/** The trees as JSON text, or undefined when they hold a number JSON cannot keep (Inf, NaN, -0). */
export function encodeTrees(trees: ParsedTemplate[]): string | undefined {
  let exact = true;
  const stored: Stored[] = trees.map((t) => {
    const s: Stored = { name: t.name, root: t.root, defines: [...t.defines], numbers: [] };
    numberPaths(s.root, ['root'], s.numbers);
    numberPaths(s.defines, ['defines'], s.numbers);
    return s;
  });
  const text = JSON.stringify(stored, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) exact = false;
    return v;
  });
  return exact ? text : undefined;
}

const DECIMAL = /^-?\d+$/;

/** Turns the number node at `path` from `from` back into bigints, in place; false when it is not one. */
function restoreAt(from: unknown, path: unknown): boolean {
  if (!Array.isArray(path)) return false;
  let node = from;
  for (const step of path) {
    if (node === null || typeof node !== 'object' || (typeof step !== 'string' && typeof step !== 'number')) return false;
    node = (node as Record<Step, unknown>)[step];
  }
  const o = node as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object' || o.type !== 'number') return false;
  for (const k of ['int', 'uint'] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !DECIMAL.test(v)) return false;
    o[k] = BigInt(v);
  }
  return true;
}

/**
 * The trees of `names` (in that order) from an entry, or undefined for an entry that is torn, foreign or
 * of other files: the caller parses again.
 */
export function decodeTrees(data: Buffer | string, names: string[]): ParsedTemplate[] | undefined {
  let stored: unknown;
  try {
    stored = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(stored) || stored.length !== names.length) return undefined;
  const out: ParsedTemplate[] = [];
  for (let i = 0; i < names.length; i++) {
    const s = stored[i] as Partial<Stored> | null;
    if (s === null || typeof s !== 'object' || s.name !== names[i] || s.root?.type !== 'list' || !Array.isArray(s.defines) || !Array.isArray(s.numbers)) return undefined;
    for (const path of s.numbers) if (!restoreAt(s, path)) return undefined;
    const defines = new Map<string, ListNode>();
    for (const pair of s.defines) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string' || (pair[1] as ListNode | null)?.type !== 'list') return undefined;
      defines.set(pair[0], pair[1]);
    }
    out.push({ name: s.name, root: s.root, defines });
  }
  return out;
}
