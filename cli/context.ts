import { contextOptionsFromEnvironment, createContext, type ActionContext, type Logger } from '../core/context.js';
import { terminalProgress } from './progress.js';

let current: ActionContext | undefined;

/** Builds the one action context of this run from the global flags and the environment (the only place either is read). */
export function buildContext(flags: { configDir?: string; cacheDir?: string }): ActionContext {
  const debug = !!process.env.CHARTROOM_DEBUG;
  const log: Logger = {
    debug: (m) => {
      if (debug) process.stderr.write(`debug: ${m}\n`);
    },
    warn: (m) => process.stderr.write(`WARNING: ${m}\n`),
  };
  current = createContext({ ...contextOptionsFromEnvironment(process.env, flags), progress: terminalProgress(), log });
  return current;
}

/** The context built for this run. */
export function context(): ActionContext {
  if (!current) throw new Error('the action context is built before any command runs');
  return current;
}
