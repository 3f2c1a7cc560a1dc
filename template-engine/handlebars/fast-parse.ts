/**
 * A hand-written, single-pass parser for the Handlebars syntax charts use. It builds the same tree as
 * Handlebars' own (Jison) parser with `{ ignoreStandalone: true }`, several times faster. Whatever it is not
 * certain of — partials, decorators, raw blocks, escaped mustaches, backslashes in strings or `[...]`
 * segments, unusual characters, any syntax error — makes it return undefined, and the caller falls back to
 * Handlebars' parser (which also words the errors). The lexer follows Handlebars' token rules in their order.
 */
import type { Program, SourceLocation } from './syntax.js';
import { LOC_LINE, locAt } from './syntax.js';

/** Thrown inside the parser to give up; caught by fastParse. */
class GiveUp {}
const GIVE_UP = new GiveUp();
function giveUp(): never {
  throw GIVE_UP;
}

interface Strip {
  open: boolean;
  close: boolean;
}
/** A node's location: packed into one number, or Handlebars' object when it does not fit (see syntax.ts). */
type Loc = SourceLocation | number;
type Node = any;

// Token kinds.
const T_OPEN_SEXPR: number = 1;
const T_CLOSE_SEXPR: number = 2;
const T_EQUALS: number = 3;
const T_ID: number = 4;
const T_SEP: number = 5;
const T_CLOSE_UNESCAPED: number = 6;
const T_CLOSE: number = 7;
const T_STRING: number = 8;
const T_DATA: number = 9;
const T_BOOLEAN: number = 10;
const T_UNDEFINED: number = 11;
const T_NULL: number = 12;
const T_NUMBER: number = 13;
const T_OPEN_BLOCK_PARAMS: number = 14;
const T_CLOSE_BLOCK_PARAMS: number = 15;

function isWs(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 128) return false;
  return /\s/.test(String.fromCharCode(c));
}

/** Characters Handlebars' ID rule excludes: whitespace and !"#%&'()*+,./;<=>@[\]^`{|}~. */
function isIdChar(c: number): boolean {
  if (c >= 97 && c <= 122) return true; // a-z
  if (c >= 65 && c <= 90) return true; // A-Z
  if (c >= 48 && c <= 57) return true; // 0-9
  if (c === 36 || c === 45 || c === 58 || c === 63 || c === 95) return true; // $ - : ? _
  if (c < 128) return false;
  return !isWs(c);
}

/** ASCII characters of the ID rule, from `lastIndex`. */
const ASCII_ID_REST = /[A-Za-z0-9$:?_-]*/y;

/** The ID rule's lookahead: [=~}\s\/.)|]. */
function idFollow(c: number): boolean {
  return c === 61 || c === 126 || c === 125 || c === 47 || c === 46 || c === 41 || c === 124 || isWs(c);
}

/** The literal rules' lookahead: [~}\s)]. */
function literalFollow(c: number): boolean {
  return c === 126 || c === 125 || c === 41 || isWs(c);
}

