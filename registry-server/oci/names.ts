import { ChartroomError } from '../../core/errors.js';
import { DIGEST_RE, TAG_RE } from '../../core/oci/format.js';
import { checkRepo, MAX_CHART_NAME } from '../registry.js';

/**
 * OCI repository names here: `NAME` is chart NAME of the root repository, `TENANT/NAME` chart NAME of a named
 * repository (the same tenants as the Helm protocol's `/<repo>/index.yaml`). Each component must be both a
 * distribution-spec path component and a name the registry accepts; every check is a bounded, linear scan.
 */
const COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const SESSION_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What a request under /v2/<name>/ is about. */
export type OciOperation =
  | { kind: 'blob'; digest: string }
  | { kind: 'uploads'; session?: string }
  | { kind: 'manifest'; reference: string }
  | { kind: 'tags' }
  | { kind: 'referrers'; digest: string };

/** A chart addressed over OCI: its full OCI name, the registry repository (tenant) and the chart's name. */
export interface OciRepository {
  /** `NAME` or `TENANT/NAME`, as clients write it. */
  name: string;
  /** The registry's repository: '' for the root. */
  repo: string;
  chart: string;
}

export interface OciTarget extends OciRepository {
  op: OciOperation;
}

const shown = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);

/** The operation the segments after a name stand for, or undefined when they stand for none. */
function operationOf(rest: string[]): OciOperation | undefined {
  const [op, a, b] = rest;
  if (op === 'blobs' && a === 'uploads' && rest.length === 3) return { kind: 'uploads', session: b === '' ? undefined : b };
  if (op === 'blobs' && a === 'uploads' && rest.length === 2) return { kind: 'uploads' };
  if (rest.length !== 2) return undefined;
  if (op === 'blobs') return { kind: 'blob', digest: a };
  if (op === 'manifests') return { kind: 'manifest', reference: a };
  if (op === 'tags' && a === 'list') return { kind: 'tags' };
  if (op === 'referrers') return { kind: 'referrers', digest: a };
  return undefined;
}

/**
 * Reads an OCI repository name (`NAME` or `TENANT/NAME`). NAME_INVALID for names that break the rules;
 * `unknown` (NAME_UNKNOWN, for reads) or NAME_INVALID (for writes) for a depth this registry does not have or a
 * tenant name it reserves.
 */
export function parseRepositoryName(name: string, forWrite: boolean): OciRepository {
  const parts = name.split('/');
  const unknown = (why: string) => new ChartroomError(forWrite ? 'NAME_INVALID' : 'NAME_UNKNOWN', `repository name ${shown(name)} is unknown: ${why}`, { hint: 'charts are oci://HOST/NAME (the root repository) or oci://HOST/TENANT/NAME' });
  if (parts.length > 2) throw unknown('this registry has names of one or two components');
  for (const p of parts) {
    if (p.length === 0 || p.length > MAX_CHART_NAME || !COMPONENT_RE.test(p)) {
      throw new ChartroomError('NAME_INVALID', `repository name ${shown(name)} is invalid`, { hint: 'lowercase letters and digits, separated by ".", "_", "__" or "-"' });
    }
  }
  if (parts.length === 1) return { name, repo: '', chart: parts[0] };
  try {
    checkRepo(parts[0]);
  } catch {
    throw unknown(`${shown(parts[0])} is not a repository name this registry can have`);
  }
  return { name, repo: parts[0], chart: parts[1] };
}

/** Reads the path of a request under /v2/ (without the `/v2/`): the repository and the operation. */
export function parseTarget(path: string, forWrite: boolean): OciTarget {
  const segments = path.split('/');
  // An operation is the last two or three segments; whatever comes before is the name (whose depth and
  // components parseRepositoryName checks).
  for (const tail of [3, 2]) {
    if (segments.length <= tail) continue;
    const op = operationOf(segments.slice(-tail));
    if (op) return { ...parseRepositoryName(segments.slice(0, -tail).join('/'), forWrite), op };
  }
  throw new ChartroomError('NOT_FOUND', 'no such endpoint of the OCI distribution API');
}

/** A digest from a URL or query: the hex of a sha256 digest, undefined for a well-formed digest of another algorithm; DIGEST_INVALID otherwise. */
export function parseDigest(raw: string): string | undefined {
  if (raw.length > 200 || !DIGEST_RE.test(raw)) throw new ChartroomError('DIGEST_INVALID', `${shown(raw)} is not a digest (sha256:<64 hex digits>)`);
  return raw.startsWith('sha256:') ? raw.slice('sha256:'.length) : undefined;
}

/** A manifest reference: a digest (its sha256 hex, or undefined for another algorithm) or a tag. */
export function parseReference(raw: string): { digest: string | undefined; tag?: undefined } | { tag: string; digest?: undefined } | undefined {
  if (raw.includes(':')) {
    try {
      return { digest: parseDigest(raw) };
    } catch {
      return undefined;
    }
  }
  return TAG_RE.test(raw) ? { tag: raw } : undefined;
}

/** Whether a string is an upload session id this registry made (a random UUID). */
export function isSessionId(id: string): boolean {
  return SESSION_RE.test(id);
}
