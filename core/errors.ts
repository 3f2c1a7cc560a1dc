/**
 * Every error code Chartroom reports, by area. Callers branch on the code (never on message text); the
 * CLI prints it with `-o json`, and the registry turns it into an HTTP status at its edge.
 */
export type ErrorCode =
  // Charts and archives
  | 'ARCHIVE_REJECTED'
  | 'CHART_FILE_TOO_LARGE'
  | 'CHART_LINK'
  | 'CHART_NAME'
  | 'CHART_NESTING'
  | 'CHART_NOT_FOUND'
  | 'CHART_EXISTS'
  | 'CHART_TOO_LARGE'
  | 'CHART_YAML'
  | 'NOT_A_CHART_DIR'
  | 'SUBCHART_INVALID'
  | 'BAD_VERSION'
  | 'LIBRARY_CHART'
  | 'NO_README'
  // Values, schemas and YAML
  | 'VALUES_FILE'
  | 'VALUES_NOT_MAP'
  | 'VALUES_SCHEMA'
  | 'SCHEMA_INVALID'
  | 'SCHEMA_PARSE'
  | 'SET_SYNTAX'
  | 'YAML_ALIAS_BOMB'
  | 'YAML_PARSE'
  // Rendering
  | 'GO_TEMPLATE_CHART'
  | 'KUBE_VERSION'
  | 'INVALID_YAML'
  | 'SHOW_ONLY'
  | 'TEMPLATE_SYNTAX'
  | 'TEMPLATE_ERROR'
  | 'TEMPLATE_FAIL'
  // Dependencies and lock files
  | 'DEPENDENCY_CYCLE'
  | 'DEPENDENCY_MISMATCH'
  | 'DEPENDENCY_MISSING'
  | 'DEPENDENCY_VERSION'
  | 'LOCKED_VERSION_GONE'
  | 'LOCK_OUT_OF_SYNC'
  | 'NO_LOCK'
  | 'UNRESOLVED'
  // Repositories, sources and downloads
  | 'CHART_REF'
  | 'DIGEST_MISMATCH'
  | 'FETCH_DENIED'
  | 'FETCH_FAILED'
  | 'INDEX_INVALID'
  | 'MERGE_MISSING'
  | 'NOT_A_DIR'
  | 'NO_MATCHING_VERSION'
  | 'NO_REPOS'
  | 'OCI_UNSUPPORTED'
  | 'OCI_REFERENCE'
  | 'OCI_NOT_A_CHART'
  | 'REGISTRY_PROTOCOL'
  | 'REGISTRY_LOGIN_FAILED'
  | 'REGISTRY_NOT_LOGGED_IN'
  | 'CREDENTIAL_HELPER'
  | 'OFFLINE'
  | 'PROV_MISSING'
  | 'REPO_EXISTS'
  | 'REPO_MISSING'
  | 'REPO_NAME'
  | 'REPO_NOT_FOUND'
  | 'REPO_URL'
  | 'SOURCE_UNSUPPORTED'
  | 'UNTAR_EXISTS'
  // Clusters and releases
  | 'KUBECONFIG'
  | 'KUBE_UNREACHABLE'
  | 'KUBE_UNAUTHORIZED'
  | 'KUBE_FORBIDDEN'
  | 'KUBE_NOT_FOUND'
  | 'KUBE_ALREADY_EXISTS'
  | 'KUBE_CONFLICT'
  | 'KUBE_APPLY_CONFLICT'
  | 'KUBE_INVALID'
  | 'KUBE_UNKNOWN_KIND'
  | 'KUBE_ERROR'
  | 'RELEASE_NOT_FOUND'
  | 'RELEASE_EXISTS'
  | 'RELEASE_REVISION_EXISTS'
  | 'RELEASE_LOCKED'
  | 'RELEASE_TOO_LARGE'
  | 'RELEASE_INVALID'
  | 'OWNERSHIP_CONFLICT'
  | 'WAIT_TIMEOUT'
  | 'HOOK_FAILED'
  // Publishing
  | 'PUBLISH_EXISTS'
  | 'PUBLISH_FAILED'
  | 'PUBLISH_FORBIDDEN'
  | 'PUBLISH_TOO_LARGE'
  | 'PUBLISH_UNAUTHORIZED'
  // Files and the system
  | 'FILE_NOT_FOUND'
  | 'FILE_ACCESS'
  | 'HELMIGNORE'
  // Registry server
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'UPLOAD_TOO_LARGE'
  | 'VERSION_EXISTS'
  | 'PUBLISH_IN_PROGRESS'
  | 'PROV_INVALID'
  | 'INDEX_LOADING'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'PROV_EXISTS'
  | 'STORAGE_UNAVAILABLE'
  | 'STORAGE_CONFLICT'
  | 'SERVER_BUSY'
  | 'TOO_MANY_ATTEMPTS'
  // Registry server: the OCI distribution API (named as the distribution spec's error codes)
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_TOO_LARGE'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UPLOAD_OUT_OF_ORDER'
  | 'RANGE_NOT_SATISFIABLE'
  | 'UNSUPPORTED'
  // Provenance: signed charts (a malformed .prov is PROV_INVALID, an archive whose sha256 differs from its .prov's is DIGEST_MISMATCH)
  | 'KEYRING_INVALID'
  | 'SIGNING_KEY'
  | 'SIGNATURE_INVALID'
  | 'SIGNER_UNKNOWN';

/** Where in a source file a problem sits; line and column are 1-based. */
export interface SourcePosition {
  file?: string;
  line?: number;
  column?: number;
}

