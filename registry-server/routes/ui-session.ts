import { Router } from 'express';
import type { UiContext } from '../ui/context.js';

/** The login form, logout, and deleting a version from the UI. (Placeholder: not written yet.) */
export function sessionRouter(_ctx: UiContext): Router {
  return Router();
}
