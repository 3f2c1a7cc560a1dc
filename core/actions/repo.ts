import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { ChartroomError } from '../errors.js';
import { parseChartMetadata } from '../chart/metadata.js';
import type { ActionContext } from '../context.js';
import { indexEntryFromMetadata, parseIndex, sortIndex, type RepoIndex } from '../repo/index-file.js';
import type { RepoEntry } from '../repo/settings.js';
import { writeFileAtomic } from '../atomic-file.js';
import { readArchivesForIndex } from '../repo/index-archives.js';
import { dumpIndexYaml } from '../repo/index-yaml.js';
import { quickChartMetadata } from '../repo/chart-yaml-scan.js';

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
  const { charts } = await client.updateIndex(repo, opts.password ?? (opts.username ? '' : undefined), opts.token);
  client.settings.save(repo, opts.password, true, opts.token);
  return { repo, charts };
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
      const { changed, charts } = await client.updateIndex(repo);
      return { name: repo.name, changed, charts };
    }),
  );
}

/** The archives under a folder, sorted: each file's path and its path relative to the folder, with `/`. */
function findArchives(dir: string): { path: string; rel: string }[] {
  // The folder normalised as join() does, ending in a separator ('' for the current folder).
  const base = join(dir, 'x').slice(0, -1);
  const found: string[] = [];
  const walk = (relDir: string) => {
    for (const e of readdirSync(base + relDir || '.', { withFileTypes: true })) {
      if (e.isDirectory()) walk(relDir + e.name + sep);
      else if (e.isFile() && e.name.endsWith('.tgz')) found.push(relDir + e.name);
    }
  };
  walk('');
  return found.sort().map((rel) => ({ path: base + rel, rel: sep === '/' ? rel : rel.split(sep).join('/') }));
}

export interface RepoIndexOptions {
  dir: string;
  url?: string;
  /** An existing index to merge into: its entries are kept, new archives are added. */
  merge?: string;
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
  const archives = findArchives(opts.dir);
  const bar = archives.length > 200 ? ctx.progress?.() : undefined;
  bar?.start('indexing', archives.length);
  const base = opts.url ? opts.url.replace(/\/+$/, '') : undefined;
  readArchivesForIndex(archives.map((a) => a.path), ({ path, digest, topDir, chartYaml }, k) => {
    if (k % 50 === 0) bar?.update(k);
    const text = chartYaml.toString('utf8');
    const md = quickChartMetadata(text) ?? parseChartMetadata(text, `${path}#${topDir}/Chart.yaml`).metadata;
    const rel = archives[k].rel;
    const url = base ? `${base}/${rel}` : rel;
    const list = (index.entries[md.name] ??= []);
    if (list.some((v) => v.version === md.version)) return;
    list.push(indexEntryFromMetadata(md, { urls: [url], created: now, digest }));
  });
  bar?.stop();
  sortIndex(index);
  const out = { apiVersion: 'v1', entries: index.entries, generated: now };
  const file = join(opts.dir, 'index.yaml');
  writeFileAtomic(file, dumpIndexYaml(out));
  return { file, charts: Object.keys(index.entries).length, versions: Object.values(index.entries).reduce((n, l) => n + l.length, 0) };
}
