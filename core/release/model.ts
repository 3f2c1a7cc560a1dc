/**
 * Helm's release record (pkg/release/v1), field for field, so that helm and chart read each other's
 * releases. Times are RFC 3339 strings as Go writes them; byte fields are base64 strings as Go's JSON writes
 * []byte. The JSON layout (field order, omitted fields) is `core/release/codec.ts`'s business.
 */
export type ReleaseStatus = 'unknown' | 'deployed' | 'uninstalled' | 'superseded' | 'failed' | 'uninstalling' | 'pending-install' | 'pending-upgrade' | 'pending-rollback';

export const PENDING_STATUSES: ReadonlySet<ReleaseStatus> = new Set(['pending-install', 'pending-upgrade', 'pending-rollback', 'uninstalling']);

export interface ReleaseInfo {
  first_deployed?: string;
  last_deployed?: string;
  /**
   * Go's zero time when never deleted: `0001-01-01T00:00:00Z`. Helm 4 leaves a zero time out of the JSON
   * (`omitzero`; Helm 3 wrote it), so the codec omits it and fills it in again when reading.
   */
  deleted: string;
  description?: string;
  status?: ReleaseStatus;
  /** The revision a rollback went back to (helm's main branch, not in a release yet); 0/absent otherwise. */
  rollback_revision?: number;
  notes?: string;
  /** Only in `helm status --show-resources` output, never stored; kept as read. */
  resources?: Record<string, unknown[]>;
}

/** A file of the chart as Helm stores it: `data` is base64. */
export interface ReleaseFile {
  name: string;
  data: string;
  /** Helm 4 stores the file's modification time from the chart archive/folder; left out when unknown. */
  modtime?: string;
}

export interface ReleaseChart {
  metadata: Record<string, unknown>;
  lock: Record<string, unknown> | null;
  templates: ReleaseFile[];
  /** The chart's default values; null when the chart has no values.yaml (helm writes `null` then). */
  values: Record<string, unknown> | null;
  /** base64 of values.schema.json, or null. */
  schema: string | null;
  /** Helm 4: values.schema.json's modification time (the zero time when unknown). */
  schemamodtime?: string;
  files: ReleaseFile[];
  /** Helm 4: Chart.yaml's modification time; left out when unknown. */
  modtime?: string;
}

export interface HookExecution {
  started_at?: string;
  completed_at?: string;
  /** `Unknown`, `Running`, `Succeeded`, `Failed`. */
  phase: string;
}

export interface ReleaseHook {
  name?: string;
  kind?: string;
  path?: string;
  manifest?: string;
  events?: string[];
  last_run?: HookExecution;
  weight?: number;
  delete_policies?: string[];
  output_log_policies?: string[];
}

export interface Release {
  name: string;
  info: ReleaseInfo;
  chart: ReleaseChart;
  /** The user's values (what --set and -f gave), not the chart's defaults. */
  config?: Record<string, unknown>;
  manifest?: string;
  hooks?: ReleaseHook[];
  version: number;
  namespace: string;
  /** `ssa` for server-side apply (Helm 4), `csa` for client-side. */
  apply_method?: string;
  /** Labels of the stored record beyond Helm's own (not part of the JSON). */
  labels?: Record<string, string>;
}

/** Where release records live: Helm's Secrets driver in a cluster, or memory in tests. */
export interface ReleaseStore {
  /** Every revision of a release, oldest first (empty when there is none). */
  history(name: string): Promise<Release[]>;
  get(name: string, version: number): Promise<Release | undefined>;
  /** Create-only: RELEASE_REVISION_EXISTS when this revision exists (the commit point of an operation). */
  create(rel: Release): Promise<void>;
  /** Rewrites a revision (its status, info); keeps the record's labels in step. */
  update(rel: Release): Promise<void>;
  delete(name: string, version: number): Promise<void>;
  /** The latest revision of every release in the store's namespace (or all namespaces). */
  list(): Promise<Release[]>;
}
