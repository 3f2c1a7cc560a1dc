import { isStrictSemver, type ChartMetadata } from '../chart/metadata.js';
import { isYaml11Word } from '../yaml.js';

/**
 * A one-pass reader for the Chart.yaml files charts almost always have, for `repo index` over many archives:
 * top-level `key: value` lines, and one level of block lists (`- value`, or `- key: value` items) and
 * mappings under a key, with one-line plain, single- or double-quoted strings. Anything else (numbers,
 * booleans, nulls, escapes, block scalars, flow collections, anchors, tags, deeper nesting, comments after
 * values, tabs, CR, duplicate keys, several documents) answers `undefined`, and so does a Chart.yaml that
 * parseChartMetadata would do more than accept as it is (dependencies, kubeVersion, a field it would
 * correct or reject): the caller then uses parseChartMetadata on the text. What it accepts, it reads as
 * parseChartMetadata reads it; test/unit/chart-yaml-scan.test.ts checks that on variants and mutations.
 */

const NOT_FAST = Symbol('not-fast');
function fail(): never {
  throw NOT_FAST;
}

// eslint-disable-next-line no-control-regex
const UNUSUAL = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;
/** Plain scalars that are strings whatever the schema: a letter first, no `: `, ` #` or trailing `:`. */
const PLAIN = /^[A-Za-z](?:[A-Za-z0-9 ._/@+=,()'"-]|:(?! |$))*$/;
/** Versions: three dotted numbers are no number, date or time in YAML 1.1. */
const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.+-]*)?$/;
/** `key:` then optionally ` value`; the key is a letter, then name characters (read as itself). */
const KEY_LINE = /^([A-Za-z][A-Za-z0-9_./-]*):(?: (.*))?$/;

function scalar(raw: string): string {
  const text = raw.trim();
  const c = text.charCodeAt(0);
  if (c === 0x22 /* " */) {
    if (text.length < 3 || !text.endsWith('"') || text.indexOf('"', 1) !== text.length - 1 || text.includes('\\')) fail();
    return text.slice(1, -1);
  }
  if (c === 0x27 /* ' */) {
    if (text.length < 3 || !text.endsWith("'") || text.indexOf("'", 1) !== text.length - 1) fail();
    return text.slice(1, -1);
  }
  // PLAIN needs a letter first and VERSION a digit: one test each.
  if (c >= 0x30 && c <= 0x39 ? VERSION.test(text) : PLAIN.test(text) && !isYaml11Word(text)) return text;
  return fail();
}

/** A key from KEY_LINE (so of name characters), unless YAML 1.1 reads it as another type. */
function keyOf(k: string): string {
  if (isYaml11Word(k) || k === '__proto__') fail();
  return k;
}

function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 0x20) i++;
  return i;
}

/** Sets a key once; a repeated key is an error the full parser words. */
function put(obj: Record<string, unknown>, k: string, v: unknown): void {
  if (Object.prototype.hasOwnProperty.call(obj, keyOf(k))) fail();
  obj[k] = v;
}

/** Reads Chart.yaml's fields, or undefined when the text is not of the plain shape described above. */
export function scanChartYaml(text: string): Record<string, unknown> | undefined {
  try {
    return scan(text);
  } catch (e) {
    if (e === NOT_FAST) return undefined;
    throw e;
  }
}

