import { GoDuration, GoTime, type GoValue } from '../value.js';
import { GO_STRING, isGoMap, sortedKeys } from './kinds.js';
import { durationString, timeString } from './time.js';

/**
 * Go's fmt and strconv formatting of our values: `%v` (what a template prints and what Sprig's toString
 * gives), floats as strconv formats them, and `%q` quoting.
 */

/** The shortest decimal digits of |f| that read back as f, and the decimal point position (strconv's digs.dp). */
function shortestDigits(f: number): { digits: string; dp: number } {
  if (f === 0) return { digits: '0', dp: 1 };
  const [mant, exp] = Math.abs(f).toExponential().split('e');
  const digits = mant.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, dp: Number(exp) + 1 };
}

/** Digits rounded to `n` significant digits (round half to even on exact ties is not needed for shortest). */
function roundDigits(f: number, n: number): { digits: string; dp: number } {
  if (f === 0) return { digits: '0'.repeat(Math.max(n, 1)), dp: 1 };
  const [mant, exp] = Math.abs(f).toExponential(Math.max(n - 1, 0)).split('e');
  return { digits: mant.replace('.', ''), dp: Number(exp) + 1 };
}

function fmtE(neg: boolean, digits: string, dp: number, decimals: number): string {
  let mant = digits[0];
  if (decimals > 0) mant += '.' + digits.slice(1).padEnd(decimals, '0').slice(0, decimals);
  const e = dp - 1;
  const ae = Math.abs(e);
  return `${neg ? '-' : ''}${mant}e${e < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
}

function fmtF(neg: boolean, digits: string, dp: number, decimals: number): string {
  let int: string;
  if (dp > 0) int = digits.slice(0, dp).padEnd(dp, '0');
  else int = '0';
  let out = (neg ? '-' : '') + int;
  if (decimals > 0) {
    let frac = '';
    for (let i = 0; i < decimals; i++) {
      const j = dp + i;
      frac += j >= 0 && j < digits.length ? digits[j] : '0';
    }
    out += '.' + frac;
  }
  return out;
}

/** strconv.FormatFloat(f, fmt, prec, 64) for fmt 'g', 'e', 'f' (prec -1 = shortest). */
export function formatFloat(f: number, fmt: 'g' | 'e' | 'f' = 'g', prec = -1): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const neg = f < 0 || Object.is(f, -0);
  const shortest = prec < 0;
  if (fmt === 'f') {
    if (shortest) {
      const d = shortestDigits(f);
      return fmtF(neg, d.digits, d.dp, Math.max(d.digits.length - d.dp, 0));
    }
    const s = Math.abs(f).toFixed(Math.min(prec, 100));
    return (neg ? '-' : '') + s;
  }
  if (fmt === 'e') {
    const d = shortest ? shortestDigits(f) : roundDigits(f, prec + 1);
    return fmtE(neg, d.digits, d.dp, shortest ? d.digits.length - 1 : prec);
  }
  // 'g'
  let p = prec;
  if (p === 0) p = 1;
  const d = shortest ? shortestDigits(f) : roundDigits(f, p);
  if (!shortest) d.digits = d.digits.replace(/0+$/, '') || '0';
  let eprec = shortest ? 6 : p;
  if (!shortest && eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
  const exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) return fmtE(neg, d.digits, d.dp, d.digits.length - 1);
  return fmtF(neg, d.digits, d.dp, Math.max(d.digits.length - d.dp, 0));
}

/** fmt's `%v` of a value; `nil` prints `<nil>`. */
export function formatValue(v: GoValue): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      return formatFloat(v, 'g');
    case 'function':
      return '0xc000010000';
  }
  if (v instanceof GoTime) return timeString(v);
  if (v instanceof GoDuration) return durationString(v.ns);
  if (Array.isArray(v)) return '[' + v.map(formatValue).join(' ') + ']';
  if (v instanceof Uint8Array) return '[' + Array.from(v).join(' ') + ']';
  const obj = v as Record<string | symbol, unknown>;
  if (typeof obj[GO_STRING] === 'function') return (obj[GO_STRING] as () => string)();
  if (isGoMap(v)) return 'map[' + sortedKeys(v).filter((k) => typeof v[k] !== 'function').map((k) => `${k}:${formatValue(v[k])}`).join(' ') + ']';
  // Other objects stand for Go structs: `{field1 field2}`.
  return '{' + Object.keys(obj).filter((k) => typeof obj[k] !== 'function').map((k) => formatValue(obj[k])).join(' ') + '}';
}

/** Sprig's strval: strings as they are, bytes as text, Stringers by their String(), anything else `%v`. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Error) return v.message;
  return formatValue(v);
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's unicode.IsPrint (letters, marks, numbers, punctuation, symbols, and the ASCII space). */
export function isPrintRune(ch: string): boolean {
  return ch === ' ' || PRINTABLE.test(ch);
}

/** strconv.Quote: a double-quoted Go string literal (what `%q` prints). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') {
      out += '\\' + ch;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += '\\ufffd';
    } else if (c < 0x80 && c >= 0x20 && c !== 0x7f) {
      out += ch;
    } else if (c >= 0x80 && isPrintRune(ch)) {
      out += ch;
    } else {
      switch (c) {
        case 0x07:
          out += '\\a';
          break;
        case 0x08:
          out += '\\b';
          break;
        case 0x0c:
          out += '\\f';
          break;
        case 0x0a:
          out += '\\n';
          break;
        case 0x0d:
          out += '\\r';
          break;
        case 0x09:
          out += '\\t';
          break;
        case 0x0b:
          out += '\\v';
          break;
        default:
          if (c < 0x80) out += '\\x' + c.toString(16).padStart(2, '0');
          else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
          else out += '\\U' + c.toString(16).padStart(8, '0');
      }
    }
  }
  return out + '"';
}

/** The UTF-8 bytes of a string (Go strings are bytes; Sprig's trunc, substr, wrap count bytes). */
export function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** Bytes back to a string (invalid sequences, as a cut in the middle of a character leaves, become U+FFFD). */
export function fromUtf8(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}
