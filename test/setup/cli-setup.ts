import { createRequire } from 'node:module';
import type * as Build from './build.js';
import type * as Helm from './helm.js';
import type * as Home from './home.js';
// Jest loads global setup files with require(), transpiling them on the fly; the tests' moduleNameMapper
// ('./x.js' -> './x.ts') does not apply there, so the sibling modules are loaded by their real file names.
const load = createRequire(import.meta.url);
const { buildDistOnce } = load('./build.ts') as typeof Build;
const { unpackHelm } = load('./helm.ts') as typeof Helm;
const { isolateHome } = load('./home.ts') as typeof Home;

/** CLI tier: a fresh dist/ (built once per jest run, so no test runs a stale bundle) and the real helm. No S3. */
export default async function cliSetup(_global: unknown, project: { rootDir: string }): Promise<void> {
  isolateHome();
  buildDistOnce(project.rootDir);
  unpackHelm(project.rootDir);
}
