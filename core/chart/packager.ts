import { crypto } from '../builtin.js';
import { ChartroomError } from '../errors.js';
import { positionOf } from '../yaml.js';
import { writeChartArchive, type ChartFile } from './archive.js';
import { explainUnsatisfied, satisfiesDependency } from './dependency-rule.js';
import { isStrictSemver } from './metadata.js';
import type { Chart } from './model.js';

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

export interface PackOptions {
  /** Overrides Chart.yaml's version. */
  version?: string;
  /** Overrides Chart.yaml's appVersion. */
  appVersion?: string;
  /** Seconds since the epoch stamped on every entry. */
  sourceDateEpoch?: number;
}

export interface PackedChart {
  name: string;
  version: string;
  archive: Buffer;
  /** Hex sha256 of the archive. */
  sha256: string;
}

/**
 * Checks that every dependency Chart.yaml declares is in charts/ at a version its range accepts, by the one
 * dependency rule; throws naming each that is not, with what to do about it.
 */
export function checkDependenciesPresent(chart: Chart): void {
  const problems: string[] = [];
  let wrongVersion = false;
  for (const [i, dep] of (chart.metadata.dependencies ?? []).entries()) {
    const named = chart.dependencies.filter((c) => c.metadata.name === dep.name);
    if (named.some((c) => satisfiesDependency(c.metadata.version, dep.version))) continue;
    if (named.length) wrongVersion = true;
    const line = positionOf(chart.metadataYaml, ['dependencies', i])?.line ?? '?';
    const why = named.length ? `: charts/ has ${named.map((c) => explainUnsatisfied(c.metadata.version, dep.version ?? '')).join('; ')}` : '';
    problems.push(`${dep.name}${dep.version ? ` ${dep.version}` : ''} (Chart.yaml line ${line})${why}`);
  }
  if (problems.length) {
    throw new ChartroomError(wrongVersion ? 'DEPENDENCY_VERSION' : 'DEPENDENCY_MISSING', `dependencies declared in Chart.yaml are ${wrongVersion ? 'not satisfied by' : 'missing from'} charts/: ${problems.join(', ')}`, {
      file: chart.metadataFile,
      field: 'dependencies',
      hint: wrongVersion ? 'change the range in Chart.yaml, or put a version it accepts in charts/ (chart dependency update)' : 'run `chart dependency build` (or `update`) first',
    });
  }
}

/** Packs a loaded chart folder into archive bytes, as Helm lays them out; reproducible for the same files and epoch. */
export function packChart(chart: Chart, opts: PackOptions = {}): PackedChart {
  const md = chart.metadata;
  checkDependenciesPresent(chart);
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
  const epoch = opts.sourceDateEpoch ?? DEFAULT_EPOCH;
  const archive = writeChartArchive(md.name, archiveOrder(files), { mtime: new Date(epoch * 1000) });
  // The digest is worked out when read (`-o json`, the registry): plain `chart package` never loads Node's crypto.
  let sha256: string | undefined;
  return {
    name: md.name,
    version,
    archive,
    get sha256() {
      return (sha256 ??= crypto().createHash('sha256').update(archive).digest('hex'));
    },
  };
}
