/**
 * One pass over the block-style YAML that values files and Chart.yaml are nearly always written in, building
 * the data directly. js-yaml reads a character at a time through a dozen functions per character; on a cold
 * start (every CLI run) that is 0.6 µs a byte, 9 ms for a 15 KB values file. This reads a line at a time.
 *
 * It accepts only: mappings and sequences by indentation (a sequence may sit at its key's column), keys that
 * are name-like words or quoted without escapes, one-line plain and quoted scalars (no escapes), one-line flow
 * collections of scalars, `|` and `|-` literal block scalars, comments, and one leading `---`. Anything else
 * (anchors, aliases, tags, folded or kept block scalars, multi-line scalars, escapes, tabs, CR, duplicate keys,
 * keys YAML 1.1 reads as something other than a string, top-level sequences or scalars, several documents)
 * answers `undefined`, and the caller reads the text with the full parsers, which also word any error.
 * Accepting means js-yaml with Helm's schema reads the same text without error to the same data;
 * test/unit/yaml-block.test.ts checks that on every YAML file of the corpus and on mutations of them.
 */

/** Reads a plain scalar as Helm does (null, YAML 1.1 booleans and numbers, or the string itself). */
export type PlainResolver = (text: string) => unknown;

/** Characters that send the whole text to the full parsers: tabs, CR, control characters, BOMs, non-characters. */
// eslint-disable-next-line no-control-regex
const UNUSUAL = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]/;
/** A plain key and its colon (followed by a space or the end of the line), read from `lastIndex`. */
const PLAIN_KEY = /[A-Za-z0-9_][A-Za-z0-9_./-]*:(?= |$)/y;
/** Characters that may not start a plain scalar here (or start one this reader leaves to the full parser). */
const NOT_PLAIN_START = '[]{}#&*!|>\'"%@`,?:';

const DECLINE = Symbol('decline');
function decline(): never {
  throw DECLINE;
}

type Container = Record<string, unknown> | unknown[];

interface Frame {
  indent: number;
  seq: boolean;
  node: Container;
}

/** The text's data, or undefined when the text is not in the subset this reader accepts. */
export function loadBlockYaml(text: string, plain: PlainResolver): { value: unknown } | undefined {
  if (UNUSUAL.test(text)) return undefined;
  try {
    return read(text, plain);
  } catch (e) {
    if (e === DECLINE) return undefined;
    throw e;
  }
}

/** Where the comment starts (`#` after a space, or at `from` itself), or the line's length. */
export function commentAt(s: string, from: number): number {
  for (let i = s.indexOf('#', from); i >= 0; i = s.indexOf('#', i + 1)) {
    if (i === from || s.charCodeAt(i - 1) === 32) return i;
  }
  return s.length;
}

/** Only spaces and maybe a comment (after a space) from `at` to the end of the line. */
export function restIsEmpty(s: string, at: number): boolean {
  let i = at;
  while (i < s.length && s.charCodeAt(i) === 32) i++;
  return i === s.length || (s.charCodeAt(i) === 35 /* # */ && i > at);
}

/** A quoted scalar starting at `at` (on the quote), when it closes on this line without escapes: text and end. */
function quotedAt(s: string, at: number): { text: string; end: number } {
  const q = s.charCodeAt(at);
  if (q === 34 /* " */) {
    const end = s.indexOf('"', at + 1);
    if (end < 0) decline();
    const text = s.slice(at + 1, end);
    if (text.includes('\\')) decline();
    return { text, end: end + 1 };
  }
  let text = '';
  let i = at + 1;
  for (;;) {
    const end = s.indexOf("'", i);
    if (end < 0) decline();
    text += s.slice(i, end);
    if (s.charCodeAt(end + 1) !== 39) return { text, end: end + 1 };
    text += "'";
    i = end + 2;
  }
}

/** A plain scalar's text from `at` to the comment or the end, trimmed; declines what is not one line of one. */
function plainText(s: string, at: number, flow: boolean): string {
  const c = s[at];
  if (NOT_PLAIN_START.includes(c)) decline();
  const next = s.charCodeAt(at + 1);
  if (c === '-' && (next === 32 || Number.isNaN(next))) decline();
  const end = flow ? s.length : commentAt(s, at);
  let last = end;
  while (last > at && s.charCodeAt(last - 1) === 32) last--;
  const text = s.slice(at, last);
  // `a: b: c` and `a: b:` are mappings in the wrong place (errors); ` #` in a flow item is a comment.
  if (text.endsWith(':') || text.includes(': ') || text.includes(' #')) decline();
  if (text === '<<') decline();
  return text;
}

/** A key that YAML 1.1 reads as a string (js-yaml would turn `yes` into "true", `0x1` into "1"). */
function stringKey(key: string, plain: PlainResolver): string {
  if (key === '__proto__' || plain(key) !== key) decline();
  return key;
}

