import { GoFuncError, type GoValue } from '../value.js';
import { toInt64, toStrings } from './conversion.js';
import { strval } from './fmt.js';
import { compareGoStrings, def, goKindName, goSlice, isEmpty, isGoList, listItems, NIL_DEREF, nilSlice, type FuncTable } from './kinds.js';
import { deepEqual } from './reflect.js';

/**
 * Sprig's list functions (list.go). They take any slice (Go reflects over []string, []int … as well as
 * []interface{}) and return new []interface{} slices; only `append`'s result shares nothing with its input.
 */

/** The items of a slice argument, or Sprig's error naming the kind (and Go's nil dereference for nil). */
function itemsOf(v: GoValue, what: string): GoValue[] {
  if (v === null || v === undefined) throw new GoFuncError(NIL_DEREF);
  if (isGoList(v)) return listItems(v);
  throw new GoFuncError(`${what} ${goKindName(v)}`);
}

/** Both forms of a list function: the plain one panics (an error either way in a template). */
function pair(table: FuncTable, name: string, params: string[], impl: (...a: any[]) => GoValue): void {
  const must = 'must' + name[0].toUpperCase() + name.slice(1);
  table[name] = def(name, params, impl);
  table[must] = def(must, params, impl);
}

/** Sprig's untilStep. */
export function untilStep(start: number, stop: number, step: number): bigint[] {
  const out: bigint[] = goSlice([], { elem: 'int' });
  if (stop < start) {
    if (step >= 0) return out;
    for (let i = start; i > stop; i += step) out.push(BigInt(i));
    return out;
  }
  if (step <= 0) return out;
  for (let i = start; i < stop; i += step) out.push(BigInt(i));
  return out;
}

function seq(...params: number[]): string {
  const show = (l: bigint[]) => l.join(' ');
  switch (params.length) {
    case 0:
      return '';
    case 1: {
      const end = params[0];
      const inc = end < 1 ? -1 : 1;
      return show(untilStep(1, end + inc, inc));
    }
    case 2: {
      const [start, end] = params;
      const step = end < start ? -1 : 1;
      return show(untilStep(start, end + step, step));
    }
    case 3: {
      const [start, step, end] = params;
      let inc = 1;
      if (end < start) {
        inc = -1;
        if (step > 0) return '';
      }
      return show(untilStep(start, end + inc, step));
    }
    default:
      return '';
  }
}

export const listFuncs: FuncTable = {
  list: def('list', ['...any'], (...v: GoValue[]) => v),
  tuple: def('tuple', ['...any'], (...v: GoValue[]) => v),
  sortAlpha: def('sortAlpha', ['any'], (v: GoValue) => goSlice(isGoList(v) ? toStrings(v).sort(compareGoStrings) : [strval(v)], { elem: 'string' })),
  until: def('until', ['int'], (n: number) => untilStep(0, n, n < 0 ? -1 : 1)),
  untilStep: def('untilStep', ['int', 'int', 'int'], untilStep),
  seq: def('seq', ['...int'], seq),
  concat: def('concat', ['...any'], (...lists: GoValue[]) => {
    const out: GoValue[] = [];
    for (const l of lists) {
      if (l === null) throw new GoFuncError(NIL_DEREF);
      if (!isGoList(l)) throw new GoFuncError(`Cannot concat type ${goKindName(l)} as list`);
      out.push(...listItems(l));
    }
    return out.length ? out : nilSlice();
  }),
};

pair(listFuncs, 'push', ['any', 'any'], (l, v) => [...itemsOf(l, 'Cannot push on type'), v]);
listFuncs.append = def('append', ['any', 'any'], listFuncs.push);
listFuncs.mustAppend = def('mustAppend', ['any', 'any'], listFuncs.mustPush);
pair(listFuncs, 'prepend', ['any', 'any'], (l, v) => [v, ...itemsOf(l, 'Cannot prepend on type')]);
pair(listFuncs, 'chunk', ['int', 'any'], (size: number, l) => {
  const items = itemsOf(l, 'Cannot chunk type');
  if (size === 0 && items.length > 0) throw new GoFuncError('runtime error: makeslice: len out of range');
  const out: GoValue[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
});
pair(listFuncs, 'last', ['any'], (l) => {
  const items = itemsOf(l, 'Cannot find last on type');
  return items.length ? items[items.length - 1] : null;
});
pair(listFuncs, 'first', ['any'], (l) => {
  const items = itemsOf(l, 'Cannot find first on type');
  return items.length ? items[0] : null;
});
pair(listFuncs, 'rest', ['any'], (l) => {
  const items = itemsOf(l, 'Cannot find rest on type');
  return items.length ? items.slice(1) : nilSlice();
});
pair(listFuncs, 'initial', ['any'], (l) => {
  const items = itemsOf(l, 'Cannot find initial on type');
  return items.length ? items.slice(0, -1) : nilSlice();
});
pair(listFuncs, 'reverse', ['any'], (l) => [...itemsOf(l, 'Cannot find reverse on type')].reverse());
pair(listFuncs, 'compact', ['any'], (l) => itemsOf(l, 'Cannot compact on type').filter((x) => !isEmpty(x)));
pair(listFuncs, 'uniq', ['any'], (l) => {
  const out: GoValue[] = [];
  for (const x of itemsOf(l, 'Cannot find uniq on type')) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
});
pair(listFuncs, 'without', ['any', '...any'], (l, ...omit: GoValue[]) => itemsOf(l, 'Cannot find without on type').filter((x) => !omit.some((o) => deepEqual(o, x))));
pair(listFuncs, 'has', ['any', 'any'], (needle, haystack) => {
  if (haystack === null) return false;
  return itemsOf(haystack, 'Cannot find has on type').some((x) => deepEqual(needle, x));
});
pair(listFuncs, 'slice', ['any', '...any'], (l, ...idx: GoValue[]) => {
  if (l === null) throw new GoFuncError(NIL_DEREF);
  if (!isGoList(l)) throw new GoFuncError(`list should be type of slice or array but ${goKindName(l)}`);
  const items = listItems(l);
  if (items.length === 0) return null;
  const start = idx.length > 0 ? Number(toInt64(idx[0])) : 0;
  const end = idx.length > 1 ? Number(toInt64(idx[1])) : items.length;
  if (start < 0 || end < start || end > items.length) throw new GoFuncError('reflect.Value.Slice: slice index out of bounds');
  return l instanceof Uint8Array ? l.slice(start, end) : items.slice(start, end);
});
