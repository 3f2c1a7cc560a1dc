import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import type { Chart } from '../chart/model.js';
import { loadChartArchive } from '../chart/loader.js';
import { describeProblems, resolve } from '../resolver.js';
import { archiveUrlSource } from './url.js';
import { fileSource, loadFileRef, type FileRef } from './file.js';
import { isStrictVersion, ociSource } from './oci.js';
import { repositorySource } from './repository.js';
import type { ChartSource, FetchedChart, IndexPolicy, SourceRef } from './types.js';

export type { ChartSource, FetchedChart, SourceRef } from './types.js';

/** The sources, asked in order (a path on disk wins); a new scheme is one file and one line here. */
const SOURCES: ChartSource[] = [fileSource as ChartSource, ociSource as ChartSource, archiveUrlSource as ChartSource, repositorySource as ChartSource];

/** A reference bound to the source that understood it. */
export interface Located {
  source: ChartSource;
  ref: SourceRef;
}

/** What a chart argument (`pull`, `template`, `show`, `install`) names: a folder, a .tgz, a URL, `REPO/NAME`, `oci://…`. */
export function locateChart(arg: string, ctx: ActionContext): Located {
  for (const source of SOURCES) {
    const ref = source.parseArgument(arg, ctx);
    if (ref) return { source, ref };
  }
  const slash = arg.indexOf('/');
  const repo = slash > 0 ? arg.slice(0, slash) : undefined;
  throw new ChartroomError('CHART_NOT_FOUND', repo && !arg.startsWith('.') ? `no chart at ${arg}, and no repository named ${repo}` : `no chart at ${arg}`, {
    hint: 'give a chart folder, a .tgz, a URL, or REPO/NAME of a repository added with chart repo add',
  });
}

/** Where a Chart.yaml dependency comes from; undefined when no source understands its `repository`. */
export function locateDependency(dep: { name: string; repository: string }, chartDir: string, ctx: ActionContext): Located | undefined {
  for (const source of SOURCES) {
    const ref = source.parseDependency(dep, chartDir, ctx);
    if (ref) return { source, ref };
  }
  return undefined;
}

/** The version a range picks from what the source offers (Helm's rules; `--devel` lets prereleases in). */
export async function pickVersion(located: Located, range: string | undefined, devel: boolean, ctx: ActionContext, policy: IndexPolicy): Promise<string | undefined> {
  const versions = await located.source.versions(located.ref, ctx, policy);
  if (versions === undefined) return undefined;
  if (versions === null) throw new ChartroomError('CHART_NOT_FOUND', `${located.ref.display}: the repository has no chart named ${located.ref.name}`);
  const name = located.ref.name ?? located.ref.display;
  const key = located.ref.repositoryKey ?? located.ref.display;
  const res = resolve([{ name, range: range ?? (devel ? '>=0.0.0-0' : '*'), repository: key }], new Map([[key, new Map([[name, versions]])]]));
  if (!res.ok) throw new ChartroomError('NO_MATCHING_VERSION', `${located.ref.display}: ${describeProblems(res.problems)}`);
  return res.choices[0].version;
}

/** Fetches the chart an argument names, at the version a range picks: archive bytes, verified. */
export async function fetchChart(arg: string, opts: { version?: string; devel?: boolean }, ctx: ActionContext): Promise<FetchedChart> {
  const located = locateChart(arg, ctx);
  if (located.source.fetchesExactVersions && opts.version !== undefined && isStrictVersion(opts.version)) {
    const fetched = await located.source.fetch(located.ref, opts.version, ctx, 'cached-first');
    if (fetched.version !== opts.version) throw new ChartroomError('CHART_REF', `${located.ref.display}: version ${opts.version} holds a chart of version ${fetched.version}`, { hint: 'the registry’s tag and the chart inside it disagree; ask its owner' });
    return fetched;
  }
  const version = await pickVersion(located, opts.version, !!opts.devel, ctx, 'cached-first');
  return located.source.fetch(located.ref, version, ctx, 'cached-first');
}

/** A chart from a folder, an archive, a URL or REPO/NAME, loaded; folders are read in place. */
export async function loadChartFrom(arg: string, version: string | undefined, ctx: ActionContext): Promise<Chart> {
  const located = locateChart(arg, ctx);
  if (located.source === (fileSource as ChartSource)) return loadFileRef(located.ref as FileRef);
  const fetched = await fetchChart(arg, { version }, ctx);
  return loadChartArchive(fetched.data, `${arg}-${fetched.version}.tgz`);
}
