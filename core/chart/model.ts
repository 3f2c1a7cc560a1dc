import type { ChartFile } from './archive.js';
import type { ChartMetadata, MetadataWarning } from './metadata.js';
import type { ParsedYaml } from '../yaml.js';

export type Values = Record<string, unknown>;

/** One dependency as locked in Chart.lock. */
export interface LockedDependency {
  name: string;
  version: string;
  repository: string;
  /** Our addition: sha256 of the archive that was fetched. */
  digest?: string;
}

export interface ChartLock {
  dependencies: LockedDependency[];
  digest: string;
  generated: string;
}

/** A loaded chart: metadata, values, templates, other files and its subcharts, all in memory. */
export interface Chart {
  metadata: ChartMetadata;
  /** Display path of Chart.yaml. */
  metadataFile: string;
  /** Chart.yaml parsed with positions; worked out on first use, for error messages and edits. */
  readonly metadataYaml: ParsedYaml;
  metadataWarnings: MetadataWarning[];
  /** values.yaml (empty mapping when absent). */
  values: Values;
  hasValuesFile: boolean;
  /** values.schema.json parsed, when present. */
  schema?: unknown;
  lock?: ChartLock;
  templates: ChartFile[];
  /** Files reachable through `Files` in templates: everything but templates/, charts/ and the chart's own metadata. */
  files: ChartFile[];
  /** Every file of the chart as loaded, in path order, subcharts included: what `package` writes. */
  raw: ChartFile[];
  dependencies: Chart[];
  /** Where the chart came from, as shown to users: `./web`, `web-1.0.0.tgz#web`, `app.tgz#app/charts/db`. */
  source: string;
}

/** Path shown to users for a file inside a chart. */
export function chartFilePath(chart: Chart, name: string): string {
  return `${chart.source.replace(/\/$/, '')}/${name}`;
}
