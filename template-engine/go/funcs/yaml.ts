import { loadYamlDocuments } from '../../../core/yaml.js';
import { GoDuration, GoFuncError, GoTime, type GoValue } from '../value.js';
import { parseGoFloat, parseGoInt } from './conversion.js';
import { formatFloat } from './fmt.js';
import { JsonNumber, marshalJson, unmarshalJson } from './json.js';
import { GO_JSON, goTypeName, isGoMap, mapSet, newMap, type GoMap } from './kinds.js';
import { parseTime } from './time.js';
import { isDigit, isLetter } from './unicode.js';
import { emitYaml, type YNode } from './yaml-emitter.js';

/**
 * Helm's toYaml is sigs.k8s.io/yaml: json.Marshal, then the JSON read back by go-yaml v2 (which picks int or
 * float per number) and written by go-yaml v2. So keys are sorted (go-yaml's order: numbers inside keys
 * compare as numbers), whole floats print as integers, other floats in Go's %g (`1.2345675e+06`), strings
 * that would read as something else are quoted, and long lines fold at 80 columns.
 */

/** go-yaml v2's map key order for string keys (sorter.go): letters after other runes, digit runs as numbers. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = toRunes(a);
  const br = toRunes(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = runeIsLetter(ar[i]);
    const bl = runeIsLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === 0x30 || br[i] === 0x30) {
      for (let j = i - 1; j >= 0 && runeIsDigit(ar[j]); j--) {
        if (ar[j] !== 0x30) {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && runeIsDigit(ar[ai]); ai++) an = BigInt.asIntN(64, an * 10n + BigInt(ar[ai] - 48));
    let bi = i;
    for (; bi < br.length && runeIsDigit(br[bi]); bi++) bn = BigInt.asIntN(64, bn * 10n + BigInt(br[bi] - 48));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

function toRunes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    if (c > 0xffff) i++;
    out.push(c);
  }
  return out;
}

const runeIsLetter = (c: number) => (c < 0x80 ? (c >= 65 && c <= 90) || (c >= 97 && c <= 122) : isLetter(String.fromCodePoint(c)));
const runeIsDigit = (c: number) => (c < 0x80 ? c >= 48 && c <= 57 : isDigit(String.fromCodePoint(c)));

function sortYamlKeys(keys: string[]): string[] {
  return keys.sort((x, y) => (yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0));
}

const BOOL_NULL = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<']);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP_LAYOUTS = ['2006-1-2T15:4:5.999999999Z07:00', '2006-1-2t15:4:5.999999999Z07:00', '2006-1-2 15:4:5.999999999', '2006-1-2'];

function isYamlTimestamp(s: string): boolean {
  if (!/^\d{4}-/.test(s)) return false;
  for (const layout of TIMESTAMP_LAYOUTS) {
    try {
      parseTime(layout, s, 'UTC');
      return true;
    } catch {
      // next layout
    }
  }
  return false;
}

type Resolved = 'str' | 'int' | 'float' | 'other';

/** go-yaml v2's resolve() for an untagged plain scalar: the tag it would get. */
function resolveScalar(s: string): Resolved {
  const c = s[0];
  const hint = s === '' ? 'N' : c === '+' || c === '-' ? 'S' : c >= '0' && c <= '9' ? 'D' : 'yYnNtTfFoO~'.includes(c) ? 'M' : c === '.' ? '.' : '';
  if (!hint) return 'str';
  if (BOOL_NULL.has(s)) return 'other';
  if (hint === '.') return parseGoFloat(s) !== undefined ? 'float' : 'str';
  if (hint === 'D' || hint === 'S') {
    if (isYamlTimestamp(s)) return 'other';
    const plain = s.replace(/_/g, '');
    if (parseGoInt(plain) !== undefined) return 'int';
    if (/^\+?\d+$/.test(plain) || /^\+?0[xX][0-9a-fA-F]+$/.test(plain) || /^\+?0[oO]?[0-7]+$/.test(plain) || /^\+?0[bB][01]+$/.test(plain)) {
      // Fits in uint64?
      try {
        const v = BigInt(plain.replace(/^\+/, '').replace(/^0([0-7]+)$/, '0o$1'));
        if (v < 1n << 64n) return 'int';
      } catch {
        // not an unsigned integer
      }
    }
    if (YAML_FLOAT.test(plain) && parseGoFloat(plain) !== undefined) return 'float';
    if (plain.startsWith('0b') && /^[01]+$/.test(plain.slice(2))) return 'int';
    if (plain.startsWith('-0b') && /^[01]+$/.test(plain.slice(3))) return 'int';
  }
  return 'str';
}

