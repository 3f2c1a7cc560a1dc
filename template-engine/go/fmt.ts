import { compareCodePoints } from '../../core/code-point-order.js';
/**
 * Go's `fmt` printing (Sprint, Sprintln, Sprintf) over Chartroom's Go value model (value.ts), written from the
 * behaviour of Go's fmt/print.go, fmt/format.go and strconv/ftoa.go, plus the value classification the Go-template
 * interpreter shares (kinds, Go type names, map key order, UTF-8 helpers).
 *
 * The model: `bigint` is Go `int`, `number` is `float64`, `null` is a nil interface, `undefined` an invalid value
 * (both print `<nil>` here; the interpreter prints an invalid value as `<no value>` itself), plain objects are
 * `map[string]interface {}`, arrays `[]interface {}`, `Uint8Array` `[]byte`, other objects Go structs (pointers).
 *
 * Approximations (documented in the tests): `%p` prints a stable fake address; a struct is printed as `{f1 f2}`
 * over its enumerable data properties (no `&`); `time.Time` prints without the monotonic clock reading and with
 * the zone abbreviation `Intl` knows; width counts code points (Go counts runes: the same for valid text).
 */
import { GoDuration, GoTime, type GoValue } from './value.js';
import { durationString as durationText, timeString as timeText } from './funcs/time.js';

/**
 * An object's Go type: `{ type: 'semver.Version', kind: 'ptr' }` (funcs/kinds.ts `typed`; a plain string is taken as
 * the type). Kind `map` makes the object a Go map; any other kind a struct (or pointer to one).
 */
export const GO_TYPE: unique symbol = Symbol.for('chartroom.go.type') as never;
/** A method `() => string` of objects that implement Go's fmt.Stringer (as funcs/kinds.ts declares it). */
export const GO_STRING: unique symbol = Symbol.for('chartroom.go.string') as never;

export type GoKind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'bytes' | 'map' | 'struct' | 'func' | 'time' | 'duration';

type Obj = Record<PropertyKey, unknown>;

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The Go kind of a value of the model. */
export function kindOf(v: GoValue): GoKind {
  switch (typeof v) {
    case 'undefined':
      return 'invalid';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'object': {
      if (v === null) return 'nil';
      if (Array.isArray(v)) return 'slice';
      if (v instanceof Uint8Array) return 'bytes';
      if (v instanceof GoTime) return 'time';
      if (v instanceof GoDuration) return 'duration';
      const t = (v as Obj)[GO_TYPE];
      if (t !== undefined) return typeof t === 'object' && t !== null && (t as { kind?: string }).kind === 'map' ? 'map' : 'struct';
      return isPlainObject(v) ? 'map' : 'struct';
    }
    default:
      return 'struct';
  }
}

/** A Go map of the model (a plain object without a Go type, or one whose GO_TYPE kind is `map`). */
export function isGoMap(v: GoValue): v is Record<string, GoValue> {
  return kindOf(v) === 'map';
}


/** The keys of a Go map of the model, in Go's order (sorted); keys holding `undefined` or a method are not entries. */
export function mapKeys(m: Record<string, GoValue>): string[] {
  const keys: string[] = [];
  for (const k of Object.keys(m)) {
    const v = m[k];
    if (v !== undefined && typeof v !== 'function') keys.push(k);
  }
  return keys.sort(compareGoStrings);
}

/** The number of entries of a Go map of the model (no sorting). */
export function mapSize(m: Record<string, GoValue>): number {
  let n = 0;
  for (const k in m) {
    if (!Object.prototype.hasOwnProperty.call(m, k)) continue;
    const v = m[k];
    if (v !== undefined && typeof v !== 'function') n++;
  }
  return n;
}

/** The fields of a struct of the model: its enumerable data properties, in declaration order. */
export function structFields(o: object): [string, GoValue][] {
  const out: [string, GoValue][] = [];
  for (const k of Object.keys(o)) {
    const v = (o as Obj)[k];
    if (typeof v !== 'function') out.push([k, v === undefined ? null : v]);
  }
  return out;
}

/** Go's name of a value's type, as `%T` prints it. */
export function goTypeName(v: GoValue): string {
  const k = kindOf(v);
  switch (k) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'bytes':
      return '[]uint8';
    case 'time':
      return 'time.Time';
    case 'duration':
      return 'time.Duration';
    default:
      break;
  }
  const named = (v as Obj)[GO_TYPE];
  if (typeof named === 'string') return named;
  if (typeof named === 'object' && named !== null && typeof (named as { type?: unknown }).type === 'string') return (named as { type: string }).type;
  if (k === 'slice') return '[]interface {}';
  if (k === 'map') return 'map[string]interface {}';
  if (k === 'func') return 'func(...interface {}) interface {}';
  const ctor = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return ctor ? `*${ctor}` : 'struct {}';
}

