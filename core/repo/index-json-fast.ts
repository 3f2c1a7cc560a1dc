import { FLOAT11, INT11, isYaml11Word, loadYaml } from '../yaml.js';
import { compareVersionsDesc } from '../versions.js';

/**
 * index.yaml straight to the JSON that `repo update` caches, without building the index: chart by chart,
 * each version written as JSON text as its lines are read, the versions of a chart sorted as sortIndex sorts
 * them. It reads the block style index files are written in (mappings and lists by indentation, lists at
 * their key's indentation or deeper, one-line plain, single- and double-quoted strings, `true`/`false`).
 * A chart whose block holds anything else (block scalars, flow collections, numbers, nulls, anchors…) is
 * read by the full YAML parser on its own; anything unusual outside the charts (several documents, a chart
 * key that is not a plain name, a chart twice, tabs or CR) answers undefined and the caller parses the whole
 * text as before. test/unit/index-json-fast.test.ts checks the result against parseIndex.
 */

const NOT_FAST = Symbol('not-fast');
function fail(): never {
  throw NOT_FAST;
}

/** Keys written plainly; read as themselves unless they are numbers, booleans or null (see `plainString`). */
const KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
/** Could be a number: starts like one. */
const NUMBER_START = /^[-+.0-9]/;
/** Whether a plain scalar is a string under Helm's schema. */
const plainString = (t: string) => !isYaml11Word(t) && !(NUMBER_START.test(t) && (INT11.test(t) || FLOAT11.test(t)));
/** A one-line plain scalar: no indicator first, no `: ` or ` #` inside, no `:` last. */
const PLAIN = /^(?:[^-?:,[\]{}#&*!|>'"%@`\s]|[-?:](?=[^\s]))(?:[^:#]|:(?=[^\s])|(?<=[^\s])#)*$/;
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\x00-\x1f]/;
/** Keys as JSON, `"key":`; index files repeat a few keys many times. */
const keyJson = new Map<string, string>();
function jsonKey(k: string): string {
  let j = keyJson.get(k);
  if (j === undefined) {
    j = JSON.stringify(k) + ':';
    if (keyJson.size < 10_000) keyJson.set(k, j);
  }
  return j;
}
const SINGLE = /^'(?:[^']|'')*'$/;

function scalar(raw: string): string {
  const text = raw.trim();
  const c = text.charCodeAt(0);
  if (c === 0x22 /* " */) {
    if (text.length < 2 || text.charCodeAt(text.length - 1) !== 0x22) fail();
    const body = text.slice(1, -1);
    if (body.indexOf('"') < 0 && body.indexOf('\\') < 0) return JSON.stringify(body);
    // JSON's escapes mean the same in YAML; any other escape, or a quote ending the string early, fails.
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      fail();
    }
    return JSON.stringify(v);
  }
  if (c === 0x27 /* ' */) {
    if (!SINGLE.test(text)) fail();
    return JSON.stringify(text.slice(1, -1).replace(/''/g, "'"));
  }
  if (text === 'true' || text === 'false') return text;
  if (text === '' || !plainString(text) || !PLAIN.test(text)) fail();
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 0x20) i++;
  return i;
}

/** Each line's indentation, or -1 for a blank line or a whole-line comment. */
function indents(lines: string[]): Int32Array {
  const out = new Int32Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const t = indentOf(line);
    out[i] = t < line.length && line.charCodeAt(t) !== 0x23 /* # */ ? t : -1;
  }
  return out;
}

/** A cursor over lines that steps over blank lines and whole-line comments. */
class Lines {
  i = 0;
  constructor(readonly lines: string[], readonly ind: Int32Array, readonly end: number) {}
  /** The indentation of the current content line, or -1 at the end. */
  indent(): number {
    while (this.i < this.end && this.ind[this.i] < 0) this.i++;
    return this.i < this.end ? this.ind[this.i] : -1;
  }
}

/** `key:` and what follows on the line (undefined when nothing does). */
function keyLine(text: string): [string, string | undefined] | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const key = text.slice(0, colon);
  const after = text.charCodeAt(colon + 1);
  if (colon + 1 < text.length && after !== 0x20) return undefined;
  if (!KEY.test(key)) return undefined;
  if (!plainString(key) || key === '__proto__') fail();
  const rest = text.slice(colon + 2);
  return [key, rest.trim() === '' ? undefined : rest];
}

/** The value of a key with nothing after it on its line: a list (at `indent` or deeper) or a deeper mapping. */
function block(c: Lines, indent: number): string {
  const ind = c.indent();
  if (ind < indent) fail();
  const line = c.lines[c.i];
  if (line.startsWith('- ', ind) || line.length === ind + 1 && line.endsWith('-')) return list(c, ind);
  if (ind === indent) fail();
  return mapping(c, ind, undefined);
}

/** A mapping at `ind`; `first` is the rest of a `- ` line that started it; `version` receives its `version` key's string. */
function mapping(c: Lines, ind: number, first: [string, string | undefined] | undefined, version?: { v: string }): string {
  const keys: string[] = [];
  let out = '{';
  for (;;) {
    let kv = first;
    if (kv) first = undefined;
    else {
      if (c.indent() !== ind) break;
      kv = keyLine(c.lines[c.i].slice(ind));
      if (!kv) fail();
    }
    c.i++;
    const [k, v] = kv;
    if (keys.includes(k)) fail();
    keys.push(k);
    const json = v === undefined ? block(c, ind) : scalar(v);
    if (version && k === 'version') version.v = json.charCodeAt(0) === 0x22 ? (JSON.parse(json) as string) : json;
    out += (keys.length > 1 ? ',' : '') + jsonKey(k) + json;
  }
  if (c.indent() > ind) fail();
  return out + '}';
}

