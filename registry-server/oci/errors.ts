import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ChartroomError, type ChartroomErrorDetails, type ErrorCode } from '../../core/errors.js';
import { clientStatus, isChartProblem } from '../http.js';
import type { RegistryMetrics } from '../metrics.js';

/** The distribution spec's error codes (and UNAVAILABLE, distribution's own for a 503). */
export type SpecCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'UNAVAILABLE'
  | 'UNKNOWN';

/**
 * The spec's code for each of our codes that reaches the OCI API. Codes named after the spec's map to
 * themselves; the registry's own (thrown by the chart store, auth and storage) map to the nearest spec code.
 * The HTTP status stays the one table's in http.ts.
 */
const SPEC_CODE: ReadonlyMap<ErrorCode, SpecCode> = new Map<ErrorCode, SpecCode>([
  ['BLOB_UNKNOWN', 'BLOB_UNKNOWN'],
  ['BLOB_UPLOAD_INVALID', 'BLOB_UPLOAD_INVALID'],
  ['BLOB_UPLOAD_UNKNOWN', 'BLOB_UPLOAD_UNKNOWN'],
  ['DIGEST_INVALID', 'DIGEST_INVALID'],
  ['MANIFEST_BLOB_UNKNOWN', 'MANIFEST_BLOB_UNKNOWN'],
  ['MANIFEST_INVALID', 'MANIFEST_INVALID'],
  ['MANIFEST_TOO_LARGE', 'MANIFEST_INVALID'],
  ['MANIFEST_UNKNOWN', 'MANIFEST_UNKNOWN'],
  ['NAME_INVALID', 'NAME_INVALID'],
  ['NAME_UNKNOWN', 'NAME_UNKNOWN'],
  ['SIZE_INVALID', 'SIZE_INVALID'],
  ['UNSUPPORTED', 'UNSUPPORTED'],
  ['UPLOAD_OUT_OF_ORDER', 'BLOB_UPLOAD_INVALID'],
  ['RANGE_NOT_SATISFIABLE', 'SIZE_INVALID'],
  ['UPLOAD_TOO_LARGE', 'SIZE_INVALID'],
  ['UNAUTHORIZED', 'UNAUTHORIZED'],
  ['FORBIDDEN', 'DENIED'],
  ['VERSION_EXISTS', 'DENIED'],
  ['PUBLISH_IN_PROGRESS', 'DENIED'],
  ['TOO_MANY_ATTEMPTS', 'TOOMANYREQUESTS'],
  ['SERVER_BUSY', 'TOOMANYREQUESTS'],
  ['REPO_NOT_FOUND', 'NAME_UNKNOWN'],
  ['CHART_NOT_FOUND', 'MANIFEST_UNKNOWN'],
  ['NOT_FOUND', 'NAME_UNKNOWN'],
  // What a pushed chart can be refused for: the manifest names a chart that breaks the rules.
  ['BAD_REQUEST', 'MANIFEST_INVALID'],
  ['PROV_INVALID', 'MANIFEST_INVALID'],
  ['INDEX_LOADING', 'UNAVAILABLE'],
  ['STORAGE_UNAVAILABLE', 'UNAVAILABLE'],
]);

/** The spec's code for one of ours: a chart problem is an invalid manifest; anything unknown is UNKNOWN. */
export function specCode(code: ErrorCode): SpecCode {
  return SPEC_CODE.get(code) ?? (isChartProblem(code) ? 'MANIFEST_INVALID' : 'UNKNOWN');
}

/** The `detail` of a spec error: what our error carries besides its message and hint (file, line, field...). */
function detailOf(details: Readonly<ChartroomErrorDetails>): Record<string, unknown> | undefined {
  const { cause: _cause, httpStatus: _status, hint: _hint, ...rest } = details;
  return Object.keys(rest).length ? rest : undefined;
}

/** Sends the spec's error body, `{"errors":[{code, message, detail}]}`, with the given status. */
export function sendSpecError(res: Response, status: number, code: SpecCode, message: string, detail?: unknown): void {
  if (res.headersSent) return;
  res.status(status).type('application/json').send(JSON.stringify({ errors: [{ code, message, ...(detail === undefined ? {} : { detail }) }] }));
}

/** Sends one of our error codes as the spec's error, with the status the one table gives it. */
export function sendOciError(res: Response, code: ErrorCode, message: string, details: ChartroomErrorDetails = {}): void {
  // Clients print the message (and little else): the hint goes with it.
  sendSpecError(res, clientStatus(code) ?? 500, specCode(code), details.hint ? `${message}; ${details.hint}` : message, detailOf(details));
}

/**
 * The OCI API's error handler: a ChartroomError becomes the spec's error body with the status of the one table;
 * storage outages are 503 with a fixed message (the detail goes to the log only); anything else is a fault of
 * ours: 500, logged.
 */
export function ociErrorHandler(log: Logger, metrics: RegistryMetrics) {
  return (err: unknown, req: Request, res: Response): void => {
    const reqLog = (req as Request & { log?: Logger }).log ?? log;
    if (err instanceof ChartroomError) {
      if (err.code === 'STORAGE_UNAVAILABLE') {
        metrics.storageErrors.inc({ operation: req.method });
        reqLog.error({ err: { message: err.message } }, 'storage unavailable');
        return sendSpecError(res, 503, 'UNAVAILABLE', 'storage unavailable; try again shortly');
      }
      const status = clientStatus(err.code);
      if (err.code === 'SERVER_BUSY' && !res.headersSent && !res.getHeader('Retry-After')) res.setHeader('Retry-After', String((err as { retryAfter?: unknown }).retryAfter ?? 1));
      if (status !== undefined) return sendOciError(res, err.code, err.message, err.details);
    }
    reqLog.error({ err: { message: (err as Error)?.message, stack: (err as Error)?.stack } }, 'internal error');
    sendSpecError(res, 500, 'UNKNOWN', 'internal error');
  };
}
