import { GoDuration, type GoValue } from '../value.js';
import { strval } from './fmt.js';
import { def, goSlice, isGoList, listItems, type FuncTable } from './kinds.js';

/**
 * Number and string conversions as Sprig does them through spf13/cast: strings in any Go integer syntax
 * (`0x1f`, `0o17`, `010` octal, `1_000`), floats truncated toward zero, booleans as 0/1, nil as 0, and 0 for
 * anything that does not convert.
 */

const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

/** strconv.ParseInt(s, 0, 64); undefined when Go would return an error. */
export function parseGoInt(s: string, base = 0): bigint | undefined {
  let t = s;
  let neg = false;
  if (t.startsWith('+') || t.startsWith('-')) {
    neg = t[0] === '-';
    t = t.slice(1);
  }
  if (t === '') return undefined;
  let b = base;
  let prefixed = false;
  if (base === 0) {
    b = 10;
    if (t[0] === '0') {
      if (t.length >= 3 && (t[1] === 'x' || t[1] === 'X')) [b, t, prefixed] = [16, t.slice(2), true];
      else if (t.length >= 3 && (t[1] === 'o' || t[1] === 'O')) [b, t, prefixed] = [8, t.slice(2), true];
      else if (t.length >= 3 && (t[1] === 'b' || t[1] === 'B')) [b, t, prefixed] = [2, t.slice(2), true];
      else if (t.length > 1) [b, t] = [8, t.slice(1)];
      if (t.startsWith('_') && prefixed) t = t.slice(1);
    }
    if (t.includes('_')) {
      // Underscores only between digits (or right after a base prefix, handled above).
      if (!/^[0-9a-zA-Z]+(_[0-9a-zA-Z]+)*$/.test(t)) return undefined;
      t = t.replace(/_/g, '');
    }
  }
  const digits = b === 16 ? /^[0-9a-fA-F]+$/ : b === 8 ? /^[0-7]+$/ : b === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!digits.test(t)) return undefined;
  const prefix = b === 16 ? '0x' : b === 8 ? '0o' : b === 2 ? '0b' : '';
  let v = BigInt(prefix + t);
  if (neg) v = -v;
  if (v < MIN_INT64 || v > MAX_INT64) return undefined;
  return v;
}

/** strconv.ParseFloat(s, 64); undefined when Go would return an error. */
export function parseGoFloat(s: string): number | undefined {
  let t = s;
  if (t.includes('_')) {
    // Underscores only between digits, or between a base prefix and a digit.
    if (!/^[+-]?(0[xXoObB]_?)?[0-9a-fA-F]+(_[0-9a-fA-F]+)*(\.([0-9a-fA-F]+(_[0-9a-fA-F]+)*)?)?([eEpP][+-]?\d+(_\d+)*)?$/.test(t)) return undefined;
    t = t.replace(/_/g, '');
  }
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    const v = Number(t);
    return Number.isFinite(v) ? v : undefined;
  }
  const hex = /^([+-]?)0[xX]([0-9a-fA-F_]*)\.?([0-9a-fA-F_]*)[pP]([+-]?\d+)$/.exec(t);
  if (hex) {
    const mant = (hex[2] + hex[3]).replace(/_/g, '');
    if (!mant) return undefined;
    const v = parseInt(mant, 16) * 2 ** (Number(hex[4]) - 4 * hex[3].replace(/_/g, '').length);
    return hex[1] === '-' ? -v : v;
  }
  return undefined;
}

/** cast's trimZeroDecimal: `12.00` → `12` (but `12.5` stays). */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** Go's int64(f): truncation toward zero; out of range (and NaN) gives the minimum int64, as on amd64. */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 9223372036854775808 || f < -9223372036854775808) return MIN_INT64;
  return BigInt(Math.trunc(f));
}

/** cast.ToInt64E: the value as int64, or undefined where cast returns an error (Sprig then uses 0). */
export function castInt64(v: GoValue): bigint | undefined {
  if (v === null || v === undefined) return 0n;
  switch (typeof v) {
    case 'bigint':
      return BigInt.asIntN(64, v);
    case 'number':
      return floatToInt64(v);
    case 'boolean':
      return v ? 1n : 0n;
    case 'string':
      return parseGoInt(trimZeroDecimal(v));
  }
  if (v instanceof GoDuration) return v.ns;
  return undefined;
}

/** cast.ToInt64: 0 for what does not convert. */
export function toInt64(v: GoValue): bigint {
  return castInt64(v) ?? 0n;
}

/** cast.ToFloat64E. */
export function castFloat64(v: GoValue): number | undefined {
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case 'bigint':
      return Number(v);
    case 'number':
      return v;
    case 'boolean':
      return v ? 1 : 0;
    case 'string':
      return parseGoFloat(v);
  }
  if (v instanceof GoDuration) return Number(v.ns);
  return undefined;
}

/** cast.ToFloat64: 0 for what does not convert. */
export function toFloat64(v: GoValue): number {
  return castFloat64(v) ?? 0;
}

/** strconv.Atoi: base 10 only; undefined on error. */
export function atoi(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < MIN_INT64 || v > MAX_INT64 ? undefined : v;
}

/** Sprig's strslice: a list's non-nil elements as strings; nil → []; anything else → [strval(v)]. */
export function toStrings(v: GoValue): string[] {
  if (v === null || v === undefined) return goSlice([], { elem: 'string' });
  if (isGoList(v)) return goSlice(listItems(v).filter((x) => x !== null && x !== undefined).map(strval), { elem: 'string' });
  return goSlice([strval(v)], { elem: 'string' });
}

export const conversionFuncs: FuncTable = {
  toString: def('toString', ['any'], (v) => strval(v)),
  toStrings: def('toStrings', ['any'], (v) => toStrings(v)),
  atoi: def('atoi', ['string'], (s: string) => atoi(s) ?? 0n),
  int: def('int', ['any'], (v) => toInt64(v)),
  int64: def('int64', ['any'], (v) => toInt64(v)),
  float64: def('float64', ['any'], (v) => toFloat64(v)),
  toDecimal: def('toDecimal', ['any'], (v) => parseGoInt(strval(v), 8) ?? 0n),
};
