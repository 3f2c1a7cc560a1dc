import { contextOptionsFromEnvironment, createContext, type ActionContext, type ClusterAccess, type Logger } from '../core/context.js';
import type { KubeClient } from '../core/kube/types.js';
import type { ReleaseStore } from '../core/release/model.js';
import { terminalProgress } from './progress.js';

let current: ActionContext | undefined;

/** The cluster of the kubeconfig flags and KUBECONFIG, connected on first use (commands without a cluster never load it). */
function clusterAccess(flags: { kubeconfig?: string; kubeContext?: string }): ClusterAccess {
  let kube: KubeClient | undefined;
  const stores = new Map<string, ReleaseStore>();
  const client = (): KubeClient => {
    if (!kube) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { loadKubeClient } = require('../core/kube/client.js') as typeof import('../core/kube/client.js');
      kube = loadKubeClient({ kubeconfig: flags.kubeconfig, context: flags.kubeContext, env: process.env });
    }
    return kube;
  };
  return {
    kube: client,
    releases(namespace) {
      let store = stores.get(namespace);
      if (!store) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { SecretsReleaseStore } = require('../core/release/secrets-store.js') as typeof import('../core/release/secrets-store.js');
        stores.set(namespace, (store = new SecretsReleaseStore(client(), namespace)));
      }
      return store;
    },
  };
}

/** Builds the one action context of this run from the global flags and the environment (the only place either is read). */
export function buildContext(flags: { configDir?: string; cacheDir?: string; kubeconfig?: string; kubeContext?: string }): ActionContext {
  const debug = !!process.env.CHARTROOM_DEBUG;
  const log: Logger = {
    debug: (m) => {
      if (debug) process.stderr.write(`debug: ${m}\n`);
    },
    warn: (m) => process.stderr.write(`WARNING: ${m}\n`),
  };
  current = createContext({ ...contextOptionsFromEnvironment(process.env, flags), progress: terminalProgress(), log, cluster: clusterAccess(flags) });
  return current;
}

/** The context built for this run. */
export function context(): ActionContext {
  if (!current) throw new Error('the action context is built before any command runs');
  return current;
}
