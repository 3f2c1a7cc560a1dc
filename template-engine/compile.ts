import type Handlebars from 'handlebars';
import type { TemplateDelegate } from 'handlebars';

// `hbs` is the global namespace in which Handlebars declares its syntax tree types.
type Node = hbs.AST.Node;
type Program = hbs.AST.Program;
type Statement = hbs.AST.Statement;
type Expression = hbs.AST.Expression;
type PathExpression = hbs.AST.PathExpression;
type SubExpression = hbs.AST.SubExpression;
type MustacheStatement = hbs.AST.MustacheStatement;
type BlockStatement = hbs.AST.BlockStatement;
type SourceLocation = hbs.AST.SourceLocation;

/** Helpers whose arguments may be missing on purpose: `--strict` does not check them. */
export const GUARD_HELPERS = new Set(['if', 'unless', 'with', 'default', 'empty', 'coalesce', 'required', 'and', 'or', 'not', 'hasKey', 'dig', 'ternary', 'kindIs', 'kindOf', 'typeOf', 'typeIs', 'all', 'any']);

/** Helpers that take no arguments and are called when named as an argument. */
const ZERO_ARG_HELPERS = new Set(['now']);

/** A problem found while compiling, with its 1-based position in the template source. */
export class CompileProblem extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface NamedTemplate {
  name: string;
  fn: TemplateDelegate;
  /** Display path of the file that defines it. */
  file: string;
  source: string;
}

export interface CompiledTemplate {
  main: TemplateDelegate;
  defines: NamedTemplate[];
}

export interface CompileSettings {
  /** Names of every helper the engine registers. */
  helpers: Set<string>;
  strict: boolean;
}

type HB = typeof Handlebars;

function loc(node: { loc?: SourceLocation }): SourceLocation {
  return node.loc ?? { source: '', start: { line: 1, column: 0 }, end: { line: 1, column: 0 } };
}

function str(value: string, at: SourceLocation): hbs.AST.StringLiteral {
  return { type: 'StringLiteral', value, original: value, loc: at };
}

function path(name: string, at: SourceLocation): PathExpression {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc: at } as PathExpression;
}

function sexpr(name: string, params: Expression[], at: SourceLocation, hash?: hbs.AST.Hash): SubExpression {
  return { type: 'SubExpression', path: path(name, at), params, hash: hash ?? { type: 'Hash', pairs: [], loc: at }, loc: at } as SubExpression;
}

/** The same path without its last segment (`Values.image` for `Values.image.tag`), for strict-mode hints. */
function parentOf(p: PathExpression): PathExpression[] {
  if (p.parts.length < 2) return [];
  const parts = p.parts.slice(0, -1);
  const original = p.original.slice(0, p.original.lastIndexOf('.'));
  return [{ ...p, parts, original } as PathExpression];
}

function isSimpleName(p: Expression): p is PathExpression {
  const pe = p as PathExpression;
  return p.type === 'PathExpression' && !pe.data && pe.depth === 0 && pe.parts.length === 1 && !/^(this|\.)$/.test(pe.original);
}

function isValuePath(p: Expression): p is PathExpression {
  const pe = p as PathExpression;
  return p.type === 'PathExpression' && !pe.data && pe.parts.length > 0 && pe.original !== 'this' && pe.original !== '.';
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return dp[a.length][b.length];
}

