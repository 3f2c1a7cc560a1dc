import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import pLimit from 'p-limit';
import { ChartroomError } from '../errors.js';
import type { ActionContext } from '../context.js';
import { loadChartArchive, loadChartDir } from '../chart/loader.js';
import { explainUnsatisfied, satisfiesDependency } from '../chart/dependency-rule.js';
import type { ChartDependency } from '../chart/metadata.js';
import type { Chart, LockedDependency } from '../chart/model.js';
import { positionOf } from '../yaml.js';
import { requirementsDigest, writeLock } from '../lockfile.js';
import { resolve, describeProblems, type Requirement } from '../resolver.js';
import { locateDependency, type FetchedChart, type Located } from '../sources/index.js';
import type { Keyring } from '../provenance/index.js';
import { loadKeyring, provenanceOf, verifyFetched } from './verify.js';
import { makeDirsSync } from '../make-dirs.js';

export interface DependencyOptions {
  chart: string;
  /** Keep locked versions that still satisfy the ranges. */
  keepLocked?: boolean;
  /** Use only cached indexes and archives. */
  offline?: boolean;
  /** Downloads at once. */
  parallel?: number;
  /** Verify every dependency archive against its provenance file and this keyring (helm's --verify --keyring). */
  verifyKeyring?: string;
}

export interface DependencyResult {
  locked: LockedDependency[];
  /** Archives fetched from the network (not from the cache or charts/). */
  downloaded: number;
}

interface Planned {
  dep: ChartDependency;
  index: number;
  located: Located;
}

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** With --verify: a fetched dependency checked against its provenance file; one packaged from a folder cannot be. */
async function verifyDependency(ctx: ActionContext, p: Planned, fetched: FetchedChart, fixed: boolean, keyring: { ring: Keyring; file: string } | undefined): Promise<void> {
  if (!keyring) return;
  if (fixed) throw new ChartroomError('PROV_MISSING', `dependency ${p.dep.name} comes from ${p.dep.repository}, a folder: unpacked charts cannot be verified`, { field: `dependencies[${p.index}]`, hint: 'leave out --verify, or take the dependency from a repository or registry that has its .prov' });
  await verifyFetched(ctx, fetched, await provenanceOf(ctx, fetched), keyring.ring, keyring.file);
}

/** The context an option set asks for: offline, and without per-download bars when one bar counts them all. */
function contextFor(ctx: ActionContext, opts: { offline?: boolean; quiet?: boolean }): ActionContext {
  if (!opts.offline && !opts.quiet) return ctx;
  return { ...ctx, repos: ctx.repos.with({ offline: opts.offline, ...(opts.quiet ? { progress: undefined } : {}) }) };
}

/** Each dependency of Chart.yaml with the source its `repository` names; errors point at the entry. */
function plan(chart: Chart, chartDir: string, ctx: ActionContext): Planned[] {
  return (chart.metadata.dependencies ?? []).map((dep, i) => {
    const where = { file: chart.metadataFile, line: positionOf(chart.metadataYaml, ['dependencies', i])?.line, field: `dependencies[${i}].repository` };
    if (dep.name === chart.metadata.name) throw new ChartroomError('DEPENDENCY_CYCLE', `chart ${dep.name} depends on itself`, { ...where, field: `dependencies[${i}]` });
    if (!dep.repository) throw new ChartroomError('REPO_MISSING', `dependency ${dep.name} has no repository`, { ...where, hint: 'use https://…, file://…, or @NAME of a configured repository' });
    let located: Located | undefined;
    try {
      located = locateDependency({ name: dep.name, repository: dep.repository }, chartDir, ctx);
    } catch (e) {
      if (e instanceof ChartroomError) throw new ChartroomError(e.code, e.message, { ...e.details, ...where });
      throw e;
    }
    if (!located) throw new ChartroomError('REPO_MISSING', `dependency ${dep.name}: ${JSON.stringify(dep.repository)} is not a repository Chartroom knows`, { ...where, hint: 'use https://…, file://…, oci://…, or @NAME of a configured repository' });
    return { dep, index: i, located };
  });
}

