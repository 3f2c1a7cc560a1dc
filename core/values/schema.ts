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

type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }[] | null };

async function compile(schema: unknown, file: string): Promise<Validator> {
  const id = typeof schema === 'object' && schema !== null ? String((schema as { $schema?: unknown }).$schema ?? '') : '';
  const formats = (await import('ajv-formats')).default as unknown as (ajv: unknown) => void;
  let ajv: { compile(s: unknown): Validator };
  if (id.includes('2020-12')) {
    const Ajv2020 = (await import('ajv/dist/2020.js')).default as unknown as new (o: object) => typeof ajv;
    ajv = new Ajv2020({ allErrors: true, strict: false });
  } else if (id.includes('2019-09')) {
    const Ajv2019 = (await import('ajv/dist/2019.js')).default as unknown as new (o: object) => typeof ajv;
    ajv = new Ajv2019({ allErrors: true, strict: false });
  } else {
    const Ajv = (await import('ajv')).default as unknown as new (o: object) => typeof ajv;
    ajv = new Ajv({ allErrors: true, strict: false });
  }
  formats(ajv);
  try {
    return ajv.compile(schema);
  } catch (e) {
    throw new ChartroomError('SCHEMA_INVALID', `values.schema.json is not a valid JSON Schema: ${(e as Error).message}`, { file });
  }
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
    if (validate(data)) continue;
    for (const err of validate.errors ?? []) {
      const rel = err.instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      if (err.keyword === 'required' && typeof err.params.missingProperty === 'string') rel.push(err.params.missingProperty);
      if (err.keyword === 'additionalProperties' && typeof err.params.additionalProperty === 'string') rel.push(err.params.additionalProperty);
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
        message: err.message ?? err.keyword,
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
