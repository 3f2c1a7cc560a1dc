import { Router } from 'express';
import type { UiContext } from '../ui/context.js';

/** The home page: search over every chart the caller may read. (Placeholder: not written yet.) */
export function homeRouter(_ctx: UiContext): Router {
  return Router();
}