/** A fixed chart (a `file://` folder) must be the named chart at a version its range accepts: the one dependency rule. */
function checkFixed(chart: Chart, p: Planned, fetched: FetchedChart): void {
  const where = { file: chart.metadataFile, line: positionOf(chart.metadataYaml, ['dependencies', p.index])?.line, field: `dependencies[${p.index}]` };
  if (fetched.name !== p.dep.name) throw new ChartroomError('DEPENDENCY_MISMATCH', `dependency ${p.dep.name}: ${p.located.ref.display} holds chart ${fetched.name}`, where);
  if (!satisfiesDependency(fetched.version, p.dep.version)) {
    throw new ChartroomError('DEPENDENCY_VERSION', `dependency ${p.dep.name} ${p.dep.version}: ${p.located.ref.display} holds ${explainUnsatisfied(fetched.version, p.dep.version ?? '')}`, {
      ...where,
      field: `dependencies[${p.index}].version`,
      hint: `change the range in Chart.yaml, or the version in ${p.located.ref.display}`,
    });
  }
}

/** Moves the new archives into charts/ and removes the ones they replace; other files in charts/ stay. */
function installArchives(chartDir: string, archives: { file: string; data: Buffer }[], depNames: Set<string>): void {
  const chartsDir = join(chartDir, 'charts');
  makeDirsSync(chartsDir);
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

function dedupe<T extends { name: string; version: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((a) => (seen.has(`${a.name}-${a.version}`) ? false : (seen.add(`${a.name}-${a.version}`), true)));
}

/**
 * Resolves Chart.yaml's dependency ranges against their sources (each repository's index fetched once),
 * downloads the chosen archives in parallel through the verified cache, and writes charts/ and Chart.lock.
 */
export async function dependencyUpdate(ctx: ActionContext, opts: DependencyOptions): Promise<DependencyResult> {
  const chartDir = resolvePath(opts.chart);
  const chart = loadChartDir(chartDir);
  const deps = chart.metadata.dependencies ?? [];
  const online = contextFor(ctx, { offline: opts.offline });
  const planned = plan(chart, chartDir, online);
  const keyring = opts.verifyKeyring !== undefined ? { ring: await loadKeyring(opts.verifyKeyring), file: opts.verifyKeyring } : undefined;

  // Versions on offer, by repository and name; fixed charts (folders) are fetched and checked instead.
  const available = new Map<string, Map<string, string[]>>();
  const fixed = new Map<number, FetchedChart>();
  await Promise.all(
    planned.map(async (p) => {
      const versions = await p.located.source.versions(p.located.ref, online, 'fresh');
      if (versions === undefined) {
        const fetched = await p.located.source.fetch(p.located.ref, undefined, online, 'fresh');
        checkFixed(chart, p, fetched);
        await verifyDependency(online, p, fetched, true, keyring);
        fixed.set(p.index, fetched);
        return;
      }
      const key = p.located.ref.repositoryKey ?? p.located.ref.display;
      let byName = available.get(key);
      if (!byName) available.set(key, (byName = new Map()));
      if (versions) byName.set(p.dep.name, versions);
    }),
  );
  const remote = planned.filter((p) => !fixed.has(p.index));
  const reqs: Requirement[] = remote.map((p) => ({ name: p.dep.name, range: p.dep.version ?? '', repository: p.located.ref.repositoryKey ?? p.located.ref.display }));
  // Chart.lock names repositories as Chart.yaml does (@NAME too): map them to the keys used above.
  const previous = chart.lock?.dependencies.map((d, i) => ({ name: d.name, version: d.version, repository: planned[i]?.dep.name === d.name ? (planned[i].located.ref.repositoryKey ?? d.repository) : d.repository }));
  const res = resolve(reqs, available, { keepLocked: opts.keepLocked, locked: previous });
  if (!res.ok) throw new ChartroomError('UNRESOLVED', `cannot resolve the dependencies of ${chart.metadata.name}:\n  ${describeProblems(res.problems)}`, { file: chart.metadataFile });

  // One bar counts the archives; the per-download bars would fight it for the terminal.
  const bar = res.choices.length > 3 ? ctx.progress?.() : undefined;
  const quiet = contextFor(online, { quiet: true });
  const limit = pLimit(opts.parallel ?? 8);
  let done = 0;
  bar?.start('dependencies', res.choices.length);
  const fetchedRemote = await Promise.all(
    res.choices.map((c, k) =>
      limit(async () => {
        const p = remote[k];
        const f = await p.located.source.fetch(p.located.ref, c.version, quiet, 'fresh');
        await verifyDependency(quiet, p, f, false, keyring);
        bar?.update(++done);
        return f;
      }),
    ),
  ).finally(() => bar?.stop());
  const downloaded = fetchedRemote.filter((f) => !f.fromCache).length;

  // Chart.lock lists dependencies in Chart.yaml's order (one chart may be there twice, under aliases).
  const ordered: FetchedChart[] = new Array(planned.length);
  remote.forEach((p, k) => (ordered[p.index] = fetchedRemote[k]));
  for (const [i, f] of fixed) ordered[i] = f;
  installArchives(chartDir, dedupe(ordered).map((a) => ({ file: `${a.name}-${a.version}.tgz`, data: a.data })), new Set(deps.map((d) => d.name)));
  const locked: LockedDependency[] = ordered.map((a, i) => ({ name: a.name, version: a.version, repository: deps[i].repository ?? '', digest: sha256(a.data) }));
  writeLock(chartDir, { dependencies: locked, digest: requirementsDigest(deps, locked), generated: ctx.clock().toISOString() });
  return { locked, downloaded };
}

/**
 * Rebuilds charts/ from Chart.lock: archives already in charts/ with the locked digest are kept without
 * touching the network; missing ones are fetched and verified against the lock.
 */
export async function dependencyBuild(ctx: ActionContext, opts: DependencyOptions): Promise<DependencyResult> {
  const chartDir = resolvePath(opts.chart);
  const chart = loadChartDir(chartDir);
  const deps = chart.metadata.dependencies ?? [];
  const online = contextFor(ctx, { offline: opts.offline });
  const planned = plan(chart, chartDir, online);
  const lock = chart.lock;
  const lockFile = join(chartDir, 'Chart.lock');
  if (!lock) {
    if (deps.length === 0) return { locked: [], downloaded: 0 };
    throw new ChartroomError('NO_LOCK', `${chart.metadata.name} has no Chart.lock`, { file: lockFile, hint: 'run chart dependency update' });
  }
  if (requirementsDigest(deps, lock.dependencies) !== lock.digest) {
    throw new ChartroomError('LOCK_OUT_OF_SYNC', 'Chart.lock is out of sync with the dependencies in Chart.yaml', { file: lockFile, field: 'digest', hint: 'run chart dependency update' });
  }
  // The lock matches Chart.yaml, but each locked version must still be one its range accepts (the one rule).
  lock.dependencies.forEach((d, i) => {
    const dep = deps[i];
    if (dep && dep.name === d.name && !satisfiesDependency(d.version, dep.version)) {
      throw new ChartroomError('DEPENDENCY_VERSION', `dependency ${dep.name} ${dep.version}: Chart.lock locks ${explainUnsatisfied(d.version, dep.version ?? '')}`, {
        file: chart.metadataFile,
        line: positionOf(chart.metadataYaml, ['dependencies', i])?.line,
        field: `dependencies[${i}].version`,
        hint: 'change the range in Chart.yaml, then run chart dependency update',
      });
    }
  });
  const chartsDir = join(chartDir, 'charts');
  const keyring = opts.verifyKeyring !== undefined ? { ring: await loadKeyring(opts.verifyKeyring), file: opts.verifyKeyring } : undefined;
  // With --verify every archive is fetched and checked again, as helm does: one already in charts/ proves nothing.
  const missing = lock.dependencies
    .map((d, i) => ({ d, p: planned[i]?.dep.name === d.name ? planned[i] : planned.find((x) => x.dep.name === d.name) }))
    .filter(({ d }) => {
      if (keyring) return true;
      const file = join(chartsDir, `${d.name}-${d.version}.tgz`);
      if (!existsSync(file)) return true;
      return d.digest ? sha256(readFileSync(file)) !== d.digest : false;
    });
  if (missing.length === 0) return { locked: lock.dependencies, downloaded: 0 };
  const limit = pLimit(opts.parallel ?? 8);
  const needed = await Promise.all(
    missing.map(({ d, p }) =>
      limit(async () => {
        if (!p) throw new ChartroomError('LOCK_OUT_OF_SYNC', `Chart.lock names ${d.name}, which Chart.yaml does not declare`, { file: lockFile, hint: 'run chart dependency update' });
        const versions = await p.located.source.versions(p.located.ref, online, 'cached-first');
        const fetched = await p.located.source.fetch(p.located.ref, versions === undefined ? undefined : d.version, online, 'cached-first');
        if (versions === undefined) checkFixed(chart, p, fetched);
        else if (d.digest && sha256(fetched.data) !== d.digest) {
          throw new ChartroomError('DIGEST_MISMATCH', `dependency ${d.name} ${d.version}: ${fetched.url} has ${sha256(fetched.data)}, but Chart.lock says ${d.digest}; nothing was written`, { file: lockFile, url: fetched.url, hint: 'the repository replaced the archive; check it, then run chart dependency update' });
        }
        await verifyDependency(online, p, fetched, versions === undefined, keyring);
        return { file: `${fetched.name}-${fetched.version}.tgz`, data: fetched.data, fromCache: !!fetched.fromCache || versions === undefined };
      }),
    ),
  );
  installArchives(chartDir, needed, new Set());
  return { locked: lock.dependencies, downloaded: needed.filter((n) => !n.fromCache).length };
}

export interface DependencyStatus {
  name: string;
  version: string;
  repository: string;
  status: 'ok' | 'missing' | 'wrong version' | 'unpacked' | 'misnamed';
}

/** Each Chart.yaml dependency and whether charts/ has it at a version its range accepts (the one rule). */
export function dependencyList(_ctx: ActionContext, chartPath: string): DependencyStatus[] {
  const chart = loadChartDir(chartPath);
  const chartsDir = join(resolvePath(chartPath), 'charts');
  const files = existsSync(chartsDir) ? readdirSync(chartsDir) : [];
  return (chart.metadata.dependencies ?? []).map((d) => {
    let status: DependencyStatus['status'] = 'missing';
    if (files.includes(d.name) && existsSync(join(chartsDir, d.name, 'Chart.yaml'))) {
      const sub = chart.dependencies.find((c) => c.source.endsWith(`/charts/${d.name}`));
      status = sub && !satisfiesDependency(sub.metadata.version, d.version) ? 'wrong version' : 'unpacked';
    }
    for (const f of files.filter((x) => x.endsWith('.tgz'))) {
      try {
        const c = loadChartArchive(readFileSync(join(chartsDir, f)), f);
        if (c.metadata.name !== d.name) continue;
        status = satisfiesDependency(c.metadata.version, d.version) ? 'ok' : 'wrong version';
        if (status === 'ok') break;
      } catch {
        status = 'misnamed';
      }
    }
    return { name: d.name, version: d.version ?? '', repository: d.repository ?? '', status };
  });
}
