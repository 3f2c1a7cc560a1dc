import { createRequire } from 'node:module';
import type { Document, LineCounter, Node, ParseOptions, DocumentOptions, SchemaOptions, ToJSOptions } from 'yaml';
import type { EventType, State, Type as JsYamlType } from 'js-yaml';

type YamlLib = typeof import('yaml');
let yamlLib: YamlLib | undefined;
/**
 * The thorough YAML library (positions, alias limits, comment-preserving edits) is loaded only when needed:
 * for errors, for files that must keep their comments, and for aliased input. Plain reads use js-yaml.
 */
function Y(): YamlLib {
  // In the CLI bundle `require` exists and the library is bundled; elsewhere (ESM tests, library use) it is resolved.
  return (yamlLib ??= (typeof require === 'function' ? require('yaml') : createRequire(import.meta.url)('yaml')) as YamlLib);
}
type JsYamlLib = typeof import('js-yaml');
let jsYamlLib: JsYamlLib | undefined;
/**
 * js-yaml (the fast reader of values and manifests that the one-pass block reader declines, and the writer of
 * small YAML files), loaded on first use: most renders never need it, and its start-up cost every `chart
 * template` 0.5 ms.
 */
export function jsYaml(): JsYamlLib {
  return (jsYamlLib ??= (typeof require === 'function' ? require('js-yaml') : createRequire(import.meta.url)('js-yaml')) as JsYamlLib);
}
import { ChartroomError, lineOf } from './errors.js';
import { loadBlockYaml } from './yaml-block.js';

/**
 * Helm reads YAML through a YAML 1.1 parser and then JSON: `yes`/`on` are booleans, `0777` is octal,
 * but dates and `1:20` stay strings. These options give the same meaning.
 */
const octalO = {
  identify: (v: unknown) => typeof v === 'number',
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'OCT',
  test: /^[-+]?0o[0-7_]+$/,
  resolve: (s: string) => {
    const neg = s.startsWith('-');
    const digits = s.replace(/^[-+]?0o/, '').replace(/_/g, '');
    const n = parseInt(digits, 8);
    return neg ? -n : n;
  },
};

type TagList = NonNullable<SchemaOptions['customTags']>;
function helmTags(tags: TagList extends (infer T)[] | ((...a: never[]) => unknown) ? T[] : never): typeof tags {
  const kept = tags.filter((t) => {
    const tag = t as { tag?: string; format?: string };
    return tag.format !== 'TIME' && tag.tag !== 'tag:yaml.org,2002:timestamp';
  });
  return [octalO as (typeof kept)[number], ...kept];
}

const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: helmTags as SchemaOptions['customTags'],
  uniqueKeys: true,
  prettyErrors: false,
};

/** More aliases than this in one document is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

const TOJS: ToJSOptions = { maxAliasCount: MAX_ALIAS_COUNT };

export interface ParsedYaml {
  value: unknown;
  doc: Document.Parsed;
  lines: LineCounter;
  text: string;
  file: string;
}

/** Strips a UTF-8 byte order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function toError(file: string, text: string, lines: LineCounter, err: { message: string; pos?: [number, number]; linePos?: unknown }): ChartroomError {
  const pos = err.pos ? lines.linePos(err.pos[0]) : undefined;
  const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return new ChartroomError('YAML_PARSE', `invalid YAML: ${msg}`, {
    file,
    line: pos?.line,
    column: pos?.col,
    snippet: pos ? lineOf(text, pos.line) : undefined,
  });
}

function convert(doc: Document.Parsed, parsed: Omit<ParsedYaml, 'value' | 'doc'>): unknown {
  try {
    return doc.toJS(TOJS);
  } catch (e) {
    const message = (e as Error).message;
    if (/alias/i.test(message)) {
      throw new ChartroomError('YAML_ALIAS_BOMB', `YAML refused: too many aliases (more than ${MAX_ALIAS_COUNT}), which looks like an alias bomb`, { file: parsed.file });
    }
    throw new ChartroomError('YAML_PARSE', `invalid YAML: ${message}`, { file: parsed.file });
  }
}

/** Parses one YAML document with Helm's meaning; errors name the file, line and column. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const clean = stripBom(text);
  const lines = new (Y().LineCounter)();
  const doc = Y().parseDocument(clean, { ...PARSE_OPTIONS, lineCounter: lines });
  if (doc.errors.length > 0) throw toError(file, clean, lines, doc.errors[0]);
  const value = convert(doc, { lines, text: clean, file });
  return { value, doc, lines, text: clean, file };
}

/** Parses every document of a multi-document YAML stream. */
export function parseYamlAll(text: string, file: string): ParsedYaml[] {
  const clean = stripBom(text);
  const lines = new (Y().LineCounter)();
  const docs = Y().parseAllDocuments(clean, { ...PARSE_OPTIONS, lineCounter: lines });
  if (!Array.isArray(docs)) {
    // An empty stream still counts as one empty document.
    return [];
  }
  return docs.map((doc) => {
    if (doc.errors.length > 0) throw toError(file, clean, lines, doc.errors[0]);
    return { value: convert(doc, { lines, text: clean, file }), doc, lines, text: clean, file };
  });
}

