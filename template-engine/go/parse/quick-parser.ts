/**
 * A quicker parse of the templates charts are made of, for parser.ts's `parse`: the same trees (node for
 * node, position for position) from a parser that reads a whole action per step instead of pulling one item
 * at a time through the lexer. Go's parser makes about ten calls for every token; here an action's tokens are
 * scanned into four arrays in one loop, then read by index. This matters most on a first render, with no
 * cached trees, when the parser runs as interpreted code.
 *
 * It reads only the default `{{ }}` delimiters and the usual forms: text, trim markers, comments, `if`,
 * `else`, `else if`, `range`, `with`, `else with`, `end`, `define` at the top, `template`, pipelines of fields,
 * variables, function names, `.`, strings, raw strings, decimal integers, booleans, `nil` and parentheses.
 * Anything else, and every error, answers undefined: the caller then parses with the full parser, which reads
 * all of Go's grammar and words the error. test/unit/go-quick-parse.test.ts holds both to the same trees on
 * every template of the repository and the corpus, and on mutations of them.
 */
import type { ActionNode, ArgNode, CommandNode, IfNode, ListNode, Node, ParsedTemplate, PipeNode, RangeNode, StringNode, TemplateNode, WithNode } from './nodes.js';
import { isSpace } from './lexer.js';
import { newNumber, unquoteGo } from './strconv.js';

// Token kinds.
const FIELD: number = 1;
const DOT: number = 2;
const VARIABLE: number = 3;
const IDENTIFIER: number = 4;
const STRING: number = 5;
const NUMBER: number = 6;
const BOOL: number = 7;
const NIL: number = 8;
const PIPE: number = 9;
const LEFT_PAREN: number = 10;
const RIGHT_PAREN: number = 11;
const ASSIGN: number = 12;
const DECLARE: number = 13;
const COMMA: number = 14;
const RIGHT_DELIM: number = 15;
const IF: number = 16;
const ELSE: number = 17;
const END: number = 18;
const RANGE: number = 19;
const WITH: number = 20;
const TEMPLATE: number = 21;
const DEFINE: number = 22;
/** `block`, `break`, `continue`: left to the full parser. */
const OTHER_KEYWORD: number = 23;

const WORDS: ReadonlyMap<string, number> = new Map([
  ['if', IF],
  ['else', ELSE],
  ['end', END],
  ['range', RANGE],
  ['with', WITH],
  ['template', TEMPLATE],
  ['define', DEFINE],
  ['true', BOOL],
  ['false', BOOL],
  ['nil', NIL],
  ['block', OTHER_KEYWORD],
  ['break', OTHER_KEYWORD],
  ['continue', OTHER_KEYWORD],
]);

/** The tokens of one character, by its code. */
const ONE_CHARACTER: number[] = [];
ONE_CHARACTER[124] = PIPE;
ONE_CHARACTER[40] = LEFT_PAREN;
ONE_CHARACTER[41] = RIGHT_PAREN;
ONE_CHARACTER[44] = COMMA;
ONE_CHARACTER[61] = ASSIGN;

