import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import jsyaml from 'js-yaml';
import { ChartroomError } from '../errors.js';
import { DEFAULT_LIMITS, readChartArchive } from '../chart/archive.js';
import { parseChartMetadata } from '../chart/metadata.js';
import { RepoClient, type ClientOptions } from '../repo/client.js';
import { parseIndex, sortIndex, type ChartVersion, type RepoIndex } from '../repo/index-file.js';
import type { RepoEntry } from '../repo/settings.js';
import { writeFileAtomic } from '../atomic-file.js';
import { indexEntryFromMetadata } from '../../registry-server/index-cache.js';

export interface RepoAddOptions extends ClientOptions {
  name: string;
  url: string;
  username?: string;
  password?: string;
  forceUpdate?: boolean;
}

/** Adds a repository after checking that its index loads; credentials go to a file only its owner can read. */
export async function repoAdd(opts: RepoAddOptions): Promise<{ repo: RepoEntry; charts: number }> {
  if (!/^https?:\/\//.test(opts.url)) throw new ChartroomError('REPO_URL', `${opts.url} is not an http(s) URL`, { hint: 'oci:// registries are not supported yet' });
  const client = new RepoClient(opts);
  const existing = client.settings.get(opts.name);
  if (existing && !opts.forceUpdate && (existing.url !== opts.url || existing.username !== opts.username)) {
    throw new ChartroomError('REPO_EXISTS', `repository ${opts.name} already exists with ${existing.url}`, { hint: 'use --force-update to replace it' });
  }
  const repo: RepoEntry = { name: opts.name, url: opts.url.replace(/\/+$/, ''), ...(opts.username ? { username: opts.username } : {}) };
  // The index must load with the new URL and credentials before anything is saved.
  const { index } = await client.updateIndex(repo, opts.password ?? (opts.username ? '' : undefined));
  client.settings.save(repo, opts.password, true);
  return { repo, charts: Object.keys(index.entries).length };
}

export function repoList(opts: ClientOptions = {}): RepoEntry[] {
  return new RepoClient(opts).settings.list();
}

export function repoRemove(name: string, opts: ClientOptions = {}): void {
  new RepoClient(opts).settings.remove(name);
}

/** Refreshes the cached indexes of the named (or all) repositories, in parallel; each failure names its repository. */
export async function repoUpdate(names: string[], opts: ClientOptions = {}): Promise<{ name: string; changed: boolean; charts: number }[]> {
  const client = new RepoClient(opts);
  const all = client.settings.list();
  if (all.length === 0) throw new ChartroomError('NO_REPOS', 'no repositories are configured', { hint: 'add one with chart repo add NAME URL' });
  const chosen = names.length ? names.map((n) => client.settings.get(n) ?? (() => { throw new ChartroomError('REPO_NOT_FOUND', `no repository named ${n}`); })()) : all;
  return Promise.all(
    chosen.map(async (repo) => {
      const { index, changed } = await client.updateIndex(repo);
      return { name: repo.name, changed, charts: Object.keys(index.entries).length };
    }),
  );
}

function findArchives(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.tgz')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Reads only what an index needs from an archive: Chart.yaml, found without unpacking the rest. */
function archiveMetadata(data: Buffer, file: string) {
  const { files, topDir } = readChartArchive(data, file, { ...DEFAULT_LIMITS }, { onlyChartYaml: true });
  const chartYaml = files.find((f) => f.name === 'Chart.yaml')!;
  return parseChartMetadata(chartYaml.data.toString('utf8'), `${file}#${topDir}/Chart.yaml`).metadata;
}

export interface RepoIndexOptions {
  dir: string;
  /** Progress over the archives (a bar on a TTY). */
  progress?: () => import('../repo/client.js').Progress | undefined;
  url?: string;
  /** An existing index to merge into: its entries are kept, new archives are added. */
  merge?: string;
}

/** Reads many files at once (the thread pool overlaps the system calls). */
async function readAll(paths: string[]): Promise<Buffer[]> {
  const out: Buffer[] = new Array(paths.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(32, paths.length) }, async () => {
      while (next < paths.length) {
        const i = next++;
        out[i] = await readFile(paths[i]);
      }
    }),
  );
  return out;
}

/** Writes index.yaml for a folder of chart archives, readable by the real helm. */
export async function repoIndex(opts: RepoIndexOptions): Promise<{ file: string; charts: number; versions: number }> {
  if (!existsSync(opts.dir) || !statSync(opts.dir).isDirectory()) throw new ChartroomError('NOT_A_DIR', `${opts.dir} is not a folder`);
  const now = new Date().toISOString();
  let index: RepoIndex = { apiVersion: 'v1', entries: {} };
  if (opts.merge) {
    if (!existsSync(opts.merge)) throw new ChartroomError('MERGE_MISSING', `--merge: ${opts.merge} does not exist`);
    index = parseIndex(readFileSync(opts.merge, 'utf8'), opts.merge);
  }
  const paths = findArchives(opts.dir);
  const contents = await readAll(paths);
  const bar = paths.length > 200 ? opts.progress?.() : undefined;
  bar?.start('indexing', paths.length);
  for (const [k, path] of paths.entries()) {
    if (k % 50 === 0) bar?.update(k);
    const data = contents[k];
    const md = archiveMetadata(data, path);
    const rel = relative(opts.dir, path).split(sep).join('/');
    const url = opts.url ? `${opts.url.replace(/\/+$/, '')}/${rel}` : rel;
    const list = (index.entries[md.name] ??= []);
    if (list.some((v) => v.version === md.version)) continue;
    const entry = indexEntryFromMetadata(md as unknown as Record<string, unknown>, { urls: [url], created: now, digest: createHash('sha256').update(data).digest('hex') });
    list.push(entry as unknown as ChartVersion);
  }
  bar?.stop();
  sortIndex(index);
  const out = { apiVersion: 'v1', entries: index.entries, generated: now };
  const file = join(opts.dir, 'index.yaml');
  writeFileAtomic(file, jsyaml.dump(out, { lineWidth: -1, noRefs: true, quotingType: '"' }));
  return { file, charts: Object.keys(index.entries).length, versions: Object.values(index.entries).reduce((n, l) => n + l.length, 0) };
}
