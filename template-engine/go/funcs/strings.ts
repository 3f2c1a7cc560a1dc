import { crypto } from '../../../core/builtin.js';
import { GoFuncError, type GoValue } from '../value.js';
import { toStrings } from './conversion.js';
import { formatValue, fromUtf8, goQuote, strval, utf8 } from './fmt.js';
import { def, goSlice, mapSet, newMap, typed, type FuncTable } from './kinds.js';
import { isLetter, isLower, isNumber, isPunct, isSpace, isTitle, isUpper, mapRunes, toLower, toTitle, toUpper } from './unicode.js';

/**
 * Sprig's string functions (strings.go and the goutils/xstrings helpers it calls). Where Go counts bytes
 * (trunc, substr, abbrev, wrap, initials, nospace), so do these, on the UTF-8 encoding.
 */

/** A Go runtime panic message for a bad slice expression. */
function sliceBounds(expr: string): never {
  throw new GoFuncError(`runtime error: slice bounds out of range ${expr}`);
}

/** s[a:b] on the bytes of s, with Go's bound checks. */
export function byteSlice(s: string, a: number | undefined, b: number | undefined): string {
  const bytes = utf8(s);
  const len = bytes.length;
  const lo = a ?? 0;
  const hi = b ?? len;
  if (b !== undefined && (hi < 0 || hi > len)) sliceBounds(`[:${hi}] with length ${len}`);
  if (lo < 0 || lo > hi) sliceBounds(a !== undefined && b === undefined ? `[${lo}:${len}]` : `[${lo}:${hi}]`);
  return fromUtf8(bytes.subarray(lo, hi));
}

function goRepeat(s: string, count: number): string {
  if (count < 0) throw new GoFuncError('strings: negative Repeat count');
  return s.repeat(count);
}

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  const runes = [...s];
  let i = 0;
  let j = runes.length;
  while (i < j && isSpace(runes[i])) i++;
  while (j > i && isSpace(runes[j - 1])) j--;
  return runes.slice(i, j).join('');
}

/** strings.Trim(s, cutset). */
function trimCutset(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const set = new Set([...cutset]);
  const runes = [...s];
  let i = 0;
  let j = runes.length;
  while (i < j && set.has(runes[i])) i++;
  while (j > i && set.has(runes[j - 1])) j--;
  return runes.slice(i, j).join('');
}

