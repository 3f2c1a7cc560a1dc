/**
 * Go's unicode package for single runes (code points given as one-character strings): class tests and the
 * simple case mappings Go uses (one rune to one rune; JavaScript's full mappings such as ß → SS do not apply).
 */

const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;
const TITLE = /^\p{Lt}$/u;
const LETTER = /^\p{L}$/u;
const NUMBER = /^\p{N}$/u;
const DIGIT = /^\p{Nd}$/u;
const PUNCT = /^\p{P}$/u;

export const isUpper = (r: string) => UPPER.test(r);
export const isLower = (r: string) => LOWER.test(r);
export const isTitle = (r: string) => TITLE.test(r);
export const isLetter = (r: string) => LETTER.test(r);
export const isNumber = (r: string) => NUMBER.test(r);
export const isDigit = (r: string) => DIGIT.test(r);
export const isPunct = (r: string) => PUNCT.test(r);

/** unicode.IsSpace. */
export function isSpace(r: string): boolean {
  const c = r.codePointAt(0)!;
  switch (c) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
      return true;
  }
  if (c < 0x100) return false;
  return c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

function single(mapped: string, orig: string): string {
  let n = 0;
  for (const _ of mapped) if (++n > 1) return orig;
  return mapped;
}

/** unicode.ToUpper. */
export function toUpper(r: string): string {
  if (r.length === 1 && r < '\x80') return r >= 'a' && r <= 'z' ? r.toUpperCase() : r;
  return single(r.toUpperCase(), r);
}

/** unicode.ToLower. */
export function toLower(r: string): string {
  if (r.length === 1 && r < '\x80') return r >= 'A' && r <= 'Z' ? r.toLowerCase() : r;
  if (r === '\u0130') return 'i';
  return single(r.toLowerCase(), r);
}

const TITLE_MAP: Record<string, string> = { 'Ǆ': 'ǅ', 'ǅ': 'ǅ', 'ǆ': 'ǅ', 'Ǉ': 'ǈ', 'ǈ': 'ǈ', 'ǉ': 'ǈ', 'Ǌ': 'ǋ', 'ǋ': 'ǋ', 'ǌ': 'ǋ', 'Ǳ': 'ǲ', 'ǲ': 'ǲ', 'ǳ': 'ǲ' };

/** unicode.ToTitle. */
export function toTitle(r: string): string {
  return TITLE_MAP[r] ?? toUpper(r);
}

/** strings.Map over runes. */
export function mapRunes(s: string, f: (r: string) => string): string {
  let out = '';
  for (const r of s) out += f(r);
  return out;
}
