import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { allowed, Unauthorized, type Action, type AuthProvider, type Principal } from './auth.js';
import { RegistryError } from './registry.js';
import { StorageUnavailable } from './storage/object-store.js';
import type { RegistryMetrics } from './metrics.js';

export interface AccessPolicy {
  auth: AuthProvider;
  requireAuthForReads: boolean;
  allowAnonymousWrite: boolean;
  realm: string;
}

/** Sends a JSON error body with a status. */
export function sendError(res: Response, status: number, message: string, extra: Record<string, unknown> = {}): void {
  if (res.headersSent) return;
  res.status(status).json({ error: message, ...extra });
}

/** Checks the caller may read or write a repository; answers 401 or 403 itself and returns false if not. */
export async function authorize(req: Request, res: Response, policy: AccessPolicy, repo: string, action: Action): Promise<Principal | undefined | false> {
  let principal: Principal | undefined;
  try {
    principal = await policy.auth.authenticate(req.headers.authorization);
  } catch (e) {
    if (!(e instanceof Unauthorized)) throw e;
    res.setHeader('WWW-Authenticate', `Basic realm="${policy.realm}"`);
    sendError(res, 401, 'invalid credentials');
    return false;
  }
  const anonymousOk = action === 'read' ? !policy.requireAuthForReads : policy.allowAnonymousWrite;
  if (!principal) {
    if (anonymousOk) return undefined;
    res.setHeader('WWW-Authenticate', `Basic realm="${policy.realm}"`);
    sendError(res, 401, action === 'write' ? 'publishing and deleting need credentials' : 'this registry needs credentials to read');
    return false;
  }
  if (!allowed(principal, repo, action) && !anonymousOk) {
    sendError(res, 403, `${principal.name} may not ${action} ${repo ? `repository ${repo}` : 'the root repository'}`);
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

/** Turns errors into JSON responses: registry errors keep their status, storage faults are 503. */
export function errorHandler(log: Logger, metrics: RegistryMetrics) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    void _next;
    const reqLog = (req as Request & { log?: Logger }).log ?? log;
    if (err instanceof RegistryError) return sendError(res, err.status, err.message, err.details);
    if (err instanceof StorageUnavailable) {
      metrics.storageErrors.inc({ operation: req.method });
      reqLog.error({ err: { message: err.message } }, 'storage unavailable');
      return sendError(res, 503, 'storage unavailable; try again shortly');
    }
    const e = err as { status?: number; type?: string; message?: string };
    if (e?.type === 'entity.too.large' || e?.status === 413) return sendError(res, 413, 'upload is larger than the limit');
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return sendError(res, e.status, e.message ?? 'bad request');
    reqLog.error({ err: { message: (err as Error)?.message, stack: (err as Error)?.stack } }, 'internal error');
    sendError(res, 500, 'internal error');
  };
}
