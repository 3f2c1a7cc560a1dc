import { crypto } from '../../core/builtin.js';
import { createRequire } from 'node:module';
import type { EngineCache } from '../types.js';
import { packEntry, saveEntry, sourcesKey, unpackEntry, type Source } from '../cache-entry.js';
import { closest } from '../../core/suggest.js';
import { fastParse } from './fast-parse.js';
import type { BlockStatement, Expression, MustacheStatement, PathExpression, Program, SourceLocation, Statement, StringLiteral, SubExpression } from './syntax.js';
import { locStart, packLoc } from './syntax.js';

type HandlebarsParse = typeof import('handlebars/dist/cjs/handlebars/compiler/base.js').parse;
let handlebarsParser: HandlebarsParse | undefined;
/**
 * Handlebars' own parser, loaded when fastParse first leaves a template to it: loading its tables costs a
 * render about a millisecond and a quarter of a megabyte, and most charts never need it. In the CLI bundle
 * `require` exists (and the bundler sees the literal name); elsewhere (ESM tests, library use) it is made.
 */
function handlebarsParse(): HandlebarsParse {
  if (!handlebarsParser) {
    const base = (typeof require === 'function' ? require('handlebars/dist/cjs/handlebars/compiler/base.js') : createRequire(import.meta.url)('handlebars/dist/cjs/handlebars/compiler/base.js')) as { parse: HandlebarsParse };
    handlebarsParser = base.parse;
  }
  return handlebarsParser;
}


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


/** Shared with the interpreter and the engine, for their own "did you mean". */
export { closest };

/** A single-segment name such as `quote` (not `this`, `../x`, `@key` or `a.b`). */
export function isSimpleName(p: Expression): p is PathExpression {
  const pe = p as PathExpression;
  return p.type === 'PathExpression' && !pe.data && pe.depth === 0 && pe.parts.length === 1 && !/^(this|\.)/.test(pe.original);
}

