import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import jsyaml from 'js-yaml';
import { ChartroomError } from '../errors.js';
import { DEFAULT_LIMITS, readChartArchive } from '../chart/archive.js';
import { parseChartMetadata } from '../chart/metadata.js';
import type { ActionContext } from '../context.js';
import { indexEntryFromMetadata, parseIndex, sortIndex, type RepoIndex } from '../repo/index-file.js';
import type { RepoEntry } from '../repo/settings.js';
import { writeFileAtomic } from '../atomic-file.js';
import pLimit from 'p-limit';

export interface RepoAddOptions {
  name: string;
  url: string;
  username?: string;
  password?: string;
  /** A bearer token instead of a user and password (sent as `Authorization: Bearer …`). */
  token?: string;
  forceUpdate?: boolean;
}

/** Adds a repository after checking that its index loads; credentials go to a file only its owner can read. */
export async function repoAdd(ctx: ActionContext, opts: RepoAddOptions): Promise<{ repo: RepoEntry; charts: number }> {
  if (opts.url.startsWith('oci://')) throw new ChartroomError('REPO_URL', `${opts.url} is an OCI registry, which has no index to add`, { hint: `use oci:// references directly (chart pull ${opts.url}/NAME), and chart registry login for credentials` });
  if (!/^https?:\/\//.test(opts.url)) throw new ChartroomError('REPO_URL', `${opts.url} is not an http(s) URL`);
  if (opts.token !== undefined && (opts.username || opts.password !== undefined)) throw new ChartroomError('REPO_URL', `repository ${opts.name}: give a bearer token or a user name and password, not both`);
  const client = ctx.repos;
  const existing = client.settings.get(opts.name);
  if (existing && !opts.forceUpdate && (existing.url !== opts.url || existing.username !== opts.username)) {
    throw new ChartroomError('REPO_EXISTS', `repository ${opts.name} already exists with ${existing.url}`, { hint: 'use --force-update to replace it' });
  }
  const repo: RepoEntry = { name: opts.name, url: opts.url.replace(/\/+$/, ''), ...(opts.username ? { username: opts.username } : {}) };
  // The index must load with the new URL and credentials before anything is saved.
  const { index } = await client.updateIndex(repo, opts.password ?? (opts.username ? '' : undefined), opts.token);
  client.settings.save(repo, opts.password, true, opts.token);
  return { repo, charts: Object.keys(index.entries).length };
}

/** The configured repositories. */
export function repoList(ctx: ActionContext): RepoEntry[] {
  return ctx.settings.list();
}

/** Removes a configured repository and its credentials. */
export function repoRemove(ctx: ActionContext, name: string): void {
  ctx.settings.remove(name);
}

/** Refreshes the cached indexes of the named (or all) repositories, in parallel; each failure names its repository. */
export async function repoUpdate(ctx: ActionContext, names: string[]): Promise<{ name: string; changed: boolean; charts: number }[]> {
  const client = ctx.repos;
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
  url?: string;
  /** An existing index to merge into: its entries are kept, new archives are added. */
  merge?: string;
}

/** Reads many files at once (the thread pool overlaps the system calls). */
function readAll(paths: string[]): Promise<Buffer[]> {
  const limit = pLimit(32);
  return Promise.all(paths.map((p) => limit(() => readFile(p))));
}

/** Writes index.yaml for a folder of chart archives, readable by the real helm. */
export async function repoIndex(ctx: ActionContext, opts: RepoIndexOptions): Promise<{ file: string; charts: number; versions: number }> {
  if (!existsSync(opts.dir) || !statSync(opts.dir).isDirectory()) throw new ChartroomError('NOT_A_DIR', `${opts.dir} is not a folder`);
  const now = ctx.clock().toISOString();
  let index: RepoIndex = { apiVersion: 'v1', entries: {} };
  if (opts.merge) {
    if (!existsSync(opts.merge)) throw new ChartroomError('MERGE_MISSING', `--merge: ${opts.merge} does not exist`);
    index = parseIndex(readFileSync(opts.merge, 'utf8'), opts.merge);
  }
  // Keyed by chart names from the archives: no prototype, so `__proto__` or `constructor` is just a name.
  index.entries = Object.assign(Object.create(null) as RepoIndex['entries'], index.entries);
  const paths = findArchives(opts.dir);
  const contents = await readAll(paths);
  const bar = paths.length > 200 ? ctx.progress?.() : undefined;
  bar?.start('indexing', paths.length);
  for (const [k, path] of paths.entries()) {
    if (k % 50 === 0) bar?.update(k);
    const data = contents[k];
    const md = archiveMetadata(data, path);
    const rel = relative(opts.dir, path).split(sep).join('/');
    const url = opts.url ? `${opts.url.replace(/\/+$/, '')}/${rel}` : rel;
    const list = (index.entries[md.name] ??= []);
    if (list.some((v) => v.version === md.version)) continue;
    list.push(indexEntryFromMetadata(md, { urls: [url], created: now, digest: createHash('sha256').update(data).digest('hex') }));
  }
  bar?.stop();
  sortIndex(index);
  const out = { apiVersion: 'v1', entries: index.entries, generated: now };
  const file = join(opts.dir, 'index.yaml');
  writeFileAtomic(file, jsyaml.dump(out, { lineWidth: -1, noRefs: true, quotingType: '"' }));
  return { file, charts: Object.keys(index.entries).length, versions: Object.values(index.entries).reduce((n, l) => n + l.length, 0) };
}
