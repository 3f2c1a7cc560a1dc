/** The `Authorization` header for HTTP Basic credentials. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** A URL relative to a base (a repository URL), unless it is absolute already. */
export function joinUrl(base: string, path: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return path;
  return new URL(path, base.endsWith('/') ? base : `${base}/`).toString();
}
