/**
 * Go text/template's built-in functions (funcs.go), with Go's rules and error wording, and the function signatures
 * the interpreter (exec.ts) uses to evaluate and check arguments as Go does.
 *
 * A builtin receives Go values of the model (value.ts); a parameter of Go type `reflect.Value` (`'value'`) receives
 * the raw value, so it can tell a nil interface (`null`, e.g. a map's missing key under missingkey=zero) from an
 * invalid value (`undefined`), as Go's builtins do. `and`, `or` and `call` are evaluated by the interpreter itself
 * (their arguments are evaluated lazily, and `call` learns its callee's name); their entries here only carry the
 * signature.
 */
import { GoDuration, GoFuncError, type FuncMap, type GoFunc, type GoValue } from './value.js';
import { compareGoStrings, goTypeName, isPrintRune, kindOf, mapSize, sprint, sprintf, sprintln, utf8Bytes, utf8Decode, utf8Length } from './fmt.js';

// -------------------------------------------------------------------------------------------- signatures

/**
 * The Go type of a function parameter, as far as the interpreter checks it:
 * `any` (interface{}: everything; an invalid value arrives as nil), `value` (reflect.Value: the raw value),
 * `string`, `int`, `int64` (bigint; int and int64 are not told apart), `float64` (number), `bool`,
 * `map` (map[string]interface{}), `slice` ([]interface{}).
 */
export type GoParamType = 'any' | 'value' | 'string' | 'int' | 'int64' | 'float64' | 'bool' | 'map' | 'slice';

/** A function's parameters: fixed ones, then (when set) a variadic tail of one type. */
export interface GoSignature {
  params: GoParamType[];
  variadic?: GoParamType;
}

/** Where a function keeps its signature (a shared symbol: function authors need not import this module). */
export const GO_SIGNATURE: unique symbol = Symbol.for('chartroom.go.signature') as never;

/**
 * Attach Go's signature to a template function or method, so that the interpreter checks the number of arguments
 * (`wrong number of args for f: want 2 got 1`), converts constants (`3` passed as float64 is 3.0) and checks types
 * (`wrong type for value; expected string; got int`) as Go does. A function without one takes any number of
 * `interface{}` arguments.
 */
export function withSignature<F extends (...args: never[]) => unknown>(fn: F, sig: GoSignature): F {
  Object.defineProperty(fn, GO_SIGNATURE, { value: sig, enumerable: false });
  return fn;
}

const PARAM_TYPES: ReadonlySet<string> = new Set(['any', 'value', 'string', 'int', 'int64', 'float64', 'bool', 'map', 'slice']);

/** A declared parameter type (`goParams` of funcs/kinds.ts `def`): the ones the interpreter checks, else `any`. */
function paramFrom(p: string): GoParamType {
  return PARAM_TYPES.has(p) ? (p as GoParamType) : 'any';
}

const derived = new WeakMap<object, GoSignature>();

/**
 * The signature of a function, if it has one: GO_SIGNATURE, or the `goParams` (`['string', '...any']`) that
 * funcs/kinds.ts `def` declares (its time and duration parameters are checked by the function itself).
 */
export function signatureOf(fn: unknown): GoSignature | undefined {
  if (typeof fn !== 'function') return undefined;
  const own = (fn as unknown as Record<symbol, GoSignature | undefined>)[GO_SIGNATURE];
  if (own) return own;
  const params = (fn as unknown as { goParams?: unknown }).goParams;
  if (!Array.isArray(params) || !params.every((p) => typeof p === 'string')) return undefined;
  let sig = derived.get(fn);
  if (!sig) {
    const last = params[params.length - 1] as string | undefined;
    const variadic = last !== undefined && last.startsWith('...');
    sig = { params: (variadic ? params.slice(0, -1) : params).map(paramFrom) };
    if (variadic) sig.variadic = paramFrom((last as string).slice(3));
    derived.set(fn, sig);
  }
  return sig;
}

/** Go's spelling of a parameter type, for error messages. */
export function paramTypeName(t: GoParamType): string {
  switch (t) {
    case 'any':
      return 'interface {}';
    case 'value':
      return 'reflect.Value';
    case 'map':
      return 'map[string]interface {}';
    case 'slice':
      return '[]interface {}';
    default:
      return t;
  }
}

/** Whether an untyped nil can be given for a parameter of this type (Go's canBeNil). */
export function canBeNil(t: GoParamType): boolean {
  return t === 'any' || t === 'value' || t === 'map' || t === 'slice';
}

/** Whether a (non-nil) value of the model can be passed for a parameter of this type. */
export function assignable(v: GoValue, t: GoParamType): boolean {
  switch (t) {
    case 'any':
    case 'value':
      return true;
    case 'string':
      return typeof v === 'string';
    case 'int':
    case 'int64':
      return typeof v === 'bigint';
    case 'float64':
      return typeof v === 'number';
    case 'bool':
      return typeof v === 'boolean';
    case 'map':
      return kindOf(v) === 'map';
    case 'slice':
      return Array.isArray(v);
  }
}

