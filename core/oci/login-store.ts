import { childProcess } from '../builtin.js';
import { readFileSync } from 'node:fs';
import { ChartroomError, describeSystemError } from '../errors.js';
import { writeFileAtomic } from '../atomic-file.js';

/**
 * Registry credentials: Chartroom's own file (`registry/config.json` in the config folder, Docker's format,
 * mode 0600), then Docker's `config.json` with its credential helpers (`credHelpers`, `credsStore`), as
 * helm and docker read them. Secrets never leave this module except towards the registry.
 */

/** What a registry is answered with: a user and password, or tokens (Docker's identity and registry tokens). */
export interface RegistryCredential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (Docker's `identitytoken`; a helper's `<token>` user). */
  identityToken?: string;
  /** A token to send as is (Docker's `registrytoken`). */
  registryToken?: string;
}

/** Where a credential was found, for debug lines (never the secret). */
export interface FoundCredential {
  credential: RegistryCredential;
  source: string;
}

/** One entry of Docker's `auths`. */
interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** Docker's config.json, the parts about registries. */
export interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [other: string]: unknown;
}

export interface CredentialStoreOptions {
  /** Chartroom's registry credentials file (written by `chart registry login`). */
  file: string;
  /** Docker's config.json ($DOCKER_CONFIG/config.json or ~/.docker/config.json), read only. */
  dockerConfigFile?: string;
  /** How long a credential helper may take. */
  helperTimeoutMs?: number;
  /** Where to say that a helper failed and the registry is tried without credentials. */
  warn?: (message: string) => void;
}

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The registry host a config key stands for: `https://host/v1/` and `host` alike. */
export function hostOfKey(key: string): string {
  let k = key.trim();
  const scheme = k.indexOf('://');
  if (scheme >= 0) k = k.slice(scheme + 3);
  const slash = k.indexOf('/');
  if (slash >= 0) k = k.slice(0, slash);
  return k.toLowerCase();
}

/** The keys a host may be stored under: itself, and Docker Hub's historical key for Docker Hub. */
function keysFor(host: string): string[] {
  return DOCKER_HUB_HOSTS.has(host) ? [host, DOCKER_HUB_KEY] : [host];
}

/** A credential from one `auths` entry; undefined when the entry holds none (a marker for a credsStore). */
export function credentialOfEntry(entry: AuthEntry): RegistryCredential | undefined {
  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  const cred: RegistryCredential = {};
  if (entry.identitytoken) cred.identityToken = entry.identitytoken;
  if (entry.registrytoken) cred.registryToken = entry.registrytoken;
  if (username !== undefined && password !== undefined && (username !== '' || password !== '')) {
    cred.username = username;
    cred.password = password;
  }
  return Object.keys(cred).length ? cred : undefined;
}

/** The entry of `auths` for a host, whatever form its key takes. */
function entryFor(auths: Record<string, AuthEntry> | undefined, host: string): AuthEntry | undefined {
  if (!auths || typeof auths !== 'object') return undefined;
  const wanted = new Set(keysFor(host).map(hostOfKey));
  for (const [key, entry] of Object.entries(auths)) if (wanted.has(hostOfKey(key)) && entry && typeof entry === 'object') return entry;
  return undefined;
}

function readConfig(file: string, what: string): DockerConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw describeSystemError(e, file, what);
  }
  if (text.trim() === '') return {};
  try {
    const doc = JSON.parse(text) as unknown;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not a JSON object');
    return doc as DockerConfigFile;
  } catch (e) {
    throw new ChartroomError('FILE_ACCESS', `${what} ${file} is not valid JSON: ${(e as Error).message}`, { file });
  }
}

/** Runs a credential helper by the protocol docker defines: `get` with the server URL on stdin, JSON on stdout. */
export function runCredentialHelper(helper: string, server: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = childProcess().execFile(`docker-credential-${helper}`, ['get'], { timeout: timeoutMs, maxBuffer: 1024 * 1024, windowsHide: true }, (err, stdout) => {
      if (err) reject(Object.assign(err, { stdout }));
      else resolve(stdout);
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(server);
  });
}

/** Registry credentials: Chartroom's file first, then Docker's configuration and helpers. */
export class RegistryCredentialStore {
  constructor(private readonly opts: CredentialStoreOptions) {}

