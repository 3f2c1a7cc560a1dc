import { DUMP_OPTIONS, dumpKey as key, dumpScalar as scalar, NOT_FAST, notFast, pad } from '../yaml-dump.js';
import { jsYaml } from '../yaml.js';

/**
 * index.yaml as `repo index` writes it: byte for byte what js-yaml's `dump` gives with
 * DUMP_OPTIONS, written directly for the shapes an index holds (block mappings and sequences of
 * strings, booleans and safe integers). Any other value (empty collections, null, other numbers,
 * multi-line strings, keys that are not plain names) hands the whole document to js-yaml, so the
 * output never differs; test/unit/index-yaml.test.ts checks that against js-yaml.
 */
export { DUMP_OPTIONS };

/** A mapping's value after `key:`: ` scalar`, or a block starting on the next line at `indent + 2`. */
function value(v: unknown, indent: number): string {
  switch (typeof v) {
    case 'string':
      return ` ${scalar(v)}\n`;
    case 'boolean':
      return v ? ' true\n' : ' false\n';
    case 'number':
      if (!Number.isSafeInteger(v) || Object.is(v, -0)) notFast();
      return ` ${v}\n`;
    case 'object':
      if (v === null) notFast();
      return Array.isArray(v) ? `\n${sequence(v, indent + 2)}` : `\n${mapping(v as Record<string, unknown>, indent + 2, false)}`;
    default:
      return notFast();
  }
}

/** A block mapping at `indent`; `compact` when its first key follows a `- ` already written. */
function mapping(m: Record<string, unknown>, indent: number, compact: boolean): string {
  const keys = Object.keys(m);
  if (keys.length === 0) notFast();
  // Built by concatenation: V8 joins the pieces once, when the text is written.
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (i > 0 || !compact) out += pad(indent);
    out += `${key(k)}:${value(m[k], indent)}`;
  }
  return out;
}

/** A block sequence whose `- ` marks sit at `indent`. */
function sequence(list: unknown[], indent: number): string {
  if (list.length === 0) notFast();
  let out = '';
  for (let i = 0; i < list.length; i++) {
    if (!(i in list)) notFast();
    const item = list[i];
    out += `${pad(indent)}-`;
    if (item !== null && typeof item === 'object') {
      if (Array.isArray(item)) notFast();
      out += ` ${mapping(item as Record<string, unknown>, indent + 2, true)}`;
    } else out += value(item, indent);
  }
  return out;
}

/** The YAML text of an index document, identical to `jsYaml().dump(doc, DUMP_OPTIONS)`. */
export function dumpIndexYaml(doc: Record<string, unknown>): string {
  try {
    return mapping(doc, 0, false);
  } catch (e) {
    if (e !== NOT_FAST) throw e;
    return jsYaml().dump(doc, DUMP_OPTIONS);
  }
}
