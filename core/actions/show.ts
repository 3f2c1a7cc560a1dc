import { ChartroomError } from '../errors.js';
import type { Chart } from '../chart/model.js';
import type { ActionContext } from '../context.js';
import { loadChartFrom } from '../sources/index.js';

export type ShowWhat = 'chart' | 'values' | 'readme' | 'crds' | 'all';

export interface ShowResult {
  chart: Chart;
  /** The text to print, in Helm's layout. */
  text: string;
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
  const chart = typeof opts.chart === 'string' ? await loadChartFrom(opts.chart, opts.version, ctx) : opts.chart;
  return showLoadedChart(chart, opts.what);
}

/** The text `show` prints for a loaded chart. */
export function showLoadedChart(chart: Chart, what: ShowWhat): ShowResult {
  const chartYaml = file(chart, 'Chart.yaml') ?? '';
  const values = file(chart, 'values.yaml') ?? '';
  const parts: string[] = [];
  const add = (s: string) => parts.push(s.endsWith('\n') ? s : s + '\n');
  switch (what) {
    case 'chart':
      add(chartYaml);
      break;
    case 'values':
      add(values);
      break;
    case 'readme': {
      const r = readme(chart);
      if (r === undefined) throw new ChartroomError('NO_README', `chart ${chart.metadata.name} has no README`, { file: chart.source });
      add(r);
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
  return { chart, text: parts.join('') };
}
