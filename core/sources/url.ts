import { loadChartArchive } from '../chart/loader.js';
import type { ChartSource, SourceRef } from './types.js';

export interface UrlRef extends SourceRef {
  url: string;
}

/** A chart archive at an http(s) URL (no index, so no versions and no digest to check against). */
export const archiveUrlSource: ChartSource<UrlRef> = {
  scheme: 'https',
  parseArgument(arg) {
    return /^https?:\/\//.test(arg) ? { display: arg, url: arg } : undefined;
  },
  // An http(s) URL in a dependency is a repository, not an archive: the repository source serves it.
  parseDependency() {
    return undefined;
  },
  async versions() {
    return undefined;
  },
  async fetch(ref, _version, ctx) {
    const data = await ctx.repos.archive(ref.url, undefined, `chart ${ref.url}`);
    const chart = loadChartArchive(data, ref.url);
    return { name: chart.metadata.name, version: chart.metadata.version, url: ref.url, digest: '', data };
  },
};
