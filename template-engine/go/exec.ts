/**
 * The interpreter of Go's text/template (exec.go), over the syntax tree of parse/nodes.ts and the value model of
 * value.ts, with Go's semantics and error wording.
 *
 * Values: besides the model's conventions, the interpreter keeps Go's distinction between a nil *interface*
 * (`null`: what a map's missing key gives under missingkey=zero, an explicit YAML null, a nil slice element) and an
 * *invalid* value (`undefined`: what a missing key gives under missingkey=default, or any nil once a pipeline has
 * produced it). As in Go, `.a.b` on a nil interface fails (`nil pointer evaluating interface {}.b`) while `$x.b` on
 * an invalid value is an invalid value; an invalid value prints `<no value>` (Helm erases that text afterwards:
 * see `removeNoValue`).
 *
 * Functions: a template function without a signature (builtins.ts `withSignature`) takes any number of
 * `interface{}` arguments (an invalid value arrives as `null`); with one, arity, constant conversion and types are
 * checked as Go checks them. Methods are the function properties of objects (`.Files.Get "x"`); a function-valued
 * *field* cannot be told from a method, so it is always called (use `index` then `call` for function values).
 */
import { BUILTINS, assignable, callFunction, canBeNil, paramTypeName, signatureOf, truth, isTrue, type GoParamType, type GoSignature } from './builtins.js';
import { goTypeName, kindOf, mapKeys, methodOf, quoteGo, sprint, sprintf } from './fmt.js';
import type { ArgNode, ChainNode, CommandNode, FieldNode, IdentifierNode, ListNode, Node, NumberNode, ParsedTemplate, PipeNode, Pos, RangeNode, TemplateNode, VariableNode } from './parse/nodes.js';
import { goLocation, nodeString, positionIn } from './parse/parser.js';
import { GoDuration, type FuncMap, type GoFunc, type GoValue } from './value.js';

export { GO_SIGNATURE, withSignature, type GoParamType, type GoSignature } from './builtins.js';

/** What a missing map key gives: Go's missingkey option (`default` and `invalid` are the same in Go). */
export type MissingKey = 'zero' | 'error' | 'default';

/** Limits of one rendering, shared by the nested executions it makes (`include`, `tpl`): pass the same object. */
export interface ExecBudget {
  /** Nesting of templates (`{{template}}`, and executions started through `execute` with this budget). */
  maxDepth: number;
  /** Nodes walked and commands evaluated, in total. */
  maxSteps: number;
  steps: number;
  depth: number;
}

/** Default limits: Go allows 100000 nested templates; JavaScript's stack allows far fewer, so 1000 here. */
export function newBudget(limits: { maxDepth?: number; maxSteps?: number } = {}): ExecBudget {
  return { maxDepth: limits.maxDepth ?? 1000, maxSteps: limits.maxSteps ?? 50_000_000, steps: 0, depth: 0 };
}

export interface ExecEnv {
  /** Template functions (Sprig's, Helm's); they take precedence over Go's builtins, as in Go. */
  funcs: FuncMap;
  /** Named templates (`define`, `block`), for `{{template}}` and `executeTemplate`. */
  templates: Map<string, ListNode>;
  /** Helm: `zero` (or `error` with --strict). */
  missingKey: MissingKey;
  /** The file the executed template was parsed from (error locations). */
  file: string;
  /** The executed template's name (`executing "name"` in errors); default: the ParsedTemplate's name, or file. */
  name?: string;
  /** The file that defines each named template (error locations inside `define`s); default: `file`. */
  templateFiles?: Map<string, string>;
  /** Template texts by file, for Go's exact error columns (UTF-8 bytes); without them, `column - 1`. */
  sources?: Map<string, string>;
  budget?: ExecBudget;
  /**
   * Filled while executing, when given: for each piece of output in order, where it came from — the offset of
   * the text node (≥ 0), or `-(offset + 1)` of the action that printed it (what a `{{template}}` call writes
   * counts as the call's). For explaining an output line by its template line.
   */
  trace?: { pieces: string[]; spots: number[] };
}

