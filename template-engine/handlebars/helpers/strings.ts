import { goQuote, sprintf } from '../go-format.js';
import type { Helper } from './types.js';
import { toNumber, toStr } from './values.js';

const words = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);

function indentText(n: unknown, text: unknown): string {
  const pad = ' '.repeat(Math.max(0, toNumber(n)));
  return pad + toStr(text).replace(/\n/g, '\n' + pad);
}

/** Compiles a chart's regular expression (Go RE2 syntax is close to JavaScript's for what charts use). */
function re(pattern: unknown, flags = ''): RegExp {
  const src = toStr(pattern).replace(/\(\?P</g, '(?<');
  return new RegExp(src, flags);
}

export const stringHelpers: Record<string, Helper> = {
  quote: (...args) => args.filter((a) => a !== null && a !== undefined).map((a) => goQuote(toStr(a))).join(' '),
  squote: (...args) => args.filter((a) => a !== null && a !== undefined).map((a) => `'${toStr(a)}'`).join(' '),
  upper: (s) => toStr(s).toUpperCase(),
  lower: (s) => toStr(s).toLowerCase(),
  title: (s) => toStr(s).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase()),
  untitle: (s) => toStr(s).replace(/(^|\s)(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toLowerCase()),
  trim: (s) => toStr(s).trim(),
  trimAll: (cut, s) => {
    const chars = [...toStr(cut)];
    let str = toStr(s);
    while (str && chars.includes(str[0])) str = str.slice(1);
    while (str && chars.includes(str[str.length - 1])) str = str.slice(0, -1);
    return str;
  },
  trimPrefix: (prefix, s) => {
    const p = toStr(prefix);
    const str = toStr(s);
    return p && str.startsWith(p) ? str.slice(p.length) : str;
  },
  trimSuffix: (suffix, s) => {
    const p = toStr(suffix);
    const str = toStr(s);
    return p && str.endsWith(p) ? str.slice(0, -p.length) : str;
  },
  trunc: (n, s) => {
    const c = toNumber(n);
    const str = toStr(s);
    if (c < 0) return str.length + c > 0 ? str.slice(str.length + c) : str;
    return str.slice(0, c);
  },
  replace: (from, to, s) => toStr(s).split(toStr(from)).join(toStr(to)),
  contains: (sub, s) => toStr(s).includes(toStr(sub)),
  hasPrefix: (prefix, s) => toStr(s).startsWith(toStr(prefix)),
  hasSuffix: (suffix, s) => toStr(s).endsWith(toStr(suffix)),
  indent: (n, s) => indentText(n, s),
  nindent: (n, s) => '\n' + indentText(n, s),
  printf: (format, ...args) => sprintf(toStr(format), args),
  print: (...args) => args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + toStr(a)).join(''),
  println: (...args) => args.map(toStr).join(' ') + '\n',
  cat: (...args) => args.filter((a) => a !== null && a !== undefined).map(toStr).join(' '),
  repeat: (n, s) => toStr(s).repeat(Math.max(0, toNumber(n))),
  substr: (start, end, s) => {
    const str = toStr(s);
    const a = toNumber(start);
    const b = toNumber(end);
    if (a < 0) return str.slice(0, b < 0 ? undefined : b);
    if (b < 0 || b > str.length) return str.slice(a);
    return str.slice(a, b);
  },
  camelcase: (s) => words(toStr(s)).map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join(''),
  snakecase: (s) => words(toStr(s)).map((w) => w.toLowerCase()).join('_'),
  kebabcase: (s) => words(toStr(s)).map((w) => w.toLowerCase()).join('-'),
  swapcase: (s) => [...toStr(s)].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  join: (sep, list) => (Array.isArray(list) ? list : [list]).filter((x) => x !== null && x !== undefined).map(toStr).join(toStr(sep)),
  split: (sep, s) => {
    const out: Record<string, string> = {};
    toStr(s).split(toStr(sep)).forEach((part, i) => (out[`_${i}`] = part));
    return out;
  },
  splitList: (sep, s) => toStr(s).split(toStr(sep)),
  splitn: (sep, n, s) => {
    const parts = toStr(s).split(toStr(sep));
    const c = toNumber(n);
    const kept = parts.length > c ? [...parts.slice(0, c - 1), parts.slice(c - 1).join(toStr(sep))] : parts;
    const out: Record<string, string> = {};
    kept.forEach((part, i) => (out[`_${i}`] = part));
    return out;
  },
  nospace: (s) => toStr(s).replace(/\s+/g, ''),
  abbrev: (n, s) => {
    const str = toStr(s);
    const c = toNumber(n);
    return str.length <= c ? str : str.slice(0, Math.max(0, c - 3)) + '...';
  },
  initials: (s) => words(toStr(s)).map((w) => w[0]).join(''),
  plural: (one, many, n) => (toNumber(n) === 1 ? toStr(one) : toStr(many)),
  regexMatch: (pattern, s) => re(pattern).test(toStr(s)),
  regexFind: (pattern, s) => re(pattern).exec(toStr(s))?.[0] ?? '',
  regexFindAll: (pattern, s, n) => {
    const all = [...toStr(s).matchAll(re(pattern, 'g'))].map((m) => m[0]);
    const c = toNumber(n);
    return c < 0 ? all : all.slice(0, c);
  },
  regexReplaceAll: (pattern, s, repl) => toStr(s).replace(re(pattern, 'g'), toStr(repl).replace(/\$\{(\w+)\}/g, '$$<$1>').replace(/\$<(\d+)>/g, '$$$1')),
  regexReplaceAllLiteral: (pattern, s, repl) => toStr(s).replace(re(pattern, 'g'), () => toStr(repl)),
  regexSplit: (pattern, s, n) => {
    const parts = toStr(s).split(re(pattern));
    const c = toNumber(n);
    return c < 0 ? parts : parts.slice(0, c);
  },
  toString: (v: unknown) => toStr(v),
  len: (v: unknown) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (v && typeof v === 'object') return Object.keys(v).length;
    return 0;
  },
};