/** A method of a value of the model (a function property, not one of `Object.prototype`'s). */
export function methodOf(v: GoValue, name: string): ((...args: GoValue[]) => GoValue) | undefined {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return undefined;
  if (Array.isArray(v) || v instanceof Uint8Array) return undefined;
  const o = v as Obj;
  let fn: unknown;
  if (isPlainObject(o)) {
    if (!Object.prototype.hasOwnProperty.call(o, name)) return undefined;
    fn = o[name];
  } else {
    if (name in Object.prototype) return undefined;
    fn = o[name];
  }
  return typeof fn === 'function' ? (fn as (...args: GoValue[]) => GoValue) : undefined;
}

// ---------------------------------------------------------------------------------------------- UTF-8 helpers

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** The UTF-8 encoding of a string (a lone surrogate encodes as U+FFFD). */
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Bytes to a string (invalid sequences become U+FFFD). */
export function utf8Decode(b: Uint8Array): string {
  return decoder.decode(b);
}

/** `len(s)` in Go: the number of UTF-8 bytes. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The number of runes (code points) of a string. */
function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    n++;
  }
  return n;
}

/** The first n runes of s. */
function firstRunes(s: string, n: number): string {
  let i = 0;
  while (n > 0 && i < s.length) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    n--;
  }
  return s.slice(0, i);
}

const MAX_RUNE = 0x10ffff;
const RUNE_ERROR = 0xfffd;
/** Go's unicode.IsPrint classes (compiled on first use: creating it costs every render 0.3 ms). */
let printable: RegExp | undefined;

/** Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrintRune(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r > MAX_RUNE || (r >= 0xd800 && r <= 0xdfff)) return false;
  return (printable ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u).test(String.fromCodePoint(r));
}

function validRune(r: number): boolean {
  return r >= 0 && r <= MAX_RUNE && !(r >= 0xd800 && r <= 0xdfff);
}

/** The runes of a string; a lone surrogate is U+FFFD (what Go sees after UTF-8 encoding it). */
function* runes(s: string): Generator<number> {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      yield ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00) + 0x10000;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) yield RUNE_ERROR;
    else yield c;
  }
}

function hexLower(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function appendEscapedRune(r: number, quote: number, asciiOnly: boolean): string {
  if (r === quote || r === 0x5c) return '\\' + String.fromCodePoint(r);
  if (asciiOnly) {
    if (r < 0x80 && isPrintRune(r)) return String.fromCodePoint(r);
  } else if (isPrintRune(r)) return String.fromCodePoint(r);
  switch (r) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
    default:
      if (r < 0x20 || r === 0x7f) return '\\x' + hexLower(r, 2);
      if (!validRune(r)) r = RUNE_ERROR;
      if (r < 0x10000) return '\\u' + hexLower(r, 4);
      return '\\U' + hexLower(r, 8);
  }
}

/** Printable ASCII without a double quote or a backslash: quoted as it is. */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Go's strconv.Quote (asciiOnly: QuoteToASCII). */
export function quoteGo(s: string, asciiOnly = false): string {
  // Printable ASCII without a quote or backslash, the usual case, needs no escapes.
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (const r of runes(s)) out += appendEscapedRune(r, 0x22, asciiOnly);
  return out + '"';
}

/** Go's strconv.QuoteRune (asciiOnly: QuoteRuneToASCII). */
function quoteRune(r: number, asciiOnly: boolean): string {
  if (!validRune(r)) r = RUNE_ERROR;
  return "'" + appendEscapedRune(r, 0x27, asciiOnly) + "'";
}

/** Go's strconv.CanBackquote. */
function canBackquote(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xfeff) return false;
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        i++;
        continue;
      }
      return false; // invalid UTF-8 in Go
    }
    if ((c < 0x20 && c !== 9) || c === 0x60 || c === 0x7f) return false;
  }
  return true;
}

// ------------------------------------------------------------------------------------------- float formatting

/** A decimal: digits (no leading or trailing zeros) and the position of the decimal point. 0 is `{ d: '', dp: 0 }`. */
interface Decimal {
  d: string;
  dp: number;
}

const F64 = new DataView(new ArrayBuffer(8));

