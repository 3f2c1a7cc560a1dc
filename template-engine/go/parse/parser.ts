/**
 * The parser of Go's text/template (package parse, parse.go and node.go), in TypeScript: the same grammar,
 * the same look-ahead, the same node positions, the same error texts (`goMessage`), over the lexer of
 * ./lexer.ts. Written from reading Go's source; none of it is copied.
 *
 * Positions: `pos.offset` is an index into the JavaScript string (UTF-16 code units); `line` and `column`
 * are 1-based. Nodes sit where Go's do — note that Go places a field chain (`.a.b`, `$x.a`, `(p).a`) at its
 * first chained field, not at its start. `goLocation` gives Go's `line:col` (byte column, 0-based) for
 * errors that must read exactly like Go's.
 */
import { closest } from '../../../core/suggest.js';
import { goQuote, itemString, Lexer, type Item, type ItemType } from './lexer.js';
import {
  TemplateParseError,
  type ActionNode,
  type ArgNode,
  type BoolNode,
  type BreakNode,
  type ChainNode,
  type CommandNode,
  type CommentNode,
  type ContinueNode,
  type DotNode,
  type FieldNode,
  type IdentifierNode,
  type IfNode,
  type ListNode,
  type NilNode,
  type Node,
  type ParsedTemplate,
  type PipeNode,
  type Pos,
  type RangeNode,
  type StringNode,
  type TemplateNode,
  type TextNode,
  type VariableNode,
  type WithNode,
} from './nodes.js';
import { quickParse } from './quick-parser.js';
import { newNumber, unquoteGo } from './strconv.js';

export interface ParseOptions {
  /**
   * Known function names besides text/template's builtins (which are always known). An identifier that is
   * neither is a parse error, as in Go: `function "x" not defined`. As in Go, when `break` (or `continue`)
   * is a known function it is parsed as a function name, not a keyword.
   */
  funcs?: (name: string) => boolean;
  /** Every function name, for "did you mean" when a name is not known (asked only then). */
  funcNames?: () => Iterable<string>;
  /** Go's SkipFuncCheck mode: any identifier is accepted as a function name. */
  skipFuncCheck?: boolean;
  /** Keep template comments (slash-star … star-slash actions) as CommentNodes (default true; Go: ParseComments mode). */
  comments?: boolean;
  leftDelim?: string;
  rightDelim?: string;
  /** Parse with this parser only, never quick-parser.ts's (which gives the same trees; for tests). */
  noQuick?: boolean;
}

/** text/template's builtin functions: always defined. */
export const BUILTIN_FUNCS: ReadonlySet<string> = new Set([
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
  'eq', 'ge', 'gt', 'le', 'lt', 'ne',
]);

/** Go's maxStackDepth: nested parenthesised pipelines. */
const MAX_STACK_DEPTH = 10000;
/** Go's maxPipelineCmds. */
const MAX_PIPELINE_CMDS = 100000;

/** `{{end}}` and `{{else}}` while parsing; never in the tree. */
interface EndNode {
  type: 'end';
  pos: number;
  /** Offset of the action's left delimiter. */
  open: number;
}
interface ElseNode {
  type: 'else';
  pos: number;
  open: number;
}
type Parsed = Node | EndNode | ElseNode;

interface OpenBlock {
  /** `{{range}}`, `{{define "x"}}` … */
  what: string;
  /** Offset of its left delimiter. */
  at: number;
}

/** What all the trees of one parse share (Go: the lexer, the tree set, the funcs). */
class Shared {
  readonly lineStarts: number[] = [0];
  readonly defines = new Map<string, ListNode>();
  readonly defineAt = new Map<string, number>();
  readonly blocks: OpenBlock[] = [];
  actionOpen = 0;

