import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, type ActionContext, type ContextOptions } from '../../core/context.js';

/** An action context on a fresh temporary folder (config and cache inside it); `cleanup` removes it. */
export function testContext(overrides: Partial<ContextOptions> = {}): ActionContext & { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'chartroom-ctx-'));
  const ctx = createContext({ configDir: join(root, 'config'), cacheDir: join(root, 'cache'), ...overrides });
  return { ...ctx, root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** An action context whose config and cache folders live inside `dir` (a test's temporary folder). */
export function contextIn(dir: string, overrides: Partial<ContextOptions> = {}): ActionContext {
  return createContext({ configDir: join(dir, 'config'), cacheDir: join(dir, 'cache'), ...overrides });
}
