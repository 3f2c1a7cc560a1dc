import { ChartroomError } from '../errors.js';
import { basicAuth } from '../repo/http.js';
import type { RepoEntry } from '../repo/settings.js';
import type { UploadTarget } from './types.js';

interface ChartMuseumTarget {
  /** The repository URL (what `helm repo add` takes). */
  url: string;
  /** The configured repository, for its credentials. */
  repo?: RepoEntry;
}

/** ChartMuseum's upload URL for a repository URL: `https://h/team` → `https://h/api/team/charts`. */
export function uploadUrl(repoUrl: string): string {
  const u = new URL(repoUrl);
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.origin}/api${path}/charts`;
}

/** Chartroom's registry and any server with ChartMuseum's API: a configured repository's name, or its URL. */
export const chartMuseumTarget: UploadTarget<ChartMuseumTarget> = {
  scheme: 'chartmuseum',
  parse(target, ctx) {
    if (/^https?:\/\//.test(target)) return { url: target, repo: ctx.settings.byUrl(target) };
    const repo = ctx.settings.get(target);
    return repo ? { url: repo.url, repo } : undefined;
  },
  async upload(target, up, ctx) {
    const base = target.url;
    const url = uploadUrl(base) + (up.force ? '?force=true' : '');
    const headers: Record<string, string> = { 'User-Agent': 'chartroom' };
    const token = target.repo ? ctx.settings.token(target.repo.name) : undefined;
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (target.repo?.username) headers.Authorization = basicAuth(target.repo.username, ctx.settings.password(target.repo.name) ?? '');
    const form = new FormData();
    form.append('chart', new Blob([new Uint8Array(up.archive)]), up.filename);
    if (up.prov) form.append('prov', new Blob([new Uint8Array(up.prov)]), `${up.filename}.prov`);
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', body: form, headers });
    } catch (e) {
      throw new ChartroomError('FETCH_FAILED', `cannot reach ${url}: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`, { url, cause: e });
    }
    const text = await res.text();
    let detail = text;
    try {
      detail = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // a server that does not answer JSON: show its text
    }
    const what = `${up.name} ${up.version}`;
    const status = res.status;
    if (status === 401) throw new ChartroomError('PUBLISH_UNAUTHORIZED', `${base} needs credentials to publish ${what}`, { url: base, httpStatus: status, hint: 'chart repo add NAME URL --username U --password-stdin (or --token-stdin) --force-update' });
    if (status === 403) throw new ChartroomError('PUBLISH_FORBIDDEN', `${base} does not let these credentials publish ${what}: ${detail}`, { url: base, httpStatus: status });
    if (status === 409) throw new ChartroomError('PUBLISH_EXISTS', `${what} already exists in ${base}`, { url: base, httpStatus: status, hint: 'bump the chart version, or use --force where the registry allows overwriting' });
    if (status === 413) throw new ChartroomError('PUBLISH_TOO_LARGE', `${what} is larger than ${base} accepts: ${detail}`, { url: base, httpStatus: status });
    if (status < 200 || status >= 300) throw new ChartroomError('PUBLISH_FAILED', `publishing ${what} to ${base} failed with ${status}: ${detail}`, { url: base, httpStatus: status });
    return { url: base };
  },
};