  get file(): string {
    return this.opts.file;
  }

  private own(): DockerConfigFile {
    return readConfig(this.opts.file, 'registry credentials');
  }

  /** The credential for a registry host, and where it came from; undefined when none is configured. */
  async find(host: string): Promise<FoundCredential | undefined> {
    const mine = entryFor(this.own().auths, host);
    const cred = mine && credentialOfEntry(mine);
    if (cred) return { credential: cred, source: this.opts.file };
    if (!this.opts.dockerConfigFile) return undefined;
    const docker = readConfig(this.opts.dockerConfigFile, "Docker's config");
    const helpers = docker.credHelpers && typeof docker.credHelpers === 'object' ? docker.credHelpers : {};
    const helperKey = Object.keys(helpers).find((k) => keysFor(host).some((h) => hostOfKey(k) === hostOfKey(h)));
    const helper = helperKey ? helpers[helperKey] : docker.credsStore;
    if (typeof helper === 'string' && helper) {
      const viaHelper = await this.fromHelper(helper, helperKey ?? (DOCKER_HUB_HOSTS.has(host) ? DOCKER_HUB_KEY : host));
      if (viaHelper) return { credential: viaHelper, source: `docker-credential-${helper}` };
      if (helperKey) return undefined;
    }
    const entry = entryFor(docker.auths, host);
    const fromFile = entry && credentialOfEntry(entry);
    return fromFile ? { credential: fromFile, source: this.opts.dockerConfigFile } : undefined;
  }

  private async fromHelper(helper: string, server: string): Promise<RegistryCredential | undefined> {
    if (!HELPER_NAME.test(helper)) throw new ChartroomError('CREDENTIAL_HELPER', `Docker's config names the credential helper ${JSON.stringify(helper)}, which is not a valid helper name`, { file: this.opts.dockerConfigFile });
    let out: string;
    try {
      out = await runCredentialHelper(helper, server, this.opts.helperTimeoutMs ?? 10_000);
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stdout?: string; killed?: boolean; signal?: string };
      // The helper's own answer for "nothing stored for this server".
      if (/credentials not found/i.test(err.stdout ?? '') || /credentials not found/i.test(err.message)) return undefined;
      const why = err.code === 'ENOENT' ? `docker-credential-${helper} is not on PATH` : err.killed || err.signal ? `docker-credential-${helper} did not answer within ${(this.opts.helperTimeoutMs ?? 10_000) / 1000}s` : `docker-credential-${helper} get failed (exit ${String(err.code)})`;
      this.opts.warn?.(`${why}; trying ${server} without credentials`);
      return undefined;
    }
    let answer: { Username?: unknown; Secret?: unknown };
    try {
      answer = JSON.parse(out) as { Username?: unknown; Secret?: unknown };
    } catch {
      throw new ChartroomError('CREDENTIAL_HELPER', `docker-credential-${helper} get answered something that is not JSON for ${server}`);
    }
    if (typeof answer.Secret !== 'string' || answer.Secret === '') return undefined;
    if (answer.Username === '<token>') return { identityToken: answer.Secret };
    return { username: typeof answer.Username === 'string' ? answer.Username : '', password: answer.Secret };
  }

  /** Saves a user and password for a host in Chartroom's file (0600, written atomically); other entries stay. */
  save(host: string, username: string, password: string): void {
    const doc = this.own();
    const auths: Record<string, AuthEntry> = doc.auths && typeof doc.auths === 'object' ? { ...doc.auths } : {};
    for (const k of Object.keys(auths)) if (hostOfKey(k) === host) delete auths[k];
    auths[host] = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
    writeFileAtomic(this.opts.file, `${JSON.stringify({ ...doc, auths }, null, '\t')}\n`, 0o600);
  }

  /** Removes a host's credentials from Chartroom's file; false when there were none. */
  remove(host: string): boolean {
    const doc = this.own();
    const auths: Record<string, AuthEntry> = doc.auths && typeof doc.auths === 'object' ? { ...doc.auths } : {};
    const keys = Object.keys(auths).filter((k) => hostOfKey(k) === host);
    if (keys.length === 0) return false;
    for (const k of keys) delete auths[k];
    writeFileAtomic(this.opts.file, `${JSON.stringify({ ...doc, auths }, null, '\t')}\n`, 0o600);
    return true;
  }
}
