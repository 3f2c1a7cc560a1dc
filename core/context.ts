import { homedir } from 'node:os';
import { join } from 'node:path';
import { DiskCache } from './cache.js';
import { RepoClient, type Progress } from './repo/client.js';
import { RepositorySettings } from './repo/settings.js';
import { createOciAccess, type OciAccess, type OciOptions } from './oci/client.js';
import type { KubeClient } from './kube/types.js';
import type { ReleaseStore } from './release/model.js';

/** Where an action reports what it is doing; the CLI prints warnings on stderr and debug lines with CHARTROOM_DEBUG. */
export interface Logger {
  debug(message: string): void;
  warn(message: string): void;
}

/** The cluster and its release records, as Helm's action.Configuration holds them; made on first use. */
export interface ClusterAccess {
  /** The client for the kubeconfig context in use. */
  kube(): KubeClient;
  /** Release records in a namespace, or in every namespace ('all'). */
  releases(namespace: string | 'all'): ReleaseStore;
}

/** A logger that drops everything (libraries and tests). */
export const SILENT: Logger = { debug: () => undefined, warn: () => undefined };

/**
 * Everything an action needs from outside itself, built once at the edge (the CLI, a test, a library user)
 * and passed to every action, as Helm's `action.Configuration`. Actions never read the environment or
 * global state: two contexts on two folders never see each other's repositories or caches.
 */
export interface ActionContext {
  /** Repository list and credentials live here. */
  readonly configDir: string;
  readonly cache: DiskCache;
  readonly settings: RepositorySettings;
  /** HTTP client for repositories and archives, with the configured credentials. */
  readonly repos: RepoClient;
  readonly clock: () => Date;
  readonly log: Logger;
  /** A progress bar for long work, when output is a terminal. */
  readonly progress?: () => Progress | undefined;
  /** Seconds since the epoch stamped on packaged files (SOURCE_DATE_EPOCH), for reproducible archives. */
  readonly sourceDateEpoch?: number;
  /** The cluster, for release commands (absent for commands that need none). */
  readonly cluster?: ClusterAccess;
  /** OCI registries: the transport flags, credentials, and one client per registry for the run. */
  readonly oci: OciAccess;
}

export interface ContextOptions {
  configDir: string;
  cacheDir: string;
  /** Switch the entry cache off. */
  noCache?: boolean;
  clock?: () => Date;
  log?: Logger;
  progress?: () => Progress | undefined;
  sourceDateEpoch?: number;
  cluster?: ClusterAccess;
  /** Registry transport flags (--plain-http, --ca-file …), Docker's config.json, tag paging. */
  oci?: OciOptions;
}

/** Builds an action context on explicit folders. */
export function createContext(opts: ContextOptions): ActionContext {
  const cache = new DiskCache(opts.cacheDir, !opts.noCache);
  const settings = new RepositorySettings(opts.configDir);
  const log = opts.log ?? SILENT;
  return {
    configDir: opts.configDir,
    cache,
    settings,
    repos: new RepoClient({ settings, cache, progress: opts.progress }),
    clock: opts.clock ?? (() => new Date()),
    log,
    progress: opts.progress,
    sourceDateEpoch: opts.sourceDateEpoch,
    cluster: opts.cluster,
    oci: createOciAccess(opts.configDir, opts.oci, log),
  };
}

/**
 * The user-facing environment variables, read here and nowhere else:
 * CHARTROOM_CONFIG_DIR (default $XDG_CONFIG_HOME/chartroom, else ~/.config/chartroom),
 * CHARTROOM_CACHE_DIR (default $XDG_CACHE_HOME/chartroom, else ~/.cache/chartroom),
 * CHARTROOM_NO_CACHE=1 (no template or archive cache), SOURCE_DATE_EPOCH (timestamps in packages).
 * Flags (`--config-dir`, `--cache-dir`) win over the variables.
 */
export function contextOptionsFromEnvironment(env: NodeJS.ProcessEnv, flags: { configDir?: string; cacheDir?: string } = {}): ContextOptions {
  const home = env.HOME || homedir();
  const noCache = env.CHARTROOM_NO_CACHE;
  const epoch = env.SOURCE_DATE_EPOCH;
  return {
    configDir: flags.configDir || env.CHARTROOM_CONFIG_DIR || join(env.XDG_CONFIG_HOME || join(home, '.config'), 'chartroom'),
    cacheDir: flags.cacheDir || env.CHARTROOM_CACHE_DIR || join(env.XDG_CACHE_HOME || join(home, '.cache'), 'chartroom'),
    noCache: noCache !== undefined && noCache !== '' && noCache !== '0',
    sourceDateEpoch: epoch && /^\d+$/.test(epoch) ? Number(epoch) : undefined,
  };
}
