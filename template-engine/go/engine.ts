import { ChartroomError, lineOf } from '../../core/errors.js';
import type { Chart } from '../../core/chart/model.js';
import type { ChartFile } from '../../core/chart/archive.js';
import type { ChartUnit, EngineCache, EngineOutput, RenderedTemplate, RenderInputs } from '../types.js';
import { chartObject } from '../handlebars/context.js';
import { execute, executeTemplate, newBudget, removeNoValue, TemplateExecError, tracedSourceLine, type ExecBudget, type ExecEnv } from './exec.js';
import { parse } from './parse/parser.js';
import { decodeTrees, encodeTrees } from './parse/tree-cache.js';
import { packEntry, saveEntry, sourcesKey, unpackEntry, type Source } from '../cache-entry.js';
import { TemplateParseError, type ListNode, type ParsedTemplate } from './parse/nodes.js';
import { GoFuncError, type FuncMap, type GoFunc, type GoValue } from './value.js';
import type { HelmHooks } from './funcs/index.js';

/** What a render of Go templates needs besides the charts: the functions (Sprig's and Helm's), built per render. */
export type FuncsFactory = (hooks: HelmHooks) => FuncMap;

const INCLUDE_LIMIT = 1000;

/**
 * The values with the whole numbers `--set` gave as int64s (bigints), the rest as they are (float64s): only
 * the maps and lists on the way to those numbers are copied.
 */
export function withInt64(values: Record<string, unknown>, paths: (string | number)[][] | undefined): Record<string, GoValue> {
  if (!paths?.length) return values as Record<string, GoValue>;
  const copies = new Set<object>();
  const copy = <T extends object>(o: T): T => {
    const c = (Array.isArray(o) ? [...o] : Object.assign(Object.create(Object.getPrototypeOf(o) as object | null) as object, o)) as T;
    copies.add(c);
    return c;
  };
  const root = copy(values);
  for (const path of paths) {
    let node: Record<string | number, unknown> = root;
    for (let i = 0; i < path.length - 1; i++) {
      const next = node[path[i]];
      if (typeof next !== 'object' || next === null) break;
      node[path[i]] = copies.has(next) ? next : copy(next);
      node = node[path[i]] as Record<string | number, unknown>;
    }
    const last = path[path.length - 1];
    const n = node[last];
    if (typeof n === 'number' && Number.isSafeInteger(n)) node[last] = BigInt(n);
  }
  return root as Record<string, GoValue>;
}

/** Bump when the parser's output changes (or a function is removed), so old cached trees are not used. */
const PARSE_CACHE_FORMAT = 'go-parse-5';

/**
 * Parsing is most of a render's work on a big chart: the syntax trees of a render's whole template set are
 * kept in the cache as one JSON entry (parse/tree-cache.ts) that carries the templates it was parsed from
 * (../cache-entry.ts). `trees[i]` is the cached tree of template i when that template is unchanged; the
 * others are parsed again. `found`: the chart has an entry (it was rendered before).
 */
function cachedParse(cache: EngineCache | undefined, sources: Source[]): { key: string; trees?: (ParsedTemplate | undefined)[]; all: boolean; found: boolean } {
  const key = sourcesKey(PARSE_CACHE_FORMAT, sources);
  const hit = cache?.read('go-templates', key);
  const entry = hit && unpackEntry(PARSE_CACHE_FORMAT, sources, hit);
  const decoded = entry ? decodeTrees(entry.body, sources.map((s) => s.name)) : undefined;
  if (!entry || !decoded) return { key, all: false, found: false };
  return { key, trees: decoded.map((t, i) => (entry.same[i] ? t : undefined)), all: entry.all, found: true };
}

