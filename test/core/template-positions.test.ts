import { describe, expect, it } from '@jest/globals';
import { createEnvironment, renderString } from '../../template-engine/handlebars/engine.js';
import { ChartroomError } from '../../core/errors.js';
import type { EngineCache } from '../../template-engine/types.js';
import { findUnbalancedBlock } from '../../template-engine/handlebars/compile.js';

const ctx = {
  Values: { name: 'web', on: true, off: false, list: ['a', 'b'], t: 'x: {{Values.name}}\ny: 2' },
};

function syntaxError(source: string): ChartroomError {
  try {
    renderString(source, ctx, { file: 'demo/templates/x.yaml' });
  } catch (e) {
    expect(e).toBeInstanceOf(ChartroomError);
    const err = e as ChartroomError;
    expect(err.code).toBe('TEMPLATE_SYNTAX');
    return err;
  }
  throw new Error('rendered without error');
}

/** A cache kept in memory, so a second compile reads the trimmed syntax tree back from JSON. */
function memoryCache(): EngineCache & { entries: Map<string, Buffer> } {
  const entries = new Map<string, Buffer>();
  return {
    entries,
    read: (kind, key) => entries.get(`${kind}/${key}`),
    write: (kind, key, data) => void entries.set(`${kind}/${key}`, Buffer.from(data)),
  };
}

/** Traces a template twice (parsed, then from the cache) and checks both agree with `run`. */
function trace(source: string, context: unknown = ctx): { output: string; sourceLines: number[] } {
  const cache = memoryCache();
  const results = [0, 1].map(() => {
    const env = createEnvironment({ cache });
    const c = env.compile(source, 'demo/templates/x.yaml');
    env.define(c.defines);
    const traced = env.trace(c.main, context);
    expect(traced.output).toBe(env.run(c.main, context));
    expect(traced.sourceLines).toHaveLength(traced.output.split('\n').length);
    return traced;
  });
  expect(cache.entries.size).toBeGreaterThan(0);
  expect(results[1]).toEqual(results[0]);
  return results[0];
}

