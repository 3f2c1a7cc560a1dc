/**
 * Go's strconv, as much as the template parser needs: number constants (newNumber) and quoted strings
 * (unquoteGo), with Go's rules and error words. Written from reading Go's source; none of it is copied.
 */
import { goQuote } from './lexer.js';
import type { NumberNode } from './nodes.js';

/** strconv's underscoreOK: `_` only between digits (a base prefix counts as a digit). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s[1].toLowerCase())) {
    i = 2;
    saw = '0';
    hex = s[1].toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    const l = c.toLowerCase();
    if ((c >= '0' && c <= '9') || (hex && l >= 'a' && l <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

function digitValue(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const l = code | 0x20;
  if (l >= 0x61 && l <= 0x7a) return l - 0x61 + 10;
  return 99;
}

const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_INT64 = (1n << 63n) - 1n;

/** strconv.ParseUint(s, 0, 64); null on a syntax or range error. */
export function parseUintGo(s: string): bigint | null {
  if (s === '') return null;
  const s0 = s;
  let base = 10;
  let i = 0;
  if (s[0] === '0') {
    const p = s.length >= 3 ? s[1].toLowerCase() : '';
    if (p === 'b') [base, i] = [2, 2];
    else if (p === 'o') [base, i] = [8, 2];
    else if (p === 'x') [base, i] = [16, 2];
    else [base, i] = [8, 1];
  }
  const b = BigInt(base);
  let n = 0n;
  let underscores = false;
  for (; i < s.length; i++) {
    if (s[i] === '_') {
      underscores = true;
      continue;
    }
    const d = digitValue(s[i]);
    if (d >= base) return null;
    n = n * b + BigInt(d);
    if (n > MAX_UINT64) return null;
  }
  if (underscores && !underscoreOK(s0)) return null;
  return n;
}

/** strconv.ParseInt(s, 0, 64); null on a syntax or range error. */
export function parseIntGo(s: string): bigint | null {
  if (s === '') return null;
  let neg = false;
  if (s[0] === '+') s = s.slice(1);
  else if (s[0] === '-') {
    neg = true;
    s = s.slice(1);
  }
  const u = parseUintGo(s);
  if (u === null) return null;
  if (!neg && u > MAX_INT64) return null;
  if (neg && u > MAX_INT64 + 1n) return null;
  return neg ? -u : u;
}

/** strconv.ParseFloat(s, 64) for the forms a template number can take; null on a syntax or range error. */
export function parseFloatGo(s: string): number | null {
  const r = parseFloatDetailed(s);
  return typeof r === 'number' ? r : null;
}

/** strconv.ParseFloat(s, 64): the value, or the NumError's reason. */
function parseFloatDetailed(s: string): number | 'invalid syntax' | 'value out of range' {
  const n = s.length;
  let i = 0;
  let neg = false;
  if (i < n && (s[i] === '+' || s[i] === '-')) {
    neg = s[i] === '-';
    i++;
  }
  let base = 10;
  if (i + 1 < n && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X')) {
    base = 16;
    i += 2;
  }
  let underscores = false;
  let sawdot = false;
  let sawdigits = false;
  let mant = '';
  let fracDigits = 0;
  for (; i < n; i++) {
    const c = s[i];
    if (c === '_') {
      underscores = true;
      continue;
    }
    if (c === '.') {
      if (sawdot) break;
      sawdot = true;
      continue;
    }
    if ((c >= '0' && c <= '9') || (base === 16 && 'abcdefABCDEF'.includes(c))) {
      sawdigits = true;
      mant += c;
      if (sawdot) fracDigits++;
      continue;
    }
    break;
  }
  if (!sawdigits) return 'invalid syntax';
  let exp = 0;
  const expChar = base === 10 ? 'e' : 'p';
  if (i < n && s[i].toLowerCase() === expChar) {
    i++;
    if (i >= n) return 'invalid syntax';
    let esign = 1;
    if (s[i] === '+' || s[i] === '-') {
      if (s[i] === '-') esign = -1;
      i++;
    }
    if (i >= n || s[i] < '0' || s[i] > '9') return 'invalid syntax';
    let e = 0;
    for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] === '_'); i++) {
      if (s[i] === '_') {
        underscores = true;
        continue;
      }
      if (e < 100000) e = e * 10 + (s.charCodeAt(i) - 0x30);
    }
    exp = esign * e;
  } else if (base === 16) return 'invalid syntax';
  if (underscores && !underscoreOK(s.slice(0, i))) return 'invalid syntax';
  if (i !== n) return 'invalid syntax';
  let v: number;
  if (base === 10) {
    v = Number(s.replace(/_/g, ''));
  } else {
    let m = BigInt('0x' + mant);
    let e2 = exp - 4 * fracDigits;
    const bits = m.toString(2).length;
    if (bits > 64) {
      const shift = bits - 64;
      const sticky = (m & ((1n << BigInt(shift)) - 1n)) !== 0n;
      m = (m >> BigInt(shift)) | (sticky ? 1n : 0n);
      e2 += shift;
    }
    v = Number(m);
    if (v === 0) e2 = 0;
    while (e2 > 1000 && Number.isFinite(v)) {
      v *= 2 ** 1000;
      e2 -= 1000;
    }
    while (e2 < -1000 && v !== 0) {
      v *= 2 ** -1000;
      e2 += 1000;
    }
    v *= 2 ** e2;
    if (neg) v = -v;
  }
  if (!Number.isFinite(v)) return 'value out of range';
  return v;
}

