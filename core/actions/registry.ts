import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { parseRegistryHost } from '../oci/reference.js';

export interface LoginOptions {
  /** `host[:port]` (also `oci://host` or `https://host`). */
  host: string;
  username: string;
  password: string;
}

/**
 * Logs in to an OCI registry as `helm registry login` does: the credentials are checked against the
 * registry (`GET /v2/` and its challenge) and saved only when it accepts them, in a file only the owner can read.
 */
export async function registryLogin(ctx: ActionContext, opts: LoginOptions): Promise<{ host: string; file: string }> {
  const host = parseRegistryHost(opts.host);
  if (!opts.username) throw new ChartroomError('REGISTRY_LOGIN_FAILED', `logging in to ${host}: no user name`, { hint: `chart registry login ${host} -u USER --password-stdin` });
  if (!opts.password) throw new ChartroomError('REGISTRY_LOGIN_FAILED', `logging in to ${host}: no password`, { hint: `echo "$PASSWORD" | chart registry login ${host} -u ${opts.username} --password-stdin` });
  await ctx.oci.client(host).checkLogin({ username: opts.username, password: opts.password });
  ctx.oci.credentials.save(host, opts.username, opts.password);
  return { host, file: ctx.oci.credentials.file };
}

/** Forgets the saved credentials of a registry. */
export function registryLogout(ctx: ActionContext, opts: { host: string }): { host: string } {
  const host = parseRegistryHost(opts.host);
  if (!ctx.oci.credentials.remove(host)) throw new ChartroomError('REGISTRY_NOT_LOGGED_IN', `not logged in to ${host}`, { file: ctx.oci.credentials.file });
  return { host };
}