/** How go-yaml v2 writes a string: plain unless it would read back as another type; literal if multi-line. */
function stringNode(s: string): YNode {
  const canPlain = resolveScalar(s) === 'str' && !(s !== '' && /^[-+0-9]/.test(s) && s.includes(':') && BASE60.test(s));
  return { t: 'scalar', value: s, style: s.includes('\n') ? 'literal' : canPlain ? 'plain' : 'double' };
}

/** A JSON number's text read back by go-yaml v2 and written again: ints as they are, floats in %g. */
function numberNode(jsonText: string): YNode {
  const r = resolveScalar(jsonText);
  if (r === 'int') return { t: 'scalar', value: jsonText === '-0' ? '0' : jsonText, style: 'plain' };
  return { t: 'scalar', value: formatFloat(Number(jsonText), 'g'), style: 'plain' };
}

/** Characters go-yaml's reader refuses in its input (the JSON text leaves them unescaped). */
const YAML_FORBIDDEN = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

/**
 * A JSON string as go-yaml reads it inside double quotes: an unescaped NEL (U+0085, which Go's JSON leaves
 * as it is) is a line break there, folded with the spaces around it like any line break.
 */
function yamlReadString(s: string): string {
  if (YAML_FORBIDDEN.test(s)) throw new GoFuncError('yaml: control characters are not allowed');
  if (!s.includes('\u0085')) return s;
  return s.replace(/ *(\u0085[ ]*)+/g, (m) => {
    const breaks = (m.match(/\u0085/g) ?? []).length;
    return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
  });
}

function fromJsonValue(v: GoValue): YNode {
  if (v === null || v === undefined) return { t: 'scalar', value: 'null', style: 'plain' };
  if (v instanceof JsonNumber) return numberNode(v.text);
  if (typeof v === 'boolean') return { t: 'scalar', value: v ? 'true' : 'false', style: 'plain' };
  if (typeof v === 'string') return stringNode(yamlReadString(v));
  if (Array.isArray(v)) return { t: 'seq', items: v.map(fromJsonValue) };
  const m = v as GoMap;
  const byKey = new Map(Object.keys(m).map((k) => [yamlReadString(k), m[k]] as const));
  return { t: 'map', pairs: sortYamlKeys([...byKey.keys()]).map((k) => [stringNode(k), fromJsonValue(byKey.get(k))] as [YNode, YNode]) };
}

/** sigs.k8s.io/yaml.Marshal, without the final newline (Helm trims it). Throws on values JSON refuses. */
export function toYamlText(v: GoValue): string {
  return toYamlFast(v) ?? toYamlGeneral(v);
}

/** A string go-yaml v2 writes as it is: ASCII letters, digits and `_ . / -`, that reads back as a string. */
const SAFE_TEXT = /^[A-Za-z0-9_./-]+$/;

/** The text of a scalar string in the fast path, or undefined for one the general path must write. */
function fastString(s: string): string | undefined {
  if (!SAFE_TEXT.test(s)) return undefined;
  const c = s.charCodeAt(0);
  // A letter first cannot read as a number, a timestamp or `.inf`; only the YAML 1.1 words need a check.
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return BOOL_NULL.has(s) ? `"${s}"` : s;
  // `-` and `.` may start a number, `.inf` or an indicator; a path such as `/` or `/healthz` reads as a string.
  if (c === 0x2d || c === 0x2e) return undefined;
  return resolveScalar(s) === 'str' ? s : `"${s}"`;
}

