import { describe, expect, it } from '@jest/globals';
import { ChartroomError } from '../../core/errors.js';
import { collectUserValues, type ValuesOptions } from '../../core/values/layers.js';
import { parseSetInto } from '../../core/values/strvals.js';

/** The error `collectUserValues` throws for these flags (as `chart template` would), or fails the test. */
function errorFor(opts: ValuesOptions, files: Record<string, string> = {}): ChartroomError {
  const io = {
    readFile: (p: string) => {
      if (p in files) return files[p];
      throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    },
    readStdin: () => '',
  };
  try {
    collectUserValues(opts, io);
  } catch (e) {
    expect(e).toBeInstanceOf(ChartroomError);
    return e as ChartroomError;
  }
  throw new Error(`no error for ${JSON.stringify(opts)}`);
}

describe('a --set family parse error names its flag and shows that flag\u2019s syntax', () => {
  it('--set: key.sub=value, lists in braces, escapes', () => {
    const e = errorFor({ set: ['a.b'] });
    expect(e.code).toBe('SET_SYNTAX');
    expect(e.message).toBe('--set "a.b": key "b" has no value');
    expect(e.details.field).toBe('--set');
    expect(e.details.hint).toMatch(/key\.sub=value.*list=\{a,b\}.*escape/);
  });

  it('--set-string: the same syntax as --set', () => {
    const e = errorFor({ setString: ['x={1,2'] });
    expect(e.message).toBe(`--set-string "x={1,2": list must terminate with '}'`);
    expect(e.details.hint).toMatch(/list=\{a,b\}/);
  });

  it.each([
    ['a value that is not JSON', 'a=yes', /^--set-json "a=yes": invalid JSON value "yes"/],
    ['a key without a value', 'a.b', /^--set-json "a\.b": key "b" has no value/],
    ['a whole object that is not valid JSON', '{"a": 1', /^--set-json "\{\\"a\\": 1": invalid JSON object/],
  ])('--set-json, %s: JSON values or one whole JSON object, not --set syntax', (_label, expr, message) => {
    const e = errorFor({ setJson: [expr] });
    expect(e.message).toMatch(message);
    expect(e.details.field).toBe('--set-json');
    expect(e.details.hint).toMatch(/key\.sub=<JSON>/);
    expect(e.details.hint).toMatch(/whole JSON object/);
    // what --set would say does not fit: braces are JSON objects here, and \ does not escape
    expect(e.details.hint).not.toMatch(/list=\{a,b\}|escape/);
  });

  it.each([
    ['a key without =', 'name', /^--set-literal "name": key "name" has no value$/],
    ['a bad index', 'list[x]=1', /^--set-literal "list\[x\]=1": invalid list index \[x\]$/],
    ['text after an index', 'illegal[0]name.foo=bar', /^--set-literal "illegal\[0\]name\.foo=bar": unexpected data after list index \[0\]: "name"$/],
  ])('--set-literal, %s: the value is taken as is, without --set escapes or lists', (_label, expr, message) => {
    const e = errorFor({ setLiteral: [expr] });
    expect(e.message).toMatch(message);
    expect(e.details.field).toBe('--set-literal');
    expect(e.details.hint).toMatch(/everything after the first = is the value/);
    expect(e.details.hint).not.toMatch(/list=\{a,b\}|escape , \. =/);
  });

  it('--set-file: the value is a path', () => {
    const e = errorFor({ setFile: ['a'] });
    expect(e.message).toBe('--set-file "a": key "a" has no value');
    expect(e.details.hint).toMatch(/key\.sub=path/);
  });
});

describe('--set family errors helm also gives, said clearly', () => {
  it.each([
    ['a=1,a.b=2', /^--set "a=1,a\.b=2": key "a" holds a number \(1\), not a map/],
    ['a=x,a[0]=y', /^--set "a=x,a\[0\]=y": key "a" holds a string \("x"\), not a list/],
    ['a[0]=x,a[0][1]=y', /^--set "a\[0\]=x,a\[0\]\[1\]=y": item \[0\] holds a string \("x"\), not a list/],
    ['a[-1]=x', /negative index -1 is not allowed/],
  ])('%s', (expr, message) => {
    expect(() => parseSetInto(expr, {}, 'typed')).toThrow(message);
  });

  it('says so when lists are nested too deeply to follow, instead of overflowing the stack', () => {
    expect(() => parseSetInto(`a${'[0]'.repeat(100_000)}=1`, {}, 'typed')).toThrow(/^--set "a\[0\]\[0\].*": lists are nested too deeply$/);
  });

  it('refuses to set below a key that a values file set to null, as helm does', () => {
    const e = errorFor({ valueFiles: ['v.yaml'], set: ['a.b=1'] }, { 'v.yaml': 'a: null\n' });
    expect(e.message).toBe('--set "a.b=1": key "a" holds null, not a map, so it cannot take a nested key');
  });

  it('refuses a value under an empty key, which helm would drop without a word', () => {
    expect(() => parseSetInto('a=1,=2', {}, 'typed')).toThrow('--set "a=1,=2": a key is empty (before "=")');
    expect(() => parseSetInto('.a=x', {}, 'literal')).toThrow('--set-literal ".a=x": a key is empty (before ".")');
  });
});

describe('--set-json with one whole JSON object', () => {
  it('merges the object into the values, maps into maps', () => {
    const into = { a: { keep: 1, b: 'old' }, list: [1, 2] };
    parseSetInto('{"a": {"b": null, "c": [1]}, "list": [3]}', into, 'json');
    expect(into).toEqual({ a: { keep: 1, b: null, c: [1] }, list: [3] });
  });
});
