import { ChartroomError, lineOf } from '../../core/errors.js';
import { closest, CompileProblem, compileTemplate, type TreeSet, type CompiledTemplate, type NamedTemplate, type Template } from './compile.js';
import type { EngineCache } from '../types.js';
import { BUILTIN_HELPERS, HELPERS } from './helpers/index.js';
import type { Helper, RenderHooks } from './helpers/types.js';
import { Interpreter, TemplateError } from './interpreter.js';

/** How deep `include` and `tpl` may nest before we call it runaway recursion. */
export const MAX_INCLUDE_DEPTH = 100;

/** A set of helpers, named templates and an interpreter for one render. */
export interface RenderEnvironment {
  compile(source: string, file: string): CompiledTemplate;
  /** Makes named templates available to `include`; later calls win. */
  define(defines: NamedTemplate[]): void;
  /** Renders a template; errors come out as ChartroomError naming file, line and column. */
  run(template: Template, ctx: unknown, chart?: string): string;
  /**
   * Renders exactly like `run`, and also gives for each output line (`sourceLines[i]` is output line `i + 1`)
   * the 1-based line of `template.source` that wrote its start; what an `include` or `tpl` writes maps to the
   * line of the call. Slower than `run`: for explaining errors in the output, such as invalid YAML.
   */
  trace(template: Template, ctx: unknown, chart?: string): { output: string; sourceLines: number[] };
}

const HELPER_NAMES = new Set([...Object.keys(HELPERS), ...BUILTIN_HELPERS]);

/** Handlebars' own `lookup` and `log`, kept for authors who know them. */
const BUILTINS: Record<string, Helper> = {
  lookup: (obj, key) => (obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, String(key)) ? (obj as Record<string, unknown>)[String(key)] : undefined),
  log: () => '',
};

/** Creates the environment one render uses. */
export function createEnvironment(settings: { strict?: boolean; now?: () => Date; cache?: EngineCache; trees?: TreeSet }): RenderEnvironment {
  const named = new Map<string, NamedTemplate>();
  const tplCache = new Map<string, CompiledTemplate>();
  let depth = 0;
  const enter = (what: string) => {
    if (++depth > MAX_INCLUDE_DEPTH) {
      depth = 0;
      throw new TemplateError(`${what}: templates include each other more than ${MAX_INCLUDE_DEPTH} levels deep (runaway recursion?)`);
    }
  };
  const hooks: RenderHooks = {
    strict: settings.strict ?? false,
    now: settings.now ?? (() => new Date()),
    include(name, context) {
      const t = named.get(name);
      if (!t) {
        const guess = closest(name, named.keys());
        throw new TemplateError(`include: no template named "${name}"`, {
          hint: guess ? `did you mean "${guess}"?` : 'named templates are made with {{#define "name"}}...{{/define}} in a templates/_*.tpl file',
        });
      }
      enter(`include "${name}"`);
      try {
        return interpreter.render(t, context);
      } finally {
        depth--;
      }
    },
    tpl(text, context) {
      let c = tplCache.get(text);
      if (!c) {
        try {
          c = compileTemplate(text, 'tpl string', HELPER_NAMES, settings.cache);
        } catch (e) {
          if (e instanceof CompileProblem) {
            throw new TemplateError(`tpl: ${e.message} (line ${e.line} of the string)`, { hint: e.hint });
          }
          throw e;
        }
        for (const d of c.defines) named.set(d.name, d);
        tplCache.set(text, c);
      }
      enter('tpl');
      try {
        return interpreter.render(c.main, context);
      } catch (e) {
        if (e instanceof TemplateError && e.file === 'tpl string') {
          // The string's own positions mean nothing in a file: say them in the message, and let the caller place it.
          const shown = JSON.stringify(text.length > 60 ? text.slice(0, 57) + '...' : text);
          throw e.with({ message: `tpl: ${e.message}${e.line ? ` (at line ${e.line}, column ${e.column} of the string ${shown})` : ''}`, file: undefined, source: undefined, line: undefined, column: undefined });
        }
        throw e;
      } finally {
        depth--;
      }
    },
  };
  const interpreter = new Interpreter({ ...HELPERS, ...BUILTINS }, hooks);
  return {
    compile(source, file) {
      try {
        return compileTemplate(source, file, HELPER_NAMES, settings.cache, settings.trees?.trees);
      } catch (e) {
        if (e instanceof CompileProblem) {
          throw new ChartroomError('TEMPLATE_SYNTAX', e.message, { file, line: e.line, column: e.column, snippet: lineOf(source, e.line), hint: e.hint });
        }
        throw e;
      }
    },
    define(defines) {
      for (const d of defines) named.set(d.name, d);
    },
    run(template, ctx, chart) {
      depth = 0;
      try {
        return interpreter.render(template, ctx);
      } catch (e) {
        throw toChartroomError(e, chart);
      }
    },
    trace(template, ctx, chart) {
      depth = 0;
      try {
        return interpreter.trace(template, ctx);
      } catch (e) {
        throw toChartroomError(e, chart);
      }
    },
  };
}

function toChartroomError(e: unknown, chart: string | undefined): ChartroomError {
  if (e instanceof ChartroomError) return e;
  const te = e instanceof TemplateError ? e : new TemplateError((e as Error)?.message ?? String(e));
  const trace = te.trace.map((t) => `included from ${t.file}:${t.line}:${t.column}`);
  const hint = [te.hint, ...trace].filter(Boolean).join('\n  ');
  return new ChartroomError(te.failure ? 'TEMPLATE_FAIL' : 'TEMPLATE_ERROR', te.message, {
    file: te.file,
    line: te.line,
    column: te.column,
    snippet: te.source !== undefined && te.line ? lineOf(te.source, te.line) : undefined,
    hint: hint || undefined,
    chart,
  });
}

/** Renders one template text against a context (for docs examples and tests). */
export function renderString(source: string, context: unknown, settings: { strict?: boolean; now?: () => Date; file?: string; cache?: EngineCache } = {}): string {
  const env = createEnvironment(settings);
  const c = env.compile(source, settings.file ?? 'inline');
  env.define(c.defines);
  return env.run(c.main, context);
}
