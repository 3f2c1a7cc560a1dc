import { createHash } from 'node:crypto';
import { parse } from 'handlebars/dist/cjs/handlebars/compiler/base.js';
import type { EngineCache } from '../types.js';
import type { BlockStatement, Expression, MustacheStatement, PathExpression, Program, SourceLocation, Statement, StringLiteral, SubExpression } from './syntax.js';


/** Helpers whose arguments may be missing on purpose: `--strict` does not check them. */
export const GUARD_HELPERS = new Set(['if', 'unless', 'with', 'default', 'empty', 'coalesce', 'required', 'and', 'or', 'not', 'hasKey', 'dig', 'ternary', 'kindIs', 'kindOf', 'typeOf', 'typeIs', 'all', 'any', 'let']);

/** Helpers that take no arguments and are called when named as an argument, as Go calls `now`. */
export const ZERO_ARG_HELPERS = new Set(['now']);

/** Block helpers the interpreter implements itself. */
export const BLOCK_HELPERS = new Set(['if', 'unless', 'with', 'range', 'each', 'let', 'define']);

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

/** A parsed template, ready for the interpreter. */
export interface Template {
  program: Program;
  /** Display path of the file, for errors. */
  file: string;
  source: string;
}

export interface NamedTemplate extends Template {
  name: string;
}

export interface CompiledTemplate {
  main: Template;
  defines: NamedTemplate[];
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return dp[a.length][b.length];
}

