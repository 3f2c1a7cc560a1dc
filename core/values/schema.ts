import { ChartroomError } from '../errors.js';
import type { Values } from '../chart/model.js';
import { valuesFor, type RenderNode } from './render-values.js';
import { whoSet, type ValuesLayer } from './layers.js';
import { getPath } from './tree.js';

export interface SchemaProblem {
  chart: string;
  /** Dotted path of the value from the top chart's values. */
  path: string;
  rule: string;
  message: string;
  /** The file or flag that set the value. */
  setBy: string;
  schemaFile: string;
}

/** One problem found, with the path of the offending value relative to the validated chart's values. */
interface Finding {
  path: string[];
  keyword: string;
  message: string;
}
type Validate = (data: unknown) => Finding[];

type Draft = '4' | '7' | '2019-09' | '2020-12';
function draftOf(schema: unknown): Draft {
  const id = typeof schema === 'object' && schema !== null ? String((schema as { $schema?: unknown }).$schema ?? '') : '';
  if (id.includes('2020-12')) return '2020-12';
  if (id.includes('2019-09')) return '2019-09';
  if (id.includes('draft-04')) return '4';
  return '7';
}

const TYPES = new Set(['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']);
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const SCHEMA_ONE = ['items', 'additionalProperties', 'additionalItems', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems'];
/** What the validator would otherwise take silently: a `type` that names no JSON type (a typo never matches). */
function checkSchemaShape(schema: unknown, at: string, file: string, depth = 0): void {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema) || depth > 200) return;
  const s = schema as Record<string, unknown>;
  if ('type' in s) {
    for (const t of Array.isArray(s.type) ? s.type : [s.type]) {
      if (typeof t !== 'string' || !TYPES.has(t)) {
        throw new ChartroomError('SCHEMA_INVALID', `values.schema.json is not a valid JSON Schema: ${at}/type: ${JSON.stringify(t)} is not a JSON type`, { file, field: `${at}/type` });
      }
    }
  }
  for (const k of SCHEMA_MAPS) {
    const m = s[k];
    if (typeof m === 'object' && m !== null && !Array.isArray(m)) for (const [name, sub] of Object.entries(m)) checkSchemaShape(sub, `${at}/${k}/${name}`, file, depth + 1);
  }
  for (const k of SCHEMA_LISTS) if (Array.isArray(s[k])) (s[k] as unknown[]).forEach((sub, i) => checkSchemaShape(sub, `${at}/${k}/${i}`, file, depth + 1));
  for (const k of SCHEMA_ONE) if (!Array.isArray(s[k])) checkSchemaShape(s[k], `${at}/${k}`, file, depth + 1);
}