/** A plain scalar inside a flow collection: up to `,` or the closing bracket, without colons or indicators. */
const FLOW_PLAIN = /[^,\]}]*/y;
const FLOW_PLAIN_UNSAFE = /[[\]{}#:"']/;

/** A scalar of a flow collection at `at`: its data and where it ends. */
function flowScalar(s: string, at: number, plain: PlainResolver): { v: unknown; end: number } {
  const c = s.charCodeAt(at);
  if (c === 34 || c === 39) {
    const q = quotedAt(s, at);
    return { v: q.text, end: q.end };
  }
  FLOW_PLAIN.lastIndex = at;
  FLOW_PLAIN.test(s);
  const end = FLOW_PLAIN.lastIndex;
  const raw = s.slice(at, end).trimEnd();
  if (raw === '' || FLOW_PLAIN_UNSAFE.test(raw)) decline();
  return { v: plain(plainText(raw, 0, true)), end };
}

/**
 * A one-line flow collection of scalars starting at `at` (on `[` or `{`): `[a, "b"]`, `{cpu: 100m}`. Its data
 * and where it ends; nesting, empty items and anything else are declined.
 */
function flowAt(s: string, at: number, plain: PlainResolver): { v: Container; end: number } {
  const close = s.charCodeAt(at) === 91 /* [ */ ? 93 : 125;
  const out: Container = close === 93 ? [] : {};
  let i = at + 1;
  while (s.charCodeAt(i) === 32) i++;
  if (s.charCodeAt(i) === close) return { v: out, end: i + 1 };
  for (;;) {
    while (s.charCodeAt(i) === 32) i++;
    if (Array.isArray(out)) {
      const item = flowScalar(s, i, plain);
      out.push(item.v);
      i = item.end;
    } else {
      let key: string;
      const c = s.charCodeAt(i);
      if (c === 34 || c === 39) {
        const q = quotedAt(s, i);
        key = q.text;
        i = q.end;
        if (key === '__proto__') decline();
      } else {
        PLAIN_KEY.lastIndex = i;
        if (!PLAIN_KEY.test(s)) decline();
        key = stringKey(s.slice(i, PLAIN_KEY.lastIndex - 1), plain);
        i = PLAIN_KEY.lastIndex - 1;
      }
      if (s.charCodeAt(i) !== 58 || s.charCodeAt(i + 1) !== 32 || Object.prototype.hasOwnProperty.call(out, key)) decline();
      i += 2;
      while (s.charCodeAt(i) === 32) i++;
      const item = flowScalar(s, i, plain);
      out[key] = item.v;
      i = item.end;
    }
    while (s.charCodeAt(i) === 32) i++;
    const c = s.charCodeAt(i);
    if (c === close) return { v: out, end: i + 1 };
    if (c !== 44 /* , */) decline();
    i++;
  }
}

function read(text: string, plain: PlainResolver): { value: unknown } | undefined {
  const lines = text.split('\n');
  const stack: Frame[] = [];
  let root: Container | undefined;
  /** After `key:` or `-` with nothing after it: where the value goes, and the column of that key or dash's node. */
  let pending: { into: Container; key: string | number; indent: number; fromKey: boolean } | undefined;
  /** After a one-line value: the deepest column the next line may start at (deeper would continue the scalar). */
  let maxIndent = Infinity;
  let started = false;

  const assign = (into: Container, key: string | number, v: unknown) => {
    if (Array.isArray(into)) into.push(v);
    else into[key as string] = v;
  };

  /** A literal block scalar (`|` or `|-`) under a node at column `indent`, after line `li`: its text and last line. */
  const literal = (li: number, indent: number, strip: boolean): { text: string; last: number } => {
    let content = -1;
    let last = li;
    const parts: string[] = [];
    let blanks = 0;
    for (let k = li + 1; k < lines.length; k++) {
      const line = lines[k];
      let n = 0;
      while (n < line.length && line.charCodeAt(n) === 32) n++;
      if (n === line.length) {
        // A line of spaces only: longer than the content's indentation it would hold spaces (left to js-yaml).
        if (content >= 0 ? n > content : n > indent) decline();
        blanks++;
        last = k;
        continue;
      }
      if (content < 0) {
        if (n <= indent) break;
        content = n;
      } else if (n < content) {
        if (n > indent) decline();
        break;
      }
      for (; blanks > 0; blanks--) parts.push('');
      parts.push(line.slice(content));
      last = k;
    }
    if (content < 0) decline();
    // Trailing blank lines are the scalar's, dropped by either chomping this reader takes.
    const body = parts.join('\n');
    return { text: strip ? body : `${body}\n`, last };
  };

  /** The value after a key or a dash, starting at `at` on line `li`; returns the last line it used. */
  const value = (s: string, at: number, li: number, into: Container, key: string | number, indent: number, fromKey: boolean): number => {
    let i = at;
    while (i < s.length && s.charCodeAt(i) === 32) i++;
    if (i === s.length || (s.charCodeAt(i) === 35 && i > at)) {
      pending = { into, key, indent, fromKey };
      return li;
    }
    if (i === at) decline();
    const c = s.charCodeAt(i);
    maxIndent = indent;
    if (c === 124 /* | */) {
      const strip = s.charCodeAt(i + 1) === 45; /* - */
      if (!restIsEmpty(s, strip ? i + 2 : i + 1)) decline();
      const block = literal(li, indent, strip);
      assign(into, key, block.text);
      return block.last;
    }
    if (c === 34 || c === 39) {
      const q = quotedAt(s, i);
      if (!restIsEmpty(s, q.end)) decline();
      assign(into, key, q.text);
      return li;
    }
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const flow = flowAt(s, i, plain);
      if (!restIsEmpty(s, flow.end)) decline();
      assign(into, key, flow.v);
      return li;
    }
    assign(into, key, plain(plainText(s, i, false)));
    return li;
  };

  const open = (indent: number, seq: boolean): Container => {
    const node: Container = seq ? [] : {};
    stack.push({ indent, seq, node });
    return node;
  };

  /** One `key: value` entry of the mapping on top, the key at column `at` of line `li`. */
  const entry = (s: string, at: number, li: number): number => {
    const frame = stack[stack.length - 1];
    const map = frame.node as Record<string, unknown>;
    let key: string;
    let after: number;
    const c = s.charCodeAt(at);
    if (c === 34 || c === 39) {
      const q = quotedAt(s, at);
      if (s.charCodeAt(q.end) !== 58 /* : */ || (q.end + 1 < s.length && s.charCodeAt(q.end + 1) !== 32)) decline();
      key = q.text;
      if (key === '__proto__') decline();
      after = q.end + 1;
    } else {
      PLAIN_KEY.lastIndex = at;
      if (!PLAIN_KEY.test(s)) decline();
      after = PLAIN_KEY.lastIndex;
      key = stringKey(s.slice(at, after - 1), plain);
    }
    if (Object.prototype.hasOwnProperty.call(map, key)) decline();
    return value(s, after, li, map, key, frame.indent, true);
  };

  /** One `- …` item of the sequence on top, the dash at column `at`. */
  const item = (s: string, at: number, li: number): number => {
    const frame = stack[stack.length - 1];
    const list = frame.node as unknown[];
    let i = at + 1;
    while (i < s.length && s.charCodeAt(i) === 32) i++;
    if (i < s.length && s.charCodeAt(i) !== 35) {
      const c = s.charCodeAt(i);
      if (c === 45 /* - */ && (i + 1 === s.length || s.charCodeAt(i + 1) === 32)) decline();
      // `- key: value` opens a mapping at the key's column.
      let isKey = false;
      if (c === 34 || c === 39) {
        const close = s.indexOf(c === 34 ? '"' : "'", i + 1);
        isKey = close > 0 && s.charCodeAt(close + 1) === 58;
      } else {
        PLAIN_KEY.lastIndex = i;
        isKey = PLAIN_KEY.test(s);
      }
      if (isKey) {
        const map: Record<string, unknown> = {};
        list.push(map);
        stack.push({ indent: i, seq: false, node: map });
        return entry(s, i, li);
      }
    }
    return value(s, at + 1, li, list, list.length, frame.indent, false);
  };

  for (let li = 0; li < lines.length; li++) {
    const s = lines[li];
    let n = 0;
    while (n < s.length && s.charCodeAt(n) === 32) n++;
    if (n === s.length || s.charCodeAt(n) === 35) continue;
    if (n === 0 && (s.startsWith('---') || s.startsWith('...') || s[0] === '%')) {
      // One `---` before the content starts the document; any other marker or directive is left to js-yaml.
      if (started || !s.startsWith('---') || !restIsEmpty(s, 3)) decline();
      started = true;
      continue;
    }
    started = true;
    const dash = s.charCodeAt(n) === 45 && (n + 1 === s.length || s.charCodeAt(n + 1) === 32);
    if (root === undefined) {
      if (dash) decline();
      root = open(n, false);
      li = entry(s, n, li);
      continue;
    }
    if (pending) {
      const p = pending;
      pending = undefined;
      if (n > p.indent || (n === p.indent && p.fromKey && dash)) {
        assign(p.into, p.key, open(n, dash));
        maxIndent = Infinity;
        li = dash ? item(s, n, li) : entry(s, n, li);
        continue;
      }
      assign(p.into, p.key, null);
    } else if (n > maxIndent) {
      decline(); // a continuation line of a scalar, or a stray deeper line
    }
    maxIndent = Infinity;
    while (stack.length && stack[stack.length - 1].indent > n) stack.pop();
    if (!stack.length) decline();
    let top = stack[stack.length - 1];
    if (top.indent === n && top.seq && !dash) {
      stack.pop();
      if (!stack.length) decline();
      top = stack[stack.length - 1];
    }
    if (top.indent !== n || top.seq !== dash) decline();
    li = dash ? item(s, n, li) : entry(s, n, li);
  }
  if (root === undefined) return undefined;
  if (pending) assign(pending.into, pending.key, null);
  return { value: root };
}