/** Suggests the closest helper name for a typo. */
export function closest(name: string, names: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    if (n.startsWith('__')) continue;
    const d = distance(name.toLowerCase(), n.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Rewrites a template's syntax tree: every output goes through `__out` (Go-style printing, strict checks),
 * value arguments are checked under `--strict`, and unknown helpers are reported before anything runs.
 */
class Rewriter {
  constructor(private readonly settings: CompileSettings) {}

  private unknownHelper(name: string, at: SourceLocation): never {
    const guess = closest(name, this.settings.helpers);
    throw new CompileProblem(`unknown helper "${name}"`, at.start.line, at.start.column + 1, guess ? `did you mean "${guess}"? Helpers are listed in docs/templates.md` : 'helpers are listed in docs/templates.md');
  }

  private checkHelper(p: PathExpression) {
    if (isSimpleName(p) && !this.settings.helpers.has(p.original)) this.unknownHelper(p.original, loc(p));
  }

  private param(e: Expression, guarded: boolean): Expression {
    if (e.type === 'SubExpression') return this.subexpr(e as SubExpression);
    // Go calls argument-less functions used as arguments (`date "2006" now`); so do we.
    if (isSimpleName(e) && ZERO_ARG_HELPERS.has((e as PathExpression).original)) return sexpr((e as PathExpression).original, [], loc(e));
    if (this.settings.strict && !guarded && isValuePath(e)) return sexpr('__ref', [e, str((e as PathExpression).original, loc(e)), ...parentOf(e as PathExpression)], loc(e));
    return e;
  }

  private args(helper: PathExpression | Expression, params: Expression[], hash: hbs.AST.Hash | undefined) {
    const name = helper.type === 'PathExpression' ? (helper as PathExpression).original : '';
    const guarded = GUARD_HELPERS.has(name);
    const ps = params.map((p) => this.param(p, guarded));
    const h = hash ? { ...hash, pairs: hash.pairs.map((pair: hbs.AST.HashPair) => ({ ...pair, value: this.param(pair.value, guarded) })) } : hash;
    return { ps, h };
  }

  subexpr(s: SubExpression): SubExpression {
    if (s.path.type === 'PathExpression') this.checkHelper(s.path as PathExpression);
    const { ps, h } = this.args(s.path, s.params, s.hash);
    return { ...s, params: ps, hash: h } as SubExpression;
  }

  mustache(m: MustacheStatement): MustacheStatement {
    const at = loc(m);
    const p = m.path as Expression;
    if (p.type !== 'PathExpression') {
      if (p.type === 'SubExpression') return { ...m, path: path('__out', at), params: [this.subexpr(p as SubExpression)], hash: { type: 'Hash', pairs: [], loc: at } } as MustacheStatement;
      return m; // a literal prints as itself
    }
    const pe = p as PathExpression;
    const isCall = m.params.length > 0 || (m.hash && m.hash.pairs.length > 0) || (isSimpleName(pe) && this.settings.helpers.has(pe.original));
    let inner: Expression;
    if (isCall) {
      this.checkHelper(pe);
      const { ps, h } = this.args(pe, m.params, m.hash);
      inner = { type: 'SubExpression', path: pe, params: ps, hash: h ?? { type: 'Hash', pairs: [], loc: at }, loc: at } as SubExpression;
      return { ...m, path: path('__out', at), params: [inner], hash: { type: 'Hash', pairs: [], loc: at } } as MustacheStatement;
    }
    // A bare value: `__out` checks it under --strict and prints it the Go way.
    return { ...m, path: path('__out', at), params: [pe, str(pe.original, at), ...(this.settings.strict ? parentOf(pe) : [])], hash: { type: 'Hash', pairs: [], loc: at } } as MustacheStatement;
  }

  block(b: BlockStatement): BlockStatement {
    const p = b.path as PathExpression;
    this.checkHelper(p);
    const { ps, h } = this.args(p, b.params, b.hash);
    return { ...b, params: ps, hash: h, program: b.program && this.program(b.program), inverse: b.inverse && this.program(b.inverse) } as BlockStatement;
  }

  program(p: Program): Program {
    return { ...p, body: p.body.map((s) => this.statement(s)) };
  }

  statement(s: Statement): Statement {
    switch (s.type) {
      case 'MustacheStatement':
        return this.mustache(s as MustacheStatement);
      case 'BlockStatement':
        return this.block(s as BlockStatement);
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const at = loc(s as Node as { loc?: SourceLocation });
        throw new CompileProblem('partials ({{> name}}) are not supported; use {{include "name" this}}', at.start.line, at.start.column + 1);
      }
      case 'DecoratorBlock':
      case 'Decorator': {
        const at = loc(s as Node as { loc?: SourceLocation });
        throw new CompileProblem('decorators are not supported', at.start.line, at.start.column + 1);
      }
      default:
        return s;
    }
  }
}

function parseProblem(e: Error): CompileProblem {
  const ex = e as Error & { lineNumber?: number; column?: number; hash?: { loc?: { first_line: number; first_column: number } } };
  const line = ex.hash?.loc?.first_line ?? ex.lineNumber ?? Number(/line (\d+)/.exec(e.message)?.[1] ?? 1);
  const column = (ex.hash?.loc?.first_column ?? ex.column ?? 0) + 1;
  const lines = e.message.split('\n');
  const expecting = lines.find((l) => l.startsWith('Expecting') || l.startsWith('Expected'));
  let message = lines[0].replace(/^Parse error on line \d+:?/, 'syntax error').replace(/ - \d+:\d+$/, '');
  if (expecting) message += `: ${expecting.replace(/'/g, '')}`;
  if (message === 'syntax error') message = 'syntax error in template';
  return new CompileProblem(message, line, column);
}

/** Parses and compiles one template file; `{{#define "name"}}` blocks become named templates. */
export function compileTemplate(hb: HB, source: string, file: string, settings: CompileSettings): CompiledTemplate {
  let ast: Program;
  try {
    // Whitespace works as in Go templates: only `~` (Go's `-`) trims; lines holding just a block tag are kept.
    ast = hb.parse(source, { ignoreStandalone: true } as never);
  } catch (e) {
    throw parseProblem(e as Error);
  }
  const rewriter = new Rewriter(settings);
  const defines: NamedTemplate[] = [];
  const body: Statement[] = [];
  for (const s of ast.body as Statement[]) {
    const b = s as BlockStatement;
    if (s.type === 'BlockStatement' && b.path.type === 'PathExpression' && (b.path as PathExpression).original === 'define') {
      const name = b.params[0];
      if (!name || name.type !== 'StringLiteral') {
        const at = loc(b);
        throw new CompileProblem('define needs a quoted template name: {{#define "chart.name"}}...{{/define}}', at.start.line, at.start.column + 1);
      }
      defines.push({ name: (name as hbs.AST.StringLiteral).value, fn: compileAst(hb, rewriter.program(b.program)), file, source });
      continue;
    }
    body.push(rewriter.statement(s));
  }
  return { main: compileAst(hb, { ...ast, body }), defines };
}

const parsedAlready = new WeakSet<object>();

/** Compiles an already processed tree without running Handlebars' whitespace pass a second time. */
function compileAst(hb: HB, program: Program): TemplateDelegate {
  const env = hb as HB & { parse: (input: unknown, options?: unknown) => Program; __chartroomPatched?: boolean };
  if (!env.__chartroomPatched) {
    const original = env.parse.bind(env);
    env.parse = (input: unknown, options?: unknown) => (typeof input === 'object' && input !== null && parsedAlready.has(input) ? (input as Program) : original(input, options));
    env.__chartroomPatched = true;
  }
  parsedAlready.add(program);
  return hb.compile(program, { noEscape: true, strict: false, preventIndent: true, knownHelpersOnly: false });
}

