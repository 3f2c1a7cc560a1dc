import type { TemplateEngine } from '../types.js';

/**
 * Helm's Go `text/template` + Sprig, rendering Helm's charts as `helm template` does: parser and interpreter
 * of Go's template language (parse/, exec.ts, builtins.ts, fmt.ts), Sprig and Helm's functions (funcs/).
 * Checked byte for byte against the real helm on `helm create`'s scaffold and on public charts
 * (test/interop/go-*.test.ts).
 */
export const goEngine: TemplateEngine = {
  name: 'go',
  claims: () => true,
  // The interpreter and its functions load on the first render: a Handlebars chart never pays for them.
  render: async (units, inputs) => (await import('./render.js')).renderGoCharts(units, inputs),
};
