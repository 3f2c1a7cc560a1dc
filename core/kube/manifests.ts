import { ChartroomError, lineOf } from '../errors.js';
import { loadYaml } from '../yaml.js';
import type { RenderedTemplate } from '../../template-engine/handlebars/engine.js';

/** Helm's install order of kinds; unknown kinds go last, alphabetically. */
export const INSTALL_ORDER = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role',
  'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
];
const ORDER = new Map(INSTALL_ORDER.map((k, i) => [k, i]));

const HOOK_EVENTS = new Set(['pre-install', 'post-install', 'pre-delete', 'post-delete', 'pre-upgrade', 'post-upgrade', 'pre-rollback', 'post-rollback', 'test', 'test-success']);

/** One YAML document of the output. */
export interface Manifest {
  /** `chart/templates/file.yaml`, as in Helm's `# Source:` line. */
  source: string;
  content: string;
  kind: string;
  name: string;
  apiVersion: string;
  /** The parsed document. */
  object: Record<string, unknown> | null;
  hooks: string[];
}

/** Splits a rendered file into documents the way Helm does; empty documents are dropped. */
export function splitDocuments(text: string): string[] {
  return text
    .trim()
    .split(/(?:^|\s*\n)---\s*/)
    .map((d) => d.trim())
    .filter((d) => d !== '');
}

function lessByKind(a: string, b: string): number {
  const ia = ORDER.get(a);
  const ib = ORDER.get(b);
  if (ia === undefined && ib === undefined) return a < b ? -1 : a > b ? 1 : 0;
  if (ia === undefined) return 1;
  if (ib === undefined) return -1;
  return ia - ib;
}

/**
 * Parses each rendered document (every one must be valid YAML), separates hooks, and sorts by Helm's
 * install order; the sort is stable, so files keep their path order within a kind.
 */
export function sortManifests(rendered: RenderedTemplate[]): { manifests: Manifest[]; hooks: Manifest[] } {
  const manifests: Manifest[] = [];
  const hooks: Manifest[] = [];
  for (const t of rendered) {
    const docs = splitDocuments(t.content);
    let searchFrom = 0;
    for (const doc of docs) {
      const startInOutput = t.content.indexOf(doc, searchFrom);
      searchFrom = startInOutput + doc.length;
      const outputLineOffset = startInOutput >= 0 ? t.content.slice(0, startInOutput).split('\n').length - 1 : 0;
      let object: unknown;
      try {
        object = loadYaml(doc, t.file);
      } catch (e) {
        const err = e as ChartroomError;
        const line = (err.details?.line ?? 1) + outputLineOffset;
        throw new ChartroomError('INVALID_YAML', `template produced invalid YAML: ${err.message.replace(/^invalid YAML: /, '')} (rendered output line ${line})`, {
          file: t.file,
          chart: t.chart.metadata.name,
          snippet: lineOf(t.content, line),
          line: undefined,
          hint: `rendered lines ${Math.max(1, line - 2)}-${line + 1}:\n${[line - 2, line - 1, line, line + 1]
            .filter((n) => n >= 1)
            .map((n) => `    ${n}| ${lineOf(t.content, n)}`)
            .join('\n')}`,
        });
      }
      if (object !== null && object !== undefined && (typeof object !== 'object' || Array.isArray(object))) {
        throw new ChartroomError('INVALID_YAML', `template produced a YAML document that is not a mapping: ${JSON.stringify(doc.slice(0, 60))}`, { file: t.file, chart: t.chart.metadata.name });
      }
      const obj = (object ?? null) as Record<string, unknown> | null;
      const meta = (obj?.metadata ?? {}) as { name?: unknown; annotations?: Record<string, unknown> };
      const hookAnno = meta?.annotations?.['helm.sh/hook'];
      const m: Manifest = {
        source: t.path,
        content: doc,
        kind: typeof obj?.kind === 'string' ? obj.kind : '',
        name: typeof meta?.name === 'string' ? meta.name : '',
        apiVersion: typeof obj?.apiVersion === 'string' ? obj.apiVersion : '',
        object: obj,
        hooks: typeof hookAnno === 'string' ? hookAnno.split(',').map((h) => h.trim().toLowerCase()) : [],
      };
      if (m.hooks.length === 0) manifests.push(m);
      else if (m.hooks.every((h) => HOOK_EVENTS.has(h))) hooks.push(m);
    }
  }
  const byKind = (a: Manifest, b: Manifest) => lessByKind(a.kind, b.kind);
  return { manifests: manifests.sort(byKind), hooks: hooks.sort(byKind) };
}

/** Helm's text output: `---`, `# Source:` and the document, for each. */
export function formatManifests(list: Manifest[]): string {
  return list.map((m) => `---\n# Source: ${m.source}\n${m.content}\n`).join('');
}
