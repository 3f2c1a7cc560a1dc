import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { createApp } from './app.js';
import { AuthConfigError, AuthProvider } from './auth.js';
import { ConfigError, type ServerConfig } from './config.js';
import { RegistryMetrics } from './metrics.js';
import { TokenIssuer } from './oci/tokens.js';
import { UploadSessions } from './oci/uploads.js';
import { UiSessions } from './ui/session.js';
import { readKeyring, type Keyring } from '../core/provenance/keyring.js';
import { ChartRegistry } from './registry.js';
import { LocalObjectStore } from './storage/local.js';
import { S3ObjectStore } from './storage/s3.js';
import type { ObjectStore } from './storage/object-store.js';
import { hasCode } from '../core/errors.js';
import { loadChartDir } from '../core/chart/loader.js';
import { packChart } from '../core/chart/packager.js';

export interface RunningRegistry {
  url: string;
  port: number;
  registry: ChartRegistry;
  log: Logger;
  /** Stops accepting connections, finishes requests in flight, stops syncing. */
  close(): Promise<void>;
}

/** Makes the configured object store. */
export async function createStore(config: ServerConfig): Promise<ObjectStore> {
  if (config.storage === 's3') {
    return new S3ObjectStore({ bucket: config.s3Bucket!, prefix: config.s3Prefix, endpoint: config.s3Endpoint, region: config.s3Region, forcePathStyle: config.s3ForcePathStyle || undefined });
  }
  const store = new LocalObjectStore(resolve(config.storageDir));
  try {
    await store.init();
  } catch (e) {
    throw new ConfigError(`--storage-dir: ${(e as Error).message}`);
  }
  return store;
}

/** Packs and publishes every chart folder under `dir` that the registry does not have yet. */
async function publishExamples(registry: ChartRegistry, dir: string, log: Logger): Promise<void> {
  // SOURCE_DATE_EPOCH stamps the archives, as `chart package` honours it.
  const envEpoch = process.env.SOURCE_DATE_EPOCH;
  const sourceDateEpoch = envEpoch && /^\d+$/.test(envEpoch) ? Number(envEpoch) : undefined;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    const packed = packChart(loadChartDir(path), { sourceDateEpoch });
    if (registry.readIndex('').get(packed.name, packed.version)) continue;
    try {
      await registry.publish('', packed.archive);
      log.info({ chart: packed.name, version: packed.version }, 'published example chart');
    } catch (e) {
      // Another replica published it first.
      if (!hasCode(e, 'VERSION_EXISTS', 'PUBLISH_IN_PROGRESS')) throw e;
    }
  }
}

/** Starts the registry: storage, index from storage, HTTP server, periodic sync, graceful shutdown. */
export async function startRegistry(config: ServerConfig, opts: { logDestination?: NodeJS.WritableStream } = {}): Promise<RunningRegistry> {
  const log = pino({ level: config.logLevel, base: { service: 'chartroom' }, redact: ['req.headers.authorization', 'headers.authorization'] }, opts.logDestination ?? process.stdout);
  const auth = new AuthProvider({ failuresPerMinute: config.authFailuresPerMinute });
  try {
    if (config.htpasswd) auth.loadHtpasswd(config.htpasswd);
    if (config.tokens) auth.loadTokens(config.tokens);
  } catch (e) {
    if (e instanceof AuthConfigError) throw new ConfigError(e.message);
    throw e;
  }
  const store = await createStore(config);
  const metrics = new RegistryMetrics();
  const registry = new ChartRegistry({
    store,
    allowOverwrite: config.allowOverwrite,
    disableForceOverwrite: config.disableForceOverwrite,
    chartUrl: config.chartUrl,
    maxUploadBytes: config.maxUploadBytes,
    repositories: config.repositories,
    onWarning: (message, details) => log.warn(details ?? {}, message),
  });

  const uploads = new UploadSessions(store, { ttlMs: config.uploadSessionTtl * 1000 });
  let tokens: TokenIssuer;
  try {
    tokens = new TokenIssuer({ store, keyFile: config.tokenKeyFile });
  } catch (e) {
    throw new ConfigError(`--token-key-file: ${(e as Error).message}`);
  }
  let sessions: UiSessions;
  try {
    sessions = new UiSessions({ store, users: auth, keyFile: config.sessionKeyFile, ttlSeconds: config.sessionTtl });
  } catch (e) {
    throw new ConfigError(`--session-key-file: ${(e as Error).message}`);
  }
  let keyring: Keyring | undefined;
  if (config.keyring) {
    try {
      keyring = await readKeyring(readFileSync(config.keyring), config.keyring);
    } catch (e) {
      throw new ConfigError(`--keyring: ${(e as Error).message}`);
    }
  }
  // Abandoned upload sessions are deleted on the sync timer, a few times per time-to-live (at most every minute).
  const expireEveryMs = Math.min(60_000, (config.uploadSessionTtl * 1000) / 4);
  let lastExpiry = Date.now();
  let expiring = false;
  const expireUploads = async () => {
    if (expiring || Date.now() - lastExpiry < expireEveryMs) return;
    expiring = true;
    lastExpiry = Date.now();
    try {
      const n = await uploads.expire();
      if (n) log.info({ sessions: n }, 'expired upload sessions deleted');
    } catch (e) {
      log.warn({ err: { message: (e as Error).message } }, 'could not delete expired upload sessions; retrying later');
    } finally {
      expiring = false;
    }
  };

  let ready = false;
  let storageDown = false;
  const syncOnce = async (first: boolean) => {
    const end = metrics.syncSeconds.startTimer();
    const started = Date.now();
    try {
      const r = await registry.sync();
      const seconds = end();
      if (first || !ready) {
        metrics.rebuildSeconds.set(seconds);
        log.info({ ...registry.totals(), ms: Date.now() - started }, 'index loaded from storage');
      } else if (r.added || r.removed) log.debug(r, 'index synced');
      if (storageDown) log.info('storage is reachable again');
      storageDown = false;
      ready = true;
      if (!first) void expireUploads();
    } catch (e) {
      end();
      metrics.storageErrors.inc({ operation: 'sync' });
      if (!storageDown) log.error({ err: { message: (e as Error).message } }, 'cannot sync the index with storage; retrying');
      storageDown = true;
    }
  };
  await syncOnce(true);
  if (ready && config.publishExamples) await publishExamples(registry, config.publishExamples, log);

  const app = createApp({ registry, policy: { auth, requireAuthForReads: config.requireAuthForReads, allowAnonymousWrite: config.allowAnonymousWrite, realm: 'chartroom' }, metrics, log, maxUploadBytes: config.maxUploadBytes, uploadBudgetBytes: config.uploadBudgetBytes, isReady: () => ready, uploads, tokens, sessions, keyring });
  const server: Server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((res, rej) => {
    server.once('error', (e: NodeJS.ErrnoException) => rej(new ConfigError(`cannot listen on ${config.host}:${config.port}: ${e.code ?? e.message}`)));
    server.listen(config.port, config.host, () => res());
  });
  const port = (server.address() as { port: number }).port;
  const timer = setInterval(() => void syncOnce(false), config.syncInterval * 1000);
  timer.unref();
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ url, storage: store.kind, syncInterval: config.syncInterval }, 'chartroom registry listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    registry,
    log,
    close() {
      closing ??= new Promise<void>((res) => {
        clearInterval(timer);
        void auth.close();
        server.close(() => res());
        server.closeIdleConnections?.();
        setTimeout(() => server.closeAllConnections?.(), 10_000).unref();
      });
      return closing;
    },
  };
}
