import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { ChartroomError } from '../errors.js';
import { jsYaml } from '../yaml.js';

/** Where the cluster settings come from, as kubectl looks for them. */
export interface KubeConfigOptions {
  /** `--kubeconfig`: exactly this file; KUBECONFIG and ~/.kube/config are then not read. */
  kubeconfig?: string;
  /** `--kube-context`: instead of the kubeconfig's current-context. */
  context?: string;
  /** `-n`: instead of the context's namespace. */
  namespace?: string;
  /**
   * The environment: KUBECONFIG (files joined by `:`), HOME (for ~/.kube/config), and KUBERNETES_SERVICE_HOST /
   * KUBERNETES_SERVICE_PORT (in a Pod, when there is no kubeconfig) are read from it; nothing else.
   */
  env: NodeJS.ProcessEnv;
  /** The in-cluster service account folder (tests point it elsewhere). */
  serviceAccountDir?: string;
}

/** One context of a kubeconfig, resolved: the library's config narrowed to it, for authentication. */
export interface KubeTarget {
  /** Holds only the chosen context, its cluster and its user (the current context). */
  config: KubeConfig;
  context: string;
  /** The cluster's URL without a trailing slash (it may carry a path prefix). */
  server: string;
  namespace: string;
  /** The files read, or `in-cluster service account`, for messages. */
  source: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Finds and reads the kubeconfig as kubectl does, and picks the context; KUBECONFIG errors name the file. */
export function loadKubeTarget(opts: KubeConfigOptions): KubeTarget {
  const { files, explicit } = kubeconfigFiles(opts);
  if (files.length === 0) {
    const inCluster = inClusterConfig(opts);
    if (inCluster) return narrow(inCluster, 'in-cluster service account', opts);
    throw new ChartroomError('KUBECONFIG', `no kubeconfig found: --kubeconfig was not given, KUBECONFIG is not set, ${join(home(opts.env), '.kube', 'config')} does not exist, and this is not a Pod in a cluster`, {
      hint: 'pass --kubeconfig FILE or set KUBECONFIG',
    });
  }
  const present = files.filter((f) => existsSync(f));
  // kubectl skips KUBECONFIG entries that do not exist, but a file named with --kubeconfig must be there.
  if (explicit && present.length === 0) throw new ChartroomError('KUBECONFIG', `kubeconfig ${files[0]} does not exist`);
  if (present.length === 0) throw new ChartroomError('KUBECONFIG', `none of the kubeconfig files in KUBECONFIG exist: ${files.join(', ')}`);
  const merged = mergeFiles(present);
  return narrow(merged, present.join(delimiter), opts);
}

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

function kubeconfigFiles(opts: KubeConfigOptions): { files: string[]; explicit: boolean } {
  if (opts.kubeconfig) return { files: [opts.kubeconfig], explicit: true };
  const fromEnv = (opts.env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  if (fromEnv.length) return { files: [...new Set(fromEnv)], explicit: false };
  const byDefault = join(home(opts.env), '.kube', 'config');
  return { files: existsSync(byDefault) ? [byDefault] : [], explicit: false };
}

/** Reads one kubeconfig file; relative paths in it are taken from its folder, as kubectl does. */
function readFile(file: string): KubeConfig {
  let raw: unknown;
  try {
    raw = jsYaml().load(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code) throw new ChartroomError('KUBECONFIG', `kubeconfig ${file} cannot be read: ${err.message}`, { cause: e });
    throw new ChartroomError('KUBECONFIG', `kubeconfig ${file} is not valid YAML: ${err.message.split('\n')[0]}`);
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ChartroomError('KUBECONFIG', `kubeconfig ${file} is not a kubeconfig (a YAML mapping with clusters, users and contexts)`);
  const doc = raw as Record<string, unknown>;
  for (const list of ['clusters', 'users', 'contexts']) {
    if (doc[list] !== undefined && doc[list] !== null && !Array.isArray(doc[list])) throw new ChartroomError('KUBECONFIG', `kubeconfig ${file}: ${list} must be a list`);
  }
  // kubectl's `tokenFile` (read on each request, relative to the kubeconfig's folder); the library knows the
  // same thing as a token-file auth provider.
  for (const u of (doc.users as { user?: Record<string, unknown> }[] | undefined) ?? []) {
    const tokenFile = u?.user?.tokenFile;
    if (typeof tokenFile === 'string' && !u.user!.token && !u.user!['auth-provider']) {
      u.user!['auth-provider'] = { name: 'tokenFile', config: { tokenFile: isAbsolute(tokenFile) ? tokenFile : join(dirname(file), tokenFile) } };
    }
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromString(JSON.stringify(doc));
  } catch (e) {
    throw new ChartroomError('KUBECONFIG', `kubeconfig ${file} is invalid: ${(e as Error).message}`, { cause: e });
  }
  kc.makePathsAbsolute(dirname(file));
  return kc;
}

/** Merges files as kubectl does: the first file to name a cluster, user or context (or the current-context) wins. */
function mergeFiles(files: string[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let current: string | undefined;
  for (const file of files) {
    const kc = readFile(file);
    for (const c of kc.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
    current ||= kc.getCurrentContext() || undefined;
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext: current });
  return merged;
}

/** A Pod's own service account, when KUBERNETES_SERVICE_HOST says we run in one and its token is there. */
function inClusterConfig(opts: KubeConfigOptions): KubeConfig | undefined {
  const host = opts.env.KUBERNETES_SERVICE_HOST;
  const port = opts.env.KUBERNETES_SERVICE_PORT || '443';
  const dir = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (!host) return undefined;
  if (!existsSync(join(dir, 'token'))) {
    throw new ChartroomError('KUBECONFIG', `no kubeconfig found, and KUBERNETES_SERVICE_HOST is set but there is no service account token at ${join(dir, 'token')}`, { hint: 'pass --kubeconfig FILE or set KUBECONFIG' });
  }
  const nsFile = join(dir, 'namespace');
  const namespace = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() || undefined : undefined;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'in-cluster', server: `https://${isIP(host) === 6 ? `[${host}]` : host}:${port}`, caFile: join(dir, 'ca.crt'), skipTLSVerify: false }],
    // The token is re-read as it rotates (the library's token-file provider).
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: join(dir, 'token') } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster', namespace }],
    currentContext: 'in-cluster',
  });
  return kc;
}

