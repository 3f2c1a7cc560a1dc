import { statSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-file.js';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { ChartroomError } from '../errors.js';
import { loadChartDir } from '../chart/loader.js';
import { isStrictSemver } from '../chart/metadata.js';
import type { ChartFile } from '../chart/archive.js';
import { writeChartArchive } from '../chart/archive.js';
import { satisfies } from '../semver-range.js';
import { positionOf } from '../yaml.js';

export interface PackageOptions {
  /** The chart folder. */
  path: string;
  /** Folder to write the archive to (default: the current folder). */
  destination?: string;
  /** Overrides Chart.yaml's version. */
  version?: string;
  /** Overrides Chart.yaml's appVersion. */
  appVersion?: string;
  /** Seconds since the epoch stamped on every entry; default SOURCE_DATE_EPOCH, else 1980-01-01. */
  sourceDateEpoch?: number;
}

export interface PackageResult {
  name: string;
  version: string;
  file: string;
  sha256: string;
  size: number;
}

/** A stable default timestamp, so that the same files always give the same archive. */
export const DEFAULT_EPOCH = 315532800; // 1980-01-01T00:00:00Z

const FIRST = ['Chart.yaml', 'values.yaml', 'values.schema.json'];

/** The archive's file order: Chart.yaml, values, schema first (as Helm writes them), then by path. */
export function archiveOrder(files: ChartFile[]): ChartFile[] {
  const rank = (n: string) => {
    const i = FIRST.indexOf(n);
    return i < 0 ? FIRST.length : i;
  };
  return [...files].sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Packages a chart folder into `name-version.tgz`, honouring .helmignore; the write is atomic. */
export function packageChart(opts: PackageOptions): PackageResult {
  try {
    if (!statSync(opts.path).isDirectory()) throw new Error();
  } catch {
    throw new ChartroomError('NOT_A_CHART_DIR', `${opts.path} is not a chart folder`, { file: opts.path, hint: 'chart package takes the folder that holds Chart.yaml' });
  }
  const chart = loadChartDir(opts.path);
  const md = chart.metadata;

  // Every declared dependency must be in charts/ already.
  const missing: string[] = [];
  for (const [i, dep] of (md.dependencies ?? []).entries()) {
    const found = chart.dependencies.some((c) => c.metadata.name === dep.name && (!dep.version || safeSatisfies(c.metadata.version, dep.version)));
    if (!found) missing.push(`${dep.name}${dep.version ? ` ${dep.version}` : ''} (Chart.yaml line ${positionOf(chart.metadataYaml, ['dependencies', i])?.line ?? '?'})`);
  }
  if (missing.length) {
    throw new ChartroomError('DEPENDENCY_MISSING', `dependencies declared in Chart.yaml are missing from charts/: ${missing.join(', ')}`, {
      file: chart.metadataFile,
      field: 'dependencies',
      hint: 'run `chart dependency build` (or `update`) first',
    });
  }

  let files = chart.raw;
  let version = md.version;
  if (opts.version !== undefined || opts.appVersion !== undefined) {
    const doc = chart.metadataYaml.doc.clone();
    if (opts.version !== undefined) {
      if (!isStrictSemver(opts.version)) throw new ChartroomError('BAD_VERSION', `--version ${JSON.stringify(opts.version)} is not a valid SemVer 2 version`, { field: '--version' });
      doc.set('version', opts.version);
      version = opts.version;
    }
    if (opts.appVersion !== undefined) doc.set('appVersion', opts.appVersion);
    const text = Buffer.from(doc.toString({ lineWidth: 0 }));
    files = files.map((f) => (f.name === 'Chart.yaml' ? { name: f.name, data: text } : f));
  }

  const envEpoch = process.env.SOURCE_DATE_EPOCH;
  const epoch = opts.sourceDateEpoch ?? (envEpoch && /^\d+$/.test(envEpoch) ? Number(envEpoch) : DEFAULT_EPOCH);
  const archive = writeChartArchive(md.name, archiveOrder(files), { mtime: new Date(epoch * 1000) });

  const file = join(resolve(opts.destination ?? '.'), `${md.name}-${version}.tgz`);
  writeFileAtomic(file, archive);
  return { name: md.name, version, file, sha256: createHash('sha256').update(archive).digest('hex'), size: archive.length };
}

function safeSatisfies(v: string, range: string): boolean {
  try {
    return satisfies(v, range, { includePrerelease: /-/.test(v) });
  } catch {
    return false;
  }
}
