import type { ActionContext } from '../context.js';

/** A chart reference as one source understands it. */
export interface SourceRef {
  /** What the user wrote, for messages. */
  display: string;
  /** The chart's name, when the reference names one (a repository's chart); else it comes from the chart. */
  name?: string;
  /** Charts of one repository share this key: their versions come from one index, fetched once. */
  repositoryKey?: string;
}

/** A chart archive as a source delivered it, checked against the digest the source promised. */
export interface FetchedChart {
  name: string;
  version: string;
  /** Where it came from: a URL, or a folder. */
  url: string;
  /** Hex sha256 of `data` as the source published it; empty when the source publishes none. */
  digest: string;
  /** The archive. */
  data: Buffer;
  /** The configured repository it came from, if any. */
  repo?: string;
  /** Served from the local archive cache, without the network. */
  fromCache?: boolean;
}

/** How a source should treat cached indexes: prefer them (pull, template), or refresh once per run (dependencies). */
export type IndexPolicy = 'cached-first' | 'fresh';

/**
 * Where charts come from, by scheme: a folder or archive on disk, a repository's index, an archive URL, an
 * OCI registry. A new scheme is one file implementing this and one line in `core/sources/index.ts`.
 */
export interface ChartSource<R extends SourceRef = SourceRef> {
  readonly scheme: string;
  /** A chart argument (`pull`, `template`, `show`, `install`) this source serves, parsed; undefined if it is not its kind. */
  parseArgument(arg: string, ctx: ActionContext): R | undefined;
  /** A Chart.yaml dependency whose `repository` this source serves, parsed; undefined if it is not its kind. */
  parseDependency(dep: { name: string; repository: string }, chartDir: string, ctx: ActionContext): R | undefined;
  /**
   * The versions on offer, newest first; undefined when the reference is one fixed chart (a folder, an archive
   * URL); null when the source has no chart of that name.
   */
  versions(ref: R, ctx: ActionContext, policy: IndexPolicy): Promise<string[] | null | undefined>;
  /**
   * Whether `fetch` takes an exact version without the list of versions (an OCI tag): then an exact `--version`
   * skips `versions()`, as helm skips listing tags.
   */
  readonly fetchesExactVersions?: boolean;
  /** The chart's archive at a version (the fixed chart when `version` is undefined), verified. */
  fetch(ref: R, version: string | undefined, ctx: ActionContext, policy: IndexPolicy): Promise<FetchedChart>;
}
