/**
 * The syntax tree of Go's text/template (package parse), as Chartroom's Go-template engine uses it. Every
 * node carries its position: the byte offset in the template text, and the 1-based line and column, for
 * errors that name file, line and column.
 */
export interface Pos {
  offset: number;
  line: number;
  column: number;
}

export type Node =
  | ListNode
  | TextNode
  | ActionNode
  | CommentNode
  | IfNode
  | RangeNode
  | WithNode
  | TemplateNode
  | BreakNode
  | ContinueNode;

/** A sequence of nodes (a template body, or the body of a branch). */
export interface ListNode {
  type: 'list';
  pos: Pos;
  nodes: Node[];
}

/** Plain text, with trim markers already applied. */
export interface TextNode {
  type: 'text';
  pos: Pos;
  text: string;
}

export interface CommentNode {
  type: 'comment';
  pos: Pos;
  text: string;
}

/** `{{pipeline}}`: its value is printed (unless the pipeline only declares or assigns variables). */
export interface ActionNode {
  type: 'action';
  pos: Pos;
  pipe: PipeNode;
}

/** `$x := a | b c` — declarations (`:=`) or assignments (`=`) of variables, then commands joined by `|`. */
export interface PipeNode {
  type: 'pipe';
  pos: Pos;
  /** True for `=` (assign to existing variables), false for `:=` (declare). */
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}

/** One command of a pipeline: a function or a value, with arguments. */
export interface CommandNode {
  type: 'command';
  pos: Pos;
  args: ArgNode[];
}

export type ArgNode = FieldNode | ChainNode | VariableNode | IdentifierNode | DotNode | NilNode | BoolNode | NumberNode | StringNode | PipeNode;

/** A function name, e.g. `printf`. */
export interface IdentifierNode {
  type: 'identifier';
  pos: Pos;
  name: string;
}

/** `$` or `$x`, with optional field chain: `$x.a.b` → name `$x`, ident ['a','b']. */
export interface VariableNode {
  type: 'variable';
  pos: Pos;
  /** `$x` then the fields: `['$x', 'a', 'b']`. */
  ident: string[];
}

/** `.` */
export interface DotNode {
  type: 'dot';
  pos: Pos;
}

export interface NilNode {
  type: 'nil';
  pos: Pos;
}

/** `.a.b.c` → ['a','b','c']. */
export interface FieldNode {
  type: 'field';
  pos: Pos;
  ident: string[];
}

/** `(pipeline).a.b`: a field chain on a parenthesised pipeline (or other operand). */
export interface ChainNode {
  type: 'chain';
  pos: Pos;
  node: ArgNode;
  field: string[];
}

export interface BoolNode {
  type: 'bool';
  pos: Pos;
  value: boolean;
}

/**
 * A number constant, as Go's parser keeps it: the text, and what it can be. `isInt` → an int (a bigint here),
 * else a float64 (a number). Character constants (`'a'`) are ints. Imaginary numbers are not supported.
 */
export interface NumberNode {
  type: 'number';
  pos: Pos;
  text: string;
  isInt: boolean;
  isFloat: boolean;
  int?: bigint;
  float?: number;
  /** Added: Go's IsUint/Uint64 — an unsigned value (`1e19` is a uint and a float but not an int). */
  isUint?: boolean;
  uint?: bigint;
  /** Added: Go's IsComplex/Complex128 — `4i`, `1+2i` (parsed as Go does; `0i` is also an int and a float). */
  isComplex?: boolean;
  complex?: { re: number; im: number };
}

/** A quoted or raw string constant, unquoted. */
export interface StringNode {
  type: 'string';
  pos: Pos;
  /** The source text, with quotes. */
  quoted: string;
  text: string;
}

/** `{{if pipe}} list {{else}} elseList {{end}}`; `else if` is an `IfNode` as the only node of `elseList`. */
export interface IfNode {
  type: 'if';
  pos: Pos;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}

export interface RangeNode {
  type: 'range';
  pos: Pos;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}

export interface WithNode {
  type: 'with';
  pos: Pos;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}

/** `{{template "name" pipe}}` (and the call a `block` makes). */
export interface TemplateNode {
  type: 'template';
  pos: Pos;
  name: string;
  pipe?: PipeNode;
}

export interface BreakNode {
  type: 'break';
  pos: Pos;
}

export interface ContinueNode {
  type: 'continue';
  pos: Pos;
}

/** A parsed file: its main body, and the templates it defines (`define`, and `block`s). */
export interface ParsedTemplate {
  /** The template's name (Helm: the file's path, `chart/templates/x.yaml`). */
  name: string;
  root: ListNode;
  /** `{{define "x"}}` and `{{block "x" .}}` bodies by name, in the order they appear. */
  defines: Map<string, ListNode>;
}

/** A parse error with its position, Go's wording where Go has one. */
export class TemplateParseError extends Error {
  constructor(
    message: string,
    readonly pos: Pos,
    readonly hint?: string,
    /** Added: the error exactly as Go's parser words it, `template: NAME:LINE: MESSAGE`. */
    readonly goMessage?: string,
  ) {
    super(message);
    this.name = 'TemplateParseError';
  }
}
