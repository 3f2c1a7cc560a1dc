import { createRequire } from 'node:module';
import type * as Build from './build.js';
import type * as Helm from './helm.js';
import type * as Home from './home.js';
import type * as S3 from './s3.js';
// Jest loads global setup files with require(), transpiling them on the fly; the tests' moduleNameMapper
// ('./x.js' -> './x.ts') does not apply there, so the sibling modules are loaded by their real file names.
const load = createRequire(import.meta.url);
const { buildDistOnce } = load('./build.ts') as typeof Build;
const { unpackHelm } = load('./helm.ts') as typeof Helm;
const { isolateHome } = load('./home.ts') as typeof Home;
const { startS3 } = load('./s3.ts') as typeof S3;

const state = globalThis as { __chartroomStopS3?: () => Promise<void> };

/**
 * Integration tier: a fresh dist/ (once per jest run; replicas run `chart serve` from it), the real helm, and a
 * real S3-compatible server (Ceph RGW on loopback, or the one CHARTROOM_TEST_S3_ENDPOINT names).
 */
export default async function integrationSetup(_global: unknown, project: { rootDir: string }): Promise<void> {
  isolateHome();
  buildDistOnce(project.rootDir);
  unpackHelm(project.rootDir);
  state.__chartroomStopS3 = await startS3();
}