  constructor(
    readonly name: string,
    readonly text: string,
    readonly lexer: Lexer,
    readonly known: (name: string) => boolean,
    readonly skipFuncCheck: boolean,
    readonly funcNames?: () => Iterable<string>,
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  lineOf(offset: number): number {
    const ls = this.lineStarts;
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  pos(offset: number): Pos {
    const line = this.lineOf(offset);
    return { offset, line, column: offset - this.lineStarts[line - 1] + 1 };
  }
}

const NO_ITEM: Item = { type: 'EOF', pos: 0, val: '' };

/** One template being parsed: the file's body, or a `define`/`block` body (Go: a *Tree). */
class Tree {
  private readonly token: Item[] = [NO_ITEM, NO_ITEM, NO_ITEM];
  private peekCount = 0;
  /** Line of token[0] as Go keeps it: 0 before this tree read anything. */
  private readAny = false;
  /** Variables in scope, innermost last, and how many times each name is in the list (for O(1) lookups). */
  private vars: string[] = [];
  private varCount = new Map<string, number>();
  private rangeDepth = 0;
  private stackDepth = 0;
  private actionLine = 0;

  constructor(private readonly s: Shared) {
    this.pushVar('$');
  }

  private pushVar(name: string): void {
    this.vars.push(name);
    this.varCount.set(name, (this.varCount.get(name) ?? 0) + 1);
  }

  private popVars(n: number): void {
    while (this.vars.length > n) {
      const name = this.vars.pop()!;
      const c = this.varCount.get(name)! - 1;
      if (c) this.varCount.set(name, c);
      else this.varCount.delete(name);
    }
  }

  // --- tokens --------------------------------------------------------------------------------------------

  private read(): Item {
    this.readAny = true;
    return this.s.lexer.nextItem();
  }

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.read();
    return this.token[this.peekCount];
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1];
    this.peekCount = 1;
    this.token[0] = this.read();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    let token: Item;
    do token = this.next();
    while (token.type === 'space');
    return token;
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // --- errors --------------------------------------------------------------------------------------------

  /**
   * Stops the parse. `goMsg` is Go's text; `at` the offset to point at; `message` our wording when it says
   * more than Go's.
   */
  private errorf(goMsg: string, at: number, extra?: { message?: string; hint?: string }): never {
    const line = this.readAny ? this.s.lineOf(this.token[0].pos) : 0;
    throw new TemplateParseError(extra?.message ?? goMsg, this.s.pos(at), extra?.hint, `template: ${this.s.name}:${line}: ${goMsg}`);
  }

  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== expected) this.unexpected(token, context);
    return token;
  }

  private expectOneOf(expected1: ItemType, expected2: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== expected1 && token.type !== expected2) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.type === 'error') {
      let extra = '';
      const tokenLine = this.s.lineOf(token.pos);
      if (this.actionLine !== 0 && this.actionLine !== tokenLine) {
        extra = ` in action started at ${this.s.name}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      const rd = this.s.lexer.rightDelim;
      switch (token.val) {
        case 'unclosed action':
          return this.errorf(token.val + extra, token.at ?? token.pos, {
            message: `unclosed action: the ${this.s.lexer.leftDelim} that opens here has no ${rd}`,
            hint: `close it with ${rd}`,
          });
        case 'unclosed comment':
          return this.errorf(token.val + extra, token.at ?? token.pos, {
            message: `unclosed comment: the comment that opens here has no */${rd}`,
            hint: `end it with */${rd}`,
          });
        case 'unclosed left paren':
          return this.errorf(token.val + extra, token.at ?? token.pos, { message: 'unclosed left paren: the ( here has no )', hint: 'close it with )' });
        case 'comment ends before closing delimiter':
          return this.errorf(token.val + extra, token.at ?? token.pos, { hint: `a comment is {{/* … */}}: put */ right before ${rd}` });
      }
      return this.errorf(token.val + extra, token.at ?? token.pos);
    }
    return this.errorf(`unexpected ${itemString(token)} in ${context}`, token.pos);
  }

  // --- nodes ---------------------------------------------------------------------------------------------

  private list(at: number): ListNode {
    return { type: 'list', pos: at, nodes: [] };
  }

  private variable(at: number, ident: string): VariableNode {
    return { type: 'variable', pos: at, ident: ident.split('.') };
  }

  private field(at: number, ident: string): FieldNode {
    return { type: 'field', pos: at, ident: ident.slice(1).split('.') };
  }

  // --- grammar -------------------------------------------------------------------------------------------

  /** The top level of a file: like itemList, and `{{define}}`s; runs to EOF. */
  parse(): ListNode {
    const root = this.list(this.peek().pos);
    while (this.peek().type !== 'EOF') {
      if (this.peek().type === 'leftDelim') {
        const delim = this.next();
        if (this.nextNonSpace().type === 'define') {
          new Tree(this.s).parseDefinition(delim.pos);
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${parsedString(n)}`, n.open, { hint: n.type === 'end' ? 'no block is open here' : '{{else}} goes inside {{if}}, {{with}} or {{range}}' });
      root.nodes.push(n);
    }
    return root;
  }

  /** Adds the main body under the file's own name (Go's Tree.add at the end of Parse). */
  addMain(root: ListNode): void {
    const name = this.s.name;
    const existing = this.s.defines.get(name);
    if (!existing) return;
    if (isEmptyTree(existing)) this.s.defines.delete(name);
    else if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${goQuote(name)}`, this.s.defineAt.get(name) ?? 0, { message: `multiple definition of template ${goQuote(name)}` });
  }

  /** `{{define "name"}} … {{end}}`; the `define` keyword is past. */
  parseDefinition(open: number): void {
    const context = 'define clause';
    const nameTok = this.expectOneOf('string', 'rawString', context);
    const name = this.unquote(nameTok);
    this.expect('rightDelim', context);
    this.s.blocks.push({ what: `{{define ${goQuote(name)}}}`, at: open });
    const [root, end] = this.itemList();
    if (end.type !== 'end') this.errorf(`unexpected ${parsedString(end)} in ${context}`, end.open);
    this.s.blocks.pop();
    this.add(name, root, open);
  }

  private add(name: string, root: ListNode, open: number): void {
    const existing = this.s.defines.get(name);
    if (!existing || isEmptyTree(existing)) {
      this.s.defines.set(name, root);
      this.s.defineAt.set(name, open);
      return;
    }
    if (!isEmptyTree(root)) {
      this.errorf(`template: multiple definition of template ${goQuote(name)}`, open, { message: `multiple definition of template ${goQuote(name)}`, hint: `it is already defined at line ${this.s.lineOf(this.s.defineAt.get(name) ?? 0)}` });
    }
  }

  /** textOrAction* up to `{{end}}` or `{{else}}`, which is returned separately. */
  private itemList(): [ListNode, EndNode | ElseNode] {
    const list = this.list(this.peekNonSpace().pos);
    while (this.peekNonSpace().type !== 'EOF') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    const open = this.s.blocks[this.s.blocks.length - 1];
    if (!open) return this.errorf('unexpected EOF', this.peek().pos);
    return this.errorf('unexpected EOF', open.at, { message: `unexpected EOF: the ${open.what} that opens here has no {{end}}`, hint: 'close it with {{end}}' });
  }

  private textOrAction(): Parsed {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'text':
        return { type: 'text', pos: token.pos, text: token.val } satisfies TextNode;
      case 'leftDelim':
        this.actionLine = this.s.lineOf(token.pos);
        this.s.actionOpen = token.pos;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      case 'comment':
        return { type: 'comment', pos: token.pos, text: token.val } satisfies CommentNode;
      default:
        return this.unexpected(token, 'input');
    }
  }

  /** control, or command ("|" command)*; the left delimiter is past. */
  private action(): Parsed {
    const open = this.s.actionOpen;
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'block':
        return this.blockControl(open);
      case 'break':
        return this.breakControl(token, 'break');
      case 'continue':
        return this.breakControl(token, 'continue');
      case 'else':
        return this.elseControl(open);
      case 'end':
        return { type: 'end', pos: this.expect('rightDelim', 'end').pos, open };
      case 'if':
        return this.control('if', open);
      case 'range':
        return this.control('range', open);
      case 'template':
        return this.templateControl(open);
      case 'with':
        return this.control('with', open);
    }
    this.backup();
    const first = this.peek();
    // Variables are not popped here: they persist until {{end}}.
    return { type: 'action', pos: first.pos, pipe: this.pipeline('command', 'rightDelim', open) } satisfies ActionNode;
  }

  private breakControl(token: Item, word: 'break' | 'continue'): BreakNode | ContinueNode {
    const t = this.nextNonSpace();
    if (t.type !== 'rightDelim') this.unexpected(t, `{{${word}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`, token.pos, { hint: `{{${word}}} works only inside the body of a {{range}}` });
    return { type: word, pos: token.pos };
  }

  /** declarations? command ('|' command)* */
  private pipeline(context: string, end: ItemType, open: number): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: first.pos, isAssign: false, decl: [], cmds: [] };
    // Declarations or assignments? Space is a token, so "$x foo" needs three tokens of look-ahead to tell
    // an argument from a declaration.
    for (let again = true; again; ) {
      again = false;
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      this.next();
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push(this.variable(v.pos, v.val));
        this.pushVar(v.val);
      } else if (next.type === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.variable(v.pos, v.val));
        this.pushVar(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace();
          if (t.type === 'variable' || t.type === 'rightDelim' || t.type === 'rightParen') {
            again = true; // the second variable of a range
            continue;
          }
          this.errorf('range can only initialize variables', t.pos);
        }
        this.errorf(`too many declarations in ${context}`, v.pos, { hint: context === 'range' ? 'range declares at most two variables: {{range $i, $v := …}}' : 'only range declares two variables' });
      } else if (tokenAfterVariable.type === 'space') {
        this.backup3(v, tokenAfterVariable);
      } else {
        this.backup2(v);
      }
    }
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        this.checkPipeline(pipe, context, open);
        return pipe;
      }
      switch (token.type) {
        case 'bool':
        case 'charConstant':
        case 'complex':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          if (pipe.cmds.length > MAX_PIPELINE_CMDS) this.errorf('pipeline too long', token.pos);
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string, open: number): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`, open);
    for (let i = 1; i < pipe.cmds.length; i++) {
      const arg = pipe.cmds[i].args[0];
      switch (arg.type) {
        case 'bool':
        case 'dot':
        case 'nil':
        case 'number':
        case 'string':
          // With A|B|C, stage 2 is B.
          this.errorf(`non executable command in pipeline stage ${i + 1}`, arg.pos, { hint: 'a pipeline passes its value to a function: after | comes a function name' });
      }
    }
  }

  /** if, range and with: the pipeline, the body, an optional else (or else if / else with), {{end}}. */
  private control(context: 'if' | 'range' | 'with', open: number): IfNode | RangeNode | WithNode {
    const nVars = this.vars.length;
    const pipe = this.pipeline(context, 'rightDelim', open);
    if (context === 'range') this.rangeDepth++;
    this.s.blocks.push({ what: `{{${context}}}`, at: open });
    let [list, next] = this.itemList();
    if (context === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (next.type === 'else') {
      // {{if a}}_{{else if b}}_{{end}} is {{if a}}_{{else}}{{if b}}_{{end}}{{end}}: parse the inner if, which
      // takes the one {{end}}. The same for with. elseControl left the `if`/`with` token pending.
      if (context === 'if' && this.peek().type === 'if') {
        this.next();
        elseList = { type: 'list', pos: next.pos, nodes: [this.control('if', open)] };
      } else if (context === 'with' && this.peek().type === 'with') {
        this.next();
        elseList = { type: 'list', pos: next.pos, nodes: [this.control('with', open)] };
      } else {
        [elseList, next] = this.itemList();
        if (next.type !== 'end') this.errorf(`expected end; found ${parsedString(next)}`, next.open, { hint: `a {{${context}}} has one {{else}}` });
      }
    }
    this.s.blocks.pop();
    this.popVars(nVars);
    const node = { type: context, pos: pipe.pos, pipe, list } as IfNode | RangeNode | WithNode;
    if (elseList) node.elseList = elseList;
    return node;
  }

  private elseControl(open: number): ElseNode {
    const peek = this.peekNonSpace();
    // {{else if …}} and {{else with …}} are {{else}}{{if …}}: the keyword stays pending.
    if (peek.type === 'if' || peek.type === 'with') return { type: 'else', pos: peek.pos, open };
    const token = this.expect('rightDelim', 'else');
    return { type: 'else', pos: token.pos, open };
  }

  /** `{{block "name" pipeline}} … {{end}}`: a define and a template call. */
  private blockControl(open: number): TemplateNode {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    const pipe = this.pipeline(context, 'rightDelim', open);
    const block = new Tree(this.s);
    this.s.blocks.push({ what: `{{block ${goQuote(name)}}}`, at: open });
    const [root, end] = block.itemList();
    if (end.type !== 'end') this.errorf(`unexpected ${parsedString(end)} in ${context}`, end.open);
    this.s.blocks.pop();
    block.add(name, root, open);
    return { type: 'template', pos: token.pos, name, pipe };
  }

  /** `{{template "name" pipeline?}}` */
  private templateControl(open: number): TemplateNode {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    const node: TemplateNode = { type: 'template', pos: token.pos, name };
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      node.pipe = this.pipeline(context, 'rightDelim', open);
    }
    return node;
  }

  private templateName(token: Item, context: string): string {
    if (token.type === 'string' || token.type === 'rawString') return this.unquote(token);
    return this.unexpected(token, context);
  }

  private unquote(token: Item): string {
    const s = unquoteGo(token.val);
    if (s === null) return this.errorf('invalid syntax', token.pos, { message: `invalid syntax: bad escape in ${token.val}` });
    return s;
  }

  /** operand (space operand)*, up to `|` (consumed) or the end (left for the caller). */
  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace(); // skip leading spaces
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') this.backup();
      else if (token.type !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command', cmd.pos);
    return cmd;
  }

  /** term .Field* */
  private operand(): ArgNode | null {
    const node = this.term();
    if (!node) return null;
    if (this.peek().type !== 'field') return node;
    const at = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    switch (node.type) {
      case 'field':
        return { type: 'field', pos: at, ident: [...node.ident, ...fields] };
      case 'variable':
        return { type: 'variable', pos: at, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return this.errorf(`unexpected . after term ${goQuote(nodeString(node))}`, at);
      default:
        return { type: 'chain', pos: at, node, field: fields } satisfies ChainNode;
    }
  }

  /** A literal, a function name, `.`, `.Field`, `$x`, or `( pipeline )`; null when the next item is none. */
  private term(): ArgNode | null {
    const token = this.nextNonSpace();
    const pos = () => token.pos;
    switch (token.type) {
      case 'identifier':
        if (!this.s.skipFuncCheck && !this.s.known(token.val)) {
          const guess = this.s.funcNames ? closest(token.val, [...BUILTIN_FUNCS, ...this.s.funcNames()]) : undefined;
          this.errorf(`function ${goQuote(token.val)} not defined`, token.pos, guess ? { hint: `did you mean ${guess}?` } : undefined);
        }
        return { type: 'identifier', pos: pos(), name: token.val } satisfies IdentifierNode;
      case 'dot':
        return { type: 'dot', pos: pos() } satisfies DotNode;
      case 'nil':
        return { type: 'nil', pos: pos() } satisfies NilNode;
      case 'variable':
        return this.useVar(token.pos, token.val);
      case 'field':
        return this.field(token.pos, token.val);
      case 'bool':
        return { type: 'bool', pos: pos(), value: token.val === 'true' } satisfies BoolNode;
      case 'charConstant':
      case 'complex':
      case 'number': {
        const n = newNumber(pos(), token.val, token.type);
        if (typeof n === 'string') return this.errorf(n, token.pos);
        return n;
      }
      case 'leftParen': {
        if (this.stackDepth >= MAX_STACK_DEPTH) this.errorf('max expression depth exceeded', token.pos);
        this.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', 'rightParen', token.pos);
        } finally {
          this.stackDepth--;
        }
      }
      case 'string':
      case 'rawString':
        return { type: 'string', pos: pos(), quoted: token.val, text: this.unquote(token) } satisfies StringNode;
    }
    this.backup();
    return null;
  }

  private useVar(at: number, name: string): VariableNode {
    const v = this.variable(at, name);
    if (!this.varCount.has(v.ident[0])) {
      this.errorf(`undefined variable ${goQuote(v.ident[0])}`, at, { hint: `declare it first: {{${v.ident[0]} := …}}` });
    }
    return v;
  }
}