function at(node: { loc?: SourceLocation }): { line: number; column: number } {
  const start = locStart(node.loc);
  return start ? { line: start.line, column: start.column + 1 } : { line: 1, column: 1 };
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

/** A block tag the scanner has seen open, as the author wrote it. */
interface OpenTag {
  /** The name a close must repeat (brackets of `[x]` segments removed). */
  name: string;
  /** `{{#if}}`, `{{^if}}`, `{{#*inline}}`, `{{#> name}}`, `{{{{raw}}}}`. */
  shown: string;
  /** The tag that closes it: `{{/if}}`, `{{{{/raw}}}}`. */
  close: string;
  /** Offset of its `{{` in the source. */
  at: number;
}

type BlockProblemKind = 'unclosed' | 'nested' | 'mismatch' | 'stray' | 'raw' | 'comment';

/** 1-based line and column of a source offset (lines end at `\n`, as in `lineOf`). */
function positionOf(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

const RAW_CLOSE = /\{\{\{\{\/([^\s!"#%-,\.\/;->@\[-\^`\{-~]+)(?=[=}\s\/.])\}\}\}\}/y;
const COMMENT_END = /--~?\}\}/g;
/** `{{^}}`: the `else` of a block, not an inverted block. */
const INVERSE = /\^\s*~?\}\}/y;

function isInverse(s: string, at: number): boolean {
  INVERSE.lastIndex = at;
  return INVERSE.test(s);
}

/**
 * Reads a block name (a path, maybe with `[...]` segments) at `i`, after any blanks. Undefined when there is
 * none or a bracket is never closed.
 */
function readName(s: string, i: number): { name: string; end: number } | undefined {
  while (i < s.length && /\s/.test(s[i])) i++;
  let name = '';
  while (i < s.length) {
    const c = s[i];
    if (c === '[') {
      let j = i + 1;
      while (j < s.length && s[j] !== ']') j += s[j] === '\\' && s[j + 1] === ']' ? 2 : 1;
      if (j >= s.length) return undefined;
      name += s.slice(i + 1, j);
      i = j + 1;
      continue;
    }
    if (/[\s}~()|=]/.test(c)) break;
    name += c;
    i++;
  }
  return name ? { name, end: i } : undefined;
}

/**
 * The offset just past the `}}` that ends the mustache whose inside starts at `i`, skipping string and
 * `[...]` literals as the lexer does. Undefined when there is none or another `{{` comes first (the parser
 * fails there for another reason).
 */
function mustacheEnd(s: string, i: number): number | undefined {
  while (i < s.length) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '[') {
      const endCh = c === '[' ? ']' : c;
      let j = i + 1;
      while (j < s.length && s[j] !== endCh) j += s[j] === '\\' && s[j + 1] === endCh ? 2 : 1;
      if (j >= s.length) return undefined;
      i = j + 1;
    } else if (c === '}' && s[i + 1] === '}') return i + 2;
    else if (c === '{' && s[i + 1] === '{') return undefined;
    else i++;
  }
  return undefined;
}

/**
 * Finds the first unbalanced block tag of a template that failed to parse, in one pass over the text: blocks
 * left open, closes that do not match, closes with nothing open, raw blocks and comments never ended.
 * Undefined when the tags balance or the text is too broken to tell.
 */
function blockProblem(s: string): { kind: BlockProblemKind; problem: CompileProblem; openLine?: number } | undefined {
  const stack: OpenTag[] = [];
  const pos = (offset: number) => positionOf(s, offset);
  const where = (offset: number) => {
    const p = pos(offset);
    return `line ${p.line}, column ${p.column}`;
  };
  const report = (kind: BlockProblemKind, offset: number, message: string, hint: string, open?: OpenTag) => {
    const p = pos(offset);
    return { kind, problem: new CompileProblem(message, p.line, p.column, hint), openLine: open ? pos(open.at).line : undefined };
  };
  let i = 0;
  for (;;) {
    const j = s.indexOf('{{', i);
    if (j < 0) break;
    // `\{{` is literal text (but `\\{{` is a backslash and a mustache).
    if (j > 0 && s[j - 1] === '\\' && s[j - 2] !== '\\') {
      i = j + 2;
      continue;
    }
    if (s.startsWith('{{{{', j)) {
      if (s[j + 4] === '/') return undefined;
      const n = readName(s, j + 4);
      if (!n) return undefined;
      const e = mustacheEnd(s, n.end);
      if (e === undefined || !s.startsWith('}}', e)) return undefined;
      const open: OpenTag = { name: n.name, shown: `{{{{${n.name}}}}}`, close: `{{{{/${n.name}}}}}`, at: j };
      // The lexer counts nested raw openings; the close that brings the count to zero ends the block.
      let depth = 1;
      let p = e + 2;
      while (depth > 0) {
        const q = s.indexOf('{{{{', p);
        if (q < 0) return report('raw', j, `unclosed ${open.shown} block: it opens here and has no ${open.close}`, `close it with ${open.close}`, open);
        if (s[q + 4] !== '/') {
          depth++;
          p = q + 4;
          continue;
        }
        RAW_CLOSE.lastIndex = q;
        const m = RAW_CLOSE.exec(s);
        if (!m) {
          p = q + 4;
          continue;
        }
        p = q + m[0].length;
        if (--depth === 0 && m[1] !== n.name) {
          return report('mismatch', q, `{{{{/${m[1]}}}}} does not match the open ${open.shown} block (${where(j)})`, `close it with ${open.close}`, open);
        }
      }
      i = p;
      continue;
    }
    let k = j + 2;
    if (s[k] === '~') k++;
    if (s.startsWith('!--', k)) {
      COMMENT_END.lastIndex = j;
      const m = COMMENT_END.exec(s);
      if (!m) return report('comment', j, 'unclosed comment: {{!-- opens here and has no --}}', 'end it with --}}');
      i = m.index + m[0].length;
      continue;
    }
    if (s[k] === '!') {
      const e = s.indexOf('}}', k);
      if (e < 0) return undefined;
      i = e + 2;
      continue;
    }
    const c = s[k];
    let tag: 'open' | 'close' | undefined;
    let shown = '';
    if (c === '#') {
      k++;
      shown = '#';
      if (s[k] === '*' || s[k] === '>') shown += s[k++] === '>' ? '> ' : '*';
      tag = 'open';
    } else if (c === '^' && !isInverse(s, k)) {
      k++;
      shown = '^';
      tag = 'open';
    } else if (c === '/') {
      k++;
      tag = 'close';
    }
    if (tag) {
      const n = readName(s, k);
      if (!n) return undefined;
      k = n.end;
      const name = n.name;
      if (tag === 'open') stack.push({ name, shown: `{{${shown}${name}}}`, close: `{{/${name}}}`, at: j });
      else {
        const closeTag = `{{/${name}}}`;
        const top = stack[stack.length - 1];
        if (!top) return report('stray', j, `${closeTag} closes no open block`, `no {{#${name}}} is open here: remove it, or open the block with {{#${name} …}}`);
        if (top.name === name) stack.pop();
        else {
          let outer: OpenTag | undefined;
          for (let x = stack.length - 2; x >= 0 && !outer; x--) if (stack[x].name === name) outer = stack[x];
          if (outer) {
            const closeAt = pos(j);
            return report(
              'nested',
              top.at,
              `unclosed ${top.shown} block: it opens here and has no ${top.close} before the ${closeTag} at ${where(j)}`,
              `close it with ${top.close} before line ${closeAt.line}; that ${closeTag} closes the ${outer.shown} at ${where(outer.at)}`,
              top,
            );
          }
          return report('mismatch', j, `${closeTag} does not match the open ${top.shown} block (${where(top.at)})`, `close the ${top.shown} with ${top.close}; no {{#${name}}} is open here`, top);
        }
      }
    }
    const e = mustacheEnd(s, k);
    if (e === undefined) return undefined;
    i = e;
  }
  const top = stack[stack.length - 1];
  if (!top) return undefined;
  const others = stack.slice(-4, -1).reverse().map((o) => `${o.shown} at ${where(o.at)}`);
  if (stack.length > 4) others.push(`${stack.length - 4} more`);
  return report(
    'unclosed',
    top.at,
    `unclosed ${top.shown} block: it opens here and has no ${top.close}`,
    `close it with ${top.close}${others.length ? ` (also left open: ${others.join(', ')})` : ''}`,
    top,
  );
}

/**
 * The first unbalanced block tag of a template (an unclosed or mismatched block, a close with nothing open, an
 * unended raw block or comment), found in one linear pass; undefined when the tags balance or cannot be told.
 */
export function findUnbalancedBlock(source: string): CompileProblem | undefined {
  return blockProblem(source)?.problem;
}

function parseProblem(e: Error, source: string): CompileProblem {
  const ex = e as Error & { lineNumber?: number; column?: number; hash?: { loc?: { first_line: number; first_column: number } } };
  const line = ex.hash?.loc?.first_line ?? ex.lineNumber ?? Number(/line (\d+)/.exec(e.message)?.[1] ?? 1);
  const column = (ex.hash?.loc?.first_column ?? ex.column ?? 0) + 1;
  // Unbalanced block tags make the parser fail far from the mistake (at the end of the file, or at the
  // opening of the block a close does not match): scan the text for the tag at fault instead.
  const kinds: BlockProblemKind[] | undefined = /got 'EOF'/.test(e.message)
    ? ['unclosed']
    : / doesn't match /.test(e.message)
      ? ['nested', 'mismatch']
      : /got 'OPEN_ENDBLOCK'/.test(e.message)
        ? ['stray']
        : /^Lexical error/.test(e.message)
          ? ['raw', 'comment']
          : undefined;
  if (kinds) {
    const found = blockProblem(source);
    // For a close that does not match, the parser names the line of the open block: the scan must agree.
    if (found && kinds.includes(found.kind) && (found.openLine === undefined || !/ doesn't match /.test(e.message) || found.openLine === line)) return found.problem;
  }
  const lines = e.message.split('\n');
  const expecting = lines.find((l) => l.startsWith('Expecting') || l.startsWith('Expected'));
  let message = lines[0].replace(/^Parse error on line \d+:?/, 'syntax error').replace(/ - \d+:\d+$/, '');
  if (expecting) message += `: ${expecting.replace(/'/g, '')}`;
  if (message === 'syntax error') message = 'syntax error in template';
  return new CompileProblem(message, line, column);
}

/** Bump when the parser or its options change, so old cached trees are not used. */
const AST_VERSION = 'handlebars-4.7-ignoreStandalone-3';

/** Fields the interpreter never reads (whitespace control is already applied): left out of the cache. */
const UNUSED = new Set(['strip', 'openStrip', 'closeStrip', 'inverseStrip', 'rightStripped', 'leftStripped', 'end', 'source']);

export function compactNode(this: Record<string, unknown>, key: string, value: unknown): unknown {
  if (UNUSED.has(key)) return undefined;
  // A content node's original text is the unstripped copy of its value.
  if (key === 'original' && this.type === 'ContentStatement') return undefined;
  // Two objects per node ({start: {line, column}}) become one number: JSON.parse of a big set is twice as fast.
  if (key === 'loc' && value !== null && typeof value === 'object' && (value as SourceLocation).start) return packLoc(value as SourceLocation);
  return value;
}

/**
 * Parsing is the slowest step of a render; the syntax tree of a template text is cached by its hash. `known`
 * holds trees already at hand (a render's whole set, read as one cache entry) and collects the new ones: a
 * template of a set is not cached on its own (200 small files cost a cold render 20 ms; parsing a set again
 * when one of its templates changed costs about as much as reading the others would).
 */
function parseCached(source: string, cache: EngineCache | undefined, known?: Map<string, Program>): Program {
  const ready = known?.get(source);
  if (ready) return ready;
  const own = known ? undefined : cache;
  const key = own ? crypto().createHash('sha256').update(AST_VERSION).update('\0').update(source).digest('hex') : '';
  const hit = own?.read('templates', key);
  if (hit) {
    try {
      const cached = JSON.parse(hit.toString('utf8')) as Program;
      if (cached && cached.type === 'Program' && Array.isArray(cached.body)) {
        known?.set(source, cached);
        return cached;
      }
    } catch {
      // A damaged entry is parsed again below.
    }
  }
  // The hand-written parser builds the same tree several times faster; what it leaves (rare syntax, every
  // error) goes to Handlebars' parser, which also words the errors.
  let ast: Program;
  try {
    ast = fastParse(source) ?? handlebarsParse()(source, { ignoreStandalone: true });
  } catch (e) {
    throw parseProblem(e as Error, source);
  }
  own?.write('templates', key, JSON.stringify(ast, compactNode));
  known?.set(source, ast);
  return ast;
}

/**
 * The trees of a render's whole template set, kept as one cache entry beside the per-template ones: one read
 * and one JSON parse instead of one per template (a 200-template chart reads one file, not 200).
 */
/** The format of a template-set entry: the tree format, and the entry's own layout. */
const SET_FORMAT = `hb-set-3/${AST_VERSION}`;

export class TreeSet {
  readonly trees = new Map<string, Program>();
  private readonly key: string;
  /** The chart has an entry (it was rendered before), and whether it held every template as it is now. */
  private found = false;
  private complete = false;

  /**
   * `files` are the templates as read (their names key the entry, which carries their bytes: see
   * ../cache-entry.ts); `sources` the same templates decoded, in the same order.
   */
  constructor(
    private readonly cache: EngineCache | undefined,
    private readonly files: Source[],
    private readonly sources: string[],
  ) {
    this.key = sourcesKey(SET_FORMAT, files);
    this.load();
  }

  /** Takes the cached trees of the templates that are unchanged; the others are parsed as they are compiled. */
  private load(): void {
    const data = this.cache?.read('template-sets', this.key);
    const entry = data && unpackEntry(SET_FORMAT, this.files, data);
    if (!entry) return;
    try {
      const trees: unknown = JSON.parse(entry.body);
      if (!Array.isArray(trees) || trees.length !== this.sources.length) return;
      if (!trees.every((t) => (t as Program | null)?.type === 'Program' && Array.isArray((t as Program).body))) return;
      this.sources.forEach((src, i) => {
        if (entry.same[i]) this.trees.set(src, trees[i] as Program);
      });
      this.found = true;
      this.complete = entry.all;
    } catch {
      // A torn entry: everything is parsed again.
    }
  }

  /**
   * After the set's templates are compiled: writes the entry when a template was parsed, at once for a chart
   * rendered before (some templates changed), on the second miss for a new one.
   */
  save(): void {
    if (this.complete || !this.cache || !this.sources.every((src) => this.trees.has(src))) return;
    saveEntry(this.cache, 'template-sets', this.key, this.found, () => packEntry(SET_FORMAT, this.files, JSON.stringify(this.sources.map((src) => this.trees.get(src)), compactNode)));
  }
}

/**
 * Parses one template file. Whitespace works as in Go templates: only `~` (Go's `-`) trims, and lines that
 * hold just a block tag are kept. `{{#define "name"}}` blocks at the top level become named templates.
 */
export function compileTemplate(source: string, file: string, helpers: Set<string>, cache?: EngineCache, known?: Map<string, Program>): CompiledTemplate {
  const ast = parseCached(source, cache, known);
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
