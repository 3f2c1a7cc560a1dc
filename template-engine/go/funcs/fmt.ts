import type { GoValue } from '../value.js';
import { formatFloat as formatFloatGo, quoteGo, sprint } from '../fmt.js';

/**
 * The formatting Sprig's and Helm's functions use, by the names they know it: one implementation of Go's fmt
 * and strconv (../fmt.ts) behind `%v`, floats and `%q`, plus Sprig's strval and UTF-8 helpers.
 */

/** strconv.FormatFloat(f, fmt, prec, 64) (prec -1 = shortest). */
export function formatFloat(f: number, fmt: 'g' | 'e' | 'f' = 'g', prec = -1): string {
  return formatFloatGo(f, fmt, prec);
}

/** fmt's `%v` of a value; `nil` prints `<nil>`. */
export function formatValue(v: GoValue): string {
  return sprint(v);
}

/** Sprig's strval: strings as they are, bytes as text, Stringers by their String(), anything else `%v`. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Error) return v.message;
  return formatValue(v);
}

/** strconv.Quote: a double-quoted Go string literal (what `%q` prints). */
export function goQuote(s: string): string {
  return quoteGo(s);
}

/** The UTF-8 bytes of a string (Go strings are bytes; Sprig's trunc, substr, wrap count bytes). */
export function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** Bytes back to a string (invalid sequences, as a cut in the middle of a character leaves, become U+FFFD). */
export function fromUtf8(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}
