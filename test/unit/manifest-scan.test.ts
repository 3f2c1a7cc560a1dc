import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanManifest } from '../../core/kube/manifest-scan.js';
import { parseRenderedFile, splitDocuments } from '../../core/kube/manifests.js';
import { loadYaml } from '../../core/yaml.js';
import { check, mutations } from '../support/manifest-scan-check.js';

/**
 * The one-pass scanner may only accept what the full parser reads without error as a mapping (or nothing),
 * with the same kind, apiVersion, name and annotations. Checked on real rendered output (the golden files)
 * and on many small mutations of it, and on hand-written corner cases.
 */
const GOLDEN = join(process.cwd(), 'test/golden');

function goldenDocuments(): string[] {
  const docs: string[] = [];
  for (const f of readdirSync(GOLDEN).filter((n) => n.endsWith('.golden.yaml'))) {
    docs.push(...splitDocuments(readFileSync(join(GOLDEN, f), 'utf8')));
  }
  return docs;
}

const EXTRA = [
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: "quoted-name"
  annotations:
    helm.sh/hook: pre-install,post-install
    helm.sh/hook-weight: "-5"
    'single': 'it''s'
data:
  script.sh: |
    #!/bin/sh
    echo "a: b" # not a comment

    exit 0
  folded: >-
    one
    two
  empty: ""
  list:
  - a
  - b: c
    d: [] # flow, empty
  - nested
  url: http://example.com:8080/x#frag
  braces: a{b}[c]
  colon: a:b
`,
  `# only a comment\n\n   # and another`,
  `kind: Service\napiVersion: v1\nmetadata: {}\nspec:\n  ports:\n    -\n      port: 80\n    - port: 81\n`,
  `metadata:\n  name: x\n  annotations:\n    a: |\n      block\n`,
  `metadata:\n  name: x\n  annotations:\n`,
  `metadata:\n  name:\nkind:\n`,
  `kind: 5\n`,
  `kind: yes\n`,
  `kind: .inf\n`,
  `a: &x 1\nb: *x\n`,
  `a: !!str 1\n`,
  `a: 1\na: 2\n`,
  `a: "1"\n"a": 2\n`,
  `a: b: c\n`,
  `a: b:\n`,
  `a:\n  b: 1\n c: 2\n`,
  `a:\n  - 1\n  b: 2\n`,
  `- a\n- b\n`,
  `just a scalar`,
  `a: "unterminated\n`,
  `a: 'x' 'y'\n`,
  `a: "x"y\n`,
  `a: |\n    four\n  two\n`,
  `a: |\n      \n    four\n`,
  `a:\tb\n`,
  `a: b\n  continued\n`,
  `? complex\n: key\n`,
  `a: - b\n`,
  `a: @b\n`,
  `a: %b\n`,
  `a: \`b\n`,
  `a: ,b\n`,
  `<<: {a: 1}\n`,
  `a: {b: 1}\n`,
  `a: [1, 2]\n`,
  `key with space: 1\n`,
  `true: 1\n`,
  `a: b #comment\nc: d#notcomment\n`,
  `a:\n- x\nb:\n  - y\n  - z\nc: 3\n`,
  `  indented: root\n  other: 1\n`,
  `  indented: root\n other: 1\n`,
  `a:\n  -\n  - b\n`,
  `a: |+\n  keep\n\nb: 1\n`,
  `a: |2\n   x\n`,
  `a: >\n  folded\n  text\n# comment at zero\nb: 1\n`,
  `a: "x\\ty"\n`,
  `...\n`,
  `%YAML 1.1\n`,
  `a: 'multi\n  line'\n`,
  `a: "x" # c\nb: 'y' # c\n`,
  `metadata:\n  annotations:\n    helm.sh/hook: test\n    helm.sh/hook-weight: 3\n`,
  `metadata:\n  annotations:\n    helm.sh/hook:\n`,
  `metadata:\n  annotations: {}\n  name: n\n`,
  `metadata:\n  - name: n\n`,
  `metadata: x\n`,
  `kind:\n  nested: 1\n`,
  `- key: |\n  text\n`,
  `list:\n- key: |\n   text\n  other: 1\n`,
];

describe('scanManifest', () => {
  it('reads the real rendered documents in one pass, with the same heads as the full parser', () => {
    const docs = goldenDocuments();
    expect(docs.length).toBeGreaterThan(20);
    const results = docs.map(check);
    // Templates' output is the plain block style: nearly all of it takes the fast path.
    expect(results.filter((r) => r === 'fast').length).toBeGreaterThanOrEqual(Math.floor(docs.length * 0.9));
  });

  it('accepts only what the full parser accepts, on mutations of real output and corner cases', () => {
    let fast = 0;
    let slow = 0;
    const docs = [...goldenDocuments(), ...EXTRA];
    for (const doc of docs) {
      for (const variant of [doc, ...mutations(doc)]) {
        if (check(variant) === 'fast') fast++;
        else slow++;
      }
    }
    // Both paths are exercised many times over.
    expect(fast).toBeGreaterThan(1000);
    expect(slow).toBeGreaterThan(1000);
  });

  it('reads heads of hand-written documents', () => {
    expect(scanManifest(EXTRA[0])).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      name: 'quoted-name',
      annotations: Object.assign(Object.create(null), { 'helm.sh/hook': 'pre-install,post-install', 'helm.sh/hook-weight': '-5', single: "it's" }),
      empty: false,
    });
    expect(scanManifest('# nothing\n')).toMatchObject({ empty: true, kind: '' });
    for (const bad of ['a: 1\na: 2\n', 'a: b: c\n', 'a: &x 1\n', 'a:\n  b: 1\n c: 2\n', '- a\n', 'a: b\n  continued\n', 'kind: 5\n']) {
      expect(scanManifest(bad)).toBeUndefined();
    }
  });
});

describe('parseRenderedFile with the scanner', () => {
  const file = (content: string) => ({ path: 'c/templates/x.yaml', content, file: 'c/templates/x.yaml', chart: { metadata: { name: 'c' } } });

  it('gives the parsed object on demand, equal to the full parse', () => {
    const [m] = parseRenderedFile(file(EXTRA[0]));
    expect(m.kind).toBe('ConfigMap');
    expect(m.hook?.events).toEqual(['pre-install', 'post-install']);
    expect(m.hook?.weight).toBe(-5);
    expect(m.object).toEqual(loadYaml(EXTRA[0], 'x'));
  });

  it('still words invalid YAML with the rendered line, through the full parser', () => {
    const text = 'kind: A\n---\na: 1\nb: c: d\n';
    expect(() => parseRenderedFile(file(text))).toThrow(/invalid YAML.*rendered output line 4/);
    expect(() => parseRenderedFile(file('- a\n'))).toThrow(/not a mapping/);
  });
});
