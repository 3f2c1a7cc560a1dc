/** Go template truthiness: false, 0, "", nil, and empty lists and maps are empty. */
export function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isMap(v)) return Object.keys(v).length === 0;
  return false;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v);
}

/** Own-property read, so templates never reach a prototype. */
export function own(obj: unknown, key: string): unknown {
  if (!isMap(obj) && !Array.isArray(obj)) return undefined;
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

export function toStr(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, 'toString') && typeof (v as { toString: unknown }).toString === 'function') return String(v);
  if (Array.isArray(v) || isMap(v)) return goLike(v);
  return String(v);
}

function goLike(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === null || x === undefined ? '<nil>' : toStr(x))).join(' ')}]`;
  const m = v as Record<string, unknown>;
  return `map[${Object.keys(m).sort().map((k) => `${k}:${m[k] === null || m[k] === undefined ? '<nil>' : toStr(m[k])}`).join(' ')}]`;
}

/** Converts to a number the way sprig's `int`/`float64` do: strings parse, anything else is 0. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[-+]?0x[0-9a-f]+$/i.test(s)) return parseInt(s, 16);
    const n = Number(s);
    return isNaN(n) ? 0 : n;
  }
  return 0;
}

/** Plain-data copy used by merge helpers. */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) safeSet(out, k, clone(v[k]));
    return out as T;
  }
  return v;
}

export function safeSet(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else obj[key] = value;
}