function scan(text: string): Record<string, unknown> {
  if (UNUSUAL.test(text)) fail();
  // Content lines only: blank lines and whole-line comments carry nothing.
  // (UNUSUAL leaves spaces as the only blank characters that matter: a line led by any other declines below.)
  const lines: string[] = [];
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    let i = at;
    while (i < end && text.charCodeAt(i) === 0x20) i++;
    if (i < end && text.charCodeAt(i) !== 0x23 /* # */) {
      if (text.startsWith('---', at) || text.startsWith('...', at) || text.charCodeAt(at) === 0x25 /* % */) fail();
      lines.push(text.slice(at, end));
    }
    at = end + 1;
  }
  const doc: Record<string, unknown> = {};
  let i = 0;
  while (i < lines.length) {
    const m = KEY_LINE.exec(lines[i]);
    if (!m) fail();
    i++;
    if (m[2] !== undefined && m[2].trim() !== '') {
      put(doc, m[1], scalar(m[2]));
      continue;
    }
    // A block: a list (possibly at indent 0) or a mapping, one level deep.
    if (i >= lines.length) fail();
    const first = lines[i];
    const ind = indentOf(first);
    if (first.startsWith('- ', ind)) {
      const list: unknown[] = [];
      while (i < lines.length && indentOf(lines[i]) === ind && lines[i].startsWith('- ', ind)) {
        const item = lines[i].slice(ind + 2);
        i++;
        const km = KEY_LINE.exec(item);
        if (!km) {
          list.push(scalar(item));
          continue;
        }
        const obj: Record<string, unknown> = {};
        if (km[2] === undefined || km[2].trim() === '') fail();
        put(obj, km[1], scalar(km[2]));
        while (i < lines.length && indentOf(lines[i]) === ind + 2) {
          const cm = KEY_LINE.exec(lines[i].slice(ind + 2));
          if (!cm || cm[2] === undefined || cm[2].trim() === '') fail();
          put(obj, cm[1], scalar(cm[2]));
          i++;
        }
        list.push(obj);
      }
      put(doc, m[1], list);
    } else {
      if (ind === 0) fail();
      const obj: Record<string, unknown> = {};
      while (i < lines.length && indentOf(lines[i]) === ind) {
        const cm = KEY_LINE.exec(lines[i].slice(ind));
        if (!cm || cm[2] === undefined || cm[2].trim() === '') fail();
        put(obj, cm[1], scalar(cm[2]));
        i++;
      }
      put(doc, m[1], obj);
    }
    // Whatever follows a block must be the next top-level key.
    if (i < lines.length && indentOf(lines[i]) !== 0) fail();
  }
  return doc;
}

const NAME = /^[A-Za-z0-9._-]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const STRING_FIELDS = ['description', 'home', 'icon', 'appVersion'];
const LIST_FIELDS = ['keywords', 'sources'];
const isStringList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isStringMap = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/**
 * Chart.yaml metadata read by scanChartYaml, when parseChartMetadata would accept that object exactly as it
 * is (no field it converts, checks against a grammar, or rejects); otherwise undefined.
 */
export function quickChartMetadata(text: string): ChartMetadata | undefined {
  const md = scanChartYaml(text);
  if (!md) return undefined;
  const { apiVersion, name, version } = md;
  if (apiVersion !== 'v1' && apiVersion !== 'v2') return undefined;
  if (typeof name !== 'string' || !NAME.test(name) || name === '.' || name === '..') return undefined;
  if (typeof version !== 'string' || !isStrictSemver(version.startsWith('v') ? version.slice(1) : version)) return undefined;
  for (const f of STRING_FIELDS) if (md[f] !== undefined && typeof md[f] !== 'string') return undefined;
  if (md.type !== undefined && md.type !== 'application' && md.type !== 'library') return undefined;
  if (md.engine !== undefined && md.engine !== 'handlebars' && md.engine !== 'gotpl') return undefined;
  if (md.kubeVersion !== undefined || md.dependencies !== undefined || md.deprecated !== undefined) return undefined;
  for (const f of LIST_FIELDS) if (md[f] !== undefined && !isStringList(md[f])) return undefined;
  if (md.annotations !== undefined && !isStringMap(md.annotations)) return undefined;
  if (md.maintainers !== undefined) {
    if (!Array.isArray(md.maintainers)) return undefined;
    for (const m of md.maintainers as unknown[]) {
      if (!isStringMap(m)) return undefined;
      const { name: n, email } = m as Record<string, string>;
      if (!n || (email !== undefined && !EMAIL.test(email))) return undefined;
    }
  }
  return md as ChartMetadata;
}