/**
 * Parses one template text as Go's text/template does (`template.New(name).Funcs(…).Parse(text)`): the main
 * body, and the templates it defines with `define` and `block`. Throws TemplateParseError.
 */
export function parse(name: string, text: string, opts: ParseOptions = {}): ParsedTemplate {
  const funcs = opts.funcs;
  const known = opts.skipFuncCheck ? () => true : (n: string) => BUILTIN_FUNCS.has(n) || (funcs ? funcs(n) : false);
  if ((opts.leftDelim ?? '{{') === '{{' && (opts.rightDelim ?? '}}') === '}}' && !opts.noQuick) {
    const quick = quickParse(name, text, known, opts.comments ?? true);
    if (quick) return quick;
  }
  const lexer = new Lexer(name, text, opts.leftDelim ?? '{{', opts.rightDelim ?? '}}', {
    emitComment: opts.comments ?? true,
    breakOK: !(funcs?.('break') ?? false),
    continueOK: !(funcs?.('continue') ?? false),
  });
  const shared = new Shared(name, text, lexer, known, opts.skipFuncCheck ?? false, opts.funcNames);
  const tree = new Tree(shared);
  try {
    const root = tree.parse();
    tree.addMain(root);
    return { name, root, defines: shared.defines };
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      const at = shared.blocks.length ? shared.blocks[shared.blocks.length - 1].at : shared.actionOpen;
      throw new TemplateParseError('template nested too deeply to parse', shared.pos(at), 'nest fewer blocks or parentheses', `template: ${name}:${shared.lineOf(at)}: max expression depth exceeded`);
    }
    throw e;
  }
}

