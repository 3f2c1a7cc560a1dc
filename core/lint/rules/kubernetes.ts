import type { Manifest } from '../../kube/manifests.js';
import type { LintMessage } from '../types.js';

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kinds whose names must be DNS labels (63 characters), because they become host names. */
const LABEL_NAMED_KINDS = new Set(['Service', 'Namespace']);

/** Workloads whose spec.selector Kubernetes requires. */
const WORKLOADS_WITH_SELECTOR = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** API versions Kubernetes has removed, for the kinds charts still carry. */
const REMOVED_APIS = new Map<string, string>(Object.entries({
  'extensions/v1beta1': 'apps/v1 or networking.k8s.io/v1',
  'apps/v1beta1': 'apps/v1',
  'apps/v1beta2': 'apps/v1',
  'networking.k8s.io/v1beta1': 'networking.k8s.io/v1',
  'policy/v1beta1': 'policy/v1',
  'batch/v1beta1': 'batch/v1',
  'autoscaling/v2beta1': 'autoscaling/v2',
  'autoscaling/v2beta2': 'autoscaling/v2',
  'rbac.authorization.k8s.io/v1beta1': 'rbac.authorization.k8s.io/v1',
  'apiextensions.k8s.io/v1beta1': 'apiextensions.k8s.io/v1',
  'admissionregistration.k8s.io/v1beta1': 'admissionregistration.k8s.io/v1',
  'storage.k8s.io/v1beta1': 'storage.k8s.io/v1',
  'scheduling.k8s.io/v1beta1': 'scheduling.k8s.io/v1',
  'coordination.k8s.io/v1beta1': 'coordination.k8s.io/v1',
  'discovery.k8s.io/v1beta1': 'discovery.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta2': 'flowcontrol.apiserver.k8s.io/v1',
}));

function checkLabels(labels: unknown, what: string, where: string, file: string, out: LintMessage[]) {
  if (labels === undefined || labels === null) return;
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    out.push({ severity: 'error', message: `${what}: ${where} must be a mapping of strings`, file });
    return;
  }
  for (const [k, v] of Object.entries(labels)) {
    const slash = k.lastIndexOf('/');
    const prefix = slash >= 0 ? k.slice(0, slash) : '';
    const name = slash >= 0 ? k.slice(slash + 1) : k;
    if ((prefix && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) || name.length > 63 || !LABEL_NAME.test(name)) {
      out.push({ severity: 'error', message: `${what}: ${where}: label key ${JSON.stringify(k)} is invalid (an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or ".")`, file, field: `${where}.${k}` });
    }
    if (typeof v !== 'string') {
      out.push({ severity: 'error', message: `${what}: ${where}: label ${JSON.stringify(k)} has a ${v === null ? 'null' : typeof v} value; label values must be strings (quote it)`, file, field: `${where}.${k}` });
    } else if (v.length > 63 || !LABEL_VALUE.test(v)) {
      out.push({ severity: 'error', message: `${what}: ${where}: label ${JSON.stringify(k)} has the invalid value ${JSON.stringify(v)} (at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`, file, field: `${where}.${k}` });
    }
  }
}

/** Rule family "kubernetes": basics every rendered object must meet (names, labels, selectors, removed APIs). */
export function lintManifest(m: Manifest, file: string): LintMessage[] {
  const out: LintMessage[] = [];
  const o = m.object;
  if (!o) return out;
  const what = `${m.kind || 'object'}${m.name ? ` ${m.name}` : ''} (${m.source})`;
  if (!o.apiVersion) out.push({ severity: 'error', message: `${what}: apiVersion is missing`, file, field: 'apiVersion' });
  if (!o.kind) out.push({ severity: 'error', message: `${what}: kind is missing`, file, field: 'kind' });
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (!meta || typeof meta !== 'object') {
    out.push({ severity: 'error', message: `${what}: metadata is missing`, file, field: 'metadata' });
    return out;
  }
  const name = meta.name;
  if ((name === undefined || name === null || name === '') && !meta.generateName) {
    out.push({ severity: 'error', message: `${what}: metadata.name is missing`, file, field: 'metadata.name' });
  } else if (name !== undefined && name !== null) {
    if (typeof name !== 'string') out.push({ severity: 'error', message: `${what}: metadata.name must be a string`, file, field: 'metadata.name' });
    else if (LABEL_NAMED_KINDS.has(m.kind) ? !DNS1123_LABEL.test(name) || name.length > 63 : !DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
      out.push({ severity: 'error', message: `${what}: metadata.name ${JSON.stringify(name)} is not a valid DNS-1123 ${LABEL_NAMED_KINDS.has(m.kind) ? 'label (lowercase letters, digits, "-", at most 63 characters)' : 'name (lowercase letters, digits, "-" and ".")'}`, file, field: 'metadata.name' });
    } else if (name.length > 63) {
      out.push({ severity: 'warning', message: `${what}: metadata.name is ${name.length} characters; names over 63 break labels and host names`, file, field: 'metadata.name' });
    }
  }
  checkLabels(meta.labels, what, 'metadata.labels', file, out);
  const spec = o.spec as Record<string, unknown> | undefined;
  const template = spec?.template as { metadata?: { labels?: unknown } } | undefined;
  if (template?.metadata) checkLabels(template.metadata.labels, what, 'spec.template.metadata.labels', file, out);
  const selector = spec?.selector as { matchLabels?: unknown } | undefined;
  if (selector && typeof selector === 'object' && 'matchLabels' in selector) checkLabels(selector.matchLabels, what, 'spec.selector.matchLabels', file, out);
  if (WORKLOADS_WITH_SELECTOR.has(m.kind) && !String(o.apiVersion ?? '').includes('beta')) {
    const sel = spec?.selector as { matchLabels?: unknown; matchExpressions?: unknown } | undefined;
    if (!sel || (!sel.matchLabels && !sel.matchExpressions)) {
      out.push({ severity: 'error', message: `${what}: a ${m.kind} needs spec.selector with matchLabels or matchExpressions`, file, field: 'spec.selector' });
    } else if (sel.matchLabels && typeof sel.matchLabels === 'object' && template?.metadata?.labels && typeof template.metadata.labels === 'object') {
      const labels = template.metadata.labels as Record<string, unknown>;
      const missing = Object.entries(sel.matchLabels as Record<string, unknown>).filter(([k, v]) => labels[k] !== v);
      if (missing.length) out.push({ severity: 'error', message: `${what}: spec.selector.matchLabels ${missing.map(([k, v]) => `${k}=${String(v)}`).join(', ')} not in spec.template.metadata.labels, so the ${m.kind} selects none of its pods`, file, field: 'spec.selector.matchLabels' });
    }
  }
  const api = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  const replacement = REMOVED_APIS.get(api);
  if (replacement && !(api === 'extensions/v1beta1' && m.kind === 'PodSecurityPolicy')) {
    out.push({ severity: 'warning', message: `${what}: apiVersion ${api} has been removed from Kubernetes; use ${replacement}`, file, field: 'apiVersion' });
  }
  return out;
}

