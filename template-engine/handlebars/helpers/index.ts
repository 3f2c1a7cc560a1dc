import { collectionHelpers } from './collections.js';
import { conversionHelpers } from './conversion.js';
import { logicHelpers } from './logic.js';
import { stringHelpers } from './strings.js';
import { timeHelpers } from './time-and-versions.js';
import type { Helper } from './types.js';
import { BLOCK_HELPERS as BLOCKS } from '../compile.js';

/** Every plain (non-block) helper a template can call, by name. */
export const HELPERS: Record<string, Helper> = {
  ...stringHelpers,
  ...collectionHelpers,
  ...logicHelpers,
  ...conversionHelpers,
  ...timeHelpers,
  include(name, context) {
    return this.render.include(String(name), context, this);
  },
  tpl(text, context) {
    return this.render.tpl(String(text ?? ''), context, this);
  },
};

/** Block helpers, implemented by the interpreter. */
export const BLOCK_HELPERS = [...BLOCKS];

/** Helpers Handlebars itself provides and we keep. */
export const BUILTIN_HELPERS = ['lookup', 'log'];
