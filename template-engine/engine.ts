import Handlebars from 'handlebars';
import type { HelperOptions, TemplateDelegate } from 'handlebars';
import { ChartroomError, lineOf } from '../core/errors.js';
import type { Chart, Values } from '../core/chart/model.js';
import { isHandlebarsChart } from '../core/chart/metadata.js';
import { valuesFor, type RenderNode } from '../core/values/render-values.js';
import { CompileProblem, closest, compileTemplate, type CompiledTemplate, type NamedTemplate } from './compile.js';
import { capabilitiesObject, chartObject, filesObject, releaseObject, type ReleaseOptions, type TemplateRoot } from './context.js';
import { goString } from './go-format.js';
import { BLOCK_HELPERS, BUILTIN_HELPERS, HELPERS } from './helpers/index.js';
import { TemplateFailure, type HelperCall, type RenderHooks } from './helpers/types.js';
import { isEmpty, isMap, own } from './helpers/values.js';

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

interface Loc {
  line: number;
  column: number;
}

/** A template error while it travels up through includes, before it becomes a ChartroomError. */
class TemplateError extends Error {
  file?: string;
  source?: string;
  loc?: Loc;
  trace: { file?: string; loc: Loc }[] = [];
  hint?: string;
  failure = false;
}

function locOf(options: unknown): Loc | undefined {
  const l = (options as { loc?: { start: { line: number; column: number } } } | undefined)?.loc;
  return l ? { line: l.start.line, column: l.start.column + 1 } : undefined;
}

function asTemplateError(e: unknown, loc: Loc | undefined, helper?: string): TemplateError {
  if (e instanceof TemplateError) return e;
  if (e instanceof ChartroomError) throw e;
  const err = e as Error & { lineNumber?: number; column?: number };
  let message = err?.message ?? String(e);
  message = message.replace(/ - \d+:\d+$/, '');
  const te = new TemplateError(helper && !(e instanceof TemplateFailure) ? `${helper}: ${message}` : message);
  te.failure = e instanceof TemplateFailure;
  if (loc) te.loc = loc;
  else if (typeof err?.lineNumber === 'number') te.loc = { line: err.lineNumber, column: (err.column ?? 0) + 1 };
  return te;
}

interface Node {
  render: RenderNode;
  /** Manifest name prefix: `chart` or `parent/charts/alias`. */
  prefix: string;
  root: TemplateRoot;
  compiled: { file: string; path: string; source: string; compiled: CompiledTemplate }[];
}

/** Renders every template of the enabled charts in the tree; errors name the chart file, line and column. */
/** A Handlebars environment with our helpers, named templates, and error tracking. */
export interface RenderEnvironment {
  compile(source: string, file: string): CompiledTemplate;
  /** Makes the named templates of compiled files available to `include`; later calls win. */
  define(defines: NamedTemplate[]): void;
  /** Runs a compiled template; errors come out as ChartroomError naming file, line and column. */
  run(fn: TemplateDelegate, ctx: unknown, file: string, source: string, chart?: string): string;
}

