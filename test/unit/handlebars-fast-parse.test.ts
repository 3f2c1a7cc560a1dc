import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'handlebars/dist/cjs/handlebars/compiler/base.js';
import { fastParse } from '../../template-engine/handlebars/fast-parse.js';
import { compactNode } from '../../template-engine/handlebars/compile.js';
import { SCAFFOLD } from '../../core/scaffold/files.js';
import { locStart } from '../../template-engine/handlebars/syntax.js';

/** Handlebars' own tree, as the cache stores it, or undefined when its parser throws. */
function reference(source: string): string | undefined {
  try {
    return JSON.stringify(parse(source, { ignoreStandalone: true }), compactNode);
  } catch {
    return undefined;
  }
}

function ours(source: string): string | undefined {
  const tree = fastParse(source);
  return tree ? JSON.stringify(tree, compactNode) : undefined;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Templates of the repository's Handlebars charts (charts/*, with their subcharts). */
function chartTemplates(): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (chartDir: string) => {
    const chartYaml = join(chartDir, 'Chart.yaml');
    let meta: string;
    try {
      meta = readFileSync(chartYaml, 'utf8');
    } catch {
      return;
    }
    const templates = join(chartDir, 'templates');
    if (/^engine:\s*handlebars\s*$/m.test(meta)) {
      try {
        for (const f of filesUnder(templates)) out.set(f, readFileSync(f, 'utf8'));
      } catch {
        // no templates folder
      }
    }
    try {
      for (const sub of readdirSync(join(chartDir, 'charts'))) visit(join(chartDir, 'charts', sub));
    } catch {
      // no subcharts
    }
  };
  for (const name of readdirSync('charts')) visit(join('charts', name));
  return out;
}

function scaffoldTemplates(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, text] of Object.entries(SCAFFOLD)) if (name.startsWith('templates/')) out.set(`scaffold/${name}`, text.replaceAll('<CHARTNAME>', 'scaf'));
  return out;
}

