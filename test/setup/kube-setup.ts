import { createRequire } from 'node:module';
import type * as Build from './build.js';
import type * as Helm from './helm.js';
import type * as Home from './home.js';
import type * as Kube from './kube.js';
// Jest loads global setup files with require(), transpiling them on the fly; the tests' moduleNameMapper
// ('./x.js' -> './x.ts') does not apply there, so the sibling modules are loaded by their real file names.
const load = createRequire(import.meta.url);
const { buildDistOnce } = load('./build.ts') as typeof Build;
const { unpackHelm, unpackKubectl } = load('./helm.ts') as typeof Helm;
const { isolateHome } = load('./home.ts') as typeof Home;
const { startKube } = load('./kube.ts') as typeof Kube;

const state = globalThis as { __chartroomStopKube?: () => Promise<void> };

/**
 * Kube tier: a fresh dist/ (once per jest run), the real helm and kubectl as oracles, and a real Kubernetes
 * API server (etcd + kube-apiserver on loopback, or the cluster CHARTROOM_TEST_KUBECONFIG names).
 */
export default async function kubeSetup(_global: unknown, project: { rootDir: string }): Promise<void> {
  isolateHome();
  buildDistOnce(project.rootDir);
  unpackHelm(project.rootDir);
  unpackKubectl(project.rootDir);
  state.__chartroomStopKube = await startKube(project.rootDir);
}
