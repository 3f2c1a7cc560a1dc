import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { ChartroomError } from '../errors.js';
import { readChartArchive } from '../chart/archive.js';
import { loadChartArchive } from '../chart/loader.js';
import type { Chart } from '../chart/model.js';
import { RepoClient, joinUrl, type ClientOptions } from '../repo/client.js';
import { writeFileAtomic } from '../atomic-file.js';
import { resolve as resolveVersions, describeProblems } from '../resolver.js';

export interface ChartRef {
  /** `repo/name`, or an http(s) URL of an archive. */
  ref: string;
  /** A version or range (Helm's syntax). */
  version?: string;
  devel?: boolean;
}

export interface FetchedChart {
  name: string;
  version: string;
  url: string;
  digest: string;
  data: Buffer;
  repo?: string;
}

/** Finds and downloads a chart (verified against the index's sha256, through the archive cache). */
export async function fetchChart(ref: ChartRef, opts: ClientOptions = {}): Promise<FetchedChart> {
  const client = new RepoClient(opts);
  if (/^https?:\/\//.test(ref.ref)) {
    const data = await client.archive(ref.ref, undefined, `chart ${ref.ref}`);
    const chart = loadChartArchive(data, ref.ref);
    return { name: chart.metadata.name, version: chart.metadata.version, url: ref.ref, digest: '', data };
  }
  const slash = ref.ref.indexOf('/');
  if (slash <= 0) throw new ChartroomError('CHART_REF', `${JSON.stringify(ref.ref)} is not REPO/NAME or a URL`, { hint: 'e.g. chart pull stable/nginx --version ^1.2' });
  const repoName = ref.ref.slice(0, slash);
  const name = ref.ref.slice(slash + 1);
  const repo = client.settings.get(repoName);
  if (!repo) throw new ChartroomError('REPO_NOT_FOUND', `no repository named ${repoName}`, { hint: 'chart repo add NAME URL, then chart repo update' });
  let index = client.cachedIndex(repoName);
  if (!index || !index.entries[name]) index = (await client.updateIndex(repo)).index;
  const versions = index.entries[name];
  if (!versions) throw new ChartroomError('CHART_NOT_FOUND', `repository ${repoName} (${repo.url}) has no chart named ${name}`);
  const range = ref.version ?? (ref.devel ? '>=0.0.0-0' : '*');
  const res = resolveVersions([{ name, range, repository: repo.url }], new Map([[repo.url, new Map([[name, versions.map((v) => v.version)]])]]));
  if (!res.ok) throw new ChartroomError('NO_MATCHING_VERSION', `${repoName}/${name}: ${describeProblems(res.problems)}`);
  const chosen = versions.find((v) => v.version === res.choices[0].version)!;
  if (!chosen.urls?.length) throw new ChartroomError('INDEX_INVALID', `${repoName}/${name} ${chosen.version} has no URL in the index`);
  const url = joinUrl(repo.url, chosen.urls[0]);
  const data = await client.archive(url, chosen.digest, `${repoName}/${name} ${chosen.version}`);
  return { name, version: chosen.version, url, digest: chosen.digest ?? '', data, repo: repoName };
}

export interface PullOptions extends ChartRef, ClientOptions {
  destination?: string;
  untar?: boolean;
  untarDir?: string;
  prov?: boolean;
}

/** Downloads a chart into a folder (or unpacks it), after checking its digest; nothing is written on a mismatch. */
export async function pullChart(opts: PullOptions): Promise<{ file?: string; dir?: string; chart: FetchedChart }> {
  const fetched = await fetchChart(opts, opts);
  const dest = resolvePath(opts.destination ?? '.');
  mkdirSync(dest, { recursive: true });
  const client = new RepoClient(opts);
  if (opts.prov) {
    const prov = await client.archive(`${fetched.url}.prov`, undefined, `${fetched.name} provenance`).catch((e) => {
      throw new ChartroomError('PROV_MISSING', `no provenance file at ${fetched.url}.prov: ${(e as Error).message}`);
    });
    writeFileAtomic(join(dest, `${fetched.name}-${fetched.version}.tgz.prov`), prov);
  }
  if (opts.untar) {
    const { files, topDir } = readChartArchive(fetched.data, fetched.url);
    const root = join(opts.untarDir ? resolvePath(opts.untarDir) : dest, topDir);
    if (existsSync(root)) throw new ChartroomError('UNTAR_EXISTS', `${root} already exists`, { hint: 'remove it, or pull without --untar' });
    for (const f of files) {
      const target = join(root, f.name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileAtomic(target, f.data);
    }
    return { dir: root, chart: fetched };
  }
  const file = join(dest, `${fetched.name}-${fetched.version}.tgz`);
  writeFileAtomic(file, fetched.data);
  return { file, chart: fetched };
}

/** A chart from a folder, an archive, or REPO/NAME (downloaded), for template and show. */
export async function loadChartRef(ref: string, version: string | undefined, opts: ClientOptions = {}): Promise<Chart> {
  const { loadChart } = await import('../chart/loader.js');
  if (existsSync(ref) || !/^[A-Za-z0-9][A-Za-z0-9._-]*\/[^/]+$/.test(ref)) return loadChart(ref);
  const repoName = ref.slice(0, ref.indexOf('/'));
  if (!new RepoClient(opts).settings.get(repoName)) {
    throw new ChartroomError('CHART_NOT_FOUND', `no chart at ${ref}, and no repository named ${repoName}`, { hint: 'give a chart folder, a .tgz, or REPO/NAME of a repository added with chart repo add' });
  }
  const fetched = await fetchChart({ ref, version }, opts);
  return loadChartArchive(fetched.data, `${ref}-${fetched.version}.tgz`);
}