/** Creates the environment one render uses. */
export function createEnvironment(settings: { strict?: boolean; now?: () => Date }): RenderEnvironment {
  const hb = Handlebars.create();
  const strict = settings.strict ?? false;
  const named = new Map<string, NamedTemplate>();
  const tplCache = new Map<string, CompiledTemplate>();
  let depth = 0;

  const run = (fn: TemplateDelegate, ctx: unknown, file: string, source: string): string => {
    try {
      return fn(ctx);
    } catch (e) {
      const te = asTemplateError(e, undefined);
      if (!te.file) {
        te.file = file;
        te.source = source;
      }
      for (const t of te.trace) if (!t.file) t.file = file;
      throw te;
    }
  };

  const hooks: RenderHooks = {
    strict,
    now: settings.now ?? (() => new Date()),
    include(name, context) {
      const t = named.get(name);
      if (!t) {
        const guess = closest(name, named.keys());
        const te = new TemplateError(`include: no template named "${name}"`);
        te.hint = guess ? `did you mean "${guess}"?` : 'named templates are made with {{#define "name"}}...{{/define}} in a templates/_*.tpl file';
        throw te;
      }
      if (++depth > MAX_INCLUDE_DEPTH) {
        depth = 0;
        throw new TemplateError(`include "${name}": templates include each other more than ${MAX_INCLUDE_DEPTH} levels deep (runaway recursion?)`);
      }
      try {
        return run(t.fn, context, t.file, t.source);
      } finally {
        depth--;
      }
    },
    tpl(text, context) {
      let c = tplCache.get(text);
      if (!c) {
        try {
          c = compileTemplate(hb, text, 'tpl', settings_);
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
      if (++depth > MAX_INCLUDE_DEPTH) {
        depth = 0;
        throw new TemplateError(`tpl: templates nest more than ${MAX_INCLUDE_DEPTH} levels deep (runaway recursion?)`);
      }
      try {
        return run(c.main, context, 'tpl string', text);
      } catch (e) {
        const te = e as TemplateError;
        if (te.file === 'tpl string' && te.loc) te.message = `tpl: ${te.message} (at line ${te.loc.line}, column ${te.loc.column} of the string ${JSON.stringify(text.length > 60 ? text.slice(0, 57) + '...' : text)})`;
        te.file = undefined;
        te.loc = undefined;
        throw te;
      } finally {
        depth--;
      }
    },
  };

  const wrap = (name: string, fn: (this: HelperCall, ...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      const options = args.pop() as HelperCall['options'];
      try {
        return fn.apply({ hash: options?.hash ?? {}, options, render: hooks }, args);
      } catch (e) {
        const loc = locOf(options);
        if (e instanceof TemplateError) {
          if (!e.loc) e.loc = loc;
          else if (e.file && loc) e.trace.push({ loc });
          throw e;
        }
        throw asTemplateError(e, loc, name);
      }
    };

  for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, wrap(name, fn));
  registerBlocks(hb, wrap);
  hb.registerHelper('__out', function (this: unknown, value: unknown, ...rest: unknown[]) {
    const options = rest.pop() as HelperOptions;
    const [pathText, parent] = rest as [string | undefined, unknown];
    if (value === undefined && pathText !== undefined && strict) throw strictError(pathText, parent, options);
    if (typeof value === 'function') value = (value as () => unknown)();
    return goString(value);
  });
  hb.registerHelper('__ref', function (value: unknown, pathText: string, ...rest: unknown[]) {
    const options = rest.pop() as HelperOptions;
    if (value === undefined && strict) throw strictError(pathText, rest[0], options);
    return value;
  });
  hb.registerHelper('helperMissing', function (...args: unknown[]) {
    const options = args.pop() as HelperOptions & { name?: string };
    const te = new TemplateError(`"${options.name}" is not a helper or a function`);
    te.loc = locOf(options);
    throw te;
  });

  const helperNames = new Set([...Object.keys(HELPERS), ...BLOCK_HELPERS, ...BUILTIN_HELPERS, '__out', '__ref']);
  const settings_ = { helpers: helperNames, strict };

  return {
    compile(source, file) {
      try {
        return compileTemplate(hb, source, file, settings_);
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
    run(fn, ctx, file, source, chart) {
      try {
        depth = 0;
        return run(fn, ctx, file, source);
      } catch (e) {
        throw toChartroomError(e, chart);
      }
    },
  };
}

/** Renders one template text against a context (for `tpl`-like uses, docs examples and tests). */
export function renderString(source: string, context: unknown, settings: { strict?: boolean; now?: () => Date; file?: string } = {}): string {
  const env = createEnvironment(settings);
  const file = settings.file ?? 'inline';
  const c = env.compile(source, file);
  env.define(c.defines);
  return env.run(c.main, context, file, source);
}

export function renderTree(tree: RenderNode, values: Values, settings: RenderSettings): RenderResult {
  const env = createEnvironment(settings);
  const release = releaseObject(settings.release);
  const capabilities = capabilitiesObject(settings.release, VERSION);
  // Build every chart's root object and compile its templates.
  const nodes: Node[] = [];
  const build = (rn: RenderNode, prefix: string): Node => {
    if (!isHandlebarsChart(rn.chart.metadata)) {
      throw new ChartroomError('GO_TEMPLATE_CHART', `chart ${rn.chart.metadata.name} is a Helm (Go template) chart; Chartroom renders charts with "engine: handlebars" and does not render Go templates yet`, {
        file: rn.chart.metadataYaml.file,
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
      const source = t.data.toString('utf8');
      const file = `${rn.chart.source}/${t.name}`;
      node.compiled.push({ file, path: `${prefix}/${t.name}`, source, compiled: env.compile(source, file) });
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
      const content = env.run(c.compiled.main, ctx, c.file, c.source, n.render.chart.metadata.name);
      if (isNotes) notes = content;
      else templates.push({ path: c.path, content, file: c.file, chart: n.render.chart });
    }
  }
  templates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { templates, notes };
}

function strictError(pathText: string, parent: unknown, options: HelperOptions): TemplateError {
  const te = new TemplateError(`${pathText} is not defined (--strict)`);
  te.loc = locOf(options);
  if (isMap(parent)) {
    const keys = Object.keys(parent);
    const last = pathText.split('.').pop() ?? '';
    const guess = closest(last, keys);
    te.hint = guess ? `did you mean ${pathText.replace(/[^.]+$/, guess)}?` : keys.length ? `it has: ${keys.slice(0, 12).join(', ')}` : undefined;
  }
  return te;
}

function toChartroomError(e: unknown, chart: string | undefined): ChartroomError {
  if (e instanceof ChartroomError) return e;
  const te = e instanceof TemplateError ? e : asTemplateError(e, undefined);
  const trace = te.trace.map((t) => `included from ${t.file ?? '?'}:${t.loc.line}:${t.loc.column}`);
  const hint = [te.hint, ...trace].filter(Boolean).join('\n  ');
  return new ChartroomError(te.failure ? 'TEMPLATE_FAIL' : 'TEMPLATE_ERROR', te.message, {
    file: te.file,
    line: te.loc?.line,
    column: te.loc?.column,
    snippet: te.source !== undefined && te.loc ? lineOf(te.source, te.loc.line) : undefined,
    hint: hint || undefined,
    chart,
  });
}

type Wrap = (name: string, fn: (this: HelperCall, ...args: unknown[]) => unknown) => (...args: unknown[]) => unknown;

/** Go-like block helpers: emptiness as in Go templates, `range` over maps in key order, `let` for variables. */
function registerBlocks(hb: typeof Handlebars, wrap: Wrap): void {
  const block = (name: string, fn: (this: HelperCall, ctx: unknown, ...args: unknown[]) => unknown) =>
    hb.registerHelper(name, function (this: unknown, ...args: unknown[]) {
      const options = args[args.length - 1];
      return wrap(name, function (this: HelperCall, ...rest: unknown[]) {
        return fn.call(this, (options as { __ctx?: unknown }).__ctx, ...rest);
      }).apply(this, args.slice(0, -1).concat([Object.assign(options as object, { __ctx: this })]));
    });

  block('if', function (ctx, cond) {
    const o = this.options;
    return isEmpty(cond) ? o.inverse(ctx) : o.fn(ctx);
  });
  block('unless', function (ctx, cond) {
    const o = this.options;
    return isEmpty(cond) ? o.fn(ctx) : o.inverse(ctx);
  });
  block('with', function (ctx, value) {
    const o = this.options;
    if (isEmpty(value)) return o.inverse(ctx);
    return o.fn(value, { data: o.data, blockParams: [value] });
  });
  block('range', function (ctx, coll) {
    const o = this.options;
    let items: [unknown, unknown][];
    if (Array.isArray(coll)) items = coll.map((v, i) => [i, v]);
    else if (isMap(coll)) items = Object.keys(coll).sort().map((k) => [k, coll[k]]);
    else if (typeof coll === 'number' && coll > 0) items = Array.from({ length: Math.floor(coll) }, (_, i) => [i, i]);
    else items = [];
    if (items.length === 0) return o.inverse(ctx);
    let out = '';
    items.forEach(([key, value], i) => {
      const data = hb.createFrame(o.data ?? {});
      Object.assign(data, { key, index: i, first: i === 0, last: i === items.length - 1 });
      out += o.fn(value, { data, blockParams: [value, key] });
    });
    return out;
  });
  block('let', function (ctx, ...params) {
    const o = this.options;
    const data = hb.createFrame(o.data ?? {});
    for (const [k, v] of Object.entries(this.hash)) (data as Record<string, unknown>)[k] = v;
    return o.fn(ctx, { data, blockParams: params });
  });
  block('define', function () {
    throw new Error('define must stand at the top level of a template file, not inside another block');
  });
  void own;
}