export interface ChartroomErrorDetails extends SourcePosition {
  /** Dotted path of the field or value at fault, e.g. `version` or `image.tag`. */
  field?: string;
  /** What the user can do about it. */
  hint?: string;
  /** The offending source line, shown under the message. */
  snippet?: string;
  /** Chart the problem belongs to. */
  chart?: string;
  /** The HTTP status a remote server answered, for errors about a download or an upload. */
  httpStatus?: number;
  /** The URL the error is about. */
  url?: string;
  cause?: unknown;
}

/** A typed, user-facing error: turned into text or JSON once, at the CLI or HTTP edge. */
export class ChartroomError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<ChartroomErrorDetails>;

  constructor(code: ErrorCode, message: string, details: ChartroomErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ChartroomError';
    this.code = code;
    this.details = details;
  }

  get file(): string | undefined {
    return this.details.file;
  }
  get line(): number | undefined {
    return this.details.line;
  }

  /** The error as plain data, for `--output json` and HTTP bodies. */
  toJSON(): Record<string, unknown> {
    const { cause: _cause, ...rest } = this.details;
    return { error: this.message, code: this.code, ...rest };
  }
}

/** Whether an error is a ChartroomError with one of these codes. */
export function hasCode(err: unknown, ...codes: ErrorCode[]): err is ChartroomError {
  return err instanceof ChartroomError && codes.includes(err.code);
}

/** Formats `file:line:column` from whatever parts are known. */
export function formatLocation(pos: SourcePosition): string {
  if (!pos.file) return '';
  let out = pos.file;
  if (pos.line !== undefined) {
    out += `:${pos.line}`;
    if (pos.column !== undefined) out += `:${pos.column}`;
  }
  return out;
}

/** Renders an error as the multi-line text the CLI prints. */
export function describeError(err: unknown): string {
  if (err instanceof ChartroomError) {
    const d = err.details;
    const loc = formatLocation(d);
    const lines = [`Error: ${loc ? `${loc}: ` : ''}${err.message}`];
    if (d.field && !err.message.includes(d.field)) lines.push(`  field: ${d.field}`);
    if (d.snippet !== undefined) {
      lines.push(`  ${d.line ?? ''} | ${d.snippet}`);
      if (d.column !== undefined) {
        const gutter = `  ${d.line ?? ''} | `.length;
        lines.push(' '.repeat(gutter + Math.max(0, d.column - 1)) + '^');
      }
    }
    if (d.hint) lines.push(`  hint: ${d.hint}`);
    return lines.join('\n');
  }
  if (err instanceof Error) return `Error: ${err.message}`;
  return `Error: ${String(err)}`;
}

/** Returns line `n` (1-based) of a text, without its newline. */
export function lineOf(text: string, n: number): string {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return '';
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
}

/** What a system error was about, for describeSystemError. */
export interface SystemErrorSubject {
  /** What the path is to the user, e.g. `values file`, `keyring`, `output folder`. */
  what: string;
  /** Whether the failing operation was writing (default: reading). */
  writing?: boolean;
  /** The code to give the error; default FILE_NOT_FOUND for a missing path, FILE_ACCESS otherwise. */
  code?: ErrorCode;
  hint?: string;
  field?: string;
}

/** Whether a value is a Node.js system error (it has a string `code` such as `ENOENT`). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  // Not `instanceof Error`: an error made in another realm (a VM context, a worker) is one too.
  return typeof e === 'object' && e !== null && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!);
}

/**
 * Turns a Node.js system error (`ENOENT`, `EACCES`, `EISDIR`…) met on `path` into a sentence a user reads,
 * naming what the path was meant to be: `values file does not exist`, `… is a folder, not a file`. The path
 * goes in `file`, which the CLI prints first. Anything that is not a system error keeps its own message.
 */
export function describeSystemError(e: unknown, path: string, subject: SystemErrorSubject | string): ChartroomError {
  const s: SystemErrorSubject = typeof subject === 'string' ? { what: subject } : subject;
  const code = isSystemError(e) ? e.code! : undefined;
  const doing = s.writing ? 'writing' : 'reading';
  let message: string;
  switch (code) {
    case 'ENOENT':
      message = `${s.what} does not exist`;
      break;
    case 'EISDIR':
      message = `${s.what} is a folder, not a file`;
      break;
    case 'ENOTDIR':
      message = `${s.what}: a part of the path is a file, not a folder`;
      break;
    case 'EACCES':
    case 'EPERM':
      message = `permission denied ${doing} the ${s.what}`;
      break;
    case 'ELOOP':
      message = `${s.what}: too many symbolic links (a link that loops?)`;
      break;
    case 'ENAMETOOLONG':
      message = `${s.what}: the path is too long`;
      break;
    case 'EROFS':
      message = `${s.what}: the file system is read-only`;
      break;
    case 'ENOSPC':
    case 'EDQUOT':
      message = `no space left on the device ${doing} the ${s.what}`;
      break;
    case 'EEXIST':
      message = `${s.what} already exists`;
      break;
    case 'EMFILE':
    case 'ENFILE':
      message = `too many open files ${doing} the ${s.what}`;
      break;
    case 'EIO':
      message = `input/output error ${doing} the ${s.what}`;
      break;
    default:
      message = `cannot ${s.writing ? 'write' : 'read'} the ${s.what} (${code ?? (e instanceof Error ? e.message : String(e))})`;
  }
  return new ChartroomError(s.code ?? (code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_ACCESS'), message, { file: path, cause: e, hint: s.hint, field: s.field });
}