const charts = chartTemplates();
const scaffold = scaffoldTemplates();
const common = new Map([...charts].filter(([f]) => /^charts\/(webapp|shop)\//.test(f)).concat([...scaffold]));

/** Hand-written cases over every construct the parser takes on, and some it must leave to Handlebars. */
const CASES = [
  '',
  'plain text only\nsecond line',
  '{{a}}',
  'x {{a.b.c}} y {{this}} {{.}} {{this.x}} {{../x}} {{../../x.y}} {{./x}} {{a/b}}',
  '{{@index}} {{@root.Values.x}} {{@ key}}',
  '{{a.[b c].[d]}} {{[x]}} {{[]}} {{a.[this]}}',
  '{{f "s" \'t\' 1 -2 3.5 true false null undefined}}',
  '{{f (g 1 (h x)) k=v k2="s" k3=(i j)}}',
  '{{{raw}}} {{& amp}} {{~{ a }~}} {{~& b ~}}',
  '{{!c}} {{!-- long }} comment --}} {{~! t ~}} {{~!-- u --~}} {{!x--}}',
  '  {{~a~}}  \n  {{b~}}\n\n{{~c}}\t',
  '{{#if a}}x{{else}}y{{/if}}',
  '{{#if a}}x{{^}}y{{/if}}',
  '{{#if a}} x {{~else if b~}} y {{~else if c~}} z {{~else~}} w {{~/if}}',
  '{{#if a}}x{{else if b}} y {{~else~}} z {{~/if}}',
  '{{#if a}}{{else if b}}{{/if}}',
  '{{^a}}n{{/a}} {{^a}}n{{else}}m{{/a}}',
  '{{#each xs as |x i|}}{{x}}{{i}}{{/each}} {{#with a as | b |}}{{b}}{{/with}}',
  '{{#  each  xs  }}\n  {{~ this ~}}\n{{~/  each  }}',
  'line1\r\nline2 {{a}}\r\n{{#if b}}\r\n  c\r\n{{/if}}',
  '{{a}}\n  {{#if x~}}\n    y\n  {{~/if}}\n',
  '{{true}} {{1}} {{"s"}} {{null}}',
  '{{a.}} {{-x}} {{a-b}} {{a?}} {{$x}} {{a:b}} {{héllo}}',
  '{{elsewhere}} {{else_x}} {{elsex y}}',
  // Left to Handlebars: partials, decorators, raw blocks, escapes, errors.
  '{{> partial}}',
  '{{#> layout}}x{{/layout}}',
  '{{* deco}}',
  '{{{{raw}}}} {{x}} {{{{/raw}}}}',
  '\\{{escaped}}',
  '{{f "a\\"b"}}',
  '{{#if a}}x{{/unless}}',
  '{{#if a}}x',
  '{{/if}}',
  '{{else}}',
  '{{a}}}',
  '{{a',
  '{{a.this}}',
  '{{(a b)}}',
  '{{a k=v x}}',
  '{{a as |x|}}',
  'a\rb{{c}}',
  '{{1.5.3}}',
  '{{else-x}}',
];

describe('fastParse gives Handlebars\' tree or nothing', () => {
  it('finds the templates it is checked on', () => {
    expect([...charts.keys()].some((f) => f.startsWith('charts/webapp/'))).toBe(true);
    expect([...charts.keys()].some((f) => f.startsWith('charts/shop/'))).toBe(true);
    expect(scaffold.size).toBeGreaterThan(5);
  });

  it('parses every Handlebars template of the repository as Handlebars does', () => {
    for (const [file, source] of [...charts, ...scaffold]) {
      const got = ours(source);
      if (got !== undefined) expect({ file, tree: got }).toEqual({ file, tree: reference(source) });
    }
  });

  it('takes on all templates of webapp, shop and the scaffold itself', () => {
    for (const [file, source] of common) expect({ file, parsed: fastParse(source) !== undefined }).toEqual({ file, parsed: true });
  });

  it('agrees on hand-written cases, and leaves errors to Handlebars', () => {
    for (const source of CASES) {
      const want = reference(source);
      const got = ours(source);
      if (want === undefined) expect({ source, got }).toEqual({ source, got: undefined });
      else if (got !== undefined) expect({ source, got }).toEqual({ source, got: want });
    }
    // The common constructs are taken on, not left.
    for (const source of CASES.slice(0, 24)) expect({ source, parsed: fastParse(source) !== undefined }).toEqual({ source, parsed: true });
  });

  it('computes whitespace control and locations exactly', () => {
    const tree = fastParse('a \n {{~x~}} \n b{{#if y~}}  c  {{~else~}} d {{~/if}}') as unknown as { body: Array<Record<string, any>> };
    expect(tree.body[0].value).toBe('a');
    expect(tree.body[2].value).toBe('b');
    expect(locStart(tree.body[1].loc)).toEqual({ line: 2, column: 1 });
    expect(tree.body[3].program.body[0].value).toBe('c');
    expect(tree.body[3].inverse.body[0].value).toBe('d');
    expect(JSON.stringify(tree, compactNode)).toBe(reference('a \n {{~x~}} \n b{{#if y~}}  c  {{~else~}} d {{~/if}}'));
  });

  it('never gives a different tree on mutated templates, and gives up wherever Handlebars throws', () => {
    const INSERTS = ['{', '}', '~', '#', '/', '^', '!', '"', "'", '(', ')', '=', '|', '.', '@', '[', ']', '\n', ' ', '{{', '}}', 'else '];
    let state = 12345;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    let checked = 0;
    let taken = 0;
    const failures: string[] = [];
    const check = (source: string) => {
      checked++;
      const want = reference(source);
      const got = ours(source);
      if (got !== undefined) taken++;
      if (got !== undefined && got !== want) failures.push(source);
    };
    for (const source of common.values()) {
      // Single-character deletions: every one inside or beside a tag, one in eight elsewhere.
      let inTag = false;
      for (let i = 0; i < source.length; i++) {
        if (source.startsWith('{{', i)) inTag = true;
        if (inTag || i % 8 === 0) check(source.slice(0, i) + source.slice(i + 1));
        if (i > 0 && source.startsWith('}}', i - 1)) inTag = false;
      }
      // Insertions at sampled positions, most of them near tags, where the syntax is.
      const tagPositions: number[] = [];
      for (let i = 0; i < source.length; i++) if (source[i] === '{' || source[i] === '}' || source[i] === '~') tagPositions.push(i);
      const samples = Math.min(40, tagPositions.length);
      for (let k = 0; k < samples; k++) {
        const near = tagPositions[Math.floor(random() * tagPositions.length)] + Math.floor(random() * 7) - 3;
        const at = Math.max(0, Math.min(source.length, near));
        for (const c of INSERTS) check(source.slice(0, at) + c + source.slice(at));
      }
    }
    expect(failures.slice(0, 3)).toEqual([]);
    expect(checked).toBeGreaterThan(10000);
    expect(taken).toBeGreaterThan(checked / 10);
  }, 120_000);

  it('agrees on random soups of Handlebars tokens', () => {
    const PIECES = ['{{', '}}', '{{~', '~}}', '{{#if ', '{{/if}}', '{{~/if~}}', '{{else}}', '{{~else~}}', '{{else if ', '{{~ else if ', '{{^}}', '{{^x}}', '{{/x}}', '{{#each ', '{{/each}}', ' as |a b|', ' as |', '|', '{{{', '}}}', '}~}}', '{{&', '{{!', '{{!--', '--}}', '--~}}', ' ', '\n', '\r\n', '\t', 'a', 'b.c', '../d', 'this', '.', '..', '/', '@index', '@root.x', '[q r]', '[', ']', '"s"', "'t'", '"', '1', '-2', '3.5', 'true', 'null', 'undefined', '(', ')', '(f x)', 'k=', '=', 'v', 'text ', 'else', '~', '#', '^', 'as', '-', '{', '}', '\u00a0', 'é', '\\'];
    let state = 7;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    let valid = 0;
    let taken = 0;
    const failures: string[] = [];
    for (let k = 0; k < 40_000; k++) {
      let source = '';
      for (let i = 1 + Math.floor(random() * 10); i > 0; i--) source += PIECES[Math.floor(random() * PIECES.length)];
      const want = reference(source);
      const got = ours(source);
      if (want !== undefined) valid++;
      if (got !== undefined) taken++;
      if (got !== undefined && got !== want) failures.push(source);
    }
    expect(failures.slice(0, 3)).toEqual([]);
    // Most of what Handlebars accepts is taken on, not left.
    expect(valid).toBeGreaterThan(5000);
    expect(taken).toBeGreaterThan(valid * 0.9);
  });

  it('takes linear time', () => {
    const unit = '{{#if a.b}}\n  name: {{include "x.y" this}} {{~x~}}\n{{else}}{{!c}}{{/if}}\n';
    const small = unit.repeat(Math.ceil(50_000 / unit.length));
    const large = unit.repeat(Math.ceil(1_000_000 / unit.length));
    const time = (s: string) => {
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const t = process.hrtime.bigint();
        expect(fastParse(s)).toBeDefined();
        best = Math.min(best, Number(process.hrtime.bigint() - t));
      }
      return best;
    };
    time(small);
    const ratio = time(large) / time(small);
    // Twenty times the input: linear is about 20 (up to 4-5 times that under a busy CI machine's garbage
    // collection of the large tree); quadratic would be about 400.
    expect(ratio).toBeLessThan(150);
  }, 60_000);
});
