import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadYaml, loadYamlDocuments, readBlockYaml } from '../../core/yaml.js';
import { SCAFFOLD } from '../../core/scaffold/files.js';
import { blockMutations, checkBlock, randomDocument, VALUES, yamlFiles } from '../support/yaml-block-check.js';
import { rng } from '../support/rng.js';

/**
 * The one-pass block reader (core/yaml-block.ts) may only accept what js-yaml with Helm's schema reads without
 * error, to the same data. Checked on the project's own YAML files, on the scaffolds, on random documents in
 * and around the block style, on mutations of all of them, and on hand-written corner cases; the corpus of
 * public charts is checked in test/interop/yaml-block-corpus.test.ts.
 */

const OWN = ['charts', 'test/golden'].flatMap((d) => yamlFiles(join(process.cwd(), d)));

describe('block YAML reader', () => {
  it('reads every values.yaml and Chart.yaml of the example charts and the scaffold, as js-yaml does', () => {
    const wanted = OWN.filter((f) => /(?:^|\/)(?:values|Chart)\.yaml$/.test(f) && !f.includes('/templates/'));
    expect(wanted.length).toBeGreaterThan(6);
    for (const f of wanted) expect([f, checkBlock(readFileSync(f, 'utf8'))]).toEqual([f, 'fast']);
    for (const name of ['Chart.yaml', 'values.yaml']) expect([name, checkBlock(SCAFFOLD[name].replaceAll('<CHARTNAME>', 'app'))]).toEqual([name, 'fast']);
  });

  it('agrees with js-yaml on every YAML file of the project (templates and manifests included) and on mutations of them', () => {
    let fast = 0;
    let n = 0;
    for (const [i, f] of OWN.entries()) {
      const text = readFileSync(f, 'utf8');
      for (const t of [text, ...blockMutations(text, 60, 1000 + i)]) {
        const took = checkBlock(t) === 'fast';
        if (f.includes('/templates/')) continue;
        n++;
        if (took) fast++;
      }
    }
    // Not vacuous: many of the mutations of plain YAML files stay readable by the block reader.
    expect(fast).toBeGreaterThan(n / 4);
  });

  it('agrees with js-yaml on random documents and their mutations', () => {
    const random = rng(20261124);
    let fast = 0;
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const doc = randomDocument(random);
      if (checkBlock(doc) === 'fast') fast++;
      for (const m of blockMutations(doc, 2, i)) checkBlock(m);
    }
    expect(fast).toBeGreaterThan(n / 5);
  });

  it('agrees on every scalar of the table, as a mapping value, a list item and inside flow collections', () => {
    for (const v of VALUES) {
      for (const text of [`k: ${v}\n`, `k:\n- ${v}\n`, `k:\n  - ${v}\n`, `k: [${v}]\n`, `k: {a: ${v}}\n`, `${v}: 1\n`, `- k: ${v}\n`, `k: ${v}\nnext: 1\n`]) checkBlock(text);
    }
  });

  it('reads Helm’s YAML 1.1 meanings: booleans, octal and hex numbers, nulls, and strings that only look alike', () => {
    const text = 'a: yes\nb: off\nc: 012\nd: 0x1F\ne: ~\nf:\ng: "yes"\nh: 1:20\ni: 2024-01-01\nj: 1e3\nk: .inf\nl: [on, "on", 7]\nm: {x: null}\n';
    expect(readBlockYaml(text)?.value).toEqual({ a: true, b: false, c: 10, d: 31, e: null, f: null, g: 'yes', h: '1:20', i: '2024-01-01', j: 1000, k: Infinity, l: [true, 'on', 7], m: { x: null } });
    expect(checkBlock(text)).toBe('fast');
  });

  it('reads literal block scalars with clip and strip chomping, keeping comments and blank lines inside', () => {
    const text = 'script: |\n  #!/bin/sh\n  echo "a: b" # kept\n\n  exit 0\n\n\nstrip: |-\n  one\n    two\nafter: 1\n';
    expect(readBlockYaml(text)?.value).toEqual({ script: '#!/bin/sh\necho "a: b" # kept\n\nexit 0\n', strip: 'one\n  two', after: 1 });
    expect(checkBlock(text)).toBe('fast');
  });

  it('reads sequences at their key’s column and mappings inside sequence items', () => {
    const text = 'list:\n- a\n- name: x\n  port: 80\n-\n  deep: true\n- \nafter:\n  - 1\n';
    expect(readBlockYaml(text)?.value).toEqual({ list: ['a', { name: 'x', port: 80 }, { deep: true }, null], after: [1] });
    expect(checkBlock(text)).toBe('fast');
  });

  it('declines what it does not read, leaving it (and its error) to the full parsers', () => {
    const declined = [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: 1\na: 2\n',
      'a: b\n  continued\n',
      'a: >\n  folded\n',
      'a: |+\n  kept\n\n',
      'a: |2\n   x\n',
      'a: "esc\\n"\n',
      'a: "multi\n  line"\n',
      'yes: 1\n',
      '1: x\n',
      '__proto__: {}\n',
      '"__proto__": 1\n',
      '<<: {a: 1}\n',
      'a: {b: [1]}\n',
      '- top\n- level\n',
      'just a scalar\n',
      'a: 1\n---\nb: 2\n',
      'a:\tb\n',
      'a: b\r\n',
      '? complex\n: key\n',
      '# only comments\n',
      '',
    ];
    for (const t of declined) expect([t, readBlockYaml(t)]).toEqual([t, undefined]);
    // The full parsers still read them (or word their error) as before.
    expect(loadYaml('a: &x 1\nb: *x\n', 'x.yaml')).toEqual({ a: 1, b: 1 });
    expect(loadYamlDocuments('a: 1\n---\nb: 2\n', 'x.yaml')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(() => loadYaml('a: 1\na: 2\n', 'values.yaml')).toThrow(expect.objectContaining({ code: 'YAML_PARSE', details: expect.objectContaining({ file: 'values.yaml', line: 2 }) }));
    expect(loadYaml('__proto__: {polluted: 1}\n', 'x.yaml')).toEqual(JSON.parse('{"__proto__": {"polluted": 1}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads a long document in time linear in its length', () => {
    const unit = Array.from({ length: 50 }, (_, i) => `k${i}:\n  name: svc-${i}\n  list:\n  - a\n  - b: [1, 2]\n  text: |\n    line\n`).join('');
    const time = (copies: number) => {
      const text = Array.from({ length: copies }, (_, c) => unit.replace(/^k/gm, `c${c}k`)).join('');
      readBlockYaml(text);
      const start = process.hrtime.bigint();
      expect(readBlockYaml(text)).toBeDefined();
      return Number(process.hrtime.bigint() - start);
    };
    time(20);
    // 20× the input: linear is about 20×, quadratic about 400×.
    expect(time(400) / time(20)).toBeLessThan(150);
  });
});
