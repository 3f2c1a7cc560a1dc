import { createRequire } from 'node:module';
import type * as Home from './home.js';
// Jest loads global setup files with require(), transpiling them on the fly; the tests' moduleNameMapper
// ('./x.js' -> './x.ts') does not apply there, so the sibling modules are loaded by their real file names.
const load = createRequire(import.meta.url);
const { checkIsolatedHome } = load('./home.ts') as typeof Home;

/** Runs once, after the projects' teardowns: the isolated HOME must be empty (see home.ts). */
export default async function rootTeardown(): Promise<void> {
  checkIsolatedHome();
}
