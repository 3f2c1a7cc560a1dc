import { closest, GUARD_HELPERS, isSimpleName, ZERO_ARG_HELPERS, type Template } from './compile.js';
import { goString } from './go-format.js';
import type { Helper, HelperCall, RenderHooks } from './helpers/types.js';
import { TemplateFailure } from './helpers/types.js';
import { isEmpty, isMap } from './helpers/values.js';
import type { BlockStatement, ContentStatement, Expression, Hash, MustacheStatement, PathExpression, Program, SourceLocation, Statement, StringLiteral, SubExpression } from './syntax.js';
import { locStart } from './syntax.js';


/** A template error with the template it happened in and the includes it came through. */
/** Where a template error happened and what to do about it; every field is given when the error is made. */
export interface TemplateErrorDetails {
  file?: string;
  source?: string;
  line?: number;
  column?: number;
  hint?: string;
  /** Raised by the template itself (`fail`, `required`), not by a mistake in it. */
  failure?: boolean;
  /** The include sites the error came through, innermost first. */
  trace?: readonly { file: string; line: number; column: number }[];
}

export class TemplateError extends Error {
  readonly file?: string;
  readonly source?: string;
  readonly line?: number;
  readonly column?: number;
  readonly hint?: string;
  readonly failure: boolean;
  readonly trace: readonly { file: string; line: number; column: number }[];

  constructor(message: string, details: TemplateErrorDetails = {}) {
    super(message);
    this.file = details.file;
    this.source = details.source;
    this.line = details.line;
    this.column = details.column;
    this.hint = details.hint;
    this.failure = details.failure ?? false;
    this.trace = details.trace ?? [];
  }

  /** The same error with other details (a new error: errors are never changed after they are made). */
  with(changes: TemplateErrorDetails & { message?: string }): TemplateError {
    const { message, ...rest } = changes;
    return new TemplateError(message ?? this.message, { file: this.file, source: this.source, line: this.line, column: this.column, hint: this.hint, failure: this.failure, trace: this.trace, ...rest });
  }
}

type Data = Record<string, unknown>;

/** One level of scope: the current context, the frame of the enclosing context (for `../`), block params and `@data`. */
interface Frame {
  ctx: unknown;
  up: Frame | undefined;
  locals: Record<string, unknown> | undefined;
  lexical: Frame | undefined;
  data: Data;
}

