import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadYamlReference, readBlockYaml } from '../../core/yaml.js';
import { rng } from './rng.js';

/*
 * Differential checks of the one-pass block YAML reader (core/yaml-block.ts) against js-yaml with Helm's
 * schema (and the thorough parser behind it): the block reader may only accept a text those read without
 * error, to the same data (same types: 1 is not "1", true is not "true").
 */

/** 'fast' when the block reader took the text (and agreed), 'slow' when it declined; throws on a disagreement. */
export function checkBlock(text: string): 'fast' | 'slow' {
  const mine = readBlockYaml(text);
  if (!mine) return 'slow';
  let reference: unknown;
  try {
    reference = loadYamlReference(text, 'x.yaml');
  } catch (e) {
    throw new Error(`the block reader accepted a text the full parsers refuse (${(e as Error).message}):\n${text}`);
  }
  if (!isDeepStrictEqual(mine.value, reference)) {
    throw new Error(`the block reader read ${JSON.stringify(mine.value)} where the full parsers read ${JSON.stringify(reference)}:\n${text}`);
  }
  return 'fast';
}

/** Small edits of a text, each of which may make it invalid or change its meaning. */
export function blockMutations(text: string, count: number, seed: number): string[] {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const lines = text.split('\n');
  const edits: ((l: string) => string)[] = [
    (l) => ` ${l}`,
    (l) => `  ${l}`,
    (l) => l.replace(/^ /, ''),
    (l) => l.replace(/^  /, ''),
    (l) => `${l}:`,
    (l) => `${l}: x`,
    (l) => l.replace(/: /, ':'),
    (l) => l.replace(/:$/, ': '),
    (l) => l.replace(/"/, ''),
    (l) => l.replace(/'/, ''),
    (l) => `- ${l}`,
    (l) => l.replace(/^(\s*)- /, '$1'),
    (l) => `${l} #`,
    (l) => `${l} # c`,
    (l) => `${l}#`,
    (l) => `${l}   `,
    (l) => l.replace(/[a-z]/, pick(['&', '*', '!', '%', '@', '`', '?', ':', '-', '>', '|', '#', '"', "'", '[', '{', ',', '\\', '<<'])),
    (l) => l.replace(/: .*$/, `: ${pick(VALUES)}`),
    (l) => l.replace(/^(\s*)[^\s:]+:/, `$1${pick(KEYS)}:`),
    (l) => `${l} |`,
    (l) => `${l} |-`,
    (l) => `${l} >`,
    (l) => l.trim(),
    () => '',
    () => '---',
    (l) => l.replace(/\S.*$/, ''),
  ];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const i = Math.floor(random() * lines.length);
    const copy = [...lines];
    if (random() < 0.1) copy.splice(i, 0, lines[i]);
    else copy[i] = pick(edits)(lines[i]);
    if (random() < 0.3) {
      const j = Math.floor(random() * lines.length);
      copy[j] = pick(edits)(copy[j] ?? '');
    }
    out.push(copy.join('\n'));
  }
  return out;
}

/** Scalars whose meaning differs by a character: YAML 1.1 words, numbers in every base, quoted look-alikes. */
export const VALUES = [
  'x', 'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'False', 'null', 'Null', '~', '', '0', '-0', '+1', '012', '0o17', '0x1F', '0b101',
  '1_000', '1.5', '-.5', '1e3', '1.0e+3', '.inf', '-.Inf', '.NaN', '.nan', '1:20', '2024-01-01', '"yes"', "'012'", '"a # b"', "'it''s'",
  '""', "''", 'a b c', 'a #b', 'a#b', 'http://x.io:80/p?q=1#f', '[]', '{}', '[a, b]', '[1, "2", yes]', '{a: 1, b: x}', '{"a": b}',
  "['ALL']", '[a, ]', '[a b, c]', '{a: [1]}', '-x', '- x', '--', '-', '@x', '`x`', '%x', 'a: b', 'a:b', 'a:', 'x,y', '<<', '"\\n"',
  '"a', "'a", 'a "b" c', '|', '|-', '|+', '>', '>-', '|2', '&a x', '*a', '!!str 1', '? x', ': x', '__proto__', 'a\u00e9b', 'ü', '#x',
] as const;

const KEYS = ['a', 'b', 'name', 'yes', 'on', 'null', '1', '0x1', '1.5', '"q"', "'s'", '"yes"', '__proto__', '"__proto__"', 'a.b/c-d', 'a b', '-a', 'x_1', '<<', '~'] as const;

/** A random document in (and around) the block style: nested mappings and sequences of the scalars above. */
export function randomDocument(random: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const out: string[] = [];
  const simpleKeys = ['a', 'b', 'c', 'name', 'image', 'tag', 'x_1', 'a.b/c-d', '"q"', "'s'", 'enabled', 'port'];
  const mapping = (indent: string, depth: number, first: string | undefined) => {
    const n = 1 + Math.floor(random() * 4);
    const used = new Set<string>();
    for (let k = 0; k < n; k++) {
      let key = random() < 0.05 ? pick(KEYS) : pick(simpleKeys);
      if (used.has(key) && random() < 0.9) continue;
      used.add(key);
      const lead = k === 0 && first !== undefined ? first : indent;
      node(lead, `${key}:`, indent, depth);
      if (random() < 0.05) out.push(`${indent}# a comment`);
      if (random() < 0.03) out.push('');
      key = '';
    }
  };
  const node = (lead: string, head: string, indent: string, depth: number) => {
    const r = random();
    if (depth < 4 && r < 0.25) {
      out.push(`${lead}${head}`);
      mapping(`${indent}  `, depth + 1, undefined);
    } else if (depth < 4 && r < 0.4) {
      out.push(`${lead}${head}`);
      const inner = random() < 0.5 ? indent : `${indent}  `;
      const n = 1 + Math.floor(random() * 3);
      for (let i = 0; i < n; i++) {
        if (random() < 0.4) mapping(`${inner}  `, depth + 1, `${inner}- `);
        else out.push(`${inner}- ${pick(VALUES)}`);
      }
    } else if (r < 0.47) {
      out.push(`${lead}${head} ${pick(['|', '|-', '|+', '>'])}`);
      const n = 1 + Math.floor(random() * 3);
      for (let i = 0; i < n; i++) out.push(random() < 0.15 ? '' : `${indent}  ${pick(['line', 'two words', '  deeper', '# not a comment', 'a: b'])}`);
    } else {
      out.push(`${lead}${head} ${pick(VALUES)}${random() < 0.1 ? ' # note' : ''}`);
    }
  };
  if (random() < 0.1) out.push('---');
  mapping('', 0, undefined);
  return `${out.join('\n')}${random() < 0.9 ? '\n' : ''}`;
}

/** Every `.yaml` and `.yml` file under a folder. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}
