import jsyaml from 'js-yaml';
import { YAML11_WORD } from '../yaml.js';

/**
 * index.yaml as `repo index` writes it: byte for byte what js-yaml's `dump` gives with
 * DUMP_OPTIONS, written directly for the shapes an index holds (block mappings and sequences of
 * strings, booleans and safe integers). Any other value (empty collections, null, other numbers,
 * multi-line strings, keys that are not plain names) hands the whole document to js-yaml, so the
 * output never differs; test/unit/index-yaml.test.ts checks that against js-yaml.
 */
export const DUMP_OPTIONS: jsyaml.DumpOptions = { lineWidth: -1, noRefs: true, quotingType: '"' };

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
  if ((PLAIN.test(s) && !YAML11_WORD.test(s)) || (HEX.test(s) && HEX_LETTER.test(s)) || VERSION.test(s)) return s;
  let out = quoted.get(s);
  if (out === undefined) {
    if (MULTI_LINE.test(s)) notFast();
    out = jsyaml.dump(s, DUMP_OPTIONS).slice(0, -1);
    if (out.includes('\n')) notFast();
    if (quoted.size < 100_000) quoted.set(s, out);
  }
  return out;
}

/** Keys already checked: an index repeats a few keys on every version. */
const plainKeys = new Set<string>();
function key(k: string): string {
  if (plainKeys.has(k)) return k;
  if (k.length > 1024 || !PLAIN_KEY.test(k) || YAML11_WORD.test(k)) notFast();
  if (plainKeys.size < 10_000) plainKeys.add(k);
  return k;
}

const pads: string[] = [];
const pad = (n: number) => (pads[n] ??= ' '.repeat(n));

/** A mapping's value after `key:`: ` scalar`, or a block starting on the next line at `indent + 2`. */
function value(v: unknown, indent: number, out: string[]): void {
  switch (typeof v) {
    case 'string':
      out.push(' ', scalar(v), '\n');
      return;
    case 'boolean':
      out.push(v ? ' true\n' : ' false\n');
      return;
    case 'number':
      if (!Number.isSafeInteger(v) || Object.is(v, -0)) notFast();
      out.push(' ', String(v), '\n');
      return;
    case 'object':
      if (v === null) notFast();
      out.push('\n');
      if (Array.isArray(v)) sequence(v, indent + 2, out);
      else mapping(v as Record<string, unknown>, indent + 2, out, false);
      return;
    default:
      notFast();
  }
}

/** A block mapping at `indent`; `compact` when its first key follows a `- ` already written. */
function mapping(m: Record<string, unknown>, indent: number, out: string[], compact: boolean): void {
  const keys = Object.keys(m);
  if (keys.length === 0) notFast();
  let first = true;
  for (const k of keys) {
    if (!(first && compact)) out.push(pad(indent));
    first = false;
    out.push(key(k), ':');
    value(m[k], indent, out);
  }
}

/** A block sequence whose `- ` marks sit at `indent`. */
function sequence(list: unknown[], indent: number, out: string[]): void {
  if (list.length === 0) notFast();
  for (let i = 0; i < list.length; i++) {
    if (!(i in list)) notFast();
    const item = list[i];
    out.push(pad(indent), '-');
    if (item !== null && typeof item === 'object') {
      if (Array.isArray(item)) notFast();
      out.push(' ');
      mapping(item as Record<string, unknown>, indent + 2, out, true);
    } else value(item, indent, out);
  }
}

/** The YAML text of an index document, identical to `jsyaml.dump(doc, DUMP_OPTIONS)`. */
export function dumpIndexYaml(doc: Record<string, unknown>): string {
  const out: string[] = [];
  try {
    mapping(doc, 0, out, false);
  } catch (e) {
    if (e !== NOT_FAST) throw e;
    return jsyaml.dump(doc, DUMP_OPTIONS);
  }
  return out.join('');
}