// ---------------------------------------------------------------------------------------------- helpers

/** Go's isTrue: [truth, ok]; ok is false for values with no truth (none in this model but channels). */
export function isTrue(v: GoValue): [boolean, boolean] {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return [false, true];
    case 'bool':
      return [v as boolean, true];
    case 'int':
      return [(v as bigint) !== 0n, true];
    case 'float':
      return [(v as number) !== 0, true];
    case 'string':
      return [(v as string).length > 0, true];
    case 'slice':
      return [(v as unknown[]).length > 0, true];
    case 'bytes':
      return [(v as Uint8Array).length > 0, true];
    case 'map':
      return [mapSize(v as Record<string, GoValue>) > 0, true];
    case 'duration':
      return [(v as GoDuration).ns !== 0n, true];
    default:
      return [true, true]; // structs, pointers, functions
  }
}

/** Go's truth (used by and, or, not). */
export function truth(v: GoValue): boolean {
  return isTrue(v)[0];
}

function fail(message: string): never {
  throw new GoFuncError(message);
}

/** Go's indirectInterface: a nil interface becomes the invalid value. */
function indirectInterface(v: GoValue): GoValue {
  return v === null ? undefined : v;
}

/** An int-kind value's integer (bigint or time.Duration), else undefined. */
function intValue(v: GoValue): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (v instanceof GoDuration) return v.ns;
  return undefined;
}

function indexArg(index: GoValue, cap: number): number {
  if (index === undefined || index === null) fail('cannot index slice/array with nil');
  const x = intValue(index);
  if (x === undefined) fail(`cannot index slice/array with type ${goTypeName(index)}`);
  if (x < 0n || x > BigInt(cap)) fail(`index out of range: ${x}`);
  return Number(x);
}

/** Go's prepareArg (map keys and call's arguments). */
export function prepareArg(value: GoValue, t: GoParamType): GoValue {
  if (value === undefined || value === null) {
    if (!canBeNil(t)) fail(`value is nil; should be of type ${paramTypeName(t)}`);
    return t === 'value' ? undefined : null;
  }
  if (assignable(value, t)) return value;
  if ((t === 'int' || t === 'int64') && value instanceof GoDuration) return value.ns;
  fail(`value has type ${goTypeName(value)}; should be ${paramTypeName(t)}`);
}

// -------------------------------------------------------------------------------------------- index, slice, len

/** `index x 1 2 3` is x[1][2][3]. */
export function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  item = indirectInterface(item);
  if (item === undefined) fail('index of untyped nil');
  for (let idx of indexes) {
    idx = indirectInterface(idx);
    if (item === null || item === undefined) fail('index of nil pointer');
    const k = kindOf(item);
    if (k === 'slice') {
      const a = item as GoValue[];
      const x = indexArg(idx, a.length);
      if (x === a.length) fail('reflect: slice index out of range');
      item = a[x] === undefined ? null : a[x];
    } else if (k === 'bytes') {
      const b = item as Uint8Array;
      const x = indexArg(idx, b.length);
      if (x === b.length) fail('reflect: slice index out of range');
      item = BigInt(b[x]);
    } else if (k === 'string') {
      const bytes = utf8Bytes(item as string);
      const x = indexArg(idx, bytes.length);
      if (x === bytes.length) fail('reflect: string index out of range');
      item = BigInt(bytes[x]);
    } else if (k === 'map') {
      const key = prepareArg(idx, 'string') as string;
      const m = item as Record<string, GoValue>;
      const v = Object.prototype.hasOwnProperty.call(m, key) ? m[key] : undefined;
      item = v === undefined ? null : v; // a function value too (for call)
    } else fail(`can't index item of type ${goTypeName(item)}`);
  }
  return item;
}

/** `slice x 1 2` is x[1:2]; `slice x` is x[:]; `slice x 1 2 3` is x[1:2:3]. Strings are sliced by bytes. */
export function slice(item: GoValue, ...indexes: GoValue[]): GoValue {
  item = indirectInterface(item);
  if (item === undefined) fail('slice of untyped nil');
  if (indexes.length > 3) fail(`too many slice indexes: ${indexes.length}`);
  const k = kindOf(item);
  let len: number;
  let bytes: Uint8Array | undefined;
  if (k === 'string') {
    if (indexes.length === 3) fail('cannot 3-index slice a string');
    bytes = utf8Bytes(item as string);
    len = bytes.length;
  } else if (k === 'slice') len = (item as GoValue[]).length;
  else if (k === 'bytes') len = (item as Uint8Array).length;
  else fail(`can't slice item of type ${goTypeName(item)}`);
  const cap = len;
  const idx = [0, len, 0];
  indexes.forEach((ix, i) => {
    idx[i] = indexArg(indirectInterface(ix), cap);
  });
  if (idx[0] > idx[1]) fail(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1] > idx[2]) fail(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (bytes) return utf8Decode(bytes.subarray(idx[0], idx[1]));
  if (k === 'bytes') return (item as Uint8Array).slice(idx[0], idx[1]);
  return (item as GoValue[]).slice(idx[0], idx[1]);
}

