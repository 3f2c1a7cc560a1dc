import type { ChartUnit, EngineOutput, RenderInputs } from '../types.js';
import { renderGo } from './engine.js';
import { helmFuncs, toYamlText } from './funcs/index.js';
import { localZoneName } from './funcs/time.js';
import type { GoValue } from './value.js';

/** Renders the charts the Go engine claims (loaded by the engine on its first render: see index.ts). */
export function renderGoCharts(units: ChartUnit[], inputs: RenderInputs): EngineOutput {
  // Go's Local is the machine's zone, named, so parsed times keep their own offsets as Go's do.
  return renderGo(units, inputs, (hooks) => helmFuncs(hooks, { localZone: localZoneName }), (v: GoValue) => toYamlText(v));
}
