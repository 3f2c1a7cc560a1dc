import { createRequire } from 'node:module';
import type * as Home from './home.js';
// Jest loads global setup files with require(), transpiling them on the fly; the tests' moduleNameMapper
// ('./x.js' -> './x.ts') does not apply there, so the sibling modules are loaded by their real file names.
const load = createRequire(import.meta.url);
const { isolateHome } = load('./home.ts') as typeof Home;

/** Unit tier: pure in-process tests. Nothing to build or start: no dist/, no helm, no server. */
export default async function unitSetup(): Promise<void> {
  isolateHome();
}