/** The mantissa and binary exponent of a finite float64: |x| = mant × 2^exp. */
function decompose(x: number): { mant: bigint; exp: number } {
  F64.setFloat64(0, x);
  const bits = F64.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (e === 0) return { mant, exp: -1074 };
  mant |= 1n << 52n;
  return { mant, exp: e - 1075 };
}

function trimDecimal(d: string, dp: number): Decimal {
  let end = d.length;
  while (end > 0 && d.charCodeAt(end - 1) === 0x30) end--;
  return end === 0 ? { d: '', dp: 0 } : { d: d.slice(0, end), dp };
}

/** The exact decimal value of |x| (finite). */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const { mant, exp } = decompose(x);
  if (exp >= 0) {
    const d = (mant << BigInt(exp)).toString();
    return trimDecimal(d, d.length);
  }
  const d = (mant * 5n ** BigInt(-exp)).toString();
  return trimDecimal(d, d.length + exp);
}

/** The shortest decimal that reads back as |x| (finite): the digits JavaScript's and Go's shortest printing share. */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const s = Math.abs(x).toExponential();
  const e = s.indexOf('e');
  const d = s.slice(0, e).replace('.', '');
  return trimDecimal(d, Number(s.slice(e + 1)) + 1);
}

/** Go's decimal rounding to nd digits: half to even on an exact tie. */
function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  let up: boolean;
  const c = a.d.charCodeAt(nd);
  if (c === 0x35 && nd + 1 === a.d.length) up = nd > 0 && (a.d.charCodeAt(nd - 1) - 0x30) % 2 !== 0;
  else up = c >= 0x35;
  if (!up) return trimDecimal(a.d.slice(0, nd), a.dp);
  for (let i = nd - 1; i >= 0; i--) {
    const ch = a.d.charCodeAt(i);
    if (ch < 0x39) return { d: a.d.slice(0, i) + String.fromCharCode(ch + 1), dp: a.dp };
  }
  return { d: '1', dp: a.dp + 1 };
}

function fmtE(neg: boolean, a: Decimal, prec: number, fmt: string): string {
  let out = neg ? '-' : '';
  out += a.d.length ? a.d[0] : '0';
  if (prec > 0) {
    out += '.';
    const m = Math.min(a.d.length, prec + 1);
    out += a.d.slice(1, m);
    for (let i = Math.max(m, 1); i <= prec; i++) out += '0';
  }
  out += fmt;
  let exp = a.d.length === 0 ? 0 : a.dp - 1;
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else out += '+';
  return out + (exp < 10 ? '0' + exp : String(exp));
}

function fmtF(neg: boolean, a: Decimal, prec: number): string {
  let out = neg ? '-' : '';
  if (a.dp > 0) {
    const m = Math.min(a.d.length, a.dp);
    out += a.d.slice(0, m);
    for (let i = m; i < a.dp; i++) out += '0';
  } else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = a.dp + i - 1;
      out += j >= 0 && j < a.d.length ? a.d[j] : '0';
    }
  }
  return out;
}

function fmtB(neg: boolean, x: number): string {
  const { mant, exp } = x === 0 ? { mant: 0n, exp: -1074 } : decompose(x);
  const e = exp; // mant × 2^e, mant as Go keeps it (with the implicit bit)
  return (neg ? '-' : '') + mant.toString() + 'p' + (e >= 0 ? '+' : '') + e;
}