/**
 * toYaml of the shapes charts pass it most (maps and lists of short words, numbers, booleans: resources,
 * labels, selectors), written directly in go-yaml v2's block style without the JSON round trip, the scalar
 * analysis and the emitter. Anything else (floats, text with spaces or punctuation, typed values, lists in
 * lists) answers undefined and takes the general path; test/unit/go-yaml-fast.test.ts holds the two equal.
 */
export function toYamlFast(v: GoValue): string | undefined {
  const out: string[] = [];
  return fastNode(v, '', out, 'top') ? out.join('') : undefined;
}

/**
 * Writes one value at the top, after a key (`indent` is the key's), or after a list dash (`indent` is the
 * column after `- `); false to decline.
 */
function fastNode(v: GoValue, indent: string, out: string[], where: 'top' | 'value' | 'item'): boolean {
  const sep = where === 'top' ? '' : ' ';
  switch (typeof v) {
    case 'string': {
      const t = fastString(v);
      if (t === undefined) return false;
      out.push(sep, t);
      return true;
    }
    case 'bigint':
      out.push(sep, v.toString());
      return true;
    case 'boolean':
      out.push(sep, v ? 'true' : 'false');
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) {
    out.push(sep, 'null');
    return true;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push(sep, '[]');
      return true;
    }
    // go-yaml v2 writes a list under a key at the key's column; a list in a list is left to the general path.
    if (where === 'item') return false;
    const dash = where === 'top' ? '' : indent;
    for (let i = 0; i < v.length; i++) {
      const item: GoValue = v[i];
      if (Array.isArray(item)) return false;
      if (where === 'top' && i === 0) out.push('-');
      else out.push('\n', dash, '-');
      if (!fastNode(item, `${dash}  `, out, 'item')) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(v).length) return false;
  const keys = Object.keys(v);
  if (keys.length === 0) {
    out.push(sep, '{}');
    return true;
  }
  sortYamlKeys(keys);
  const column = where === 'top' ? '' : where === 'value' ? `${indent}  ` : indent;
  for (let i = 0; i < keys.length; i++) {
    const k = fastString(keys[i]);
    const child = (v as Record<string, GoValue>)[keys[i]];
    if (k === undefined || child === undefined) return false;
    // The first key of a map in a list sits on the dash's line, the top map's first key starts the text.
    if (i === 0 && where === 'item') out.push(' ', k, ':');
    else if (i === 0 && where === 'top') out.push(k, ':');
    else out.push('\n', column, k, ':');
    if (!fastNode(child, column, out, 'value')) return false;
  }
  return true;
}

/** sigs.k8s.io/yaml.Marshal by the JSON round trip and the emitter: every value toYaml accepts. */
export function toYamlGeneral(v: GoValue): string {
  let json: string;
  try {
    json = marshalJson(v);
  } catch (e) {
    throw new GoFuncError(`error marshaling into JSON: ${(e as Error).message}`);
  }
  const node = fromJsonValue(unmarshalJson(json, { numbersAsText: true }));
  return emitYaml(node).replace(/\n$/, '');
}

/**
 * go-yaml v3's encoder with indent 2 (Helm's toYamlPretty): values written directly (no JSON pass), so
 * floats keep their %g form; sequences are indented under their key; YAML 1.1 booleans are quoted.
 */