/** Helm's `.Files`: Get, GetBytes, Glob (a Files again), Lines, AsConfig, AsSecrets, over the chart's own files. */
export function goFiles(files: ChartFile[], toYaml: (v: GoValue) => string): Record<string, GoFunc> {
  const byName = new Map(files.map((f) => [f.name, f.data]));
  const glob = (pattern: string) => {
    const re = globRegExp(pattern);
    return goFiles(files.filter((f) => re.test(f.name)), toYaml);
  };
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const asMap = (enc: (d: Buffer) => string) => {
    const out: Record<string, string> = {};
    for (const f of files) out[base(f.name)] = enc(f.data);
    return Object.keys(out).length ? toYaml(out) : '';
  };
  return {
    Get: (name) => byName.get(String(name))?.toString('utf8') ?? '',
    GetBytes: (name) => new Uint8Array(byName.get(String(name)) ?? []),
    Glob: (pattern) => glob(String(pattern)),
    Lines: (name) => {
      const s = byName.get(String(name))?.toString('utf8') ?? '';
      if (s === '') return [];
      return (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n');
    },
    AsConfig: () => asMap((d) => d.toString('utf8')),
    AsSecrets: () => asMap((d) => d.toString('base64')),
  };
}

/** Go's path.Match-style globbing as Helm's Files.Glob uses (gobwas/glob: `*` within a segment, `**` across). */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${pattern.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|[\]\\*?]/g, '\\$&')).join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

interface Loaded {
  unit: ChartUnit;
  path: string;
  file: string;
  source: string;
  root: ListNode;
}

/** Parse and execution errors as Chartroom reports every template error: file, line, column, source line. */
function toChartroomError(e: unknown, files: Map<string, Loaded>, chart?: string): unknown {
  if (e instanceof ChartroomError) return e;
  if (e instanceof TemplateParseError || e instanceof TemplateExecError) {
    const where = e instanceof TemplateExecError ? files.get(e.file) : undefined;
    const pos = e.pos;
    const file = e instanceof TemplateExecError ? (where?.file ?? e.file) : undefined;
    return new ChartroomError(e instanceof TemplateParseError ? 'TEMPLATE_SYNTAX' : 'TEMPLATE_ERROR', e.message, {
      file,
      line: pos?.line,
      column: pos?.column,
      snippet: where && pos ? lineOf(where.source, pos.line) : undefined,
      hint: e instanceof TemplateParseError ? e.hint : undefined,
      chart,
    });
  }
  if (e instanceof GoFuncError) return new ChartroomError('TEMPLATE_FAIL', e.message, { chart });
  return e;
}

/**
 * Renders the charts of one render with Go's text/template, as Helm does: every template of every chart in
 * one set (deeper charts' files first, so a parent's `define` of the same name wins), files whose names start
 * with `_` only define, `<no value>` erased from the output, NOTES.txt of the top chart only.
 */