function fmtX(neg: boolean, x: number, prec: number, fmt: 'x' | 'X'): string {
  let mant: bigint;
  let exp: number;
  if (x === 0) {
    mant = 0n;
    exp = 0;
  } else {
    const dcp = decompose(x);
    mant = dcp.mant;
    exp = dcp.exp + 52; // value = mant/2^52 × 2^exp
  }
  const one60 = 1n << 60n;
  mant <<= 8n; // leading bit (2^52) to 2^60
  while (mant !== 0n && (mant & one60) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & (one60 - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = (neg ? '-' : '') + '0' + fmt + String((mant >> 60n) & 1n);
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  out += fmt === 'X' ? 'P' : 'p';
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else out += '+';
  return out + (exp < 10 ? '0' + exp : String(exp));
}

/**
 * Go's strconv.FormatFloat(x, fmt, prec, 64): fmt one of b e E f g G x X; prec -1 for the shortest representation
 * that reads back exactly (%v and %g use 'g' with -1: exponent form when exp < -4 or exp >= 6... of the shortest
 * digits, e.g. 1e+06, 123456, 1.234567e+06, 1e-05, 0.0001).
 */
export function formatFloat(x: number, fmt: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  if (fmt === 'b') return fmtB(neg, Math.abs(x));
  if (fmt === 'x' || fmt === 'X') return fmtX(neg, Math.abs(x), prec, fmt);
  const shortest = prec < 0;
  let a: Decimal;
  if (shortest) {
    a = shortestDecimal(x);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(a.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(a.d.length - a.dp, 0);
    else prec = a.d.length;
  } else {
    a = exactDecimal(x);
    if (fmt === 'e' || fmt === 'E') a = roundDecimal(a, prec + 1);
    else if (fmt === 'f') a = roundDecimal(a, a.dp + prec);
    else {
      if (prec === 0) prec = 1;
      a = roundDecimal(a, prec);
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, a, prec, fmt);
    case 'f':
      return fmtF(neg, a, prec);
    case 'g':
    case 'G': {
      let eprec = prec;
      if (eprec > a.d.length && a.d.length >= a.dp) eprec = a.d.length;
      if (shortest) eprec = 6;
      const exp = a.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > a.d.length) prec = a.d.length;
        return fmtE(neg, a, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > a.dp) prec = a.d.length;
      return fmtF(neg, a, Math.max(prec - a.dp, 0));
    }
    default:
      return '%' + fmt;
  }
}

// -------------------------------------------------------------------------------------- time.Time, Duration
// One implementation of Go's time printing, shared with Sprig's functions (funcs/time.ts).

/** Go's time.Duration.String(): `1h2m3.5s`, `1.5ms`, `0s`. */
export function durationString(d: GoDuration): string {
  return durationText(d.ns);
}

/** Go's time.Time.String(): `2006-01-02 15:04:05.999999999 -0700 MST` (no monotonic clock reading). */
export const timeString = timeText;

// -------------------------------------------------------------------------------------------------- printer

const fakeAddresses = new WeakMap<object, bigint>();
let nextAddress = 0xc000010000n;
function addressOf(v: object): bigint {
  let a = fakeAddresses.get(v);
  if (a === undefined) {
    a = nextAddress;
    nextAddress += 0x30n;
    fakeAddresses.set(v, a);
  }
  return a;
}

const LDIGITS = 'lower';
const UDIGITS = 'upper';
type Digits = typeof LDIGITS | typeof UDIGITS;

const TOO_LARGE = 1e6;

/** A printer: Go's pp and fmt in one. */
class Printer {
  buf = '';
  // flags
  widPresent = false;
  precPresent = false;
  minus = false;
  plus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  wid = 0;
  prec = 0;
  // state
  private arg: GoValue = undefined;
  private erroring = false;
  private panicking = false;
  private reordered = false;
  private goodArgNum = true;

  clearflags(): void {
    this.widPresent = this.precPresent = this.minus = this.plus = this.sharp = this.space = this.zero = this.plusV = this.sharpV = false;
    this.wid = this.prec = 0;
  }

  private writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.zero && !this.minus ? '0' : ' ').repeat(n);
  }

  /** Go's pad and padString (width in runes). */
  pad(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  private fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  private fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    let s = 'U+' + u.toString(16).toUpperCase().padStart(prec, '0');
    if (this.sharp && u <= BigInt(MAX_RUNE) && isPrintRune(Number(u))) s += " '" + String.fromCodePoint(Number(u)) + "'";
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  /** Go's fmtInteger: u is the value (signed); base 2, 8, 10 or 16. */
  private fmtIntegerBase(u: bigint, base: number, isSigned: boolean, verb: string, digits: Digits): void {
    const negative = isSigned && u < 0n;
    if (negative) u = -u;
    else if (!isSigned && u < 0n) u = BigInt.asUintN(64, u);
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && !this.minus && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    let s = u.toString(base);
    if (digits === UDIGITS) s = s.toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    if (this.sharp) {
      if (base === 2) s = '0b' + s;
      else if (base === 8) {
        if (s[0] !== '0') s = '0' + s;
      } else if (base === 16) s = (digits === UDIGITS ? '0X' : '0x') + s;
    }
    if (verb === 'O') s = '0o' + s;
    if (negative) s = '-' + s;
    else if (this.plus) s = '+' + s;
    else if (this.space) s = ' ' + s;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  private fmtS(s: string): void {
    if (this.precPresent) s = firstRunes(s, this.prec);
    this.pad(s);
  }

  private fmtSbx(bytes: Uint8Array, digits: Digits): void {
    let length = bytes.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) width += 2;
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    const x = digits === UDIGITS ? 'X' : 'x';
    let out = this.sharp ? '0' + x : '';
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        out += ' ';
        if (this.sharp) out += '0' + x;
      }
      const h = bytes[i].toString(16).padStart(2, '0');
      out += digits === UDIGITS ? h.toUpperCase() : h;
    }
    this.buf += out;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  private fmtQ(s: string): void {
    if (this.precPresent) s = firstRunes(s, this.prec);
    if (this.sharp && canBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(quoteGo(s, this.plus));
  }

  private fmtC(c: bigint): void {
    let r = c > BigInt(MAX_RUNE) ? RUNE_ERROR : Number(c);
    if (!validRune(r)) r = RUNE_ERROR;
    this.pad(String.fromCodePoint(r));
  }

  private fmtQc(c: bigint): void {
    const r = c > BigInt(MAX_RUNE) ? RUNE_ERROR : Number(c);
    this.pad(quoteRune(r, this.plus));
  }

  /** Go's fmt.fmtFloat. */
  private fmtFloatPrec(v: number, verb: string, prec: number): void {
    if (this.precPresent) prec = this.prec;
    let num = formatFloat(v, verb, prec);
    if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
    if (this.space && num[0] === '+' && !this.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    if (this.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = '';
      let body = num[0];
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < num.length; i++) {
        const ch = num[i];
        if (ch === '.') {
          hasDecimalPoint = true;
          body += ch;
          continue;
        }
        if (ch === 'p' || ch === 'P' || ((ch === 'e' || ch === 'E') && verb !== 'x' && verb !== 'X')) {
          tail = num.slice(i);
          break;
        }
        if (ch !== '0') sawNonzeroDigit = true;
        if (sawNonzeroDigit) digits--;
        body += ch;
      }
      if (!hasDecimalPoint) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      while (digits > 0) {
        body += '0';
        digits--;
      }
      num = body + tail;
    }
    if (this.plus || num[0] !== '+') {
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  // ----------------------------------------------------------------------------------------- pp methods

  private badVerb(verb: string): void {
    this.erroring = true;
    this.buf += '%!' + verb + '(';
    const a = this.arg;
    if (a === null || a === undefined) this.buf += '<nil>';
    else {
      this.buf += goTypeName(a) + '=';
      this.printArg(a, 'v');
    }
    this.buf += ')';
    this.erroring = false;
  }

  private fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.fmtBoolean(v);
    else this.badVerb(verb);
  }

  private fmtInteger(v: bigint, isSigned: boolean, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.sharpV && !isSigned) this.fmt0x64(v, true);
        else this.fmtIntegerBase(v, 10, isSigned, verb, LDIGITS);
        break;
      case 'd':
        this.fmtIntegerBase(v, 10, isSigned, verb, LDIGITS);
        break;
      case 'b':
        this.fmtIntegerBase(v, 2, isSigned, verb, LDIGITS);
        break;
      case 'o':
      case 'O':
        this.fmtIntegerBase(v, 8, isSigned, verb, LDIGITS);
        break;
      case 'x':
        this.fmtIntegerBase(v, 16, isSigned, verb, LDIGITS);
        break;
      case 'X':
        this.fmtIntegerBase(v, 16, isSigned, verb, UDIGITS);
        break;
      case 'c':
        this.fmtC(BigInt.asUintN(64, v));
        break;
      case 'q':
        this.fmtQc(BigInt.asUintN(64, v));
        break;
      case 'U':
        this.fmtUnicode(BigInt.asUintN(64, v));
        break;
      default:
        this.badVerb(verb);
    }
  }

  private fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.sharp;
    this.sharp = leading0x;
    this.fmtIntegerBase(v, 16, false, 'v', LDIGITS);
    this.sharp = sharp;
  }

  private fmtFloat(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        this.fmtFloatPrec(v, 'g', -1);
        break;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.fmtFloatPrec(v, verb, -1);
        break;
      case 'f':
      case 'e':
      case 'E':
        this.fmtFloatPrec(v, verb, 6);
        break;
      case 'F':
        this.fmtFloatPrec(v, 'f', 6);
        break;
      default:
        this.badVerb(verb);
    }
  }

  private fmtString(v: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        break;
      case 's':
        this.fmtS(v);
        break;
      case 'x':
        this.fmtSbx(utf8Bytes(v), LDIGITS);
        break;
      case 'X':
        this.fmtSbx(utf8Bytes(v), UDIGITS);
        break;
      case 'q':
        this.fmtQ(v);
        break;
      default:
        this.badVerb(verb);
    }
  }

  private fmtBytes(v: Uint8Array, verb: string, typeString: string, depth: number): void {
    switch (verb) {
      case 'v':
      case 'd':
        if (this.sharpV) {
          this.buf += typeString + '{';
          v.forEach((c, i) => {
            if (i > 0) this.buf += ', ';
            this.fmt0x64(BigInt(c), true);
          });
          this.buf += '}';
        } else {
          this.buf += '[';
          v.forEach((c, i) => {
            if (i > 0) this.buf += ' ';
            this.fmtIntegerBase(BigInt(c), 10, false, verb, LDIGITS);
          });
          this.buf += ']';
        }
        break;
      case 's':
        this.fmtS(utf8Decode(v));
        break;
      case 'x':
        this.fmtSbx(v, LDIGITS);
        break;
      case 'X':
        this.fmtSbx(v, UDIGITS);
        break;
      case 'q':
        this.fmtQ(utf8Decode(v));
        break;
      default:
        this.buf += '[';
        v.forEach((c, i) => {
          if (i > 0) this.buf += ' ';
          this.arg = BigInt(c);
          this.fmtInteger(BigInt(c), false, verb);
        });
        this.buf += ']';
        void depth;
    }
  }

  private fmtPointer(value: GoValue, verb: string): void {
    const k = kindOf(value);
    if (k !== 'func' && k !== 'map' && k !== 'slice' && k !== 'bytes' && k !== 'struct') {
      this.badVerb(verb);
      return;
    }
    const u = addressOf(value as object);
    switch (verb) {
      case 'v':
        if (this.sharpV) {
          this.buf += '(' + goTypeName(value) + ')(';
          this.fmt0x64(u, true);
          this.buf += ')';
        } else this.fmt0x64(u, !this.sharp);
        break;
      case 'p':
        this.fmt0x64(u, !this.sharp);
        break;
      case 'b':
      case 'o':
      case 'd':
      case 'x':
      case 'X':
        this.fmtInteger(u, false, verb);
        break;
      default:
        this.badVerb(verb);
    }
  }

  /** Error(), String() and GoString() methods, as Go's handleMethods uses them. */
  private handleMethods(verb: string): boolean {
    if (this.erroring) return false;
    const a = this.arg;
    let method: string | undefined;
    let call: (() => GoValue) | undefined;
    if (this.sharpV) {
      const gs = methodOf(a, 'GoString');
      if (gs) {
        method = 'GoString';
        call = () => gs.call(a);
      }
    } else if (verb === 'v' || verb === 's' || verb === 'x' || verb === 'X' || verb === 'q') {
      if (a instanceof GoTime) {
        method = 'String';
        call = () => timeString(a);
      } else if (a instanceof GoDuration) {
        method = 'String';
        call = () => durationString(a);
      } else if (a !== null && typeof a === 'object' && typeof (a as Obj)[GO_STRING] === 'function') {
        method = 'String';
        call = () => ((a as Obj)[GO_STRING] as () => GoValue).call(a);
      } else {
        const er = methodOf(a, 'Error');
        const st = er ? undefined : methodOf(a, 'String');
        if (er) {
          method = 'Error';
          call = () => er.call(a);
        } else if (st) {
          method = 'String';
          call = () => st.call(a);
        }
      }
    }
    if (!call || !method) return false;
    try {
      const s = call();
      if (method === 'GoString') this.fmtS(String(s));
      else this.fmtString(typeof s === 'string' ? s : String(s), verb);
    } catch (e) {
      if (this.panicking) throw e;
      const saved = this.saveFlags();
      this.clearflags();
      this.buf += '%!' + verb + '(PANIC=' + method + ' method: ';
      this.panicking = true;
      this.printArg(e instanceof Error ? e.message : String(e), 'v');
      this.panicking = false;
      this.buf += ')';
      this.restoreFlags(saved);
    }
    return true;
  }

  private saveFlags(): unknown[] {
    return [this.widPresent, this.precPresent, this.minus, this.plus, this.sharp, this.space, this.zero, this.plusV, this.sharpV, this.wid, this.prec];
  }

  private restoreFlags(s: unknown[]): void {
    [this.widPresent, this.precPresent, this.minus, this.plus, this.sharp, this.space, this.zero, this.plusV, this.sharpV, this.wid, this.prec] = s as [
      boolean,
      boolean,
      boolean,
      boolean,
      boolean,
      boolean,
      boolean,
      boolean,
      boolean,
      number,
      number,
    ];
  }

  printArg(arg: GoValue, verb: string): void {
    this.arg = arg;
    if (arg === null || arg === undefined) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb);
      return;
    }
    if (verb === 'T') {
      this.fmtS(goTypeName(arg));
      return;
    }
    if (verb === 'p') {
      this.fmtPointer(arg, 'p');
      return;
    }
    switch (typeof arg) {
      case 'boolean':
        this.fmtBool(arg, verb);
        return;
      case 'number':
        this.fmtFloat(arg, verb);
        return;
      case 'bigint':
        this.fmtInteger(arg, true, verb);
        return;
      case 'string':
        this.fmtString(arg, verb);
        return;
      default:
        if (arg instanceof Uint8Array) {
          this.fmtBytes(arg, verb, '[]byte', 0);
          return;
        }
        if (!this.handleMethods(verb)) this.printValue(arg, verb, 0);
    }
  }

  private printValue(value: GoValue, verb: string, depth: number): void {
    if (depth > 0 && value !== null && value !== undefined) {
      this.arg = value;
      if (this.handleMethods(verb)) return;
    }
    this.arg = value;
    const k = kindOf(value);
    switch (k) {
      case 'invalid':
      case 'nil':
        if (depth === 0) this.buf += '<invalid reflect.Value>';
        else if (this.sharpV) this.buf += 'interface {}(nil)';
        else this.buf += '<nil>';
        return;
      case 'bool':
        this.fmtBool(value as boolean, verb);
        return;
      case 'int':
        this.fmtInteger(value as bigint, true, verb);
        return;
      case 'duration':
        this.fmtInteger((value as GoDuration).ns, true, verb);
        return;
      case 'float':
        this.fmtFloat(value as number, verb);
        return;
      case 'string':
        this.fmtString(value as string, verb);
        return;
      case 'bytes':
        this.fmtBytes(value as Uint8Array, verb, '[]uint8', depth);
        return;
      case 'time':
        this.fmtS(timeString(value as GoTime));
        return;
      case 'map': {
        const m = value as Record<string, GoValue>;
        if (this.sharpV) this.buf += goTypeName(m) + '{';
        else this.buf += 'map[';
        mapKeys(m).forEach((key, i) => {
          if (i > 0) this.buf += this.sharpV ? ', ' : ' ';
          this.printValue(key, verb, depth + 1);
          this.buf += ':';
          this.printValue(m[key], verb, depth + 1);
        });
        this.buf += this.sharpV ? '}' : ']';
        return;
      }
      case 'struct': {
        if (this.sharpV) this.buf += goTypeName(value).replace(/^\*/, '');
        this.buf += '{';
        structFields(value as object).forEach(([name, v], i) => {
          if (i > 0) this.buf += this.sharpV ? ', ' : ' ';
          if (this.plusV || this.sharpV) this.buf += name + ':';
          this.printValue(v, verb, depth + 1);
        });
        this.buf += '}';
        return;
      }
      case 'slice': {
        const a = value as GoValue[];
        if (this.sharpV) {
          this.buf += goTypeName(a) + '{';
          for (let i = 0; i < a.length; i++) {
            if (i > 0) this.buf += ', ';
            this.printValue(a[i] === undefined ? null : a[i], verb, depth + 1);
          }
          this.buf += '}';
        } else {
          this.buf += '[';
          for (let i = 0; i < a.length; i++) {
            if (i > 0) this.buf += ' ';
            this.printValue(a[i] === undefined ? null : a[i], verb, depth + 1);
          }
          this.buf += ']';
        }
        return;
      }
      case 'func':
        this.fmtPointer(value, verb);
        return;
    }
  }

  // ------------------------------------------------------------------------------------------- doPrintf

  private argNumber(argNum: number, format: string, i: number, numArgs: number): [number, number, boolean] {
    if (format.length <= i || format[i] !== '[') return [argNum, i, false];
    this.reordered = true;
    const [index, wid, ok] = parseArgNumber(format.slice(i));
    if (ok && 0 <= index && index < numArgs) return [index, i + wid, true];
    this.goodArgNum = false;
    return [argNum, i + wid, ok];
  }

  doPrintf(format: string, a: GoValue[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    this.reordered = false;
    formatLoop: for (let i = 0; i < end; ) {
      this.goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== '%') i++;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++; // skip %
      this.clearflags();
      simpleFormat: for (; i < end; i++) {
        switch (format[i]) {
          case '#':
            this.sharp = true;
            break;
          case '0':
            this.zero = !this.minus;
            break;
          case '+':
            this.plus = true;
            break;
          case '-':
            this.minus = true;
            this.zero = false;
            break;
          case ' ':
            this.space = true;
            break;
          default:
            break simpleFormat;
        }
      }
      [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
      if (i < end && format[i] === '*') {
        i++;
        [this.wid, this.widPresent, argNum] = intFromArg(a, argNum);
        if (!this.widPresent) this.buf += '%!(BADWIDTH)';
        if (this.wid < 0) {
          this.wid = -this.wid;
          this.minus = true;
          this.zero = false;
        }
        afterIndex = false;
      } else {
        [this.wid, this.widPresent, i] = parsenum(format, i, end);
        if (afterIndex && this.widPresent) this.goodArgNum = false;
      }
      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) this.goodArgNum = false;
        [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
        if (i < end && format[i] === '*') {
          i++;
          [this.prec, this.precPresent, argNum] = intFromArg(a, argNum);
          if (this.prec < 0) {
            this.prec = 0;
            this.precPresent = false;
          }
          if (!this.precPresent) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          [this.prec, this.precPresent, i] = parsenum(format, i, end);
          if (!this.precPresent) {
            this.prec = 0;
            this.precPresent = true;
          }
        }
      }
      if (!afterIndex) [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }
      const cp = format.codePointAt(i) as number;
      const verb = String.fromCodePoint(cp);
      i += verb.length;
      if (verb === '%') {
        this.buf += '%';
        continue formatLoop;
      }
      if (!this.goodArgNum) {
        this.buf += '%!' + verb + '(BADINDEX)';
        continue formatLoop;
      }
      if (argNum >= a.length) {
        this.buf += '%!' + verb + '(MISSING)';
        continue formatLoop;
      }
      if (verb === 'v') {
        this.sharpV = this.sharp;
        this.sharp = false;
        this.plusV = this.plus;
        this.plus = false;
      }
      this.printArg(a[argNum], verb);
      argNum++;
    }
    if (!this.reordered && argNum < a.length) {
      this.clearflags();
      this.buf += '%!(EXTRA ';
      a.slice(argNum).forEach((arg, i) => {
        if (i > 0) this.buf += ', ';
        if (arg === null || arg === undefined) this.buf += '<nil>';
        else {
          this.buf += goTypeName(arg) + '=';
          this.printArg(arg, 'v');
        }
      });
      this.buf += ')';
    }
  }

  doPrint(a: GoValue[]): void {
    let prevString = false;
    a.forEach((arg, argNum) => {
      const isString = typeof arg === 'string';
      if (argNum > 0 && !isString && !prevString) this.buf += ' ';
      this.printArg(arg, 'v');
      prevString = isString;
    });
  }

  doPrintln(a: GoValue[]): void {
    a.forEach((arg, argNum) => {
      if (argNum > 0) this.buf += ' ';
      this.printArg(arg, 'v');
    });
    this.buf += '\n';
  }
}

