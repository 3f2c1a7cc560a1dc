import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createSign, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { freePort } from '../setup/ports.js';

const run = promisify(execFile);

/**
 * The reference OCI registry (distribution 2.8, Debian's `docker-registry`) for the OCI client tests, with the
 * servers around it that a real deployment has: a token service (JWTs signed with node:crypto, checked by the
 * registry against our certificate), blob storage the registry redirects downloads to, and certificates for
 * TLS and client certificates (made with openssl).
 */

const DEBIAN_BIN = '/usr/bin/docker-registry';
const HOW = 'OCI tests need the distribution registry: run them as root on Debian (they install docker-registry), run apt-get install -y docker-registry, or set CHARTROOM_TEST_OCI_REGISTRY to a distribution registry binary (`registry serve CONFIG`, v2.8)';

/** The registry binary: CHARTROOM_TEST_OCI_REGISTRY, else Debian's docker-registry, installed when missing (as root). */
export function registryBinary(): string {
  const named = process.env.CHARTROOM_TEST_OCI_REGISTRY;
  if (named) {
    if (!existsSync(named)) throw new Error(`CHARTROOM_TEST_OCI_REGISTRY=${named} does not exist. ${HOW}`);
    return named;
  }
  if (existsSync(DEBIAN_BIN)) return DEBIAN_BIN;
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) throw new Error(`${DEBIAN_BIN} is missing and this is not root on Debian. ${HOW}`);
  try {
    execFileSync('apt-get', ['install', '-y', 'docker-registry'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    try {
      execFileSync('apt-get', ['update'], { stdio: 'ignore' });
      execFileSync('apt-get', ['install', '-y', 'docker-registry'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch (e) {
      throw new Error(`apt-get install -y docker-registry failed (${(e as Error).message.split('\n')[0]}). ${HOW}`);
    }
  }
  if (!existsSync(DEBIAN_BIN)) throw new Error(`apt-get installed docker-registry, but ${DEBIAN_BIN} is still missing. ${HOW}`);
  return DEBIAN_BIN;
}

export interface RegistryOptions {
  /** A folder of its own: storage, config and auth files go inside. */
  dir: string;
  /** htpasswd (bcrypt) Basic auth with these users. */
  users?: Record<string, string>;
  /** Token auth: the realm and the certificate the tokens are signed with. */
  token?: { realm: string; service: string; issuer: string; certFile: string };
  /** Serve HTTPS with this certificate; with a client CA, every client must show a certificate it signed. */
  tls?: { certFile: string; keyFile: string; clientCaFile?: string };
  /** Blob downloads are redirected here (distribution's `redirect` storage middleware). */
  redirectTo?: string;
}

export interface RunningDockerRegistry {
  /** `127.0.0.1:PORT`. */
  host: string;
  /** `http(s)://127.0.0.1:PORT`. */
  url: string;
  /** Where the registry keeps its files (`docker/registry/v2/...`). */
  dataDir: string;
  logs: () => string;
  stop: () => Promise<void>;
}

function configYaml(opts: RegistryOptions, port: number, dataDir: string): string {
  const lines = ['version: 0.1', 'log:', '  level: info', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:', `    rootdirectory: ${dataDir}`, '  delete:', '    enabled: true'];
  if (opts.redirectTo) lines.push('middleware:', '  storage:', '    - name: redirect', '      options:', `        baseurl: ${opts.redirectTo}`);
  lines.push('http:', `  addr: 127.0.0.1:${port}`);
  if (opts.tls) {
    lines.push('  tls:', `    certificate: ${opts.tls.certFile}`, `    key: ${opts.tls.keyFile}`);
    if (opts.tls.clientCaFile) lines.push('    clientcas:', `      - ${opts.tls.clientCaFile}`);
  }
  if (opts.users) {
    const file = join(opts.dir, 'htpasswd');
    writeFileSync(file, Object.entries(opts.users).map(([u, p]) => `${u}:${bcrypt.hashSync(p, 5)}\n`).join(''));
    lines.push('auth:', '  htpasswd:', '    realm: chartroom-test', `    path: ${file}`);
  } else if (opts.token) {
    lines.push('auth:', '  token:', `    realm: ${opts.token.realm}`, `    service: ${opts.token.service}`, `    issuer: ${opts.token.issuer}`, `    rootcertbundle: ${opts.token.certFile}`);
  }
  return lines.join('\n') + '\n';
}

/** Starts one registry on 127.0.0.1 and a free port; resolves once it listens. */
export async function startDockerRegistry(opts: RegistryOptions): Promise<RunningDockerRegistry> {
  const bin = registryBinary();
  mkdirSync(opts.dir, { recursive: true });
  const dataDir = join(opts.dir, 'data');
  const port = await freePort();
  const config = join(opts.dir, 'config.yml');
  writeFileSync(config, configYaml(opts, port, dataDir));
  const child: ChildProcess = spawn(bin, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      log += d.toString();
      if (/listening on/.test(log)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${bin} serve ${config} exited (${code}) before listening:\n${log}`)));
    child.once('error', reject);
    setTimeout(() => reject(new Error(`${bin} did not listen within 20s:\n${log}`)), 20_000).unref();
  });
  try {
    await listening;
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const host = `127.0.0.1:${port}`;
  return {
    host,
    url: `${opts.tls ? 'https' : 'http'}://${host}`,
    dataDir,
    logs: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/** The file a blob (or manifest) is stored in, so a test can tamper with it. */
export function blobFile(reg: RunningDockerRegistry, digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  return join(reg.dataDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}

/** Certificates for the tests, made with openssl: a token signing certificate, a CA, a server and a client certificate. */
export interface TestCerts {
  tokenKey: string;
  tokenCert: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (e) {
    throw new Error(`openssl ${args[0]} failed (the OCI tests make their certificates with openssl): ${(e as Error & { stderr?: string }).stderr ?? (e as Error).message}`);
  }
}

export async function makeCerts(dir: string): Promise<TestCerts> {
  mkdirSync(dir, { recursive: true });
  const f = (n: string) => join(dir, n);
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'token.key', '-out', 'token.crt', '-days', '2', '-subj', '/CN=chartroom-test-token-issuer'], dir);
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=chartroom-test-ca'], dir);
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  writeFileSync(f('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [
    ['server', '127.0.0.1'],
    ['client', 'chartroom-test-client'],
  ]) {
    await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
    await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`], dir);
  }
  return { tokenKey: f('token.key'), tokenCert: f('token.crt'), ca: f('ca.crt'), serverCert: f('server.crt'), serverKey: f('server.key'), clientCert: f('client.crt'), clientKey: f('client.key') };
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

/** What the token service saw of one request (never the secrets). */
export interface TokenRequest {
  method: string;
  grant?: string;
  user?: string;
  scopes: string[];
  granted: boolean;
}

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  requests: TokenRequest[];
  /** Answer GET with 405, as an OAuth2-only service does (clients must POST). */
  oauthOnly: boolean;
  stop: () => Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/**
 * A distribution token service: GET with Basic credentials (or none: anonymous pulls), and OAuth2 POST with
 * `grant_type=password` or `refresh_token`. Users get what they ask for; anonymous callers get `pull` only.
 * Tokens are RS256 JWTs with the signing certificate in `x5c`, which the registry checks against its bundle.
 */
export async function startTokenServer(opts: { users: Record<string, string>; refreshTokens?: Record<string, string>; certs: TestCerts }): Promise<TokenServer> {
  const key = readFileSync(opts.certs.tokenKey);
  const certDer = new X509Certificate(readFileSync(opts.certs.tokenCert)).raw;
  const port = await freePort();
  const state: TokenServer = { realm: `http://127.0.0.1:${port}/token`, service: 'chartroom-test-registry', issuer: 'chartroom-test-issuer', requests: [], oauthOnly: false, stop: async () => undefined };

  const issue = (user: string | undefined, scopes: string[]) => {
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.map((s) => {
      const last = s.lastIndexOf(':');
      const first = s.indexOf(':');
      const actions = s.slice(last + 1).split(',').filter((a) => (user ? true : a === 'pull'));
      return { type: s.slice(0, first), name: s.slice(first + 1, last), actions };
    });
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] };
    const claims = { iss: state.issuer, sub: user ?? '', aud: state.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(input).sign(key);
    return `${input}.${b64url(signature)}`;
  };
  const deny = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', state.realm);
    if (url.pathname !== '/token') return deny(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'no such endpoint' }] });
    if (req.method === 'GET') {
      const scopes = url.searchParams.getAll('scope');
      if (state.oauthOnly) {
        state.requests.push({ method: 'GET', scopes, granted: false });
        return deny(res, 405, { error: 'unsupported_method', error_description: 'use POST' });
      }
      const auth = req.headers.authorization;
      let user: string | undefined;
      if (auth?.startsWith('Basic ')) {
        const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const [u, p] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
        if (opts.users[u] !== p) {
          state.requests.push({ method: 'GET', user: u, scopes, granted: false });
          return deny(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] });
        }
        user = u;
      }
      state.requests.push({ method: 'GET', user, scopes, granted: true });
      const token = issue(user, scopes);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
    }
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const grant = form.get('grant_type') ?? '';
      const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      let user: string | undefined;
      if (grant === 'password' && opts.users[form.get('username') ?? ''] === form.get('password')) user = form.get('username')!;
      if (grant === 'refresh_token') user = Object.entries(opts.refreshTokens ?? {}).find(([, t]) => t === form.get('refresh_token'))?.[0];
      state.requests.push({ method: 'POST', grant, user: user ?? form.get('username') ?? undefined, scopes, granted: !!user });
      if (!user) return deny(res, 401, { error: 'invalid_grant', error_description: 'bad credentials' });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ access_token: issue(user, scopes), expires_in: 300 }));
    }
    deny(res, 405, { error: 'method not allowed' });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  state.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/** Blob storage a registry redirects downloads to: serves files of its data folder, and records the headers it got. */
