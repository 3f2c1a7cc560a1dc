import { compareCodePoints } from '../../../core/code-point-order.js';
import { GoDuration, GoFuncError, GoTime, type GoFunc, type GoValue } from '../value.js';

/**
 * What Go's reflection would say about a value of our model (value.ts), and text/template's rules for passing
 * an argument to a typed parameter. Every function of this folder is declared with its Go parameter types
 * (`def`), so arity and type errors read as Go's do.
 */

/** A Go map[string]interface{} (a plain object; never a list, bytes, time or one of our typed objects). */
export type GoMap = Record<string, GoValue>;

/** Marks an object that is a Go value of a named type (semver.Version…): its Go type for typeOf/kindOf. */
export const GO_TYPE = Symbol.for('chartroom.go.type');
/** A method `() => string` on objects that implement Go's fmt.Stringer. */
export const GO_STRING = Symbol.for('chartroom.go.string');
/** A method `() => GoValue` on objects that implement json.Marshaler: the value to encode instead. */
export const GO_JSON = Symbol.for('chartroom.go.json');

/** On arrays: Go's element type where it is not interface{} (`[]string` from splitList), and nil-ness. */
export const GO_SLICE = Symbol.for('chartroom.go.slice');

interface SliceInfo {
  elem?: string;
  nil?: boolean;
}

/** Marks an array as a Go slice of `elem` ([]string, []int …) and/or as a nil slice (prints `[]`, encodes `null`). */
export function goSlice<T>(arr: T[], info: SliceInfo): T[] {
  Object.defineProperty(arr, GO_SLICE, { value: info, enumerable: false, configurable: true });
  return arr;
}

/** A nil slice ([]interface{}(nil) unless `elem` says otherwise). */
export function nilSlice(elem?: string): GoValue[] {
  return goSlice([], { elem, nil: true });
}

export function sliceInfo(v: GoValue[]): SliceInfo | undefined {
  return (v as unknown as { [GO_SLICE]?: SliceInfo })[GO_SLICE];
}

interface Typed {
  [GO_TYPE]: { type: string; kind: string };
}

export function isGoMap(v: GoValue): v is GoMap {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v) || v instanceof Uint8Array || v instanceof GoTime || v instanceof GoDuration) return false;
  if (GO_TYPE in v) return (v as Typed)[GO_TYPE].kind === 'map';
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A Go slice or array (Uint8Array is []byte). */
export function isGoList(v: GoValue): v is GoValue[] | Uint8Array {
  return Array.isArray(v) || v instanceof Uint8Array;
}

/** The elements of a slice, as Go values (bytes become ints). */
export function listItems(v: GoValue[] | Uint8Array): GoValue[] {
  return Array.isArray(v) ? v : Array.from(v, (b) => BigInt(b));
}

/** Reads a key of a map: own keys only (`constructor` is a key like any other). */
export function mapGet(m: GoMap, key: string): GoValue {
  return Object.prototype.hasOwnProperty.call(m, key) ? m[key] : undefined;
}

export function mapHas(m: GoMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key);
}

/** Sets a key of a map; `__proto__` becomes an ordinary key, never the prototype. */
export function mapSet(m: GoMap, key: string, value: GoValue): void {
  if (key === '__proto__') Object.defineProperty(m, key, { value, enumerable: true, writable: true, configurable: true });
  else m[key] = value;
}

/** A new empty map. */
export function newMap(): GoMap {
  return {};
}


/** Map keys in Go's sorted order (as fmt, encoding/json and text/template's range print them). */
export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(compareGoStrings);
}

/** Go's reflect type name (`%T`): what typeOf says and what type errors name. */
export function goTypeName(v: GoValue): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int64';
    case 'number':
      return 'float64';
    case 'function':
      return 'func(...interface {}) interface {}';
  }
  if (Array.isArray(v)) return `[]${sliceInfo(v)?.elem ?? 'interface {}'}`;
  if (v instanceof Uint8Array) return '[]uint8';
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof GoDuration) return 'time.Duration';
  if (typeof v === 'object' && GO_TYPE in (v as object)) return (v as Typed)[GO_TYPE].type;
  return 'map[string]interface {}';
}

/** Go's reflect kind name (kindOf). */
export function goKindName(v: GoValue): string {
  if (v === null || v === undefined) return 'invalid';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int64';
    case 'number':
      return 'float64';
    case 'function':
      return 'func';
  }
  if (Array.isArray(v) || v instanceof Uint8Array) return 'slice';
  if (v instanceof GoTime) return 'struct';
  if (v instanceof GoDuration) return 'int64';
  if (typeof v === 'object' && GO_TYPE in (v as object)) return (v as Typed)[GO_TYPE].kind;
  return 'map';
}

