import { ChartroomError } from '../errors.js';
import { DIGEST_RE, TAG_RE } from './format.js';

/**
 * References to charts in OCI registries, as Helm writes them: `oci://HOST[:PORT]/PATH/NAME[:TAG][@DIGEST]`.
 * Parsed by hand, one character class at a time, so a long or hostile argument costs linear time.
 */

/** A chart (a repository of a registry) and, when the reference names one, its tag or digest. */
export interface OciReference {
  /** `host[:port]`, the host in lower case: what credentials are stored under. */
  registry: string;
  /** The repository inside the registry: `path/name`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Where `chart push` puts charts: a registry and a namespace (`oci://host/team` → `team`, possibly empty). */
export interface OciTarget {
  registry: string;
  namespace: string;
}

const SCHEME = 'oci://';
/** The distribution spec caps a repository name with its registry at 255 characters. */
const MAX_NAME = 255;

/** A reference for messages, with any user:password@ part blanked out (it must never be printed). */
export function redactReference(ref: string): string {
  const rest = ref.startsWith(SCHEME) ? ref.slice(SCHEME.length) : ref;
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const at = host.lastIndexOf('@');
  if (at < 0) return ref;
  return `${ref.startsWith(SCHEME) ? SCHEME : ''}***@${rest.slice(at + 1)}`;
}

function refuse(ref: string, why: string, hint?: string): never {
  throw new ChartroomError('OCI_REFERENCE', `${redactReference(ref)}: ${why}`, { hint: hint ?? 'write oci://HOST[:PORT]/PATH/NAME, e.g. oci://registry.example.com/charts/web' });
}

const isLowerAlnum = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);

/**
 * One path component of a repository name: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, checked in one pass.
 * Returns a reason when it is not one.
 */
export function componentProblem(c: string): string | undefined {
  if (c === '') return 'has an empty path component';
  let i = 0;
  for (;;) {
    const start = i;
    while (i < c.length && isLowerAlnum(c.charCodeAt(i))) i++;
    if (i === start) break;
    if (i === c.length) return undefined;
    const sep = i;
    const ch = c[i];
    if (ch === '.') i++;
    else if (ch === '_') i += c[i + 1] === '_' ? 2 : 1;
    else if (ch === '-') while (c[i] === '-') i++;
    else break;
    if (i === c.length || !isLowerAlnum(c.charCodeAt(i))) {
      i = sep;
      break;
    }
  }
  const bad = c[i];
  if (bad !== undefined && bad >= 'A' && bad <= 'Z') return `${JSON.stringify(c)} has upper-case letters; OCI repository names are lower case`;
  return `${JSON.stringify(c)} is not a valid repository name component (lower-case letters and digits, separated by ".", "_", "__" or dashes)`;
}

/** Checks `host[:port]` (or `[ipv6]:port`) and returns it with the host in lower case. */
export function checkRegistryHost(host: string, ref: string): string {
  if (host === '') refuse(ref, 'has no registry host');
  if (host.includes('@')) refuse(ref, 'holds credentials; they do not belong in a reference', 'log in with chart registry login HOST instead');
  let name = host;
  let port: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) refuse(ref, `${JSON.stringify(host)} is not a valid registry host`);
    name = host.slice(0, close + 1);
    const rest = host.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) refuse(ref, `${JSON.stringify(host)} is not a valid registry host`);
      port = rest.slice(1);
    }
    if (!/^\[[0-9A-Fa-f:.]+\]$/.test(name)) refuse(ref, `${JSON.stringify(host)} is not a valid registry host`);
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) {
      name = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
    const labels = name.split('.');
    if (name.length > 253 || labels.some((l) => !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l))) refuse(ref, `${JSON.stringify(host)} is not a valid registry host`);
  }
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) refuse(ref, `${JSON.stringify(port)} is not a valid port`);
  return `${name.toLowerCase()}${port !== undefined ? `:${port}` : ''}`;
}

/** Checks a repository path (`path/name`), component by component. */
function checkRepository(repository: string, registry: string, ref: string): void {
  for (const c of repository.split('/')) {
    const problem = componentProblem(c);
    if (problem) refuse(ref, problem);
  }
  if (registry.length + 1 + repository.length > MAX_NAME) refuse(ref, `the name is longer than ${MAX_NAME} characters`);
}

/** Parses `oci://HOST[:PORT]/PATH/NAME[:TAG][@sha256:…]`; throws OCI_REFERENCE naming what is wrong. */
export function parseOciReference(ref: string): OciReference {
  if (!ref.startsWith(SCHEME)) refuse(ref, 'is not an oci:// reference');
  if (ref.length > 2 * MAX_NAME + 200) refuse(ref.slice(0, 80) + '…', 'is too long');
  const rest = ref.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  if (slash < 0) refuse(ref, 'names a registry but no chart');
  const registry = checkRegistryHost(rest.slice(0, slash), ref);
  let path = rest.slice(slash + 1);
  let digest: string | undefined;
  const at = path.indexOf('@');
  if (at >= 0) {
    digest = path.slice(at + 1);
    path = path.slice(0, at);
    if (!DIGEST_RE.test(digest)) refuse(ref, `${JSON.stringify(digest)} is not a digest (sha256: and 64 lower-case hex digits)`);
  }
  let tag: string | undefined;
  const lastSlash = path.lastIndexOf('/');
  const colon = path.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG_RE.test(tag)) refuse(ref, `${JSON.stringify(tag)} is not a valid tag`);
  }
  if (path === '' || path.endsWith('/')) refuse(ref, 'names no chart');
  checkRepository(path, registry, ref);
  return { registry, repository: path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Parses a push destination `oci://HOST[:PORT][/PATH]`: no tag or digest (the chart's version is the tag). */
export function parseOciTarget(target: string): OciTarget {
  if (!target.startsWith(SCHEME)) refuse(target, 'is not an oci:// reference', 'e.g. chart push web-1.0.0.tgz oci://registry.example.com/charts');
  const rest = target.slice(SCHEME.length).replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  const registry = checkRegistryHost(slash < 0 ? rest : rest.slice(0, slash), target);
  const namespace = slash < 0 ? '' : rest.slice(slash + 1);
  if (namespace.includes('@') || namespace.slice(namespace.lastIndexOf('/') + 1).includes(':')) {
    refuse(target, 'names a tag or digest; push takes the place only, the chart version becomes the tag', 'e.g. chart push web-1.0.0.tgz oci://registry.example.com/charts');
  }
  if (namespace !== '') checkRepository(namespace, registry, target);
  return { registry, namespace };
}

/** The repository a chart goes to under a push target: `namespace/name`. */
export function repositoryIn(target: OciTarget, chartName: string): string {
  return target.namespace ? `${target.namespace}/${chartName}` : chartName;
}

/** `host/repo:tag` or `host/repo@digest`, without the scheme: how Helm prints what it pushed or pulled. */
export function formatReference(r: OciReference): string {
  return `${r.registry}/${r.repository}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

/**
 * The registry a `chart registry login|logout` argument names: `host[:port]`, also written `oci://host` or
 * `https://host/…` (the path is ignored, as docker and helm ignore it).
 */
export function parseRegistryHost(arg: string): string {
  let host = arg.trim();
  const m = /^(?:oci|https?):\/\//i.exec(host);
  if (m) host = host.slice(m[0].length);
  const slash = host.indexOf('/');
  if (slash >= 0) host = host.slice(0, slash);
  return checkRegistryHost(host, arg);
}