const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;

function setFromFloat(n: NumberNode, f: number): void {
  if (!n.isInt && Number.isInteger(f) && f >= -TWO63 && f < TWO63) {
    n.isInt = true;
    n.int = BigInt(f);
  }
  if (!n.isUint && Number.isInteger(f) && f >= 0 && f < TWO64) {
    n.isUint = true;
    n.uint = BigInt(f);
  }
}

function simplifyComplex(n: NumberNode): void {
  const c = n.complex!;
  n.isFloat = c.im === 0;
  if (n.isFloat) {
    n.float = c.re;
    setFromFloat(n, c.re);
  }
}

/**
 * Go's newNumber: a number constant with every type that can represent it. A string is the error, in Go's
 * words.
 */
export function newNumber(pos: number, text: string, kind: 'number' | 'charConstant' | 'complex'): NumberNode | string {
  const n: NumberNode = { type: 'number', pos, text, isInt: false, isFloat: false, isUint: false, isComplex: false };
  if (kind === 'charConstant') {
    const r = unquoteChar(text.slice(1), "'");
    if (!r) return 'invalid syntax';
    if (r.tail !== "'") return `malformed character constant: ${text}`;
    n.isInt = n.isUint = n.isFloat = true;
    n.int = n.uint = BigInt(r.value);
    n.float = r.value;
    return n;
  }
  if (kind === 'complex') {
    const c = scanComplex(text);
    if (typeof c === 'string') return c;
    n.isComplex = true;
    n.complex = c;
    simplifyComplex(n);
    return n;
  }
  // Imaginary constants are complex unless they are zero.
  if (text.endsWith('i')) {
    const f = parseFloatGo(text.slice(0, -1));
    if (f !== null) {
      n.isComplex = true;
      n.complex = { re: 0, im: f };
      simplifyComplex(n);
      return n;
    }
  }
  // Integers first, so that 0x123 is an int.
  const u = parseUintGo(text);
  if (u !== null) {
    n.isUint = true;
    n.uint = u;
  }
  const i = parseIntGo(text);
  if (i !== null) {
    n.isInt = true;
    n.int = i;
    if (i === 0n) {
      n.isUint = true; // -0
      n.uint = u ?? 0n;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float = Number(n.int);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float = Number(n.uint);
  } else {
    const f = parseFloatGo(text);
    if (f !== null) {
      // Parsed as a float but looks like an integer: too large for an int.
      if (!/[.eEpP]/.test(text)) return `integer overflow: ${goQuote(text)}`;
      n.isFloat = true;
      n.float = f;
      setFromFloat(n, f);
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) return `illegal number syntax: ${goQuote(text)}`;
  return n;
}

/** fmt.Sscan of a complex128, as Go's parser reads `1+2i`: the value, or the error's text. */
function scanComplex(text: string): { re: number; im: number } | string {
  const complexError = 'syntax error scanning complex number';
  let i = 0;
  const accept = (set: string): boolean => {
    if (i < text.length && set.includes(text[i])) {
      i++;
      return true;
    }
    return false;
  };
  const floatToken = (): string => {
    const start = i;
    if (accept('nN') && accept('aA') && accept('nN')) return text.slice(start, i);
    accept('+-');
    if (accept('iI') && accept('nN') && accept('fF')) return text.slice(start, i);
    let digits = '0123456789_';
    let exp = 'eEpP';
    if (accept('0') && accept('xX')) {
      digits = '0123456789aAbBcCdDeEfF_';
      exp = 'pP';
    }
    while (accept(digits));
    if (accept('.')) while (accept(digits));
    if (accept(exp)) {
      accept('+-');
      while (accept('0123456789_'));
    }
    return text.slice(start, i);
  };
  const numError = (fn: string, num: string, reason: string) => `strconv.${fn}: parsing ${goQuote(num)}: ${reason}`;
  const convert = (str: string): number | string => {
    const p = str.indexOf('p');
    if (p >= 0 && !/[xX]/.test(str)) {
      const f = parseFloatDetailed(str.slice(0, p));
      if (typeof f !== 'number') return numError('ParseFloat', str, f);
      const m = /^[+-]?[0-9]+$/.test(str.slice(p + 1)) ? Number(str.slice(p + 1)) : NaN;
      if (Number.isNaN(m)) return numError('Atoi', str, 'invalid syntax');
      return f * 2 ** m;
    }
    const f = parseFloatDetailed(str);
    return typeof f === 'number' ? f : numError('ParseFloat', str, f);
  };
  const real = floatToken();
  const signAt = i;
  if (!accept('+-')) return complexError;
  const imag = text[signAt] + floatToken();
  if (!accept('i')) return complexError;
  const re = convert(real);
  if (typeof re === 'string') return re;
  const im = convert(imag);
  if (typeof im === 'string') return im;
  return { re, im };
}

/** strconv.UnquoteChar: one character or escape of a quoted literal. `byte` marks \x and octal escapes. */
function unquoteChar(s: string, quote: string): { value: number; byte: boolean; tail: string } | null {
  if (s.length === 0) return null;
  const c = s.codePointAt(0)!;
  const ch = String.fromCodePoint(c);
  if (ch === quote && (quote === "'" || quote === '"')) return null;
  if (c >= 0x80) return { value: c, byte: false, tail: s.slice(ch.length) };
  if (ch !== '\\') return { value: c, byte: false, tail: s.slice(1) };
  if (s.length <= 1) return null;
  const e = s[1];
  let rest = s.slice(2);
  switch (e) {
    case 'a': return { value: 7, byte: false, tail: rest };
    case 'b': return { value: 8, byte: false, tail: rest };
    case 'f': return { value: 12, byte: false, tail: rest };
    case 'n': return { value: 10, byte: false, tail: rest };
    case 'r': return { value: 13, byte: false, tail: rest };
    case 't': return { value: 9, byte: false, tail: rest };
    case 'v': return { value: 11, byte: false, tail: rest };
    case 'x':
    case 'u':
    case 'U': {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      if (rest.length < len) return null;
      let v = 0;
      for (let j = 0; j < len; j++) {
        const d = digitValue(rest[j]);
        if (d >= 16) return null;
        v = v * 16 + d;
      }
      rest = rest.slice(len);
      if (e === 'x') return { value: v, byte: true, tail: rest };
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return null;
      return { value: v, byte: false, tail: rest };
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      let v = e.charCodeAt(0) - 0x30;
      if (rest.length < 2) return null;
      for (let j = 0; j < 2; j++) {
        const d = rest.charCodeAt(j) - 0x30;
        if (d < 0 || d > 7) return null;
        v = v * 8 + d;
      }
      if (v > 255) return null;
      return { value: v, byte: true, tail: rest.slice(2) };
    }
    case '\\':
      return { value: 0x5c, byte: false, tail: rest };
    case "'":
    case '"':
      if (e !== quote) return null;
      return { value: e.charCodeAt(0), byte: false, tail: rest };
  }
  return null;
}

/**
 * strconv.Unquote of a string token: `"…"` with Go's escapes, or `` `…` `` raw (carriage returns dropped).
 * Null on invalid syntax. Byte escapes (`\xff`, `\377`) make bytes that are decoded as UTF-8 at the end.
 */
export function unquoteGo(q: string): string | null {
  if (q.length < 2) return null;
  const quote = q[0];
  if (quote === '`') {
    if (q[q.length - 1] !== '`') return null;
    const body = q.slice(1, -1);
    if (body.includes('`')) return null;
    return body.includes('\r') ? body.replace(/\r/g, '') : body;
  }
  if (quote !== '"' || q[q.length - 1] !== '"') return null;
  // No escapes, newlines or inner quotes (the usual string): the text between the quotes, in one slice.
  if (!q.includes('\\') && !q.includes('\n') && q.indexOf('"', 1) === q.length - 1) return q.slice(1, -1);
  let s = q.slice(1);
  let out = '';
  let bytes: number[] | null = null;
  while (s.length > 0 && s[0] !== quote) {
    if (s[0] === '\n') return null;
    const r = unquoteChar(s, quote);
    if (!r) return null;
    s = r.tail;
    if (r.byte && r.value >= 0x80 && !bytes) bytes = [...Buffer.from(out, 'utf8')];
    if (bytes) {
      if (r.byte) bytes.push(r.value);
      else bytes.push(...Buffer.from(String.fromCodePoint(r.value), 'utf8'));
    } else out += String.fromCodePoint(r.value);
  }
  if (!(s.length > 0 && s[0] === quote) || s.length !== 1) return null;
  return bytes ? Buffer.from(bytes).toString('utf8') : out;
}