describe('unbalanced block tags', () => {
  it('names the line and column where an unclosed block opens, not the end of the file', () => {
    const src = ['a: 1', 'b: 2', 'c: {{#if Values.on}}', 'd: 4', 'e: 5', 'f: 6', 'g: 7', 'h: 8', 'i: 9', 'j: 10'].join('\n');
    const err = syntaxError(src);
    expect(err.message).toBe('unclosed {{#if}} block: it opens here and has no {{/if}}');
    expect(err.details.line).toBe(3);
    expect(err.details.column).toBe(4);
    expect(err.details.snippet).toBe('c: {{#if Values.on}}');
    expect(err.details.hint).toBe('close it with {{/if}}');
  });

  it('knows every kind of block, whitespace marks and inverted blocks', () => {
    for (const name of ['range', 'with', 'each', 'let', 'unless']) {
      const err = syntaxError(`a: 1\n  {{~#${name} Values.list ~}}\n  x\n`);
      expect(err.message).toBe(`unclosed {{#${name}}} block: it opens here and has no {{/${name}}}`);
      expect([err.details.line, err.details.column]).toEqual([2, 3]);
    }
    expect(syntaxError('{{#define "x"}}\nbody\n').message).toMatch(/unclosed \{\{#define\}\}/);
    expect(syntaxError('x\n{{^if Values.on}}\n').details.line).toBe(2);
  });

  it('reports the inner block when a nested block is left open', () => {
    const src = '{{#if Values.on}}\nitems:\n  {{~#range Values.list}}\n  - {{this}}\n{{/if}}\n';
    const err = syntaxError(src);
    expect(err.message).toBe('unclosed {{#range}} block: it opens here and has no {{/range}} before the {{/if}} at line 5, column 1');
    expect([err.details.line, err.details.column]).toEqual([3, 3]);
    expect(err.details.hint).toBe('close it with {{/range}} before line 5; that {{/if}} closes the {{#if}} at line 1, column 1');

    const atEnd = syntaxError('{{#with Values}}\n{{#each list}}\n- {{this}}\n');
    expect([atEnd.details.line, atEnd.details.column]).toEqual([2, 1]);
    expect(atEnd.details.hint).toBe('close it with {{/each}} (also left open: {{#with}} at line 1, column 1)');
  });

  it('names both the wrong close and the block it should have closed', () => {
    const err = syntaxError('a: 1\n  {{#if Values.on}}\nb: 2\n{{/range}}\n');
    expect(err.message).toBe('{{/range}} does not match the open {{#if}} block (line 2, column 3)');
    expect([err.details.line, err.details.column]).toEqual([4, 1]);
    expect(err.details.hint).toBe('close the {{#if}} with {{/if}}; no {{#range}} is open here');
  });

  it('names a close that closes nothing', () => {
    const err = syntaxError('{{#if Values.on}}x{{/if}}\ny\n  {{~/if}}\n');
    expect(err.message).toBe('{{/if}} closes no open block');
    expect([err.details.line, err.details.column]).toEqual([3, 3]);
  });

  it('ignores block tags in comments, strings, escapes and raw blocks', () => {
    const src = '{{!-- {{#if a}} --}}\n{{! {{#with b}} }}\n{{quote "{{#each c}}"}} \\{{#let d}}\n{{#range Values.list}}\n';
    const err = syntaxError(src);
    expect(err.message).toMatch(/^unclosed \{\{#range\}\}/);
    expect(err.details.line).toBe(4);
    // A `{{! …}}` comment ends at the first `}}`, as the parser has it.
    expect(renderString('{{!-- {{#if a}} --}}{{! {{#with b}}ok', ctx)).toBe('ok');
    expect(syntaxError('{{{{raw}}}}\n{{#if}}\n{{{{/raw}}}}\n{{#if x}}').details.line).toBe(4);
    expect(syntaxError('x\n{{{{raw}}}}\n{{#if}}\n').message).toBe('unclosed {{{{raw}}}} block: it opens here and has no {{{{/raw}}}}');
  });

  it('names where an unclosed comment starts', () => {
    const err = syntaxError('a: 1\n{{!-- note\nb: 2\n');
    expect(err.message).toBe('unclosed comment: {{!-- opens here and has no --}}');
    expect(err.details.line).toBe(2);
  });

  it('keeps the parser\'s message for other syntax errors', () => {
    const err = syntaxError('a: 1\nb: {{quote (}}\n{{#if x}}\n');
    expect(err.message).toMatch(/^syntax error/);
    expect(err.details.line).toBe(2);
  });

  it('scans large templates in linear time', () => {
    const n = 100000;
    const inputs = [
      'x: {{Values.name}}\n{{!-- {{#if}} --}}\n'.repeat(n) + '{{#if Values.on}}\n' + 'y: "{{quote "}}"}}"\n'.repeat(n),
      '{{#if a}}\n'.repeat(n),
      '{{#if a}}\n'.repeat(n) + '{{/with}}',
      '{{#if a}}\n'.repeat(n) + '{{/if}}\n'.repeat(n) + '{{/if}}',
      '{{{{raw}}}}'.repeat(n),
      '{{'.repeat(n),
    ];
    const started = Date.now();
    const lines = inputs.map((src) => findUnbalancedBlock(src)?.line);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(lines).toEqual([2 * n + 1, n, n + 1, 2 * n + 1, 1, undefined]);
    expect(findUnbalancedBlock('{{#if a}}\n'.repeat(n))?.hint).toBe(`close it with {{/if}} (also left open: {{#if}} at line ${n - 1}, column 1, {{#if}} at line ${n - 2}, column 1, {{#if}} at line ${n - 3}, column 1, ${n - 4} more)`);
  });
});

describe('trace: output lines to template lines', () => {
  it('maps copied text to its own lines', () => {
    expect(trace('a: 1\nb: 2\n')).toEqual({ output: 'a: 1\nb: 2\n', sourceLines: [1, 2, 3] });
    expect(trace('')).toEqual({ output: '', sourceLines: [1] });
  });

  it('maps the body of a multi-line if to the body\'s lines, and values to their statement', () => {
    const src = 'a: 1\n{{#if Values.on}}\nb: {{Values.name}}\nc: 3\n{{/if}}\nd: {{Values.list}}\n';
    const { output, sourceLines } = trace(src);
    expect(output).toBe('a: 1\n\nb: web\nc: 3\n\nd: [a b]\n');
    expect(sourceLines).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('follows text that ~ stripped', () => {
    const src = 'a:\n{{#if Values.on ~}}\n\n  b: 1\n{{~/if}}\nc: 2\n';
    expect(trace(src)).toEqual({ output: 'a:\nb: 1\nc: 2\n', sourceLines: [1, 4, 6, 7] });
    const inline = 'x: {{~Values.name}}\n  {{~#if Values.off}}no{{else~}}\n\n\n  yes: 1\n{{/if}}';
    expect(trace(inline)).toEqual({ output: 'x:webyes: 1\n', sourceLines: [1, 6] });
  });

  it('maps every line a range writes to the line of the body that wrote it', () => {
    const src = 'items:\n{{~#range Values.list}}\n  - name: {{this}}\n    kind: x\n{{~/range}}\nend: 1\n';
    const { output, sourceLines } = trace(src);
    expect(output).toBe('items:\n  - name: a\n    kind: x\n  - name: b\n    kind: x\nend: 1\n');
    expect(sourceLines).toEqual([1, 3, 4, 3, 4, 6, 7]);
  });

  it('maps what an include or tpl writes to the line of the call', () => {
    const src = '{{~#define "labels"~}}\napp: {{Values.name}}\ntier: web\n{{~/define}}\nmetadata:\n  labels:\n    {{~nindent 4 (include "labels" this)}}\ndone: 1\n{{tpl Values.t this}}\n';
    const { output, sourceLines } = trace(src);
    expect(output).toBe('\nmetadata:\n  labels:\n    app: web\n    tier: web\ndone: 1\nx: web\ny: 2\n');
    expect(sourceLines).toEqual([4, 5, 6, 7, 7, 8, 9, 9, 10]);
  });

  it('reports render errors as run does', () => {
    const env = createEnvironment({});
    const c = env.compile('a: 1\nb: {{fail "stop"}}\n', 'demo/templates/x.yaml');
    expect(() => env.trace(c.main, ctx, 'demo')).toThrow(expect.objectContaining({ code: 'TEMPLATE_FAIL', message: 'stop' }) as unknown as Error);
    // The environment still renders normally afterwards.
    const ok = env.compile('{{include "nope" this}}', 'demo/templates/y.yaml');
    expect(() => env.run(ok.main, ctx)).toThrow(/no template named/);
    expect(env.run(env.compile('v: {{Values.name}}', 'z').main, ctx)).toBe('v: web');
  });
});
