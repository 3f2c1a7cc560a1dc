/**
 * The lexer and parser of Go's text/template (template-engine/go/parse): cases adapted from Go's own
 * lex_test.go and parse_test.go, positions and error messages, and every template of the real Helm charts
 * under /work/shared/corpus parsing without error.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { lex, type Item } from '../../template-engine/go/parse/lexer.js';
import { TemplateParseError, type ActionNode, type IfNode, type ListNode, type NumberNode, type RangeNode, type StringNode, type TemplateNode } from '../../template-engine/go/parse/nodes.js';
import { goLocation, isEmptyTree, nodeString, parse, positionIn, type ParseOptions } from '../../template-engine/go/parse/parser.js';
import { newNumber } from '../../template-engine/go/parse/strconv.js';

const FUNCS: ParseOptions = { funcs: (n) => n === 'printf' || n === 'contains' };

function items(text: string, left?: string, right?: string): [string, string][] {
  return lex('test', text, left, right).map((i: Item) => [i.type, i.val]);
}

function tree(text: string, opts: ParseOptions = FUNCS): string {
  return nodeString(parse('test', text, { comments: false, ...opts }).root, { quoteText: true });
}

function parseError(text: string, opts: ParseOptions = FUNCS, name = 'test'): TemplateParseError {
  try {
    parse(name, text, opts);
  } catch (e) {
    if (e instanceof TemplateParseError) return e;
    throw e;
  }
  throw new Error(`expected a parse error for ${JSON.stringify(text)}`);
}

describe('lexer (Go lex_test.go)', () => {
  const L = '{{';
  const R = '}}';
  const cases: [string, string, [string, string][]][] = [
    ['empty', '', [['EOF', '']]],
    ['spaces', ' \t\n', [['text', ' \t\n'], ['EOF', '']]],
    ['text', 'now is the time', [['text', 'now is the time'], ['EOF', '']]],
    ['text with comment', 'hello-{{/* this is a comment */}}-world', [['text', 'hello-'], ['comment', '/* this is a comment */'], ['text', '-world'], ['EOF', '']]],
    ['punctuation', '{{,@% }}', [['leftDelim', L], ['char', ','], ['char', '@'], ['char', '%'], ['space', ' '], ['rightDelim', R], ['EOF', '']]],
    ['parens', '{{((3))}}', [['leftDelim', L], ['leftParen', '('], ['leftParen', '('], ['number', '3'], ['rightParen', ')'], ['rightParen', ')'], ['rightDelim', R], ['EOF', '']]],
    ['empty action', '{{}}', [['leftDelim', L], ['rightDelim', R], ['EOF', '']]],
    ['for', '{{for}}', [['leftDelim', L], ['identifier', 'for'], ['rightDelim', R], ['EOF', '']]],
    ['block', '{{block "foo" .}}', [['leftDelim', L], ['block', 'block'], ['space', ' '], ['string', '"foo"'], ['space', ' '], ['dot', '.'], ['rightDelim', R], ['EOF', '']]],
    ['quote', '{{"abc \\n\\t\\" "}}', [['leftDelim', L], ['string', '"abc \\n\\t\\" "'], ['rightDelim', R], ['EOF', '']]],
    ['raw quote with newline', '{{`now is{{\n}}the time`}}', [['leftDelim', L], ['rawString', '`now is{{\n}}the time`'], ['rightDelim', R], ['EOF', '']]],
    [
      'numbers',
      '{{1 02 0x14 0X14 -7.2i 1e3 1E3 +1.2e-4 4.2i 1+2i 1_2 0x1.e_fp4 0X1.E_FP4}}',
      [
        ['leftDelim', L],
        ...['1', '02', '0x14', '0X14', '-7.2i', '1e3', '1E3', '+1.2e-4', '4.2i'].flatMap((n): [string, string][] => [['number', n], ['space', ' ']]),
        ['complex', '1+2i'],
        ['space', ' '],
        ['number', '1_2'],
        ['space', ' '],
        ['number', '0x1.e_fp4'],
        ['space', ' '],
        ['number', '0X1.E_FP4'],
        ['rightDelim', R],
        ['EOF', ''],
      ],
    ],
    [
      'characters',
      "{{'a' '\\n' '\\'' '\\\\' '\\u00FF' '\\xFF' '本'}}",
      [
        ['leftDelim', L],
        ...["'a'", "'\\n'", "'\\''", "'\\\\'", "'\\u00FF'", "'\\xFF'"].flatMap((n): [string, string][] => [['charConstant', n], ['space', ' ']]),
        ['charConstant', "'本'"],
        ['rightDelim', R],
        ['EOF', ''],
      ],
    ],
    ['bools', '{{true false}}', [['leftDelim', L], ['bool', 'true'], ['space', ' '], ['bool', 'false'], ['rightDelim', R], ['EOF', '']]],
    ['nil', '{{nil}}', [['leftDelim', L], ['nil', 'nil'], ['rightDelim', R], ['EOF', '']]],
    ['dots', '{{.x . .2 .x.y.z}}', [['leftDelim', L], ['field', '.x'], ['space', ' '], ['dot', '.'], ['space', ' '], ['number', '.2'], ['space', ' '], ['field', '.x'], ['field', '.y'], ['field', '.z'], ['rightDelim', R], ['EOF', '']]],
    ['keywords', '{{range if else end with}}', [['leftDelim', L], ['range', 'range'], ['space', ' '], ['if', 'if'], ['space', ' '], ['else', 'else'], ['space', ' '], ['end', 'end'], ['space', ' '], ['with', 'with'], ['rightDelim', R], ['EOF', '']]],
    [
      'variables',
      '{{$c := printf $ $hello $23 $ $var.Field .Method}}',
      [
        ['leftDelim', L], ['variable', '$c'], ['space', ' '], ['declare', ':='], ['space', ' '], ['identifier', 'printf'], ['space', ' '], ['variable', '$'], ['space', ' '],
        ['variable', '$hello'], ['space', ' '], ['variable', '$23'], ['space', ' '], ['variable', '$'], ['space', ' '], ['variable', '$var'], ['field', '.Field'], ['space', ' '],
        ['field', '.Method'], ['rightDelim', R], ['EOF', ''],
      ],
    ],
    [
      'pipeline',
      'intro {{echo hi 1.2 |noargs|args 1 "hi"}} outro',
      [
        ['text', 'intro '], ['leftDelim', L], ['identifier', 'echo'], ['space', ' '], ['identifier', 'hi'], ['space', ' '], ['number', '1.2'], ['space', ' '], ['pipe', '|'],
        ['identifier', 'noargs'], ['pipe', '|'], ['identifier', 'args'], ['space', ' '], ['number', '1'], ['space', ' '], ['string', '"hi"'], ['rightDelim', R], ['text', ' outro'], ['EOF', ''],
      ],
    ],
    ['2 declarations', '{{$v , $w := 3}}', [['leftDelim', L], ['variable', '$v'], ['space', ' '], ['char', ','], ['space', ' '], ['variable', '$w'], ['space', ' '], ['declare', ':='], ['space', ' '], ['number', '3'], ['rightDelim', R], ['EOF', '']]],
    ['assignment', '{{$v = 3}}', [['leftDelim', L], ['variable', '$v'], ['space', ' '], ['assign', '='], ['space', ' '], ['number', '3'], ['rightDelim', R], ['EOF', '']]],
    ['field of parenthesized expression', '{{(.X).Y}}', [['leftDelim', L], ['leftParen', '('], ['field', '.X'], ['rightParen', ')'], ['field', '.Y'], ['rightDelim', R], ['EOF', '']]],
    ['trimming spaces before and after', 'hello- {{- 3 -}} -world', [['text', 'hello-'], ['leftDelim', L], ['number', '3'], ['rightDelim', R], ['text', '-world'], ['EOF', '']]],
    ['trimming spaces before and after comment', 'hello- {{- /* hello */ -}} -world', [['text', 'hello-'], ['comment', '/* hello */'], ['text', '-world'], ['EOF', '']]],
    ['trim marker needs the space: {{-3}} is a number', 'a {{-3}} b', [['text', 'a '], ['leftDelim', L], ['number', '-3'], ['rightDelim', R], ['text', ' b'], ['EOF', '']]],
    ['trim with newline after the marker', 'a \n{{-\n.x\n-}}\n b', [['text', 'a'], ['leftDelim', L], ['field', '.x'], ['rightDelim', R], ['text', 'b'], ['EOF', '']]],
    ['long pipeline', '{{|||||}}', [['leftDelim', L], ['pipe', '|'], ['pipe', '|'], ['pipe', '|'], ['pipe', '|'], ['pipe', '|'], ['rightDelim', R], ['EOF', '']]],
    ['unmatched right delimiter is text', 'hello-{.}}-world', [['text', 'hello-{.}}-world'], ['EOF', '']]],
    // errors
    ['badchar', '#{{\x01}}', [['text', '#'], ['leftDelim', L], ['error', 'unrecognized character in action: U+0001']]],
    ['unclosed action', '{{', [['leftDelim', L], ['error', 'unclosed action']]],
    ['EOF in action', '{{range', [['leftDelim', L], ['range', 'range'], ['error', 'unclosed action']]],
    ['unclosed quote', '{{"\n"}}', [['leftDelim', L], ['error', 'unterminated quoted string']]],
    ['unclosed raw quote', '{{`xx}}', [['leftDelim', L], ['error', 'unterminated raw quoted string']]],
    ['unclosed char constant', "{{'\n}}", [['leftDelim', L], ['error', 'unterminated character constant']]],
    ['bad number', '{{3k}}', [['leftDelim', L], ['error', 'bad number syntax: "3k"']]],
    ['unclosed paren', '{{(3}}', [['leftDelim', L], ['leftParen', '('], ['number', '3'], ['error', 'unclosed left paren']]],
    ['extra right paren', '{{3)}}', [['leftDelim', L], ['number', '3'], ['error', 'unexpected right paren']]],
    ['bad comment', 'hello-{{/*/}}-world', [['text', 'hello-'], ['error', 'unclosed comment']]],
    ['comment close separated from delim', 'hello-{{/* */ }}-world', [['text', 'hello-'], ['error', 'comment ends before closing delimiter']]],
    ['bad character after identifier', '{{a#}}', [['leftDelim', L], ['error', "bad character U+0023 '#'"]]],
    ['$x+2 is not $x then +2', '{{$x+2}}', [['leftDelim', L], ['error', "bad character U+002B '+'"]]],
  ];
  it.each(cases)('%s', (_name, input, want) => {
    expect(items(input)).toEqual(want);
  });

  it('takes other delimiters ($$ @@, and ones that look like trim markers)', () => {
    expect(items('$$,@%{{}}@@', '$$', '@@')).toEqual([['leftDelim', '$$'], ['char', ','], ['char', '@'], ['char', '%'], ['char', '{'], ['char', '{'], ['char', '}'], ['char', '}'], ['rightDelim', '@@'], ['EOF', '']]);
    expect(items('{{hub .host hub}}', '{{hub', 'hub}}')).toEqual([['leftDelim', '{{hub'], ['space', ' '], ['field', '.host'], ['space', ' '], ['rightDelim', 'hub}}'], ['EOF', '']]);
    expect(items('{{- .x -}} {{- - .x - -}}', '{{- ', ' -}}')).toEqual([
      ['leftDelim', '{{- '], ['field', '.x'], ['rightDelim', ' -}}'], ['leftDelim', '{{- '], ['field', '.x'], ['rightDelim', ' -}}'], ['EOF', ''],
    ]);
  });

  it('gives Go positions (lexPosTests)', () => {
    const pos = (t: string) => lex('t', t).map((i) => [i.type, i.pos, i.val]);
    expect(pos('0123{{hello}}xyz')).toEqual([['text', 0, '0123'], ['leftDelim', 4, '{{'], ['identifier', 6, 'hello'], ['rightDelim', 11, '}}'], ['text', 13, 'xyz'], ['EOF', 16, '']]);
    expect(pos('{{x -}}\n{{y}}')).toEqual([['leftDelim', 0, '{{'], ['identifier', 2, 'x'], ['rightDelim', 5, '}}'], ['leftDelim', 8, '{{'], ['identifier', 10, 'y'], ['rightDelim', 11, '}}'], ['EOF', 13, '']]);
    expect(pos('{{x}}\n{{- y}}')).toEqual([['leftDelim', 0, '{{'], ['identifier', 2, 'x'], ['rightDelim', 3, '}}'], ['leftDelim', 6, '{{'], ['identifier', 10, 'y'], ['rightDelim', 11, '}}'], ['EOF', 13, '']]);
    expect(pos('{{/*\n*/}}\n{{undefinedFunction "test"}}')).toEqual([
      ['comment', 2, '/*\n*/'], ['text', 9, '\n'], ['leftDelim', 10, '{{'], ['identifier', 12, 'undefinedFunction'], ['space', 29, ' '], ['string', 30, '"test"'], ['rightDelim', 36, '}}'], ['EOF', 38, ''],
    ]);
  });

  it('is linear on long input', () => {
    const big = 'x'.repeat(2_000_000) + '{{- ' + ' '.repeat(1_000_000) + '.a' + ' '.repeat(1_000_000) + ' -}}' + '\n'.repeat(1_000_000);
    const t0 = Date.now();
    expect(lex('big', big).map((i) => i.type)).toEqual(['text', 'leftDelim', 'space', 'field', 'space', 'rightDelim', 'EOF']);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});

