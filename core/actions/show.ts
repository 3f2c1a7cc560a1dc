import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Chart } from '../chart/model.js';
import { chartRoot, valuesReader } from '../chart/loader.js';
import { IgnoreRules } from '../chart/helmignore.js';
import { ENGINE_ANNOTATION, isHandlebarsChart, parseChartMetadata, type ChartMetadata } from '../chart/metadata.js';
import { describeSystemError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { loadChartFrom, locateChart } from '../sources/index.js';
import { fileSource, type FileRef } from '../sources/file.js';
import type { ChartSource } from '../sources/types.js';

export type ShowWhat = 'chart' | 'values' | 'readme' | 'crds' | 'all';

export interface ShowResult {
  /** Chart.yaml's fields. */
  metadata: ChartMetadata;
  /** The whole chart, when it was loaded (archives, remote charts, `crds`, `all`); absent when only the printed files were read. */
  chart?: Chart;
  /** The text to print, in Helm's layout. */
  text: string;
  /** For a Handlebars chart: a line saying helm cannot render it (for stderr; stdout stays helm's). */
  engineNote?: string;
}

/** The note for a chart whose templates only Chartroom renders; undefined for a Go-template chart. */
export function engineNote(md: ChartMetadata): string | undefined {
  if (!isHandlebarsChart(md)) return undefined;
  const because = md.engine === 'handlebars' ? 'engine: handlebars' : `annotation ${ENGINE_ANNOTATION}: handlebars`;
  return `note: this chart's templates are Handlebars (${because}): render it with chart, not helm`;
}

const README_NAMES = ['readme.md', 'readme.txt', 'readme'];

function file(chart: Chart, name: string): string | undefined {
  return chart.raw.find((f) => f.name === name)?.data.toString('utf8');
}

function readme(chart: Chart): string | undefined {
  const f = chart.raw.find((x) => !x.name.includes('/') && README_NAMES.includes(x.name.toLowerCase()));
  return f?.data.toString('utf8');
}

function crds(chart: Chart): string[] {
  return chart.raw.filter((f) => f.name.startsWith('crds/') && /\.(ya?ml|json)$/.test(f.name)).map((f) => f.data.toString('utf8'));
}

export interface ShowOptions {
  /** A folder, .tgz, URL or REPO/NAME, or a loaded chart. */
  chart: string | Chart;
  /** With REPO/NAME: the version or range. */
  version?: string;
  what: ShowWhat;
}

/** Shows a chart's Chart.yaml, values, README or CRDs, wherever the chart is. */
export async function showChart(ctx: ActionContext, opts: ShowOptions): Promise<ShowResult> {
  if (typeof opts.chart === 'string' && (opts.what === 'chart' || opts.what === 'values' || opts.what === 'readme')) {
    const folder = chartFolder(opts.chart, ctx);
    const shown = folder === undefined ? undefined : showFolderFile(folder, opts.what);
    if (shown !== undefined) return shown;
  }
  const chart = typeof opts.chart === 'string' ? await loadChartFrom(opts.chart, opts.version, ctx) : opts.chart;
  return showLoadedChart(chart, opts.what);
}

/** The chart folder an argument names, or undefined for archives and remote charts. */
function chartFolder(arg: string, ctx: ActionContext): string | undefined {
  const located = locateChart(arg, ctx);
  if (located.source !== (fileSource as ChartSource)) return undefined;
  const path = (located.ref as FileRef).path;
  try {
    return statSync(path).isDirectory() ? path : undefined;
  } catch {
    return undefined; // the full loader says what is wrong
  }
}

/**
 * `show chart|values|readme` of a chart folder: reads Chart.yaml (for its checks and the engine) and the one
 * file printed, not the whole chart, with the output showLoadedChart gives. Undefined when the file is a link
 * out of the chart: the full loader refuses those.
 */
function showFolderFile(dir: string, what: 'chart' | 'values' | 'readme'): ShowResult | undefined {
  const root = chartRoot(dir);
  const display = relative(process.cwd(), root) || '.';
  const source = display.startsWith('..') ? root : display;
  /** A regular file of the chart (links followed inside it); null for a link out of the chart. */
  const read = (name: string): string | undefined | null => {
    const abs = join(root, name);
    try {
      const real = realpathSync(abs);
      if (real !== root && !real.startsWith(root + sep)) return null;
      if (!statSync(real).isFile()) return undefined;
      return readFileSync(real, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw describeSystemError(e, join(dir, name), name);
    }
  };
  const chartYaml = read('Chart.yaml');
  if (chartYaml === null) return undefined;
  const { metadata } = parseChartMetadata(chartYaml ?? '', `${source}/Chart.yaml`);
  const helmignore = read('.helmignore');
  const rules = new IgnoreRules(helmignore ?? undefined, join(dir, '.helmignore'));
  let text: string | undefined | null;
  switch (what) {
    case 'chart':
      text = chartYaml;
      break;
    case 'values':
      text = rules.ignores('values.yaml') ? undefined : read('values.yaml');
      // Checked as the loader checks it (parsed only when the one-pass scanner cannot vouch for it).
      if (typeof text === 'string') valuesReader(text, `${source}/values.yaml`);
      text ??= '';
      break;
    case 'readme': {
      for (const name of readdirSync(root).sort()) {
        if (!README_NAMES.includes(name.toLowerCase()) || rules.ignores(name)) continue;
        text = read(name);
        if (text !== undefined) break;
      }
      break;
    }
  }
  if (text === null) return undefined;
  return { metadata, text: text === undefined ? '' : withNewline(text), engineNote: engineNote(metadata) };
}

const withNewline = (s: string) => (s.endsWith('\n') ? s : s + '\n');

/** The text `show` prints for a loaded chart. */
export function showLoadedChart(chart: Chart, what: ShowWhat): ShowResult {
  const chartYaml = file(chart, 'Chart.yaml') ?? '';
  const values = file(chart, 'values.yaml') ?? '';
  const parts: string[] = [];
  const add = (s: string) => parts.push(withNewline(s));
  switch (what) {
    case 'chart':
      add(chartYaml);
      break;
    case 'values':
      add(values);
      break;
    case 'readme': {
      // As helm: a chart without a README prints nothing.
      const r = readme(chart);
      if (r !== undefined) add(r);
      break;
    }
    case 'crds':
      for (const c of crds(chart)) add(`---\n${c}`);
      break;
    case 'all': {
      add(chartYaml);
      if (values) add(`---\n${values}`);
      const r = readme(chart);
      if (r !== undefined) add(`---\n${r}`);
      for (const c of crds(chart)) add(`---\n${c}`);
      break;
    }
  }
  return { metadata: chart.metadata, chart, text: parts.join(''), engineNote: engineNote(chart.metadata) };
}