function tooLarge(x: number): boolean {
  return x > TOO_LARGE || x < -TOO_LARGE;
}

function parsenum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39; i++) {
    if (tooLarge(num)) return [0, false, end];
    num = num * 10 + (s.charCodeAt(i) - 0x30);
    isnum = true;
  }
  return [num, isnum, i];
}

function parseArgNumber(format: string): [number, number, boolean] {
  if (format.length < 3) return [0, 1, false];
  for (let i = 1; i < format.length; i++) {
    if (format[i] === ']') {
      const [width, ok, newi] = parsenum(format, 1, i);
      if (!ok || newi !== i) return [0, i + 1, false];
      return [width - 1, i + 1, true];
    }
  }
  return [0, 1, false];
}

function intFromArg(a: GoValue[], argNum: number): [number, boolean, number] {
  let num = 0;
  let isInt = false;
  let newArgNum = argNum;
  if (argNum < a.length) {
    const v = a[argNum];
    const n = typeof v === 'bigint' ? v : v instanceof GoDuration ? v.ns : undefined;
    if (n !== undefined && n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)) {
      num = Number(n);
      isInt = true;
    }
    newArgNum = argNum + 1;
    if (tooLarge(num)) {
      num = 0;
      isInt = false;
    }
  }
  return [num, isInt, newArgNum];
}

/** Go's fmt.Sprintf. */
export function sprintf(format: string, ...args: GoValue[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}

/** Go's fmt.Sprint: spaces between operands when neither is a string. */
export function sprint(...args: GoValue[]): string {
  const p = new Printer();
  p.doPrint(args);
  return p.buf;
}

/** Go's fmt.Sprintln: spaces between all operands, and a newline. */
export function sprintln(...args: GoValue[]): string {
  const p = new Printer();
  p.doPrintln(args);
  return p.buf;
}

/** Go's string order (see core/code-point-order.ts). */
export const compareGoStrings = compareCodePoints;