/** The 1-based line and column (UTF-16 code units) of an offset in a template text: where a node is, for errors. */
export function positionIn(text: string, offset: number): Pos {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { offset, line, column: offset - start + 1 };
}

/** Go's `line:col` of an offset, as Go's ErrorContext writes it: the column counts UTF-8 bytes from 0. */
export function goLocation(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const nl = before.lastIndexOf('\n');
  let line = 1;
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) line++;
  const col = nl < 0 ? Buffer.byteLength(before, 'utf8') : Buffer.byteLength(before.slice(nl + 1), 'utf8');
  return { line, col };
}

// --- Go's IsEmptyTree and String() ---------------------------------------------------------------------------

const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** Go's parse.IsEmptyTree: nothing but space and comments (a redefinition may replace such a template). */
export function isEmptyTree(n: Node | undefined): boolean {
  if (!n) return true;
  switch (n.type) {
    case 'comment':
      return true;
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      return GO_SPACE.test(n.text);
    default:
      return false;
  }
}

function parsedString(n: Parsed): string {
  if (n.type === 'end') return '{{end}}';
  if (n.type === 'else') return '{{else}}';
  return nodeString(n);
}

/**
 * Go's Node.String(): the template text a node stands for (`{{.X | printf "%d"}}`), as Go's errors quote it
 * (`at <.Values.x>`). `quoteText` writes text nodes quoted, as Go's parse tests do.
 */
