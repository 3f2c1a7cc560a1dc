import { GoDuration, GoFuncError, GoTime, type GoValue } from '../value.js';
import { formatFloat } from './fmt.js';
import { GO_JSON, goTypeName, isGoMap, mapSet, newMap, sliceInfo, sortedKeys } from './kinds.js';
import { formatTime } from './time.js';

/**
 * Go's encoding/json for our values: Marshal (sorted map keys, HTML-safe escapes unless asked not to, floats
 * as Go prints them) and Unmarshal into interface{} (numbers become float64) with Go's error messages.
 */

const HEX = '0123456789abcdef';

/** A JSON string literal as Go writes it. */
export function jsonString(s: string, escapeHTML = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && !(escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) {
        out += s[i];
        continue;
      }
      switch (c) {
        case 0x22:
          out += '\\"';
          break;
        case 0x5c:
          out += '\\\\';
          break;
        case 0x08:
          out += '\\b';
          break;
        case 0x0c:
          out += '\\f';
          break;
        case 0x0a:
          out += '\\n';
          break;
        case 0x0d:
          out += '\\r';
          break;
        case 0x09:
          out += '\\t';
          break;
        default:
          out += '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
      }
      continue;
    }
    if (c === 0x2028 || c === 0x2029) {
      out += '\\u202' + HEX[c & 0xf];
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i] + s[i + 1];
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    out += s[i];
  }
  return out + '"';
}

/** A float64 as encoding/json writes it. */
export function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new GoFuncError(`json: unsupported value: ${formatFloat(f)}`);
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // Go writes e-07 as e-7.
    return formatFloat(f, 'e').replace(/e([+-])0(\d)$/, 'e$1$2');
  }
  return formatFloat(f, 'f');
}

export interface JsonOptions {
  escapeHTML?: boolean;
  /** MarshalIndent's indent (prefix is always empty here). */
  indent?: string;
}

/** json.Marshal (or MarshalIndent). Throws GoFuncError with Go's message for unsupported values. */
export function marshalJson(v: GoValue, opts: JsonOptions = {}): string {
  const escapeHTML = opts.escapeHTML ?? true;
  const indent = opts.indent ?? '';
  const seen = new Set<object>();
  const enc = (x: GoValue, depth: number): string => {
    if (x === null || x === undefined) return 'null';
    switch (typeof x) {
      case 'string':
        return jsonString(x, escapeHTML);
      case 'boolean':
        return x ? 'true' : 'false';
      case 'bigint':
        return x.toString();
      case 'number':
        return jsonFloat(x);
      case 'function':
        throw new GoFuncError(`json: unsupported type: ${goTypeName(x)}`);
    }
    if (x instanceof Uint8Array) return jsonString(Buffer.from(x).toString('base64'));
    if (x instanceof GoDuration) return x.ns.toString();
    if (x instanceof GoTime) {
      const s = formatTime(x, '2006-01-02T15:04:05.999999999Z07:00');
      if (!/^\d{4}-/.test(s)) throw new GoFuncError('json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside of range [0,9999]');
      return jsonString(s, escapeHTML);
    }
    const obj = x as Record<string | symbol, unknown>;
    if (typeof obj[GO_JSON] === 'function') return enc((obj[GO_JSON] as () => GoValue)(), depth);
    if (seen.has(obj)) throw new GoFuncError(`json: unsupported value: encountered a cycle via ${goTypeName(x)}`);
    seen.add(obj);
    try {
      const nl = indent ? '\n' + indent.repeat(depth + 1) : '';
      const close = indent ? '\n' + indent.repeat(depth) : '';
      if (Array.isArray(x)) {
        if (x.length === 0) return sliceInfo(x)?.nil ? 'null' : '[]';
        return '[' + x.map((e) => nl + enc(e, depth + 1)).join(',') + close + ']';
      }
      // Methods of objects standing for Go structs are not data.
      const keys = (isGoMap(x) ? sortedKeys(x) : Object.keys(x)).filter((k) => typeof obj[k] !== 'function');
      if (keys.length === 0) return '{}';
      const sep = indent ? ': ' : ':';
      return '{' + keys.map((k) => nl + jsonString(k, escapeHTML) + sep + enc(obj[k], depth + 1)).join(',') + close + '}';
    } finally {
      seen.delete(obj);
    }
  };
  return enc(v, 0);
}

class JsonSyntaxError extends GoFuncError {}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const code = c.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `'${JSON.stringify(c).slice(1, -1).replace(/^\\u00/, '\\x')}'`;
  return `'${c}'`;
}

/** A JSON number kept as its text (json.Number), for readers that decide int or float themselves. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/**
 * json.Unmarshal into interface{}: objects become maps, numbers float64 (or JsonNumber with `numbersAsText`).
 * Throws GoFuncError with Go's message.
 */
