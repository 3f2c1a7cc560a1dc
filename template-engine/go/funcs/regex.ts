import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import { GoFuncError, type GoValue } from '../value.js';
import { goQuote } from './fmt.js';
import { def, goSlice, type FuncTable } from './kinds.js';

/**
 * Sprig's regex functions with Go's regexp semantics: RE2 syntax (re2js), leftmost-first matching, and Go's
 * rules for empty matches next to earlier matches, `$1`/`${name}` expansion and Split.
 */

interface Compiled {
  re: RE2JS;
  names: (string | undefined)[];
}

const cache = new Map<string, Compiled>();

let re2lib: typeof RE2JS | undefined;
/** re2js is loaded on the first regular expression: most charts never use one. */
function re2(): typeof RE2JS {
  // In the CLI bundle `require` exists (re2js is a file of its own there); elsewhere it is resolved.
  return (re2lib ??= ((typeof require === 'function' ? require('re2js') : createRequire(import.meta.url)('re2js')) as typeof import('re2js')).RE2JS);
}

/** regexp.Compile; throws GoFuncError with Go's message (`error parsing regexp: …`). */
function compile(expr: string): Compiled {
  let c = cache.get(expr);
  if (c) return c;
  let re: RE2JS;
  try {
    re = re2().compile(expr);
  } catch (e) {
    throw new GoFuncError((e as Error).message);
  }
  const names: (string | undefined)[] = [];
  const named = re.matcher('').namedGroups as Record<string, number>;
  for (const [name, idx] of Object.entries(named)) names[idx] = name;
  c = { re, names };
  if (cache.size > 500) cache.clear();
  cache.set(expr, c);
  return c;
}