/** `len x`: bytes of a string, elements of a slice, entries of a map. */
export function length(item: GoValue): bigint {
  if (item === null) fail('len of nil pointer');
  if (item === undefined) fail('reflect: call of reflect.Value.Type on zero Value');
  switch (kindOf(item)) {
    case 'string':
      return BigInt(utf8Length(item as string));
    case 'slice':
      return BigInt((item as unknown[]).length);
    case 'bytes':
      return BigInt((item as Uint8Array).length);
    case 'map':
      return BigInt(mapSize(item as Record<string, GoValue>));
    default:
      fail(`len of type ${goTypeName(item)}`);
  }
}

// ------------------------------------------------------------------------------------------------ comparison

type BasicKind = 'invalid' | 'bool' | 'int' | 'float' | 'string';

function basicKind(v: GoValue): BasicKind {
  switch (kindOf(v)) {
    case 'bool':
      return 'bool';
    case 'int':
    case 'duration':
      return 'int';
    case 'float':
      return 'float';
    case 'string':
      return 'string';
    default:
      return 'invalid';
  }
}

/** The reflect kind eq's canCompare compares. */
function reflectKind(v: GoValue): string {
  const k = kindOf(v);
  return k === 'nil' ? 'invalid' : k === 'bytes' ? 'slice' : k;
}

function isNilValue(v: GoValue): boolean {
  return v === undefined || v === null;
}

function comparable(v: GoValue): boolean {
  const k = kindOf(v);
  return k !== 'map' && k !== 'slice' && k !== 'bytes' && k !== 'func';
}

/** eq arg1 arg2 ...: arg1 == arg2 || arg1 == arg3 ... (basic kinds; an int and a float64 are incompatible). */
export function eq(arg1: GoValue, ...arg2: GoValue[]): boolean {
  arg1 = indirectInterface(arg1);
  if (arg2.length === 0) fail('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (let arg of arg2) {
    arg = indirectInterface(arg);
    const k2 = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      if (arg1 !== undefined && arg !== undefined) fail(`incompatible types for comparison: ${goTypeName(arg1)} and ${goTypeName(arg)}`);
    } else {
      switch (k1) {
        case 'bool':
        case 'string':
        case 'float':
          t = arg1 === arg;
          break;
        case 'int':
          t = intValue(arg1) === intValue(arg);
          break;
        default:
          if (reflectKind(arg1) !== reflectKind(arg) && arg1 !== undefined && arg !== undefined) {
            fail(`non-comparable types ${sprintf('%s', arg1)}: ${goTypeName(arg1)}, ${goTypeName(arg)}: ${sprintf('%v', arg)}`);
          }
          if (isNilValue(arg1) || isNilValue(arg)) t = isNilValue(arg) === isNilValue(arg1);
          else {
            if (!comparable(arg)) fail(`non-comparable type ${sprintf('%s', arg)}: ${goTypeName(arg)}`);
            t = sameStruct(arg1, arg);
          }
      }
    }
    if (t) return true;
  }
  return false;
}

function sameStruct(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  const ka = kindOf(a);
  if (ka === 'time' && kindOf(b) === 'time') {
    const x = a as { ms: number; extraNs: number; zone: string };
    const y = b as { ms: number; extraNs: number; zone: string };
    return x.ms === y.ms && x.extraNs === y.extraNs && x.zone === y.zone;
  }
  return false;
}

/** ne arg1 arg2: !(arg1 == arg2). */
export function ne(arg1: GoValue, arg2: GoValue): boolean {
  return !eq(arg1, arg2);
}

/** lt arg1 arg2: arg1 < arg2 (ints, floats, strings; both of one kind). */
export function lt(arg1: GoValue, arg2: GoValue): boolean {
  arg1 = indirectInterface(arg1);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') fail('invalid type for comparison');
  arg2 = indirectInterface(arg2);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') fail('invalid type for comparison');
  if (k1 !== k2) fail(`incompatible types for comparison: ${goTypeName(arg1)} and ${goTypeName(arg2)}`);
  if (k1 === 'bool') fail('invalid type for comparison');
  switch (k1) {
    case 'float':
      return (arg1 as number) < (arg2 as number);
    case 'int':
      return (intValue(arg1) as bigint) < (intValue(arg2) as bigint);
    default:
      return compareGoStrings(arg1 as string, arg2 as string) < 0;
  }
}

