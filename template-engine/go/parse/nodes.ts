/**
 * The syntax tree of Go's text/template (package parse), as Chartroom's Go-template engine uses it. Every
 * node carries its offset in the template text; an error works out the 1-based line and column from it
 * (positionIn), so trees stay small to build and to cache.
 */
/** A place in a template text, for errors (nodes keep only the offset). */
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
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  nodes: Node[];
}

/** Plain text, with trim markers already applied. */
export interface TextNode {
  type: 'text';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  text: string;
}

export interface CommentNode {
  type: 'comment';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  text: string;
}

/** `{{pipeline}}`: its value is printed (unless the pipeline only declares or assigns variables). */
export interface ActionNode {
  type: 'action';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  pipe: PipeNode;
}

/** `$x := a | b c` — declarations (`:=`) or assignments (`=`) of variables, then commands joined by `|`. */
export interface PipeNode {
  type: 'pipe';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  /** True for `=` (assign to existing variables), false for `:=` (declare). */
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}

/** One command of a pipeline: a function or a value, with arguments. */
export interface CommandNode {
  type: 'command';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  args: ArgNode[];
}

export type ArgNode = FieldNode | ChainNode | VariableNode | IdentifierNode | DotNode | NilNode | BoolNode | NumberNode | StringNode | PipeNode;

/** A function name, e.g. `printf`. */
export interface IdentifierNode {
  type: 'identifier';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  name: string;
}

/** `$` or `$x`, with optional field chain: `$x.a.b` → name `$x`, ident ['a','b']. */
export interface VariableNode {
  type: 'variable';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  /** `$x` then the fields: `['$x', 'a', 'b']`. */
  ident: string[];
}

/** `.` */
export interface DotNode {
  type: 'dot';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
}

export interface NilNode {
  type: 'nil';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
}

/** `.a.b.c` → ['a','b','c']. */
export interface FieldNode {
  type: 'field';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  ident: string[];
}

/** `(pipeline).a.b`: a field chain on a parenthesised pipeline (or other operand). */
export interface ChainNode {
  type: 'chain';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  node: ArgNode;
  field: string[];
}

export interface BoolNode {
  type: 'bool';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  value: boolean;
}

/**
 * A number constant, as Go's parser keeps it: the text, and what it can be. `isInt` → an int (a bigint here),
 * else a float64 (a number). Character constants (`'a'`) are ints. Imaginary numbers are not supported.
 */
export interface NumberNode {
  type: 'number';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
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
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  /** The source text, with quotes. */
  quoted: string;
  text: string;
}

/** `{{if pipe}} list {{else}} elseList {{end}}`; `else if` is an `IfNode` as the only node of `elseList`. */
export interface IfNode {
  type: 'if';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}

export interface RangeNode {
  type: 'range';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}

export interface WithNode {
  type: 'with';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}

/** `{{template "name" pipe}}` (and the call a `block` makes). */
export interface TemplateNode {
  type: 'template';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
  name: string;
  pipe?: PipeNode;
}

export interface BreakNode {
  type: 'break';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
}

export interface ContinueNode {
  type: 'continue';
  /** Offset of the node in the template text (UTF-16 code units); line and column are worked out on an error. */
  pos: number;
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
