import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JSON_INPUTS, nestedKey, SEQUENCE_INPUTS, SET_INPUTS } from '../fixtures/strvals-inputs.js';
import { collectUserValues } from '../../core/values/layers.js';
import { HELM_BIN } from '../support/helm.js';
import { tempDir } from '../support/tmp.js';

/**
 * Every input of helm's own `--set` parser tests (test/fixtures/strvals-inputs.ts), given with each flag of the
 * family to the real `helm template` of a one-template chart that prints its values as JSON, and to Chartroom's
 * values layering (in-process: a few hundred CLI starts would take most of a minute; the chart has no defaults,
 * so its rendered values are the user values): both must succeed with the same values, or both fail.
 */

const run = promisify(execFile);
const FLAGS = ['--set', '--set-string', '--set-literal'];

interface Case {
  label: string;
  args: string[];
  /** A values file to give first (`-f`), as YAML. */
  start?: string;
}

interface Outcome {
  ok: boolean;
  values?: unknown;
  error: string;
}

/**
 * Where Chartroom refuses what helm accepts while ignoring it: a value under an empty key (`=1`, `.a=x`, `[0]=x`),
 * which helm drops without a word, is surely a typing mistake. Nothing else may differ. Each entry gives the reason
 * and the flags that mean what helm made of the input (helm's values must equal Chartroom's for those), and
 * Chartroom's error must name the flag and the expression.
 */
const IGNORED_BY_HELM: { input: string; flags: string[]; reduced: (flag: string) => string[]; reason: string }[] = [
  { input: '=1', flags: [...FLAGS, '--set-json'], reduced: () => [], reason: 'helm drops a value under an empty key' },
  { input: 'a=1,=2', flags: ['--set', '--set-string', '--set-json'], reduced: (flag) => [flag, 'a=1'], reason: 'helm drops the second value, under an empty key' },
  { input: '.a=x', flags: FLAGS, reduced: () => [], reason: 'helm drops the map under an empty key' },
  { input: '[0]=x', flags: FLAGS, reduced: () => [], reason: 'helm drops the list under an empty key' },
  { input: 'a[0].=x', flags: FLAGS, reduced: () => ['--set-json', 'a=[{}]'], reason: 'helm drops the value under an empty key, leaving an empty map in the list' },
];
const STRICTER = new Map<string, (typeof IGNORED_BY_HELM)[number]>(IGNORED_BY_HELM.flatMap((c) => c.flags.map((flag) => [`${flag} ${c.input}`, c] as const)));

// A few inputs of our own around the same edges: the nesting limit, keys of the wrong kind, indexes Atoi reads.
const OUR_INPUTS = [`${nestedKey(31)}=value`, 'a=1,a.b=2', 'a=x,a[0]=y', 'a[0]=x,a[0][1]=y', 'a[0]=x,a[0].b=y', 'a.b=1,a[0]=2', 'a[70000]', 'a[1].b=', 'a[0][0]', 'a[+1]=x', 'a[ 1]=x', 'a[99999999999999999999]', 'a]b=c', 'a..b=c', 'a.', 'a.b.=1', 'big=9223372036854775807,bigger=9223372036854775808,small=-9223372036854775808,smaller=-9223372036854775809,plus=+7'];

const cases: Case[] = [
  // --set-json too: most of these are not JSON, and both must refuse them alike
  ...[...SET_INPUTS, ...JSON_INPUTS, ...OUR_INPUTS].flatMap((input) => [...FLAGS, '--set-json'].map((flag) => ({ label: `${flag} ${input}`, args: [flag, input] }))),
  ...[...STRICTER.keys()].map((label) => ({ label, args: [label.slice(0, label.indexOf(' ')), label.slice(label.indexOf(' ') + 1)] })),
  ...SEQUENCE_INPUTS.flatMap((seq) =>
    FLAGS.map((flag) => ({ label: `${seq.start ? `-f ${JSON.stringify(seq.start.trim())} ` : ''}${seq.exprs.map((e) => `${flag} ${e}`).join(' ')}`, start: seq.start, args: seq.exprs.flatMap((e) => [flag, e]) })),
  ),
  // helm refuses to set below a key that a values file sets to null
  { label: '-f "a: null" --set a.b=1', start: 'a: null\n', args: ['--set', 'a.b=1'] },
  { label: '--set-json {"a":{"b":null}} --set-json a.c=1', args: ['--set-json', '{"a":{"b":null}}', '--set-json', 'a.c=1'] },
];