/** An execution error: Go's wording in `message`, where it happened in `pos`/`file`, Go's whole line in `goMessage`. */
export class TemplateExecError extends Error {
  /** `template: FILE:LINE:COL: executing "NAME" at <NODE>: MESSAGE`, as Go's ExecError prints (COL 0-based). */
  readonly goMessage: string;
  constructor(
    message: string,
    readonly pos: Pos | undefined,
    readonly file: string,
    /** The template being executed (its name). */
    readonly template: string,
    /** The source text of the node being evaluated, as Go prints it. */
    readonly context?: string,
    options?: { cause?: unknown; goMessage?: string; goColumn?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TemplateExecError';
    const col = options?.goColumn ?? (pos ? Math.max(pos.column - 1, 0) : 0);
    this.goMessage =
      options?.goMessage ??
      (pos && context !== undefined
        ? `template: ${file}:${pos.line}:${col}: executing ${quoteGo(template)} at <${context}>: ${message}`
        : `template: ${template}: ${message}`);
  }
}

/** Helm's post-processing of a rendered file (and of `tpl`'s result, not of `include`'s): `<no value>` erased. */
export function removeNoValue(out: string): string {
  return out.includes('<no value>') ? out.split('<no value>').join('') : out;
}

/** Run a parsed template (or a template body) on data; returns the output. Throws TemplateExecError. */
export function execute(t: ListNode | ParsedTemplate, data: GoValue, env: ExecEnv): string {
  const root = 'root' in t ? t.root : t;
  const name = env.name ?? ('root' in t ? t.name : env.file);
  const budget = env.budget ?? newBudget();
  const out: string[] = [];
  const dot = data === null ? undefined : data;
  if (budget.depth >= budget.maxDepth) {
    throw new TemplateExecError(`exceeded maximum template depth (${budget.maxDepth})`, undefined, env.file, name);
  }
  const s = new State(env, env.trace?.pieces ?? out, budget, name, env.file, dot);
  budget.depth++;
  try {
    s.walk(dot, root);
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new TemplateExecError(`exceeded maximum template depth (the JavaScript stack)`, undefined, env.file, name, undefined, { cause: e });
    }
    throw e;
  } finally {
    budget.depth--;
  }
  return (env.trace?.pieces ?? out).join('');
}

/**
 * The template line (1-based) that wrote the start of an output line (1-based), from a trace (ExecEnv.trace)
 * of the execution that produced the output: a line inside literal text maps to its own line, anything an
 * action printed to the action's line.
 */
export function tracedSourceLine(source: string, trace: { pieces: string[]; spots: number[] }, outputLine: number): number | undefined {
  let line = 1;
  for (let i = 0; i < trace.pieces.length; i++) {
    const piece = trace.pieces[i];
    if (piece === '') continue;
    let start = line === outputLine ? 0 : -1;
    if (start < 0) {
      let need = outputLine - line;
      let idx = -1;
      while (need > 0 && (idx = piece.indexOf('\n', idx + 1)) >= 0) need--;
      if (need === 0 && idx + 1 < piece.length) start = idx + 1;
    }
    if (start >= 0) {
      const spot = trace.spots[i];
      if (spot < 0) return positionIn(source, -spot - 1).line;
      let before = 0;
      for (let j = piece.indexOf('\n'); j >= 0 && j < start; j = piece.indexOf('\n', j + 1)) before++;
      return positionIn(source, spot).line + before;
    }
    for (let j = piece.indexOf('\n'); j >= 0; j = piece.indexOf('\n', j + 1)) line++;
  }
  return undefined;
}

/** Run the named template (what Helm's `include` does): Go's ExecuteTemplate. */
export function executeTemplate(name: string, data: GoValue, env: ExecEnv): string {
  const root = env.templates.get(name);
  const caller = env.name ?? env.file;
  if (!root) {
    const message = `no template ${quoteGo(name)} associated with template ${quoteGo(caller)}`;
    throw new TemplateExecError(message, undefined, env.file, caller, undefined, { goMessage: `template: ${message}` });
  }
  return execute(root, data, { ...env, name, file: env.templateFiles?.get(name) ?? env.file });
}

// ------------------------------------------------------------------------------------------------- internals

/** The absent final argument of a command that is not in a pipeline's later stage. */
const MISSING: unique symbol = Symbol('missing');
type Final = GoValue | typeof MISSING;

