import type { Chart } from '../core/chart/model.js';
import { goEngine } from './go/index.js';
import { handlebarsEngine } from './handlebars/index.js';
import type { TemplateEngine } from './types.js';

export type { TemplateEngine } from './types.js';

/** The engines, asked in order; a new engine is one folder and one line here. */
const ENGINES: TemplateEngine[] = [handlebarsEngine];

/** Charts no other engine claims are Helm's own: Go templates. */
const FALLBACK: TemplateEngine = goEngine;

/** The engine that renders a chart: `engine: handlebars` → Handlebars, any other chart → Go templates. */
export function engineFor(chart: Chart): TemplateEngine {
  return ENGINES.find((e) => e.claims(chart)) ?? FALLBACK;
}
