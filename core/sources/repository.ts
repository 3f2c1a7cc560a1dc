import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { joinUrl } from '../repo/http.js';
import type { RepoIndex } from '../repo/index-file.js';
import type { ChartSource, IndexPolicy, SourceRef } from './types.js';

export interface RepositoryRef extends SourceRef {
  name: string;
  /** The repository's URL, without a trailing slash. */
  url: string;
  /** The configured repository's name, when it is one. */
  repo?: string;
}

const REPO_AND_NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)\/([^/]+)$/;

/** Indexes loaded during one action, so each repository's index is fetched once however many charts use it. */
const loaded = new WeakMap<ActionContext, Map<string, Promise<RepoIndex>>>();

async function loadIndex(ref: RepositoryRef, ctx: ActionContext, policy: IndexPolicy): Promise<RepoIndex> {
  let memo = loaded.get(ctx);
  if (!memo) loaded.set(ctx, (memo = new Map()));
  const key = `${policy} ${ref.url}`;
  let p = memo.get(key);
  if (!p) {
    p = (async () => {
      const client = ctx.repos;
      const configured = ref.repo ? client.settings.get(ref.repo) : client.settings.byUrl(ref.url);
      if (!configured) return client.indexByUrl(ref.url);
      const cached = client.cachedIndex(configured.name);
      if (policy === 'cached-first' && cached?.entries[ref.name]) return cached;
      if (client.offline) {
        if (!cached) throw new ChartroomError('OFFLINE', `repository ${configured.name} has no cached index and --offline forbids the network`, { hint: 'run once without --offline' });
        return cached;
      }
      return (await client.updateIndex(configured)).index;
    })();
    memo.set(key, p);
  }
  return p;
}

/** Charts in Helm repositories: `REPO/NAME` of a configured repository, and dependencies on `https://…`, `@NAME` or `alias:NAME`. */
export const repositorySource: ChartSource<RepositoryRef> = {
  scheme: 'repository',
  parseArgument(arg, ctx) {
    const m = REPO_AND_NAME.exec(arg);
    if (!m) return undefined;
    const repo = ctx.settings.get(m[1]);
    if (!repo) return undefined;
    return { display: arg, name: m[2], url: repo.url.replace(/\/+$/, ''), repo: repo.name, repositoryKey: repo.url.replace(/\/+$/, '') };
  },
  parseDependency(dep, _chartDir, ctx) {
    const r = dep.repository;
    if (/^https?:\/\//.test(r)) {
      const url = r.replace(/\/+$/, '');
      return { display: r, name: dep.name, url, repo: ctx.settings.byUrl(url)?.name, repositoryKey: url };
    }
    const m = /^(?:@|alias:)(.+)$/.exec(r);
    if (!m) return undefined;
    const repo = ctx.settings.get(m[1]);
    if (!repo) throw new ChartroomError('REPO_NOT_FOUND', `dependency ${dep.name} names repository ${m[1]}, which is not configured`, { hint: 'add it with chart repo add' });
    const url = repo.url.replace(/\/+$/, '');
    return { display: r, name: dep.name, url, repo: repo.name, repositoryKey: url };
  },
  async versions(ref, ctx, policy) {
    const index = await loadIndex(ref, ctx, policy);
    const list = Object.prototype.hasOwnProperty.call(index.entries, ref.name) ? index.entries[ref.name] : undefined;
    return list ? list.map((v) => v.version) : null;
  },
  async fetch(ref, version, ctx, policy) {
    const index = await loadIndex(ref, ctx, policy);
    const entry = (Object.prototype.hasOwnProperty.call(index.entries, ref.name) ? index.entries[ref.name] : undefined)?.find((v) => v.version === version);
    const label = `${ref.repo ? `${ref.repo}/` : ''}${ref.name} ${version ?? ''}`.trim();
    if (!entry) throw new ChartroomError('LOCKED_VERSION_GONE', `${label} is not in ${ref.url} (any more)`, { url: ref.url, hint: 'run chart dependency update, or chart repo update' });
    if (!entry.urls?.length) throw new ChartroomError('INDEX_INVALID', `${label} has no URL in the index of ${ref.url}`, { url: ref.url });
    const url = joinUrl(ref.url, entry.urls[0]);
    const fromCache = entry.digest ? ctx.repos.hasCachedArchive(entry.digest) : false;
    const data = await ctx.repos.archive(url, entry.digest, label);
    return { name: ref.name, version: entry.version, url, digest: entry.digest ?? '', data, repo: ref.repo, fromCache };
  },
};