const BREAK = { signal: 'break' };
const CONTINUE = { signal: 'continue' };

const ANY_SIGNATURE: GoSignature = { params: [], variadic: 'any' };

/** A variable: its value, and whether its static Go type is interface{} (a slice or map element). */
interface Var {
  name: string;
  value: GoValue;
  iface: boolean;
}

type AnyNode = Node | ArgNode | CommandNode | PipeNode;

class State {
  private vars: Var[];
  private node: AnyNode | undefined;
  /** Whether dot's static type is interface{} (Go names that type in "can't evaluate field" errors). */
  private dotIface = false;

  constructor(
    private readonly env: ExecEnv,
    private readonly out: string[],
    private readonly budget: ExecBudget,
    private readonly tmplName: string,
    private readonly file: string,
    dot: GoValue,
    /** While tracing, what this state writes is put down to this spot (the caller's `{{template}}` action). */
    private readonly spot?: number,
  ) {
    this.vars = [{ name: '$', value: dot, iface: false }];
  }

  /** Writes a piece of output; while tracing, notes where it came from (see ExecEnv.trace). */
  private write(text: string, spot: number): void {
    this.out.push(text);
    this.env.trace?.spots.push(this.spot ?? spot);
  }

  private at(node: AnyNode): void {
    this.node = node;
  }

  private errorf(message: string, cause?: unknown): never {
    const n = this.node;
    const text = n ? this.env.sources?.get(this.file) : undefined;
    const goColumn = n && text !== undefined ? goLocation(text, n.pos).col : undefined;
    const pos = n && text !== undefined ? positionIn(text, n.pos) : undefined;
    throw new TemplateExecError(message, pos, this.file, this.tmplName, n ? nodeString(n) : undefined, { cause, goColumn });
  }

  private step(): void {
    if (++this.budget.steps > this.budget.maxSteps) this.errorf(`template execution exceeded ${this.budget.maxSteps} steps`);
  }

  // ------------------------------------------------------------------------------------------- variables

