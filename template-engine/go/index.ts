import type { TemplateEngine } from '../types.js';
import { renderGo } from './engine.js';
import { helmFuncs, toYamlText } from './funcs/index.js';
import { localZoneName } from './funcs/time.js';
import type { GoValue } from './value.js';

/**
 * Helm's Go `text/template` + Sprig, rendering Helm's charts as `helm template` does: parser and interpreter
 * of Go's template language (parse/, exec.ts, builtins.ts, fmt.ts), Sprig and Helm's functions (funcs/).
 * Checked byte for byte against the real helm on `helm create`'s scaffold and on public charts
 * (test/interop/go-*.test.ts).
 */
export const goEngine: TemplateEngine = {
  name: 'go',
  claims: () => true,
  render(units, inputs) {
    // Go's Local is the machine's zone, named, so parsed times keep their own offsets as Go's do.
    return renderGo(units, inputs, (hooks) => helmFuncs(hooks, { localZone: localZoneName }), (v: GoValue) => toYamlText(v));
  },
};
