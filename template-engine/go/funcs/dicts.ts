import { GoDuration, GoFuncError, GoTime, type GoValue } from '../value.js';
import { strval } from './fmt.js';
import { def, goSlice, goTypeName, isEmpty, isGoMap, mapGet, mapHas, mapSet, newMap, type FuncTable, type GoMap } from './kinds.js';

/**
 * Sprig's dict functions (dict.go). `set`, `unset`, `merge` and `mergeOverwrite` change the map they are
 * given, as in Go; the others build new maps. Keys come out in insertion order where Go's order is random.
 */

/**
 * mergo.Merge / MergeWithOverwrite for map[string]interface{}, as Sprig calls them: nested maps are merged
 * in place; without overwrite a key is filled only where dst is missing or empty (nil, "", 0, false, empty
 * list or map); with overwrite every non-nil src value wins, and a nil src value sets nil.
 */
export function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const key of Object.keys(src)) {
    const sv = src[key];
    const has = mapHas(dst, key);
    const dv = has ? dst[key] : undefined;
    if (sv === null || sv === undefined) {
      if (overwrite) mapSet(dst, key, null);
      continue;
    }
    if (isGoMap(sv) && isGoMap(dv)) {
      mergeInto(dv, sv, overwrite);
      if (!isEmpty(dv)) continue;
    }
    if (overwrite || !has || isEmpty(dv)) mapSet(dst, key, sv);
  }
}

/** copystructure.Copy: maps, slices and bytes copied all the way down. */
export function deepCopy(v: GoValue): GoValue {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (v instanceof GoTime) return new GoTime(v.ms, v.extraNs, v.zone);
  if (v instanceof GoDuration) return new GoDuration(v.ns);
  if (isGoMap(v)) {
    const out = newMap();
    for (const k of Object.keys(v)) mapSet(out, k, deepCopy(v[k]));
    return out;
  }
  return v === undefined ? null : v;
}

/** A failed Go type assertion `x.(map[string]interface{})`. */
function assertMap(v: GoValue): GoMap {
  if (isGoMap(v)) return v;
  throw new GoFuncError(`interface conversion: interface {} is ${v === null || v === undefined ? 'nil' : goTypeName(v)}, not map[string]interface {}`);
}

function assertString(v: GoValue): string {
  if (typeof v === 'string') return v;
  throw new GoFuncError(`interface conversion: interface {} is ${v === null || v === undefined ? 'nil' : goTypeName(v)}, not string`);
}

function dig(...ps: GoValue[]): GoValue {
  if (ps.length < 3) throw new GoFuncError('dig needs at least three arguments');
  let dict = assertMap(ps[ps.length - 1]);
  const def = ps[ps.length - 2];
  const keys = ps.slice(0, -2).map(assertString);
  for (let i = 0; ; i++) {
    if (!mapHas(dict, keys[i])) return def;
    const step = dict[keys[i]];
    if (i === keys.length - 1) return step;
    dict = assertMap(step);
  }
}

function merge(overwrite: boolean) {
  return (dst: GoMap | null, ...srcs: (GoMap | null)[]) => {
    const out = dst ?? newMap();
    for (const src of srcs) if (src) mergeInto(out, src, overwrite);
    return out;
  };
}

export const dictFuncs: FuncTable = {
  dict: def('dict', ['...any'], (...v: GoValue[]) => {
    const m = newMap();
    for (let i = 0; i < v.length; i += 2) mapSet(m, strval(v[i]), i + 1 < v.length ? v[i + 1] : '');
    return m;
  }),
  get: def('get', ['map', 'string'], (d: GoMap | null, key: string) => (d && mapHas(d, key) ? d[key] : '')),
  set: def('set', ['map', 'string', 'any'], (d: GoMap | null, key: string, value: GoValue) => {
    if (!d) throw new GoFuncError('assignment to entry in nil map');
    mapSet(d, key, value);
    return d;
  }),
  unset: def('unset', ['map', 'string'], (d: GoMap | null, key: string) => {
    if (d) delete d[key];
    return d;
  }),
  hasKey: def('hasKey', ['map', 'string'], (d: GoMap | null, key: string) => !!d && mapHas(d, key)),
  pluck: def('pluck', ['string', '...map'], (key: string, ...ds: (GoMap | null)[]) => ds.filter((d): d is GoMap => !!d && mapHas(d, key)).map((d) => d[key])),
  keys: def('keys', ['...map'], (...ds: (GoMap | null)[]) => goSlice(ds.flatMap((d) => (d ? Object.keys(d) : [])), { elem: 'string' })),
  values: def('values', ['map'], (d: GoMap | null) => (d ? Object.values(d) : [])),
  pick: def('pick', ['map', '...string'], (d: GoMap | null, ...keys: string[]) => {
    const m = newMap();
    for (const k of keys) if (d && mapHas(d, k)) mapSet(m, k, d[k]);
    return m;
  }),
  omit: def('omit', ['map', '...string'], (d: GoMap | null, ...keys: string[]) => {
    const m = newMap();
    const drop = new Set(keys);
    if (d) for (const k of Object.keys(d)) if (!drop.has(k)) mapSet(m, k, mapGet(d, k));
    return m;
  }),
  merge: def('merge', ['map', '...map'], merge(false)),
  mustMerge: def('mustMerge', ['map', '...map'], merge(false)),
  mergeOverwrite: def('mergeOverwrite', ['map', '...map'], merge(true)),
  mustMergeOverwrite: def('mustMergeOverwrite', ['map', '...map'], merge(true)),
  deepCopy: def('deepCopy', ['any'], deepCopy),
  mustDeepCopy: def('mustDeepCopy', ['any'], deepCopy),
  dig: def('dig', ['...any'], dig),
};
