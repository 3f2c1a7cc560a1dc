import { describe, expect, it } from '@jest/globals';
import { loadYaml, loadYamlDocuments } from '../../core/yaml.js';

describe('loading YAML data', () => {
  it('reads text with asterisks in comments and strings (no anchors) as plain data', () => {
    const text = '# set *this* first\nglob: "*.example.com"\nlist:\n  - a # *b*\n';
    expect(loadYaml(text, 'v.yaml')).toEqual({ glob: '*.example.com', list: ['a'] });
  });

  it('still resolves anchors and aliases, and refuses an alias bomb', () => {
    expect(loadYaml('base: &b {x: 1}\nother: *b\n', 'v.yaml')).toEqual({ base: { x: 1 }, other: { x: 1 } });
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    expect(() => loadYaml(lines.join('\n'), 'bomb.yaml')).toThrow(/alias bomb/);
  });

  it('names the file and line of a syntax error', () => {
    let caught: unknown;
    try {
      loadYaml('a: 1\nb: [unclosed\n', 'bad.yaml');
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'YAML_PARSE', file: 'bad.yaml', line: expect.any(Number) });
  });

  it('reads several documents, and refuses several where one is expected', () => {
    expect(loadYamlDocuments('a: 1\n---\nb: 2\n', 'm.yaml')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(() => loadYaml('a: 1\n---\nb: 2\n', 'one.yaml')).toThrow(/YAML/);
  });
});
