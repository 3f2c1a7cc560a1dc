import { describe, expect, it } from '@jest/globals';
import jsyaml from 'js-yaml';
import { parseIndex } from '../../core/repo/index-file.js';
import { indexYamlToJson } from '../../core/repo/index-json-fast.js';

/**
 * `repo update` turns a large index.yaml straight into its cached JSON. Whatever it writes must be what
 * parseIndex reads from the same text (then cached as apiVersion, generated and entries); whatever it
 * cannot read, it must hand back.
 */
function viaParseIndex(text: string): unknown {
  const idx = parseIndex(text, 'index.yaml');
  return JSON.parse(JSON.stringify({ apiVersion: idx.apiVersion, generated: idx.generated ?? '', entries: idx.entries }));
}

function check(text: string): 'fast' | 'whole' {
  const fast = indexYamlToJson(text);
  if (!fast) return 'whole';
  const want = viaParseIndex(text) as { entries: object };
  const got = JSON.parse(fast.pieces.join(''));
  expect(got).toEqual(want);
  // Same key order too: the cache is read back as it is written.
  expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  expect(fast.charts).toBe(Object.keys(want.entries).length);
  return 'fast';
}

const version = (name: string, v: string, extra = '') => `  - apiVersion: v2
    name: ${name}
    version: ${v}
    urls:
      - https://example.com/${name}-${v}.tgz
    digest: 0e1234abcd${v.replace(/\D/g, '')}
    created: "2024-01-01T00:00:00Z"
${extra}`;

const chart = (name: string, versions: string[], extra = '') => `  ${name}:\n${versions.map((v) => version(name, v, extra)).join('')}`;
const index = (...charts: string[]) => `apiVersion: v1\nentries:\n${charts.join('')}generated: "2024-01-01T00:00:00Z"\n`;

const SHAPES: [string, string, 'fast' | 'whole'][] = [
  ['plain', index(chart('a', ['1.0.0', '0.9.0']), chart('b', ['2.0.0'])), 'fast'],
  ['unsorted versions', index(chart('a', ['1.0.0', '10.0.0', '2.0.0-rc.1', '2.0.0', 'not-semver', '1.0.0'])), 'fast'],
  ['quoted strings', index(chart('a', ['1.0.0'], `    description: 'it''s "quoted"'\n    home: "https://x.example/\\u00e9\\n"\n    icon: "a # not a comment"\n`)), 'fast'],
  ['booleans, keywords, maintainers, annotations', index(chart('a', ['1.0.0'], `    deprecated: true\n    keywords:\n    - a\n    - b c\n    maintainers:\n      - name: X\n        email: x@example.com\n    annotations:\n      artifacthub.io/links: x\n      category: y\n`)), 'fast'],
  ['digit-first names and values', index(chart('3scale', ['1.0.0'], `    appVersion: 1.2.3\n    kubeVersion: '>=1.20.0-0'\n`)), 'fast'],
  ['comments and blank lines', `# head\napiVersion: v1\n\nentries:\n  # a chart\n  a:\n\n${version('a', '1.0.0')}\n  # trailing\ngenerated: "2024"\nserverInfo:\n  contextPath: /x\n`, 'fast'],
  ['Go style lists at the key', `apiVersion: v1\nentries:\n  a:\n  - apiVersion: v2\n    name: a\n    urls:\n    - a-1.0.0.tgz\n    version: 1.0.0\n  - apiVersion: v2\n    name: a\n    urls:\n    - a-2.0.0.tgz\n    version: 2.0.0\ngenerated: "2024-01-01T00:00:00.000000001Z"\n`, 'fast'],
  ['no generated', `apiVersion: v1\nentries:\n${chart('a', ['1.0.0'])}`, 'fast'],
  ['block scalar (that chart by the full parser)', index(chart('a', ['1.0.0'], `    description: |\n      line one\n\n      line three\n    annotations:\n      artifacthub.io/changes: |-\n        - kind: added\n          description: x\n`), chart('b', ['1.0.0'])), 'fast'],
  ['flow sequence', index(chart('a', ['1.0.0'], `    keywords: [a, b]\n`), chart('b', ['1.0.0'])), 'fast'],
  ['numbers and nulls', index(chart('a', ['1.0.0'], `    appVersion: 1.10\n    x: 0x1F\n    y: ~\n    z: 1_000\n    w: ._5\n    v: yes\n`)), 'fast'],
  ['multi-line plain scalar', index(chart('a', ['1.0.0'], `    description: first\n      second\n`)), 'fast'],
  ['multi-line quoted scalar', index(chart('a', ['1.0.0'], `    description: "first\n      second"\n`)), 'fast'],
  ['escapes', index(chart('a', ['1.0.0'], `    description: "tab\\there \\x41 \\u263A"\n`)), 'fast'],
  ['anchors within a chart', index(chart('a', ['1.0.0'], `    maintainers: &m\n      - name: X\n`)), 'fast'],
  ['aliases across charts', index(chart('a', ['1.0.0'], `    home: &h https://x\n`), chart('b', ['1.0.0'], `    home: *h\n`)), 'whole'],
  ['a chart twice', index(chart('a', ['1.0.0']), chart('a', ['2.0.0'])), 'whole'],
  ['a key twice in a version', index(chart('a', ['1.0.0'], `    name: again\n`)), 'fast'],
  ['quoted chart name', `apiVersion: v1\nentries:\n  "a":\n${version('a', '1.0.0')}`, 'whole'],
  ['CRLF', index(chart('a', ['1.0.0'])).replace(/\n/g, '\r\n'), 'whole'],
  ['no apiVersion', `entries:\n${chart('a', ['1.0.0'])}`, 'whole'],
  ['comment after a value', index(chart('a', ['1.0.0'], `    home: x # comment\n`)), 'fast'],
  ['list of lists', index(chart('a', ['1.0.0'], `    x:\n      - - a\n`)), 'fast'],
  ['proto key', index(chart('a', ['1.0.0'], `    __proto__: x\n`)), 'fast'],
];

describe('indexYamlToJson', () => {
  it.each(SHAPES)('%s', (_name, text, path) => {
    let parses = true;
    try {
      viaParseIndex(text);
    } catch {
      parses = false;
    }
    const got = check(text);
    // Text the full parser rejects never gets through.
    if (!parses) expect(got).toBe('whole');
    else expect(got).toBe(path);
  });

  it('gives what parseIndex gives on the js-yaml index the benchmark serves', () => {
    const entries: Record<string, unknown[]> = {};
    for (let n = 0; n < 30; n++) {
      entries[`chart-${n}`] = Array.from({ length: 12 }, (_, v) => ({
        apiVersion: 'v2', name: `chart-${n}`, version: `${v}.0.${n % 3}`, appVersion: `${v}.0`, description: `A chart: number ${n} — "quoted" it's`,
        created: '2024-01-01T00:00:00Z', digest: `${n}${v}`.padEnd(64, 'a'), urls: [`https://charts.example.com/chart-${n}-${v}.tgz`],
        keywords: ['bench', 'yes', '1.0'], maintainers: [{ name: 'Bench', email: 'bench@example.com' }], deprecated: v % 5 === 0,
      }));
    }
    expect(check(jsyaml.dump({ apiVersion: 'v1', entries, generated: '2024-01-01T00:00:00Z' }, { lineWidth: -1, noRefs: true }))).toBe('fast');
  });
});
