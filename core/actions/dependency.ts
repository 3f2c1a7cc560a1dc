import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { ChartroomError } from '../errors.js';
import { loadChartArchive, loadChartDir } from '../chart/loader.js';
import type { ChartDependency } from '../chart/metadata.js';
import type { LockedDependency } from '../chart/model.js';
import { positionOf } from '../yaml.js';
import { readLock, requirementsDigest, writeLock } from '../lockfile.js';
import { RepoClient, joinUrl, type ClientOptions } from '../repo/client.js';
import type { RepoIndex } from '../repo/index-file.js';
import { resolve, describeProblems, type Requirement } from '../resolver.js';
import { satisfies } from '../semver-range.js';
import { packageChart } from './package.js';

export interface DependencyOptions extends ClientOptions {
  chart: string;
  /** Keep locked versions that still satisfy the ranges. */
  keepLocked?: boolean;
  /** Downloads at once. */
  parallel?: number;
}

interface Fetched {
  name: string;
  version: string;
  repository: string;
  data: Buffer;
}

interface Planned {
  dep: ChartDependency;
  /** URL of the repository, or `file://…`. */
  repository: string;
}

/** The repository URL a dependency names: http(s), file://, or @NAME / alias:NAME of a configured repository. */
function repositoryUrl(dep: ChartDependency, client: RepoClient, chartFile: string, index: number, pos: () => number | undefined): string {
  const r = dep.repository ?? '';
  if (/^https?:\/\//.test(r) || r.startsWith('file://')) return r.replace(/\/+$/, '');
  const m = /^(?:@|alias:)(.+)$/.exec(r);
  if (m) {
    const repo = client.settings.get(m[1]);
    if (!repo) throw new ChartroomError('REPO_NOT_FOUND', `dependency ${dep.name} names repository ${m[1]}, which is not configured`, { file: chartFile, line: pos(), field: `dependencies[${index}].repository`, hint: 'add it with chart repo add' });
    return repo.url;
  }
  if (r.startsWith('oci://')) throw new ChartroomError('OCI_UNSUPPORTED', `dependency ${dep.name}: oci:// repositories are not supported yet`, { file: chartFile, line: pos(), field: `dependencies[${index}].repository` });
  throw new ChartroomError('REPO_MISSING', `dependency ${dep.name} has no repository`, { file: chartFile, line: pos(), field: `dependencies[${index}].repository`, hint: 'use https://…, file://…, or @NAME of a configured repository' });
}

function plan(chartDir: string, client: RepoClient) {
  const chart = loadChartDir(chartDir);
  const deps = chart.metadata.dependencies ?? [];
  const planned: Planned[] = deps.map((dep, i) => {
    if (dep.name === chart.metadata.name) throw new ChartroomError('DEPENDENCY_CYCLE', `chart ${dep.name} depends on itself`, { file: chart.metadataFile, field: `dependencies[${i}]` });
    return { dep, repository: repositoryUrl(dep, client, chart.metadataFile, i, () => positionOf(chart.metadataYaml, ['dependencies', i])?.line) };
  });
  return { chart, planned };
}

/** Moves the new archives into charts/ and removes the ones they replace; other files in charts/ stay. */
function installArchives(chartDir: string, archives: { file: string; data: Buffer }[], depNames: Set<string>): void {
  const chartsDir = join(chartDir, 'charts');
  mkdirSync(chartsDir, { recursive: true });
  const stage = mkdtempSync(join(chartDir, '.charts-'));
  try {
    for (const a of archives) writeFileSync(join(stage, a.file), a.data);
    const keep = new Set(archives.map((a) => a.file));
    for (const f of readdirSync(chartsDir)) {
      if (!f.endsWith('.tgz') || keep.has(f)) continue;
      const name = f.replace(/-\d+\.\d+\.\d+.*\.tgz$/, '');
      if (depNames.has(name)) rmSync(join(chartsDir, f));
    }
    for (const a of archives) renameSync(join(stage, a.file), join(chartsDir, a.file));
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

async function parallel<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

export interface DependencyResult {
  locked: LockedDependency[];
  /** Archives fetched from the network (not from the cache or charts/). */
  downloaded: number;
}

/**
 * Resolves Chart.yaml's dependency ranges against their repositories (each index fetched once), downloads the
 * chosen archives in parallel through the verified cache, and writes charts/ and Chart.lock.
 */
export async function dependencyUpdate(opts: DependencyOptions): Promise<DependencyResult> {
  const chartDir = resolvePath(opts.chart);
  const client = new RepoClient(opts);
  const { chart, planned } = plan(chartDir, client);
  const deps = chart.metadata.dependencies ?? [];
  const urls = [...new Set(planned.filter((p) => !p.repository.startsWith('file://')).map((p) => p.repository))];
  const indexes = new Map<string, RepoIndex>();
  await Promise.all(
    urls.map(async (u) => {
      const configured = client.settings.byUrl(u);
      if (configured && !opts.offline) indexes.set(u, (await client.updateIndex(configured)).index);
      else if (configured) {
        const cached = client.cachedIndex(configured.name);
        if (!cached) throw new ChartroomError('OFFLINE', `repository ${configured.name} has no cached index and --offline forbids the network`);
        indexes.set(u, cached);
      } else indexes.set(u, await client.indexByUrl(u));
    }),
  );
  const available = new Map<string, Map<string, string[]>>();
  for (const [u, idx] of indexes) available.set(u, new Map(Object.entries(idx.entries).map(([n, vs]) => [n, vs.map((v) => v.version)])));
  const reqs: Requirement[] = [];
  const reqIndex: number[] = [];
  const local: { p: Planned; i: number }[] = [];
  planned.forEach((p, i) => {
    if (p.repository.startsWith('file://')) local.push({ p, i });
    else {
      reqs.push({ name: p.dep.name, range: p.dep.version ?? '', repository: p.repository });
      reqIndex.push(i);
    }
  });
  const lock = readLock(chartDir);
  // Chart.lock names repositories as Chart.yaml does (@NAME too): map them to the URLs resolved above.
  const previous = lock?.dependencies.map((d, i) => ({ name: d.name, version: d.version, repository: planned[i]?.dep.name === d.name ? planned[i].repository : d.repository }));
  const res = resolve(reqs, available, { keepLocked: opts.keepLocked, locked: previous });
  if (!res.ok) throw new ChartroomError('UNRESOLVED', `cannot resolve the dependencies of ${chart.metadata.name}:\n  ${describeProblems(res.problems)}`, { file: chart.metadataFile });

  let downloaded = 0;
  // One bar counts the archives; the per-download bars of the client would fight it for the terminal.
  const quiet = new RepoClient({ ...opts, progress: undefined });
  const bar = res.choices.length > 3 ? opts.progress?.() : undefined;
  bar?.start('dependencies', res.choices.length);
  let done = 0;
  const remote = await parallel(res.choices, opts.parallel ?? 8, async (c): Promise<Fetched> => {
    const entry = indexes.get(c.repository)!.entries[c.name].find((v) => v.version === c.version)!;
    const url = joinUrl(c.repository, entry.urls[0]);
    const cachedBefore = entry.digest ? quiet.hasCachedArchive(entry.digest) : false;
    const data = await quiet.archive(url, entry.digest, `dependency ${c.name} ${c.version}`);
    if (!cachedBefore) downloaded++;
    bar?.update(++done);
    return { name: c.name, version: c.version, repository: c.repository, data };
  }).finally(() => bar?.stop());
  const fromFiles = local.map(({ p }): Fetched => {
    const path = p.repository.slice('file://'.length);
    const dir = isAbsolute(path) ? path : join(chartDir, path);
    if (!existsSync(dir)) throw new ChartroomError('DEPENDENCY_MISSING', `dependency ${p.dep.name}: folder ${dir} does not exist`, { file: chart.metadataFile });
    const work = mkdtempSync(join(chartDir, '.pkg-'));
    try {
      const pkg = packageChart({ path: dir, destination: work });
      if (pkg.name !== p.dep.name) throw new ChartroomError('DEPENDENCY_MISMATCH', `dependency ${p.dep.name}: ${dir} holds chart ${pkg.name}`, { file: chart.metadataFile });
      return { name: pkg.name, version: pkg.version, repository: p.repository, data: readFileSync(pkg.file) };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
  // Chart.lock lists dependencies in Chart.yaml's order (one chart may be there twice, under aliases).
  const ordered: Fetched[] = new Array(planned.length);
  remote.forEach((f, k) => (ordered[reqIndex[k]] = f));
  fromFiles.forEach((f, k) => (ordered[local[k].i] = f));
  installArchives(chartDir, dedupe(ordered).map((a) => ({ file: `${a.name}-${a.version}.tgz`, data: a.data })), new Set(deps.map((d) => d.name)));
  const locked: LockedDependency[] = ordered.map((a, i) => ({ name: a.name, version: a.version, repository: deps[i].repository ?? '', digest: `sha256:${createHash('sha256').update(a.data).digest('hex')}` }));
  writeLock(chartDir, { dependencies: locked, digest: requirementsDigest(deps, locked), generated: new Date().toISOString() });
  return { locked, downloaded };
}

function dedupe<T extends { name: string; version: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((a) => (seen.has(`${a.name}-${a.version}`) ? false : (seen.add(`${a.name}-${a.version}`), true)));
}

/**
 * Rebuilds charts/ from Chart.lock: archives already in charts/ with the locked digest are kept without
 * touching the network; missing ones are fetched and verified.
 */
export async function dependencyBuild(opts: DependencyOptions): Promise<DependencyResult> {
  const chartDir = resolvePath(opts.chart);
  const client = new RepoClient(opts);
  const { chart, planned } = plan(chartDir, client);
  const deps = chart.metadata.dependencies ?? [];
  const lock = readLock(chartDir);
  if (!lock) {
    if (deps.length === 0) return { locked: [], downloaded: 0 };
    throw new ChartroomError('NO_LOCK', `${chart.metadata.name} has no Chart.lock`, { file: join(chartDir, 'Chart.lock'), hint: 'run chart dependency update' });
  }
  const expected = requirementsDigest(deps, lock.dependencies);
  if (expected !== lock.digest) {
    throw new ChartroomError('LOCK_OUT_OF_SYNC', 'Chart.lock is out of sync with the dependencies in Chart.yaml', { file: join(chartDir, 'Chart.lock'), field: 'digest', hint: 'run chart dependency update' });
  }
  const chartsDir = join(chartDir, 'charts');
  let downloaded = 0;
  const needed: { file: string; data: Buffer }[] = [];
  const missing = lock.dependencies.filter((d) => {
    const file = join(chartsDir, `${d.name}-${d.version}.tgz`);
    if (!existsSync(file)) return true;
    if (!d.digest) return false;
    const have = `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
    return have !== d.digest;
  });
  if (missing.length === 0) return { locked: lock.dependencies, downloaded: 0 };
  const indexes = new Map<string, RepoIndex>();
  await parallel(missing, opts.parallel ?? 8, async (d) => {
    const p = planned.find((x) => x.dep.name === d.name);
    const url = p?.repository ?? d.repository;
    if (url.startsWith('file://')) {
      const path = url.slice('file://'.length);
      const pkg = packageChart({ path: isAbsolute(path) ? path : join(chartDir, path), destination: mkdtempSync(join(chartDir, '.pkg-')) });
      needed.push({ file: `${pkg.name}-${pkg.version}.tgz`, data: readFileSync(pkg.file) });
      rmSync(join(pkg.file, '..'), { recursive: true, force: true });
      return;
    }
    let idx = indexes.get(url);
    if (!idx) indexes.set(url, (idx = await client.indexByUrl(url)));
    const entry = idx.entries[d.name]?.find((v) => v.version === d.version);
    if (!entry) throw new ChartroomError('LOCKED_VERSION_GONE', `${d.name} ${d.version} (locked) is not in ${url} any more`, { hint: 'run chart dependency update' });
    const cachedBefore = entry.digest ? client.hasCachedArchive(entry.digest) : false;
    const data = await client.archive(joinUrl(url, entry.urls[0]), d.digest ?? entry.digest, `dependency ${d.name} ${d.version}`);
    if (!cachedBefore) downloaded++;
    needed.push({ file: `${d.name}-${d.version}.tgz`, data });
  });
  installArchives(chartDir, needed, new Set());
  return { locked: lock.dependencies, downloaded };
}

export interface DependencyStatus {
  name: string;
  version: string;
  repository: string;
  status: 'ok' | 'missing' | 'wrong version' | 'unpacked' | 'misnamed';
}

/** Each Chart.yaml dependency and whether charts/ has it. */
export function dependencyList(chartPath: string): DependencyStatus[] {
  const chart = loadChartDir(chartPath);
  const chartsDir = join(resolvePath(chartPath), 'charts');
  const files = existsSync(chartsDir) ? readdirSync(chartsDir) : [];
  return (chart.metadata.dependencies ?? []).map((d) => {
    let status: DependencyStatus['status'] = 'missing';
    if (files.includes(d.name) && existsSync(join(chartsDir, d.name, 'Chart.yaml'))) status = 'unpacked';
    for (const f of files.filter((x) => x.endsWith('.tgz'))) {
      try {
        const c = loadChartArchive(readFileSync(join(chartsDir, f)), f);
        if (c.metadata.name !== d.name) continue;
        status = !d.version || safeSatisfies(c.metadata.version, d.version) ? 'ok' : 'wrong version';
        if (status === 'ok') break;
      } catch {
        status = 'misnamed';
      }
    }
    return { name: d.name, version: d.version ?? '', repository: d.repository ?? '', status };
  });
}

function safeSatisfies(v: string, r: string): boolean {
  try {
    return satisfies(v, r, { includePrerelease: v.includes('-') });
  } catch {
    return false;
  }
}