describe('parser: Go parse_test.go cases', () => {
  const ok: [string, string, string][] = [
    ['empty', '', ''],
    ['comment', '{{/*\n\n\n*/}}', ''],
    ['spaces', ' \t\n', '" \\t\\n"'],
    ['text', 'some text', '"some text"'],
    ['field', '{{.X}}', '{{.X}}'],
    ['simple command', '{{printf}}', '{{printf}}'],
    ['$ invocation', '{{$}}', '{{$}}'],
    ['variable invocation', '{{with $x := 3}}{{$x 23}}{{end}}', '{{with $x := 3}}{{$x 23}}{{end}}'],
    ['variable with fields', '{{$.I}}', '{{$.I}}'],
    ['multi-word command', '{{printf `%d` 23}}', '{{printf `%d` 23}}'],
    ['pipeline', '{{.X|.Y}}', '{{.X | .Y}}'],
    ['pipeline with decl', '{{$x := .X|.Y}}', '{{$x := .X | .Y}}'],
    ['nested pipeline', '{{.X (.Y .Z) (.A | .B .C) (.E)}}', '{{.X (.Y .Z) (.A | .B .C) (.E)}}'],
    ['field applied to parentheses', '{{(.Y .Z).Field}}', '{{(.Y .Z).Field}}'],
    ['simple if', '{{if .X}}hello{{end}}', '{{if .X}}"hello"{{end}}'],
    ['if with else', '{{if .X}}true{{else}}false{{end}}', '{{if .X}}"true"{{else}}"false"{{end}}'],
    ['if with else if', '{{if .X}}true{{else if .Y}}false{{end}}', '{{if .X}}"true"{{else}}{{if .Y}}"false"{{end}}{{end}}'],
    ['if else chain', '+{{if .X}}X{{else if .Y}}Y{{else if .Z}}Z{{end}}+', '"+"{{if .X}}"X"{{else}}{{if .Y}}"Y"{{else}}{{if .Z}}"Z"{{end}}{{end}}{{end}}"+"'],
    ['simple range', '{{range .X}}hello{{end}}', '{{range .X}}"hello"{{end}}'],
    ['chained field range', '{{range .X.Y.Z}}hello{{end}}', '{{range .X.Y.Z}}"hello"{{end}}'],
    ['nested range', '{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}', '{{range .X}}"hello"{{range .Y}}"goodbye"{{end}}{{end}}'],
    ['range with else', '{{range .X}}true{{else}}false{{end}}', '{{range .X}}"true"{{else}}"false"{{end}}'],
    ['range over pipeline', '{{range .X|.M}}true{{else}}false{{end}}', '{{range .X | .M}}"true"{{else}}"false"{{end}}'],
    ['range []int', '{{range .SI}}{{.}}{{end}}', '{{range .SI}}{{.}}{{end}}'],
    ['range 1 var', '{{range $x := .SI}}{{.}}{{end}}', '{{range $x := .SI}}{{.}}{{end}}'],
    ['range 2 vars', '{{range $x, $y := .SI}}{{.}}{{end}}', '{{range $x, $y := .SI}}{{.}}{{end}}'],
    ['range with break', '{{range .SI}}{{.}}{{break}}{{end}}', '{{range .SI}}{{.}}{{break}}{{end}}'],
    ['range with continue', '{{range .SI}}{{.}}{{continue}}{{end}}', '{{range .SI}}{{.}}{{continue}}{{end}}'],
    ['break inside if inside range', '{{range .SI}}{{if .}}{{break}}{{end}}{{end}}', '{{range .SI}}{{if .}}{{break}}{{end}}{{end}}'],
    ['constants', "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}", "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}"],
    ['template', '{{template `x`}}', '{{template "x"}}'],
    ['template with arg', '{{template `x` .Y}}', '{{template "x" .Y}}'],
    ['with', '{{with .X}}hello{{end}}', '{{with .X}}"hello"{{end}}'],
    ['with with else', '{{with .X}}hello{{else}}goodbye{{end}}', '{{with .X}}"hello"{{else}}"goodbye"{{end}}'],
    ['with with else with', '{{with .X}}hello{{else with .Y}}goodbye{{end}}', '{{with .X}}"hello"{{else}}{{with .Y}}"goodbye"{{end}}{{end}}'],
    ['with else chain', '{{with .X}}X{{else with .Y}}Y{{else with .Z}}Z{{end}}', '{{with .X}}"X"{{else}}{{with .Y}}"Y"{{else}}{{with .Z}}"Z"{{end}}{{end}}{{end}}'],
    ['trim left', 'x \r\n\t{{- 3}}', '"x"{{3}}'],
    ['trim right', '{{3 -}}\n\n\ty', '{{3}}"y"'],
    ['trim left and right', 'x \r\n\t{{- 3 -}}\n\n\ty', '"x"{{3}}"y"'],
    ['trim with extra spaces', 'x\n{{-  3   -}}\ny', '"x"{{3}}"y"'],
    ['comment trim left', 'x \r\n\t{{- /* hi */}}', '"x"'],
    ['comment trim right', '{{/* hi */ -}}\n\n\ty', '"y"'],
    ['comment trim left and right', 'x \r\n\t{{- /* */ -}}\n\n\ty', '"x""y"'],
    ['block definition', '{{block "foo" .}}hello{{end}}', '{{template "foo" .}}'],
    ['newline in assignment', '{{ $x \n := \n 1 \n }}', '{{$x := 1}}'],
    ['newline in pipeline', '{{\n"x"\n|\nprintf\n}}', '{{"x" | printf}}'],
    ['newline in comment', '{{/*\nhello\n*/}}', ''],
    ['newline in trimmed comment', '{{-\n/*\nhello\n*/\n-}}', ''],
    ['spaces around continue', '{{range .SI}}{{.}}{{ continue }}{{end}}', '{{range .SI}}{{.}}{{continue}}{{end}}'],
    ['spaces around break', '{{range .SI}}{{.}}{{ break }}{{end}}', '{{range .SI}}{{.}}{{break}}{{end}}'],
    ['bug0a', '{{$x := 0}}{{$x}}', '{{$x := 0}}{{$x}}'],
    ['bug1c: ok with a space', '{{$x:=.}}{{$x +2}}', '{{$x := .}}{{$x +2}}'],
    ['bug2a', '{{range $x := 0}}{{$x}}{{end}}', '{{range $x := 0}}{{$x}}{{end}}'],
    ['bug2b', '{{range $x = 0}}{{$x}}{{end}}', '{{range $x = 0}}{{$x}}{{end}}'],
    ['assignment', '{{$x := 1}}{{if .}}{{$x = 2}}{{end}}{{$x}}', '{{$x := 1}}{{if .}}{{$x = 2}}{{end}}{{$x}}'],
    ['paren nesting', '{{ ((( 1 ))) | printf }}', '{{(((1))) | printf}}'],
    ['paren nesting with other constructs', '{{ if ((( true ))) }}YES{{ end }}', '{{if (((true)))}}"YES"{{end}}'],
    ['trailing pipe is accepted (as Go accepts it)', '{{.X |}}', '{{.X}}'],
    ['variables of an if stay visible in its else', '{{if $x := .}}{{$y := 1}}{{else}}{{$x}}{{$y}}{{end}}', '{{if $x := .}}{{$y := 1}}{{else}}{{$x}}{{$y}}{{end}}'],
    ['a -}} right after a word', '{{.X -}} y', '{{.X}}"y"'],
    ['field chain on a variable with fields', '{{$x := .}}{{$x.a.b}}', '{{$x := .}}{{$x.a.b}}'],
    ['chain on a function', '{{printf.X}}', '{{printf.X}}'],
  ];
  it.each(ok)('%s', (_name, input, want) => {
    expect(tree(input)).toEqual(want);
  });

  const bad: [string, string][] = [
    ['emptyAction', '{{}}'],
    ['newline in empty action', '{{\n}}'],
    ['unclosed action', 'hello{{range'],
    ['unmatched end', '{{end}}'],
    ['unmatched else', '{{else}}'],
    ['unmatched else after if', '{{if .X}}hello{{end}}{{else}}'],
    ['multiple else', '{{if .X}}1{{else}}2{{else}}3{{end}}'],
    ['missing end', 'hello{{range .x}}'],
    ['missing end after else', 'hello{{range .x}}{{else}}'],
    ['undefined function', 'hello{{undefined}}'],
    ['undefined variable', '{{$x}}'],
    ['variable undefined after end', '{{with $x := 4}}{{end}}{{$x}}'],
    ['variable undefined in template', '{{template $v}}'],
    ['declare with field', '{{with $x.Y := 4}}{{end}}'],
    ['template with field ref', '{{template .X}}'],
    ['invalid punctuation', '{{printf 3, 4}}'],
    ['multidecl outside range', '{{with $v, $u := 3}}{{end}}'],
    ['too many decls in range', '{{range $u, $v, $w := 3}}{{end}}'],
    ['dot applied to parentheses', '{{printf (printf .).}}'],
    ['adjacent args', '{{printf 3`x`}}'],
    ['adjacent args with .', '{{printf `x`.}}'],
    ['extra end after if', '{{if .X}}a{{else if .Y}}b{{end}}{{end}}'],
    ['break outside range', '{{range .}}{{end}} {{break}}'],
    ['continue outside range', '{{range .}}{{end}} {{continue}}'],
    ['break in range else', '{{range .}}{{else}}{{break}}{{end}}'],
    ['continue in range else', '{{range .}}{{else}}{{continue}}{{end}}'],
    ['break in a define', '{{define "x"}}{{break}}{{end}}'],
    ['break in a block inside a range', '{{range .}}{{block "x" .}}{{break}}{{end}}{{end}}'],
    ['bug0b', '{{$x += 1}}{{$x}}'],
    ['bug0c', '{{$x ! 2}}{{$x}}'],
    ['bug0d', '{{$x % 3}}{{$x}}'],
    ['bug0e', '{{range $x := $y := 3}}{{end}}'],
    ['bug1a', '{{$x:=.}}{{$x!2}}'],
    ['bug1b', '{{$x:=.}}{{$x+2}}'],
    ['dot after integer', '{{1.E}}'],
    ['dot after float', '{{0.1.E}}'],
    ['dot after boolean', '{{true.E}}'],
    ['dot after char', "{{'a'.any}}"],
    ['dot after string', '{{"hello".guys}}'],
    ['dot after dot', '{{..E}}'],
    ['dot after nil', '{{nil.E}}'],
    ['wrong pipeline dot', '{{12|.}}'],
    ['wrong pipeline number', '{{.|12|printf}}'],
    ['wrong pipeline string', '{{.|printf|"error"}}'],
    ['wrong pipeline char', "{{12|printf|'e'}}"],
    ['wrong pipeline boolean', '{{.|true}}'],
    ['wrong pipeline nil', "{{'c'|nil}}"],
    ['empty pipeline', '{{printf "%d" ( ) }}'],
    ['block without pipeline', '{{block "foo"}}hello{{end}}'],
    ['else if in a range', '{{range .}}{{else if .X}}{{end}}'],
    ['else with in an if', '{{if .}}{{else with .X}}{{end}}'],
    ['define not at top level', '{{if .}}{{define "x"}}{{end}}{{end}}'],
    ['comment with a space before it', '{{ /* x */ }}'],
    ['a trim marker without its space is not one', '{{.X-}}'],
  ];
  it.each(bad)('error: %s', (_name, input) => {
    expect(() => parse('test', input, FUNCS)).toThrow(TemplateParseError);
  });

  it('treats break as a function when a function of that name exists (TestKeywordsAndFuncs)', () => {
    const inp = '{{range .X}}{{break 20}}{{end}}';
    expect(tree(inp, { funcs: (n) => n === 'break' })).toEqual('{{range .X}}{{break 20}}{{end}}');
    expect(() => parse('', inp, { funcs: () => false })).toThrow(TemplateParseError);
  });

  it('skips the function check on request (TestSkipFuncCheck)', () => {
    expect(tree('{{fn 1 2}}', { skipFuncCheck: true })).toEqual('{{fn 1 2}}');
  });

  it('knows the builtins without being told', () => {
    expect(tree('{{len . | printf "%d" | html}}{{and 1 (or 2 (not 3))}}{{index . 1 | eq 2}}', {})).toEqual('{{len . | printf "%d" | html}}{{and 1 (or 2 (not 3))}}{{index . 1 | eq 2}}');
  });

  it('keeps comments as CommentNodes by default (ParseComments)', () => {
    const t = (s: string) => nodeString(parse('c', s).root, { quoteText: true });
    expect(t('{{/*\n\n\n*/}}')).toEqual('{{/*\n\n\n*/}}');
    expect(t('x \r\n\t{{- /* hi */}}')).toEqual('"x"{{/* hi */}}');
    expect(t('{{/* hi */ -}}\n\n\ty')).toEqual('{{/* hi */}}"y"');
    expect(t('x \r\n\t{{- /* */ -}}\n\n\ty')).toEqual('"x"{{/* */}}"y"');
  });
});

