/**
 * Go's unicode package for single runes (code points given as one-character strings): class tests and the
 * simple case mappings Go uses (one rune to one rune; JavaScript's full mappings such as ß → SS do not apply).
 */

/**
 * Unicode property classes, each compiled on first use: a `\p{…}` RegExp costs about 0.05 ms to create, and
 * most renders never test a rune's class.
 */
const lazy = (make: () => RegExp) => {
  let re: RegExp | undefined;
  return (r: string) => (re ??= make()).test(r);
};

export const isUpper = lazy(() => /^\p{Lu}$/u);
export const isLower = lazy(() => /^\p{Ll}$/u);
export const isTitle = lazy(() => /^\p{Lt}$/u);
export const isLetter = lazy(() => /^\p{L}$/u);
export const isNumber = lazy(() => /^\p{N}$/u);
export const isDigit = lazy(() => /^\p{Nd}$/u);
export const isPunct = lazy(() => /^\p{P}$/u);

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
