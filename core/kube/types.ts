/** A Kubernetes object as the API server speaks it (JSON). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    managedFields?: { manager?: string; operation?: string; fieldsV1?: unknown; apiVersion?: string }[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** What discovery says about a kind. */
export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** The resource's plural name in URLs (`deployments`). */
  plural: string;
  namespaced: boolean;
}

/** Server-side apply, as `kubectl apply --server-side` does it. */
export interface ApplyOptions {
  fieldManager: string;
  /** Take fields other managers own (`--force-conflicts`). */
  force?: boolean;
  /** The API server's own dry run: nothing is stored. */
  dryRun?: boolean;
}

/**
 * The cluster, as actions see it: one context of a kubeconfig. Every method throws ChartroomError with a
 * KUBE_* code naming the context, the server and the verb/resource refused.
 */
export interface KubeClient {
  /** The kubeconfig context in use, and its server URL, for messages. */
  readonly context: string;
  readonly server: string;
  /** The namespace of the context (`default` when it names none), unless -n overrides it. */
  readonly namespace: string;
  serverVersion(): Promise<{ gitVersion: string; major: string; minor: string }>;
  /** Every group/version, and group/version/Kind, the server offers (discovery, cached). */
  apiVersions(): Promise<string[]>;
  /** Discovery for one kind; KUBE_UNKNOWN_KIND when the server has no such kind. */
  resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo>;
  /** Forgets cached discovery (after installing CRDs, before asking apiVersions() again). */
  refreshDiscovery?(): void;
  get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, namespace: string | undefined, opts?: { labelSelector?: string }): Promise<KubeObject[]>;
  /** Create-only; KUBE_ALREADY_EXISTS when the name is taken. */
  create(obj: KubeObject, opts?: { dryRun?: boolean }): Promise<KubeObject>;
  /** Replace at the object's metadata.resourceVersion; KUBE_CONFLICT when it changed meanwhile. */
  replace(obj: KubeObject): Promise<KubeObject>;
  /** Server-side apply; KUBE_APPLY_CONFLICT (details: the fields and their managers) unless `force`. */
  apply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject>;
  /** Deletes; false when it was not there. */
  delete(apiVersion: string, kind: string, name: string, namespace?: string, opts?: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' }): Promise<boolean>;
}
