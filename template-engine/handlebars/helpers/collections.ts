import type { Helper } from './types.js';
import { clone, isEmpty, isMap, own, safeSet, toNumber, toStr } from './values.js';

function asList(v: unknown, helper: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${helper}: expected a list, got ${typeof v}`);
  return v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => deepEqual(a[k], own(b, k)));
  }
  return false;
}

/** mergo-style merge: with `overwrite`, later values win; without, what `dst` has wins. */
function mergeInto(dst: Record<string, unknown>, src: Record<string, unknown>, overwrite: boolean): void {
  for (const k of Object.keys(src)) {
    const d = own(dst, k);
    const s = src[k];
    if (isMap(d) && isMap(s)) mergeInto(d, s, overwrite);
    else if (d === undefined || (overwrite && s !== undefined) || (!overwrite && isEmpty(d) && !isMap(d))) safeSet(dst, k, clone(s));
  }
}

export const collectionHelpers: Record<string, Helper> = {
  list: (...items) => items,
  tuple: (...items) => items,
  dict(...pairs) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < pairs.length; i += 2) safeSet(out, toStr(pairs[i]), pairs[i + 1] ?? '');
    for (const [k, v] of Object.entries(this.hash ?? {})) safeSet(out, k, v);
    return out;
  },
  get: (d, key) => (isMap(d) ? (own(d, toStr(key)) ?? '') : ''),
  set: (d, key, value) => {
    if (!isMap(d)) throw new Error('set: expected a dict');
    safeSet(d, toStr(key), value);
    return d;
  },
  unset: (d, key) => {
    if (isMap(d)) delete d[toStr(key)];
    return d;
  },
  hasKey: (d, key) => isMap(d) && Object.prototype.hasOwnProperty.call(d, toStr(key)),
  keys: (...ds) => ds.flatMap((d) => (isMap(d) ? Object.keys(d) : [])),
  values: (d) => (isMap(d) ? Object.keys(d).map((k) => d[k]) : []),
  pick: (d, ...keys) => {
    const out: Record<string, unknown> = {};
    if (isMap(d)) for (const k of keys.map(toStr)) if (Object.prototype.hasOwnProperty.call(d, k)) safeSet(out, k, d[k]);
    return out;
  },
  omit: (d, ...keys) => {
    const out: Record<string, unknown> = {};
    const drop = new Set(keys.map(toStr));
    if (isMap(d)) for (const k of Object.keys(d)) if (!drop.has(k)) safeSet(out, k, d[k]);
    return out;
  },
  merge: (dst, ...srcs) => {
    if (!isMap(dst)) throw new Error('merge: expected a dict as the first argument');
    for (const s of srcs) if (isMap(s)) mergeInto(dst, s, false);
    return dst;
  },
  mergeOverwrite: (dst, ...srcs) => {
    if (!isMap(dst)) throw new Error('mergeOverwrite: expected a dict as the first argument');
    for (const s of srcs) if (isMap(s)) mergeInto(dst, s, true);
    return dst;
  },
  deepCopy: (v) => clone(v),
  dig: (...args) => {
    const d = args.pop();
    const fallback = args.pop();
    let cur: unknown = d;
    for (const k of args) {
      cur = own(cur, toStr(k));
      if (cur === undefined) return fallback;
    }
    return cur;
  },
  first: (l) => (Array.isArray(l) ? l[0] : typeof l === 'string' ? l[0] : undefined) ?? null,
  last: (l) => (Array.isArray(l) ? l[l.length - 1] : undefined) ?? null,
  rest: (l) => asList(l, 'rest').slice(1),
  initial: (l) => asList(l, 'initial').slice(0, -1),
  append: (l, v) => [...asList(l, 'append'), v],
  push: (l, v) => [...asList(l, 'push'), v],
  prepend: (l, v) => [v, ...asList(l, 'prepend')],
  concat: (...ls) => ls.flatMap((l) => asList(l, 'concat')),
  reverse: (l) => [...asList(l, 'reverse')].reverse(),
  uniq: (l) => asList(l, 'uniq').filter((x, i, a) => a.findIndex((y) => deepEqual(x, y)) === i),
  has: (needle, l) => asList(l, 'has').some((x) => deepEqual(x, needle)),
  without: (l, ...omit) => asList(l, 'without').filter((x) => !omit.some((o) => deepEqual(o, x))),
  compact: (l) => asList(l, 'compact').filter((x) => !isEmpty(x)),
  slice: (l, ...idx) => {
    const list = asList(l, 'slice');
    return list.slice(idx[0] === undefined ? 0 : toNumber(idx[0]), idx[1] === undefined ? undefined : toNumber(idx[1]));
  },
  until: (n) => Array.from({ length: Math.max(0, toNumber(n)) }, (_, i) => i),
  untilStep: (start, stop, step) => {
    const out: number[] = [];
    const a = toNumber(start);
    const b = toNumber(stop);
    const s = toNumber(step);
    if (s === 0) return out;
    for (let i = a; s > 0 ? i < b : i > b; i += s) out.push(i);
    return out;
  },
  seq: (...args) => {
    const n = args.map(toNumber);
    const [start, step, end] = n.length === 1 ? [1, 1, n[0]] : n.length === 2 ? [n[0], n[0] <= n[1] ? 1 : -1, n[1]] : [n[0], n[1], n[2]];
    const out: number[] = [];
    if (step === 0) return '';
    for (let i = start; step > 0 ? i <= end : i >= end; i += step) out.push(i);
    return out.join(' ');
  },
  sortAlpha: (l) => asList(l, 'sortAlpha').map(toStr).sort(),
  index: (v, ...keys) => {
    let cur: unknown = v;
    for (const k of keys) {
      if (Array.isArray(cur)) {
        const i = toNumber(k);
        if (i < 0 || i >= cur.length) throw new Error(`index out of range: ${i}`);
        cur = cur[i];
      } else cur = own(cur, toStr(k));
    }
    return cur ?? null;
  },
};