describe('parser: trees', () => {
  it('block = define + template call (TestBlock)', () => {
    const p = parse('outer', 'a{{block "inner" .}}bar{{.}}baz{{end}}b');
    expect(nodeString(p.root)).toEqual('a{{template "inner" .}}b');
    expect(nodeString(p.defines.get('inner')!)).toEqual('bar{{.}}baz');
  });

  it('collects defines in order and replaces an empty one', () => {
    const p = parse('f', '{{define "a"}}  {{end}}{{define "b"}}B{{end}}\n{{- define "a" -}}A{{end}}');
    expect([...p.defines.keys()]).toEqual(['a', 'b']);
    expect(nodeString(p.defines.get('a')!)).toEqual('A');
    expect(isEmptyTree(p.root)).toBe(true);
  });

  it('IsEmptyTree as Go (TestIsEmpty)', () => {
    const cases: [string, boolean][] = [
      ['', true],
      ['hello', false],
      [' \t\n \t\n', true],
      ['{{/* comment */}}', true],
      ['{{define "x"}}something{{end}}', true],
      ['{{define `x`}}something{{end}}\n\n{{define `y`}}something{{end}}\n\n', true],
      ['{{define `x`}}something{{end}}\nx\n{{define `y`}}something{{end}}\ny\n', false],
      ['{{define `x`}}something{{end}}{{if 3}}foo{{end}}', false],
    ];
    for (const [input, empty] of cases) expect([input, isEmptyTree(parse('root', input).root)]).toEqual([input, empty]);
  });

  it('gives nodes their Go positions with line and column', () => {
    const src = 'ab\n  {{ if .Values.x }}\n{{- $v := printf "%s" .a.b | quote }}{{ end }}';
    const p = parse('t', src, { funcs: () => true });
    const ifn = p.root.nodes[1] as IfNode;
    expect(ifn.type).toBe('if');
    expect(positionIn(src, ifn.pos)).toEqual({ offset: src.indexOf('.Values'), line: 2, column: 9 }); // the pipeline (Go: pipe.Position())
    expect(positionIn(src, ifn.pipe.cmds[0].args[0].pos)).toEqual({ offset: src.indexOf('.x'), line: 2, column: 16 }); // .Values.x sits at .x, as in Go
    const action = ifn.list.nodes[0] as ActionNode;
    expect(positionIn(src, action.pos)).toEqual({ offset: src.indexOf('$v'), line: 3, column: 5 });
    expect(action.pipe.decl[0].ident).toEqual(['$v']);
    const cmd = action.pipe.cmds[0];
    const col = (needle: string) => src.indexOf(needle) - src.lastIndexOf('\n', src.indexOf(needle));
    expect(cmd.args.map((a) => [a.type, positionIn(src, a.pos).column])).toEqual([['identifier', col('printf')], ['string', col('"%s"')], ['field', col('.b')]]);
    expect((cmd.args[1] as StringNode).text).toBe('%s');
    expect(positionIn(src, action.pipe.cmds[1].pos).column).toBe(col('quote'));
  });

  it('keeps string escapes as Go unquotes them', () => {
    const str = (s: string) => ((parse('s', `{{printf ${s}}}`).root.nodes[0] as ActionNode).pipe.cmds[0].args[1] as StringNode).text;
    expect(str('"a\\tb\\n\\"q\\" \\\\ \\x41\\101\\u00e9\\U0001F600 \\a\\b\\f\\v\\r"')).toBe('a\tb\n"q" \\ AAé😀 \x07\b\f\v\r');
    expect(str('"\\xc3\\xa9"')).toBe('é');
    expect(str('`raw \\n ${x}\r\nline`')).toBe('raw \\n ${x}\nline');
    expect(str('"日本"')).toBe('日本');
    expect(parseError("{{printf \"\\'\"}}").goMessage).toBe('template: test:1: invalid syntax');
    expect(parseError('{{printf "\\q"}}').goMessage).toBe('template: test:1: invalid syntax');
    expect(parseError('{{printf "\\400"}}').message).toMatch(/^invalid syntax/);
    expect(parseError('{{printf "\\ud800"}}').message).toMatch(/^invalid syntax/);
  });
});

