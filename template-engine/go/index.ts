import { ChartroomError } from '../../core/errors.js';
import type { TemplateEngine } from '../types.js';

/**
 * Helm's Go `text/template` + Sprig. Until that engine lands it refuses clearly, naming the chart, so that
 * lint, package, show, pull and publish keep working on such charts while rendering does not.
 */
export const goTemplateEngine: TemplateEngine = {
  name: 'go',
  claims: () => true,
  render(units) {
    const unit = units.find((u) => u.depth === 0) ?? units[0];
    const md = unit.chart.metadata;
    throw new ChartroomError('GO_TEMPLATE_CHART', `chart ${md.name} is a Helm (Go template) chart; Chartroom renders charts with "engine: handlebars" and does not render Go templates yet`, {
      file: unit.chart.metadataFile,
      chart: md.name,
      hint: 'use helm to render this chart; chart lint, package, show, pull and publish work on it',
    });
  },
};