/** Whether a token of this kind starts a param: a subexpression, a path, `@data` or a literal. */
function startsParam(tok: number): boolean {
  return tok === T_ID || tok === T_OPEN_SEXPR || tok === T_DATA || tok === T_STRING || tok === T_NUMBER || tok === T_BOOLEAN || tok === T_UNDEFINED || tok === T_NULL;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

class Parser {
  private pos = 0;
  // Line tracking for locations: offsets are asked for in increasing order.
  private lineNo = 1;
  private lineStart = 0;
  private scanned = 0;
  // The current token inside a mustache.
  private tok = 0;
  private tokStart = 0;
  private tokText = '';

  constructor(private readonly src: string) {}

  /** The location of offset `off`, packed into one number (see syntax.ts); offsets come in increasing order. */
  loc(off: number): Loc {
    if (off < this.scanned) {
      this.lineNo = 1;
      this.lineStart = 0;
      this.scanned = 0;
    }
    // Newlines counted with indexOf (only \r\n is accepted, checked up front: the \n counts the line).
    const s = this.src;
    for (let nl = s.indexOf('\n', this.scanned); nl >= 0 && nl < off; nl = s.indexOf('\n', nl + 1)) {
      this.lineNo++;
      this.lineStart = nl + 1;
    }
    this.scanned = off;
    // locAt, written out for the usual case (this runs once per node).
    const column = off - this.lineStart;
    if (column < LOC_LINE && this.lineNo < 2 ** 29) return this.lineNo * LOC_LINE + column;
    return locAt(this.lineNo, column);
  }

  // ---- lexer inside a mustache ----

  /** Reads the next token at pos, skipping whitespace. */
  next(): void {
    const s = this.src;
    let i = this.pos;
    const n = s.length;
    let c = s.charCodeAt(i);
    // Spaces and newlines by hand (this runs once per token); isWs for the rest of Handlebars' whitespace.
    while (c === 32 || c === 10 || (c >= 128 || (c >= 9 && c <= 13) ? isWs(c) : false)) c = s.charCodeAt(++i);
    if (i >= n) giveUp();
    this.tokStart = i;
    switch (c) {
      case 40: // (
        this.set(T_OPEN_SEXPR, i + 1);
        return;
      case 41: // )
        this.set(T_CLOSE_SEXPR, i + 1);
        return;
      case 123: // { : only opening tags start with it, never valid inside a mustache
        giveUp();
      // falls through
      case 61: // =
        this.set(T_EQUALS, i + 1);
        return;
      case 46: {
        // .
        const d = s.charCodeAt(i + 1);
        if (d === 46) {
          this.set(T_ID, i + 2);
          return;
        }
        if (i + 1 < n && idFollow(d)) {
          this.set(T_ID, i + 1);
          return;
        }
        this.set(T_SEP, i + 1);
        return;
      }
      case 47: // /
        this.set(T_SEP, i + 1);
        return;
      case 125: // }
        if (s.charCodeAt(i + 1) === 126 && s.charCodeAt(i + 2) === 125 && s.charCodeAt(i + 3) === 125) {
          this.set(T_CLOSE_UNESCAPED, i + 4);
          return;
        }
        if (s.charCodeAt(i + 1) === 125 && s.charCodeAt(i + 2) === 125) {
          if (s.charCodeAt(i + 3) === 125) giveUp(); // }}}}
          this.set(T_CLOSE_UNESCAPED, i + 3);
          return;
        }
        if (s.charCodeAt(i + 1) === 125) {
          this.set(T_CLOSE, i + 2);
          return;
        }
        giveUp();
      // falls through
      case 126: // ~
        if (s.charCodeAt(i + 1) === 125 && s.charCodeAt(i + 2) === 125) {
          this.set(T_CLOSE, i + 3);
          return;
        }
        giveUp();
      // falls through
      case 34: // "
      case 39: {
        // '
        const end = s.indexOf(c === 34 ? '"' : "'", i + 1);
        if (end < 0) giveUp();
        const body = s.slice(i + 1, end);
        if (body.includes('\\')) giveUp();
        this.set(T_STRING, end + 1);
        this.tokText = body;
        return;
      }
      case 64: // @
        this.set(T_DATA, i + 1);
        return;
      case 124: // |
        this.set(T_CLOSE_BLOCK_PARAMS, i + 1);
        return;
      case 91: {
        // [
        const end = s.indexOf(']', i + 1);
        if (end < 0) giveUp();
        const body = s.slice(i + 1, end);
        if (/[\\\n\r\u2028\u2029]/.test(body)) giveUp();
        this.set(T_ID, end + 1);
        return;
      }
    }
    // Keywords and numbers, with their lookahead; then IDs.
    if (c === 116 || c === 102) {
      if (this.keyword('true', T_BOOLEAN, i) || this.keyword('false', T_BOOLEAN, i)) return;
    } else if (c === 117 || c === 110) {
      if (this.keyword('undefined', T_UNDEFINED, i) || this.keyword('null', T_NULL, i)) return;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i;
      if (c === 45) j++;
      const d0 = j;
      while (j < n && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
      if (j > d0) {
        if (s.charCodeAt(j) === 46) {
          let k = j + 1;
          while (k < n && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
          if (k > j + 1) j = k;
        }
        if (j < n && literalFollow(s.charCodeAt(j))) {
          this.set(T_NUMBER, j);
          return;
        }
      }
    }
    if (c === 97 && s.charCodeAt(i + 1) === 115) {
      // as\s+\|
      let j = i + 2;
      while (j < n && isWs(s.charCodeAt(j))) j++;
      if (j > i + 2 && s.charCodeAt(j) === 124) {
        this.set(T_OPEN_BLOCK_PARAMS, j + 1);
        return;
      }
    }
    if (isIdChar(c)) {
      // The ASCII part by one sticky RegExp, the rest (if any) character by character; the usual ID and what
      // follows it without a call (this runs for most tokens).
      ASCII_ID_REST.lastIndex = i + 1;
      ASCII_ID_REST.test(s);
      let j = ASCII_ID_REST.lastIndex;
      let d = s.charCodeAt(j);
      if (d >= 128) {
        while (j < n && isIdChar(s.charCodeAt(j))) j++;
        d = s.charCodeAt(j);
      }
      if (j < n && (d === 125 || d === 46 || d === 32 || idFollow(d))) {
        this.tok = T_ID;
        this.tokText = s.slice(i, j);
        this.pos = j;
        return;
      }
    }
    giveUp();
  }

  private keyword(word: string, kind: number, i: number): boolean {
    const s = this.src;
    if (!s.startsWith(word, i)) return false;
    const j = i + word.length;
    if (j >= s.length || !literalFollow(s.charCodeAt(j))) return false;
    this.set(kind, j);
    return true;
  }

  private set(kind: number, end: number): void {
    this.tok = kind;
    this.tokText = this.src.slice(this.tokStart, end);
    this.pos = end;
  }

  // ---- expressions ----

  private path(data: boolean, start: number): Node {
    // Current token is an ID; reads ID (SEP ID)*.
    const parts: string[] = [];
    let original = data ? '@' : '';
    let depth = 0;
    let sep = '';
    for (;;) {
      if (this.tok !== T_ID) giveUp();
      const text = this.tokText;
      const part = text.length >= 2 && text.charCodeAt(0) === 91 && text.charCodeAt(text.length - 1) === 93 ? text.slice(1, -1) : text;
      const isLiteral = part !== text;
      original += sep + part;
      if (!isLiteral && (part === '..' || part === '.' || part === 'this')) {
        if (parts.length > 0) giveUp(); // "Invalid path"
        if (part === '..') depth++;
      } else {
        parts.push(part);
      }
      this.next();
      if (this.tok !== T_SEP) break;
      sep = this.tokText;
      this.next();
    }
    return { type: 'PathExpression', data, depth, parts, original, loc: this.loc(start) };
  }

  /** helperName: path | dataName | literal. Reads it and the token after it. */
  private helperName(): Node {
    const start = this.tokStart;
    const text = this.tokText;
    switch (this.tok) {
      case T_ID:
        return this.path(false, start);
      case T_DATA:
        this.next();
        return this.path(true, start);
      case T_STRING:
        this.next();
        return { type: 'StringLiteral', value: text, original: text, loc: this.loc(start) };
      case T_NUMBER: {
        this.next();
        const v = Number(text);
        return { type: 'NumberLiteral', value: v, original: v, loc: this.loc(start) };
      }
      case T_BOOLEAN: {
        this.next();
        const v = text === 'true';
        return { type: 'BooleanLiteral', value: v, original: v, loc: this.loc(start) };
      }
      case T_UNDEFINED:
        this.next();
        return { type: 'UndefinedLiteral', original: undefined, value: undefined, loc: this.loc(start) };
      case T_NULL:
        this.next();
        return { type: 'NullLiteral', original: null, value: null, loc: this.loc(start) };
    }
    giveUp();
  }

  private param(): Node {
    if (this.tok === T_OPEN_SEXPR) {
      const start = this.tokStart;
      const startLoc = this.loc(start);
      this.next();
      const path = this.helperName();
      const { params, hash } = this.paramsAndHash();
      if (this.tok !== T_CLOSE_SEXPR) giveUp();
      this.next();
      return { type: 'SubExpression', path, params, hash, loc: startLoc };
    }
    return this.helperName();
  }

  /** Whether the current ID token is followed by `=` (a hash pair's key). */
  private atHashKey(): boolean {
    if (this.tok !== T_ID) return false;
    const s = this.src;
    let j = this.pos;
    while (j < s.length && isWs(s.charCodeAt(j))) j++;
    return s.charCodeAt(j) === 61;
  }

  private paramsAndHash(): { params: Node[]; hash: Node } {
    const params: Node[] = [];
    while (startsParam(this.tok) && !this.atHashKey()) params.push(this.param());
    let hash: Node = undefined;
    if (this.atHashKey()) {
      const pairs: Node[] = [];
      let hashLoc: Loc | undefined;
      while (this.atHashKey()) {
        const start = this.tokStart;
        const pairLoc = this.loc(start);
        hashLoc ??= pairLoc;
        const text = this.tokText;
        const key = text.length >= 2 && text.charCodeAt(0) === 91 && text.charCodeAt(text.length - 1) === 93 ? text.slice(1, -1) : text;
        this.next(); // =
        if (this.tok !== T_EQUALS) giveUp();
        this.next();
        if (!startsParam(this.tok)) giveUp();
        const value = this.param();
        pairs.push({ type: 'HashPair', key, value, loc: pairLoc });
      }
      hash = { type: 'Hash', pairs, loc: hashLoc };
    }
    return { params, hash };
  }

  /** The close token's strip flag (`~}}`). */
  private closeStripOf(): boolean {
    const t = this.tokText;
    return t.charCodeAt(t.length - 3) === 126;
  }

  // ---- statements ----

  /** One opening tag's contents after its opener: helperName param* hash? blockParams? CLOSE. */
  private openContents(allowBlockParams: boolean): { path: Node; params: Node[]; hash: Node; blockParams: string[] | undefined; close: boolean } {
    this.next();
    const path = this.helperName();
    const { params, hash } = this.paramsAndHash();
    let blockParams: string[] | undefined;
    if (allowBlockParams && this.tok === T_OPEN_BLOCK_PARAMS) {
      blockParams = [];
      this.next();
      while (this.tok === T_ID) {
        const text = this.tokText;
        blockParams.push(text.length >= 2 && text.charCodeAt(0) === 91 && text.charCodeAt(text.length - 1) === 93 ? text.slice(1, -1) : text);
        this.next();
      }
      if (blockParams.length === 0 || this.tok !== T_CLOSE_BLOCK_PARAMS) giveUp();
      this.next();
    }
    if (this.tok !== T_CLOSE) giveUp();
    return { path, params, hash, blockParams, close: this.closeStripOf() };
  }

  private program(statements: Node[], loc?: Loc): Node {
    if (loc === undefined && statements.length) loc = statements[0].loc;
    return { type: 'Program', body: statements, strip: {}, loc };
  }

  /**
   * Reads statements until a tag that ends the current program: `{{/`, `{{else}}`/`{{^}}`, `{{else …`, or
   * the end of the source. Returns the statements and what stopped them.
   */
  private statements(): { body: Node[]; stop: 'eof' | 'close' | 'inverse' | 'chain'; stopStart: number; tildeOpen: boolean } {
    const s = this.src;
    const n = s.length;
    const body: Node[] = [];
    for (;;) {
      const start = this.pos;
      if (start >= n) return { body, stop: 'eof', stopStart: start, tildeOpen: false };
      let open = s.indexOf('{{', start);
      if (open < 0) open = n;
      if (open > start) {
        if (open < n && s.charCodeAt(open - 1) === 92) giveUp(); // \{{ escapes
        const text = s.slice(start, open);
        body.push({ type: 'ContentStatement', original: text, value: text, loc: this.loc(start) });
        this.pos = open;
        if (open >= n) return { body, stop: 'eof', stopStart: n, tildeOpen: false };
      }
      // A tag at `open`.
      let i = open + 2;
      const tilde = s.charCodeAt(i) === 126;
      if (tilde) i++;
      const c = s.charCodeAt(i);
      if (s.charCodeAt(open + 2) === 123 && s.charCodeAt(open + 3) === 123) giveUp(); // {{{{ raw
      if (c === 62) giveUp(); // partial
      if (c === 35) {
        // {{#
        const d = s.charCodeAt(i + 1);
        if (d === 62 || d === 42) giveUp(); // {{#> and {{#*
        this.pos = i + 1;
        body.push(this.block(open, tilde, false));
        continue;
      }
      if (c === 47) {
        this.pos = i + 1;
        return { body, stop: 'close', stopStart: open, tildeOpen: tilde };
      }
      if (c === 94) {
        // {{^ : alone (inverse) or an inverse block
        let j = i + 1;
        while (j < n && isWs(s.charCodeAt(j))) j++;
        if (s.charCodeAt(j) === 126) j++;
        if (s.charCodeAt(j) === 125 && s.charCodeAt(j + 1) === 125) {
          this.pos = j + 2;
          return { body, stop: 'inverse', stopStart: open, tildeOpen: tilde };
        }
        this.pos = i + 1;
        body.push(this.block(open, tilde, true));
        continue;
      }
      {
        // {{~?\s*else
        let j = i;
        while (j < n && isWs(s.charCodeAt(j))) j++;
        if (s.startsWith('else', j)) {
          let k = j + 4;
          while (k < n && isWs(s.charCodeAt(k))) k++;
          if (s.charCodeAt(k) === 126) k++;
          if (s.charCodeAt(k) === 125 && s.charCodeAt(k + 1) === 125) {
            this.pos = k + 2;
            return { body, stop: 'inverse', stopStart: open, tildeOpen: tilde };
          }
          if (!isWordChar(s.charCodeAt(j + 4))) {
            this.pos = j + 4;
            return { body, stop: 'chain', stopStart: open, tildeOpen: tilde };
          }
        }
      }
      if (c === 33) {
        // comments
        let end: number;
        if (s.charCodeAt(i + 1) === 45 && s.charCodeAt(i + 2) === 45) {
          let k = open;
          for (;;) {
            k = s.indexOf('--', k);
            if (k < 0) giveUp();
            if (s.charCodeAt(k + 2) === 126 && s.charCodeAt(k + 3) === 125 && s.charCodeAt(k + 4) === 125) {
              end = k + 5;
              break;
            }
            if (s.charCodeAt(k + 2) === 125 && s.charCodeAt(k + 3) === 125) {
              end = k + 4;
              break;
            }
            k++;
          }
        } else {
          const k = s.indexOf('}}', i + 1);
          if (k < 0) giveUp();
          end = k + 2;
        }
        const token = s.slice(open, end);
        const value = token.replace(/^\{\{~?!-?-?/, '').replace(/-?-?~?\}\}$/, '');
        body.push({ type: 'CommentStatement', value, strip: { open: token.charCodeAt(2) === 126, close: token.charCodeAt(token.length - 3) === 126 }, loc: this.loc(open) });
        this.pos = end;
        continue;
      }
      if (c === 42) giveUp(); // decorator
      // A mustache: {{, {{{, {{&
      let unescapedBrace = false;
      let escaped = true;
      if (c === 123) {
        unescapedBrace = true;
        escaped = false;
        i++;
      } else if (c === 38) {
        escaped = false;
        i++;
      }
      const loc = this.loc(open);
      this.pos = i;
      this.next();
      const path = this.helperName();
      const { params, hash } = this.paramsAndHash();
      if (this.tok !== (unescapedBrace ? T_CLOSE_UNESCAPED : T_CLOSE)) giveUp();
      body.push({ type: 'MustacheStatement', path, params, hash, escaped, strip: { open: tilde, close: this.closeStripOf() }, loc });
    }
  }

  /** A block, after its `{{#` or `{{^` (pos is after the opener). */
  private block(open: number, tildeOpen: boolean, inverted: boolean): Node {
    const loc = this.loc(open);
    const head = this.openContents(true);
    if (head.path.type !== 'PathExpression') giveUp();
    const openStrip: Strip = { open: tildeOpen, close: head.close };
    const first = this.statements();
    const program = this.program(first.body);
    program.blockParams = head.blockParams;
    let inverseAndProgram: { strip: Strip; program: Node; chain?: boolean } | undefined;
    let end = first;
    if (first.stop === 'inverse') {
      const strip = this.inverseStrip(first.stopStart);
      const rest = this.statements();
      inverseAndProgram = { strip, program: this.program(rest.body) };
      end = rest;
    } else if (first.stop === 'chain') {
      if (inverted) giveUp();
      const r = this.chain(first.stopStart, first.tildeOpen);
      inverseAndProgram = r.chain;
      end = r.end;
    }
    if (end.stop !== 'close') giveUp();
    const close = this.closeTag(end.tildeOpen);
    if (close.original !== head.path.original) giveUp();
    return this.prepareBlock(head, openStrip, program, inverseAndProgram, close.strip, inverted, loc);
  }

  /** The strip flags of an `{{else}}` / `{{^}}` token that ends at pos. */
  private inverseStrip(start: number): Strip {
    const s = this.src;
    return { open: s.charCodeAt(start + 2) === 126, close: s.charCodeAt(this.pos - 3) === 126 };
  }

  /** `{{/ helperName }}` after the `{{/`: returns the path's original and the tag's strip. */
  private closeTag(tildeOpen: boolean): { original: string; strip: Strip } {
    this.next();
    if (this.tok !== T_ID && this.tok !== T_DATA) giveUp();
    const path = this.helperName();
    if (this.tok !== T_CLOSE) giveUp();
    return { original: path.original, strip: { open: tildeOpen, close: this.closeStripOf() } };
  }

  /**
   * An inverse chain after `{{else` (pos after `else`): openInverseChain program inverseChain?. Returns the
   * chain object as Handlebars' grammar builds it, and the statements result that ended it.
   */
  private chain(start: number, tildeOpen: boolean): { chain: { strip: Strip; program: Node; chain: true }; end: ReturnType<Parser['statements']> } {
    const loc = this.loc(start);
    const head = this.openContents(true);
    if (head.path.type !== 'PathExpression') giveUp();
    const strip: Strip = { open: tildeOpen, close: head.close };
    const first = this.statements();
    const program = this.program(first.body);
    program.blockParams = head.blockParams;
    let inner: { strip: Strip; program: Node; chain?: boolean } | undefined;
    let end = first;
    if (first.stop === 'inverse') {
      const elseStrip = this.inverseStrip(first.stopStart);
      const rest = this.statements();
      inner = { strip: elseStrip, program: this.program(rest.body) };
      end = rest;
    } else if (first.stop === 'chain') {
      const r = this.chain(first.stopStart, first.tildeOpen);
      inner = r.chain;
      end = r.end;
    }
    const blockNode = this.prepareBlock(head, strip, program, inner, inner?.strip, false, loc);
    const chained = this.program([blockNode], program.loc);
    chained.chained = true;
    return { chain: { strip, program: chained, chain: true }, end };
  }

  private prepareBlock(
    head: { path: Node; params: Node[]; hash: Node },
    openStrip: Strip,
    program: Node,
    inverseAndProgram: { strip: Strip; program: Node; chain?: boolean } | undefined,
    closeStrip: Strip | undefined,
    inverted: boolean,
    loc: Loc,
  ): Node {
    let inverse: Node;
    let inverseStrip: Strip | undefined;
    if (inverseAndProgram) {
      if (inverseAndProgram.chain) inverseAndProgram.program.body[0].closeStrip = closeStrip;
      inverseStrip = inverseAndProgram.strip;
      inverse = inverseAndProgram.program;
    }
    if (inverted) {
      const t = inverse;
      inverse = program;
      program = t;
    }
    return { type: 'BlockStatement', path: head.path, params: head.params, hash: head.hash, program, inverse, openStrip, inverseStrip, closeStrip, loc };
  }

  parse(): Node {
    const r = this.statements();
    if (r.stop !== 'eof') giveUp();
    const root = this.program(r.body);
    whitespaceProgram(root);
    return root;
  }
}

// ---- whitespace control (Handlebars' WhitespaceControl visitor with ignoreStandalone) ----

function omitRight(body: Node[], i: number | null): void {
  const current = body[i == null ? 0 : i + 1];
  if (!current || current.type !== 'ContentStatement') return;
  current.value = current.value.trimStart();
}

function omitLeft(body: Node[], i: number | null): void {
  const current = body[i == null ? body.length - 1 : i - 1];
  if (!current || current.type !== 'ContentStatement') return;
  current.value = current.value.trimEnd();
}

function whitespaceProgram(program: Node): void {
  const body = program.body as Node[];
  for (let i = 0; i < body.length; i++) {
    const current = body[i];
    let strip: Strip | undefined;
    switch (current.type) {
      case 'BlockStatement':
        strip = whitespaceBlock(current);
        break;
      case 'MustacheStatement':
      case 'CommentStatement':
        strip = current.strip;
        break;
    }
    if (!strip) continue;
    if (strip.close) omitRight(body, i);
    if (strip.open) omitLeft(body, i);
  }
}

function whitespaceBlock(block: Node): Strip {
  if (block.program) whitespaceProgram(block.program);
  if (block.inverse) whitespaceProgram(block.inverse);
  const program = block.program || block.inverse;
  const inverse = block.program && block.inverse;
  let firstInverse = inverse;
  let lastInverse = inverse;
  if (inverse && inverse.chained) {
    firstInverse = inverse.body[0].program;
    while (lastInverse.chained) lastInverse = lastInverse.body[lastInverse.body.length - 1].program;
  }
  const strip = { open: block.openStrip.open, close: block.closeStrip.close };
  if (block.openStrip.close) omitRight(program.body, null);
  if (inverse) {
    const inverseStrip = block.inverseStrip;
    if (inverseStrip.open) omitLeft(program.body, null);
    if (inverseStrip.close) omitRight(firstInverse.body, null);
    if (block.closeStrip.open) omitLeft(lastInverse.body, null);
  } else if (block.closeStrip.open) {
    omitLeft(program.body, null);
  }
  return strip;
}

/** Characters that make line and column counting differ from Handlebars' lexer, or that it treats specially. */
const UNUSUAL = /[\x00\u2028\u2029]|\r(?!\n)/;

/**
 * Parses a Handlebars template as Handlebars' parser does with `{ ignoreStandalone: true }`, or returns
 * undefined when the template uses syntax this parser leaves to Handlebars (or has an error).
 */
export function fastParse(source: string): Program | undefined {
  if (UNUSUAL.test(source)) return undefined;
  try {
    return new Parser(source).parse() as Program;
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    // Anything unexpected (a bug here) is left to Handlebars' parser too.
    return undefined;
  }
}