function parseOutput(stdout: string): unknown {
  const m = /^v: (.*)$/m.exec(stdout);
  if (!m) throw new Error(`no values line in:\n${stdout}`);
  return JSON.parse(m[1]);
}

async function helmTemplate(dir: string, args: string[]): Promise<Outcome> {
  const home = join(dir, 'helm-home');
  try {
    const { stdout } = await run(HELM_BIN, ['template', 'rel', join(dir, 'chart'), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: home, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') },
    });
    return { ok: true, values: parseOutput(stdout), error: '' };
  } catch (e) {
    return { ok: false, error: (e as { stderr?: string }).stderr ?? String(e) };
  }
}

/** The same flags through Chartroom's layering, as `chart template` applies them. */
function chartroomValues(args: string[]): Outcome {
  const opts = { valueFiles: [] as string[], set: [] as string[], setString: [] as string[], setJson: [] as string[], setLiteral: [] as string[] };
  const by: Record<string, string[]> = { '-f': opts.valueFiles, '--set': opts.set, '--set-string': opts.setString, '--set-json': opts.setJson, '--set-literal': opts.setLiteral };
  for (let i = 0; i < args.length; i += 2) by[args[i]].push(args[i + 1]);
  try {
    // A JSON round trip, as the template's toJson would print them.
    return { ok: true, values: JSON.parse(JSON.stringify(collectUserValues(opts).values)), error: '' };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

describe('the --set family parses helm parser tests\u2019 inputs as helm does', () => {
  const tmp = tempDir();
  const results = new Map<string, { helm: Outcome; ours: Outcome }>();

  beforeAll(async () => {
    mkdirSync(join(tmp.dir, 'chart', 'templates'), { recursive: true });
    writeFileSync(join(tmp.dir, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: strvals\nversion: 1.0.0\n');
    writeFileSync(join(tmp.dir, 'chart', 'templates', 'values.yaml'), 'v: {{ toJson .Values }}\n');
    await pool(cases, 4, async (c, i) => {
      const args = [...c.args];
      if (c.start !== undefined) {
        const file = join(tmp.dir, `start-${i}.yaml`);
        writeFileSync(file, c.start);
        args.unshift('-f', file);
      }
      results.set(c.label, { helm: await helmTemplate(tmp.dir, args), ours: chartroomValues(args) });
    });
  }, 120_000);
  afterAll(() => tmp.cleanup());

  it('has inputs from both of helm\u2019s parser tables and ours', () => {
    expect(SET_INPUTS.length).toBeGreaterThan(60);
    expect(new Set(cases.map((c) => c.label)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.label]))('%s', (label) => {
    const { helm, ours } = results.get(label)!;
    expect(helm.error).not.toMatch(/no values line|ENOENT/);
    const stricter = STRICTER.get(label);
    if (stricter) {
      const flag = label.slice(0, label.indexOf(' '));
      expect(helm.ok).toBe(true);
      expect(helm.values).toEqual(chartroomValues(stricter.reduced(flag)).values);
      expect(ours.ok).toBe(false);
      expect(ours.error).toContain(`${flag} ${JSON.stringify(stricter.input)}: a key is empty`);
      return;
    }
    if (helm.ok) {
      expect(ours.error).toBe('');
      expect(ours.values).toEqual(helm.values);
    } else {
      expect({ ok: ours.ok, values: ours.values }).toEqual({ ok: false, values: undefined });
      // Chartroom's refusal names the flag and the expression, as a parse error should.
      expect(ours.error).toMatch(/^--set[a-z-]* ".*": ./s);
    }
  });
});