/** Marks a plain object as a Go value of a named type. */
export function typed<T extends object>(obj: T, type: string, kind: string): T {
  Object.defineProperty(obj, GO_TYPE, { value: { type, kind }, enumerable: false });
  return obj;
}

/** Sprig's (and text/template's) emptiness: nil, zero numbers, false, and empty strings, lists and maps. */
export function isEmpty(v: GoValue): boolean {
  if (v === null || v === undefined) return true;
  switch (typeof v) {
    case 'string':
      return v.length === 0;
    case 'boolean':
      return !v;
    case 'bigint':
      return v === 0n;
    case 'number':
      return v === 0;
    case 'function':
      return false;
  }
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (v instanceof GoDuration) return v.ns === 0n;
  if (v instanceof GoTime) return false;
  if (isGoMap(v)) return Object.keys(v).length === 0;
  return false;
}

/** text/template's error for an argument of the wrong type (raised while evaluating the argument, not by the call). */
export class GoArgError extends GoFuncError {
  constructor(message: string) {
    super(message);
    this.name = 'GoArgError';
  }
}

/** A Go runtime panic inside a function (nil map writes, nil dereferences, index out of range). */
export const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

/** Go parameter types the functions declare. `...T` (last only) is variadic. */
export type GoParam = 'any' | 'string' | 'int' | 'float64' | 'bool' | 'map' | 'time' | 'duration';

const GO_PARAM_NAMES: Record<GoParam, string> = {
  any: 'interface {}',
  string: 'string',
  int: 'int',
  float64: 'float64',
  bool: 'bool',
  map: 'map[string]interface {}',
  time: 'time.Time',
  duration: 'time.Duration',
};

function wrongType(p: GoParam, v: GoValue): never {
  if (v === null || v === undefined) throw new GoArgError(`invalid value; expected ${GO_PARAM_NAMES[p]}`);
  throw new GoArgError(`wrong type for value; expected ${GO_PARAM_NAMES[p]}; got ${goTypeName(v)}`);
}

/**
 * One argument as a Go function of that parameter type receives it. Our model cannot tell Go's int from int64
 * (both bigint), nor an untyped constant from a typed value, so a bigint is accepted for int and float64
 * parameters (Go accepts a constant there, and refuses an int64 only where an int is wanted).
 */
export function convertArg(p: GoParam, v: GoValue): GoValue {
  switch (p) {
    case 'any':
      return v === undefined ? null : v;
    case 'string':
      if (typeof v === 'string') return v;
      return wrongType(p, v);
    case 'int':
      if (typeof v === 'bigint') return Number(BigInt.asIntN(64, v));
      return wrongType(p, v);
    case 'float64':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      return wrongType(p, v);
    case 'bool':
      if (typeof v === 'boolean') return v;
      return wrongType(p, v);
    case 'map':
      // A nil argument is a nil map: readable as empty, and writing to it panics.
      if (v === null || v === undefined) return null;
      if (isGoMap(v)) return v;
      return wrongType(p, v);
    case 'time':
      if (v instanceof GoTime) return v;
      return wrongType(p, v);
    case 'duration':
      if (v instanceof GoDuration) return v;
      return wrongType(p, v);
  }
}

/** A GoFunc with its Go signature, for tools (the interpreter may read it; the function checks its arguments itself). */
export interface DeclaredFunc extends GoFunc {
  goName: string;
  goParams: string[];
}

/**
 * Declares a template function: `params` are Go parameter types (`'...any'` for a variadic tail). The returned
 * function checks the argument count and types as text/template does, then calls `impl` with converted values:
 * `int` parameters arrive as JavaScript numbers, `map` as a GoMap or null, `any` with undefined turned to null.
 */
export function def(name: string, params: string[], impl: (...args: any[]) => GoValue): DeclaredFunc {
  const last = params[params.length - 1];
  const variadic = last !== undefined && last.startsWith('...');
  const fixed = (variadic ? params.slice(0, -1) : params) as GoParam[];
  const rest = variadic ? (last.slice(3) as GoParam) : undefined;
  const fn = ((...args: GoValue[]) => {
    if (variadic ? args.length < fixed.length : args.length !== fixed.length) {
      throw new GoArgError(`wrong number of args for ${name}: want ${variadic ? 'at least ' : ''}${fixed.length} got ${args.length}`);
    }
    const conv = args.map((a, i) => convertArg(i < fixed.length ? fixed[i] : rest!, a));
    return impl(...conv);
  }) as DeclaredFunc;
  fn.goName = name;
  fn.goParams = params;
  return fn;
}

/** Registers declared functions under their names (and aliases) into a list of entries. */
export type FuncTable = Record<string, GoFunc>;

/** Go's string order (see core/code-point-order.ts). */
export const compareGoStrings = compareCodePoints;
