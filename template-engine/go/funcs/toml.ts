import { GoDuration, GoFuncError, GoTime, type GoValue } from '../value.js';
import { formatFloat } from './fmt.js';
import { compareGoStrings, GO_JSON, goKindName, isGoMap, listItems, mapSet, newMap, type GoMap } from './kinds.js';
import { durationString, formatTime } from './time.js';

/**
 * BurntSushi/toml's encoder (Helm's toToml): a map becomes key/value lines, then its sub-tables as `[a.b]`
 * headers (indented two spaces per level) and lists of maps as `[[a]]`; keys sorted; nil values left out.
 * And a reader for the TOML that fromToml meets in charts.
 */

function tomlQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

const BARE = /^[A-Za-z0-9_-]+$/;
const keyPart = (k: string) => (k === '' ? '""' : BARE.test(k) ? k : tomlQuote(k));

type TomlType = 'hash' | 'arrayHash' | 'array' | 'scalar' | null;

function unwrap(v: GoValue): GoValue {
  const obj = v as Record<string | symbol, unknown>;
  if (typeof v === 'object' && v !== null && typeof obj[GO_JSON] === 'function') return (obj[GO_JSON] as () => GoValue)();
  return v;
}

function tomlType(v: GoValue): TomlType {
  v = unwrap(v);
  if (v === null || v === undefined) return null;
  if (isGoMap(v)) return 'hash';
  if (Array.isArray(v) || v instanceof Uint8Array) return isTableArray(v) ? 'arrayHash' : 'array';
  if (typeof v === 'function') throw new GoFuncError(`unsupported type: func`);
  return 'scalar';
}

function isTableArray(arr: GoValue[] | Uint8Array): boolean {
  if (arr.length === 0) return false;
  let all = true;
  for (const e of listItems(arr)) {
    const t = tomlType(e);
    if (t === null) throw new GoFuncError('toml: cannot encode array with nil element');
    if (t !== 'hash') all = false;
  }
  return all;
}

/** toml.NewEncoder(…).Encode(v). Throws GoFuncError with the encoder's message. */
export function encodeToml(root: GoValue): string {
  let out = '';
  const write = (s: string) => {
    out += s;
  };
  const newline = () => {
    if (out !== '') write('\n');
  };
  const indentStr = (key: string[]) => '  '.repeat(Math.max(key.length - 1, 0));

  const element = (v: GoValue): void => {
    v = unwrap(v);
    if (v instanceof GoTime) return write(formatTime(v, '2006-01-02T15:04:05.999999999Z07:00'));
    if (v instanceof GoDuration) return write(tomlQuote(durationString(v.ns)));
    switch (typeof v) {
      case 'string':
        return write(tomlQuote(v));
      case 'boolean':
        return write(String(v));
      case 'bigint':
        return write(v.toString());
      case 'number': {
        if (Number.isNaN(v)) return write('nan');
        if (!Number.isFinite(v)) return write(v < 0 ? '-inf' : 'inf');
        const s = formatFloat(v, 'g');
        return write(/[e.]/.test(s) ? s : s + '.0');
      }
    }
    if (Array.isArray(v) || v instanceof Uint8Array) {
      const items = listItems(v);
      write('[');
      items.forEach((e, i) => {
        element(e);
        if (i !== items.length - 1) write(', ');
      });
      return write(']');
    }
    if (isGoMap(v)) return mapBody([], v, true);
    throw new GoFuncError(`unexpected type: ${goKindName(v)}`);
  };

  const keyValue = (key: string[], v: GoValue, inline: boolean) => {
    if (key.length === 0) return element(v);
    write(`${indentStr(key)}${keyPart(key[key.length - 1])} = `);
    element(v);
    if (!inline) newline();
  };

  const mapBody = (key: string[], m: GoMap, inline: boolean) => {
    const direct: string[] = [];
    const sub: string[] = [];
    for (const k of Object.keys(m)) {
      const t = tomlType(m[k]);
      (t === 'hash' || t === 'arrayHash' ? sub : direct).push(k);
    }
    if (inline) write('{');
    const writeKeys = (keys: string[], trailComma: boolean) => {
      keys.sort(compareGoStrings);
      keys.forEach((k, i) => {
        const v = m[k];
        if (v === null || v === undefined) return;
        if (inline) {
          keyValue([k], v, true);
          if (trailComma || i !== keys.length - 1) write(', ');
        } else encode([...key, k], v);
      });
    };
    writeKeys(direct, sub.length > 0);
    writeKeys(sub, false);
    if (inline) write('}');
  };

  const encode = (key: string[], v: GoValue): void => {
    v = unwrap(v);
    if (v === null || v === undefined) return;
    const t = tomlType(v);
    if (t === 'hash') {
      if (key.length === 1) newline();
      if (key.length > 0) {
        write(`${indentStr(key)}[${key.map(keyPart).join('.')}]`);
        newline();
      }
      return mapBody(key, v as GoMap, false);
    }
    if (t === 'arrayHash') {
      if (key.length === 0) throw new GoFuncError('toml: top-level values must be Go maps or structs');
      for (const e of listItems(v as GoValue[])) {
        newline();
        write(`${indentStr(key)}[[${key.map(keyPart).join('.')}]]`);
        newline();
        mapBody(key, e as GoMap, false);
      }
      return;
    }
    keyValue(key, v, false);
  };

  encode([], root);
  return out;
}

