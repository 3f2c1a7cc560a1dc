import type { GoValue } from '../value.js';
import { def, isEmpty, type FuncTable } from './kinds.js';

/** Sprig's defaults.go: emptiness (nil, 0, false, "", empty list or map) decides `default`, `coalesce`, `all`, `any`. */

export const defaultFuncs: FuncTable = {
  default: def('default', ['any', '...any'], (d: GoValue, ...given: GoValue[]) => (given.length === 0 || isEmpty(given[0]) ? d : given[0])),
  empty: def('empty', ['any'], isEmpty),
  coalesce: def('coalesce', ['...any'], (...v: GoValue[]) => v.find((x) => !isEmpty(x)) ?? null),
  all: def('all', ['...any'], (...v: GoValue[]) => v.every((x) => !isEmpty(x))),
  any: def('any', ['...any'], (...v: GoValue[]) => v.some((x) => !isEmpty(x))),
  ternary: def('ternary', ['any', 'any', 'bool'], (t: GoValue, f: GoValue, cond: boolean) => (cond ? t : f)),
};
