import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUILTIN_FUNCS, parse } from '../../template-engine/go/parse/parser.js';
import { quickParse } from '../../template-engine/go/parse/quick-parser.js';
import { rng } from '../support/rng.js';

// quick-parser.ts reads the usual templates a whole action at a time and gives up on anything else. Where it
// answers, its tree must be the full parser's, node for node and position for position (with the defines in
// the same order); where the full parser fails, it must give up.

/** Public Helm charts kept beside the project (never copied into it): ../shared/corpus, or CHARTROOM_CORPUS_DIR. */
const CORPUS = process.env.CHARTROOM_CORPUS_DIR ?? resolve(process.cwd(), '..', 'shared', 'corpus');

function templatesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return templatesUnder(p);
    return /\.(ya?ml|tpl|txt|json)$/.test(name) ? [readFileSync(p, 'utf8')] : [];
  });
}

const anyFunc = () => true;
/** A few of Helm's functions: other names are unknown, and a template calling one does not parse. */
const SOME_FUNCS = new Set(['include', 'default', 'quote', 'toYaml', 'nindent', 'indent', 'trunc', 'trimSuffix', 'tpl', 'required', 'list', 'dict']);
const someFuncs = (n: string) => BUILTIN_FUNCS.has(n) || SOME_FUNCS.has(n);

/**
 * 'quick' when the quick parser answered (with the full parser's tree), 'full' when it gave up on a template
 * the full parser reads, 'error' when the full parser failed (and the quick parser gave up).
 */
function check(text: string, known: (n: string) => boolean = anyFunc, comments = true): 'quick' | 'full' | 'error' {
  let full: ReturnType<typeof parse> | undefined;
  try {
    full = parse('chart/templates/t.yaml', text, { funcs: known, comments, noQuick: true });
  } catch {
    full = undefined;
  }
  const quick = quickParse('chart/templates/t.yaml', text, known, comments);
  if (full === undefined) {
    expect({ text, quick }).toEqual({ text, quick: undefined });
    return 'error';
  }
  if (quick === undefined) return 'full';
  expect({ text, tree: quick }).toStrictEqual({ text, tree: full });
  expect([...quick.defines.keys()]).toEqual([...full.defines.keys()]);
  return 'quick';
}

const PIECES = [
  '{{', '}}', '{{-', '-}}', '{{- ', ' -}}', ' ', '  ', '\t', '\n', '\r\n', '.', '.Values', '.a.b', '$', '$x', '$x.y', '$1', 'x', 'if', 'else', 'end', 'range', 'with',
  'define', 'template', 'block', 'break', 'continue', 'true', 'false', 'nil', 'include', 'quote', 'nope', '"s"', '"a\\"b"', '"\\n"', '"\\q"', '"unterminated', '`raw`',
  '`r\r`', "'c'", '(', ')', '|', '=', ':=', ':', ',', '0', '12', '0x1F', '1.5', '1e3', '-1', '+2', '07', '9223372036854775808', 'é', '.ünï', '😀', '/*', '*/',
  '{{/* c */}}', '{{- /* c */ -}}', '{{end}}', '{{ else }}', '{{else if .x}}', '{{ else with .y }}', '{{if .a}}', '{{range $i, $v := .l}}', '{{with .w}}',
  '{{ $x := 1 }}', '{{ $x = 2 }}', '{{define "d"}}', '{{template "d" .}}', '{{ (.a).b }}', '{{ include "x" . | nindent 4 }}', '#', '-', '}', '{', '\\', '"', '`', '@', '\u0000',
];