export function renderGo(units: ChartUnit[], inputs: RenderInputs, makeFuncs: FuncsFactory, toYaml: (v: GoValue) => string): EngineOutput {
  const loaded: Loaded[] = [];
  const templates = new Map<string, ListNode>();
  const templateFiles = new Map<string, string>();
  const sources = new Map<string, string>();
  const byPath = new Map<string, Loaded>();
  let funcs: FuncMap = new Map();
  const budget: ExecBudget = newBudget();
  const includeDepth = new Map<string, number>();
  const env = (file: string, name: string): ExecEnv => ({ funcs, templates, missingKey: inputs.strict ? 'error' : 'zero', file, name, templateFiles, sources, budget });
  let tplCount = 0;
  const hooks: HelmHooks = {
    include(name, data) {
      const depth = (includeDepth.get(name) ?? 0) + 1;
      if (depth > INCLUDE_LIMIT) throw new GoFuncError(`rendering template has a nested reference name: ${name}: unable to execute template`);
      includeDepth.set(name, depth);
      try {
        return executeTemplate(name, data, env(templateFiles.get(name) ?? name, name));
      } finally {
        includeDepth.set(name, depth - 1);
      }
    },
    tpl(text, data) {
      const name = `tpl-${++tplCount}`;
      const parsed = parse(name, text, { funcs: (n) => funcs.has(n), funcNames: () => funcs.keys() });
      for (const [n, body] of parsed.defines) {
        templates.set(n, body);
        templateFiles.set(n, name);
      }
      sources.set(name, text);
      return removeNoValue(execute(parsed, data, env(name, name)));
    },
  };
  funcs = makeFuncs(hooks);
  const known = (n: string) => funcs.has(n);

  // Deeper charts first (more path segments), then by path: later definitions win, as in Helm.
  const all = units.flatMap((unit) => unit.chart.templates.map((t) => ({ unit, t, path: `${unit.prefix}/${t.name}`, name: `${unit.prefix}/${t.name}`, data: t.data })));
  all.sort((a, b) => b.path.split('/').length - a.path.split('/').length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const { key: cacheKey, trees: cached, all: allCached, found } = cachedParse(inputs.cache, all);
  const fresh: ParsedTemplate[] = [];
  for (const [i, { unit, t, path }] of all.entries()) {
    const source = t.data.toString('utf8');
    const file = `${unit.chart.source}/${t.name}`;
    let parsed: ParsedTemplate;
    try {
      parsed = cached?.[i] ?? parse(path, source, { funcs: known, funcNames: () => funcs.keys() });
      fresh.push(parsed);
    } catch (e) {
      if (e instanceof TemplateParseError) {
        throw new ChartroomError('TEMPLATE_SYNTAX', e.message, { file, line: e.pos.line, column: e.pos.column, snippet: lineOf(source, e.pos.line), hint: e.hint, chart: unit.chart.metadata.name });
      }
      throw e;
    }
    const l: Loaded = { unit, path, file, source, root: parsed.root };
    loaded.push(l);
    byPath.set(path, l);
    sources.set(path, source);
    templates.set(path, parsed.root);
    templateFiles.set(path, path);
    for (const [n, body] of parsed.defines) {
      templates.set(n, body);
      templateFiles.set(n, path);
    }
  }

  if (!allCached && inputs.cache && fresh.length) {
    saveEntry(inputs.cache, 'go-templates', cacheKey, found, () => {
      const text = encodeTrees(fresh);
      return text === undefined ? undefined : packEntry(PARSE_CACHE_FORMAT, all, text);
    });
  }


  const out: RenderedTemplate[] = [];
  let notes: string | undefined;
  const objects = new Map<ChartUnit, Record<string, GoValue>>();
  const release = { Name: inputs.release.name, Namespace: inputs.release.namespace, IsInstall: !inputs.release.isUpgrade, IsUpgrade: inputs.release.isUpgrade, Revision: BigInt(inputs.release.revision), Service: 'Helm' };
  const kv = inputs.capabilities.kubeVersion;
  const [major, minor] = kv.replace(/^v/, '').split('.');
  const apiSet = new Set(inputs.capabilities.apiVersions);
  const capabilities = {
    KubeVersion: { Version: kv, Major: major ?? '1', Minor: minor ?? '0', GitVersion: kv, String: () => kv },
    // A VersionSet with its method (ranging over it is rare in charts; Has is what they call).
    APIVersions: { Has: (v: GoValue) => apiSet.has(String(v)) },
    HelmVersion: { Version: 'v4.1.4', GitCommit: '', GitTreeState: '', GoVersion: '' },
  };
  const objectsOf = (u: ChartUnit): Record<string, GoValue> => {
    let o = objects.get(u);
    if (!o) {
      const subcharts: Record<string, GoValue> = {};
      o = { Values: withInt64(u.values, u.int64Paths), Release: release, Chart: chartObject(u.chart as Chart), Capabilities: capabilities, Files: goFiles(u.chart.files, toYaml), Subcharts: subcharts };
      objects.set(u, o);
      for (const c of u.subcharts) subcharts[c.name] = objectsOf(c);
    }
    return o;
  };
  for (const l of [...loaded].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (l.unit.chart.metadata.type === 'library') continue;
    const base = l.path.slice(l.path.lastIndexOf('/') + 1);
    if (base.startsWith('_')) continue;
    const isNotes = l.path === `${l.unit.prefix}/templates/NOTES.txt`;
    if (isNotes && l.unit.depth !== 0) continue;
    const data = { ...objectsOf(l.unit), Template: { Name: l.path, BasePath: `${l.unit.prefix}/templates` } };
    let content: string;
    try {
      content = removeNoValue(execute(l.root, data, env(l.path, l.path)));
    } catch (e) {
      throw toChartroomError(e, byPath, l.unit.chart.metadata.name);
    }
    if (isNotes) notes = content;
    else {
      // Asked only to explain an error in the output (invalid YAML): the template runs again, traced.
      const sourceLine = (line: number): number | undefined => {
        const trace = { pieces: [] as string[], spots: [] as number[] };
        try {
          execute(l.root, data, { ...env(l.path, l.path), budget: newBudget(), trace });
        } catch {
          return undefined;
        }
        return tracedSourceLine(l.source, trace, line);
      };
      out.push({ path: l.path, content, file: l.file, chart: l.unit.chart as Chart, source: l.source, sourceLine });
    }
  }
  return { templates: out, notes };
}
