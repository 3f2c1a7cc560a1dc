import { isYaml11Word } from '../yaml.js';
import { commentAt, restIsEmpty } from '../yaml-block.js';

/**
 * One pass over a rendered YAML document that reads what sorting needs (kind, apiVersion, metadata.name and
 * metadata.annotations) and checks that the document is valid YAML, without building the document.
 *
 * It accepts only the plain block style that templates write almost always: mappings and sequences by
 * indentation, one-line plain and quoted scalars, `|` and `>` block scalars, `[]` and `{}`, comments. Anything
 * else (flow collections with content, anchors, aliases, tags, multi-line plain or quoted scalars, escapes,
 * tabs, duplicate keys, keys that are not plain names) answers `undefined`, and the caller parses the document
 * with the full YAML parser, which also words any error. Accepting means the full parser reads the same
 * document without error as a mapping (or as nothing), with the same head; test/unit/manifest-scan.test.ts
 * checks that against js-yaml on real output and on mutations of it.
 */

export interface ManifestHead {
  kind: string;
  apiVersion: string;
  name: string;
  /** metadata.annotations, every value a string; undefined when there is none. */
  annotations: Record<string, string> | undefined;
  /** The document holds only comments and blank lines. */
  empty: boolean;
}

/** Characters that send the whole document to the full parser: tabs, CR, control characters, BOMs, non-characters. */
// eslint-disable-next-line no-control-regex
const UNUSUAL = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]/;
/** Keys the fast path reads: names that YAML 1.1 reads as strings. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
/** Plain scalars that are numbers (or could be) under Helm's YAML 1.1 rules: anything starting like one. */
const NUMBERISH = /^[-+.]?[0-9.]|^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/;

const NOT_FAST = Symbol('not-fast');

interface Frame {
  indent: number;
  seq: boolean;
  keys: Set<string> | undefined;
  role: Role;
}

/** What a mapping is to the head: the root, metadata, metadata.annotations, or anything else. */
const ROLE_OTHER = 0;
const ROLE_ROOT = 1;
const ROLE_METADATA = 2;
const ROLE_ANNOTATIONS = 3;
/** A value that must be a one-line scalar (kind, metadata.name, an annotation): a block under it is not read. */
const ROLE_SCALAR = 4;
type Role = 0 | 1 | 2 | 3 | 4;

function fail(): never {
  throw NOT_FAST;
}

function onlyCommentAfter(s: string, at: number): void {
  if (!restIsEmpty(s, at)) fail();
}

/** A plain scalar inside a one-line flow collection: a name-like word (no spaces, colons, commas or brackets). */
const FLOW_PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_./=+-]*$/;

/** One item of a flow collection: quoted without escapes, or a name-like plain word. */
function flowItem(t: string): void {
  const c = t.charCodeAt(0);
  if (c === 34 /* " */ || c === 39 /* ' */) {
    if (t.length < 2 || t.charCodeAt(t.length - 1) !== c || t.includes('\\')) fail();
    const inner = t.slice(1, -1);
    if (inner.includes(c === 34 ? '"' : "'")) fail();
    return;
  }
  if (!FLOW_PLAIN.test(t)) fail();
}

/**
 * A flow collection on one line, without nesting: `[a, "b"]` or `{a: 1, b: x}`. Returns where it ends; fails on
 * anything else (the full parser reads those).
 */
