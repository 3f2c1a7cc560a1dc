import { describe, expect, it } from '@jest/globals';
import { validateAgainstSchemas, type SchemaProblem } from '../../core/values/schema.js';
import type { RenderNode } from '../../core/values/render-values.js';
import type { ValuesLayer } from '../../core/values/layers.js';
import { hasCode } from '../../core/errors.js';

/** A one-chart render tree: only the fields the validator reads. */
function tree(schema: unknown): RenderNode {
  return { chart: { schema, source: 'c', metadata: { name: 'c' } }, name: 'c', path: [], defaults: {}, children: [] } as unknown as RenderNode;
}

async function problems(schema: unknown, values: Record<string, unknown>, layers: ValuesLayer[] = []): Promise<SchemaProblem[]> {
  try {
    await validateAgainstSchemas(tree(schema), values, layers);
    return [];
  } catch (e) {
    if (!hasCode(e, 'VALUES_SCHEMA')) throw e;
    return (e as unknown as { problems: SchemaProblem[] }).problems;
  }
}

const brief = (ps: SchemaProblem[]) => ps.map((p) => `${p.path}: ${p.message} (${p.rule})`);

describe('values.schema.json validation', () => {
  it('passes valid values and reports nothing', async () => {
    expect(await problems({ type: 'object', properties: { a: { type: 'integer' } } }, { a: 3 })).toEqual([]);
  });

  it('reports each failing value once, at its own path, in ajv-style words', async () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      required: ['image'],
      additionalProperties: false,
      properties: {
        image: { type: 'object' },
        port: { type: 'integer', maximum: 65535 },
        name: { type: 'string', pattern: '^[a-z]+$', maxLength: 5 },
        mode: { enum: ['a', 'b'] },
        list: { type: 'array', items: { type: 'string' }, minItems: 1 },
      },
    };
    const got = brief(await problems(schema, { port: 70000, name: 'ABCDEFG', mode: 'c', list: [1], extra: true }));
    expect(got.sort()).toEqual(
      [
        'image: must have required property (required)',
        'port: must be <= 65535 (maximum)',
        'name: must match pattern "^[a-z]+$" (pattern)',
        'name: must NOT have more than 5 characters (maxLength)',
        'mode: must be equal to one of the allowed values: ["a","b"] (enum)',
        'list.0: must be string (type)',
        'extra: must NOT have additional properties (additionalProperties)',
      ].sort(),
    );
  });

  it('follows $ref into $defs and reports the value, not the reference', async () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', $ref: '#/$defs/top', $defs: { top: { type: 'object', properties: { replicas: { $ref: '#/$defs/count' } } }, count: { type: 'integer', minimum: 1 } } };
    expect(brief(await problems(schema, { replicas: 0 }))).toEqual(['replicas: must be >= 1 (minimum)']);
  });

  it('says a failed anyOf once instead of listing every branch', async () => {
    const schema = { type: 'object', properties: { size: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+Gi$' }] } } };
    expect(brief(await problems(schema, { size: '3 GB' }))).toEqual(['size: must match a schema in anyOf (anyOf)']);
  });

  it('names who set the bad value', async () => {
    const layers: ValuesLayer[] = [{ source: '--set port=70000', data: { port: 70000 } } as ValuesLayer];
    const [p] = await problems({ type: 'object', properties: { port: { type: 'integer', maximum: 65535 } } }, { port: 70000 }, layers);
    expect(p.setBy).toBe('--set port=70000');
  });

  it('refuses a schema whose type names no JSON type, naming where', async () => {
    const schema = { type: 'object', properties: { type: { enum: ['x'] }, port: { type: 'int' } } };
    await expect(validateAgainstSchemas(tree(schema), {}, [])).rejects.toMatchObject({ code: 'SCHEMA_INVALID', message: expect.stringContaining('#/properties/port/type: "int" is not a JSON type') });
  });
});
