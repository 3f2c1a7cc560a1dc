import { scanManifest } from '../../core/kube/manifest-scan.js';
import { loadYamlReference as loadYaml } from '../../core/yaml.js';

/*
 * Differential checks of the one-pass manifest scanner against the full YAML parser: the scanner may only
 * accept what the full parser reads without error as a mapping (or nothing), with the same head.
 */

/** Small edits of a document, each of which may make it invalid. */
export function mutations(doc: string): string[] {
  const lines = doc.split('\n');
  const out: string[] = [];
  const edits: ((l: string) => string)[] = [
    (l) => ` ${l}`,
    (l) => l.replace(/^ /, ''),
    (l) => `${l}:`,
    (l) => `${l}: x`,
    (l) => l.replace(/: /, ':'),
    (l) => l.replace(/"/, ''),
    (l) => l.replace(/'/, ''),
    (l) => `- ${l}`,
    (l) => l.replace(/^(\s*)- /, '$1'),
    (l) => `${l} #`,
    (l) => l.replace(/[a-z]/, '&'),
    (l) => `${l} |`,
  ];
  for (let i = 0; i < lines.length; i++) {
    for (const edit of edits) {
      const changed = edit(lines[i]);
      if (changed === lines[i]) continue;
      out.push([...lines.slice(0, i), changed, ...lines.slice(i + 1)].join('\n'));
    }
    out.push([...lines.slice(0, i), lines[i], lines[i], ...lines.slice(i + 1)].join('\n'));
  }
  return out;
}

interface Expect {
  kind: string;
  apiVersion: string;
  name: string;
  annotations: unknown;
}

/** What the full parser makes of a document: its head, or the error. */
function fullParse(doc: string): Expect | 'error' | 'not-a-mapping' {
  let value: unknown;
  try {
    value = loadYaml(doc, 'x.yaml');
  } catch {
    return 'error';
  }
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) return 'not-a-mapping';
  const obj = (value ?? null) as Record<string, unknown> | null;
  const meta = (obj?.metadata ?? {}) as { name?: unknown; annotations?: unknown };
  return {
    kind: typeof obj?.kind === 'string' ? obj.kind : '',
    apiVersion: typeof obj?.apiVersion === 'string' ? obj.apiVersion : '',
    name: typeof meta.name === 'string' ? meta.name : '',
    annotations: meta.annotations && typeof meta.annotations === 'object' ? { ...(meta.annotations as object) } : undefined,
  };
}

export function check(doc: string): 'fast' | 'slow' {
  const head = scanManifest(doc);
  if (!head) return 'slow';
  const full = fullParse(doc);
  if (typeof full === 'string') throw new Error(`the scanner accepted a document the full parser calls ${full}:\n${doc}`);
  const mine = { kind: head.kind, apiVersion: head.apiVersion, name: head.name, annotations: head.annotations ? { ...head.annotations } : undefined };
  if (JSON.stringify(mine) !== JSON.stringify(full)) throw new Error(`heads differ: ${JSON.stringify(mine)} vs ${JSON.stringify(full)}:\n${doc}`);
  return 'fast';
}

