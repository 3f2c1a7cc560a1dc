import { Router } from 'express';
import type { UiContext } from '../ui/context.js';

/** A chart version's own files, which README links and images point to. (Placeholder: not written yet.) */
export function filesRouter(_ctx: UiContext): Router {
  return Router();
}