function flowAt(s: string, at: number): number {
  const seq = s.charCodeAt(at) === 91; /* [ */
  const close = s.indexOf(seq ? ']' : '}', at + 1);
  if (close < 0) fail();
  const body = s.slice(at + 1, close);
  if (/[[\]{}#]/.test(body)) fail();
  if (body.trim() !== '') {
    const keys = new Set<string>();
    for (const part of body.split(',')) {
      const t = part.trim();
      if (t === '') fail();
      if (seq) {
        flowItem(t);
        continue;
      }
      const colon = t.indexOf(': ');
      if (colon < 0) fail();
      const key = t.slice(0, colon);
      if (!PLAIN_KEY.test(key) || isYaml11Word(key) || keys.has(key)) fail();
      keys.add(key);
      flowItem(t.slice(colon + 2).trim());
    }
  }
  onlyCommentAfter(s, close + 1);
  return close + 1;
}

/** Characters that may not start a plain scalar here (or start something the fast path does not read). */
const NOT_PLAIN_START = '[]{}&*!|>%@`,';

/** Set by scalarAt: the scalar it read is certainly a string (quoted, or plain and not a YAML 1.1 word or number). */
let scalarString = false;

/**
 * Checks the one-line scalar starting at `at` (already past leading spaces), failing on anything but the simple
 * forms; with `read`, also returns its text (and sets scalarString), else ''. Only the head's values are read:
 * checking the others allocates nothing.
 */
function scalarAt(s: string, at: number, read: boolean): string {
  const c = s.charCodeAt(at);
  if (c === 34 /* " */) {
    const end = s.indexOf('"', at + 1);
    if (end < 0) fail();
    const slash = s.indexOf('\\', at + 1);
    if (slash >= 0 && slash < end) fail();
    onlyCommentAfter(s, end + 1);
    scalarString = true;
    return read ? s.slice(at + 1, end) : '';
  }
  if (c === 39 /* ' */) {
    let text = '';
    let i = at + 1;
    for (;;) {
      const q = s.indexOf("'", i);
      if (q < 0) fail();
      if (read) text += s.slice(i, q);
      if (s.charCodeAt(q + 1) === 39) {
        if (read) text += "'";
        i = q + 2;
        continue;
      }
      onlyCommentAfter(s, q + 1);
      scalarString = true;
      return text;
    }
  }
  if (c === 91 /* [ */ || c === 123 /* { */) {
    flowAt(s, at);
    scalarString = false;
    return c === 91 ? '[]' : '{}';
  }
  const end = commentAt(s, at);
  let last = end;
  while (last > at && s.charCodeAt(last - 1) === 32) last--;
  // Indicators that may not start a plain scalar, or that start something the fast path does not read.
  if (NOT_PLAIN_START.includes(s[at])) fail();
  if ((c === 45 /* - */ || c === 63 /* ? */ || c === 58) /* : */ && (last === at + 1 || s.charCodeAt(at + 1) === 32)) fail();
  if (s.charCodeAt(last - 1) === 58 /* : */) fail();
  const colon = s.indexOf(': ', at);
  if (colon >= 0 && colon < last) fail();
  if (!read) return '';
  const text = s.slice(at, last);
  scalarString = !isYaml11Word(text) && !NUMBERISH.test(text);
  return text;
}

/** Set by keyAt: where the value after the key it read starts. */
let keyValueAt = 0;

/** The key at `at`, when the line is `key:` or `key: …` (keyValueAt is then where its value starts); undefined otherwise. */
function keyAt(s: string, at: number): string | undefined {
  const c = s.charCodeAt(at);
  let key: string;
  let colon: number;
  if (c === 34 /* " */ || c === 39 /* ' */) {
    const q = s.indexOf(c === 34 ? '"' : "'", at + 1);
    if (q < 0 || s.charCodeAt(q + 1) !== 58 /* : */) return undefined;
    key = s.slice(at + 1, q);
    if (!PLAIN_KEY.test(key)) fail();
    colon = q + 1;
  } else {
    colon = s.indexOf(':', at);
    while (colon >= 0 && colon + 1 < s.length && s.charCodeAt(colon + 1) !== 32) colon = s.indexOf(':', colon + 1);
    if (colon < 0) return undefined;
    PLAIN_KEY_AT.lastIndex = at;
    if (!PLAIN_KEY_AT.test(s) || PLAIN_KEY_AT.lastIndex !== colon) {
      // Not a plain name up to the colon: a comment before it means there is no key; anything else fails.
      if (s.slice(at, colon).includes(' #')) return undefined;
      fail();
    }
    key = s.slice(at, colon);
    // Only keys starting like a YAML 1.1 word can be one.
    if (MAYBE_WORD.includes(s[at]) && isYaml11Word(key)) fail();
  }
  if (key.length > 1000) fail();
  if (colon + 1 < s.length && s.charCodeAt(colon + 1) !== 32) fail();
  keyValueAt = colon + 1;
  return key;
}

/** A plain key from `lastIndex` (sticky): it must reach the colon keyAt found. */
const PLAIN_KEY_AT = /[A-Za-z_][A-Za-z0-9_./-]*/y;
/** First characters of YAML 1.1's boolean and null words. */
const MAYBE_WORD = 'yYnNtTfFoO~';

/**
 * Reads a document's head, or answers undefined when the document needs the full parser (which is also what
 * answers for invalid YAML).
 */
export function scanManifest(doc: string): ManifestHead | undefined {
  if (UNUSUAL.test(doc)) return undefined;
  try {
    return scan(doc);
  } catch (e) {
    if (e === NOT_FAST) return undefined;
    throw e;
  }
}

/** What a scalar value is to the head: nothing, or one of the fields it fills. */
const SET_NONE = 0;
const SET_KIND = 1;
const SET_API_VERSION = 2;
const SET_NAME = 3;
const SET_ANNOTATION = 4;
type Target = 0 | 1 | 2 | 3 | 4;

function scan(doc: string): ManifestHead {
  const lines = doc.split('\n');
  const stack: Frame[] = [];
  const head: ManifestHead = { kind: '', apiVersion: '', name: '', annotations: undefined, empty: true };
  // After `key:` or `-` with nothing after it (pendingIndent >= 0): the indent of that key or dash, and the
  // role of what may follow.
  let pendingIndent = -1 as number;
  let pendingFromKey = false as boolean;
  let pendingRole = ROLE_OTHER as Role;
  let started = false;

  /**
   * The value after a key or a dash, starting at `at` on line `li`; `child` is the role of a block under it,
   * `target` the head field a scalar fills (an annotation's key in `annotation`). Returns the index of the last
   * line it used.
   */
  const value = (s: string, at: number, li: number, indent: number, fromKey: boolean, child: Role, target: Target, annotation: string): number => {
    let i = at;
    while (i < s.length && s.charCodeAt(i) === 32) i++;
    if (i === s.length || (s.charCodeAt(i) === 35 && i > at)) {
      // Nothing here: a block follows, or the value is null. An annotation must be a string: null is not read.
      if (target === SET_ANNOTATION) fail();
      pendingIndent = indent;
      pendingFromKey = fromKey;
      pendingRole = child;
      return li;
    }
    if (i === at && at < s.length) fail();
    const c = s.charCodeAt(i);
    if (c === 124 /* | */ || c === 62 /* > */) {
      if (child !== ROLE_OTHER) fail();
      let j = i + 1;
      if (s.charCodeAt(j) === 45 || s.charCodeAt(j) === 43) j++;
      onlyCommentAfter(s, j);
      return blockScalar(li, indent);
    }
    if (child === ROLE_METADATA || child === ROLE_ANNOTATIONS) {
      // `metadata: {}` or `annotations: {}` read as empty; any other scalar there is left to the full parser.
      if (c !== 123 || s.charCodeAt(i + 1) !== 125) fail();
      onlyCommentAfter(s, i + 2);
      if (child === ROLE_ANNOTATIONS) head.annotations = Object.create(null) as Record<string, string>;
      return li;
    }
    if (target === SET_NONE) {
      scalarAt(s, i, false);
      return li;
    }
    const text = scalarAt(s, i, true);
    if (!scalarString) fail();
    if (target === SET_KIND) head.kind = text;
    else if (target === SET_API_VERSION) head.apiVersion = text;
    else if (target === SET_NAME) head.name = text;
    else head.annotations![annotation] = text;
    return li;
  };

  /** Skips a block scalar's lines after line `li`, whose parent node is at `indent`; returns its last line. */
  const blockScalar = (li: number, indent: number): number => {
    let content = -1;
    let last = li;
    let leadingBlankMax = 0;
    for (let k = li + 1; k < lines.length; k++) {
      const line = lines[k];
      let n = 0;
      while (n < line.length && line.charCodeAt(n) === 32) n++;
      if (n === line.length) {
        if (content < 0) leadingBlankMax = Math.max(leadingBlankMax, n);
        last = k;
        continue;
      }
      if (content < 0) {
        if (n <= indent) break;
        content = n;
        if (leadingBlankMax > content) fail();
      } else if (n < content) {
        if (n > indent) fail();
        break;
      }
      last = k;
    }
    // Trailing blank lines belong to the scalar; the next line (if any) is read again by the caller.
    return last;
  };

  const open = (indent: number, seq: boolean, role: Role) => {
    if (role === ROLE_ANNOTATIONS) head.annotations = Object.create(null) as Record<string, string>;
    stack.push({ indent, seq, keys: seq ? undefined : new Set(), role });
  };

  /** One `key: value` entry of the mapping on top of the stack, the key at column `at` of line `li`. */
  const entry = (s: string, at: number, li: number): number => {
    const frame = stack[stack.length - 1];
    const key = keyAt(s, at);
    if (key === undefined) fail();
    const keys = frame.keys!;
    if (keys.has(key)) fail();
    keys.add(key);
    const role = frame.role;
    const valueAt = keyValueAt;
    if (role === ROLE_ROOT) {
      if (key === 'kind') return value(s, valueAt, li, frame.indent, true, ROLE_SCALAR, SET_KIND, '');
      if (key === 'apiVersion') return value(s, valueAt, li, frame.indent, true, ROLE_SCALAR, SET_API_VERSION, '');
      if (key === 'metadata') return value(s, valueAt, li, frame.indent, true, ROLE_METADATA, SET_NONE, '');
    } else if (role === ROLE_METADATA) {
      if (key === 'name') return value(s, valueAt, li, frame.indent, true, ROLE_SCALAR, SET_NAME, '');
      if (key === 'annotations') return value(s, valueAt, li, frame.indent, true, ROLE_ANNOTATIONS, SET_NONE, '');
    } else if (role === ROLE_ANNOTATIONS) {
      return value(s, valueAt, li, frame.indent, true, ROLE_SCALAR, SET_ANNOTATION, key);
    }
    return value(s, valueAt, li, frame.indent, true, ROLE_OTHER, SET_NONE, '');
  };

  /** One `- …` item of the sequence on top of the stack, the dash at column `at`. */
  const item = (s: string, at: number, li: number): number => {
    const frame = stack[stack.length - 1];
    let i = at + 1;
    while (i < s.length && s.charCodeAt(i) === 32) i++;
    if (i === s.length || (s.charCodeAt(i) === 35 && i > at + 1)) {
      pendingIndent = frame.indent;
      pendingFromKey = false;
      pendingRole = ROLE_OTHER;
      return li;
    }
    if (i === at + 1) fail();
    const c = s.charCodeAt(i);
    if (c === 45 /* - */ && (i + 1 === s.length || s.charCodeAt(i + 1) === 32)) fail();
    if (c !== 124 && c !== 62 && keyAt(s, i) !== undefined) {
      // `- key: value` opens a mapping at the key's column.
      open(i, false, ROLE_OTHER);
      return entry(s, i, li);
    }
    return value(s, at + 1, li, frame.indent, false, ROLE_OTHER, SET_NONE, '');
  };

  for (let li = 0; li < lines.length; li++) {
    const s = lines[li];
    let n = 0;
    while (n < s.length && s.charCodeAt(n) === 32) n++;
    if (n === s.length || s.charCodeAt(n) === 35) continue;
    head.empty = false;
    if (n === 0 && (s.startsWith('---') || s.startsWith('...') || s.charCodeAt(0) === 37)) fail();
    const dash = s.charCodeAt(n) === 45 && (n + 1 === s.length || s.charCodeAt(n + 1) === 32);
    if (!started) {
      if (dash) fail(); // a sequence at the top: not a manifest
      started = true;
      open(n, false, ROLE_ROOT);
      li = entry(s, n, li);
      continue;
    }
    if (pendingIndent >= 0) {
      const indent = pendingIndent;
      pendingIndent = -1;
      if (n > indent || (n === indent && pendingFromKey && dash)) {
        // A block under the key or dash: what the head reads must be a mapping of scalars.
        const role = pendingRole;
        if (role === ROLE_SCALAR || ((role === ROLE_METADATA || role === ROLE_ANNOTATIONS) && dash)) fail();
        open(n, dash, dash ? ROLE_OTHER : role);
        li = dash ? item(s, n, li) : entry(s, n, li);
        continue;
      }
    }
    while (stack.length && stack[stack.length - 1].indent > n) stack.pop();
    if (!stack.length) fail();
    let top = stack[stack.length - 1];
    if (top.indent === n && top.seq && !dash) {
      stack.pop();
      if (!stack.length) fail();
      top = stack[stack.length - 1];
      if (top.indent !== n || top.seq) fail();
    }
    if (top.indent !== n) fail();
    if (top.seq !== dash) fail();
    li = dash ? item(s, n, li) : entry(s, n, li);
  }
  return head;
}
