import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ChartroomError, type ChartroomErrorDetails, type ErrorCode } from '../core/errors.js';
import { allowed, TooManyAttempts, Unauthorized, type Action, type AuthProvider, type Principal } from './auth.js';
import { ServerBusy } from './bcrypt-worker.js';
import type { RegistryMetrics } from './metrics.js';

export interface AccessPolicy {
  auth: AuthProvider;
  requireAuthForReads: boolean;
  allowAnonymousWrite: boolean;
  realm: string;
}

/**
 * The one table from error codes to HTTP statuses. Nothing below the HTTP edge knows about statuses: the
 * registry, storage and auth code throw ChartroomError with a code, and this table decides the answer.
 */
const HTTP_STATUS: ReadonlyMap<ErrorCode, number> = new Map<ErrorCode, number>([
  ['BAD_REQUEST', 400],
  ['PROV_INVALID', 400],
  ['UNAUTHORIZED', 401],
  ['FORBIDDEN', 403],
  ['NOT_FOUND', 404],
  ['REPO_NOT_FOUND', 404],
  ['CHART_NOT_FOUND', 404],
  ['VERSION_EXISTS', 409],
  ['PUBLISH_IN_PROGRESS', 409],
  ['PROV_EXISTS', 409],
  ['UPLOAD_TOO_LARGE', 413],
  ['TOO_MANY_ATTEMPTS', 429],
  ['INDEX_LOADING', 503],
  ['STORAGE_UNAVAILABLE', 503],
  ['SERVER_BUSY', 503],
  // The OCI distribution API (registry-server/oci/errors.ts names each by the spec's code).
  ['BLOB_UNKNOWN', 404],
  ['BLOB_UPLOAD_INVALID', 400],
  ['BLOB_UPLOAD_UNKNOWN', 404],
  ['DIGEST_INVALID', 400],
  ['MANIFEST_BLOB_UNKNOWN', 400],
  ['MANIFEST_INVALID', 400],
  ['MANIFEST_TOO_LARGE', 413],
  ['MANIFEST_UNKNOWN', 404],
  ['NAME_INVALID', 400],
  ['NAME_UNKNOWN', 404],
  ['SIZE_INVALID', 400],
  ['UPLOAD_OUT_OF_ORDER', 416],
  ['RANGE_NOT_SATISFIABLE', 416],
  ['UNSUPPORTED', 400],
]);

/**
 * Codes the chart loader throws for an uploaded archive that breaks the rules: 400 by default, and the body
 * carries the code and where the problem is (file, line, field, hint), as `ChartroomError.toJSON` gives it.
 */
const CHART_PROBLEM_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'ARCHIVE_REJECTED',
  'BAD_VERSION',
  'CHART_FILE_TOO_LARGE',
  'CHART_LINK',
  'CHART_NAME',
  'CHART_NESTING',
  'CHART_TOO_LARGE',
  'CHART_YAML',
  'LIBRARY_CHART',
  'NOT_A_CHART_DIR',
  'SCHEMA_INVALID',
  'SCHEMA_PARSE',
  'SUBCHART_INVALID',
  'VALUES_FILE',
  'VALUES_NOT_MAP',
  'VALUES_SCHEMA',
  'YAML_ALIAS_BOMB',
  'YAML_PARSE',
]);

/** Whether an error code is one of the chart loader's codes for an archive that breaks the rules. */
export function isChartProblem(code: ErrorCode): boolean {
  return CHART_PROBLEM_CODES.has(code);
}

/** The status of a code the client may be told about: the table, else 400 for a chart problem; undefined for any other code. */
export function clientStatus(code: ErrorCode): number | undefined {
  return HTTP_STATUS.get(code) ?? (CHART_PROBLEM_CODES.has(code) ? 400 : undefined);
}

/** The HTTP status of an error code: the table, else 400 for a chart problem, else 500 (a fault of ours). */
export function httpStatus(code: ErrorCode): number {
  return clientStatus(code) ?? 500;
}

/** The JSON body of an error the client may see: `{ error: message, ...details }`; chart problems also name their code. */
function errorBody(err: ChartroomError): Record<string, unknown> {
  if (CHART_PROBLEM_CODES.has(err.code)) return err.toJSON();
  const { cause: _cause, ...details } = err.details;
  return { error: err.message, ...details };
}

function reply(res: Response, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.status(status).json(body);
}

/** Sends a JSON error body, with the status the table gives the code. */
export function sendError(res: Response, code: ErrorCode, message: string, details: ChartroomErrorDetails = {}): void {
  const err = new ChartroomError(code, message, details);
  reply(res, httpStatus(code), errorBody(err));
}

