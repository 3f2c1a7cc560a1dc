import { ChartroomError, lineOf } from '../errors.js';
import { loadYaml } from '../yaml.js';
import { parseHook, type HookSpec } from './hooks.js';
import { scanManifest } from './manifest-scan.js';

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

/** A rendered template file, whatever engine wrote it. */
export interface RenderedFile {
  /** Helm's manifest name: `chart/templates/x.yaml`. */
  path: string;
  content: string;
  /** Display path of the template, for messages. */
  file: string;
  chart: { metadata: { name: string } };
  /** The template's own text, for showing its lines in messages. */
  source?: string;
  /** The template source line that wrote an output line, when the engine can tell. */
  sourceLine?: (outputLine: number) => number | undefined;
}

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
  /** Set when the document is a Helm hook. */
  hook?: HookSpec;
}

/** Documents of a render, split as Helm splits them. */
export interface SortedManifests {
  /** Ordinary objects, in Helm's install order. */
  manifests: Manifest[];
  /** Hooks with known events, ordered by kind as `helm template` prints them (run order is by weight). */
  hooks: Manifest[];
  /** Hooks left out because they name an event Helm does not know. */
  skipped: Manifest[];
  /** Hook annotation problems and skipped documents, as sentences naming the template. */
  warnings: string[];
}

/** Splits a rendered file into documents the way Helm does; empty documents are dropped. */
export function splitDocuments(text: string): string[] {
  const s = text.trim();
  const pieces: string[] = [];
  // Helm splits at /(?:^|\s*\n)---\s*/ (leftmost matches, none overlapping). As a RegExp that backtracks,
  // `\s*\n` retries every run of indentation from each of its spaces; this finds the same separators
  // in one pass: a `---` at the start or right after a newline the previous separator did not take, with the
  // whitespace before that newline and after the dashes.
  let start = 0;
  for (let p = s.indexOf('---'); p >= 0; p = s.indexOf('---', p + 1)) {
    if (p !== 0 && !(p - 1 >= start && s.charCodeAt(p - 1) === 10)) continue;
    let before = p === 0 ? 0 : p - 1;
    while (before > start && isJsSpace(s.charCodeAt(before - 1))) before--;
    let after = p + 3;
    while (after < s.length && isJsSpace(s.charCodeAt(after))) after++;
    pieces.push(s.slice(start, before));
    start = after;
    p = after - 1;
  }
  pieces.push(s.slice(start));
  const docs: string[] = [];
  for (const d of pieces) {
    const t = d.trim();
    if (t !== '') docs.push(t);
  }
  return docs;
}

/** What `\s` matches in a JavaScript RegExp (and `String.prototype.trim` removes). */
function isJsSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function lessByKind(a: string, b: string): number {
  const ia = ORDER.get(a);
  const ib = ORDER.get(b);
  if (ia === undefined && ib === undefined) return a < b ? -1 : a > b ? 1 : 0;
  if (ia === undefined) return 1;
  if (ib === undefined) return -1;
  return ia - ib;
}

function invalidYaml(t: RenderedFile, err: ChartroomError, line: number): ChartroomError {
  const reason = err.message.replace(/^invalid YAML: /, '');
  const sourceLine = t.sourceLine?.(line);
  // The lines around the error that the output has (a final newline does not start one more line).
  const lastLine = t.content.replace(/\n$/, '').split('\n').length;
  const shown = [line - 2, line - 1, line, line + 1].filter((n) => n >= 1 && (n <= lastLine || n === line));
  const excerpt = shown.map((n) => `    ${n}| ${lineOf(t.content, n)}`.trimEnd()).join('\n');
  return new ChartroomError('INVALID_YAML', `template produced invalid YAML: ${reason} (rendered output line ${line}${sourceLine ? `, written by template line ${sourceLine}` : ''})`, {
    file: t.file,
    line: sourceLine,
    chart: t.chart.metadata.name,
    snippet: sourceLine && t.source !== undefined ? lineOf(t.source, sourceLine) : lineOf(t.content, line),
    hint: `rendered lines ${shown[0]}-${shown[shown.length - 1]}:\n${excerpt}`,
  });
}

