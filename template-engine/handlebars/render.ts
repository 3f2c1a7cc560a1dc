import type { ChartUnit, EngineOutput, RenderedTemplate, RenderInputs } from '../types.js';
import { TreeSet, type CompiledTemplate } from './compile.js';
import { capabilitiesObject, chartObject, filesObject, releaseObject, type TemplateRoot } from './context.js';
import { createEnvironment } from './engine.js';

interface Prepared {
  unit: ChartUnit;
  root: TemplateRoot;
  compiled: { path: string; compiled: CompiledTemplate }[];
}

/** Renders the charts the Handlebars engine claims (loaded by the engine on its first render: see index.ts). */
export function renderHandlebarsCharts(units: ChartUnit[], inputs: RenderInputs): EngineOutput {
  // Each template's text, decoded once: the tree set's key and the compiler both read it.
  const texts = units.map((u) => u.chart.templates.map((t) => t.data.toString('utf8')));
  const files = units.flatMap((u) => u.chart.templates.map((t) => ({ name: `${u.prefix}/${t.name}`, data: t.data })));
  const trees = new TreeSet(inputs.cache, files, texts.flat());
  const env = createEnvironment({ strict: inputs.strict, now: inputs.now, cache: inputs.cache, trees });
  const release = releaseObject(inputs.release);
  const capabilities = capabilitiesObject(inputs.capabilities);
  // `.Subcharts` shows each subchart's objects, whichever engine renders it.
  const roots = new Map<ChartUnit, TemplateRoot>();
  const rootOf = (u: ChartUnit): TemplateRoot => {
    let root = roots.get(u);
    if (!root) {
      const subcharts: Record<string, unknown> = {};
      for (const c of u.subcharts) subcharts[c.name] = rootOf(c);
      root = {
        Values: u.values,
        Release: release,
        Chart: chartObject(u.chart),
        Capabilities: capabilities,
        Files: filesObject(u.chart.files),
        Template: { Name: '', BasePath: `${u.prefix}/templates` },
        Subcharts: subcharts,
      };
      roots.set(u, root);
    }
    return root;
  };
  const prepared: Prepared[] = units.map((unit, u) => ({
    unit,
    root: rootOf(unit),
    compiled: unit.chart.templates.map((t, i) => ({ path: `${unit.prefix}/${t.name}`, compiled: env.compile(texts[u][i], `${unit.chart.source}/${t.name}`) })),
  }));

  trees.save();

  // Deeper charts first, so a parent's define of the same name wins, as in Helm.
  const ordered = [...prepared].sort((a, b) => b.unit.depth - a.unit.depth || (a.unit.prefix < b.unit.prefix ? -1 : a.unit.prefix > b.unit.prefix ? 1 : 0));
  for (const p of ordered) for (const c of p.compiled) env.define(c.compiled.defines);

  const templates: RenderedTemplate[] = [];
  let notes: string | undefined;
  for (const p of prepared) {
    if (p.unit.chart.metadata.type === 'library') continue;
    for (const c of p.compiled) {
      const base = c.path.slice(c.path.lastIndexOf('/') + 1);
      if (base.startsWith('_')) continue;
      const isNotes = c.path === `${p.unit.prefix}/templates/NOTES.txt`;
      if (isNotes && p.unit.depth !== 0) continue;
      const ctx = { ...p.root, Template: { Name: c.path, BasePath: `${p.unit.prefix}/templates` } };
      const content = env.run(c.compiled.main, ctx, p.unit.chart.metadata.name);
      if (isNotes) notes = content;
      else {
        const main = c.compiled.main;
        const chartName = p.unit.chart.metadata.name;
        let lines: number[] | undefined;
        // Worked out only when a message needs it: renders this template once more, tracing lines.
        const sourceLine = (outputLine: number) => (lines ??= env.trace(main, ctx, chartName).sourceLines)[outputLine - 1];
        templates.push({ path: c.path, content, file: main.file, chart: p.unit.chart, source: main.source, sourceLine });
      }
    }
  }
  return { templates, notes };
}

