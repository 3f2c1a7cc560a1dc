import { ChartroomError } from '../errors.js';
import type { Values } from '../chart/model.js';
import { getKey, isMap, setKey } from './tree.js';

/** Helm's limits for `--set` paths. */
export const MAX_NESTING = 30;
export const MAX_INDEX = 65536;

export type SetMode = 'typed' | 'string' | 'json' | 'literal';

class SetSyntaxError extends Error {}

/** Helm's type inference for `--set`: booleans, null and integers; everything else stays a string. */
export function typedValue(raw: string): unknown {
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (raw === '0') return 0;
  if (raw.length > 0 && raw[0] !== '0' && /^[+-]?\d+$/.test(raw)) {
    const n = Number(raw);
    const big = BigInt(raw);
    if (big >= -(2n ** 63n) && big < 2n ** 63n) return n;
  }
  return raw;
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}
  eof() {
    return this.pos >= this.text.length;
  }
  peek() {
    return this.text[this.pos];
  }
  /** Reads up to (and consumes) one of the stop characters; `\` escapes the next character. */
  until(stops: string): { text: string; stop: string | undefined } {
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      if (stops.includes(c)) return { text: out, stop: c };
      if (c === '\\') {
        if (this.pos >= this.text.length) return { text: out, stop: undefined };
        out += this.text[this.pos++];
        continue;
      }
      out += c;
    }
    return { text: out, stop: undefined };
  }
}

/** Reads the end of one JSON value starting at `pos`, so `a={"x":1},b=2` splits after the object. */
function jsonValueEnd(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && /\s/.test(text[i])) i++;
  const first = text[i];
  if (first === '{' || first === '[' || first === '"') {
    let depth = 0;
    let inStr = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inStr) {
        if (c === '\\') i++;
        else if (c === '"') {
          inStr = false;
          if (depth === 0) return i + 1;
        }
      } else if (c === '"') inStr = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  const comma = text.indexOf(',', i);
  return comma < 0 ? text.length : comma;
}

/**
 * Parses one `--set`-style expression (`a.b=1,c[0].d={x,y}`) into `dest`, in place, with Helm's syntax.
 * `readFile` turns a `--set-file` value (a path) into its contents.
 */