/** Suggests the closest name for a typo. */
export function closest(name: string, names: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = distance(name.toLowerCase(), n.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** A single-segment name such as `quote` (not `this`, `../x`, `@key` or `a.b`). */
export function isSimpleName(p: Expression): p is PathExpression {
  const pe = p as PathExpression;
  return p.type === 'PathExpression' && !pe.data && pe.depth === 0 && pe.parts.length === 1 && !/^(this|\.)/.test(pe.original);
}

function at(node: { loc?: SourceLocation }): { line: number; column: number } {
  return node.loc ? { line: node.loc.start.line, column: node.loc.start.column + 1 } : { line: 1, column: 1 };
}

/** Checks a template before it runs: unknown helpers, partials, decorators and misplaced defines. */
class Checker {
  constructor(private readonly helpers: Set<string>) {}

  private unknown(name: string, node: { loc?: SourceLocation }): never {
    const guess = closest(name, [...this.helpers].filter((h) => !h.startsWith('_')));
    const { line, column } = at(node);
    throw new CompileProblem(`unknown helper "${name}"`, line, column, guess ? `did you mean "${guess}"? Helpers are listed in docs/templates.md` : 'helpers are listed in docs/templates.md');
  }

  private callee(p: Expression, isBlock: boolean) {
    if (p.type !== 'PathExpression') return;
    const pe = p as PathExpression;
    if (!isSimpleName(pe)) return;
    if (isBlock) {
      if (pe.original === 'define') {
        const { line, column } = at(pe);
        throw new CompileProblem('define must stand at the top level of a template file, not inside another block', line, column);
      }
      if (!BLOCK_HELPERS.has(pe.original)) {
        const { line, column } = at(pe);
        if (this.helpers.has(pe.original)) throw new CompileProblem(`"${pe.original}" is not a block helper; call it as {{${pe.original} …}}`, line, column);
        const guess = closest(pe.original, BLOCK_HELPERS);
        throw new CompileProblem(`unknown block helper "${pe.original}"`, line, column, guess ? `did you mean "#${guess}"?` : 'block helpers: if, unless, with, range, each, let');
      }
    } else if (!this.helpers.has(pe.original) && !BLOCK_HELPERS.has(pe.original)) {
      this.unknown(pe.original, pe);
    } else if (BLOCK_HELPERS.has(pe.original) && !this.helpers.has(pe.original)) {
      const { line, column } = at(pe);
      throw new CompileProblem(`"${pe.original}" is a block helper; write {{#${pe.original} …}}…{{/${pe.original}}}`, line, column);
    }
  }

  private expr(e: Expression) {
    if (e.type === 'SubExpression') {
      const s = e as SubExpression;
      this.callee(s.path, false);
      s.params.forEach((p) => this.expr(p));
      s.hash?.pairs.forEach((pair) => this.expr(pair.value));
    }
  }

  program(p: Program | undefined) {
    if (!p) return;
    for (const s of p.body) this.statement(s);
  }

  statement(s: Statement) {
    switch (s.type) {
      case 'MustacheStatement': {
        const m = s as MustacheStatement;
        const hasArgs = m.params.length > 0 || (m.hash && m.hash.pairs.length > 0);
        if (hasArgs) this.callee(m.path as Expression, false);
        else if (isSimpleName(m.path as Expression) && BLOCK_HELPERS.has((m.path as PathExpression).original)) this.callee(m.path as Expression, false);
        if (m.path.type === 'SubExpression') this.expr(m.path as SubExpression);
        m.params.forEach((p) => this.expr(p));
        m.hash?.pairs.forEach((pair) => this.expr(pair.value));
        break;
      }
      case 'BlockStatement': {
        const b = s as BlockStatement;
        this.callee(b.path as Expression, true);
        if (b.path.type === 'PathExpression' && !isSimpleName(b.path as Expression)) {
          const { line, column } = at(b.path);
          throw new CompileProblem(`{{#${(b.path as PathExpression).original}}} is not a block helper; use {{#each …}}, {{#with …}} or {{#if …}}`, line, column);
        }
        b.params.forEach((p) => this.expr(p));
        b.hash?.pairs.forEach((pair) => this.expr(pair.value));
        this.program(b.program);
        this.program(b.inverse);
        break;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const { line, column } = at(s as { loc?: SourceLocation });
        throw new CompileProblem('partials ({{> name}}) are not supported; use {{include "name" this}}', line, column);
      }
      case 'DecoratorBlock':
      case 'Decorator': {
        const { line, column } = at(s as { loc?: SourceLocation });
        throw new CompileProblem('decorators are not supported', line, column);
      }
      default:
        break;
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

/** Bump when the parser or its options change, so old cached trees are not used. */
const AST_VERSION = 'handlebars-4.7-ignoreStandalone-2';

/** Fields the interpreter never reads (whitespace control is already applied): left out of the cache. */
const UNUSED = new Set(['strip', 'openStrip', 'closeStrip', 'inverseStrip', 'rightStripped', 'leftStripped', 'end', 'source']);

function compactNode(this: Record<string, unknown>, key: string, value: unknown): unknown {
  if (UNUSED.has(key)) return undefined;
  // A content node's original text is the unstripped copy of its value.
  if (key === 'original' && this.type === 'ContentStatement') return undefined;
  return value;
}

/** Parsing is the slowest step of a render; the syntax tree of a template text is cached by its hash. */
function parseCached(source: string, cache: EngineCache | undefined): Program {
  const key = createHash('sha256').update(AST_VERSION).update('\0').update(source).digest('hex');
  const hit = cache?.read('templates', key);
  if (hit) {
    try {
      const cached = JSON.parse(hit.toString('utf8')) as Program;
      if (cached && cached.type === 'Program' && Array.isArray(cached.body)) return cached;
    } catch {
      // A damaged entry is parsed again below.
    }
  }
  let ast: Program;
  try {
    ast = parse(source, { ignoreStandalone: true });
  } catch (e) {
    throw parseProblem(e as Error);
  }
  cache?.write('templates', key, JSON.stringify(ast, compactNode));
  return ast;
}

/**
 * Parses one template file. Whitespace works as in Go templates: only `~` (Go's `-`) trims, and lines that
 * hold just a block tag are kept. `{{#define "name"}}` blocks at the top level become named templates.
 */
export function compileTemplate(source: string, file: string, helpers: Set<string>, cache?: EngineCache): CompiledTemplate {
  const ast = parseCached(source, cache);
  const checker = new Checker(helpers);
  const defines: NamedTemplate[] = [];
  const body: Statement[] = [];
  for (const s of ast.body) {
    const b = s as BlockStatement;
    if (s.type === 'BlockStatement' && b.path.type === 'PathExpression' && (b.path as PathExpression).original === 'define') {
      const name = b.params[0];
      if (!name || name.type !== 'StringLiteral') {
        const { line, column } = at(b);
        throw new CompileProblem('define needs a quoted template name: {{#define "chart.name"}}...{{/define}}', line, column);
      }
      checker.program(b.program);
      defines.push({ name: (name as StringLiteral).value, program: b.program, file, source });
      continue;
    }
    checker.statement(s);
    body.push(s);
  }
  return { main: { program: { ...ast, body }, file, source }, defines };
}
