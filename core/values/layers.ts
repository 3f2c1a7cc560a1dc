import { readFileSync } from 'node:fs';
import { ChartroomError, describeSystemError } from '../errors.js';
import type { Values } from '../chart/model.js';
import { loadYamlDocuments } from '../yaml.js';
import { parseSetInto, type SetMode } from './strvals.js';
import { getPath, isMap, mergeValues } from './tree.js';

/** What the user passed on the command line, in Helm's flag names. */
export interface ValuesOptions {
  valueFiles?: string[];
  setJson?: string[];
  set?: string[];
  setString?: string[];
  setFile?: string[];
  setLiteral?: string[];
}

/** One source of user values, kept so an error can say which file or flag set a value. */
export interface ValuesLayer {
  source: string;
  data: Values;
  /** `--set`: its whole numbers are Go int64s to templates (values files and --set-json give float64s). */
  int64?: boolean;
}

/** A path into values: map keys, and list indexes. */
export type ValuePath = (string | number)[];

export interface UserValues {
  values: Values;
  layers: ValuesLayer[];
}

export interface ValuesIO {
  readFile(path: string): string;
  readStdin(): string;
}

const defaultIO: ValuesIO = {
  readFile: (p) => readFileSync(p, 'utf8'),
  readStdin: () => readFileSync(0, 'utf8'),
};

/** Reads one values file: several YAML documents merge in order; each must be a mapping. */
export function readValuesFile(path: string, io: ValuesIO = defaultIO): Values {
  let text: string;
  const name = path === '-' ? '<stdin>' : path;
  try {
    text = path === '-' ? io.readStdin() : io.readFile(path);
  } catch (e) {
    throw describeSystemError(e, name, { what: 'values file', code: 'VALUES_FILE' });
  }
  let out: Values = {};
  for (const doc of loadYamlDocuments(text, name)) {
    if (doc === null || doc === undefined) continue;
    if (!isMap(doc)) throw new ChartroomError('VALUES_NOT_MAP', 'a values file must hold a mapping of keys to values', { file: name });
    out = mergeValues(out, doc);
  }
  return out;
}

/**
 * Builds the user's values from `-f` files and the `--set` family, in Helm's order:
 * files, then --set-json, --set, --set-string, --set-file, --set-literal.
 */
export function collectUserValues(opts: ValuesOptions, io: ValuesIO = defaultIO): UserValues {
  let values: Values = {};
  const layers: ValuesLayer[] = [];
  for (const f of opts.valueFiles ?? []) {
    const data = readValuesFile(f, io);
    layers.push({ source: f === '-' ? '<stdin>' : f, data });
    values = mergeValues(values, data);
  }
  const sets: [string[] | undefined, SetMode, string][] = [
    [opts.setJson, 'json', '--set-json'],
    [opts.set, 'typed', '--set'],
    [opts.setString, 'string', '--set-string'],
    [opts.setFile, 'string', '--set-file'],
    [opts.setLiteral, 'literal', '--set-literal'],
  ];
  for (const [exprs, mode, flag] of sets) {
    for (const expr of exprs ?? []) {
      const reader =
        flag === '--set-file'
          ? (p: string) => {
              try {
                return p === '-' ? io.readStdin() : io.readFile(p);
              } catch (e) {
                throw describeSystemError(e, p === '-' ? '<stdin>' : p, { what: `file given to ${flag}`, code: 'VALUES_FILE', field: flag });
              }
            }
          : undefined;
      const own: Values = {};
      parseSetInto(expr, own, mode, flag, reader);
      parseSetInto(expr, values, mode, flag, reader);
      layers.push({ source: `${flag} ${expr.length > 60 ? expr.slice(0, 57) + '...' : expr}`, data: own, ...(mode === 'typed' ? { int64: true } : {}) });
    }
  }
  return { values, layers };
}

/** Names the last layer that set a value at `path` (or one of its parents), if any did. */
export function whoSet(layers: ValuesLayer[], path: string[]): string | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    for (let n = path.length; n >= 1; n--) {
      const v = getPath(layers[i].data, path.slice(0, n));
      if (v !== undefined && (n === path.length || !isMap(v))) return layers[i].source;
    }
  }
  return undefined;
}

function at(root: unknown, path: ValuePath): unknown {
  let cur = root;
  for (const p of path) {
    if (typeof p === 'number' ? !Array.isArray(cur) : !isMap(cur)) return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

/**
 * Where the values hold a whole number that a `--set` gave (Helm types those int64; values files and
 * --set-json give float64, which prints `2e+06` where an int64 prints `2000000`): paths into `values`, for
 * each number a `--set` layer set that no later layer set again.
 */
export function int64Paths(layers: ValuesLayer[], values: Values): ValuePath[] {
  const out: ValuePath[] = [];
  layers.forEach((layer, i) => {
    if (!layer.int64) return;
    const walk = (node: unknown, path: ValuePath): void => {
      if (typeof node === 'number') {
        if (Number.isInteger(node) && at(values, path) === node && !layers.slice(i + 1).some((l) => at(l.data, path) !== undefined)) out.push(path);
      } else if (Array.isArray(node)) node.forEach((v, k) => walk(v, [...path, k]));
      else if (isMap(node)) for (const k of Object.keys(node)) walk(node[k], [...path, k]);
    };
    walk(layer.data, []);
  });
  return out;
}