/** The schema value a keyword location (`#/$ref/properties/a/maximum`) points at, following local `$ref`s. */
function keywordValue(root: unknown, location: string): unknown {
  let node: unknown = root;
  for (const raw of location.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    if (part === '$ref' && typeof (node as { $ref?: unknown }).$ref === 'string') {
      const ref = (node as { $ref: string }).$ref;
      node = ref.startsWith('#') ? keywordValue(root, ref) : undefined;
      continue;
    }
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** The words of a problem, as Helm users know them from ajv and kubeconform: "must be <= 65535". */
function messageFor(keyword: string, value: unknown, fallback: string): string {
  switch (keyword) {
    case 'type':
      return `must be ${Array.isArray(value) ? value.join(',') : String(value)}`;
    case 'maximum':
      return `must be <= ${String(value)}`;
    case 'minimum':
      return `must be >= ${String(value)}`;
    case 'exclusiveMaximum':
      return `must be < ${String(value)}`;
    case 'exclusiveMinimum':
      return `must be > ${String(value)}`;
    case 'multipleOf':
      return `must be multiple of ${String(value)}`;
    case 'enum':
      return `must be equal to one of the allowed values: ${JSON.stringify(value)}`;
    case 'const':
      return `must be equal to constant ${JSON.stringify(value)}`;
    case 'pattern':
      return `must match pattern "${String(value)}"`;
    case 'format':
      return `must match format "${String(value)}"`;
    case 'minLength':
      return `must NOT have fewer than ${String(value)} characters`;
    case 'maxLength':
      return `must NOT have more than ${String(value)} characters`;
    case 'minItems':
      return `must NOT have fewer than ${String(value)} items`;
    case 'maxItems':
      return `must NOT have more than ${String(value)} items`;
    case 'uniqueItems':
      return 'must NOT have duplicate items';
    case 'minProperties':
      return `must NOT have fewer than ${String(value)} properties`;
    case 'maxProperties':
      return `must NOT have more than ${String(value)} properties`;
    case 'required':
      return 'must have required property';
    case 'additionalProperties':
      return 'must NOT have additional properties';
    case 'anyOf':
      return 'must match a schema in anyOf';
    case 'oneOf':
      return 'must match exactly one schema in oneOf';
    case 'not':
      return 'must NOT be valid';
    case 'false':
      return 'no value is allowed here (the schema is false)';
    default:
      return fallback.replace(/\.$/, '');
  }
}

/** The quoted name in a validator message (`... property "name".`). */
function quotedName(text: string): string | undefined {
  const first = text.indexOf('"');
  const last = text.lastIndexOf('"');
  return first >= 0 && last > first ? text.slice(first + 1, last) : undefined;
}

/** Errors that only say "something below failed": the specific ones below are reported instead. */
const WRAPPERS = new Set(['$ref', '$recursiveRef', '$dynamicRef', 'properties', 'patternProperties', 'items', 'prefixItems', 'additionalItems', 'allOf', 'then', 'else', 'dependentSchemas', 'dependencies', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'contains']);

/**
 * Validation by an interpreting validator (@cfworker/json-schema): nothing is compiled, so a one-shot render of a
 * chart with a 100 KB schema costs a few milliseconds (ajv spent 60 ms generating code it ran once).
 */
async function compile(schema: unknown, file: string): Promise<Validate> {
  checkSchemaShape(schema, '#', file);
  const { Validator } = await import('@cfworker/json-schema');
  let validator: InstanceType<typeof Validator>;
  try {
    validator = new Validator(schema as object, draftOf(schema), false);
  } catch (e) {
    throw new ChartroomError('SCHEMA_INVALID', `values.schema.json is not a valid JSON Schema: ${(e as Error).message}`, { file });
  }
  return (data) => {
    let result: ReturnType<typeof validator.validate>;
    try {
      result = validator.validate(data);
    } catch (e) {
      throw new ChartroomError('SCHEMA_INVALID', `values.schema.json is not a valid JSON Schema: ${(e as Error).message}`, { file });
    }
    if (result.valid) return [];
    const findings: Finding[] = [];
    const combinators: string[] = [];
    for (const unit of result.errors) {
      // Inside a failed anyOf/oneOf/not, the combinator's own error says it all.
      if (combinators.some((c) => unit.keywordLocation.startsWith(`${c}/`))) continue;
      const keyword = unit.keyword === 'false' || /^False boolean schema/.test(unit.error) ? 'false' : unit.keyword;
      if (WRAPPERS.has(keyword)) continue;
      if (keyword === 'anyOf' || keyword === 'oneOf' || keyword === 'not') combinators.push(unit.keywordLocation);
      const path = unit.instanceLocation
        .replace(/^#\/?/, '')
        .split('/')
        .filter(Boolean)
        .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
      if (keyword === 'false') {
        // The value under a `false` schema (additionalProperties: false) was reported with its property already.
        const parent = findings[findings.length - 1];
        if (parent?.keyword === 'additionalProperties' && parent.path.join('\0') === path.join('\0')) continue;
      }
      if (keyword === 'required' || keyword === 'additionalProperties') {
        const name = quotedName(unit.error);
        if (name !== undefined) path.push(name);
      }
      findings.push({ path, keyword, message: messageFor(keyword, keywordValue(schema, unit.keywordLocation), unit.error) });
    }
    return findings;
  };
}

function flatten(node: RenderNode): RenderNode[] {
  return [node, ...node.children.flatMap(flatten)];
}

function ancestors(root: RenderNode, target: RenderNode): RenderNode[] {
  if (root === target) return [root];
  for (const c of root.children) {
    const a = ancestors(c, target);
    if (a.length) return [root, ...a];
  }
  return [];
}

/** Validates each chart's values against its values.schema.json; all problems are reported at once. */
export async function validateAgainstSchemas(tree: RenderNode, values: Values, layers: ValuesLayer[]): Promise<void> {
  const problems: SchemaProblem[] = [];
  for (const node of flatten(tree)) {
    if (node.chart.schema === undefined) continue;
    const schemaFile = `${node.chart.source}/values.schema.json`;
    const validate = await compile(node.chart.schema, schemaFile);
    const data = valuesFor(node, values);
    for (const err of validate(data)) {
      const rel = err.path;
      const full = [...node.path, ...rel];
      let setBy = whoSet(layers, full);
      if (!setBy) {
        for (const a of ancestors(tree, node)) {
          const relToA = full.slice(a.path.length);
          if (getPath(a.defaults, relToA) !== undefined) {
            setBy = `${a.chart.source}/values.yaml`;
            break;
          }
        }
      }
      problems.push({
        chart: node.chart.metadata.name,
        path: full.join('.') || '(root)',
        rule: err.keyword,
        message: err.message,
        setBy: setBy ?? (err.keyword === 'required' ? 'not set anywhere' : 'unknown'),
        schemaFile,
      });
    }
  }
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  - ${p.path}: ${p.message} (rule: ${p.rule}; set by ${p.setBy}; schema ${p.schemaFile})`);
  const first = problems[0];
  const err = new ChartroomError('VALUES_SCHEMA', `values do not match the schema:\n${lines.join('\n')}`, { file: first.schemaFile, field: first.path, chart: first.chart });
  (err as ChartroomError & { problems?: SchemaProblem[] }).problems = problems;
  throw err;
}
