import type { Helper } from './types.js';
import { TemplateFailure } from './types.js';
import { isEmpty, isMap, toNumber, toStr } from './values.js';

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' || typeof b === 'number') return toNumber(a) - toNumber(b);
  const sa = toStr(a);
  const sb = toStr(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function same(a: unknown, b: unknown): boolean {
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return a === b;
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'invalid';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (Array.isArray(v)) return 'slice';
  if (isMap(v)) return 'map';
  return typeof v;
}

function typeOf(v: unknown): string {
  const k = kindOf(v);
  return k === 'slice' ? '[]interface {}' : k === 'map' ? 'map[string]interface {}' : k === 'invalid' ? '<nil>' : k === 'int' ? 'int64' : k;
}

export const logicHelpers: Record<string, Helper> = {
  default: (fallback, ...given) => (given.length === 0 || isEmpty(given[0]) ? fallback : given[0]),
  empty: (v) => isEmpty(v),
  coalesce: (...vs) => vs.find((v) => !isEmpty(v)) ?? null,
  all: (...vs) => vs.every((v) => !isEmpty(v)),
  any: (...vs) => vs.some((v) => !isEmpty(v)),
  ternary: (whenTrue, whenFalse, cond) => (cond === true || (cond !== false && !isEmpty(cond)) ? whenTrue : whenFalse),
  required: (message, v) => {
    if (v === undefined || v === null || v === '') throw new TemplateFailure(toStr(message));
    return v;
  },
  fail: (message) => {
    throw new TemplateFailure(toStr(message));
  },
  eq: (a, ...bs) => bs.some((b) => same(a, b)),
  ne: (a, b) => !same(a, b),
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  // Go's and/or return the deciding value, not a boolean.
  and: (...vs) => {
    for (const v of vs) if (isEmpty(v)) return v;
    return vs[vs.length - 1];
  },
  or: (...vs) => {
    for (const v of vs) if (!isEmpty(v)) return v;
    return vs[vs.length - 1];
  },
  not: (v) => isEmpty(v),
  kindOf: (v) => kindOf(v),
  kindIs: (kind, v) => kindOf(v) === toStr(kind),
  typeOf: (v) => typeOf(v),
  typeIs: (t, v) => typeOf(v) === toStr(t),
  add: (...ns) => ns.reduce<number>((s, n) => s + toNumber(n), 0),
  add1: (n) => toNumber(n) + 1,
  sub: (a, b) => toNumber(a) - toNumber(b),
  mul: (...ns) => ns.reduce<number>((s, n) => s * toNumber(n), 1),
  div: (a, b) => {
    const d = toNumber(b);
    if (d === 0) throw new Error('div: division by zero');
    const q = toNumber(a) / d;
    return Number.isInteger(toNumber(a)) && Number.isInteger(d) ? Math.trunc(q) : q;
  },
  mod: (a, b) => {
    const d = toNumber(b);
    if (d === 0) throw new Error('mod: division by zero');
    return toNumber(a) % d;
  },
  max: (...ns) => Math.max(...ns.map(toNumber)),
  min: (...ns) => Math.min(...ns.map(toNumber)),
  floor: (n) => Math.floor(toNumber(n)),
  ceil: (n) => Math.ceil(toNumber(n)),
  round: (n, places) => {
    const p = 10 ** toNumber(places ?? 0);
    return Math.round(toNumber(n) * p) / p;
  },
};