export function nodeString(n: Node | ArgNode | PipeNode | CommandNode, opts: { quoteText?: boolean } = {}): string {
  const out: string[] = [];
  const write = (n: Node | ArgNode | PipeNode | CommandNode): void => {
    switch (n.type) {
      case 'list':
        for (const c of n.nodes) write(c);
        return;
      case 'text':
        out.push(opts.quoteText ? goQuote(n.text) : n.text);
        return;
      case 'comment':
        out.push('{{', n.text, '}}');
        return;
      case 'action':
        out.push('{{');
        write(n.pipe);
        out.push('}}');
        return;
      case 'pipe':
        if (n.decl.length) {
          n.decl.forEach((v, i) => {
            if (i) out.push(', ');
            write(v);
          });
          out.push(n.isAssign ? ' = ' : ' := ');
        }
        n.cmds.forEach((c, i) => {
          if (i) out.push(' | ');
          write(c);
        });
        return;
      case 'command':
        n.args.forEach((a, i) => {
          if (i) out.push(' ');
          if (a.type === 'pipe') {
            out.push('(');
            write(a);
            out.push(')');
          } else write(a);
        });
        return;
      case 'identifier':
        out.push(n.name);
        return;
      case 'variable':
        out.push(n.ident.join('.'));
        return;
      case 'dot':
        out.push('.');
        return;
      case 'nil':
        out.push('nil');
        return;
      case 'field':
        for (const id of n.ident) out.push('.', id);
        return;
      case 'chain':
        if (n.node.type === 'pipe') {
          out.push('(');
          write(n.node);
          out.push(')');
        } else write(n.node);
        for (const f of n.field) out.push('.', f);
        return;
      case 'bool':
        out.push(n.value ? 'true' : 'false');
        return;
      case 'number':
        out.push(n.text);
        return;
      case 'string':
        out.push(n.quoted);
        return;
      case 'if':
      case 'range':
      case 'with':
        out.push('{{', n.type, ' ');
        write(n.pipe);
        out.push('}}');
        write(n.list);
        if (n.elseList) {
          out.push('{{else}}');
          write(n.elseList);
        }
        out.push('{{end}}');
        return;
      case 'template':
        out.push('{{template ', goQuote(n.name));
        if (n.pipe) {
          out.push(' ');
          write(n.pipe);
        }
        out.push('}}');
        return;
      case 'break':
        out.push('{{break}}');
        return;
      case 'continue':
        out.push('{{continue}}');
        return;
    }
  };
  write(n);
  return out.join('');
}