function v3Node(v: GoValue): YNode {
  if (v === null || v === undefined) return { t: 'scalar', value: 'null', style: 'plain' };
  switch (typeof v) {
    case 'boolean':
      return { t: 'scalar', value: String(v), style: 'plain' };
    case 'bigint':
      return { t: 'scalar', value: v.toString(), style: 'plain' };
    case 'number': {
      const s = formatFloat(v, 'g');
      return { t: 'scalar', value: s === '+Inf' ? '.inf' : s === '-Inf' ? '-.inf' : s === 'NaN' ? '.nan' : s, style: 'plain' };
    }
    case 'string':
      return stringNode(v);
  }
  if (v instanceof GoDuration) return { t: 'scalar', value: v.ns.toString(), style: 'plain' };
  if (v instanceof GoTime) return { t: 'scalar', value: marshalJson(v).slice(1, -1), style: 'plain' };
  if (v instanceof Uint8Array) return stringNode(Buffer.from(v).toString('latin1'));
  if (Array.isArray(v)) return { t: 'seq', items: v.map(v3Node) };
  const obj = v as Record<string | symbol, unknown>;
  if (typeof obj[GO_JSON] === 'function') return v3Node((obj[GO_JSON] as () => GoValue)());
  if (isGoMap(v)) return { t: 'map', pairs: sortYamlKeys(Object.keys(v)).map((k) => [stringNode(k), v3Node(v[k])] as [YNode, YNode]) };
  if (typeof v === 'function') throw new GoFuncError(`cannot marshal type: ${goTypeName(v)}`);
  return { t: 'map', pairs: Object.keys(obj).filter((k) => typeof obj[k] !== 'function').map((k) => [stringNode(k.toLowerCase()), v3Node(obj[k])] as [YNode, YNode]) };
}

export function toYamlPrettyText(v: GoValue): string {
  return emitYaml(v3Node(v), { indentlessSequences: false, width: -1 }).replace(/\n$/, '');
}

/** The first YAML document as sigs.k8s.io/yaml.Unmarshal reads it (through JSON: numbers become float64). */
function readYaml(text: string): GoValue {
  let docs: unknown[];
  try {
    docs = loadYamlDocuments(text, 'fromYaml');
  } catch (e) {
    const msg = (e as Error).message.replace(/^invalid YAML: /, '');
    throw new GoFuncError(`error converting YAML to JSON: yaml: ${msg}`);
  }
  return toGoValue(docs.length ? docs[0] : null);
}

/** Plain JS data (as the YAML loader returns it) as Go values of the JSON model. */
function toGoValue(x: unknown): GoValue {
  if (x === undefined) return null;
  if (Array.isArray(x)) return x.map(toGoValue);
  if (x instanceof Date) return x.toISOString();
  if (typeof x === 'object' && x !== null && !(x instanceof Uint8Array)) {
    const m = newMap();
    for (const k of Object.keys(x)) mapSet(m, k, toGoValue((x as Record<string, unknown>)[k]));
    return m;
  }
  if (typeof x === 'bigint') return Number(x);
  // The JSON step refuses what JSON cannot hold.
  if (typeof x === 'number' && !Number.isFinite(x)) throw new GoFuncError(`error converting YAML to JSON: json: unsupported value: ${formatFloat(x)}`);
  return x as GoValue;
}

function kindWord(v: GoValue): string {
  if (Array.isArray(v)) return 'array';
  if (isGoMap(v)) return 'object';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

/** Helm's fromYaml: a map; errors land in its "Error" key. */
export function fromYaml(text: string): GoMap {
  try {
    const v = readYaml(text);
    if (v === null) return newMap();
    if (!isGoMap(v)) throw new GoFuncError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kindWord(v)} into Go value of type map[string]interface {}`);
    return v;
  } catch (e) {
    const m = newMap();
    mapSet(m, 'Error', (e as Error).message);
    return m;
  }
}

/** Helm's fromYamlArray: a list; an error becomes its only element. */
export function fromYamlArray(text: string): GoValue[] {
  try {
    const v = readYaml(text);
    if (v === null) return [];
    if (!Array.isArray(v)) throw new GoFuncError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kindWord(v)} into Go value of type []interface {}`);
    return v;
  } catch (e) {
    return [(e as Error).message];
  }
}