/** The rest of an ASCII name (letters, digits, `_`), from `lastIndex`. */
const NAME_REST = /[A-Za-z0-9_]*/y;
/** A quoted string's body and closing quote, from after the opening quote. */
const QUOTED_REST = /(?:[^"\\\n]|\\[^\n])*"/y;
/** Go's maxStackDepth: nested parentheses. */
const MAX_STACK_DEPTH: number = 10000;
/** Go's maxPipelineCmds. */
const MAX_PIPELINE_CMDS: number = 100000;

/** Thrown to give up; the caller parses with the full parser. */
const GIVE_UP = Symbol('give-up');
function giveUp(): never {
  throw GIVE_UP;
}

// The parse's state (one parse runs at a time: nothing here is asynchronous).
let src = '';
/** Where the lexer is: past the last piece read (and a right trim marker's spaces), where text would start. */
let at = 0;
let known: (name: string) => boolean = () => false;
let keepComments = true;
let vars: string[] = [];
let defines = new Map<string, ListNode>();
let depth = 0;

// The piece read last: text, a comment, an action (its tokens below) or the end.
const P_TEXT: number = 1;
const P_COMMENT: number = 2;
const P_ACTION: number = 3;
const P_EOF: number = 4;
let piece = 0;
let piecePos = 0;
let pieceText = '';

// The tokens of the current action: kind, offset, text, and whether space comes before it. The last is the
// right delimiter. `t` is the parser's index into them.
const kinds: number[] = [];
const offsets: number[] = [];
const texts: string[] = [];
const spaced: boolean[] = [];
let count = 0;
let t = 0;

/** Whether `c` at `i` may follow a name (Go's atTerminator): space, `. , | : ( )`, the end, or `}}`. */
function atTerminator(i: number): boolean {
  const c = src.charCodeAt(i);
  return c === 32 || c === 46 || c === 41 || c === 124 || c === 10 || c === 44 || c === 40 || c === 58 || c === 9 || c === 13 || i >= src.length || (c === 125 && src.charCodeAt(i + 1) === 125);
}

function push(kind: number, pos: number, text: string, space: boolean): void {
  kinds[count] = kind;
  offsets[count] = pos;
  texts[count] = text;
  spaced[count] = space;
  count++;
}

/** Reads the next piece after `at`: text (trimmed as its delimiters say), a comment, an action or the end. */
function readPiece(): void {
  const x = src.indexOf('{{', at);
  if (x < 0) {
    piecePos = at;
    if (at < src.length) {
      piece = P_TEXT;
      pieceText = src.slice(at);
      at = src.length;
    } else piece = P_EOF;
    return;
  }
  const trimLeft = src.charCodeAt(x + 2) === 45 && isSpace(src.charCodeAt(x + 3));
  if (x > at) {
    let end = x;
    if (trimLeft) while (end > at && isSpace(src.charCodeAt(end - 1))) end--;
    if (end > at) {
      piece = P_TEXT;
      piecePos = at;
      pieceText = src.slice(at, end);
      // The action comes next: the next read starts at its `{{`.
      at = x;
      return;
    }
  }
  let i = x + (trimLeft ? 4 : 2);
  if (src.charCodeAt(i) === 47 && src.charCodeAt(i + 1) === 42) {
    // A comment: `/*` … `*/`, then the right delimiter at once (or a trim marker and it).
    const close = src.indexOf('*/', i + 2);
    if (close < 0) giveUp();
    let after = close + 2;
    let trimRight = false;
    if (src.charCodeAt(after) === 125 && src.charCodeAt(after + 1) === 125) after += 2;
    else if (isSpace(src.charCodeAt(after)) && src.charCodeAt(after + 1) === 45 && src.charCodeAt(after + 2) === 125 && src.charCodeAt(after + 3) === 125) {
      after += 4;
      trimRight = true;
    } else giveUp();
    if (trimRight) while (after < src.length && isSpace(src.charCodeAt(after))) after++;
    at = after;
    if (keepComments) {
      piece = P_COMMENT;
      piecePos = i;
      pieceText = src.slice(i, close + 2);
      return;
    }
    readPiece();
    return;
  }
  piece = P_ACTION;
  piecePos = x;
  count = 0;
  t = 0;
  // The action's tokens, up to the right delimiter.
  for (;;) {
    const from = i;
    let c = src.charCodeAt(i);
    while (c === 32 || c === 10 || c === 9 || c === 13) c = src.charCodeAt(++i);
    const space = i > from;
    const start = i;
    switch (c) {
      case 125: // }
        if (src.charCodeAt(i + 1) !== 125) giveUp();
        push(RIGHT_DELIM, i, '}}', space);
        i += 2;
        at = i;
        return;
      case 45: // -: a right trim marker after a space; anything else (a sign) is left to the full parser
        if (!space || src.charCodeAt(i + 1) !== 125 || src.charCodeAt(i + 2) !== 125) giveUp();
        push(RIGHT_DELIM, i + 1, '}}', space);
        i += 3;
        while (i < src.length && isSpace(src.charCodeAt(i))) i++;
        at = i;
        return;
      case 46: {
        // .: a field, or the dot before a terminator (a digit makes a number, other characters an error)
        NAME_REST.lastIndex = i + 1;
        NAME_REST.test(src);
        const end = NAME_REST.lastIndex;
        if (end === i + 1) {
          if (!atTerminator(end)) giveUp();
          push(DOT, start, '.', space);
        } else {
          const first = src.charCodeAt(i + 1);
          if (first <= 57 || !atTerminator(end)) giveUp(); // .5 is a number
          push(FIELD, start, src.slice(start + 1, end), space); // the name, without its dot
        }
        i = end;
        continue;
      }
      case 36: {
        // $: a variable
        NAME_REST.lastIndex = i + 1;
        NAME_REST.test(src);
        const end = NAME_REST.lastIndex;
        if (!atTerminator(end)) giveUp();
        push(VARIABLE, start, src.slice(start, end), space);
        i = end;
        continue;
      }
      case 34: {
        // ": a quoted string, unquoted when it is used
        QUOTED_REST.lastIndex = i + 1;
        if (!QUOTED_REST.test(src)) giveUp();
        const end = QUOTED_REST.lastIndex;
        push(STRING, start, src.slice(start, end), space);
        i = end;
        continue;
      }
      case 96: {
        // `: a raw string
        const end = src.indexOf('`', i + 1);
        if (end < 0) giveUp();
        push(STRING, start, src.slice(start, end + 1), space);
        i = end + 1;
        continue;
      }
      case 124: // |
      case 40: // (
      case 41: // )
      case 44: // ,
      case 61: // =
        push(ONE_CHARACTER[c], start, src[i], space);
        i++;
        continue;
      case 58:
        if (src.charCodeAt(i + 1) !== 61) giveUp();
        push(DECLARE, start, ':=', space);
        i += 2;
        continue;
    }
    if (c >= 48 && c <= 57) {
      // A decimal integer; anything that may continue a number (a dot, a letter, `_`, a sign) is left to the full parser.
      let end = i + 1;
      let d = src.charCodeAt(end);
      while (d >= 48 && d <= 57) d = src.charCodeAt(++end);
      if (d === 46 || d === 95 || d === 43 || d === 45 || d >= 0x80 || (d >= 65 && d <= 90) || (d >= 97 && d <= 122)) giveUp();
      push(NUMBER, start, src.slice(start, end), space);
      i = end;
      continue;
    }
    if (c === 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      NAME_REST.lastIndex = i + 1;
      NAME_REST.test(src);
      const end = NAME_REST.lastIndex;
      if (!atTerminator(end)) giveUp();
      const word = src.slice(start, end);
      push(WORDS.get(word) ?? IDENTIFIER, start, word, space);
      i = end;
      continue;
    }
    // Anything else (the end of the text, other characters, character constants): the full parser's.
    giveUp();
  }
}

// --- grammar ---------------------------------------------------------------------------------------------

/**
 * The nodes, commands and arguments being collected, innermost last; each list takes its own off the top in
 * one exact-size slice. An array grown by push holds at least 17 slots, and the trees live to the end of a
 * render: three quarters of their arrays' memory would be empty slots for the collector to copy.
 */
const pending: unknown[] = [];

/** The items pushed onto `pending` since `base`, as an array of their own; `pending` is cut back to `base`. */
function takeFrom<T>(base: number): T[] {
  const items = pending.slice(base) as T[];
  pending.length = base;
  return items;
}

/** Set by itemList: the `{{end}}` or `{{else}}` that ended the list, and for `{{else if}}`/`{{else with}}` the keyword. */
let endedWith = 0;
let elseKeyword = 0;
let elseKeywordPos = 0;

/** Nodes up to `{{end}}` or `{{else}}` (endedWith says which); the piece after the opening action is read here. */
function itemList(): ListNode {
  readPiece();
  const list: ListNode = { type: 'list', pos: piecePos, nodes: [] };
  const base = pending.length;
  for (;;) {
    if (piece === P_TEXT) pending.push({ type: 'text', pos: piecePos, text: pieceText });
    else if (piece === P_COMMENT) pending.push({ type: 'comment', pos: piecePos, text: pieceText });
    else if (piece === P_EOF) giveUp();
    else {
      const k = kinds[0];
      if (k === END) {
        if (count !== 2) giveUp();
        endedWith = END;
        list.nodes = takeFrom(base);
        return list;
      }
      if (k === ELSE) {
        endedWith = ELSE;
        elseKeyword = kinds[1];
        if (elseKeyword === IF || elseKeyword === WITH) {
          elseKeywordPos = offsets[1];
          t = 2;
        } else if (count !== 2) giveUp();
        list.nodes = takeFrom(base);
        return list;
      }
      pending.push(action());
    }
    readPiece();
  }
}

/** The node of the action just read (not end or else). */
function action(): Node {
  const k = kinds[0];
  if (k === IF || k === RANGE || k === WITH) {
    t = 1;
    return control(k);
  }
  if (k === TEMPLATE) return templateCall();
  t = 0;
  const pos = offsets[0];
  return { type: 'action', pos, pipe: pipeline('command', RIGHT_DELIM) } satisfies ActionNode;
}

/** `{{if}}`, `{{range}}` or `{{with}}`, from its pipeline (token t) to its `{{end}}`. */
function control(kind: number): IfNode | RangeNode | WithNode {
  const nVars = vars.length;
  const context = kind === IF ? 'if' : kind === RANGE ? 'range' : 'with';
  const pipe = pipeline(context, RIGHT_DELIM);
  const list = itemList();
  let elseList: ListNode | undefined;
  if (endedWith === ELSE) {
    if (elseKeyword === IF || elseKeyword === WITH) {
      // {{else if b}} is {{else}}{{if b}}…{{end}}{{end}}: the inner control takes the one {{end}}.
      if (elseKeyword !== kind) giveUp();
      elseList = { type: 'list', pos: elseKeywordPos, nodes: [control(kind)] };
    } else {
      elseList = itemList();
      if (endedWith !== END) giveUp();
    }
  }
  if (vars.length > nVars) vars.length = nVars;
  const node = { type: context, pos: pipe.pos, pipe, list } as IfNode | RangeNode | WithNode;
  if (elseList) node.elseList = elseList;
  return node;
}

/** `{{template "name" pipeline?}}` */
function templateCall(): TemplateNode {
  if (kinds[1] !== STRING) giveUp();
  const name = unquote(texts[1]);
  const node: TemplateNode = { type: 'template', pos: offsets[1], name };
  if (kinds[2] !== RIGHT_DELIM) {
    t = 2;
    node.pipe = pipeline('template clause', RIGHT_DELIM);
  }
  return node;
}

function unquote(quoted: string): string {
  const s = unquoteGo(quoted);
  if (s === null) giveUp();
  return s;
}

function isTermStart(k: number): boolean {
  return k <= NIL || k === LEFT_PAREN;
}

/** declarations? command ('|' command)*, from token t through `end` (consumed). */
function pipeline(context: string, end: number): PipeNode {
  const pipe: PipeNode = { type: 'pipe', pos: offsets[t], isAssign: false, decl: [], cmds: [] };
  while (kinds[t] === VARIABLE) {
    const after = kinds[t + 1];
    if (after === ASSIGN || after === DECLARE) {
      pipe.isAssign = after === ASSIGN;
      pipe.decl.push({ type: 'variable', pos: offsets[t], ident: [texts[t]] });
      vars.push(texts[t]);
      t += 2;
      break;
    }
    if (after !== COMMA) break;
    // `$i, $v :=` in a range; anywhere else an error.
    pipe.decl.push({ type: 'variable', pos: offsets[t], ident: [texts[t]] });
    vars.push(texts[t]);
    t += 2;
    const next = kinds[t];
    if (context !== 'range' || pipe.decl.length >= 2 || (next !== VARIABLE && next !== RIGHT_DELIM && next !== RIGHT_PAREN)) giveUp();
  }
  const base = pending.length;
  for (;;) {
    const k = kinds[t];
    if (k === end) {
      t++;
      break;
    }
    if (!isTermStart(k) || t >= count) giveUp();
    pending.push(command());
    if (pending.length - base > MAX_PIPELINE_CMDS) giveUp();
  }
  const cmds = (pipe.cmds = takeFrom(base));
  if (cmds.length === 0) giveUp();
  for (let i = 1; i < cmds.length; i++) {
    const type = cmds[i].args[0].type;
    if (type === 'bool' || type === 'dot' || type === 'nil' || type === 'number' || type === 'string') giveUp();
  }
  return pipe;
}

/** operand (space operand)*, up to `|` (consumed) or the end of the pipeline (left). */
function command(): CommandNode {
  const cmd: CommandNode = { type: 'command', pos: offsets[t], args: [] };
  const base = pending.length;
  for (;;) {
    if (isTermStart(kinds[t])) pending.push(operand());
    const k = kinds[t];
    if (k === PIPE) {
      t++;
      break;
    }
    if (k === RIGHT_DELIM || k === RIGHT_PAREN) break;
    if (!spaced[t] || !isTermStart(k)) giveUp();
  }
  if (pending.length === base) giveUp();
  cmd.args = takeFrom(base);
  return cmd;
}

/** term .Field* */
function operand(): ArgNode {
  const node = term();
  if (kinds[t] !== FIELD || spaced[t]) return node;
  const pos = offsets[t];
  const fields: string[] = [];
  while (kinds[t] === FIELD && !spaced[t]) fields.push(texts[t++]);
  switch (node.type) {
    case 'field':
    case 'variable':
      return { type: node.type, pos, ident: node.ident.concat(fields) };
    case 'identifier':
    case 'pipe':
      return { type: 'chain', pos, node, field: fields };
  }
  return giveUp();
}

function term(): ArgNode {
  const k = kinds[t];
  const pos = offsets[t];
  const text = texts[t];
  t++;
  switch (k) {
    case FIELD:
      return { type: 'field', pos, ident: [text] };
    case IDENTIFIER:
      if (!known(text)) giveUp();
      return { type: 'identifier', pos, name: text };
    case VARIABLE:
      if (!vars.includes(text)) giveUp();
      return { type: 'variable', pos, ident: [text] };
    case DOT:
      return { type: 'dot', pos };
    case STRING:
      return { type: 'string', pos, quoted: text, text: unquote(text) } satisfies StringNode;
    case BOOL:
      return { type: 'bool', pos, value: text === 'true' };
    case NIL:
      return { type: 'nil', pos };
    case NUMBER: {
      const n = newNumber(pos, text, 'number');
      return typeof n === 'string' ? giveUp() : n;
    }
  }
  // A parenthesised pipeline.
  if (depth >= MAX_STACK_DEPTH) giveUp();
  depth++;
  const pipe = pipeline('parenthesized pipeline', RIGHT_PAREN);
  depth--;
  return pipe;
}

/** The top level: nodes and `{{define}}`s, to the end of the text. */
function topLevel(): ListNode {
  readPiece();
  const root: ListNode = { type: 'list', pos: piecePos, nodes: [] };
  const base = pending.length;
  for (;;) {
    if (piece === P_TEXT) pending.push({ type: 'text', pos: piecePos, text: pieceText });
    else if (piece === P_COMMENT) pending.push({ type: 'comment', pos: piecePos, text: pieceText });
    else if (piece === P_EOF) {
      root.nodes = takeFrom(base);
      return root;
    }
    else {
      const k = kinds[0];
      if (k === END || k === ELSE) giveUp();
      if (k === DEFINE) {
        // {{define "name"}} … {{end}}: a template of its own, with only $ in scope.
        if (kinds[1] !== STRING || count !== 3) giveUp();
        const name = unquote(texts[1]);
        if (defines.has(name)) giveUp();
        const outer = vars;
        vars = ['$'];
        const body = itemList();
        if (endedWith !== END) giveUp();
        vars = outer;
        defines.set(name, body);
      } else pending.push(action());
    }
    readPiece();
  }
}

/**
 * The parse of `text` (named `name`) as parser.ts's `parse` gives it, when every part of it is one this parser
 * reads and it has no error; undefined otherwise. `isKnown` says which identifiers are function names.
 */
export function quickParse(name: string, text: string, isKnown: (name: string) => boolean, comments: boolean): ParsedTemplate | undefined {
  src = text;
  at = 0;
  known = isKnown;
  keepComments = comments;
  vars = ['$'];
  defines = new Map();
  depth = 0;
  try {
    const root = topLevel();
    // A define named like the file itself: Go's rules for that are the full parser's.
    if (defines.has(name)) return undefined;
    return { name, root, defines };
  } catch (e) {
    // Giving up, and a stack too deep for this parser's recursion, are the full parser's to answer.
    if (e === GIVE_UP || e instanceof RangeError) return undefined;
    throw e;
  } finally {
    src = '';
    texts.length = 0;
    pending.length = 0;
    count = 0;
    known = () => false;
  }
}