/** Finds the 1-based line and column of the node at a dotted path (for error messages). */
export function positionOf(parsed: ParsedYaml, path: (string | number)[], keyOnly = false): { line: number; column: number } | undefined {
  let node: unknown = parsed.doc.contents;
  let keyNode: Node | undefined;
  for (const part of path) {
    if (Y().isMap(node)) {
      const pair = node.items.find((p) => Y().isScalar(p.key) && String((p.key as { value: unknown }).value) === String(part));
      if (!pair) return keyNode ? at(keyNode) : undefined;
      keyNode = pair.key as Node;
      node = pair.value;
    } else if (Y().isSeq(node) && typeof part === 'number') {
      node = node.items[part];
      keyNode = node as Node;
    } else {
      break;
    }
  }
  const target = (keyOnly ? keyNode : (node as Node | undefined)) ?? keyNode;
  return target ? at(target) : undefined;

  function at(n: Node) {
    if (!n.range) return undefined;
    const p = parsed.lines.linePos(n.range[0]);
    return { line: p.line, column: p.col };
  }
}

/** Serialises data for a file we write (Chart.yaml, index.yaml): insertion order kept. */
export function dumpYaml(value: unknown): string {
  return Y().stringify(value, { lineWidth: 0, indentSeq: true, aliasDuplicateObjects: false });
}

/*
 * A fast path for large, trusted-shape inputs (values files, rendered manifests): js-yaml with Helm's YAML 1.1
 * scalar rules. Text that holds aliases, or that does not parse, goes through parseYaml above, which limits
 * aliases and gives positioned errors.
 */
/** YAML 1.1's words for true, false and null, as Helm reads them, with their values. */
const YAML11_VALUES = new Map<string, boolean | null>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((w) => [w, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((w) => [w, false] as const),
  ...['null', 'Null', 'NULL', '~'].map((w) => [w, null] as const),
]);
/**
 * Whether a plain word is one Helm's YAML 1.1 reads as a boolean or null, not as a string: what the one-pass
 * readers and writers (core/kube/manifest-scan.ts, core/repo/*) must quote or leave to the full parser.
 */