/** A list whose `- ` marks are at `ind`. */
function list(c: Lines, ind: number): string {
  const items: string[] = [];
  while (c.indent() === ind) {
    const line = c.lines[c.i];
    if (!line.startsWith('- ', ind)) break;
    const rest = line.slice(ind + 2);
    const kv = keyLine(rest);
    if (kv) items.push(mapping(c, ind + 2, kv));
    else {
      c.i++;
      if (rest.startsWith('- ') || rest.trim() === '') fail();
      items.push(scalar(rest));
    }
  }
  if (c.indent() > ind || items.length === 0) fail();
  return '[' + items.join(',') + ']';
}

const byVersion = (a: { v: string }, b: { v: string }) => compareVersionsDesc(a.v, b.v);

/** A chart's list of versions at `ind`, newest first as sortIndex sorts it (a stable sort on `version`). */
function chartList(c: Lines, ind: number): string {
  const items: { v: string; json: string }[] = [];
  let sorted = true;
  while (c.indent() === ind) {
    const line = c.lines[c.i];
    if (!line.startsWith('- ', ind)) break;
    const kv = keyLine(line.slice(ind + 2));
    if (!kv) fail();
    const version = { v: '' };
    const json = mapping(c, ind + 2, kv, version);
    if (sorted && items.length && byVersion(items[items.length - 1], version) > 0) sorted = false;
    items.push({ v: version.v, json });
  }
  if (c.indent() !== -1 || items.length === 0) fail();
  if (!sorted) items.sort(byVersion);
  return '[' + items.map((x) => x.json).join(',') + ']';
}

/** A chart's versions as JSON, newest first, read by the full parser when its block is not of the plain shape. */
function chartJson(lines: string[], indentation: Int32Array, from: number, to: number, ind: number, name: string): string {
  const c = new Lines(lines, indentation, to);
  c.i = from;
  try {
    const at = c.indent();
    if (at < ind) fail();
    return chartList(c, at);
  } catch (e) {
    if (e !== NOT_FAST) throw e;
  }
  const doc = loadYaml(`entries:\n${' '.repeat(ind)}${JSON.stringify(name)}:\n${lines.slice(from, to).join('\n')}\n`, 'index.yaml') as { entries: Record<string, unknown> };
  const versions = doc.entries[name];
  if (!Array.isArray(versions)) fail();
  versions.sort((a, b) => compareVersionsDesc(String((a as { version?: unknown })?.version ?? ''), String((b as { version?: unknown })?.version ?? '')));
  return JSON.stringify(versions);
}

export interface FastIndexJson {
  /** The cache file's text, in pieces. */
  pieces: string[];
  charts: number;
}

/** The JSON cache text for index.yaml text, or undefined when the whole text must go through parseIndex. */
export function indexYamlToJson(text: string): FastIndexJson | undefined {
  try {
    return convert(text);
  } catch (e) {
    if (e === NOT_FAST) return undefined;
    // The full parser words every error.
    return undefined;
  }
}

function convert(text: string): FastIndexJson {
  if (text.indexOf('\t') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\ufeff') >= 0) fail();
  const lines = text.split('\n');
  const indentation = indents(lines);
  const start = lines.findIndex((l) => /^entries: *$/.test(l));
  if (start < 0) fail();
  // The entries block: every line up to the next content line at indentation 0.
  let end = start + 1;
  while (end < lines.length && indentation[end] !== 0) end++;
  const rest = [...lines.slice(0, start), 'entries: {}', ...lines.slice(end)];
  if (rest.some((l) => l.startsWith('---') || l.startsWith('...') || l.startsWith('%'))) fail();
  const head = loadYaml(rest.join('\n'), 'index.yaml') as { apiVersion?: unknown; generated?: unknown; entries?: unknown } | null;
  if (!head || typeof head !== 'object' || typeof head.apiVersion !== 'string' || !head.apiVersion) fail();
  if (!head.entries || typeof head.entries !== 'object' || Object.keys(head.entries).length) fail();
  const generated = head.generated === undefined ? '' : head.generated;
  if (typeof generated !== 'string') fail();
  const pieces = [`{"apiVersion":${JSON.stringify(head.apiVersion)},"generated":${JSON.stringify(generated)},"entries":{`];
  const names = new Set<string>();
  const c = new Lines(lines, indentation, end);
  c.i = start + 1;
  const ind = c.indent();
  if (ind === 0) fail();
  while (c.indent() !== -1) {
    const i = c.i;
    if (indentation[i] !== ind) fail();
    const kv = keyLine(lines[i].slice(ind));
    if (!kv || kv[1] !== undefined || names.has(kv[0])) fail();
    const name = kv[0];
    names.add(name);
    // The chart's block: deeper lines, and lists at the chart key's indentation (as Go's YAML writes them).
    let j = i + 1;
    while (j < end && (indentation[j] < 0 || indentation[j] > ind || (indentation[j] === ind && lines[j].startsWith('- ', ind)))) j++;
    pieces.push(`${names.size > 1 ? ',' : ''}${JSON.stringify(name)}:${chartJson(lines, indentation, i + 1, j, ind, name)}`);
    c.i = j;
  }
  pieces.push('}}');
  return { pieces, charts: names.size };
}
