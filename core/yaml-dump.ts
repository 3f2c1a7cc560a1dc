import type { DumpOptions } from 'js-yaml';
import { isYaml11Word, jsYaml } from './yaml.js';

/**
 * YAML written directly for the common shapes, byte for byte what js-yaml's `dump` gives: index.yaml
 * (core/repo/index-yaml.ts) and the Handlebars engine's `toYaml`. Whatever is not certain here (multi-line
 * strings, keys that are not plain names, numbers that are not safe integers, values that are not plain
 * data) throws NOT_FAST, and the caller hands the whole value to js-yaml, so the output never differs;
 * test/unit/index-yaml.test.ts and test/unit/yaml-dump.test.ts check it against js-yaml. Starting js-yaml
 * costs a run 0.5 ms, and most values never need it.
 */

/** js-yaml's options for the files we write: no line folding, no anchors, double quotes. */
export const DUMP_OPTIONS: DumpOptions = { lineWidth: -1, noRefs: true, quotingType: '"' };
/** js-yaml's options for `toYaml`: as DUMP_OPTIONS, keys sorted, lists not indented under their key. */
const TO_YAML_OPTIONS: DumpOptions = { sortKeys: true, lineWidth: -1, noArrayIndent: true, quotingType: '"', skipInvalid: true, noRefs: true };

export const NOT_FAST = Symbol('not-fast');
export function notFast(): never {
  throw NOT_FAST;
}

/** Strings js-yaml writes plain: a letter or `/`, then name characters, single spaces or colons between them. */
const PLAIN = /^[A-Za-z/][A-Za-z0-9._/@+-]*(?:[ :][A-Za-z0-9._/@+-]+)*$/;
/** Keys written plain: no spaces. */
const PLAIN_KEY = /^[A-Za-z][A-Za-z0-9._/@+-]*(?::[A-Za-z0-9._/@+-]+)*$/;
// eslint-disable-next-line no-control-regex
const MULTI_LINE = /[\n\r\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;

/** Quoting decisions js-yaml made for strings that are not plain-safe here; most strings repeat. */
const quoted = new Map<string, string>();

/** sha256 digests: hex with a letter that no YAML number holds. */
const HEX = /^[0-9a-f]+$/;
const HEX_LETTER = /[acdf]/;
/** Versions: three dotted numbers, no number or date in any schema, with plain-safe prerelease and build parts. */
const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.+-]*[0-9A-Za-z])?$/;
/**
 * Quantities such as `100m` or `128Mi`: a digit, then name characters, with a letter that no number or date
 * holds (not a hex digit, nor the `o`, `t`, `x` and `z` of octals, dates and hex prefixes).
 */
const QUANTITY = /^[0-9][0-9A-Za-z._-]*$/;
const NOT_NUMBER_LETTER = /[g-nG-Np-sP-Su-wU-WyY]/;
/** Decimal digits: an integer to YAML, so written in double quotes. */
const DIGITS = /^[0-9]+$/;

/** A one-line string as js-yaml writes it with DUMP_OPTIONS (or TO_YAML_OPTIONS: the same for a string). */
export function dumpScalar(s: string): string {
  // PLAIN needs a letter or a slash first (a digest that starts with a letter is plain by it, and so is a
  // path); digests, versions and quantities that start with a digit are the other strings written plain.
  const c = s.charCodeAt(0) | 0x20;
  if ((c >= 0x61 && c <= 0x7a) || c === 0x2f) {
    if (PLAIN.test(s) && !isYaml11Word(s)) return s;
  } else if (c >= 0x30 && c <= 0x39) {
    if (VERSION.test(s) || (HEX.test(s) && HEX_LETTER.test(s)) || (QUANTITY.test(s) && NOT_NUMBER_LETTER.test(s))) return s;
    if (DIGITS.test(s)) return `"${s}"`;
  } else if (s === '') return '""';
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
/** A mapping key js-yaml writes plain; anything else is NOT_FAST. */
export function dumpKey(k: string): string {
  if (plainKeys.has(k)) return k;
  if (k.length > 1024 || !PLAIN_KEY.test(k) || isYaml11Word(k)) notFast();
  if (plainKeys.size < 10_000) plainKeys.add(k);
  return k;
}

const pads: string[] = [];
export const pad = (n: number): string => (pads[n] ??= ' '.repeat(n));

/** A scalar of plain data (string, boolean, safe integer, null), as js-yaml writes it; NOT_FAST otherwise. */
function scalarOf(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return dumpScalar(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(v) || Object.is(v, -0)) notFast();
      return String(v);
    default:
      if (v === null) return 'null';
      return notFast();
  }
}

/** Which kind of value: a plain object, an array, or a scalar; NOT_FAST for other objects and sparse arrays. */
function kindOf(v: unknown): 'map' | 'list' | 'scalar' {
  if (v === null || typeof v !== 'object') return 'scalar';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!(i in v)) notFast();
    return 'list';
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) notFast();
  return 'map';
}

/** A mapping's value after `key:` (toYaml's layout): ` scalar`, ` {}`/` []`, or a block on the next lines. */
function toYamlValue(v: unknown, indent: number): string {
  const kind = kindOf(v);
  if (kind === 'scalar') return ` ${scalarOf(v)}\n`;
  if (kind === 'list') {
    const list = v as unknown[];
    // noArrayIndent: a list's `- ` marks sit at its key's indentation.
    return list.length === 0 ? ' []\n' : `\n${toYamlList(list, indent)}`;
  }
  const map = v as Record<string, unknown>;
  return Object.keys(map).length === 0 ? ' {}\n' : `\n${toYamlMap(map, indent + 2, false)}`;
}

/** A block mapping at `indent`, keys sorted; `compact` when its first key follows a `- ` already written. */
function toYamlMap(m: Record<string, unknown>, indent: number, compact: boolean): string {
  const keys = Object.keys(m).sort();
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = m[k];
    if (v === undefined || typeof v === 'function') notFast();
    if (i > 0 || !compact) out += pad(indent);
    out += `${dumpKey(k)}:${toYamlValue(v, indent)}`;
  }
  return out;
}

/** A block sequence whose `- ` marks sit at `indent`. */
function toYamlList(list: unknown[], indent: number): string {
  let out = '';
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    out += `${pad(indent)}-`;
    const kind = kindOf(item);
    if (kind === 'scalar') out += ` ${scalarOf(item)}\n`;
    else if (kind === 'list') {
      if ((item as unknown[]).length !== 0) notFast();
      out += ' []\n';
    } else {
      const map = item as Record<string, unknown>;
      out += Object.keys(map).length === 0 ? ' {}\n' : ` ${toYamlMap(map, indent + 2, true)}`;
    }
  }
  return out;
}

/** Serialises like Helm's `toYaml`: sorted keys, block style, lists not indented under their key. */
export function toYamlString(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  try {
    const kind = kindOf(value);
    if (kind === 'scalar') return scalarOf(value);
    if (kind === 'list') return (value as unknown[]).length === 0 ? '[]' : toYamlList(value as unknown[], 0).slice(0, -1);
    const map = value as Record<string, unknown>;
    return Object.keys(map).length === 0 ? '{}' : toYamlMap(map, 0, false).slice(0, -1);
  } catch (e) {
    if (e !== NOT_FAST) throw e;
  }
  return jsYaml().dump(value, TO_YAML_OPTIONS).replace(/\n$/, '');
}