/** le arg1 arg2: arg1 <= arg2. */
export function le(arg1: GoValue, arg2: GoValue): boolean {
  return lt(arg1, arg2) || eq(arg1, arg2);
}

/** gt arg1 arg2: arg1 > arg2. */
export function gt(arg1: GoValue, arg2: GoValue): boolean {
  return !le(arg1, arg2);
}

/** ge arg1 arg2: arg1 >= arg2. */
export function ge(arg1: GoValue, arg2: GoValue): boolean {
  return !lt(arg1, arg2);
}

// ---------------------------------------------------------------------------------------------- escaping

/** The text of html, js and urlquery's arguments: like Sprint, a nil printing `<no value>`. */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(...args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

/** Go's template.HTMLEscapeString. */
export function htmlEscapeString(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => {
    switch (c) {
      case '\0':
        return '\uFFFD';
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      default:
        return '&gt;';
    }
  });
}

/** Go's template.JSEscapeString. */
export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0) as number;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (r < 0x20) out += '\\u00' + r.toString(16).toUpperCase().padStart(2, '0');
    else if (r < 0x80) out += ch;
    else if (r >= 0xd800 && r <= 0xdfff) out += '\uFFFD';
    else if (isPrintRune(r)) out += ch;
    else out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** Go's url.QueryEscape. */
export function urlQueryEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x5f || b === 0x2e || b === 0x7e) out += String.fromCharCode(b);
    else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------- call

/** `call fn args...`: name is the callee as the template wrote it (for errors). */
export function callFunction(name: string, fn: GoValue, ...args: GoValue[]): GoValue {
  fn = indirectInterface(fn);
  if (fn === undefined) fail('call of nil');
  if (typeof fn !== 'function') fail(`non-function ${name} of type ${goTypeName(fn)}`);
  const sig = signatureOf(fn);
  let argv = args.map((a) => indirectInterface(a));
  if (sig) {
    const numIn = sig.params.length;
    if (sig.variadic) {
      if (args.length < numIn) fail(`wrong number of args for ${name}: got ${args.length} want at least ${numIn}`);
    } else if (args.length !== numIn) fail(`wrong number of args for ${name}: got ${args.length} want ${numIn}`);
    argv = argv.map((a, i) => {
      const t = i < numIn ? sig.params[i] : (sig.variadic as GoParamType);
      try {
        return prepareArg(a, t);
      } catch (e) {
        fail(`arg ${i}: ${(e as Error).message}`);
      }
    });
  } else argv = argv.map((a) => (a === undefined ? null : a));
  const out = (fn as GoFunc)(...argv);
  return out === undefined ? null : out;
}

// ------------------------------------------------------------------------------------------------ the table

const unreachable = (name: string) => () => {
  throw new Error(`${name} is evaluated by the interpreter`);
};

const V: GoParamType = 'value';

/** Go's builtins, by name, with their Go signatures. */
export const BUILTINS: FuncMap = new Map<string, GoFunc>([
  ['and', withSignature(unreachable('and'), { params: [V], variadic: V })],
  ['or', withSignature(unreachable('or'), { params: [V], variadic: V })],
  ['call', withSignature(unreachable('call'), { params: [V], variadic: V })],
  ['not', withSignature((a: GoValue) => !truth(a), { params: [V] })],
  ['len', withSignature(length, { params: [V] })],
  ['index', withSignature(index, { params: [V], variadic: V })],
  ['slice', withSignature(slice, { params: [V], variadic: V })],
  ['print', withSignature((...a: GoValue[]) => sprint(...a), { params: [], variadic: 'any' })],
  ['printf', withSignature((f: GoValue, ...a: GoValue[]) => sprintf(f as string, ...a), { params: ['string'], variadic: 'any' })],
  ['println', withSignature((...a: GoValue[]) => sprintln(...a), { params: [], variadic: 'any' })],
  ['html', withSignature((...a: GoValue[]) => htmlEscapeString(evalArgs(a)), { params: [], variadic: 'any' })],
  ['js', withSignature((...a: GoValue[]) => jsEscapeString(evalArgs(a)), { params: [], variadic: 'any' })],
  ['urlquery', withSignature((...a: GoValue[]) => urlQueryEscape(evalArgs(a)), { params: [], variadic: 'any' })],
  ['eq', withSignature(eq, { params: [V], variadic: V })],
  ['ne', withSignature(ne, { params: [V, V] })],
  ['lt', withSignature(lt, { params: [V, V] })],
  ['le', withSignature(le, { params: [V, V] })],
  ['gt', withSignature(gt, { params: [V, V] })],
  ['ge', withSignature(ge, { params: [V, V] })],
]);