  private push(name: string, value: GoValue, iface = false): void {
    this.vars.push({ name, value, iface });
  }

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private findVar(name: string): Var {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i];
    this.errorf(`undefined variable: ${name}`);
  }

  private setVar(name: string, value: GoValue, iface = false): void {
    const v = this.findVar(name);
    v.value = value;
    v.iface = iface;
  }

  private setTopVar(n: number, value: GoValue, iface: boolean): void {
    const v = this.vars[this.vars.length - n];
    v.value = value;
    v.iface = iface;
  }

  // ---------------------------------------------------------------------------------------------- walking

  walk(dot: GoValue, node: Node): void {
    this.at(node);
    this.step();
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
        this.walkIfOrWith(false, dot, node.pipe, node.list, node.elseList);
        return;
      case 'with':
        this.walkIfOrWith(true, dot, node.pipe, node.list, node.elseList);
        return;
      case 'list': {
        // Indexed loops here and in evalPipeline: a for-of makes an iterator and a result object per node
        // until V8 optimises the loop, which a render of a tenth of a second mostly never reaches.
        const nodes = node.nodes;
        for (let i = 0; i < nodes.length; i++) this.walk(dot, nodes[i]);
        return;
      }
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'text':
        this.write(node.text, node.pos);
        return;
      default:
        this.errorf(`unknown node: ${(node as { type: string }).type}`);
    }
  }

  private withDot<T>(iface: boolean, f: () => T): T {
    const saved = this.dotIface;
    this.dotIface = iface;
    try {
      return f();
    } finally {
      this.dotIface = saved;
    }
  }

  private walkIfOrWith(isWith: boolean, dot: GoValue, pipe: PipeNode, list: ListNode, elseList: ListNode | undefined): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, pipe);
      const [t, ok] = isTrue(val);
      if (!ok) this.errorf(`if/with can't use ${sprintf('%v', val)}`);
      if (t) {
        if (isWith) this.withDot(false, () => this.walk(val, list));
        else this.walk(dot, list);
      } else if (elseList) this.walk(dot, elseList);
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: GoValue, r: RangeNode): void {
    this.at(r);
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      const oneIteration = (index: GoValue, elem: GoValue, elemIface: boolean) => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            if (decl.length > 1) this.setVar(decl[0].ident[0], index);
            else this.setVar(decl[0].ident[0], elem, elemIface);
          } else this.setTopVar(1, elem, elemIface);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1].ident[0], elem, elemIface);
          else this.setTopVar(2, index, false);
        }
        try {
          this.withDot(elemIface, () => this.walk(elem, r.list));
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
      };
      try {
        if (this.rangeOver(val, decl.length, oneIteration)) return;
      } catch (e) {
        if (e === BREAK) return;
        throw e;
      }
      if (r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.pop(outer);
    }
  }

  /** Iterates; false when there was nothing to iterate (the else branch runs). */
  private rangeOver(val: GoValue, nvars: number, one: (index: GoValue, elem: GoValue, elemIface: boolean) => void): boolean {
    switch (kindOf(val)) {
      case 'int':
      case 'duration': {
        if (nvars > 1) this.errorf(`can't use ${sprintf('%v', val)} to iterate over more than one variable`);
        const isDuration = val instanceof GoDuration;
        const n = isDuration ? val.ns : (val as bigint);
        if (n <= 0n) return false;
        for (let i = 0n; i < n; i++) {
          this.step();
          one(undefined, isDuration ? new GoDuration(i) : i, false);
        }
        return true;
      }
      case 'slice': {
        const a = val as GoValue[];
        if (a.length === 0) return false;
        for (let i = 0; i < a.length; i++) one(BigInt(i), a[i] === undefined ? null : a[i], true);
        return true;
      }
      case 'bytes': {
        const b = val as Uint8Array;
        if (b.length === 0) return false;
        for (let i = 0; i < b.length; i++) one(BigInt(i), BigInt(b[i]), false);
        return true;
      }
      case 'map': {
        const m = val as Record<string, GoValue>;
        const keys = mapKeys(m);
        if (keys.length === 0) return false;
        for (let i = 0; i < keys.length; i++) one(keys[i], m[keys[i]], true);
        return true;
      }
      case 'invalid':
      case 'nil':
        return false;
      default:
        this.errorf(`range can't iterate over ${sprintf('%v', val)}`);
    }
  }

  private walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.at(t);
    const root = this.env.templates.get(t.name);
    if (!root) this.errorf(`template ${quoteGo(t.name)} not defined`);
    if (this.budget.depth >= this.budget.maxDepth) this.errorf(`exceeded maximum template depth (${this.budget.maxDepth})`);
    const newDot = this.evalPipeline(dot, t.pipe);
    const sub = new State(this.env, this.out, this.budget, t.name, this.env.templateFiles?.get(t.name) ?? this.file, newDot, this.spot ?? -(t.pos + 1));
    this.budget.depth++;
    try {
      sub.walk(newDot, root);
    } finally {
      this.budget.depth--;
    }
  }

  // ------------------------------------------------------------------------------------------ evaluation

  private evalPipeline(dot: GoValue, pipe: PipeNode | undefined): GoValue {
    if (!pipe) return undefined;
    this.at(pipe);
    let value: Final = MISSING;
    const cmds = pipe.cmds;
    for (let i = 0; i < cmds.length; i++) {
      value = this.evalCommand(dot, cmds[i], value);
      // A nil interface{} becomes the invalid value ("lovely!" in Go).
      if (value === null) value = undefined;
    }
    const v = value === MISSING ? undefined : value;
    const decl = pipe.decl;
    for (let i = 0; i < decl.length; i++) {
      if (pipe.isAssign) this.setVar(decl[i].ident[0], v);
      else this.push(decl[i].ident[0], v);
    }
    return v;
  }

  private notAFunction(args: ArgNode[] | null, final: Final): void {
    if ((args && args.length > 1) || final !== MISSING) this.errorf(`can't give argument to non-function ${args ? nodeString(args[0]) : ''}`);
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    this.step();
    const first = cmd.args[0];
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
      default:
        break;
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  /** A number constant where no type is known: its syntax decides (int, or float64 if written as a float). */
  private idealConstant(n: NumberNode): GoValue {
    this.at(n);
    const t = n.text;
    const isHexInt = t.length > 2 && t[0] === '0' && (t[1] === 'x' || t[1] === 'X') && !/[pP]/.test(t);
    const isRuneInt = t.length > 0 && t[0] === "'";
    if (n.isComplex) this.errorf(`${t}: complex numbers are not supported`);
    if (n.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(t)) return n.float ?? Number(t.replace(/_/g, ''));
    if (n.isInt) {
      const v = n.int ?? BigInt(t.replace(/_/g, ''));
      if (v > 0x7fffffffffffffffn || v < -0x8000000000000000n) this.errorf(`${t} overflows int`);
      return v;
    }
    if (n.isUint) this.errorf(`${t} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: GoValue, field: FieldNode, args: ArgNode[] | null, final: Final): GoValue {
    this.at(field);
    return this.evalFieldChain(dot, dot, this.dotIface, field, field.ident, args, final);
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, args: ArgNode[] | null, final: Final): GoValue {
    this.at(chain);
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(dot, pipe, false, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: GoValue, variable: VariableNode, args: ArgNode[] | null, final: Final): GoValue {
    this.at(variable);
    const v = this.findVar(variable.ident[0]);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return v.value;
    }
    return this.evalFieldChain(dot, v.value, v.iface, variable, variable.ident.slice(1), args, final);
  }

  private evalFieldChain(dot: GoValue, receiver: GoValue, iface: boolean, node: AnyNode, ident: string[], args: ArgNode[] | null, final: Final): GoValue {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      const fromMap = kindOf(receiver) === 'map';
      receiver = this.evalField(dot, ident[i], node, null, MISSING, receiver, iface);
      iface = fromMap;
    }
    return this.evalField(dot, ident[n - 1], node, args, final, receiver, iface);
  }

  private evalFunction(dot: GoValue, node: IdentifierNode, cmd: AnyNode, args: ArgNode[] | null, final: Final): GoValue {
    this.at(node);
    const name = node.name;
    let fn = this.env.funcs.get(name);
    let isBuiltin = false;
    if (!fn) {
      fn = BUILTINS.get(name);
      isBuiltin = true;
    }
    if (!fn) this.errorf(`${quoteGo(name)} is not a defined function`);
    return this.evalCall(dot, fn, undefined, isBuiltin, cmd, name, args, final);
  }

  /** `.Field` or `.Method args` on receiver; iface: the receiver's static type is interface{}. */
  private evalField(dot: GoValue, fieldName: string, node: AnyNode, args: ArgNode[] | null, final: Final, receiver: GoValue, iface: boolean): GoValue {
    if (receiver === undefined) {
      if (this.env.missingKey === 'error') this.errorf(`nil data; no entry for key ${quoteGo(fieldName)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const method = methodOf(receiver, fieldName);
    if (method) return this.evalCall(dot, method, receiver, false, node, fieldName, args, final);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    const kind = kindOf(receiver);
    if (kind === 'map') {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const m = receiver as Record<string, GoValue>;
      const v = Object.prototype.hasOwnProperty.call(m, fieldName) ? m[fieldName] : undefined;
      if (v !== undefined) return v;
      switch (this.env.missingKey) {
        case 'zero':
          return null;
        case 'error':
          this.errorf(`map has no entry for key ${quoteGo(fieldName)}`);
          default:
          return undefined;
      }
    }
    if (kind === 'struct' && Object.prototype.propertyIsEnumerable.call(receiver, fieldName)) {
      if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
      const v = (receiver as Record<string, GoValue>)[fieldName];
      return v === undefined ? null : v;
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${iface ? 'interface {}' : goTypeName(receiver)}`);
  }

  /** Calls fn (a function, or a method bound to thisArg) with the command's arguments and the pipeline's value. */
  private evalCall(dot: GoValue, fn: GoFunc, thisArg: GoValue, isBuiltin: boolean, node: AnyNode, name: string, args: ArgNode[] | null, final: Final): GoValue {
    const argNodes = args ? args.slice(1) : [];
    const sig = signatureOf(fn) ?? ANY_SIGNATURE;
    let numIn = argNodes.length;
    if (final !== MISSING) numIn++;
    let numFixed = argNodes.length;
    if (sig.variadic) {
      numFixed = sig.params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${argNodes.length}`);
    } else if (numIn !== sig.params.length) this.errorf(`wrong number of args for ${name}: want ${sig.params.length} got ${numIn}`);

    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: GoValue = undefined;
      for (const arg of argNodes) {
        v = this.evalArg(dot, 'value', arg);
        if (truth(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, 'value');
      return v;
    }

    const argv: GoValue[] = [];
    let i = 0;
    for (; i < numFixed && i < argNodes.length; i++) argv.push(this.evalArg(dot, sig.params[i], argNodes[i]));
    if (sig.variadic) for (; i < argNodes.length; i++) argv.push(this.evalArg(dot, sig.variadic, argNodes[i]));
    if (final !== MISSING) {
      let t: GoParamType = sig.params[sig.params.length - 1];
      if (sig.variadic) t = numIn - 1 < numFixed ? sig.params[numIn - 1] : sig.variadic;
      argv.push(this.validateType(final, t));
    }

    let result: GoValue;
    try {
      if (isBuiltin && name === 'call') {
        const callee = argNodes.length > 0 ? nodeString(argNodes[0]) : `<${goTypeName(final)} Value>`;
        result = callFunction(callee, argv[0], ...argv.slice(1));
      } else result = fn.apply(thisArg, argv);
    } catch (e) {
      if (e === BREAK || e === CONTINUE) throw e;
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw e; // reported once, by execute
      this.at(node);
      // An argument error a function raises itself reads as the interpreter's own (no "error calling").
      if (e instanceof Error && e.name === 'GoArgError') this.errorf(e.message, e);
      const text = e instanceof TemplateExecError ? e.goMessage : e instanceof Error ? e.message : String(e);
      this.errorf(`error calling ${name}: ${text}`, e);
    }
    return result === undefined ? null : result;
  }

  /** Go's validateType: a value given for a parameter of type t (undefined t: Go's nil type, for a chain's operand). */
  private validateType(value: GoValue, t: GoParamType | undefined): GoValue {
    if (value === undefined) {
      if (t === undefined || t === 'value') return undefined;
      if (canBeNil(t)) return null;
      this.errorf(`invalid value; expected ${paramTypeName(t)}`);
    }
    if (t === undefined || t === 'any' || t === 'value') return value;
    if (value === null) this.errorf(`wrong type for value; expected ${paramTypeName(t)}; got interface {}`);
    if (assignable(value, t)) return value;
    this.errorf(`wrong type for value; expected ${paramTypeName(t)}; got ${goTypeName(value)}`);
  }

  private evalArg(dot: GoValue, t: GoParamType | undefined, n: ArgNode): GoValue {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, t);
      case 'nil':
        if (t === undefined || t === 'value') return undefined;
        if (canBeNil(t)) return null;
        this.errorf(`cannot assign nil to ${paramTypeName(t)}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), t);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), t);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), t);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), t);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), t);
      default:
        break;
    }
    switch (t ?? 'any') {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'float64':
        if (n.type === 'number' && n.isFloat) return n.float ?? Number(n.text);
        this.errorf(`expected float; found ${nodeString(n)}`);
      case 'int':
      case 'int64':
        if (n.type === 'number' && n.isInt) return n.int ?? BigInt(n.text);
        this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'string':
        if (n.type === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      case 'any':
      case 'value':
        switch (n.type) {
          case 'bool':
            return n.value;
          case 'number':
            return this.idealConstant(n);
          case 'string':
            return n.text;
        }
        this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
      default:
        this.errorf(`can't handle ${nodeString(n)} for arg of type ${paramTypeName(t as GoParamType)}`);
    }
  }

  private printValue(node: AnyNode, v: GoValue): void {
    this.at(node);
    const spot = -(node.pos + 1);
    if (v === undefined) {
      this.write('<no value>', spot);
      return;
    }
    switch (typeof v) {
      case 'string':
        this.write(v, spot);
        return;
      case 'bigint':
      case 'boolean':
        this.write(String(v), spot);
        return;
      case 'function':
        this.errorf(`can't print ${nodeString(node)} of type ${goTypeName(v)}`);
      default:
        this.write(sprint(v), spot);
    }
  }
}
