import { ChartroomError, lineOf } from '../../core/errors.js';
import type { Chart, Values } from '../../core/chart/model.js';
import { isHandlebarsChart } from '../../core/chart/metadata.js';
import { valuesFor, type RenderNode } from '../../core/values/render-values.js';
import { closest, CompileProblem, compileTemplate, type CompiledTemplate, type NamedTemplate, type Template } from './compile.js';
import { capabilitiesObject, chartObject, filesObject, releaseObject, type ReleaseOptions, type TemplateRoot } from './context.js';
import { BUILTIN_HELPERS, HELPERS } from './helpers/index.js';
import type { Helper, RenderHooks } from './helpers/types.js';
import { Interpreter, TemplateError } from './interpreter.js';

declare const CHARTROOM_VERSION: string;
const VERSION = typeof CHARTROOM_VERSION === 'string' ? CHARTROOM_VERSION : '0.0.0-dev';

/** How deep `include` and `tpl` may nest before we call it runaway recursion. */
export const MAX_INCLUDE_DEPTH = 100;

export interface RenderSettings {
  release: ReleaseOptions;
  /** A reference to a value that does not exist is an error. */
  strict?: boolean;
  /** Clock for `now` (tests pin it). */
  now?: () => Date;
}

/** One rendered template file. */
export interface RenderedTemplate {
  /** Helm's manifest name: `chart/templates/x.yaml`, `chart/charts/sub/templates/x.yaml`. */
  path: string;
  content: string;
  /** Where the template lives, for error messages. */
  file: string;
  chart: Chart;
}

export interface RenderResult {
  templates: RenderedTemplate[];
  /** The top chart's rendered NOTES.txt, if it has one. */
  notes?: string;
}

/** A set of helpers, named templates and an interpreter for one render. */
export interface RenderEnvironment {
  compile(source: string, file: string): CompiledTemplate;
  /** Makes named templates available to `include`; later calls win. */
  define(defines: NamedTemplate[]): void;
  /** Renders a template; errors come out as ChartroomError naming file, line and column. */
  run(template: Template, ctx: unknown, chart?: string): string;
}

const HELPER_NAMES = new Set([...Object.keys(HELPERS), ...BUILTIN_HELPERS]);

/** Handlebars' own `lookup` and `log`, kept for authors who know them. */
const BUILTINS: Record<string, Helper> = {
  lookup: (obj, key) => (obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, String(key)) ? (obj as Record<string, unknown>)[String(key)] : undefined),
  log: () => '',
};

/** Creates the environment one render uses. */
export function createEnvironment(settings: { strict?: boolean; now?: () => Date }): RenderEnvironment {
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
        const te = new TemplateError(`include: no template named "${name}"`);
        te.hint = guess ? `did you mean "${guess}"?` : 'named templates are made with {{#define "name"}}...{{/define}} in a templates/_*.tpl file';
        throw te;
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
          c = compileTemplate(text, 'tpl string', HELPER_NAMES);
        } catch (e) {
          if (e instanceof CompileProblem) {
            const te = new TemplateError(`tpl: ${e.message} (line ${e.line} of the string)`);
            te.hint = e.hint;
            throw te;
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
        const te = e as TemplateError;
        if (te.file === 'tpl string') {
          const shown = JSON.stringify(text.length > 60 ? text.slice(0, 57) + '...' : text);
          te.message = `tpl: ${te.message}${te.line ? ` (at line ${te.line}, column ${te.column} of the string ${shown})` : ''}`;
          te.file = undefined;
          te.line = undefined;
          te.column = undefined;
        }
        throw te;
      } finally {
        depth--;
      }
    },
  };
  const interpreter = new Interpreter({ ...HELPERS, ...BUILTINS }, hooks);
  return {
    compile(source, file) {
      try {
        return compileTemplate(source, file, HELPER_NAMES);
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
export function renderString(source: string, context: unknown, settings: { strict?: boolean; now?: () => Date; file?: string } = {}): string {
  const env = createEnvironment(settings);
  const c = env.compile(source, settings.file ?? 'inline');
  env.define(c.defines);
  return env.run(c.main, context);
}

interface Node {
  render: RenderNode;
  /** Manifest name prefix: `chart` or `parent/charts/alias`. */
  prefix: string;
  root: TemplateRoot;
  compiled: { path: string; compiled: CompiledTemplate }[];
}

/** Renders every template of the enabled charts in the tree; errors name the chart file, line and column. */
export function renderTree(tree: RenderNode, values: Values, settings: RenderSettings): RenderResult {
  const env = createEnvironment(settings);
  const release = releaseObject(settings.release);
  const capabilities = capabilitiesObject(settings.release, VERSION);
  const nodes: Node[] = [];
  const build = (rn: RenderNode, prefix: string): Node => {
    if (!isHandlebarsChart(rn.chart.metadata)) {
      throw new ChartroomError('GO_TEMPLATE_CHART', `chart ${rn.chart.metadata.name} is a Helm (Go template) chart; Chartroom renders charts with "engine: handlebars" and does not render Go templates yet`, {
        file: rn.chart.metadataFile,
        chart: rn.chart.metadata.name,
        hint: 'use helm to render this chart; chart lint, package, show, pull and publish work on it',
      });
    }
    const children = rn.children.map((c) => build(c, `${prefix}/charts/${c.name}`));
    const subcharts: Record<string, unknown> = {};
    for (const c of children) subcharts[c.render.name] = c.root;
    const root: TemplateRoot = {
      Values: valuesFor(rn, values),
      Release: release,
      Chart: chartObject(rn.chart),
      Capabilities: capabilities,
      Files: filesObject(rn.chart.files),
      Template: { Name: '', BasePath: `${prefix}/templates` },
      Subcharts: subcharts,
    };
    const node: Node = { render: rn, prefix, root, compiled: [] };
    for (const t of rn.chart.templates) {
      node.compiled.push({ path: `${prefix}/${t.name}`, compiled: env.compile(t.data.toString('utf8'), `${rn.chart.source}/${t.name}`) });
    }
    nodes.push(node);
    return node;
  };
  build(tree, tree.name);

  // Deeper charts first, so a parent's define of the same name wins, as in Helm.
  const ordered = [...nodes].sort((a, b) => b.prefix.split('/').length - a.prefix.split('/').length || a.prefix.localeCompare(b.prefix));
  for (const n of ordered) for (const c of n.compiled) env.define(c.compiled.defines);

  const templates: RenderedTemplate[] = [];
  let notes: string | undefined;
  for (const n of nodes) {
    if (n.render.chart.metadata.type === 'library') continue;
    for (const c of n.compiled) {
      const base = c.path.slice(c.path.lastIndexOf('/') + 1);
      if (base.startsWith('_')) continue;
      const isNotes = c.path === `${n.prefix}/templates/NOTES.txt`;
      if (isNotes && n.render !== tree) continue;
      const ctx = { ...n.root, Template: { Name: c.path, BasePath: `${n.prefix}/templates` } };
      const content = env.run(c.compiled.main, ctx, n.render.chart.metadata.name);
      if (isNotes) notes = content;
      else templates.push({ path: c.path, content, file: c.compiled.main.file, chart: n.render.chart });
    }
  }
  templates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { templates, notes };
}

