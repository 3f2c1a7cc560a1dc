import { GoDuration, GoTime, type GoValue } from '../value.js';
import { def, goKindName, goTypeName, isGoMap, mapHas, type FuncTable } from './kinds.js';

/** reflect.DeepEqual over our values: the same Go type and deeply equal contents (NaN is unequal to itself). */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a !== 'object') return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length || goTypeName(a) !== goTypeName(b)) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  if (a instanceof GoTime) return b instanceof GoTime && a.ms === b.ms && a.extraNs === b.extraNs && a.zone === b.zone;
  if (a instanceof GoDuration) return b instanceof GoDuration && a.ns === b.ns;
  if (isGoMap(a)) {
    if (!isGoMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => mapHas(b, k) && deepEqual(a[k], b[k]));
  }
  if (isGoMap(b) || Array.isArray(b)) return false;
  if (goTypeName(a) !== goTypeName(b)) return false;
  const ka = Object.keys(a as object);
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  return ka.length === Object.keys(rb).length && ka.every((k) => (typeof ra[k] === 'function' ? ra[k] === rb[k] : deepEqual(ra[k], rb[k])));
}

export const reflectFuncs: FuncTable = {
  typeOf: def('typeOf', ['any'], (v) => goTypeName(v)),
  typeIs: def('typeIs', ['string', 'any'], (t: string, v) => t === goTypeName(v)),
  typeIsLike: def('typeIsLike', ['string', 'any'], (t: string, v) => {
    const name = goTypeName(v);
    return t === name || '*' + t === name;
  }),
  kindOf: def('kindOf', ['any'], (v) => goKindName(v)),
  kindIs: def('kindIs', ['string', 'any'], (k: string, v) => k === goKindName(v)),
  deepEqual: def('deepEqual', ['any', 'any'], deepEqual),
};
