import { existsSync, statSync } from 'node:fs';

/** Everything `chart serve` can be told, by flag or environment variable. */
export interface ServerConfig {
  port: number;
  host: string;
  storage: 'local' | 's3';
  storageDir: string;
  s3Bucket?: string;
  s3Prefix?: string;
  s3Endpoint?: string;
  s3Region?: string;
  s3ForcePathStyle: boolean;
  chartUrl?: string;
  htpasswd?: string;
  tokens?: string;
  requireAuthForReads: boolean;
  allowAnonymousWrite: boolean;
  allowOverwrite: boolean;
  disableForceOverwrite: boolean;
  maxUploadBytes: number;
  /** Seconds between syncs with storage (how soon other replicas' changes appear). */
  syncInterval: number;
  logLevel: string;
  /** Publish the example charts from this folder at start (npm start). */
  publishExamples?: string;
  /** Named repositories that exist from the start (others appear when something is published into them). */
  repositories: string[];
  /** Upload bytes the server holds at once, over all requests; past it, 503 with Retry-After. */
  uploadBudgetBytes: number;
  /** Failed logins per minute allowed from one client address, and for one user name, before 429. */
  authFailuresPerMinute: number;
  /** Seconds an OCI blob upload session may stay without activity before it expires and is deleted. */
  uploadSessionTtl: number;
  /** A file holding the OCI token signing key (at least 32 bytes); without it, one is kept in storage. */
  tokenKeyFile?: string;
  /** Seconds a web UI login session lasts (default 12 hours). */
  sessionTtl: number;
  /** A file holding the web UI's session signing key (at least 32 bytes); without it, one is kept in storage. */
  sessionKeyFile?: string;
  /** Public keys (a keyring file) chart pages verify provenance files with. */
  keyring?: string;
}

/** A configuration error: start-up stops with this one line. */
export class ConfigError extends Error {}

/** Flag name → environment variable, for docs and resolution. */
export const ENV_VARS: Record<string, string> = {
  port: 'CHARTROOM_PORT',
  host: 'CHARTROOM_HOST',
  storage: 'CHARTROOM_STORAGE',
  storageDir: 'CHARTROOM_STORAGE_DIR',
  s3Bucket: 'CHARTROOM_S3_BUCKET',
  s3Prefix: 'CHARTROOM_S3_PREFIX',
  s3Endpoint: 'CHARTROOM_S3_ENDPOINT',
  s3Region: 'CHARTROOM_S3_REGION',
  s3ForcePathStyle: 'CHARTROOM_S3_FORCE_PATH_STYLE',
  chartUrl: 'CHARTROOM_CHART_URL',
  htpasswd: 'CHARTROOM_HTPASSWD',
  tokens: 'CHARTROOM_TOKENS',
  requireAuthForReads: 'CHARTROOM_REQUIRE_AUTH_FOR_READS',
  allowAnonymousWrite: 'CHARTROOM_ALLOW_ANONYMOUS_WRITE',
  allowOverwrite: 'CHARTROOM_ALLOW_OVERWRITE',
  disableForceOverwrite: 'CHARTROOM_DISABLE_FORCE_OVERWRITE',
  maxUploadSize: 'CHARTROOM_MAX_UPLOAD_SIZE',
  syncInterval: 'CHARTROOM_SYNC_INTERVAL',
  logLevel: 'CHARTROOM_LOG_LEVEL',
  repositories: 'CHARTROOM_REPOSITORIES',
  uploadBudget: 'CHARTROOM_UPLOAD_BUDGET',
  authFailuresPerMinute: 'CHARTROOM_AUTH_FAILURES_PER_MINUTE',
  uploadSessionTtl: 'CHARTROOM_UPLOAD_SESSION_TTL',
  tokenKeyFile: 'CHARTROOM_TOKEN_KEY_FILE',
  sessionTtl: 'CHARTROOM_SESSION_TTL',
  sessionKeyFile: 'CHARTROOM_SESSION_KEY_FILE',
  keyring: 'CHARTROOM_KEYRING',
};

const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i;

