import { createRequire } from 'node:module';
import type * as Home from './home.js';
// Jest loads global setup files with require(), transpiling them on the fly; the tests' moduleNameMapper
// ('./x.js' -> './x.ts') does not apply there, so the sibling modules are loaded by their real file names.
const load = createRequire(import.meta.url);
const { isolateHome } = load('./home.ts') as typeof Home;

/**
 * Runs once per jest run, whichever projects run (Jest runs the top-level globalSetup after the projects' own).
 * The project setups call isolateHome() first too, so the isolation is in place before they build or start
 * anything; whichever comes first makes the folder, the others reuse it.
 */
export default async function rootSetup(): Promise<void> {
  isolateHome();
}
