import { ChartroomError } from '../errors.js';
import type { Values } from '../chart/model.js';
import { getKey, hasKey, isMap, setKey } from './tree.js';

/** Helm's limits for `--set` paths. */
export const MAX_NESTING = 30;
export const MAX_INDEX = 65536;

export type SetMode = 'typed' | 'string' | 'json' | 'literal';

/** The syntax reminder shown under a parse error, fitting the flag that was given. */
export function setSyntaxHint(mode: SetMode, flag = '--set'): string {
  if (mode === 'json') return 'syntax: key.sub=<JSON>, list[0]=<JSON> (several separated by ,; an empty value is null), or one whole JSON object {"key": …}';
  if (mode === 'literal') return 'syntax: key.sub=value or list[0]=value; everything after the first = is the value, as is (no lists, no escapes)';
  if (flag === '--set-file') return 'syntax: key.sub=path, list[0]=path, list={path1,path2}; escape , . = with \\';
  return 'syntax: key.sub=value, list[0]=value, list={a,b}; escape , . = with \\';
}

/** Helm's type inference for `--set`: booleans, null and integers; everything else stays a string. */
export function typedValue(raw: string): unknown {
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (raw === '0') return 0;
  if (raw.length > 0 && raw[0] !== '0' && isInt64(raw)) return Number(raw);
  return raw;
}

/** Whether Go's ParseInt/Atoi read `text` as an int64: an optional sign, decimal digits, in range. */
function isInt64(text: string): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false;
  const negative = text[0] === '-';
  const digits = text.replace(/^[+-]?0*/, '');
  if (digits.length !== 19) return digits.length < 19;
  // Same length: the decimal strings compare as the numbers do.
  return digits <= (negative ? '9223372036854775808' : '9223372036854775807');
}

/** How one step of the parse ended: more expressions may follow, or the input is used up. */
type Step = 'more' | 'eof';

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (isMap(v)) return 'a map';
  return `a ${typeof v} (${JSON.stringify(v)})`;
}

/**
 * One `--set`-family expression, read left to right in a single pass, with helm's grammar: keys end at `=`, `[`,
 * `.` (and `,` outside --set-literal); `\` escapes the next character outside --set-literal; a value ends at `,`
 * (at the end of the input for --set-literal, at the end of one JSON value for --set-json).
 */
class SetParser {
  private pos = 0;
  /** How many values were set so far. */
  private sets = 0;
  private readonly escapes: boolean;

  constructor(
    private readonly expr: string,
    private readonly mode: SetMode,
    private readonly flag: string,
    private readonly readFile?: (path: string) => string,
  ) {
    this.escapes = mode !== 'literal';
  }

  fail(msg: string): never {
    throw new ChartroomError('SET_SYNTAX', `${this.flag} ${JSON.stringify(this.expr)}: ${msg}`, { field: this.flag, hint: setSyntaxHint(this.mode, this.flag) });
  }

  parseInto(dest: Values): void {
    try {
      while (this.key(dest, 0) === 'more') {
        /* one key=value at a time */
      }
    } catch (e) {
      // Lists in lists (`a[0][0]…`) have no limit in helm either; thousands of them run out of stack here.
      if (e instanceof RangeError) this.fail('lists are nested too deeply');
      throw e;
    }
  }

  /** Reads up to (and consumes) one of the stop characters; `stop` is undefined at the end of the input. */
  private until(stops: string): { text: string; stop: string | undefined } {
    const { expr } = this;
    let out = '';
    while (this.pos < expr.length) {
      const c = expr[this.pos++];
      if (stops.includes(c)) return { text: out, stop: c };
      if (c === '\\' && this.escapes) {
        if (this.pos >= expr.length) return { text: out, stop: undefined };
        out += expr[this.pos++];
        continue;
      }
      out += c;
    }
    return { text: out, stop: undefined };
  }

