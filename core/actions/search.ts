import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { parseConstraint, satisfies } from '../semver-range.js';
import semver from 'semver';

export interface SearchOptions {
  keyword?: string;
  /** Every version, not only the newest. */
  versions?: boolean;
  /** Only versions in this range. */
  version?: string;
  /** Include prereleases. */
  devel?: boolean;
}

export interface SearchHit {
  name: string;
  version: string;
  appVersion: string;
  description: string;
}

/** Searches the cached indexes of the configured repositories (refresh them with repo update). */
export function searchRepos(ctx: ActionContext, opts: SearchOptions): SearchHit[] {
  const client = ctx.repos;
  const repos = client.settings.list();
  if (repos.length === 0) throw new ChartroomError('NO_REPOS', 'no repositories are configured', { hint: 'add one with chart repo add NAME URL' });
  const constraint = opts.version ? parseConstraint(opts.version) : undefined;
  const kw = opts.keyword?.toLowerCase();
  const hits: SearchHit[] = [];
  for (const repo of repos) {
    const index = client.cachedIndex(repo.name);
    if (!index) continue;
    for (const [name, versions] of Object.entries(index.entries)) {
      const full = `${repo.name}/${name}`;
      let list = versions.filter((v) => opts.devel || !semver.prerelease(String(v.version)) || (constraint && satisfies(v.version, constraint)));
      if (constraint) list = list.filter((v) => satisfies(v.version, constraint, { includePrerelease: !!opts.devel }));
      if (list.length === 0) continue;
      if (kw) {
        const hay = [full, list[0].description ?? '', ...((list[0].keywords as string[] | undefined) ?? [])].join(' ').toLowerCase();
        if (!hay.includes(kw)) continue;
      }
      for (const v of opts.versions ? list : list.slice(0, 1)) hits.push({ name: full, version: v.version, appVersion: String(v.appVersion ?? ''), description: String(v.description ?? '') });
    }
  }
  return hits.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
