import { describe, expect, it } from '@jest/globals';
import { quickChartMetadata, scanChartYaml } from '../../core/repo/chart-yaml-scan.js';
import { parseChartMetadata } from '../../core/chart/metadata.js';
import { loadYaml } from '../../core/yaml.js';

/**
 * The quick reader may only accept a Chart.yaml that the full parser reads to the same object, and that
 * parseChartMetadata accepts unchanged. Checked on hand-written variants and on every one-character
 * mutation (deleted, replaced by a YAML-significant character) of them.
 */
const SAMPLES = [
  `apiVersion: v2
name: web
description: A Helm chart for Kubernetes
type: application
version: 0.1.0
appVersion: "1.16.0"
`,
  `# comment
apiVersion: v2
name: cert-manager
version: v1.14.2
appVersion: v1.14.2
description: A Helm chart for cert-manager
home: https://cert-manager.io
icon: https://raw.githubusercontent.com/cert-manager/community/4d35a69437d21b76322157e6284be4cd64e6d2b7/logo/logo-small.png
keywords:
  - cert-manager
  - kube-lego
  - letsencrypt
  - tls
sources:
  - https://github.com/cert-manager/cert-manager
maintainers:
  - name: cert-manager-maintainers
    email: cert-manager-maintainers@googlegroups.com
    url: https://cert-manager.io
annotations:
  artifacthub.io/category: security
  artifacthub.io/license: Apache-2.0
`,
  `apiVersion: v1
name: zero-indent
version: 1.2.3-rc.1+build.5
keywords:
- a
- 'b c'
maintainers:
- email: x@example.com
  name: X Y
- name: Z
extra: thing
`,
  `apiVersion: v2
name: odd
version: 1.0.0
description: it's "quoted", (really) a=b, c/d @e +f
home:   http://example.com:8080/x   

annotations:
    # indented comment
    a: b
`,
  `apiVersion: v2\nname: c\nversion: 1.0.0\nappVersion: 1.16\n`,
  `apiVersion: v2\nname: c\nversion: 1.0.0\ndeprecated: true\n`,
  `apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n  - name: d\n    version: ^1.0.0\n`,
  `apiVersion: v2\nname: c\nversion: 1.0.0\ndescription: |\n  multi\n  line\n`,
  `apiVersion: v2\nname: c\nversion: 1.0.0\nkeywords: [a, b]\n`,
  `apiVersion: v2\nname: c\nversion: 1.0.0\ndescription: yes\n`,
  `apiVersion: v2\nname: c\nversion: 1.0.0\nname: d\n`,
  `apiVersion: v2\nname: c\nversion: 1.0\n`,
  `apiVersion: v3\nname: c\nversion: 1.0.0\n`,
  `apiVersion: v2\nname: c\nversion: 1.0.0\ndescription: a\n  continued\n`,
  `apiVersion: v2\nname: c\nversion: 1.0.0\nmaintainers:\n  - name: a\n    email: not-an-email\n`,
  `apiVersion: v2\nname: &n c\nversion: 1.0.0\n`,
  `apiVersion: v2\nname: c\nversion: 1.0.0\nannotations:\n  'quoted': "value"\n`,
  `apiVersion: v2\r\nname: c\r\nversion: 1.0.0\r\n`,
];

const SIGNIFICANT = [' ', ':', '-', '#', '"', "'", '\n', '|', '>', '[', '{', '&', '*', '!', '%', '@', '`', '1', 'y', '\\', ','];

function mutations(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    out.push(text.slice(0, i) + text.slice(i + 1));
    for (const c of SIGNIFICANT) out.push(text.slice(0, i) + c + text.slice(i + 1));
  }
  return out;
}

/** What the full path gives: the metadata object and whether it came out unchanged from the parsed YAML. */
function full(text: string): { ok: true; md: unknown } | { ok: false } {
  let parsed: unknown;
  try {
    parsed = structuredClone(loadYaml(text, 'Chart.yaml'));
  } catch {
    return { ok: false };
  }
  try {
    const { metadata } = parseChartMetadata(text, 'Chart.yaml');
    return { ok: true, md: { parsed, metadata: JSON.parse(JSON.stringify(metadata)) } };
  } catch {
    return { ok: false };
  }
}

function check(text: string): 'quick' | 'fallback' {
  const quick = quickChartMetadata(text);
  if (!quick) return 'fallback';
  const f = full(text);
  // Whatever the quick reader accepts, the full path accepts, to the same object, without changing it.
  expect(f.ok).toBe(true);
  if (f.ok) expect({ parsed: quick, metadata: quick }).toEqual(f.md);
  return 'quick';
}

describe('quickChartMetadata', () => {
  it('reads the usual shapes and leaves the rest to parseChartMetadata', () => {
    expect(SAMPLES.map(check)).toEqual([...Array(4).fill('quick'), ...Array(SAMPLES.length - 4).fill('fallback')]);
    expect(scanChartYaml(SAMPLES[2])).toEqual({
      apiVersion: 'v1', name: 'zero-indent', version: '1.2.3-rc.1+build.5', keywords: ['a', 'b c'],
      maintainers: [{ email: 'x@example.com', name: 'X Y' }, { name: 'Z' }], extra: 'thing',
    });
  });

  it('never accepts a mutation the full parser reads differently', () => {
    let quick = 0;
    let total = 0;
    for (const s of SAMPLES.slice(0, 4)) {
      for (const m of mutations(s)) {
        total++;
        if (check(m) === 'quick') quick++;
      }
    }
    // The mutations must exercise both paths.
    expect(quick).toBeGreaterThan(total / 20);
    expect(quick).toBeLessThan(total);
  });
});
