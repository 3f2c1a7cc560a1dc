import { isHandlebarsChart } from '../../core/chart/metadata.js';
import type { TemplateEngine } from '../types.js';

/** Handlebars' syntax with Helm's objects and Sprig-like helpers, interpreted (never compiled to code). */
export const handlebarsEngine: TemplateEngine = {
  name: 'handlebars',
  claims: (chart) => isHandlebarsChart(chart.metadata),
  // Handlebars' parser and the helpers load on the first render: a Go-template chart never pays for them.
  render: async (units, inputs) => (await import('./render.js')).renderHandlebarsCharts(units, inputs),
};