describe('parser: numbers (Go numberTests)', () => {
  type Want = { int?: bigint; uint?: bigint; float?: number; complex?: { re: number; im: number } };
  const num = (text: string): NumberNode | string => {
    const kind = text[0] === "'" ? 'charConstant' : /^[+-]?[^+-]+[+-].*i$/.test(text) ? 'complex' : 'number';
    return newNumber(0, text, kind);
  };
  const cases: [string, Want][] = [
    ['0', { int: 0n, uint: 0n, float: 0 }],
    ['-0', { int: 0n, uint: 0n, float: 0 }],
    ['73', { int: 73n, uint: 73n, float: 73 }],
    ['7_3', { int: 73n, uint: 73n, float: 73 }],
    ['0b10_010_01', { int: 73n, uint: 73n, float: 73 }],
    ['0B10_010_01', { int: 73n, uint: 73n, float: 73 }],
    ['073', { int: 59n, uint: 59n, float: 59 }],
    ['0o73', { int: 59n, uint: 59n, float: 59 }],
    ['0O73', { int: 59n, uint: 59n, float: 59 }],
    ['0x73', { int: 115n, uint: 115n, float: 115 }],
    ['0X73', { int: 115n, uint: 115n, float: 115 }],
    ['0x7_3', { int: 115n, uint: 115n, float: 115 }],
    ['-73', { int: -73n, float: -73 }],
    ['+73', { int: 73n, float: 73 }],
    ['100', { int: 100n, uint: 100n, float: 100 }],
    ['1e9', { int: 1000000000n, uint: 1000000000n, float: 1e9 }],
    ['-1e9', { int: -1000000000n, float: -1e9 }],
    ['-1.2', { float: -1.2 }],
    ['1e19', { uint: 10000000000000000000n, float: 1e19 }],
    ['1e1_9', { uint: 10000000000000000000n, float: 1e19 }],
    ['1E19', { uint: 10000000000000000000n, float: 1e19 }],
    ['-1e19', { float: -1e19 }],
    ['0x_1p4', { int: 16n, uint: 16n, float: 16 }],
    ['0X_1P4', { int: 16n, uint: 16n, float: 16 }],
    ['0x_1p-4', { float: 1 / 16 }],
    ['0x1.8p1', { int: 3n, uint: 3n, float: 3 }],
    ['4i', { complex: { re: 0, im: 4 } }],
    ['-1.2+4.2i', { complex: { re: -1.2, im: 4.2 } }],
    ['073i', { complex: { re: 0, im: 73 } }],
    ['0i', { int: 0n, uint: 0n, float: 0, complex: { re: 0, im: 0 } }],
    ['-1.2+0i', { float: -1.2, complex: { re: -1.2, im: 0 } }],
    ['-12+0i', { int: -12n, float: -12, complex: { re: -12, im: 0 } }],
    ['13+0i', { int: 13n, uint: 13n, float: 13, complex: { re: 13, im: 0 } }],
    ['0123', { int: 83n, uint: 83n, float: 83 }],
    ['-0x0', { int: 0n, uint: 0n, float: 0 }],
    ['0xdeadbeef', { int: 0xdeadbeefn, uint: 0xdeadbeefn, float: 0xdeadbeef }],
    ['0xef', { int: 0xefn, uint: 0xefn, float: 0xef }],
    ['9223372036854775807', { int: 9223372036854775807n, uint: 9223372036854775807n, float: 9223372036854775807 }],
    ['-9223372036854775808', { int: -9223372036854775808n, float: -9223372036854775808 }],
    ['18446744073709551615', { uint: 18446744073709551615n, float: 18446744073709551615 }],
    ['1.5', { float: 1.5 }],
    ['.5', { float: 0.5 }],
    ['2.', { int: 2n, uint: 2n, float: 2 }],
    ["'a'", { int: 97n, uint: 97n, float: 97 }],
    ["'\\n'", { int: 10n, uint: 10n, float: 10 }],
    ["'\\\\'", { int: 92n, uint: 92n, float: 92 }],
    ["'\\''", { int: 39n, uint: 39n, float: 39 }],
    ["'\\xFF'", { int: 255n, uint: 255n, float: 255 }],
    ["'パ'", { int: 0x30d1n, uint: 0x30d1n, float: 0x30d1 }],
    ["'\\u30d1'", { int: 0x30d1n, uint: 0x30d1n, float: 0x30d1 }],
    ["'\\U000030d1'", { int: 0x30d1n, uint: 0x30d1n, float: 0x30d1 }],
    ["'😀'", { int: 0x1f600n, uint: 0x1f600n, float: 0x1f600 }],
  ];
  it.each(cases)('%s', (text, want) => {
    const n = num(text);
    if (typeof n === 'string') throw new Error(n);
    expect({
      int: n.isInt ? n.int : undefined,
      uint: n.isUint ? n.uint : undefined,
      float: n.isFloat ? n.float : undefined,
      complex: n.isComplex ? n.complex : undefined,
    }).toEqual({ int: want.int, uint: want.uint, float: want.float, complex: want.complex });
  });

  const broken: [string, string][] = [
    ['+-2', 'illegal number syntax: "+-2"'],
    ['0x123.', 'illegal number syntax: "0x123."'],
    ['1e.', 'illegal number syntax: "1e."'],
    ['0xi.', 'illegal number syntax: "0xi."'],
    ['1+2.', 'illegal number syntax: "1+2."'],
    ["'x", 'malformed character constant: \'x'],
    ["'xx'", "malformed character constant: 'xx'"],
    ["'433937734937734969526500969526500'", "malformed character constant: '433937734937734969526500969526500'"],
    ['089', 'integer overflow: "089"'],
    ['18446744073709551616', 'integer overflow: "18446744073709551616"'],
    ['1e400', 'illegal number syntax: "1e400"'],
    ['1__0', 'illegal number syntax: "1__0"'],
    ['0x', 'illegal number syntax: "0x"'],
  ];
  it.each(broken)('rejects %s', (text, message) => {
    expect(num(text)).toBe(message);
  });

  it('classifies numbers in templates, with the lexer', () => {
    const arg = (src: string) => (parse('n', `{{printf "%v" ${src}}}`).root.nodes[0] as ActionNode).pipe.cmds[0].args[2] as NumberNode;
    expect(arg('-3')).toMatchObject({ text: '-3', isInt: true, int: -3n, isFloat: true });
    expect(arg('0x1F')).toMatchObject({ isInt: true, int: 31n });
    expect(arg('1_000_000')).toMatchObject({ isInt: true, int: 1000000n });
    expect(arg('2.50')).toMatchObject({ isInt: false, isFloat: true, float: 2.5 });
    expect(arg("'\\t'")).toMatchObject({ text: "'\\t'", isInt: true, int: 9n });
    expect(parseError('{{printf "%v" 0o78}}').message).toBe('bad number syntax: "0o78"');
    expect(parseError('{{printf "%v" 99999999999999999999}}').message).toBe('integer overflow: "99999999999999999999"');
  });
});

