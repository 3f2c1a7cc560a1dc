import { homedir } from 'node:os';
import { join } from 'node:path';
import { contextOptionsFromEnvironment, createContext, type ActionContext, type ClusterAccess, type Logger } from '../core/context.js';
import type { KubeClient } from '../core/kube/types.js';
import type { ReleaseStore } from '../core/release/model.js';
import type { TransportSettings } from '../core/oci/transport.js';
import { terminalProgress } from './progress.js';
import { writeErr } from './output.js';

let current: ActionContext | undefined;

/** Discovery kept for 10 minutes in the cache folder, as kubectl keeps its own; a kind it misses is looked up again. */
function discoveryCache(): import('../core/kube/client.js').DiscoveryCache | undefined {
  const cache = current?.cache;
  if (!cache) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const key = (server: string) => createHash('sha256').update(server).digest('hex');
  return {
    read(server) {
      const raw = cache.read('discovery', key(server));
      if (!raw) return undefined;
      try {
        const snap = JSON.parse(raw.toString('utf8')) as import('../core/kube/client.js').DiscoverySnapshot;
        return Date.now() - snap.at < 10 * 60_000 ? snap : undefined;
      } catch {
        return undefined;
      }
    },
    write: (server, snap) => cache.write('discovery', key(server), JSON.stringify(snap)),
  };
}

/** The cluster of the kubeconfig flags and KUBECONFIG, connected on first use (commands without a cluster never load it). */
function clusterAccess(flags: { kubeconfig?: string; kubeContext?: string }): ClusterAccess {
  let kube: KubeClient | undefined;
  const stores = new Map<string, ReleaseStore>();
  const client = (): KubeClient => {
    if (!kube) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { loadKubeClient } = require('../core/kube/client.js') as typeof import('../core/kube/client.js');
      kube = loadKubeClient({ kubeconfig: flags.kubeconfig, context: flags.kubeContext, env: process.env, discoveryCache: discoveryCache() });
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

/** Docker's config.json, read for registry credentials: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
function dockerConfigFile(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(env.HOME || homedir(), '.docker', 'config.json');
}

/**
 * Builds the one action context of this run from the global flags, the running command's registry flags
 * (--plain-http, --ca-file …) and the environment (the only place either is read).
 */
export function buildContext(flags: { configDir?: string; cacheDir?: string; kubeconfig?: string; kubeContext?: string; transport?: TransportSettings }): ActionContext {
  const debug = !!process.env.CHARTROOM_DEBUG;
  const log: Logger = {
    debug: (m) => {
      if (debug) writeErr(`debug: ${m}\n`);
    },
    warn: (m) => writeErr(`WARNING: ${m}\n`),
  };
  const oci = { transport: flags.transport ?? {}, dockerConfigFile: dockerConfigFile(process.env) };
  current = createContext({ ...contextOptionsFromEnvironment(process.env, flags), progress: terminalProgress(), log, cluster: clusterAccess(flags), oci });
  return current;
}

/** The context built for this run. */
export function context(): ActionContext {
  if (!current) throw new Error('the action context is built before any command runs');
  return current;
}
