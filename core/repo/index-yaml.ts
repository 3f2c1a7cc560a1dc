import type { DumpOptions } from 'js-yaml';
import { isYaml11Word, jsYaml } from '../yaml.js';

/**
 * index.yaml as `repo index` writes it: byte for byte what js-yaml's `dump` gives with
 * DUMP_OPTIONS, written directly for the shapes an index holds (block mappings and sequences of
 * strings, booleans and safe integers). Any other value (empty collections, null, other numbers,
 * multi-line strings, keys that are not plain names) hands the whole document to js-yaml, so the
 * output never differs; test/unit/index-yaml.test.ts checks that against js-yaml.
 */
export const DUMP_OPTIONS: DumpOptions = { lineWidth: -1, noRefs: true, quotingType: '"' };

const NOT_FAST = Symbol('not-fast');
function notFast(): never {
  throw NOT_FAST;
}

/** Strings js-yaml writes plain: a letter, then name characters, single spaces or colons between them. */
const PLAIN = /^[A-Za-z][A-Za-z0-9._/@+-]*(?:[ :][A-Za-z0-9._/@+-]+)*$/;
/** Keys written plain: no spaces. */
const PLAIN_KEY = /^[A-Za-z][A-Za-z0-9._/@+-]*(?::[A-Za-z0-9._/@+-]+)*$/;
// eslint-disable-next-line no-control-regex
const MULTI_LINE = /[\n\r\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;

/** Quoting decisions js-yaml made for strings that are not plain-safe here; most index strings repeat. */
const quoted = new Map<string, string>();

/** sha256 digests: hex with a letter that no YAML number holds. */
const HEX = /^[0-9a-f]+$/;
const HEX_LETTER = /[acdf]/;
/** Versions: three dotted numbers, no number or date in any schema, with plain-safe prerelease and build parts. */
const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.+-]*[0-9A-Za-z])?$/;

function scalar(s: string): string {
  // PLAIN needs a letter first (a digest that starts with one is plain by it); digests and versions that start
  // with a digit are the other strings written plain.
  const c = s.charCodeAt(0) | 0x20;
  if (c >= 0x61 && c <= 0x7a) {
    if (PLAIN.test(s) && !isYaml11Word(s)) return s;
  } else if (c >= 0x30 && c <= 0x39 && (VERSION.test(s) || (HEX.test(s) && HEX_LETTER.test(s)))) return s;
  let out = quoted.get(s);
  if (out === undefined) {
    if (MULTI_LINE.test(s)) notFast();
    out = jsYaml().dump(s, DUMP_OPTIONS).slice(0, -1);
    if (out.includes('\n')) notFast();
    if (quoted.size < 100_000) quoted.set(s, out);
  }
  return out;
}

/** Keys already checked: an index repeats a few keys on every version. */
const plainKeys = new Set<string>();
function key(k: string): string {
  if (plainKeys.has(k)) return k;
  if (k.length > 1024 || !PLAIN_KEY.test(k) || isYaml11Word(k)) notFast();
  if (plainKeys.size < 10_000) plainKeys.add(k);
  return k;
}

const pads: string[] = [];
const pad = (n: number) => (pads[n] ??= ' '.repeat(n));

/** A mapping's value after `key:`: ` scalar`, or a block starting on the next line at `indent + 2`. */
function value(v: unknown, indent: number): string {
  switch (typeof v) {
    case 'string':
      return ` ${scalar(v)}\n`;
    case 'boolean':
      return v ? ' true\n' : ' false\n';
    case 'number':
      if (!Number.isSafeInteger(v) || Object.is(v, -0)) notFast();
      return ` ${v}\n`;
    case 'object':
      if (v === null) notFast();
      return Array.isArray(v) ? `\n${sequence(v, indent + 2)}` : `\n${mapping(v as Record<string, unknown>, indent + 2, false)}`;
    default:
      return notFast();
  }
}

/** A block mapping at `indent`; `compact` when its first key follows a `- ` already written. */
function mapping(m: Record<string, unknown>, indent: number, compact: boolean): string {
  const keys = Object.keys(m);
  if (keys.length === 0) notFast();
  // Built by concatenation: V8 joins the pieces once, when the text is written.
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (i > 0 || !compact) out += pad(indent);
    out += `${key(k)}:${value(m[k], indent)}`;
  }
  return out;
}

/** A block sequence whose `- ` marks sit at `indent`. */
function sequence(list: unknown[], indent: number): string {
  if (list.length === 0) notFast();
  let out = '';
  for (let i = 0; i < list.length; i++) {
    if (!(i in list)) notFast();
    const item = list[i];
    out += `${pad(indent)}-`;
    if (item !== null && typeof item === 'object') {
      if (Array.isArray(item)) notFast();
      out += ` ${mapping(item as Record<string, unknown>, indent + 2, true)}`;
    } else out += value(item, indent);
  }
  return out;
}

/** The YAML text of an index document, identical to `jsYaml().dump(doc, DUMP_OPTIONS)`. */
export function dumpIndexYaml(doc: Record<string, unknown>): string {
  try {
    return mapping(doc, 0, false);
  } catch (e) {
    if (e !== NOT_FAST) throw e;
    return jsYaml().dump(doc, DUMP_OPTIONS);
  }
}
