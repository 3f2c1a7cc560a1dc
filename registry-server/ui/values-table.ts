import { createRequire } from 'node:module';
import type { Document, Node, Pair } from 'yaml';
import { parseYaml } from '../../core/yaml.js';

/** One row of a chart page's values table: every map key and every leaf of values.yaml. Plain text throughout. */
export interface ValuesRow {
  /** `image.tag`, `ingress.hosts[0].host`, `podAnnotations["app.kubernetes.io/name"]`. */
  path: string;
  /** The schema's type when it gives one, else the YAML value's: string, int, float, bool, null, list, object. */
  type: string;
  /** The default as JSON-like text, shortened past MAX_DEFAULT_CHARS. */
  default: string;
  description: string;
  /** The schema's allowed values, as text. */
  enum?: string[];
}

export interface ValuesTable {
  rows: ValuesRow[];
  /** Why the table is incomplete or missing (too large, too deep, unreadable), in words for the page. */
  notice?: string;
}

export interface ValuesTableLimits {
  /** Largest values.yaml read; a larger one gets no table. */
  maxBytes: number;
  /** Most rows; the rest are left out. */
  maxRows: number;
  /** Deepest path expanded; deeper values are shown whole in their parent's row. */
  maxDepth: number;
}

export const DEFAULT_VALUES_LIMITS: ValuesTableLimits = { maxBytes: 1024 * 1024, maxRows: 5000, maxDepth: 32 };

/** Longest default shown in one row; longer ones end with `…`. */
export const MAX_DEFAULT_CHARS = 200;
const MAX_ENUM = 50;
/** Most `$ref` hops followed for one schema node; a cycle stops there. */
const MAX_REF_HOPS = 16;

type YamlLib = typeof import('yaml');
let yamlLib: YamlLib | undefined;
/** The yaml library's node tests, loaded on first use as core/yaml.ts loads the library (the CLI bundle carries it). */
function Y(): YamlLib {
  return (yamlLib ??= (typeof require === 'function' ? require('yaml') : createRequire(import.meta.url)('yaml')) as YamlLib);
}

/** What a comment block above a key says, helm-docs style. */
interface KeyComment {
  description: string;
  /** `# @default -- text`: what to show instead of the literal default. */
  default?: string;
}

/**
 * Reads the comment directly above a key (the `yaml` library's commentBefore: lines without their `#`, a blank
 * line as an empty line). Only the last block counts — one blank line separates a comment from the key it no
 * longer describes. A `-- text` line starts a helm-docs description and the lines after it continue it; a
 * block without one is a plain comment, used as it is.
 */
export function parseKeyComment(comment: string | null | undefined): KeyComment | undefined {
  if (!comment) return undefined;
  const lines = comment.split('\n');
  const lastBlank = lines.map((l) => l.trim()).lastIndexOf('');
  const block = lines.slice(lastBlank + 1).map((l) => l.trim());
  if (block.length === 0) return undefined;
  const start = block.findIndex((l) => l === '--' || l.startsWith('-- '));
  let def: string | undefined;
  const text: string[] = [];
  for (const line of start >= 0 ? [block[start].slice(2), ...block.slice(start + 1)] : block) {
    const tag = /^@(\w+)(?:\s+--\s*(.*))?$/.exec(line.trim());
    if (tag) {
      if (tag[1] === 'default' && tag[2] !== undefined) def = tag[2].trim();
      // Other helm-docs tags (@section, @raw, @ignored…) are directives, not prose.
      continue;
    }
    if (line.trim()) text.push(line.trim());
  }
  const description = text.join(' ');
  if (!description && def === undefined) return undefined;
  return { description, default: def };
}