/** A small TOML reader (tables, arrays of tables, dotted keys, strings, numbers, booleans, dates, arrays, inline tables). */
export function decodeToml(text: string): GoMap {
  const root = newMap();
  let current = root;
  let line = 1;
  let i = 0;
  const n = text.length;
  const fail = (msg: string): never => {
    throw new GoFuncError(`toml: line ${line}: ${msg}`);
  };
  const skipWs = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const skipWsNl = () => {
    for (;;) {
      skipWs();
      if (text[i] === '#') while (i < n && text[i] !== '\n') i++;
      if (text[i] === '\n' || text[i] === '\r') {
        if (text[i] === '\n') line++;
        i++;
        continue;
      }
      return;
    }
  };
  const basicString = (): string => {
    const multi = text.startsWith('"""', i);
    i += multi ? 3 : 1;
    if (multi && text[i] === '\n') {
      i++;
      line++;
    }
    let out = '';
    for (;;) {
      if (i >= n) fail('unexpected EOF; expected \'"\'');
      if (multi ? text.startsWith('"""', i) : text[i] === '"') {
        i += multi ? 3 : 1;
        return out;
      }
      const c = text[i];
      if (c === '\n') {
        if (!multi) fail('strings cannot contain newlines');
        line++;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
        if (e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8;
          out += String.fromCodePoint(parseInt(text.slice(i + 2, i + 2 + len), 16));
          i += 2 + len;
        } else if (multi && (e === '\n' || e === ' ' || e === '\t' || e === '\r')) {
          i++;
          while (i < n && /[ \t\r\n]/.test(text[i])) {
            if (text[i] === '\n') line++;
            i++;
          }
        } else fail(`invalid escape in string '\\${e}'`);
        continue;
      }
      out += c;
      i++;
    }
  };
  const literalString = (): string => {
    const multi = text.startsWith("'''", i);
    i += multi ? 3 : 1;
    if (multi && text[i] === '\n') i++;
    const end = text.indexOf(multi ? "'''" : "'", i);
    if (end < 0) fail("unexpected EOF; expected \"'\"");
    const s = text.slice(i, end);
    if (!multi && s.includes('\n')) fail('strings cannot contain newlines');
    line += (s.match(/\n/g) ?? []).length;
    i = end + (multi ? 3 : 1);
    return s;
  };
  const key = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skipWs();
      if (text[i] === '"') parts.push(basicString());
      else if (text[i] === "'") parts.push(literalString());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
        if (!m) fail(`expected key but found ${JSON.stringify(text[i] ?? 'EOF')}`);
        parts.push(m![0]);
        i += m![0].length;
      }
      skipWs();
      if (text[i] !== '.') return parts;
      i++;
    }
  };
  const table = (base: GoMap, path: string[], arrayLast = false): GoMap => {
    let m = base;
    path.forEach((p, idx) => {
      let next = m[p];
      if (Array.isArray(next) && !(arrayLast && idx === path.length - 1)) next = next[next.length - 1];
      if (next === undefined) {
        next = newMap();
        mapSet(m, p, next);
      }
      if (arrayLast && idx === path.length - 1) return;
      if (!isGoMap(next)) fail(`key ${JSON.stringify(path.slice(0, idx + 1).join('.'))} is not a table`);
      m = next as GoMap;
    });
    return m;
  };
  const value = (): GoValue => {
    skipWs();
    const c = text[i];
    if (c === '"') return basicString();
    if (c === "'") return literalString();
    if (c === '[') {
      i++;
      const arr: GoValue[] = [];
      for (;;) {
        skipWsNl();
        if (text[i] === ']') {
          i++;
          return arr;
        }
        arr.push(value());
        skipWsNl();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail(`expected a comma (',') or array terminator (']'), but got ${JSON.stringify(text[i] ?? 'EOF')}`);
      }
    }
    if (c === '{') {
      i++;
      const m = newMap();
      skipWs();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        const k = key();
        if (text[i] !== '=') fail(`expected '=' after key`);
        i++;
        const v = value();
        mapSet(table(m, k.slice(0, -1)), k[k.length - 1], v);
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return m;
        }
        fail(`expected a comma or an inline table terminator '}'`);
      }
    }
    const m = /^[^\s,\]}#]+(?: \d{2}:\d{2}[^\s,\]}#]*)?/.exec(text.slice(i));
    if (!m) fail(`expected value but found ${JSON.stringify(c ?? 'EOF')}`);
    const tok = m![0];
    i += tok.length;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (/^[+-]?(inf|nan)$/.test(tok)) return tok.endsWith('nan') ? NaN : tok.startsWith('-') ? -Infinity : Infinity;
    const clean = tok.replace(/_/g, '');
    if (/^[+-]?(0|[1-9]\d*)$/.test(clean) || /^0x[0-9a-fA-F]+$/.test(clean) || /^0o[0-7]+$/.test(clean) || /^0b[01]+$/.test(clean)) {
      const neg = clean.startsWith('-');
      const v = BigInt(clean.replace(/^[+-]/, ''));
      return neg ? -v : v;
    }
    if (/^[+-]?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(clean)) return Number(clean);
    if (/^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([Zz]|[+-]\d{2}:\d{2})?$/.test(tok) || /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(tok)) {
      const d = new Date(tok.replace(' ', 'T'));
      if (!Number.isNaN(d.getTime()) && /[Zz]|[+-]\d{2}:\d{2}$/.test(tok)) return new GoTime(d.getTime(), 0, 'UTC');
      return tok;
    }
    return fail(`invalid value: ${JSON.stringify(tok)}`);
  };
  for (;;) {
    skipWsNl();
    if (i >= n) return root;
    if (text[i] === '[') {
      const isArray = text[i + 1] === '[';
      i += isArray ? 2 : 1;
      const path = key();
      if (text[i] !== ']' || (isArray && text[i + 1] !== ']')) fail('expected end of table name');
      i += isArray ? 2 : 1;
      if (isArray) {
        const parent = table(root, path, true);
        const last = path[path.length - 1];
        let arr = parent[last];
        if (arr === undefined || (isGoMap(arr) && Object.keys(arr).length === 0)) {
          arr = [];
          mapSet(parent, last, arr);
        }
        if (!Array.isArray(arr)) fail(`key ${JSON.stringify(path.join('.'))} is not an array of tables`);
        current = newMap();
        (arr as GoValue[]).push(current);
      } else current = table(root, path);
    } else {
      const k = key();
      if (text[i] !== '=') fail(i >= n || text[i] === '\n' ? "unexpected EOF; expected key separator '='" : `expected key separator '=', but got ${JSON.stringify(text[i])} instead`);
      i++;
      const v = value();
      const target = table(current, k.slice(0, -1));
      const last = k[k.length - 1];
      if (Object.prototype.hasOwnProperty.call(target, last)) {
        throw new GoFuncError(`toml: line ${line} (last key ${JSON.stringify(k.join('.'))}): Key '${k.join('.')}' has already been defined.`);
      }
      mapSet(target, last, v);
    }
    skipWs();
    if (text[i] === '#') while (i < n && text[i] !== '\n') i++;
    if (i < n && text[i] !== '\n' && text[i] !== '\r') fail(`expected a top-level item to end with a newline, comment, or EOF, but got ${JSON.stringify(text[i])} instead`);
  }
}
