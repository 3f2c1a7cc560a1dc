/**
 * Helm's release record (pkg/release/v1), field for field, so that helm and chart read each other's
 * releases. Times are RFC 3339 strings as Go writes them; byte fields are base64 strings as Go's JSON writes
 * []byte.
 */
export type ReleaseStatus = 'unknown' | 'deployed' | 'uninstalled' | 'superseded' | 'failed' | 'uninstalling' | 'pending-install' | 'pending-upgrade' | 'pending-rollback';

export const PENDING_STATUSES: ReadonlySet<ReleaseStatus> = new Set(['pending-install', 'pending-upgrade', 'pending-rollback', 'uninstalling']);

export interface ReleaseInfo {
  first_deployed?: string;
  last_deployed?: string;
  /** Go's zero time when never deleted: `0001-01-01T00:00:00Z`. */
  deleted: string;
  description?: string;
  status?: ReleaseStatus;
  notes?: string;
}

/** A file of the chart as Helm stores it: `data` is base64. */
export interface ReleaseFile {
  name: string;
  data: string;
}

export interface ReleaseChart {
  metadata: Record<string, unknown>;
  lock: Record<string, unknown> | null;
  templates: ReleaseFile[];
  values: Record<string, unknown>;
  /** base64 of values.schema.json, or null. */
  schema: string | null;
  files: ReleaseFile[];
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