function parseDocument(t: RenderedFile, doc: string, startInOutput: number): Record<string, unknown> | null {
  let object: unknown;
  try {
    object = loadYaml(doc, t.file);
  } catch (e) {
    if (!(e instanceof ChartroomError)) throw e;
    const outputLineOffset = startInOutput >= 0 ? t.content.slice(0, startInOutput).split('\n').length - 1 : 0;
    throw invalidYaml(t, e, (e.details.line ?? 1) + outputLineOffset);
  }
  if (object !== null && object !== undefined && (typeof object !== 'object' || Array.isArray(object))) {
    throw new ChartroomError('INVALID_YAML', `template produced a YAML document that is not a mapping: ${JSON.stringify(doc.slice(0, 60))}`, { file: t.file, chart: t.chart.metadata.name });
  }
  return (object ?? null) as Record<string, unknown> | null;
}

/**
 * Parses one rendered file into documents; every document must be a YAML mapping (or empty). A document in
 * the plain block style templates write is checked and its head read in one pass (manifest-scan.ts), and is
 * parsed only when someone reads its `object`; any other document is parsed at once by the full YAML parser,
 * which words the error when there is one.
 */
export function parseRenderedFile(t: RenderedFile): Manifest[] {
  const out: Manifest[] = [];
  const docs = splitDocuments(t.content);
  let searchFrom = 0;
  for (const doc of docs) {
    const startInOutput = t.content.indexOf(doc, searchFrom);
    searchFrom = startInOutput + doc.length;
    const head = scanManifest(doc);
    if (head) {
      let parsed: Record<string, unknown> | null | undefined = head.empty ? null : undefined;
      out.push({
        source: t.path,
        content: doc,
        kind: head.kind,
        name: head.name,
        apiVersion: head.apiVersion,
        get object() {
          return parsed === undefined ? (parsed = parseDocument(t, doc, startInOutput)) : parsed;
        },
        hook: parseHook(head.annotations),
      });
      continue;
    }
    const obj = parseDocument(t, doc, startInOutput);
    const meta = (obj?.metadata ?? {}) as { name?: unknown; annotations?: unknown };
    out.push({
      source: t.path,
      content: doc,
      kind: typeof obj?.kind === 'string' ? obj.kind : '',
      name: typeof meta?.name === 'string' ? meta.name : '',
      apiVersion: typeof obj?.apiVersion === 'string' ? obj.apiVersion : '',
      object: obj,
      hook: parseHook(meta?.annotations),
    });
  }
  return out;
}

/** Separates hooks from ordinary objects and sorts both by Helm's install order (stable: path order within a kind). */
export function sortDocuments(documents: Manifest[]): SortedManifests {
  const manifests: Manifest[] = [];
  const hooks: Manifest[] = [];
  const skipped: Manifest[] = [];
  const warnings: string[] = [];
  for (const m of documents) {
    if (!m.hook) {
      manifests.push(m);
      continue;
    }
    const what = `${m.kind || 'object'}${m.name ? ` ${m.name}` : ''} (${m.source})`;
    for (const p of m.hook.problems) warnings.push(`${what}: ${p}`);
    if (m.hook.unknownEvents.length) skipped.push(m);
    else hooks.push(m);
  }
  const byKind = (a: Manifest, b: Manifest) => lessByKind(a.kind, b.kind);
  return { manifests: manifests.sort(byKind), hooks: hooks.sort(byKind), skipped, warnings };
}

/** Parses every rendered file and sorts the documents as Helm does; the first invalid document throws. */
export function sortManifests(rendered: RenderedFile[]): SortedManifests {
  return sortDocuments(rendered.flatMap(parseRenderedFile));
}

/** Helm's text output: `---`, `# Source:` and the document, for each. */
export function formatManifests(list: Manifest[]): string {
  return list.map((m) => `---\n# Source: ${m.source}\n${m.content}\n`).join('');
}
