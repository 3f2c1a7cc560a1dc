import { describe, expect, it } from '@jest/globals';
import { parseSetInto, typedValue } from '../../core/values/strvals.js';
import { collectUserValues, readValuesFile } from '../../core/values/layers.js';
import { ChartroomError } from '../../core/errors.js';
import { parseYaml } from '../../core/yaml.js';

function set(expr: string, mode: 'typed' | 'string' | 'json' | 'literal' = 'typed', into: Record<string, unknown> = {}) {
  parseSetInto(expr, into, mode);
  return into;
}

describe('--set syntax', () => {
  it('infers only booleans, null and integers, as Helm does', () => {
    expect([typedValue('true'), typedValue('FALSE'), typedValue('null'), typedValue('0'), typedValue('42'), typedValue('-7')]).toEqual([true, false, null, 0, 42, -7]);
    expect([typedValue('1.5'), typedValue('007'), typedValue('1e3'), typedValue('0x10'), typedValue('99999999999999999999')]).toEqual(['1.5', '007', '1e3', '0x10', '99999999999999999999']);
  });

  it('parses nesting, lists, indexes and escapes', () => {
    expect(set('a.b.c=1,d={x,y},e[1].f=g,h\\.i=j,k=l\\,m')).toEqual({ a: { b: { c: 1 } }, d: ['x', 'y'], e: [null, { f: 'g' }], 'h.i': 'j', k: 'l,m' });
    expect(set('a[0][1]=x')).toEqual({ a: [[null, 'x']] });
    expect(set('empty=')).toEqual({ empty: '' });
  });

  it('sets into existing values in place, keeping what it does not touch', () => {
    expect(set('list[1]=B,m.b=2', 'typed', { list: ['a', 'b', 'c'], m: { a: 1 } })).toEqual({ list: ['a', 'B', 'c'], m: { a: 1, b: 2 } });
  });

  it('parses JSON values and literal values', () => {
    expect(set('a={"b":[1,{"c":null}]},d=[1,"2"],e=', 'json')).toEqual({ a: { b: [1, { c: null }] }, d: [1, '2'], e: null });
    expect(set('a.b=x,y=z\\w', 'literal')).toEqual({ a: { b: 'x,y=z\\w' } });
  });

  it.each([
    ['a', /key "a" has no value/],
    ['a,b=1', /key "a" has no value \(cannot end with ,\)/],
    ['a[x]=1', /invalid list index/],
    ['a[70000]=1', /greater than the maximum of 65536/],
    [Array.from({ length: 32 }, (_, i) => `k${i}`).join('.') + '=1', /nested deeper than 30/],
    ['a={x,y', /list must terminate with '}'/],
  ])('refuses %s with a clear message', (expr, message) => {
    expect(() => set(expr)).toThrow(message);
    try {
      set(expr);
    } catch (e) {
      expect((e as ChartroomError).message).toContain(`--set ${JSON.stringify(expr)}`);
    }
  });

  it('refuses keys that would reach a prototype, without polluting one', () => {
    const out = set('__proto__.polluted=yes');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(true);
  });
});

describe('values files', () => {
  const io = (files: Record<string, string>, stdin = '') => ({ readFile: (p: string) => {
    if (!(p in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return files[p];
  }, readStdin: () => stdin });

  it('merges several documents of one file in order', () => {
    expect(readValuesFile('v.yaml', io({ 'v.yaml': 'a: 1\nb: {x: 1}\n---\nb: {z: 2}\n---\n' }))).toEqual({ a: 1, b: { x: 1, z: 2 } });
  });

  it('reads - from stdin, and applies layers in Helm order', () => {
    const user = collectUserValues({ valueFiles: ['-', 'b.yaml'], set: ['a=set'], setString: ['num=5'], setJson: ['a="json"'] }, io({ 'b.yaml': 'b: file\nnum: 1\n' }, 'a: stdin\n'));
    expect(user.values).toEqual({ a: 'set', b: 'file', num: '5' });
    expect(user.layers.map((l) => l.source)).toEqual(['<stdin>', 'b.yaml', '--set-json a="json"', '--set a=set', '--set-string num=5']);
  });

  it('names the file, line and column of a YAML error', () => {
    try {
      readValuesFile('bad.yaml', io({ 'bad.yaml': 'a: 1\nb: [1, 2\nc: 3\n' }));
      throw new Error('accepted');
    } catch (e) {
      const err = e as ChartroomError;
      expect(err.code).toBe('YAML_PARSE');
      expect(err.details.file).toBe('bad.yaml');
      expect(err.details.line).toBeGreaterThanOrEqual(2);
    }
  });

  it('says which file is missing', () => {
    expect(() => readValuesFile('nope.yaml', io({}))).toThrow(expect.objectContaining({ message: 'values file does not exist', details: expect.objectContaining({ file: 'nope.yaml' }) }));
  });

  it('refuses a values file that is a list', () => {
    expect(() => readValuesFile('l.yaml', io({ 'l.yaml': '- a\n- b\n' }))).toThrow(/must hold a mapping/);
  });

  it('reads YAML 1.1 as Helm does: yes/on are booleans, dates and 1:20 stay strings', () => {
    expect(parseYaml('a: yes\nb: off\nc: 2001-12-14\nd: 1:20\ne: 0o17\nf: 010\n', 'x.yaml').value).toEqual({ a: true, b: false, c: '2001-12-14', d: '1:20', e: 15, f: 8 });
  });
});
