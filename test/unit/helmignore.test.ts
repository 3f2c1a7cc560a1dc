import { describe, expect, it } from '@jest/globals';
import { globRegExp, IgnoreRules } from '../../core/chart/helmignore.js';
import { ChartroomError } from '../../core/errors.js';

/** Go's filepath.Match(pattern, name) as globRegExp answers it: true, false, or 'bad' (ErrBadPattern). */
const match = (pattern: string, name: string): boolean | 'bad' => {
  const re = globRegExp(pattern);
  return re === null ? 'bad' : re.test(name);
};

describe("globRegExp: Go's filepath.Match", () => {
  it.each<[string, string, boolean | 'bad']>([
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ab/c', false],
    ['a*/b', 'abc/b', true],
    ['a*/b', 'a/c/b', false],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a[^a]b', 'a☺b', true],
    ['a???b', 'a☺b', false],
    ['[a-ζ]*', 'α', true],
    ['*[a-ζ]', 'A', false],
    ['a?b', 'a/b', false],
    ['a*b', 'a/b', false],
    ['[\\]a]', ']', true],
    ['[\\-]', '-', true],
    ['[x\\-]', 'x', true],
    ['[x\\-]', '-', true],
    ['[x\\-]', 'z', false],
    ['[\\-x]', 'x', true],
    ['[^a-c]', 'd', true],
    ['[^a-c]', 'b', false],
    ['[z-a]', 'm', false],
    ['[.]', '.', true],
    ['a(b)+', 'a(b)+', true],
    ['a.c', 'abc', false],
    ['[]a]', ']', 'bad'],
    ['[-]', '-', 'bad'],
    ['[x-]', 'x', 'bad'],
    ['[a-b-c]', 'a', 'bad'],
    ['[', 'a', 'bad'],
    ['[^', 'a', 'bad'],
    ['[^bc', 'a', 'bad'],
    ['a[', 'ab', 'bad'],
    ['a\\', 'a', 'bad'],
    ['*x', 'xxx', true],
  ])('Match(%j, %j) = %j', (pattern, name, want) => {
    expect(match(pattern, name)).toBe(want);
  });
});

describe('IgnoreRules: .helmignore as helm reads it', () => {
  it('a rule without a slash matches a name at any depth; with one, the path from the root', () => {
    const r = new IgnoreRules('*.bak\ndocs/*.md\n/top.txt\n');
    expect(r.ignores('a.bak')).toBe(true);
    expect(r.ignores('templates/deep/a.bak')).toBe(true);
    expect(r.ignores('docs/x.md')).toBe(true);
    expect(r.ignores('docs/sub/x.md')).toBe(false);
    expect(r.ignores('other/docs/x.md')).toBe(false);
    expect(r.ignores('top.txt')).toBe(true);
    expect(r.ignores('sub/top.txt')).toBe(false);
    expect(r.ignores('values.yaml')).toBe(false);
  });

  it('a trailing slash matches folders only; blank lines, comments and surrounding spaces are skipped', () => {
    const r = new IgnoreRules('# a comment\n\n   secret/   \r\n');
    expect(r.ignores('secret', true)).toBe(true);
    expect(r.ignores('nested/secret', true)).toBe(true);
    expect(r.ignores('secret')).toBe(false);
  });

  it("always leaves out templates/.* (Helm's default), never Chart.yaml or .helmignore", () => {
    const r = new IgnoreRules('*.yaml\n.*\n');
    expect(r.ignores('templates/.hidden.yaml')).toBe(true);
    expect(new IgnoreRules().ignores('templates/.keep')).toBe(true);
    expect(new IgnoreRules().ignores('templates/sub/.keep')).toBe(false);
    expect(r.ignores('Chart.yaml')).toBe(false);
    expect(r.ignores('.helmignore')).toBe(false);
    expect(r.ignores('values.yaml')).toBe(true);
  });

  it('a ! rule re-includes what an earlier rule left out: the last matching rule decides', () => {
    const r = new IgnoreRules('*.md\n!README.md\n');
    expect(r.ignores('README.md')).toBe(false);
    expect(r.ignores('NOTES.md')).toBe(true);
    expect(r.ignores('values.yaml')).toBe(false);
    expect(r.ignores('templates', true)).toBe(false);
    const again = new IgnoreRules('!README.md\n*.md\n');
    expect(again.ignores('README.md')).toBe(true);
  });

  const failure = (text: string): ChartroomError => {
    try {
      new IgnoreRules(text, '/c/.helmignore');
    } catch (e) {
      return e as ChartroomError;
    }
    throw new Error('no error');
  };

  it('refuses ** as helm does, naming the file and line', () => {
    const e = failure('*.bak\ndocs/**\n');
    expect(e).toBeInstanceOf(ChartroomError);
    expect(e.code).toBe('HELMIGNORE');
    expect(e.message).toBe('/c/.helmignore: double-star (**) syntax is not supported (helm refuses it too)');
    expect(e.details).toMatchObject({ file: '/c/.helmignore', line: 2, snippet: 'docs/**' });
  });

  it('refuses a pattern Go cannot compile, naming the line', () => {
    const e = failure('ok\n\n[abc\n');
    expect(e.code).toBe('HELMIGNORE');
    expect(e.message).toBe('/c/.helmignore: syntax error in pattern "[abc"');
    expect(e.details).toMatchObject({ line: 3 });
  });
});
