import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { renderString } from '../../template-engine/handlebars/engine.js';
import { BLOCK_HELPERS, BUILTIN_HELPERS, HELPERS } from '../../template-engine/handlebars/helpers/index.js';

const doc = readFileSync('docs/templates.md', 'utf8');
const context = parse(/```yaml example-context\n([\s\S]*?)```/.exec(doc)![1]);
const NOW = new Date('2024-05-01T10:20:30Z');

interface Example {
  helper: string;
  template: string;
  expected: string;
}

function examples(): Example[] {
  const out: Example[] = [];
  let helper = '';
  for (const line of doc.split('\n')) {
    const h = /^### (\S+)$/.exec(line);
    if (h) helper = h[1];
    const m = /^- `(.+)` → `(.*)`$/.exec(line);
    if (m && helper) out.push({ helper, template: m[1].replace(/\\n/g, '\n'), expected: m[2].replace(/\\n/g, '\n') });
  }
  return out;
}

describe('docs/templates.md', () => {
  const all = examples();

  it('documents every helper with at least one example', () => {
    const documented = new Set(all.map((e) => e.helper));
    const names = [...Object.keys(HELPERS), ...BLOCK_HELPERS, ...BUILTIN_HELPERS];
    expect(names.filter((n) => !documented.has(n))).toEqual([]);
    expect([...documented].filter((n) => !names.includes(n))).toEqual([]);
  });

  it.each(all.map((e) => [e.helper, e.template, e.expected]))('%s: %s', (_h, template, expected) => {
    expect(renderString(template, context, { now: () => NOW })).toBe(expected);
  });
});