export async function startBlobStorage(dataDir: string, address = '127.0.0.2'): Promise<{ url: string; seen: { path: string; authorization?: string }[]; stop: () => Promise<void> }> {
  const seen: { path: string; authorization?: string }[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    seen.push({ path, authorization: req.headers.authorization });
    const file = join(dataDir, path);
    if (path.includes('..') || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      return res.end();
    }
    const data = readFileSync(file);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': data.length });
    res.end(req.method === 'HEAD' ? undefined : data);
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://${address}:${port}`, seen, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * A front for a registry that pages `GET /v2/NAME/tags/list` as the distribution spec describes (`n`, `last`,
 * `Link: <…>; rel="next"`), `pageSize` tags a page when the client names no `n`. distribution 2.8 answers every
 * tag at once whatever `n` says, so without this the client's paging would go untested. Everything else is
 * passed through unchanged (the registry builds its Location URLs from the Host header, which is kept).
 */
export async function startPagingFront(upstream: string, pageSize: number): Promise<{ host: string; tagRequests: string[]; stop: () => Promise<void> }> {
  const up = new URL(upstream);
  const tagRequests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://front');
    const forward = (path: string, done: (status: number, headers: IncomingMessage['headers'], body: Buffer) => void) => {
      const out = httpRequest({ host: up.hostname, port: up.port, method: req.method, path, headers: req.headers }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => done(r.statusCode ?? 502, r.headers, Buffer.concat(chunks)));
      });
      req.pipe(out);
    };
    const tags = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    if (req.method === 'GET' && tags) {
      tagRequests.push(url.search);
      return forward(url.pathname, (status, headers, body) => {
        if (status !== 200) {
          res.writeHead(status, headers);
          return res.end(body);
        }
        const all = ((JSON.parse(body.toString()) as { tags?: string[] }).tags ?? []).sort();
        const n = Number(url.searchParams.get('n') ?? pageSize);
        const last = url.searchParams.get('last');
        const from = last === null ? 0 : all.findIndex((t) => t > last);
        const page = from < 0 ? [] : all.slice(from, from + n);
        const more = from >= 0 && from + n < all.length;
        const h: Record<string, string> = { 'Content-Type': 'application/json' };
        if (more) h.Link = `</v2/${tags[1]}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1])}>; rel="next"`;
        res.writeHead(200, h);
        res.end(JSON.stringify({ name: tags[1], tags: page }));
      });
    }
    forward(req.url ?? '/', (status, headers, body) => {
      res.writeHead(status, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { host: `127.0.0.1:${port}`, tagRequests, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
