import { describe, expect, it } from '@jest/globals';
import { renderString } from '../../template-engine/handlebars/engine.js';
import { ChartroomError } from '../../core/errors.js';

const ctx = {
  Values: { name: 'web', image: { repository: 'nginx', tag: '1.2' }, list: ['a', 'b'], map: { z: 1, a: 2 }, empty: {}, zero: 0, nil: null },
  Release: { Name: 'rel' },
};

function fails(source: string, opts: { strict?: boolean } = {}): ChartroomError {
  try {
    renderString(source, ctx, { file: 'demo/templates/x.yaml', ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(ChartroomError);
    return e as ChartroomError;
  }
  throw new Error('rendered without error');
}

describe('template engine', () => {
  it('never HTML-escapes output', () => {
    expect(renderString('{{Values.x}}', { Values: { x: '<a href="x">&</a>' } })).toBe('<a href="x">&</a>');
  });

  it('treats empty maps, empty lists, 0 and "" as false, like Go templates', () => {
    expect(renderString('{{#if Values.empty}}y{{else}}n{{/if}}{{#if Values.zero}}y{{else}}n{{/if}}{{#if Values.map}}y{{/if}}', ctx)).toBe('nny');
    expect(renderString('{{#with Values.empty}}y{{else}}n{{/with}}', ctx)).toBe('n');
  });

  it('prints lists and maps the Go way, and nil as nothing', () => {
    expect(renderString('{{Values.list}} {{Values.map}} [{{Values.nil}}]', ctx)).toBe('[a b] map[a:2 z:1] []');
  });

  it('trims whitespace with ~ exactly where Go trims with -', () => {
    const src = 'a:\n  {{~#if Values.name}}\n  b: 1\n  {{~/if}}\nc: 2\n';
    expect(renderString(src, ctx)).toBe('a:\n  b: 1\nc: 2\n');
  });

  it('ranges over maps in key order with @key, and over lists with @index', () => {
    expect(renderString('{{#range Values.map}}{{@key}}={{this}};{{/range}}', ctx)).toBe('a=2;z=1;');
    expect(renderString('{{#range Values.list as |v i|}}{{i}}:{{v}} {{/range}}', ctx)).toBe('0:a 1:b ');
    expect(renderString('{{#range Values.empty}}x{{else}}none{{/range}}', ctx)).toBe('none');
  });

  it('binds variables with let, and reaches the root with @root', () => {
    expect(renderString('{{#let (upper Values.name) as |n|}}{{#each Values.list}}{{n}}-{{this}}-{{@root.Release.Name}} {{/each}}{{/let}}', ctx)).toBe('WEB-a-rel WEB-b-rel ');
  });

  it('includes named templates as strings usable in sub-expressions', () => {
    const src = '{{~#define "labels"~}}\napp: {{Values.name}}\ntier: web\n{{~/define}}\nmetadata:\n  labels:\n    {{~nindent 4 (include "labels" this)}}\n';
    expect(renderString(src, ctx)).toBe('\nmetadata:\n  labels:\n    app: web\n    tier: web\n');
  });

  it('renders tpl strings from values with the given context', () => {
    expect(renderString('{{tpl Values.t this}}', { Values: { t: 'hi {{Values.who}}', who: 'there' } })).toBe('hi there');
  });

  it('names file, line and column of an unknown helper, and suggests the right one', () => {
    const err = fails('a: 1\nb: {{nindnt 4 Values.name}}\n');
    expect(err.details.file).toBe('demo/templates/x.yaml');
    expect(err.details.line).toBe(2);
    expect(err.details.column).toBe(6);
    expect(err.message).toBe('unknown helper "nindnt"');
    expect(err.details.hint).toMatch(/did you mean "nindent"/);
    expect(err.details.snippet).toBe('b: {{nindnt 4 Values.name}}');
  });

  it('names the line of a syntax error', () => {
    const err = fails('a: 1\nb: {{#if Values.name}}\nc: 2\n');
    expect(err.code).toBe('TEMPLATE_SYNTAX');
    expect(err.details.line).toBeGreaterThanOrEqual(2);
  });

  it('reports required and fail with the author\'s message and the position', () => {
    const err = fails('x: 1\ny: {{required "image.digest is required" Values.image.digest}}\n');
    expect(err.code).toBe('TEMPLATE_FAIL');
    expect(err.message).toBe('image.digest is required');
    expect(err.details.line).toBe(2);
    expect(err.details.column).toBe(4);
    expect(fails('{{#if true}}\n  {{fail "no way"}}{{/if}}').details.line).toBe(2);
  });

  it('traces an error inside an included template back to the include', () => {
    const src = '{{#define "inner"}}\n{{required "need x" Values.x}}{{/define}}\nout: {{include "inner" this}}\n';
    const err = fails(src);
    expect(err.details.line).toBe(2);
    expect(err.details.hint).toMatch(/included from demo\/templates\/x.yaml:3:6/);
  });

  it('refuses runaway include recursion', () => {
    expect(fails('{{#define "loop"}}{{include "loop" this}}{{/define}}{{include "loop" this}}').message).toMatch(/more than 100 levels/);
  });

  it('with --strict, a missing value is an error that suggests the right key', () => {
    const err = fails('tag: {{Values.image.tagg}}', { strict: true });
    expect(err.message).toBe('Values.image.tagg is not defined (--strict)');
    expect(err.details.hint).toBe('did you mean Values.image.tag?');
    expect(err.details.column).toBe(8);
    expect(renderString('tag: {{Values.image.tagg}}', ctx)).toBe('tag: ');
    // Guards may test for values that are not there.
    expect(renderString('{{#if Values.missing}}x{{/if}}{{default "d" Values.nope}}', ctx, { strict: true })).toBe('d');
    expect(() => renderString('{{quote Values.nope}}', ctx, { strict: true })).toThrow(/Values.nope is not defined/);
  });

  it('cannot reach object prototypes or the file system', () => {
    expect(renderString('{{Values.constructor}}{{Values.__proto__}}{{lookup Values "constructor"}}', ctx)).toBe('');
    expect(() => renderString('{{> partial}}', ctx)).toThrow(/partials/);
    expect(renderString('{{get Values "toString"}}', ctx)).toBe('');
  });
});

describe('template syntax cache', () => {
  it('gives the same output from the cache, and ignores a damaged entry', async () => {
    const { mkdtempSync, readdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { DiskCache } = await import('../../core/cache.js');
    const dir = mkdtempSync(join(tmpdir(), 'chartroom-cache-'));
    const cache = new DiskCache(dir);
    try {
      const src = 'a: {{upper Values.name}}\n{{#range Values.list}}- {{this}}\n{{/range}}';
      const first = renderString(src, ctx, { cache });
      const shard = readdirSync(join(dir, 'templates'))[0];
      const [entry] = readdirSync(join(dir, 'templates', shard));
      expect(renderString(src, ctx, { cache })).toBe(first);
      writeFileSync(join(dir, 'templates', shard, entry), '{"type":"Prog');
      expect(renderString(src, ctx, { cache })).toBe(first);
      expect(first).toBe('a: WEB\n- a\n- b\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