/**
 * Who the caller is: a principal, or undefined for an anonymous caller the action allows. Answers itself and
 * returns false for bad credentials (401), too many failed logins (429) or too many password checks waiting
 * (503), both with Retry-After, and for an anonymous caller the action needs credentials for (401).
 */
export async function identify(req: Request, res: Response, policy: AccessPolicy, action: Action): Promise<Principal | undefined | false> {
  let principal: Principal | undefined;
  try {
    principal = await policy.auth.authenticate(req.headers.authorization, req.ip ?? req.socket.remoteAddress);
  } catch (e) {
    if (e instanceof TooManyAttempts || e instanceof ServerBusy) {
      res.setHeader('Retry-After', String(e.retryAfter));
      sendError(res, e.code, e.message, e.details);
      return false;
    }
    if (!(e instanceof Unauthorized)) throw e;
    res.setHeader('WWW-Authenticate', `Basic realm="${policy.realm}"`);
    sendError(res, e.code, e.message);
    return false;
  }
  if (!principal && !anonymousMay(policy, action)) {
    res.setHeader('WWW-Authenticate', `Basic realm="${policy.realm}"`);
    sendError(res, 'UNAUTHORIZED', action === 'write' ? 'publishing and deleting need credentials' : 'this registry needs credentials to read');
    return false;
  }
  return principal;
}

/** Whether the policy lets anonymous callers read (or write) every repository. */
function anonymousMay(policy: AccessPolicy, action: Action): boolean {
  return action === 'read' ? !policy.requireAuthForReads : policy.allowAnonymousWrite;
}

/** Whether a caller (identified by `identify`) may read or write a repository: its scopes, or the anonymous rule. */
export function may(policy: AccessPolicy, principal: Principal | undefined, repo: string, action: Action): boolean {
  return anonymousMay(policy, action) || (principal !== undefined && allowed(principal, repo, action));
}

/** Checks the caller may read or write a repository ('*': every repository); answers 401, 403, 429 or 503 itself and returns false if not. */
export async function authorize(req: Request, res: Response, policy: AccessPolicy, repo: string, action: Action): Promise<Principal | undefined | false> {
  const principal = await identify(req, res, policy, action);
  if (principal === false) return false;
  if (!may(policy, principal, repo, action)) {
    const what = repo === '*' ? 'every repository' : repo ? `repository ${repo}` : 'the root repository';
    sendError(res, 'FORBIDDEN', `${principal!.name} may not ${action} ${what}`);
    return false;
  }
  return principal;
}

/** Wraps an async route so its failures reach the error handler. */
export const route =
  (fn: (req: Request, res: Response) => Promise<unknown>) =>
  (req: Request, res: Response, next: NextFunction): void => {
    fn(req, res).catch(next);
  };

/**
 * Turns errors into JSON responses. A ChartroomError gets the status the table gives its code; storage
 * outages are 503 with a fixed message (the storage detail goes to the log only); codes the table does not
 * know are faults: 500, logged. Errors from express itself keep the 4xx status they carry.
 */
export function errorHandler(log: Logger, metrics: RegistryMetrics) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    void _next;
    const reqLog = (req as Request & { log?: Logger }).log ?? log;
    if (err instanceof ChartroomError) {
      if (err.code === 'STORAGE_UNAVAILABLE') {
        metrics.storageErrors.inc({ operation: req.method });
        reqLog.error({ err: { message: err.message } }, 'storage unavailable');
        return sendError(res, err.code, 'storage unavailable; try again shortly');
      }
      const status = clientStatus(err.code);
      // A busy server always says when to come back; the code that threw usually set it already.
      if (err.code === 'SERVER_BUSY' && !res.headersSent && !res.getHeader('Retry-After')) res.setHeader('Retry-After', String((err as { retryAfter?: unknown }).retryAfter ?? 1));
      if (status !== undefined) return reply(res, status, errorBody(err));
    } else {
      const e = err as { status?: number; type?: string; message?: string };
      if (e?.type === 'entity.too.large' || e?.status === 413) return sendError(res, 'UPLOAD_TOO_LARGE', 'upload is larger than the limit');
      if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return reply(res, e.status, { error: e.message ?? 'bad request' });
    }
    reqLog.error({ err: { message: (err as Error)?.message, stack: (err as Error)?.stack } }, 'internal error');
    reply(res, 500, { error: 'internal error' });
  };
}