const hasOwn = (o: unknown, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Reads an own property only: templates never reach prototypes. */
function prop(obj: unknown, key: string): unknown {
  if (obj === null || obj === undefined) return undefined;
  const t = typeof obj;
  if (t !== 'object' && t !== 'function') return undefined;
  return hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

function siteOf(loc: SourceLocation | undefined): { line: number; column: number } {
  const start = locStart(loc);
  return start ? { line: start.line, column: start.column + 1 } : { line: 0, column: 0 };
}

/** What `Interpreter.trace` returns: the output and, for each output line, the source line that wrote its start. */
export interface TracedOutput {
  output: string;
  /** `sourceLines[i]` is the 1-based line of the template source that wrote the start of output line `i + 1`. */
  sourceLines: number[];
}

/**
 * Collects the output of a traced render with, for each output line, the template line that wrote its first
 * character. Text copied from the template keeps its own lines; anything else maps to its statement's line.
 */
class LineTrace {
  private out = '';
  private readonly lines: number[] = [];
  /** The next character written starts an output line. */
  private pending = true;
  /** The line an output line that ends the output with no character maps to. */
  private nextLine = 1;
  private lineStarts: number[] | undefined;

  constructor(private readonly source: string) {}

  /** Appends text whose first character `line` wrote; when `copied`, each newline in it moves to the next source line. */
  add(text: string, line: number, copied: boolean): void {
    if (text === '') return;
    this.out += text;
    let l = line;
    if (this.pending) {
      this.lines.push(l);
      this.pending = false;
    }
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      if (copied) l++;
      if (i + 1 < text.length) this.lines.push(l);
      else {
        this.pending = true;
        this.nextLine = l;
      }
    }
  }

  /**
   * Appends template text. Its location is that of the text before `~` stripped it, so the stripped blanks
   * (and their newlines) are skipped in the source to find the line of its first character.
   */
  content(c: ContentStatement, fallback: number): void {
    const value = c.value;
    if (value === '') return;
    const start = locStart(c.loc);
    if (!start) return this.add(value, fallback, true);
    let line = start.line;
    if (!/\s/.test(value[0])) {
      const src = this.source;
      let o = this.offset(start.line, start.column);
      while (o < src.length && /\s/.test(src[o])) {
        if (src[o] === '\n') line++;
        o++;
      }
    }
    this.add(value, line, true);
  }

  private offset(line: number, column: number): number {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = this.source.indexOf('\n'); i >= 0; i = this.source.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return (this.lineStarts[line - 1] ?? this.source.length) + column;
  }

  finish(): TracedOutput {
    if (this.pending) this.lines.push(this.nextLine);
    return { output: this.out, sourceLines: this.lines };
  }
}

/** Evaluates parsed Handlebars templates with Go-template semantics, without generating code. */
export class Interpreter {
  private current: Template | undefined;
  /** Set only while `trace` walks its template (never inside the templates it includes). */
  private tracer: LineTrace | undefined;

  constructor(
    private readonly helpers: Record<string, Helper>,
    private readonly hooks: RenderHooks,
  ) {}

  /** Renders a template with `ctx` as `this` and `@root`. */
  render(t: Template, ctx: unknown): string {
    const previous = this.current;
    const tracer = this.tracer;
    this.current = t;
    this.tracer = undefined;
    try {
      const frame: Frame = { ctx, up: undefined, locals: undefined, lexical: undefined, data: { root: ctx } };
      return this.program(t.program, frame);
    } catch (e) {
      throw this.locate(e, undefined);
    } finally {
      this.current = previous;
      this.tracer = tracer;
    }
  }

  /**
   * Renders like `render`, and tells for each output line which line of `t.source` wrote its start. What an
   * `include` or `tpl` writes maps to the line of the call. Slower than `render`: for explaining errors.
   */
  trace(t: Template, ctx: unknown): TracedOutput {
    const previous = this.current;
    const tracer = this.tracer;
    const lines = new LineTrace(t.source);
    this.current = t;
    this.tracer = lines;
    try {
      const frame: Frame = { ctx, up: undefined, locals: undefined, lexical: undefined, data: { root: ctx } };
      this.program(t.program, frame);
      return lines.finish();
    } catch (e) {
      throw this.locate(e, undefined);
    } finally {
      this.current = previous;
      this.tracer = tracer;
    }
  }

  /** Attaches the current file and position to an error that has none yet. */
  private locate(e: unknown, loc: SourceLocation | undefined): TemplateError {
    const te = e instanceof TemplateError ? e : new TemplateError((e as Error)?.message ?? String(e), { failure: e instanceof TemplateFailure });
    if (te.file !== undefined || !this.current) return te;
    const site = loc ? siteOf(loc) : undefined;
    return te.with({ file: this.current.file, source: this.current.source, line: site?.line, column: site?.column });
  }

  private fail(message: string, loc: SourceLocation | undefined, hint?: string): never {
    throw this.locate(new TemplateError(message, { hint }), loc);
  }

  private program(p: Program, f: Frame): string {
    if (this.tracer !== undefined) return this.tracedProgram(p, f, this.tracer);
    let out = '';
    // Indexed loops: a for-of makes an iterator and a result object per statement until V8 optimises it.
    const body = p.body;
    for (let i = 0; i < body.length; i++) out += this.statement(body[i], f);
    return out;
  }

  /**
   * `program` while tracing: output goes to the tracer with its source lines, and '' is returned. Blocks only
   * ever return what their programs return, so the nested programs of a block trace their own output.
   */
  private tracedProgram(p: Program, f: Frame, t: LineTrace): string {
    let line = locStart(p.loc)?.line ?? 1;
    const body = p.body;
    for (let i = 0; i < body.length; i++) {
      const s = body[i];
      const start = locStart(s.loc);
      if (start) line = start.line;
      if (s.type === 'ContentStatement') t.content(s as ContentStatement, line);
      else t.add(this.statement(s, f), line, false);
    }
    return '';
  }

  private statement(s: Statement, f: Frame): string {
    switch (s.type) {
      case 'ContentStatement':
        return (s as ContentStatement).value;
      case 'MustacheStatement':
        return this.mustache(s as MustacheStatement, f);
      case 'BlockStatement':
        return this.block(s as BlockStatement, f);
      default:
        return '';
    }
  }

  private mustache(m: MustacheStatement, f: Frame): string {
    const path = m.path as Expression;
    let value: unknown;
    if (path.type === 'PathExpression') {
      const pe = path as PathExpression;
      const args = m.params.length > 0 || (m.hash && m.hash.pairs.length > 0);
      if (args || (isSimpleName(pe) && hasOwn(this.helpers, pe.original))) value = this.call(pe, m.params, m.hash, f, m.loc);
      else {
        value = this.path(pe, f);
        if (typeof value === 'function') value = this.invoke(value as (...a: unknown[]) => unknown, [], pe.original, m.loc);
        if (value === undefined && this.hooks.strict) this.strictError(pe, f);
      }
    } else value = this.expr(path, f, false);
    return goString(value);
  }

  private strictError(pe: PathExpression, f: Frame): never {
    let hint: string | undefined;
    if (pe.parts.length > 1) {
      const parent = this.path({ ...pe, parts: pe.parts.slice(0, -1) } as PathExpression, f);
      if (isMap(parent)) {
        const keys = Object.keys(parent);
        const guess = closest(pe.parts[pe.parts.length - 1], keys);
        hint = guess ? `did you mean ${pe.original.replace(/[^.]+$/, guess)}?` : keys.length ? `it has: ${keys.slice(0, 12).join(', ')}` : undefined;
      }
    }
    return this.fail(`${pe.original} is not defined (--strict)`, pe.loc, hint);
  }

  private path(pe: PathExpression, f: Frame): unknown {
    const parts = pe.parts;
    let cur: unknown;
    let i = 0;
    if (pe.data) {
      let d = f.data;
      for (let n = 0; n < pe.depth; n++) d = (Object.getPrototypeOf(d) as Data | null) ?? d;
      const head = parts[0];
      cur = head === '__proto__' || head === 'constructor' ? undefined : d[head];
      i = 1;
    } else {
      const scoped = /^(this\b|\.)/.test(pe.original);
      if (!scoped && pe.depth === 0 && parts.length > 0) {
        for (let fr: Frame | undefined = f; fr; fr = fr.lexical) {
          if (fr.locals && hasOwn(fr.locals, parts[0])) {
            cur = fr.locals[parts[0]];
            i = 1;
            break;
          }
        }
      }
      if (i === 0) {
        let fr = f;
        for (let n = 0; n < pe.depth && fr.up; n++) fr = fr.up;
        cur = fr.ctx;
      }
    }
    for (; i < parts.length; i++) {
      cur = prop(cur, parts[i]);
      if (cur === undefined) return undefined;
    }
    return cur;
  }

  private expr(e: Expression, f: Frame, guarded: boolean): unknown {
    switch (e.type) {
      case 'StringLiteral':
      case 'NumberLiteral':
      case 'BooleanLiteral':
        return (e as StringLiteral).value;
      case 'UndefinedLiteral':
        return undefined;
      case 'NullLiteral':
        return null;
      case 'SubExpression': {
        const s = e as SubExpression;
        return this.call(s.path as PathExpression, s.params, s.hash, f, s.loc);
      }
      case 'PathExpression': {
        const pe = e as PathExpression;
        if (isSimpleName(pe) && ZERO_ARG_HELPERS.has(pe.original)) return this.call(pe, [], undefined, f, pe.loc);
        const v = this.path(pe, f);
        if (v === undefined && this.hooks.strict && !guarded) this.strictError(pe, f);
        return v;
      }
      default:
        return undefined;
    }
  }

  private hash(h: Hash | undefined, f: Frame, guarded: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (h) for (let i = 0; i < h.pairs.length; i++) out[h.pairs[i].key] = this.expr(h.pairs[i].value, f, guarded);
    return out;
  }

  private invoke(fn: (...a: unknown[]) => unknown, args: unknown[], name: string, loc: SourceLocation | undefined): unknown {
    try {
      return fn(...args);
    } catch (e) {
      throw this.locate(e instanceof TemplateError ? e : new TemplateError(`${name}: ${(e as Error).message}`), loc);
    }
  }

  private call(pe: PathExpression, params: Expression[], hash: Hash | undefined, f: Frame, loc: SourceLocation | undefined): unknown {
    const name = pe.original;
    let fn: Helper | undefined;
    if (isSimpleName(pe) && hasOwn(this.helpers, name)) fn = this.helpers[name];
    else {
      const target = this.path(pe, f);
      if (typeof target !== 'function') return this.fail(`"${name}" is not a helper or a function`, pe.loc);
      const args = params.map((p) => this.expr(p, f, false));
      return this.invoke(target as (...a: unknown[]) => unknown, args, name, loc);
    }
    const guarded = GUARD_HELPERS.has(name);
    const args = params.map((p) => this.expr(p, f, guarded));
    const call: HelperCall = { hash: this.hash(hash, f, guarded), name, site: siteOf(loc), render: this.hooks };
    try {
      return fn.apply(call, args);
    } catch (e) {
      if (e instanceof TemplateError && e.file !== undefined) {
        // Came out of an included template: remember where it was included from.
        throw this.current ? e.with({ trace: [...e.trace, { file: this.current.file, ...siteOf(loc) }] }) : e;
      }
      const te = e instanceof TemplateError ? e : new TemplateError(e instanceof TemplateFailure ? (e as Error).message : `${name}: ${(e as Error)?.message ?? String(e)}`, { failure: e instanceof TemplateFailure });
      throw this.locate(te, loc);
    }
  }

  private child(f: Frame, ctx: unknown, blockParams: string[] | undefined, values: unknown[], data?: Data): Frame {
    let locals: Record<string, unknown> | undefined;
    if (blockParams && blockParams.length > 0) {
      locals = {};
      blockParams.forEach((n, i) => (locals![n] = values[i]));
    }
    const up = ctx === f.ctx ? f.up : f;
    return { ctx, up, locals, lexical: f, data: data ?? f.data };
  }

  private block(b: BlockStatement, f: Frame): string {
    const name = (b.path as PathExpression).original;
    const bp = b.program?.blockParams;
    const inverse = () => (b.inverse ? this.program(b.inverse, f) : '');
    switch (name) {
      case 'if': {
        const v = b.params[0] ? this.expr(b.params[0], f, true) : undefined;
        return isEmpty(v) ? inverse() : this.program(b.program, f);
      }
      case 'unless': {
        const v = b.params[0] ? this.expr(b.params[0], f, true) : undefined;
        return isEmpty(v) ? this.program(b.program, f) : inverse();
      }
      case 'with': {
        const v = b.params[0] ? this.expr(b.params[0], f, true) : undefined;
        if (isEmpty(v)) return inverse();
        return this.program(b.program, this.child(f, v, bp, [v]));
      }
      case 'let': {
        const values = b.params.map((p) => this.expr(p, f, true));
        const h = this.hash(b.hash, f, true);
        let data = f.data;
        if (Object.keys(h).length > 0) {
          data = Object.create(f.data) as Data;
          Object.assign(data, h);
        }
        return this.program(b.program, this.child(f, f.ctx, bp, values, data));
      }
      case 'range':
      case 'each': {
        const coll = b.params[0] ? this.expr(b.params[0], f, false) : undefined;
        let entries: [string | number, unknown][];
        if (Array.isArray(coll)) entries = coll.map((v, i) => [i, v]);
        else if (isMap(coll)) {
          const keys = Object.keys(coll);
          if (name === 'range') keys.sort();
          entries = keys.map((k) => [k, coll[k]]);
        } else if (name === 'range' && typeof coll === 'number' && coll > 0) entries = Array.from({ length: Math.floor(coll) }, (_, i) => [i, i]);
        else entries = [];
        if (entries.length === 0) return inverse();
        let out = '';
        for (let i = 0; i < entries.length; i++) {
          const [key, value] = entries[i];
          const data = Object.create(f.data) as Data;
          data.key = key;
          data.index = i;
          data.first = i === 0;
          data.last = i === entries.length - 1;
          out += this.program(b.program, this.child(f, value, bp, [value, key], data));
        }
        return out;
      }
      default:
        return this.fail(`"${name}" is not a block helper`, b.loc);
    }
  }
}
