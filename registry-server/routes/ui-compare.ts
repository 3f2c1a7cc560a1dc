import { Router } from 'express';
import type { UiContext } from '../ui/context.js';

/** Comparing two versions of a chart. (Placeholder: not written yet.) */
export function compareRouter(_ctx: UiContext): Router {
  return Router();
}
