/** Go's formatting rules where charts depend on them: `%v`, `printf` verbs, `%q` quoting, date layouts. */

function isPlainMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v);
}

/** Go's `%v` of a value: `[a b]` for lists, `map[k:v]` for maps, nothing for nil. */
export function goString(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (hasOwnToString(v)) return String((v as { toString(): string }).toString());
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (isPlainMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goValue(v[k])}`).join(' ')}]`;
  }
  return String(v);
}

/** Objects that print as a string, like Go's Stringer (e.g. Capabilities.KubeVersion). */
export function hasOwnToString(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, 'toString') && typeof (v as { toString: unknown }).toString === 'function';
}

function goValue(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  return goString(v);
}

/** Whole numbers print without a decimal point; others as JavaScript prints them. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? n.toFixed(0) : String(n);
  return String(n);
}

/** The characters goQuote escapes. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\x00-\x1f\x7f]/;

/** Go's `%q`: a double-quoted string with Go escapes. */
export function goQuote(s: string): string {
  // The usual string has nothing to escape: quoted as it is, without a step per character.
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function pad(s: string, width: number | undefined, left: boolean, zero: boolean): string {
  if (width === undefined || s.length >= width) return s;
  if (left) return s + ' '.repeat(width - s.length);
  if (zero) {
    const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
    const body = sign ? s.slice(1) : s;
    return sign + '0'.repeat(width - s.length) + body;
  }
  return ' '.repeat(width - s.length) + s;
}

/** Go's `fmt.Sprintf` for the verbs charts use: %s %v %d %f %g %e %q %x %X %o %b %t %c %T %%. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  const re = /%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(format))) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, flags, w, p, verb] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const width = w === '*' ? Number(args[argi++]) : w !== undefined ? Number(w) : undefined;
    const prec = p === '*' ? Number(args[argi++]) : p !== undefined ? Number(p) : m[0].includes('.') ? 0 : undefined;
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const a = args[argi++];
    const left = flags.includes('-');
    const zero = flags.includes('0') && !left;
    const plus = flags.includes('+');
    let s: string;
    const num = typeof a === 'number' ? a : typeof a === 'string' && a.trim() !== '' && !isNaN(Number(a)) ? Number(a) : NaN;
    switch (verb) {
      case 's':
      case 'v':
        s = a === null || a === undefined ? (verb === 'v' ? '<nil>' : '%!s(<nil>)') : goString(a);
        if (prec !== undefined && verb === 's') s = s.slice(0, prec);
        break;
      case 'd':
        if (typeof a === 'number' || typeof a === 'bigint') s = (plus && Number(a) >= 0 ? '+' : '') + formatNumber(Math.trunc(Number(a)));
        else s = `%!d(${typeof a}=${goString(a)})`;
        break;
      case 'f':
      case 'F':
        s = isNaN(num) ? `%!f(${typeof a}=${goString(a)})` : (plus && num >= 0 ? '+' : '') + num.toFixed(prec ?? 6);
        break;
      case 'e':
        s = isNaN(num) ? `%!e(${goString(a)})` : num.toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
        break;
      case 'g':
        s = isNaN(num) ? `%!g(${goString(a)})` : prec !== undefined ? String(Number(num.toPrecision(prec || 1))) : String(num);
        break;
      case 'q':
        s = goQuote(goString(a));
        break;
      case 'x':
      case 'X': {
        let h = typeof a === 'number' ? Math.trunc(a).toString(16) : Buffer.from(goString(a)).toString('hex');
        if (verb === 'X') h = h.toUpperCase();
        s = flags.includes('#') ? `0x${h}` : h;
        break;
      }
      case 'o':
        s = Math.trunc(num).toString(8);
        break;
      case 'b':
        s = Math.trunc(num).toString(2);
        break;
      case 't':
        s = typeof a === 'boolean' ? String(a) : `%!t(${goString(a)})`;
        break;
      case 'c':
        s = String.fromCodePoint(Math.trunc(num));
        break;
      case 'T':
        s = a === null ? '<nil>' : Array.isArray(a) ? '[]interface {}' : isPlainMap(a) ? 'map[string]interface {}' : typeof a === 'number' ? (Number.isInteger(a) ? 'int64' : 'float64') : typeof a === 'boolean' ? 'bool' : 'string';
        break;
      default:
        s = `%!${verb}(${goString(a)})`;
    }
    out += pad(s, width, left, zero && verb !== 's' && verb !== 'v' && verb !== 'q');
  }
  out += format.slice(last);
  if (argi < args.length) out += `%!(EXTRA ${args.slice(argi).map((a) => goString(a)).join(', ')})`;
  return out;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Formats a date with a Go layout (`2006-01-02T15:04:05Z07:00`), in UTC or a fixed offset in minutes. */
export function goDate(layout: string, d: Date, offsetMinutes = 0): string {
  const t = new Date(d.getTime() + offsetMinutes * 60_000);
  const Y = t.getUTCFullYear();
  const M = t.getUTCMonth();
  const D = t.getUTCDate();
  const h = t.getUTCHours();
  const mi = t.getUTCMinutes();
  const s = t.getUTCSeconds();
  const ms = t.getUTCMilliseconds();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const off = (sep: boolean, zulu: boolean) => {
    if (zulu && offsetMinutes === 0) return 'Z';
    const sign = offsetMinutes < 0 ? '-' : '+';
    const a = Math.abs(offsetMinutes);
    return `${sign}${p2(Math.floor(a / 60))}${sep ? ':' : ''}${p2(a % 60)}`;
  };
  const tokens: [string, () => string][] = [
    ['2006', () => String(Y)],
    ['Z07:00', () => off(true, true)],
    ['-07:00', () => off(true, false)],
    ['Z0700', () => off(false, true)],
    ['-0700', () => off(false, false)],
    ['January', () => MONTHS[M]],
    ['Monday', () => DAYS[t.getUTCDay()]],
    ['.000000000', () => '.' + String(ms * 1_000_000).padStart(9, '0')],
    ['.000000', () => '.' + String(ms * 1000).padStart(6, '0')],
    ['.000', () => '.' + String(ms).padStart(3, '0')],
    ['Jan', () => MONTHS[M].slice(0, 3)],
    ['Mon', () => DAYS[t.getUTCDay()].slice(0, 3)],
    ['MST', () => (offsetMinutes === 0 ? 'UTC' : off(false, false))],
    ['01', () => p2(M + 1)],
    ['02', () => p2(D)],
    ['_2', () => String(D).padStart(2, ' ')],
    ['06', () => p2(Y % 100)],
    ['15', () => p2(h)],
    ['03', () => p2(h % 12 || 12)],
    ['04', () => p2(mi)],
    ['05', () => p2(s)],
    ['PM', () => (h >= 12 ? 'PM' : 'AM')],
    ['pm', () => (h >= 12 ? 'pm' : 'am')],
    ['1', () => String(M + 1)],
    ['2', () => String(D)],
    ['3', () => String(h % 12 || 12)],
    ['4', () => String(mi)],
    ['5', () => String(s)],
  ];
  let out = '';
  let i = 0;
  outer: while (i < layout.length) {
    for (const [tok, fn] of tokens) {
      if (layout.startsWith(tok, i)) {
        out += fn();
        i += tok.length;
        continue outer;
      }
    }
    out += layout[i++];
  }
  return out;
}