export const isYaml11Word = (s: string): boolean => YAML11_VALUES.has(s);
/** The resolve and construct of Helm's YAML 1.1 plain scalars: booleans, integers, floats and nulls. */
interface ScalarRule {
  resolve: (d: string) => boolean;
  construct: (d: string) => unknown;
}
const NULL11: ScalarRule = {
  resolve: (d) => YAML11_VALUES.get(d) === null,
  construct: () => null,
};
const BOOL11_RULE: ScalarRule = {
  resolve: (d) => typeof YAML11_VALUES.get(d) === 'boolean',
  construct: (d) => YAML11_VALUES.get(d) === true,
};
export const INT11 = /^[-+]?(?:0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0[0-7_]*|[1-9][0-9_]*)$/;
const INT11_RULE: ScalarRule = {
  resolve: (d) => INT11.test(d) && /[0-9]/.test(d),
  construct: (d) => {
    const clean = d.replace(/_/g, '');
    const neg = clean.startsWith('-');
    const body = clean.replace(/^[-+]/, '');
    let n: number;
    if (body.startsWith('0b')) n = parseInt(body.slice(2), 2);
    else if (body.startsWith('0o')) n = parseInt(body.slice(2), 8);
    else if (body.startsWith('0x')) n = parseInt(body.slice(2), 16);
    else if (body.length > 1 && body.startsWith('0')) n = parseInt(body.slice(1), 8);
    else n = Number(body);
    return neg ? -n : n;
  },
};
export const FLOAT11 = /^(?:[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const FLOAT11_RULE: ScalarRule = {
  resolve: (d) => FLOAT11.test(d) && d !== '_',
  construct: (d) => {
    const c = d.replace(/_/g, '').toLowerCase();
    if (c.endsWith('.inf')) return c.startsWith('-') ? -Infinity : Infinity;
    if (c === '.nan') return NaN;
    return Number(c);
  },
};

let helmSchema: import('js-yaml').Schema | undefined;
/** js-yaml's schema with Helm's meaning: the failsafe one plus the rules above and `<<` merges. */
function HELM_SCHEMA(): import('js-yaml').Schema {
  if (helmSchema) return helmSchema;
  const J = jsYaml();
  const type = (tag: string, rule: ScalarRule, predicate: (v: unknown) => boolean): JsYamlType =>
    new J.Type(tag, { kind: 'scalar', resolve: (d: string | null) => d !== null && rule.resolve(d), construct: rule.construct, predicate });
  const implicit = (schema: unknown, tag: string) => (schema as { compiledImplicit: (JsYamlType & { tag: string })[] }).compiledImplicit.find((t) => t.tag === tag)!;
  return (helmSchema = J.FAILSAFE_SCHEMA.extend({
    implicit: [
      implicit(J.CORE_SCHEMA, 'tag:yaml.org,2002:null'),
      type('tag:yaml.org,2002:bool', BOOL11_RULE, (v) => typeof v === 'boolean'),
      type('tag:yaml.org,2002:int', INT11_RULE, (v) => typeof v === 'number' && Number.isInteger(v)),
      type('tag:yaml.org,2002:float', FLOAT11_RULE, (v) => typeof v === 'number'),
      implicit(J.DEFAULT_SCHEMA, 'tag:yaml.org,2002:merge'),
    ],
  }));
}

/**
 * js-yaml reports every node it closes; a node with an anchor (`&name`) is the only way an alias can exist, so
 * a text in which no node carries an anchor is safe from alias bombs and is read by the fast path alone.
 * (Scanning the text for `*` instead would send every values file with `*emphasis*` in a comment down the
 * slow path.)
 */
function fastLoad(text: string, file: string, each: (doc: unknown) => void): boolean {
  let anchored = false;
  // js-yaml's State type leaves out `anchor`, which the loader sets on every node it reads.
  const listener = (event: EventType, state: State) => {
    if (event === 'close' && (state as State & { anchor: string | null }).anchor !== null) anchored = true;
  };
  try {
    jsYaml().loadAll(text, each, { schema: HELM_SCHEMA(), filename: file, listener });
  } catch {
    // Fall through: the thorough parser explains what is wrong, with the position.
    return false;
  }
  return !anchored;
}

/** A plain scalar with Helm's YAML 1.1 meaning, as js-yaml reads it with HELM_SCHEMA (`<<` excepted). */
const IMPLICIT = [NULL11, BOOL11_RULE, INT11_RULE, FLOAT11_RULE];
/** First characters of the numbers, and of `~`. */
const NUMBER_START = '~0123456789+-.';
function resolvePlain(text: string): unknown {
  if (text === '' || NUMBER_START.includes(text[0])) {
    for (const t of IMPLICIT) if (t.resolve(text)) return t.construct(text);
    return text;
  }
  // A plain scalar that starts with a letter is a word of YAML11_VALUES or a string: no expression is run
  // (or, on its first use in a run, compiled).
  const word = YAML11_VALUES.get(text);
  return word === undefined ? text : word;
}

/** The one-pass block reader with Helm's scalar meaning: the text's data, or undefined when it declines. */
export function readBlockYaml(text: string): { value: unknown } | undefined {
  return loadBlockYaml(stripBom(text), resolvePlain);
}

/** Loads every document of a YAML text as plain data, with Helm's meaning; errors name file, line and column. */
export function loadYamlDocuments(text: string, file: string): unknown[] {
  const block = readBlockYaml(text);
  return block ? [block.value] : loadYamlDocumentsReference(text, file);
}

/** Loads one YAML document as plain data (see loadYamlDocuments). */
export function loadYaml(text: string, file: string): unknown {
  return readBlockYaml(text)?.value ?? loadYamlReference(text, file);
}

/**
 * loadYamlDocuments without the one-pass block reader (yaml-block.ts): js-yaml, or the thorough parser for
 * aliases and errors. Tests hold the block reader to it.
 */
export function loadYamlDocumentsReference(text: string, file: string): unknown[] {
  const clean = stripBom(text);
  const docs: unknown[] = [];
  if (fastLoad(clean, file, (d) => docs.push(d))) return docs;
  return parseYamlAll(clean, file).map((d) => d.value);
}

/** loadYaml without the one-pass block reader (see loadYamlDocumentsReference). */
export function loadYamlReference(text: string, file: string): unknown {
  const clean = stripBom(text);
  const docs: unknown[] = [];
  // More than one document is an error the thorough parser words (as `load` does).
  if (fastLoad(clean, file, (d) => docs.push(d)) && docs.length <= 1) return docs[0];
  return parseYaml(clean, file).value;
}