  private key(data: Values, level: number): Step {
    const { text: k, stop } = this.until(this.mode === 'literal' ? '=[.' : '=[,.');
    if (stop === undefined) {
      if (k.length === 0) return 'eof';
      this.fail(`key ${JSON.stringify(k)} has no value`);
    }
    if (stop === ',') this.fail(`key ${JSON.stringify(k)} has no value (cannot end with ,)`);
    // helm silently drops what is set under an empty key; a mistake, so it is refused here.
    if (k.length === 0) this.fail(`a key is empty (before "${stop}")`);
    if (stop === '[') {
      const index = this.index();
      const existing = getKey(data, k);
      if (hasKey(data, k) && !Array.isArray(existing)) this.fail(`key ${JSON.stringify(k)} holds ${kindOf(existing)}, not a list, so [${index}] cannot index it`);
      const [list, step] = this.listItem((existing as unknown[] | undefined) ?? [], index, level);
      this.put(data, k, list);
      return step;
    }
    if (stop === '.') {
      if (level + 1 > MAX_NESTING) this.fail(`keys are nested deeper than ${MAX_NESTING} levels`);
      const existing = getKey(data, k);
      if (hasKey(data, k) && !isMap(existing)) this.fail(`key ${JSON.stringify(k)} holds ${kindOf(existing)}, not a map, so it cannot take a nested key`);
      if (existing !== undefined) return this.key(existing as Values, level + 1);
      // A new map is kept only if something was set in it (helm keeps no empty map for `a.` at the end). Counting
      // the sets, rather than the map's keys, keeps a long run of `m.k1=…,m.k2=…` linear.
      const inner: Values = {};
      const before = this.sets;
      const step = this.key(inner, level + 1);
      if (this.sets > before) this.put(data, k, inner);
      else if (step === 'more') this.fail(`key map ${JSON.stringify(k)} has no value`);
      return step;
    }
    // stop === '='
    const [value, step] = this.value();
    this.put(data, k, value);
    return step;
  }

  /** The value after `=`, and whether more may follow. */
  private value(): [unknown, Step] {
    const { expr } = this;
    if (this.mode === 'literal') {
      const v = expr.slice(this.pos);
      this.pos = expr.length;
      return [v, 'more'];
    }
    if (this.mode === 'json') {
      if (this.skipBlankAndComma()) return [null, 'more'];
      const v = this.jsonValue();
      this.skipBlankAndComma();
      return [v, 'more'];
    }
    if (this.pos >= expr.length) return ['', 'eof'];
    if (expr[this.pos] === '{') {
      this.pos++;
      const list: unknown[] = [];
      for (;;) {
        const { text, stop } = this.until(',}');
        if (stop === undefined) this.fail("list must terminate with '}'");
        list.push(this.convert(text));
        if (stop === '}') {
          if (expr[this.pos] === ',') this.pos++;
          return [list, 'more'];
        }
      }
    }
    return [this.convert(this.until(',').text), 'more'];
  }

  private convert(raw: string): unknown {
    if (this.readFile) return this.readFile(raw);
    return this.mode === 'string' ? raw : typedValue(raw);
  }

  /** Skips blanks; true (having consumed it) at a `,` or the end of the input, where a JSON value is empty. */
  private skipBlankAndComma(): boolean {
    const { expr } = this;
    while (this.pos < expr.length && /\s/.test(expr[this.pos])) this.pos++;
    if (this.pos >= expr.length) return true;
    if (expr[this.pos] === ',') {
      this.pos++;
      return true;
    }
    return false;
  }