export function unmarshalJson(text: string, opts: { numbersAsText?: boolean } = {}): GoValue {
  let i = 0;
  const n = text.length;
  const err = (msg: string): never => {
    throw new JsonSyntaxError(msg);
  };
  const eof = () => err('unexpected end of JSON input');
  const ch = () => String.fromCodePoint(text.codePointAt(i)!);
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const value = (): GoValue => {
    ws();
    if (i >= n) eof();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (c === word[0]) {
        for (let k = 1; k < word.length; k++) {
          if (i + k >= n) eof();
          if (text[i + k] !== word[k]) {
            i += k;
            err(`invalid character ${quoteChar(ch())} in literal ${word} (expecting '${word[k]}')`);
          }
        }
        i += word.length;
        return v;
      }
    }
    return err(`invalid character ${quoteChar(ch())} looking for beginning of value`);
  };
  const object = (): GoValue => {
    i++;
    const m = newMap();
    ws();
    if (i >= n) eof();
    if (text[i] === '}') {
      i++;
      return m;
    }
    for (;;) {
      ws();
      if (i >= n) eof();
      if (text[i] !== '"') err(`invalid character ${quoteChar(ch())} looking for beginning of object key string`);
      const key = string();
      ws();
      if (i >= n) eof();
      if (text[i] !== ':') err(`invalid character ${quoteChar(ch())} after object key`);
      i++;
      mapSet(m, key, value());
      ws();
      if (i >= n) eof();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return m;
      }
      err(`invalid character ${quoteChar(ch())} after object key:value pair`);
    }
  };
  const array = (): GoValue => {
    i++;
    const a: GoValue[] = [];
    ws();
    if (i >= n) eof();
    if (text[i] === ']') {
      i++;
      return a;
    }
    for (;;) {
      a.push(value());
      ws();
      if (i >= n) eof();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return a;
      }
      err(`invalid character ${quoteChar(ch())} after array element`);
    }
  };
  const string = (): string => {
    i++;
    let out = '';
    for (;;) {
      if (i >= n) eof();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return out;
      }
      if (c < 0x20) err(`invalid character ${quoteChar(text[i])} in string literal`);
      if (c === 0x5c) {
        i++;
        if (i >= n) eof();
        const e = text[i];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in simple) {
          out += simple[e];
          i++;
          continue;
        }
        if (e !== 'u') err(`invalid character ${quoteChar(ch())} in string escape code`);
        const hex4 = (at: number) => {
          for (let k = 0; k < 4; k++) {
            if (at + k >= n) eof();
            if (!/[0-9a-fA-F]/.test(text[at + k])) {
              i = at + k;
              err(`invalid character ${quoteChar(ch())} in \\u hexadecimal character escape`);
            }
          }
          return parseInt(text.slice(at, at + 4), 16);
        };
        let cp = hex4(i + 1);
        i += 5;
        if (cp >= 0xd800 && cp < 0xdc00) {
          if (text.startsWith('\\u', i) && i + 6 <= n && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            const lo = parseInt(text.slice(i + 2, i + 6), 16);
            if (lo >= 0xdc00 && lo < 0xe000) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              i += 6;
            } else cp = 0xfffd;
          } else cp = 0xfffd;
        } else if (cp >= 0xdc00 && cp < 0xe000) cp = 0xfffd;
        out += String.fromCodePoint(cp);
        continue;
      }
      out += text[i++];
    }
  };
  const number = (): GoValue => {
    const start = i;
    if (text[i] === '-') {
      i++;
      if (i >= n) eof();
      if (!(text[i] >= '0' && text[i] <= '9')) err(`invalid character ${quoteChar(ch())} in numeric literal`);
    }
    if (text[i] === '0') i++;
    else while (i < n && text[i] >= '0' && text[i] <= '9') i++;
    if (i < n && text[i] === '.') {
      i++;
      if (i >= n) eof();
      if (!(text[i] >= '0' && text[i] <= '9')) err(`invalid character ${quoteChar(ch())} after decimal point in numeric literal`);
      while (i < n && text[i] >= '0' && text[i] <= '9') i++;
    }
    if (i < n && (text[i] === 'e' || text[i] === 'E')) {
      i++;
      if (i < n && (text[i] === '+' || text[i] === '-')) i++;
      if (i >= n) eof();
      if (!(text[i] >= '0' && text[i] <= '9')) err(`invalid character ${quoteChar(ch())} in exponent of numeric literal`);
      while (i < n && text[i] >= '0' && text[i] <= '9') i++;
    }
    const lit = text.slice(start, i);
    if (opts.numbersAsText) return new JsonNumber(lit);
    const f = Number(lit);
    if (!Number.isFinite(f)) throw new GoFuncError(`json: cannot unmarshal number ${lit} into Go value of type float64`);
    return f;
  };
  const v = value();
  ws();
  if (i < n) err(`invalid character ${quoteChar(ch())} after top-level value`);
  return v;
}

/** The JSON kind word Go uses in "cannot unmarshal X into …". */
function jsonKind(v: GoValue): string {
  if (Array.isArray(v)) return 'array';
  if (isGoMap(v)) return 'object';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

/** json.Unmarshal into map[string]interface{} (null leaves the map empty). */
export function unmarshalJsonMap(text: string): GoValue {
  const v = unmarshalJson(text);
  if (v === null) return newMap();
  if (!isGoMap(v)) throw new GoFuncError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}`);
  return v;
}

/** json.Unmarshal into []interface{} (null leaves the slice empty). */
export function unmarshalJsonArray(text: string): GoValue {
  const v = unmarshalJson(text);
  if (v === null) return [];
  if (!Array.isArray(v)) throw new GoFuncError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type []interface {}`);
  return v;
}