/** regexp.MustCompile: the panic message names the expression. */
function mustCompile(expr: string): Compiled {
  try {
    return compile(expr);
  } catch (e) {
    const q = /^[^`\x00-\x08\x0a-\x1f\x7f\ufeff]*$/.test(expr) ? '`' + expr + '`' : goQuote(expr);
    throw new GoFuncError(`regexp: Compile(${q}): ${(e as Error).message}`);
  }
}

/** Submatch positions [start0, end0, start1, end1, …] (-1 for groups that did not take part). */
type Match = number[];

function runeWidth(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}

type Matcher = ReturnType<RE2JS['matcher']>;

function matchAt(c: Compiled, s: string, pos: number, reuse?: Matcher): Match | undefined {
  const m = reuse ?? c.re.matcher(s);
  if (!m.find(pos)) return undefined;
  const out: number[] = [];
  for (let g = 0; g <= m.groupCount(); g++) out.push(m.start(g), m.end(g));
  return out;
}

/** Go's allMatches: successive non-overlapping matches; an empty match right after a match is skipped. */
function allMatches(c: Compiled, s: string, n: number): Match[] {
  const out: Match[] = [];
  const limit = n < 0 ? s.length + 1 : n;
  let pos = 0;
  let prevEnd = -1;
  const matcher = c.re.matcher(s);
  while (out.length < limit && pos <= s.length) {
    const m = matchAt(c, s, pos, matcher);
    if (!m) break;
    let accept = true;
    if (m[1] === pos) {
      if (m[0] === prevEnd) accept = false;
      pos += runeWidth(s, pos) || 1;
    } else {
      pos = m[1];
    }
    prevEnd = m[1];
    if (accept) out.push(m);
  }
  return out;
}

/** regexp's template expansion: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expand(template: string, c: Compiled, s: string, m: Match): string {
  let out = '';
  let t = template;
  for (;;) {
    const at = t.indexOf('$');
    if (at < 0) break;
    out += t.slice(0, at);
    t = t.slice(at + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(t);
    if (!ref) {
      out += '$';
      continue;
    }
    t = t.slice(ref[0].length);
    const name = ref[1] ?? ref[2];
    let num = -1;
    if (/^\d+$/.test(name) && !(name.length > 1 && name[0] === '0') && name.length <= 9) num = Number(name);
    const group = (g: number) => (2 * g + 1 < m.length && m[2 * g] >= 0 ? s.slice(m[2 * g], m[2 * g + 1]) : '');
    if (num >= 0) out += group(num);
    else {
      const idx = c.names.indexOf(name);
      if (idx >= 0) out += group(idx);
    }
  }
  return out + t;
}

function replaceAll(c: Compiled, s: string, repl: (m: Match) => string): string {
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  const matcher = c.re.matcher(s);
  while (searchPos <= s.length) {
    const m = matchAt(c, s, searchPos, matcher);
    if (!m) break;
    out += s.slice(lastEnd, m[0]);
    if (m[1] > lastEnd || m[0] === 0) out += repl(m);
    lastEnd = m[1];
    const width = runeWidth(s, searchPos);
    if (searchPos + width > m[1]) searchPos += width;
    else if (searchPos + 1 > m[1]) searchPos++;
    else searchPos = m[1];
  }
  return out + s.slice(lastEnd);
}

function split(c: Compiled, expr: string, s: string, n: number): string[] {
  if (n === 0) return goSlice([], { elem: 'string', nil: true });
  if (expr.length > 0 && s.length === 0) return goSlice([''], { elem: 'string' });
  const matches = allMatches(c, s, n);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && out.length === n - 1) break;
    end = m[0];
    if (m[1] !== 0) out.push(s.slice(beg, end));
    beg = m[1];
  }
  if (end !== s.length) out.push(s.slice(beg));
  return goSlice(out, { elem: 'string' });
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

const impls = {
  regexMatch: (c: Compiled, s: string) => matchAt(c, s, 0) !== undefined,
  regexFindAll: (c: Compiled, s: string, n: number) => {
    const ms = allMatches(c, s, n);
    return goSlice(ms.map((m) => s.slice(m[0], m[1])), { elem: 'string', nil: ms.length === 0 });
  },
  regexFind: (c: Compiled, s: string) => {
    const m = matchAt(c, s, 0);
    return m ? s.slice(m[0], m[1]) : '';
  },
  regexReplaceAll: (c: Compiled, s: string, repl: string) => replaceAll(c, s, (m) => expand(repl, c, s, m)),
  regexReplaceAllLiteral: (c: Compiled, s: string, repl: string) => replaceAll(c, s, () => repl),
};

export const regexFuncs: FuncTable = {
  regexMatch: def('regexMatch', ['string', 'string'], (r: string, s: string) => {
    try {
      return impls.regexMatch(compile(r), s);
    } catch (e) {
      if (e instanceof GoFuncError) return false;
      throw e;
    }
  }),
  mustRegexMatch: def('mustRegexMatch', ['string', 'string'], (r: string, s: string) => impls.regexMatch(compile(r), s)),
  regexFindAll: def('regexFindAll', ['string', 'string', 'int'], (r: string, s: string, n: number) => impls.regexFindAll(mustCompile(r), s, n)),
  mustRegexFindAll: def('mustRegexFindAll', ['string', 'string', 'int'], (r: string, s: string, n: number) => impls.regexFindAll(compile(r), s, n)),
  regexFind: def('regexFind', ['string', 'string'], (r: string, s: string) => impls.regexFind(mustCompile(r), s)),
  mustRegexFind: def('mustRegexFind', ['string', 'string'], (r: string, s: string) => impls.regexFind(compile(r), s)),
  regexReplaceAll: def('regexReplaceAll', ['string', 'string', 'string'], (r: string, s: string, repl: string) => impls.regexReplaceAll(mustCompile(r), s, repl)),
  mustRegexReplaceAll: def('mustRegexReplaceAll', ['string', 'string', 'string'], (r: string, s: string, repl: string) => impls.regexReplaceAll(compile(r), s, repl)),
  regexReplaceAllLiteral: def('regexReplaceAllLiteral', ['string', 'string', 'string'], (r: string, s: string, repl: string) => impls.regexReplaceAllLiteral(mustCompile(r), s, repl)),
  mustRegexReplaceAllLiteral: def('mustRegexReplaceAllLiteral', ['string', 'string', 'string'], (r: string, s: string, repl: string) => impls.regexReplaceAllLiteral(compile(r), s, repl)),
  regexSplit: def('regexSplit', ['string', 'string', 'int'], (r: string, s: string, n: number): GoValue => split(mustCompile(r), r, s, n)),
  mustRegexSplit: def('mustRegexSplit', ['string', 'string', 'int'], (r: string, s: string, n: number): GoValue => split(compile(r), r, s, n)),
  regexQuoteMeta: def('regexQuoteMeta', ['string'], quoteMeta),
};