  /** Reads one JSON value at the current position (so `a={"x":1},b=2` splits after the object). */
  private jsonValue(): unknown {
    const { expr } = this;
    const start = this.pos;
    let i = start;
    const first = expr[i];
    if (first === '{' || first === '[' || first === '"') {
      let depth = 0;
      let inStr = false;
      let end = -1;
      for (; i < expr.length && end < 0; i++) {
        const c = expr[i];
        if (inStr) {
          if (c === '\\') i++;
          else if (c === '"') {
            inStr = false;
            if (depth === 0) end = i + 1;
          }
        } else if (c === '"') inStr = true;
        else if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') {
          depth--;
          if (depth === 0) end = i + 1;
        }
      }
      i = end < 0 ? expr.length : end;
    } else {
      // A number or a literal (true, false, null) runs to the first character that cannot be part of one.
      while (i < expr.length && /[A-Za-z0-9+\-.]/.test(expr[i])) i++;
    }
    const slice = expr.slice(start, i);
    this.pos = i;
    try {
      return JSON.parse(slice);
    } catch (e) {
      return this.fail(`invalid JSON value ${JSON.stringify(slice)}: ${(e as Error).message}`);
    }
  }

  /** A list index after `[`, as Go's Atoi reads it. */
  private index(): number {
    const { text, stop } = this.until(']');
    if (stop === undefined) this.fail(`list index [${text} has no closing ]`);
    // Go's Atoi: an optional sign, decimal digits, within int64
    if (!isInt64(text)) this.fail(`invalid list index [${text}]`);
    const i = Number(text);
    if (i < 0) this.fail(`negative index ${text} is not allowed`);
    return i;
  }

  private put(data: Values, k: string, value: unknown): void {
    this.sets++;
    setKey(data, k, value);
  }

  private setIndex(list: unknown[], index: number, value: unknown): unknown[] {
    this.sets++;
    if (index > MAX_INDEX) this.fail(`index ${index} is greater than the maximum of ${MAX_INDEX}`);
    while (list.length <= index) list.push(null);
    list[index] = value;
    return list;
  }

  /** What follows `list[index]`: `=value`, another `[i]`, or `.key`. At the end of the input the list is kept as it is. */
  private listItem(list: unknown[], index: number, level: number): [unknown[], Step] {
    const { text, stop } = this.until('[.=');
    if (text.length > 0) this.fail(`unexpected data after list index [${index}]: ${JSON.stringify(text)}`);
    if (stop === undefined) return [list, 'eof'];
    if (stop === '=') {
      const [value, step] = this.value();
      // `list[0]=` at the very end sets an empty string, and nothing more follows.
      this.setIndex(list, index, value);
      return [list, step === 'eof' ? 'more' : step];
    }
    if (stop === '[') {
      const next = this.index();
      const existing = index < list.length ? list[index] : null;
      if (existing !== null && existing !== undefined && !Array.isArray(existing)) this.fail(`item [${index}] holds ${kindOf(existing)}, not a list, so [${next}] cannot index it`);
      const [inner, step] = this.listItem((existing as unknown[] | null | undefined) ?? [], next, level);
      if (step === 'eof') return [list, 'eof'];
      return [this.setIndex(list, index, inner), step];
    }
    // stop === '.': an item that is not a map yet becomes one
    let inner: Values = {};
    if (index < list.length) {
      const existing = list[index];
      if (isMap(existing)) inner = existing;
      else list[index] = inner;
    }
    const step = this.key(inner, level);
    if (step === 'eof') return [list, 'eof'];
    return [this.setIndex(list, index, inner), step];
  }
}

/** `--set-json '{"a": …}'`: one whole JSON object, merged into the values as a values file would be. */
function mergeJsonObject(dest: Values, over: Values): void {
  for (const k of Object.keys(over)) {
    const v = over[k];
    const cur = getKey(dest, k);
    if (isMap(v) && isMap(cur)) mergeJsonObject(cur, v);
    else setKey(dest, k, v);
  }
}

/**
 * Parses one `--set`-style expression (`a.b=1,c[0].d={x,y}`) into `dest`, in place, with Helm's syntax.
 * `readFile` turns a `--set-file` value (a path) into its contents.
 */
export function parseSetInto(expr: string, dest: Values, mode: SetMode, flag = defaultFlag(mode), readFile?: (path: string) => string): void {
  const parser: SetParser = new SetParser(expr, mode, flag, readFile);
  if (mode === 'json' && expr.trim().startsWith('{')) {
    let obj: unknown;
    try {
      obj = JSON.parse(expr.trim());
    } catch (e) {
      parser.fail(`invalid JSON object: ${(e as Error).message}`);
    }
    if (!isMap(obj)) parser.fail('not a JSON object');
    mergeJsonObject(dest, obj);
    return;
  }
  parser.parseInto(dest);
}

function defaultFlag(mode: SetMode): string {
  return mode === 'json' ? '--set-json' : mode === 'literal' ? '--set-literal' : mode === 'string' ? '--set-string' : '--set';
}

/** `--set-literal`: the key path is parsed, the whole value after `=` is taken as one string. */
export function parseLiteralInto(expr: string, dest: Values, flag = '--set-literal'): void {
  parseSetInto(expr, dest, 'literal', flag);
}
