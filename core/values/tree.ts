import type { Values } from '../chart/model.js';

/** A plain mapping (not a list, not null). */
export function isMap(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v);
}

/** Sets a key without letting `__proto__` or `constructor` reach a prototype. */
export function setKey(target: Values, key: string, value: unknown): void {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** Reads an own key only. */
export function getKey(target: Values, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
}

export function hasKey(target: Values, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key);
}

/** Deep copy of plain values data. */
export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepClone) as T;
  if (isMap(v)) {
    const out: Values = {};
    for (const k of Object.keys(v)) setKey(out, k, deepClone(v[k]));
    return out as T;
  }
  return v;
}

/** Helm's merge of values files: later maps merge into earlier ones, anything else replaces. */
export function mergeValues(base: Values, over: Values): Values {
  const out: Values = {};
  for (const k of Object.keys(base)) setKey(out, k, base[k]);
  for (const k of Object.keys(over)) {
    const v = over[k];
    const cur = getKey(out, k);
    if (isMap(v) && isMap(cur)) setKey(out, k, mergeValues(cur, v));
    else setKey(out, k, v);
  }
  return out;
}

/** Fills gaps in `dst` from `src`; what `dst` has always wins. */
export function fillMissing(dst: Values, src: Values): Values {
  for (const k of Object.keys(src)) {
    const cur = getKey(dst, k);
    if (!hasKey(dst, k)) setKey(dst, k, deepClone(src[k]));
    else if (isMap(cur) && isMap(src[k])) fillMissing(cur, src[k] as Values);
  }
  return dst;
}

/** Looks up a dotted path such as `db.enabled`. */
export function getPath(root: unknown, path: string | string[]): unknown {
  const parts = typeof path === 'string' ? path.split('.').filter(Boolean) : path;
  let cur: unknown = root;
  for (const p of parts) {
    if (!isMap(cur)) return undefined;
    cur = getKey(cur, p);
  }
  return cur;
}

/** Builds `{a: {b: value}}` from `a.b`. */
export function nestAt(path: string, value: Values): Values {
  const parts = path.split('.').filter(Boolean);
  let out: Values = value;
  for (let i = parts.length - 1; i >= 0; i--) {
    const wrap: Values = {};
    setKey(wrap, parts[i], out);
    out = wrap;
  }
  return out;
}