/** Picks the context and checks that what it names is there; the result holds only that context. */
function narrow(kc: KubeConfig, source: string, opts: KubeConfigOptions): KubeTarget {
  const contexts = kc.getContexts();
  const name = opts.context || kc.getCurrentContext();
  const available = contexts.length ? contexts.map((c) => c.name).join(', ') : 'none';
  if (!name) throw new ChartroomError('KUBECONFIG', `kubeconfig ${source} sets no current-context; pass --kube-context (contexts: ${available})`);
  const ctx = contexts.find((c) => c.name === name);
  if (!ctx) throw new ChartroomError('KUBECONFIG', `context "${name}" is not in kubeconfig ${source} (contexts: ${available})`);
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) throw new ChartroomError('KUBECONFIG', `context "${name}" names cluster "${ctx.cluster}", which is not in kubeconfig ${source}`);
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch {
    throw new ChartroomError('KUBECONFIG', `cluster "${cluster.name}" in kubeconfig ${source} has an invalid server URL: ${cluster.server}`);
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') {
    throw new ChartroomError('KUBECONFIG', `cluster "${cluster.name}" in kubeconfig ${source}: the server must be an http(s) URL, not ${cluster.server}`);
  }
  // A context may name a user that is not there: kubectl then connects without credentials.
  const user: User = (ctx.user ? kc.getUser(ctx.user) : null) ?? { name: ctx.user || 'anonymous' };
  for (const [what, path] of [
    ['certificate-authority', cluster.caFile],
    ['client-certificate', user.certFile],
    ['client-key', user.keyFile],
  ] as const) {
    if (path && !existsSync(path)) throw new ChartroomError('KUBECONFIG', `context "${name}" in kubeconfig ${source}: its ${what} file ${path} does not exist`);
  }
  const narrowed = new KubeConfig();
  narrowed.loadFromOptions({
    // TLS settings mean nothing to a plain-http server, and the library refuses one unless told to skip them.
    clusters: [server.protocol === 'http:' ? { ...cluster, skipTLSVerify: true } : cluster],
    users: [user],
    contexts: [ctx],
    currentContext: ctx.name,
  });
  return { config: narrowed, context: ctx.name, server: cluster.server.replace(/\/+$/, ''), namespace: opts.namespace || ctx.namespace || 'default', source };
}