describe('parser: errors with Go messages and positions', () => {
  const cases: [string, string, string, string, number, number][] = [
    // name, input, message (starts with), Go's error, line, column
    ['unclosed1', 'line1\n{{', 'unclosed action', 'template: unclosed1:2: unclosed action', 2, 1],
    ['unclosed2', 'line1\n{{define `x`}}line2\n{{', 'unclosed action', 'template: unclosed2:3: unclosed action', 3, 1],
    ['unclosed3', 'line1\n{{"x"\n"y"\n', 'unclosed action', 'template: unclosed3:4: unclosed action started at unclosed3:2', 2, 1],
    ['unclosed4', '{{\n\n\n\n\n', 'unclosed action', 'template: unclosed4:6: unclosed action started at unclosed4:1', 1, 1],
    ['var1', 'line1\n{{\nx\n}}', 'function "x" not defined', 'template: var1:3: function "x" not defined', 3, 1],
    ['function', '{{foo}}', 'function "foo" not defined', 'template: function:1: function "foo" not defined', 1, 3],
    ['comment1', '{{/*}}', 'unclosed comment', 'template: comment1:1: unclosed comment', 1, 1],
    ['comment2', '{{/*\nhello\n}}', 'unclosed comment', 'template: comment2:1: unclosed comment', 1, 1],
    ['lparen', '{{.X (1 2 3}}', 'unclosed left paren', 'template: lparen:1: unclosed left paren', 1, 6],
    ['rparen', '{{.X 1 2 3 ) }}', 'unexpected right paren', 'template: rparen:1: unexpected right paren', 1, 12],
    ['rparen2', '{{(.X 1 2 3', 'unclosed action', 'template: rparen2:1: unclosed action', 1, 1],
    ['space', '{{`x`3}}', 'unexpected "3" in operand', 'template: space:1: unexpected "3" in operand', 1, 6],
    ['idchar', '{{a#}}', "bad character U+0023 '#'", "template: idchar:1: bad character U+0023 '#'", 1, 4],
    ['charconst', "{{'a}}", 'unterminated character constant', 'template: charconst:1: unterminated character constant', 1, 3],
    ['stringconst', '{{"a}}', 'unterminated quoted string', 'template: stringconst:1: unterminated quoted string', 1, 3],
    ['rawstringconst', '{{`a}}', 'unterminated raw quoted string', 'template: rawstringconst:1: unterminated raw quoted string', 1, 3],
    ['number', '{{0xi}}', 'illegal number syntax: "0xi"', 'template: number:1: illegal number syntax: "0xi"', 1, 3],
    ['multidefine', '{{define `a`}}a{{end}}{{define `a`}}b{{end}}', 'multiple definition of template "a"', 'template: multidefine:1: template: multiple definition of template "a"', 1, 23],
    ['eof', '{{range .X}}', 'unexpected EOF: the {{range}} that opens here has no {{end}}', 'template: eof:1: unexpected EOF', 1, 1],
    ['variable', '{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}', 'unexpected ":=" in operand', 'template: variable:1: unexpected ":=" in operand', 1, 25],
    ['multidecl', '{{$a,$b,$c := 23}}', 'too many declarations in command', 'template: multidecl:1: too many declarations in command', 1, 3],
    ['undefvar', '{{$a}}', 'undefined variable "$a"', 'template: undefvar:1: undefined variable "$a"', 1, 3],
    ['wrongdot', '{{true.any}}', 'unexpected . after term "true"', 'template: wrongdot:1: unexpected . after term "true"', 1, 7],
    ['wrongpipeline', '{{12|false}}', 'non executable command in pipeline stage 2', 'template: wrongpipeline:1: non executable command in pipeline stage 2', 1, 6],
    ['emptypipeline', '{{ ( ) }}', 'missing value for parenthesized pipeline', 'template: emptypipeline:1: missing value for parenthesized pipeline', 1, 4],
    ['multilinerawstring', '{{ $v := `\n` }} {{', 'unclosed action', 'template: multilinerawstring:2: unclosed action', 2, 6],
    ['rangeundefvar', '{{range $k}}{{end}}', 'undefined variable "$k"', 'template: rangeundefvar:1: undefined variable "$k"', 1, 9],
    ['rangeundefvars', '{{range $k, $v}}{{end}}', 'undefined variable "$v"', 'template: rangeundefvars:1: undefined variable "$v"', 1, 13],
    ['rangemissingvalue1', '{{range $k,}}{{end}}', 'missing value for range', 'template: rangemissingvalue1:1: missing value for range', 1, 1],
    ['rangemissingvalue2', '{{range $k, $v := }}{{end}}', 'missing value for range', 'template: rangemissingvalue2:1: missing value for range', 1, 1],
    ['rangenotvariable1', '{{range $k, .}}{{end}}', 'range can only initialize variables', 'template: rangenotvariable1:1: range can only initialize variables', 1, 13],
    ['rangenotvariable2', '{{range $k, 123 := .}}{{end}}', 'range can only initialize variables', 'template: rangenotvariable2:1: range can only initialize variables', 1, 13],
    ['unmatched end', 'a\n  {{- end }}', 'unexpected {{end}}', 'template: unmatched end:2: unexpected {{end}}', 2, 3],
    ['unmatched else', '{{else}}', 'unexpected {{else}}', 'template: unmatched else:1: unexpected {{else}}', 1, 1],
    ['multiple else', '{{if .X}}1{{else}}2{{else}}3{{end}}', 'expected end; found {{else}}', 'template: multiple else:1: expected end; found {{else}}', 1, 20],
    ['break outside range', '{{range .}}{{end}}\n {{break}}', '{{break}} outside {{range}}', 'template: break outside range:2: {{break}} outside {{range}}', 2, 4],
    ['continue outside range', '{{continue}}', '{{continue}} outside {{range}}', 'template: continue outside range:1: {{continue}} outside {{range}}', 1, 3],
    ['keyword in a command', '{{printf if}}', 'unexpected <if> in operand', 'template: keyword in a command:1: unexpected <if> in operand', 1, 10],
    ['long token is cut', '{{printf 1 "0123456789abc}}', 'unterminated quoted string', 'template: long token is cut:1: unterminated quoted string', 1, 12],
    ['long token in unexpected', '{{if .}}{{else "0123456789abc"}}{{end}}', 'unexpected "\\"012345678"... in else', 'template: long token in unexpected:1: unexpected "\\"012345678"... in else', 1, 16],
    ['define name not a string', '{{define x}}{{end}}', 'unexpected "x" in define clause', 'template: define name not a string:1: unexpected "x" in define clause', 1, 10],
    ['else in define', '{{define "x"}}a{{else}}b{{end}}', 'unexpected {{else}} in define clause', 'template: else in define:1: unexpected {{else}} in define clause', 1, 16],
    ['template name missing', '{{template}}', 'unexpected "}}" in template clause', 'template: template name missing:1: unexpected "}}" in template clause', 1, 11],
    ['unexpected char', '{{.X ; .Y}}', 'unexpected ";" in operand', 'template: unexpected char:1: unexpected ";" in operand', 1, 6],
    ['unrecognized character', '{{.X \u00e9x}}', 'function "éx" not defined', 'template: unrecognized character:1: function "éx" not defined', 1, 6],
    ['control character', '{{.X \u0007}}', 'unrecognized character in action: U+0007', 'template: control character:1: unrecognized character in action: U+0007', 1, 6],
    ['expected :=', '{{$x := 1}}{{$x :- 1}}', 'expected :=', 'template: expected :=:1: expected :=', 1, 17],
  ];
  it.each(cases)('%s', (name, input, message, goMessage, line, column) => {
    const e = parseError(input, FUNCS, name);
    expect(e.message.startsWith(message) ? message : e.message).toBe(message);
    expect(e.goMessage).toBe(goMessage);
    expect([e.pos.line, e.pos.column]).toEqual([line, column]);
  });

  it('names where the unclosed block opened', () => {
    const src = 'a: 1\n{{- if .X }}\n  b: {{ range .Y }}{{ . }}{{ end }}\n{{- with .Z }}\n  c\n{{- else }}\n  d\n';
    const e = parseError(src);
    expect(e.message).toBe('unexpected EOF: the {{with}} that opens here has no {{end}}');
    expect([e.pos.line, e.pos.column]).toEqual([4, 1]);
    expect(e.hint).toBe('close it with {{end}}');
    expect(e.goMessage).toBe('template: test:8: unexpected EOF');
    const chain = parseError('x\n{{if .A}}a{{else if .B}}b{{else}}\nc');
    expect(chain.message).toBe('unexpected EOF: the {{if}} that opens here has no {{end}}');
    expect([chain.pos.line, chain.pos.column]).toEqual([2, 1]);
    const def = parseError('{{/* c */}}\n\n  {{- define "my.helper" -}}\n{{ .x }}');
    expect(def.message).toBe('unexpected EOF: the {{define "my.helper"}} that opens here has no {{end}}');
    expect([def.pos.line, def.pos.column]).toEqual([3, 3]);
    const blk = parseError('{{block "b" .}}{{if .}}{{end}}');
    expect(blk.message).toBe('unexpected EOF: the {{block "b"}} that opens here has no {{end}}');
    const act = parseError('x\n\n  {{ .Values.a | quote\n\nmore text', { funcs: () => true });
    expect(act.message).toBe('unclosed action: the {{ that opens here has no }}');
    expect([act.pos.line, act.pos.column]).toEqual([3, 3]);
    expect(act.goMessage).toBe('template: test:5: unclosed action started at test:3');
  });

  it('parses a large template in linear time, with many variables in scope', () => {
    const line = (i: number) => `  k${i}: {{ $v${i} := .Values.a.b | default "x" | quote }}{{- if $v${i} }} {{ $v${i} }}{{ else }}n{{ end }}\n`;
    const big = Array.from({ length: 20000 }, (_, i) => line(i)).join('');
    const t0 = Date.now();
    expect(parse('big', big, { funcs: () => true }).root.nodes.length).toBe(60001);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('has Go location helper with byte columns', () => {
    expect(goLocation('ab\nxé{{.X}}', 7)).toEqual({ line: 2, col: 5 });
  });

  it('does not blow the stack on ordinary nesting, and fails cleanly on absurd nesting', () => {
    const deep = '{{if .}}'.repeat(300) + 'x' + '{{end}}'.repeat(300);
    let n: ListNode = parse('d', deep).root;
    let depth = 0;
    while (n.nodes[0]?.type === 'if') {
      n = (n.nodes[0] as IfNode).list;
      depth++;
    }
    expect(depth).toBe(300);
    const parens = '{{' + '('.repeat(200) + '1' + ')'.repeat(200) + '}}';
    expect(() => parse('p', parens)).not.toThrow();
    const absurd = '{{if .}}'.repeat(200000) + '{{end}}'.repeat(200000);
    expect(() => parse('a', absurd)).toThrow(TemplateParseError);
  });
});

describe('parser: real Helm charts (/work/shared/corpus)', () => {
  const corpus = '/work/shared/corpus';
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : [p];
    });
  const charts = existsSync(corpus) ? readdirSync(corpus).filter((c) => existsSync(join(corpus, c, 'templates'))) : [];

  it('finds the charts', () => {
    expect(charts).toEqual(expect.arrayContaining(['cert-manager', 'grafana', 'ingress-nginx']));
  });

  it.each(charts)('parses every template of %s', (chart) => {
    const templates = files(join(corpus, chart, 'templates'));
    expect(templates.length).toBeGreaterThan(10);
    const defines = new Set<string>();
    let actions = 0;
    for (const f of templates) {
      const name = `${chart}/${relative(join(corpus, chart), f)}`;
      const p = parse(name, readFileSync(f, 'utf8'), { funcs: () => true });
      for (const d of p.defines.keys()) defines.add(d);
      actions += nodeString(p.root).split('{{').length;
    }
    expect(defines.size).toBeGreaterThan(5);
    expect(actions).toBeGreaterThan(100);
  });

  it('finds the helpers of _helpers.tpl and their template calls', () => {
    const p = parse('grafana/templates/_helpers.tpl', readFileSync(join(corpus, 'grafana/templates/_helpers.tpl'), 'utf8'), { funcs: () => true });
    expect(p.defines.has('grafana.fullname')).toBe(true);
    expect(isEmptyTree(p.root)).toBe(true);
    const calls: TemplateNode[] = [];
    const walk = (l: ListNode | undefined): void => {
      for (const n of l?.nodes ?? []) {
        if (n.type === 'template') calls.push(n);
        if (n.type === 'if' || n.type === 'range' || n.type === 'with') {
          walk(n.list);
          walk(n.elseList);
        }
      }
    };
    for (const body of p.defines.values()) walk(body);
    // Helm charts call helpers with include, a function; any template node must name a define.
    for (const c of calls) expect(typeof c.name).toBe('string');
    const range = [...p.defines.values()].flatMap((l) => l.nodes).find((n): n is RangeNode => n.type === 'range');
    expect(range === undefined || range.pipe.cmds.length > 0).toBe(true);
  });
});