/** Parses `20MiB`, `512k`, `1048576`. */
export function parseSize(text: string, what: string): number {
  const m = SIZE_RE.exec(text.trim());
  if (!m) throw new ConfigError(`${what}: ${JSON.stringify(text)} is not a size (e.g. 20MiB, 512k, 1048576)`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

function bool(v: unknown, what: string): boolean {
  if (v === undefined || v === false) return false;
  if (v === true) return true;
  const s = String(v).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
  throw new ConfigError(`${what}: ${JSON.stringify(v)} is not true or false`);
}

/** Flags win over environment variables, which win over defaults; every value is checked. */
export function resolveServerConfig(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const get = (name: string): unknown => (flags[name] !== undefined ? flags[name] : env[ENV_VARS[name]]);
  const str = (name: string): string | undefined => {
    const v = get(name);
    return v === undefined || v === '' ? undefined : String(v);
  };
  const port = Number(str('port') ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port: ${JSON.stringify(str('port'))} is not a port number`);
  const storage = (str('storage') ?? 'local') as ServerConfig['storage'];
  if (storage !== 'local' && storage !== 's3') throw new ConfigError(`--storage: ${JSON.stringify(storage)} is not local or s3`);
  const s3Bucket = str('s3Bucket');
  if (storage === 's3' && !s3Bucket) throw new ConfigError('--storage s3 needs --s3-bucket (or CHARTROOM_S3_BUCKET)');
  const chartUrl = str('chartUrl');
  if (chartUrl && !/^https?:\/\/[^\s]+$/.test(chartUrl)) throw new ConfigError(`--chart-url: ${JSON.stringify(chartUrl)} is not an http(s) URL`);
  const s3Endpoint = str('s3Endpoint');
  if (s3Endpoint && !/^https?:\/\/[^\s]+$/.test(s3Endpoint)) throw new ConfigError(`--s3-endpoint: ${JSON.stringify(s3Endpoint)} is not an http(s) URL`);
  for (const f of ['htpasswd', 'tokens', 'tokenKeyFile', 'keyring'] as const) {
    const file = str(f);
    if (file && !existsSync(file)) throw new ConfigError(`--${f === 'tokenKeyFile' ? 'token-key-file' : f}: ${file} does not exist`);
  }
  const syncInterval = Number(str('syncInterval') ?? 2);
  if (!(syncInterval > 0 && syncInterval <= 3600)) throw new ConfigError(`--sync-interval: ${JSON.stringify(str('syncInterval'))} must be a number of seconds between 0 and 3600`);
  const logLevel = str('logLevel') ?? 'info';
  const repositories = (str('repositories') ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of repositories) {
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(r)) throw new ConfigError(`--repositories: ${JSON.stringify(r)} is not a repository name (lowercase letters, digits, "-" and "_", at most 63)`);
  }
  const maxUploadBytes = parseSize(str('maxUploadSize') ?? '20MiB', '--max-upload-size');
  const uploadBudgetBytes = parseSize(str('uploadBudget') ?? '128MiB', '--upload-budget');
  if (uploadBudgetBytes < maxUploadBytes) throw new ConfigError(`--upload-budget (${uploadBudgetBytes} bytes) must be at least --max-upload-size (${maxUploadBytes} bytes)`);
  const authFailuresPerMinute = Number(str('authFailuresPerMinute') ?? 30);
  if (!Number.isInteger(authFailuresPerMinute) || authFailuresPerMinute < 1) throw new ConfigError(`--auth-failures-per-minute: ${JSON.stringify(str('authFailuresPerMinute'))} must be a whole number of at least 1`);
  const uploadSessionTtl = Number(str('uploadSessionTtl') ?? 3600);
  if (!(uploadSessionTtl > 0 && uploadSessionTtl <= 7 * 86400)) throw new ConfigError(`--upload-session-ttl: ${JSON.stringify(str('uploadSessionTtl'))} must be a number of seconds between 0 and 604800`);
  const tokenKeyFile = str('tokenKeyFile');
  if (tokenKeyFile && statSync(tokenKeyFile).size < 32) throw new ConfigError(`--token-key-file: ${tokenKeyFile} must hold at least 32 bytes (e.g. head -c 32 /dev/urandom > FILE)`);
  const sessionTtl = Number(str('sessionTtl') ?? 12 * 3600);
  if (!(Number.isInteger(sessionTtl) && sessionTtl >= 60 && sessionTtl <= 30 * 86400)) throw new ConfigError(`--session-ttl: ${JSON.stringify(str('sessionTtl'))} must be a whole number of seconds between 60 and 2592000 (30 days)`);
  const sessionKeyFile = str('sessionKeyFile');
  if (sessionKeyFile && !existsSync(sessionKeyFile)) throw new ConfigError(`--session-key-file: ${sessionKeyFile} does not exist`);
  if (sessionKeyFile && statSync(sessionKeyFile).size < 32) throw new ConfigError(`--session-key-file: ${sessionKeyFile} must hold at least 32 bytes (e.g. head -c 32 /dev/urandom > FILE)`);
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) throw new ConfigError(`--log-level: ${JSON.stringify(logLevel)} is not one of fatal, error, warn, info, debug, trace, silent`);
  return {
    port,
    host: str('host') ?? '0.0.0.0',
    storage,
    storageDir: str('storageDir') ?? './data',
    s3Bucket,
    s3Prefix: str('s3Prefix'),
    s3Endpoint,
    s3Region: str('s3Region'),
    s3ForcePathStyle: bool(get('s3ForcePathStyle'), '--s3-force-path-style'),
    chartUrl,
    htpasswd: str('htpasswd'),
    tokens: str('tokens'),
    requireAuthForReads: bool(get('requireAuthForReads'), '--require-auth-for-reads'),
    allowAnonymousWrite: bool(get('allowAnonymousWrite'), '--allow-anonymous-write'),
    allowOverwrite: bool(get('allowOverwrite'), '--allow-overwrite'),
    disableForceOverwrite: bool(get('disableForceOverwrite'), '--disable-force-overwrite'),
    maxUploadBytes,
    syncInterval,
    logLevel,
    publishExamples: str('publishExamples'),
    repositories,
    uploadBudgetBytes,
    authFailuresPerMinute,
    uploadSessionTtl,
    tokenKeyFile,
    sessionTtl,
    sessionKeyFile,
    keyring: str('keyring'),
  };
}