export function parseSetInto(expr: string, dest: Values, mode: SetMode, flag = '--set', readFile?: (path: string) => string): void {
  if (mode === 'literal') return parseLiteralInto(expr, dest, flag);
  const sc = new Scanner(expr);
  const convert = (raw: string): unknown => {
    if (readFile) return readFile(raw);
    return mode === 'string' ? raw : typedValue(raw);
  };
  const fail = (msg: string): never => {
    throw new ChartroomError('SET_SYNTAX', `${flag} ${JSON.stringify(expr)}: ${msg}`, { field: flag, hint: 'syntax: key.sub=value, list[0]=value, list={a,b}; escape , . = with \\' });
  };

  const readValue = (): unknown => {
    if (mode === 'json') {
      const start = sc.pos;
      // An empty value means null.
      let j = start;
      while (j < expr.length && /\s/.test(expr[j])) j++;
      if (j >= expr.length || expr[j] === ',') {
        sc.pos = j < expr.length ? j + 1 : j;
        return null;
      }
      const end = jsonValueEnd(expr, start);
      const slice = expr.slice(start, end);
      sc.pos = end;
      while (!sc.eof() && /\s/.test(sc.peek()!)) sc.pos++;
      if (sc.peek() === ',') sc.pos++;
      try {
        return JSON.parse(slice);
      } catch (e) {
        return fail(`invalid JSON value ${JSON.stringify(slice)}: ${(e as Error).message}`);
      }
    }
    if (sc.peek() === '{') {
      sc.pos++;
      const list: unknown[] = [];
      for (;;) {
        const { text, stop } = sc.until(',}');
        if (stop === undefined) fail("list must terminate with '}'");
        list.push(convert(text));
        if (stop === '}') {
          if (sc.peek() === ',') sc.pos++;
          return list;
        }
      }
    }
    const { text } = sc.until(',');
    return convert(text);
  };

  const setIndex = (list: unknown[], index: number, value: unknown): unknown[] => {
    if (index < 0) fail(`negative index ${index} is not allowed`);
    if (index > MAX_INDEX) fail(`index ${index} is greater than the maximum of ${MAX_INDEX}`);
    while (list.length <= index) list.push(null);
    list[index] = value;
    return list;
  };

  const readIndex = (): number => {
    const { text, stop } = sc.until(']');
    if (stop === undefined || !/^\d+$/.test(text.trim())) fail(`invalid list index [${text}`);
    return Number(text.trim());
  };

  const listItem = (list: unknown[], index: number, level: number): unknown[] => {
    const { text, stop } = sc.until('[.=');
    if (text.length > 0) fail(`unexpected data after list index: ${JSON.stringify(text)}`);
    if (stop === '=') {
      if (sc.eof() && mode !== 'json') return setIndex(list, index, '');
      return setIndex(list, index, readValue());
    }
    if (stop === '[') {
      const next = readIndex();
      const existing = list[index];
      const inner = Array.isArray(existing) ? existing : [];
      return setIndex(list, index, listItem(inner, next, level));
    }
    if (stop === '.') {
      const existing = list[index];
      const inner: Values = isMap(existing) ? existing : {};
      key(inner, level + 1);
      return setIndex(list, index, inner);
    }
    return fail('unexpected end after list index');
  };

  // Returns false at the end of input.
  const key = (data: Values, level: number): boolean => {
    if (level > MAX_NESTING) fail(`keys are nested deeper than ${MAX_NESTING} levels`);
    const { text: k, stop } = sc.until('=[,.');
    if (stop === undefined) {
      if (k.length === 0) return false;
      fail(`key ${JSON.stringify(k)} has no value`);
    }
    if (stop === '[') {
      const index = readIndex();
      const existing = getKey(data, k);
      const list = Array.isArray(existing) ? existing : [];
      setKey(data, k, listItem(list, index, level));
      return true;
    }
    if (stop === '=') {
      if (k.length === 0) fail('a key is empty');
      if (sc.eof() && mode !== 'json') {
        setKey(data, k, readFile ? readFile('') : '');
        return false;
      }
      setKey(data, k, readValue());
      return true;
    }
    if (stop === ',') fail(`key ${JSON.stringify(k)} has no value (cannot end with ,)`);
    // stop === '.'
    if (k.length === 0) fail('a key is empty');
    const existing = getKey(data, k);
    const inner: Values = isMap(existing) ? existing : {};
    const more = key(inner, level + 1);
    if (Object.keys(inner).length === 0 && !isMap(existing)) fail(`key map ${JSON.stringify(k)} has no value`);
    setKey(data, k, inner);
    return more;
  };

  try {
    while (key(dest, 0)) {
      /* one key=value at a time */
    }
  } catch (e) {
    if (e instanceof SetSyntaxError) fail(e.message);
    throw e;
  }
}

/** `--set-literal`: the key path is parsed, the whole value after `=` is taken as one string. */
export function parseLiteralInto(expr: string, dest: Values, flag = '--set-literal'): void {
  const eq = expr.indexOf('=');
  if (eq < 0) throw new ChartroomError('SET_SYNTAX', `${flag} ${JSON.stringify(expr)}: key has no value`, { field: flag });
  const path = expr.slice(0, eq);
  const value = expr.slice(eq + 1);
  const tokens: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\./g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) {
    if (m[1] !== undefined) tokens.push(m[1]);
    else if (m[2] !== undefined) {
      const i = Number(m[2]);
      if (i > MAX_INDEX) throw new ChartroomError('SET_SYNTAX', `${flag}: index ${i} is greater than the maximum of ${MAX_INDEX}`, { field: flag });
      tokens.push(i);
    }
  }
  if (tokens.length === 0 || typeof tokens[0] !== 'string') throw new ChartroomError('SET_SYNTAX', `${flag} ${JSON.stringify(expr)}: invalid key`, { field: flag });
  if (tokens.length > MAX_NESTING + 1) throw new ChartroomError('SET_SYNTAX', `${flag}: keys are nested deeper than ${MAX_NESTING} levels`, { field: flag });
  let cur: Values | unknown[] = dest;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const last = i === tokens.length - 1;
    const next = tokens[i + 1];
    const make = () => (typeof next === 'number' ? [] : {});
    if (Array.isArray(cur)) {
      const idx = t as number;
      while (cur.length <= idx) cur.push(null);
      if (last) cur[idx] = value;
      else {
        const ex = cur[idx];
        if (!(typeof next === 'number' ? Array.isArray(ex) : isMap(ex))) cur[idx] = make();
        cur = cur[idx] as Values | unknown[];
      }
    } else {
      const k = String(t);
      if (last) setKey(cur, k, value);
      else {
        const ex = getKey(cur, k);
        if (!(typeof next === 'number' ? Array.isArray(ex) : isMap(ex))) setKey(cur, k, make());
        cur = getKey(cur, k) as Values | unknown[];
      }
    }
  }
}