/** A JSON-like rendering of a value that stops once `limit` characters are written (linear in the limit). */
function preview(value: unknown, limit = MAX_DEFAULT_CHARS): string {
  let out = '';
  const write = (s: string) => {
    out += s;
    return out.length <= limit;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (depth > 64) return write('…');
    if (typeof v === 'string') return write(JSON.stringify(v.length > limit ? v.slice(0, limit + 1) : v));
    if (v === null || v === undefined) return write('null');
    if (typeof v !== 'object') return write(String(v));
    if (Array.isArray(v)) {
      if (!write('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !write(',')) || !walk(v[i], depth + 1)) return false;
      return write(']');
    }
    if (!write('{')) return false;
    let first = true;
    for (const k in v as Record<string, unknown>) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      if ((!first && !write(',')) || !write(`${JSON.stringify(k)}:`) || !walk((v as Record<string, unknown>)[k], depth + 1)) return false;
      first = false;
    }
    return write('}');
  };
  walk(value, 0);
  return out.length > limit ? `${out.slice(0, limit)}…` : out;
}

/** Like preview, for a YAML node: aliases are shown as `*name`, never expanded. */
function previewNode(node: unknown, limit = MAX_DEFAULT_CHARS): string {
  const y = Y();
  const plain = (n: unknown, depth: number, budget: { left: number }): unknown => {
    if (budget.left-- <= 0 || depth > 64) return '…';
    if (y.isAlias(n)) return `*${n.source}`;
    if (y.isScalar(n)) return n.value;
    if (y.isSeq(n)) {
      const out: unknown[] = [];
      for (const item of n.items) {
        if (budget.left <= 0) break;
        out.push(plain(item, depth + 1, budget));
      }
      return out;
    }
    if (y.isMap(n)) {
      const out: Record<string, unknown> = {};
      for (const p of n.items) {
        if (budget.left <= 0) break;
        out[String(y.isScalar(p.key) ? p.key.value : '?')] = plain(p.value, depth + 1, budget);
      }
      return out;
    }
    return null;
  };
  // Each node costs at least one character of output, so the limit bounds the nodes visited too.
  return preview(plain(node, 0, { left: limit }), limit);
}

function typeOfNode(node: unknown): string {
  const y = Y();
  if (y.isMap(node)) return 'object';
  if (y.isSeq(node)) return 'list';
  if (y.isAlias(node)) return 'alias';
  if (!y.isScalar(node)) return 'null';
  const v = node.value;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return Number.isInteger(Number(v)) && !/[.eE]/.test(node.source ?? String(v)) ? 'int' : 'float';
  return 'string';
}

/** A path segment: `.key` for plain keys, `["a.b"]` for keys a dot would misread. */
function keySegment(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

type Schema = Record<string, unknown>;
const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Follows local `$ref`s (`#/definitions/x`, `#/$defs/x`) from a schema node, a bounded number of hops. */
function deref(root: unknown, node: unknown): Schema | undefined {
  let cur = node;
  for (let hop = 0; isObj(cur) && typeof cur.$ref === 'string'; hop++) {
    if (hop >= MAX_REF_HOPS || !cur.$ref.startsWith('#')) return undefined;
    let target: unknown = root;
    for (const raw of cur.$ref.slice(1).split('/').filter((s) => s !== '')) {
      const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      target = isObj(target) && Object.prototype.hasOwnProperty.call(target, part) ? target[part] : undefined;
    }
    cur = target;
  }
  return isObj(cur) ? cur : undefined;
}

function schemaForKey(root: unknown, parent: Schema | undefined, key: string): Schema | undefined {
  if (!parent) return undefined;
  const props = parent.properties;
  if (isObj(props) && Object.prototype.hasOwnProperty.call(props, key)) return deref(root, props[key]);
  // patternProperties are regexes from the chart: not run here (a hostile pattern could be slow).
  if (isObj(parent.additionalProperties)) return deref(root, parent.additionalProperties);
  return undefined;
}

function schemaForIndex(root: unknown, parent: Schema | undefined, index: number): Schema | undefined {
  if (!parent) return undefined;
  if (Array.isArray(parent.prefixItems) && index < parent.prefixItems.length) return deref(root, parent.prefixItems[index]);
  if (Array.isArray(parent.items)) return index < parent.items.length ? deref(root, parent.items[index]) : undefined;
  if (isObj(parent.items)) return deref(root, parent.items);
  return undefined;
}

/** Schema `description`, `type`, `default` and `enum` win over what values.yaml and its comments say. */
function applySchema(row: ValuesRow, schema: Schema | undefined): void {
  if (!schema) return;
  if (typeof schema.description === 'string' && schema.description.trim()) row.description = schema.description.trim();
  if (typeof schema.type === 'string') row.type = schema.type;
  else if (Array.isArray(schema.type) && schema.type.every((t) => typeof t === 'string')) row.type = schema.type.join('|');
  if (Object.prototype.hasOwnProperty.call(schema, 'default')) row.default = preview(schema.default);
  if (Array.isArray(schema.enum)) row.enum = schema.enum.slice(0, MAX_ENUM).map((v) => preview(v, 80));
}

/** A collection whose entries are still to be listed. */
interface Collection {
  kind: 'collection';
  node: unknown;
  path: string;
  depth: number;
  schema: Schema | undefined;
  /** Comment above the collection's first entry, which the yaml library hangs on the collection. */
  firstComment: string | null | undefined;
}

/** A row still to be written, then the collection under it, if any, to be listed after it. */
interface Entry {
  kind: 'entry';
  row: ValuesRow;
  under?: Collection;
}

/**
 * Builds the values table from values.yaml text and, when the chart has one, its parsed values.schema.json.
 * Linear in the input and bounded: the text is refused past `maxBytes`, rows stop at `maxRows`, paths at
 * `maxDepth`, aliases are never expanded (and limited as core/yaml.ts limits them), and the walk keeps an
 * explicit stack rather than recursing. Rows come in document order, each key before what is under it.
 */
export function valuesTable(text: string, schema?: unknown, limits: ValuesTableLimits = DEFAULT_VALUES_LIMITS): ValuesTable {
  const bytes = Buffer.byteLength(text);
  if (bytes > limits.maxBytes) {
    return { rows: [], notice: `values.yaml is ${bytes} bytes, more than the ${limits.maxBytes} this page reads: no table` };
  }
  let doc: Document.Parsed;
  try {
    doc = parseYaml(text, 'values.yaml').doc;
  } catch (e) {
    // A RangeError is the parser's own stack giving out on absurd nesting: still just "unreadable" here.
    return { rows: [], notice: `values.yaml could not be read: ${(e as Error).message}` };
  }
  const y = Y();
  const rows: ValuesRow[] = [];
  const notices = new Set<string>();
  if (!y.isMap(doc.contents)) return { rows };
  const tooDeep = `values nested deeper than ${limits.maxDepth} levels are shown whole in their parent's row`;
  /** The collection under a row, unless it is too deep to list. */
  const under = (node: unknown, path: string, depth: number, nodeSchema: Schema | undefined, firstComment?: string | null): Collection | undefined => {
    if (!y.isMap(node) && !y.isSeq(node)) return undefined;
    if (depth >= limits.maxDepth) {
      notices.add(tooDeep);
      return undefined;
    }
    return { kind: 'collection', node, path, depth, schema: nodeSchema, firstComment };
  };
  const stack: (Collection | Entry)[] = [{ kind: 'collection', node: doc.contents, path: '', depth: 0, schema: deref(schema, schema), firstComment: doc.commentBefore }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.kind === 'entry') {
      if (rows.length >= limits.maxRows) {
        notices.add(`the table stops at ${limits.maxRows} rows`);
        break;
      }
      rows.push(top.row);
      if (top.under) stack.push(top.under);
      continue;
    }
    const { node, path, depth, schema: nodeSchema, firstComment } = top;
    const entries: (Collection | Entry)[] = [];
    if (y.isMap(node)) {
      node.items.forEach((pair: Pair<unknown, unknown>, i) => {
        if (!y.isScalar(pair.key)) return;
        const key = String(pair.key.value);
        // YAML merge keys are not values of their own.
        if (key === '<<') return;
        const childPath = keySegment(path, key);
        const value = pair.value as Node | null;
        const comment = parseKeyComment(pair.key.commentBefore ?? (i === 0 ? (node.commentBefore ?? firstComment) : undefined));
        const row: ValuesRow = {
          path: childPath,
          type: typeOfNode(value),
          default: comment?.default ?? (y.isAlias(value) ? `*${value.source}` : previewNode(value)),
          description: comment?.description ?? '',
        };
        const childSchema = schemaForKey(schema, nodeSchema, key);
        applySchema(row, childSchema);
        entries.push({ kind: 'entry', row, under: under(value, childPath, depth + 1, childSchema) });
      });
    } else if (y.isSeq(node)) {
      // Lists of scalars are shown whole in their own row; a list of maps gets rows per item (`hosts[0].host`).
      node.items.forEach((item, i) => {
        if (!y.isMap(item) && !y.isSeq(item)) return;
        const itemPath = `${path}[${i}]`;
        const itemSchema = schemaForIndex(schema, nodeSchema, i);
        const inner = under(item, itemPath, depth + 1, itemSchema, i === 0 ? node.commentBefore : undefined);
        if (y.isSeq(item)) {
          const row: ValuesRow = { path: itemPath, type: 'list', default: previewNode(item), description: '' };
          applySchema(row, itemSchema);
          entries.push({ kind: 'entry', row, under: inner });
        } else if (inner) {
          entries.push(inner);
        }
      });
    }
    // Depth first, in document order.
    for (let i = entries.length - 1; i >= 0; i--) stack.push(entries[i]);
  }
  return notices.size > 0 ? { rows, notice: [...notices].join('; ') } : { rows };
}