describe('the quick Go-template parser gives the full parser’s trees', () => {
  const repository = [...templatesUnder(join(process.cwd(), 'charts')), ...templatesUnder(join(process.cwd(), 'test', 'fixtures'))].filter((t) => t.includes('{{'));

  it('on every template in the repository and the corpus, and answers for nearly all of them', () => {
    if (!existsSync(CORPUS)) throw new Error(`the chart corpus is not at ${CORPUS}: put ../shared/corpus beside the checkout, or set CHARTROOM_CORPUS_DIR`);
    const corpus = templatesUnder(CORPUS).filter((t) => t.includes('{{'));
    expect(corpus.length).toBeGreaterThan(100);
    const all = [...repository, ...corpus];
    const counts = { quick: 0, full: 0, error: 0 };
    for (const text of all) counts[check(text)]++;
    // Real charts are written in the forms the quick parser reads (the errors are Handlebars templates).
    expect(counts.quick).toBeGreaterThan(150);
    expect(counts.quick / (counts.quick + counts.full)).toBeGreaterThan(0.95);
  });

  it('with comments dropped, and with functions that are not known', () => {
    const counts = { quick: 0, full: 0, error: 0 };
    for (const text of repository) {
      counts[check(text, anyFunc, false)]++;
      counts[check(text, someFuncs)]++;
    }
    expect(counts.quick).toBeGreaterThan(10);
    expect(counts.error).toBeGreaterThan(10);
  });

  it('on templates with one character removed, doubled or replaced by a piece of template', () => {
    if (!existsSync(CORPUS)) throw new Error(`the chart corpus is not at ${CORPUS}: put ../shared/corpus beside the checkout, or set CHARTROOM_CORPUS_DIR`);
    const next = rng(1234);
    const counts = { quick: 0, full: 0, error: 0 };
    const texts = [...repository, ...templatesUnder(CORPUS)].filter((t) => t.includes('{{') && check(t) === 'quick');
    expect(texts.length).toBeGreaterThan(100);
    for (const text of texts) {
      for (let k = 0; k < 8; k++) {
        const at = Math.floor(next() * text.length);
        const piece = PIECES[Math.floor(next() * PIECES.length)];
        for (const v of [text.slice(0, at) + text.slice(at + 1), text.slice(0, at) + text[at] + text.slice(at), text.slice(0, at) + piece + text.slice(at + 1)]) counts[check(v, next() < 0.5 ? anyFunc : someFuncs)]++;
      }
    }
    expect(counts.quick).toBeGreaterThan(2000);
    expect(counts.error).toBeGreaterThan(1000);
  });

  it('on random soups of template pieces', () => {
    const next = rng(99);
    const counts = { quick: 0, full: 0, error: 0 };
    for (let k = 0; k < 6000; k++) {
      let text = '';
      const n = 1 + Math.floor(next() * 12);
      for (let i = 0; i < n; i++) text += PIECES[Math.floor(next() * PIECES.length)];
      counts[check(next() < 0.6 ? `{{${text}}}` : text, next() < 0.5 ? anyFunc : someFuncs, next() < 0.8)]++;
    }
    expect(counts.quick).toBeGreaterThan(1000);
    expect(counts.full).toBeGreaterThan(30);
    expect(counts.error).toBeGreaterThan(1000);
  });

  it('on nested blocks, chains, declarations and trim markers', () => {
    const cases = [
      '',
      'plain text only\n',
      '{{- /* a comment */ -}}\n  text',
      '{{ .a }}{{ .b.c.d }}{{ $.x.y }}{{ (.a).b.c }}{{ (include "x" .).y }}',
      '{{ if .a }}A{{ else if .b }}B{{ else if .c }}C{{ else }}D{{ end }}',
      '{{ with .a }}A{{ else with .b }}B{{ else }}C{{ end }}',
      '{{- range $i, $v := .list }}\n  - {{ $i }}: {{ $v | quote }}\n{{- else }}\nnone\n{{- end }}',
      '{{ $x := 1 }}{{ if .a }}{{ $y := 2 }}{{ $x }}{{ $y }}{{ end }}{{ $x }}',
      '{{ $x := 1 }}{{ if .a }}{{ $y := 2 }}{{ end }}{{ $y }}',
      '{{ define "a" }}A {{ .x }}{{ end }}{{ define "b" }}{{ template "a" . }}{{ end }}rest',
      '{{ define "a" }}{{ $x }}{{ end }}',
      '{{ template "a" }}{{ template `b` .c }}',
      '{{ printf "%d" 42 | quote }}{{ 007 }}{{ 18446744073709551615 }}',
      '{{ "a" | quote }}{{ .a | }}{{ nil }}{{ true }}{{ false }}',
      '{{ .a "b" 1 $ }}\r\n{{- .c -}}\r\n',
      '{{if .a}}{{end}}{{range .b}}{{end}}{{with .c}}{{end}}',
      '{{  -}}{{ .a  -}} x {{-  .b }}',
    ];
    let quick = 0;
    for (const text of cases) if (check(text) === 'quick') quick++;
    expect(quick).toBeGreaterThan(12);
  });
});