/** strings.Title's word separators. */
function isSeparator(r: string): boolean {
  const c = r.codePointAt(0)!;
  if (c <= 0x7f) return !((c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95);
  if (isLetter(r) || /^\p{Nd}$/u.test(r)) return false;
  return isSpace(r);
}

export function title(s: string): string {
  let prev = ' ';
  return mapRunes(s, (r) => {
    const out = isSeparator(prev) ? toTitle(r) : r;
    prev = r;
    return out;
  });
}

/** goutils.Uncapitalize: the first letter of each whitespace-separated word to lower case. */
function untitle(s: string): string {
  let next = true;
  return mapRunes(s, (r) => {
    if (isSpace(r)) {
      next = true;
      return r;
    }
    if (next) {
      next = false;
      return toLower(r);
    }
    return r;
  });
}

/** goutils.SwapCase: upper and title → lower; lower → title after whitespace, else upper. */
function swapcase(s: string): string {
  let whitespace = true;
  return mapRunes(s, (r) => {
    if (isUpper(r) || isTitle(r)) {
      whitespace = false;
      return toLower(r);
    }
    if (isLower(r)) {
      if (whitespace) {
        whitespace = false;
        return toTitle(r);
      }
      return toUpper(r);
    }
    whitespace = isSpace(r);
    return r;
  });
}

/** Bytes read one by one as runes (what goutils does by `rune(str[i])`). */
function latin1(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/** goutils.DeleteWhiteSpace (byte by byte, as it is written). */
function nospace(s: string): string {
  if (s === '') return s;
  const bytes = utf8(s);
  const kept = bytes.filter((b) => !isSpace(String.fromCharCode(b)));
  if (kept.length === bytes.length) return s;
  return latin1(kept);
}

/** goutils.Initials (byte by byte). */
function initials(s: string): string {
  if (s === '') return s;
  let out = '';
  let gap = true;
  for (const b of utf8(s)) {
    const ch = String.fromCharCode(b);
    if (isSpace(ch)) gap = true;
    else if (gap) {
      out += ch;
      gap = false;
    }
  }
  return out;
}

/** goutils.AbbreviateFull (byte offsets); undefined where it returns an error. */
function abbreviateFull(s: string, offset: number, maxWidth: number): string | undefined {
  if (s === '') return '';
  if (maxWidth < 4) return undefined;
  const b = utf8(s);
  const len = b.length;
  if (len <= maxWidth) return s;
  let off = Math.min(offset, len);
  if (len - off < maxWidth - 3) off = len - (maxWidth - 3);
  const marker = '...';
  if (off <= 4) return fromUtf8(b.subarray(0, maxWidth - 3)) + marker;
  if (maxWidth < 7) return undefined;
  if (off + maxWidth - 3 < len) return marker + (abbreviateFull(fromUtf8(b.subarray(off)), 0, maxWidth - 3) ?? '');
  return marker + fromUtf8(b.subarray(len - (maxWidth - 3)));
}

/** goutils.WrapCustom (byte offsets, words split at ' '). */
export function wrapCustom(s: string, wrapLength: number, newLine: string, wrapLongWords: boolean): string {
  if (s === '') return '';
  const nl = newLine === '' ? '\n' : newLine;
  const width = wrapLength < 1 ? 1 : wrapLength;
  const b = utf8(s);
  const len = b.length;
  const SPACE = 0x20;
  const parts: string[] = [];
  let offset = 0;
  while (len - offset > width) {
    if (b[offset] === SPACE) {
      offset++;
      continue;
    }
    const end = width + offset + 1;
    const window = b.subarray(offset, Math.min(end, len));
    const at = window.lastIndexOf(SPACE);
    if (at >= 0) {
      parts.push(fromUtf8(b.subarray(offset, offset + at)), nl);
      offset += at + 1;
    } else if (wrapLongWords) {
      parts.push(fromUtf8(b.subarray(offset, width + offset)), nl);
      offset += width;
    } else {
      const from = width + offset;
      const idx = b.subarray(from).indexOf(SPACE);
      if (idx === -1) {
        parts.push(fromUtf8(b.subarray(offset)));
        offset = len;
      } else {
        parts.push(fromUtf8(b.subarray(offset, from + idx)), nl);
        offset = from + idx + 1;
      }
    }
  }
  parts.push(fromUtf8(b.subarray(offset)));
  return parts.join('');
}

function isConnector(r: string): boolean {
  return r === '-' || r === '_' || isSpace(r);
}

/** xstrings.ToPascalCase (v1.5): words joined, each capitalised; an all-caps word start is lowered. */
function pascalCase(s: string): string {
  if (s === '') return '';
  const runes = [...s];
  let out = '';
  let i = 0;
  let firstUpper = false;
  let r0 = '';
  for (; i < runes.length; ) {
    r0 = runes[i++];
    if (!isConnector(r0)) {
      firstUpper = isUpper(r0);
      r0 = toUpper(r0);
      break;
    }
    out += r0;
  }
  if (i >= runes.length) return out + r0;
  for (; i < runes.length; i++) {
    const r1 = r0;
    r0 = runes[i];
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpper(r0);
      r0 = toUpper(r0);
    } else {
      if (firstUpper) {
        if (isUpper(r0)) r0 = toLower(r0);
        else firstUpper = false;
      }
      out += r1;
    }
  }
  return out + r0;
}

/** xstrings' alphabet: letters other than CJK ideographs. */
function isAlphabet(r: string): boolean {
  if (!isLetter(r)) return false;
  const c = r.codePointAt(0)!;
  if (c < 0x3400) return true;
  if ((c >= 0x4e00 && c <= 0x9fcc) || (c >= 0x3400 && c <= 0x4d85) || (c >= 0x20000 && c <= 0x2b81d) || (c >= 0xf900 && c <= 0xfad9) || (c >= 0x2f800 && c <= 0x2fa1d)) return false;
  return true;
}

type WordType = 'invalid' | 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other';

/** xstrings' nextWord over an array of runes from index `at`. */
function nextWord(runes: string[], at: number): { wt: WordType; end: number } {
  if (at >= runes.length) return { wt: 'invalid', end: at };
  let i = at;
  let r = runes[i++];
  if (r === '\ufffd') return { wt: 'invalid', end: i };
  if (isConnector(r)) {
    while (i < runes.length && isConnector(runes[i])) i++;
    return { wt: 'connector', end: i };
  }
  if (isPunct(r)) {
    while (i < runes.length && isPunct(runes[i])) i++;
    return { wt: 'punct', end: i };
  }
  if (isUpper(r)) {
    if (i >= runes.length) return { wt: 'upper', end: i };
    r = runes[i];
    if (isUpper(r)) {
      i++;
      while (i < runes.length && isUpper(runes[i])) i++;
      // "HTTPStatus": the last capital starts the next word.
      if (i < runes.length && isAlphabet(runes[i])) i--;
    } else if (isAlphabet(r)) {
      i++;
      while (i < runes.length && isAlphabet(runes[i]) && !isUpper(runes[i])) i++;
    }
    return { wt: 'upper', end: i };
  }
  if (isAlphabet(r)) {
    while (i < runes.length && isAlphabet(runes[i]) && !isUpper(runes[i])) i++;
    return { wt: 'alphabet', end: i };
  }
  if (isNumber(r)) {
    while (i < runes.length && isNumber(runes[i])) i++;
    return { wt: 'number', end: i };
  }
  while (i < runes.length && !(isConnector(runes[i]) || isAlphabet(runes[i]) || isNumber(runes[i]) || isPunct(runes[i]))) i++;
  return { wt: 'other', end: i };
}

/** xstrings.ToSnakeCase / ToKebabCase. */
function camelToLower(s: string, connector: string): string {
  if (s === '') return '';
  const runes = [...s];
  let out = '';
  const lower = (wt: WordType, word: string[]) => {
    if (wt !== 'upper' && wt !== 'connector') {
      out += word.join('');
      return;
    }
    for (const r of word) out += isConnector(r) ? connector : isUpper(r) ? toLower(r) : r;
  };
  let pos = 0;
  let w = nextWord(runes, pos);
  let word = runes.slice(pos, w.end);
  let wt = w.wt;
  pos = w.end;
  const advance = (): WordType => {
    const n = nextWord(runes, pos);
    word = runes.slice(pos, n.end);
    pos = n.end;
    return n.wt;
  };
  while (pos < runes.length) {
    if (wt !== 'connector') lower(wt, word);
    const prev = wt;
    const last = word;
    wt = advance();
    if (prev === 'number') {
      while (wt === 'alphabet' || wt === 'number') {
        lower(wt, word);
        wt = advance();
      }
      if (wt !== 'invalid' && wt !== 'punct' && wt !== 'connector') out += connector;
    } else if (prev === 'connector') {
      lower(prev, last);
    } else if (prev === 'punct') {
      // nothing
    } else {
      if (wt !== 'number') {
        if (wt !== 'connector' && wt !== 'punct') out += connector;
        continue;
      }
      if (pos >= runes.length) continue;
      const num = word;
      wt = advance();
      if (wt !== 'alphabet') {
        lower('number', num);
        if (wt !== 'connector' && wt !== 'punct') out += connector;
        continue;
      }
      out += connector;
      lower('number', num);
      while (wt === 'alphabet' || wt === 'number') {
        lower(wt, word);
        wt = advance();
      }
      if (wt !== 'invalid' && wt !== 'connector' && wt !== 'punct') out += connector;
    }
  }
  lower(wt, word);
  return out;
}

/** strings.Replace(s, old, new, -1). */
export function replaceAll(s: string, old: string, rep: string): string {
  if (old === '') {
    if (s === '') return rep;
    return rep + [...s].join(rep) + rep;
  }
  return s.split(old).join(rep);
}

/** strings.SplitN (n < 0: all). */
export function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const runes = [...s];
    if (n < 0 || n > runes.length) n = runes.length;
    const out = runes.slice(0, n - 1);
    out.push(runes.slice(n - 1).join(''));
    return runes.length === 0 ? [] : out;
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function indexedMap(parts: string[]): GoValue {
  const m = newMap();
  parts.forEach((p, i) => mapSet(m, `_${i}`, p));
  return typed(m, 'map[string]string', 'map');
}

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/** goutils.CryptoRandom over a set of characters; a negative count is Sprig's silent "". */
export function randomFrom(chars: string, count: number): string {
  if (count <= 0) return '';
  let out = '';
  for (let i = 0; i < count; i++) out += chars[crypto().randomInt(chars.length)];
  return out;
}

let asciiChars = '';
for (let c = 32; c < 127; c++) asciiChars += String.fromCharCode(c);

function shuffle(s: string): string {
  const runes = [...s];
  for (let i = runes.length - 1; i > 0; i--) {
    const j = crypto().randomInt(i + 1);
    [runes[i], runes[j]] = [runes[j], runes[i]];
  }
  return runes.join('');
}

export const stringFuncs: FuncTable = {
  abbrev: def('abbrev', ['int', 'string'], (width: number, s: string) => (width < 4 ? s : (abbreviateFull(s, 0, width) ?? ''))),
  abbrevboth: def('abbrevboth', ['int', 'int', 'string'], (left: number, right: number, s: string) =>
    right < 4 || (left > 0 && right < 7) ? s : (abbreviateFull(s, left, right) ?? ''),
  ),
  trunc: def('trunc', ['int', 'string'], (c: number, s: string) => {
    const len = utf8(s).length;
    if (c < 0 && len + c > 0) return byteSlice(s, len + c, undefined);
    if (c >= 0 && len > c) return byteSlice(s, 0, c);
    return s;
  }),
  trim: def('trim', ['string'], trimSpace),
  upper: def('upper', ['string'], (s: string) => mapRunes(s, toUpper)),
  lower: def('lower', ['string'], (s: string) => mapRunes(s, toLower)),
  title: def('title', ['string'], title),
  untitle: def('untitle', ['string'], untitle),
  substr: def('substr', ['int', 'int', 'string'], (start: number, end: number, s: string) => {
    if (start < 0) return byteSlice(s, undefined, end);
    if (end < 0 || end > utf8(s).length) return byteSlice(s, start, undefined);
    return byteSlice(s, start, end);
  }),
  repeat: def('repeat', ['int', 'string'], (count: number, s: string) => goRepeat(s, count)),
  trimall: def('trimall', ['string', 'string'], (a: string, b: string) => trimCutset(b, a)),
  trimAll: def('trimAll', ['string', 'string'], (a: string, b: string) => trimCutset(b, a)),
  trimSuffix: def('trimSuffix', ['string', 'string'], (a: string, b: string) => (a !== '' && b.endsWith(a) ? b.slice(0, b.length - a.length) : b)),
  trimPrefix: def('trimPrefix', ['string', 'string'], (a: string, b: string) => (a !== '' && b.startsWith(a) ? b.slice(a.length) : b)),
  nospace: def('nospace', ['string'], nospace),
  initials: def('initials', ['string'], initials),
  randAlphaNum: def('randAlphaNum', ['int'], (n: number) => randomFrom(ALPHA + DIGITS, n)),
  randAlpha: def('randAlpha', ['int'], (n: number) => randomFrom(ALPHA, n)),
  randAscii: def('randAscii', ['int'], (n: number) => randomFrom(asciiChars, n)),
  randNumeric: def('randNumeric', ['int'], (n: number) => randomFrom(DIGITS, n)),
  swapcase: def('swapcase', ['string'], swapcase),
  shuffle: def('shuffle', ['string'], shuffle),
  snakecase: def('snakecase', ['string'], (s: string) => camelToLower(s, '_')),
  camelcase: def('camelcase', ['string'], pascalCase),
  kebabcase: def('kebabcase', ['string'], (s: string) => camelToLower(s, '-')),
  wrap: def('wrap', ['int', 'string'], (l: number, s: string) => wrapCustom(s, l, '', false)),
  wrapWith: def('wrapWith', ['int', 'string', 'string'], (l: number, sep: string, s: string) => wrapCustom(s, l, sep, true)),
  contains: def('contains', ['string', 'string'], (sub: string, s: string) => s.includes(sub)),
  hasPrefix: def('hasPrefix', ['string', 'string'], (p: string, s: string) => s.startsWith(p)),
  hasSuffix: def('hasSuffix', ['string', 'string'], (p: string, s: string) => s.endsWith(p)),
  quote: def('quote', ['...any'], (...args: GoValue[]) =>
    args
      .filter((a) => a !== null)
      .map((a) => goQuote(strval(a)))
      .join(' '),
  ),
  squote: def('squote', ['...any'], (...args: GoValue[]) =>
    args
      .filter((a) => a !== null)
      .map((a) => `'${formatValue(a)}'`)
      .join(' '),
  ),
  cat: def('cat', ['...any'], (...args: GoValue[]) =>
    args
      .filter((a) => a !== null)
      .map(formatValue)
      .join(' '),
  ),
  indent: def('indent', ['int', 'string'], (n: number, s: string) => {
    const pad = goRepeat(' ', n);
    return pad + s.split('\n').join('\n' + pad);
  }),
  nindent: def('nindent', ['int', 'string'], (n: number, s: string) => {
    const pad = goRepeat(' ', n);
    return '\n' + pad + s.split('\n').join('\n' + pad);
  }),
  replace: def('replace', ['string', 'string', 'string'], (old: string, rep: string, s: string) => replaceAll(s, old, rep)),
  plural: def('plural', ['string', 'string', 'int'], (one: string, many: string, n: number) => (n === 1 ? one : many)),
  split: def('split', ['string', 'string'], (sep: string, s: string) => indexedMap(splitN(s, sep, -1))),
  splitList: def('splitList', ['string', 'string'], (sep: string, s: string) => goSlice(splitN(s, sep, -1), { elem: 'string' })),
  splitn: def('splitn', ['string', 'int', 'string'], (sep: string, n: number, s: string) => indexedMap(splitN(s, sep, n))),
  join: def('join', ['string', 'any'], (sep: string, v: GoValue) => toStrings(v).join(sep)),
  // Helm turns DNS off unless --enable-dns; then the answer is always empty.
  getHostByName: def('getHostByName', ['string'], () => ''),
  hello: def('hello', [], () => 'Hello!'),
};
