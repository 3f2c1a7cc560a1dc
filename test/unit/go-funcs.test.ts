import { describe, expect, it } from '@jest/globals';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import bcryptjs from 'bcryptjs';
import { loadYaml } from '../../core/yaml.js';
import { formatValue, GoArgError, helmFuncs, sprigFuncs, TemplateFailError, toYamlText } from '../../template-engine/go/funcs/index.js';
import { GoDuration, GoFuncError, GoTime, type FuncMap, type GoValue } from '../../template-engine/go/value.js';

/*
 * Sprig's and Helm's template functions, checked against what the real helm (v4.1.4, Sprig v3.3.0) prints for
 * the same expressions: each case of CASES was rendered by `helm template` as {{ printf "%v" (EXPR) }} with
 * VALUES as values.yaml, and here the same expression is evaluated by a small stand-in for the interpreter
 * (literals, parentheses, pipes, .Values fields, field and method chains) and printed with formatValue.
 */

const VALUES_YAML = String.raw`long: "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua"
longq: "Lorem: ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua"
longd: "Lorem\tipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua"
f1: 1.5
f2: 3.0
f3: 1000000
f4: 1234567.5
f5: 0.000001
f6: 1e21
f7: 123456789012
f8: -0.0
f9: 1e20
f10: 12345678901234567890
keys: {a10: 1, a2: 2, "a-b": 3, ab: 4, B: 5, _x: 6, "1": 7, "10": 8, "9": 9, a: 10, "a b": 11, "01": 12, "002": 13, "x.y": 14, "Z": 15, "é": 16, "ä1": 17}
strs: ["yes", "no", "on", "1.0", "0x1F", "12:30", "~", "", " x", "x ", "a: b", "a #b", "-x", "- x", "emoji 😀", "tab\there", "multi\nline", "multi\nline\n", "trail \nx", "null", "2021-01-01", "@at", "%p", "a'b", "x\u00e9", "09", "1_000", "+1", ".5", ".", "-", "<<", "*star", "!bang", "&amp", "{x}", "[y]", "a,b", "a?b", "?x", ":x", "x:", "y: ", "#c", "a#b", "---", "...", "--x", "1e3", "0o17", "0b101", "-0b101", "1:20:30", "\"dq\"", "back\\slash", "\u0085nel", "\u00a0nbsp", "ctl\u0001", "\ufeffbom", "ends\n\n", "\nleading", " lead\nx", "x\n y", "2021-13-01", "2001-12-14t21:59:43.10-05:00", "true", "True", "TRUE", "tRUE", "Off", "y", "Y", "n", "=", "0", "-0", "1.", "1e", "Inf", ".inf", "-.Inf", ".NaN", "nan"]
nested:
  list: [1, [2, [3]], {a: 1}, [], {}]
  map: {x: {y: {z: [a, b]}}, empty: {}, emptyl: []}
  nil: null
  lstofmaps: [{name: a, v: 1}, {name: b, list: [1, 2]}]
multi: "line1\nline2\n\nline4\n"
multitrail: "line1  \nline2"
longkey_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: 1
"multi\nkey": 2
longurl: "https://example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/b c"
longwords: "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt uuuu vvvv wwww xxxx yyyy zzzz"
longspaces: "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr  ssss tttt uuuu vvvv wwww xxxx yyyy"
longsq: "'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr  ssss tttt uuuu vvvv wwww xxxx yyyy"
edge:
  a: "a\u2028b"
  b: "x\r\ny"
  c: "trailing\n\n\n"
  d: "\n\nleading"
  e: " "
  f: "\t"
  g: "a\u2029"
  h: "long line with a break near the end of the line aaaaaaaaaaaaaaaaaaaaaaaaaa bb\u2028cc dd"
  i: "key: value with 'quotes' and a very long text that goes beyond the eighty columns limit for sure"
  j: "    indented start with lots of text that goes on and on and on and on past the limit of eighty"
  k: "ends with spaces and is long enough to be folded because it goes past the limit of eighty   "
  "a key with spaces that is very long and goes past one hundred and twenty eight bytes for sure yes indeed it does": v
  l: [" ", "", "a b", "-", "- ", "x\ty", "{", "}", "a: ", "a:b", "a :b", "@", "${'`'}", "|", ">", "%", "!", "&", "*", "?", "? x", ",", "#", "'", "\""]
  m: -1
  n: 0.1
  o: -1.5e-10
  p: 1.0e+100
  q: 123456789.125
`;

const values = loadYaml(VALUES_YAML, 'values.yaml') as Record<string, GoValue>;
const hooks = {
  include: (name: string, data: GoValue) => `included ${name} with ${formatValue(data)}`,
  tpl: (text: string, data: GoValue) => `tpl ${text} with ${formatValue(data)}`,
};
const FIXED_NOW = new GoTime(Date.UTC(2024, 0, 15, 10, 30, 45), 123456, 'Local');
const funcs = helmFuncs(hooks, { localZone: 'UTC', now: () => FIXED_NOW });

type Token = { k: 'lit' | 'field' | 'chain' | 'ident' | '(' | ')' | '|'; v?: GoValue };

/** Tokens of a template pipeline with Go's literal rules (ints are bigint, floats numbers). */
function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ') {
      i++;
    } else if (c === ')' && src[i + 1] === '.') {
      const m = /^\.[A-Za-z0-9_.]+/.exec(src.slice(i + 1))![0];
      out.push({ k: ')' }, { k: 'chain', v: m });
      i += 1 + m.length;
    } else if (c === '(' || c === ')' || c === '|') {
      out.push({ k: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      const body = src.slice(i, j + 1).replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1');
      out.push({ k: 'lit', v: JSON.parse(body) });
      i = j + 1;
    } else {
      const word = /^[^\s()|]+/.exec(src.slice(i))![0];
      i += word.length;
      if (/^[-+]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(word)) {
        const neg = word.startsWith('-');
        let t = word.replace(/^[-+]/, '');
        if (/^0[0-7]+$/.test(t)) t = '0o' + t.slice(1);
        out.push({ k: 'lit', v: neg ? -BigInt(t) : BigInt(t) });
      } else if (/^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+)$/.test(word)) out.push({ k: 'lit', v: Number(word) });
      else if (word === 'nil') out.push({ k: 'lit', v: null });
      else if (word === 'true' || word === 'false') out.push({ k: 'lit', v: word === 'true' });
      else if (word.startsWith('.')) out.push({ k: 'field', v: word });
      else out.push({ k: 'ident', v: word });
    }
  }
  return out;
}

/** Field chain: map keys, or methods (called without arguments). */
function walk(v: GoValue, path: string): GoValue {
  for (const name of path.split('.').filter(Boolean)) {
    if (v === null || v === undefined) return undefined;
    const f = Object.prototype.hasOwnProperty.call(v, name) ? (v as Record<string, GoValue>)[name] : undefined;
    v = typeof f === 'function' ? (f as () => GoValue)() : f;
  }
  return v;
}

function evalPipeline(fm: FuncMap, toks: Token[], pos: { i: number }): GoValue {
  let piped: GoValue;
  for (let first = true; ; first = false) {
    const args: GoValue[] = [];
    let fn: string | undefined;
    while (pos.i < toks.length && toks[pos.i].k !== ')' && toks[pos.i].k !== '|') {
      const t = toks[pos.i++];
      if (t.k === '(') {
        let v = evalPipeline(fm, toks, pos);
        pos.i++;
        if (toks[pos.i]?.k === 'chain') v = walk(v, toks[pos.i++].v as string);
        args.push(v);
      } else if (t.k === 'ident' && fn === undefined && args.length === 0) fn = t.v as string;
      else if (t.k === 'ident') args.push(fm.get(t.v as string)!());
      else if (t.k === 'field') args.push(walk({ Values: values }, t.v as string));
      else args.push(t.v);
    }
    if (!first) args.push(piped);
    if (fn !== undefined) {
      const f = fm.get(fn);
      if (!f) throw new Error(`function "${fn}" not defined`);
      piped = f(...args);
    } else piped = args[0];
    if (toks[pos.i]?.k !== '|') return piped;
    pos.i++;
  }
}

function run(expr: string, fm: FuncMap = funcs): GoValue {
  return evalPipeline(fm, lex(expr), { i: 0 });
}

/** [expression, what helm printed (fmt %v) or the error message inside "error calling …: "]. */
const CASES: [string, string | { error: string }][] = [
  ["quote nil", ""],
  ["quote \"a\" nil 3 1.5", "\"a\" \"3\" \"1.5\""],
  ["squote nil \"x\" 2", "'x' '2'"],
  ["cat \"a\" nil \"b\" 3", "a b 3"],
  ["trunc -3 \"abcdef\"", "def"],
  ["trunc 10 \"abc\"", "abc"],
  ["camelcase \"hello_world-foo bar\"", "HelloWorldFooBar"],
  ["camelcase \"_complex__case_\"", "_Complex_Case_"],
  ["camelcase \"HTTP_server\"", "HttpServer"],
  ["snakecase \"HTTPServer2xxOK\"", "http_server_2xx_ok"],
  ["kebabcase \"FirstName\"", "first-name"],
  ["swapcase \"Hello World\"", "hELLO wORLD"],
  ["title \"hello wORLD foo-bar\"", "Hello WORLD Foo-Bar"],
  ["untitle \"Hello World\"", "hello world"],
  ["initials \"John Doe\"", "JD"],
  ["abbrev 5 \"hello world\"", "he..."],
  ["abbrevboth 5 10 \"1234 5678 9123\"", "...5678..."],
  ["wrap 5 \"Hello World\"", "Hello\nWorld"],
  ["wrapWith 5 \"\\t\" \"Hello World\"", "Hello\tWorld"],
  ["substr 1 3 \"abcdef\"", "bc"],
  ["nospace \"a b\\tc\"", "abc"],
  ["plural \"one\" \"many\" 2", "many"],
  ["toString 1.5", "1.5"],
  ["toString 1e6", "1e+06"],
  ["toString (list 1 \"a\" nil)", "[1 a <nil>]"],
  ["toString (dict \"b\" 1 \"a\" 2)", "map[a:2 b:1]"],
  ["add 1 2.9 \"3\"", "6"],
  ["add1 1.9", "2"],
  ["sub 1 \"0x10\"", "-15"],
  ["div 7 2", "3"],
  ["mod 7 -2", "1"],
  ["mul 2 3 4", "24"],
  ["max 1 2.5 \"3\"", "3"],
  ["min 5 \"x\"", "0"],
  ["addf 1.1 2.2", "3.3"],
  ["subf 1 0.9", "0.1"],
  ["mulf 1.1 3", "3.3"],
  ["divf 1 3", "0.3333333333333333"],
  ["maxf 1 2.5", "2.5"],
  ["floor 1.5", "1"],
  ["ceil 1.2", "2"],
  ["round 1.2345 2", "1.23"],
  ["round 2.5 0", "3"],
  ["int \"12.0\"", "12"],
  ["int \"0x1f\"", "31"],
  ["int \"010\"", "8"],
  ["int64 \"1_000\"", "1000"],
  ["float64 \"1.5e3\"", "1500"],
  ["atoi \"12a\"", "0"],
  ["seq 5", "1 2 3 4 5"],
  ["seq 1 2 10", "1 3 5 7 9"],
  ["seq 5 1", "5 4 3 2 1"],
  ["until 3", "[0 1 2]"],
  ["untilStep 0 10 3", "[0 3 6 9]"],
  ["toDecimal \"0777\"", "511"],
  ["camelcase \"helloWorld\"", "HelloWorld"],
  ["camelcase \"FooBAR_baz\"", "FooBARBaz"],
  ["camelcase \"GOLANG_IS_GREAT\"", "GolangIsGreat"],
  ["camelcase \"foo.bar\"", "Foo.bar"],
  ["camelcase \"foo1bar_2x\"", "Foo1bar2x"],
  ["camelcase \"ABC\"", "Abc"],
  ["camelcase \"a\"", "A"],
  ["camelcase \"_\"", "__"],
  ["camelcase \"__a__b__\"", "__A_B__"],
  ["camelcase \"x  y\"", "X Y"],
  ["camelcase \"héllo_wörld\"", "HélloWörld"],
  ["camelcase \"some words-here\"", "SomeWordsHere"],
  ["camelcase \"HTTPServer_ok\"", "HttpserverOk"],
  ["camelcase \"aBC_dEF\"", "ABCDEF"],
  ["camelcase \"foo_BAR\"", "FooBar"],
  ["camelcase \"A_B_C\"", "ABC"],
  ["camelcase \"\"", ""],
  ["snakecase \"FirstName\"", "first_name"],
  ["snakecase \"HTTPServer\"", "http_server"],
  ["snakecase \"NoHTTPS\"", "no_https"],
  ["snakecase \"GO_PATH\"", "go_path"],
  ["snakecase \"GO PATH\"", "go_path"],
  ["snakecase \"http2xx\"", "http_2xx"],
  ["snakecase \"HTTP20xOK\"", "http_20x_ok"],
  ["snakecase \"Duration2m3s\"", "duration_2m3s"],
  ["snakecase \"Bld4Floor3rd\"", "bld4_floor_3rd"],
  ["snakecase \"a.b\"", "a.b"],
  ["snakecase \"snake_case_1\"", "snake_case_1"],
  ["snakecase \"abc123def\"", "abc_123def"],
  ["snakecase \"ABC123\"", "abc123"],
  ["kebabcase \"some-words_here x\"", "some-words-here-x"],
  ["toYaml .Values", "edge:\n  a: 'a     b'\n  a key with spaces that is very long and goes past one hundred and twenty eight bytes for sure yes indeed it does: v\n  b: \"x\\r\\ny\"\n  c: |+\n    trailing\n\n\n  d: |2-\n\n\n    leading\n  e: ' '\n  f: \"\\t\"\n  \"false\": 0.1\n  g: 'a '\n  h: 'long line with a break near the end of the line aaaaaaaaaaaaaaaaaaaaaaaaaa bb     cc dd'\n  i: 'key: value with ''quotes'' and a very long text that goes beyond the eighty\n    columns limit for sure'\n  j: '    indented start with lots of text that goes on and on and on and on past\n    the limit of eighty'\n  k: 'ends with spaces and is long enough to be folded because it goes past the limit\n    of eighty   '\n  l:\n  - ' '\n  - \"\"\n  - a b\n  - '-'\n  - '- '\n  - \"x\\ty\"\n  - '{'\n  - '}'\n  - 'a: '\n  - a:b\n  - a :b\n  - '@'\n  - '`'\n  - '|'\n  - '>'\n  - '%'\n  - '!'\n  - '&'\n  - '*'\n  - '?'\n  - '? x'\n  - ','\n  - '#'\n  - ''''\n  - '\"'\n  m: -1\n  o: -1.5e-10\n  p: 1e+100\n  q: 1.23456789125e+08\nf1: 1.5\nf2: 3\nf3: 1000000\nf4: 1.2345675e+06\nf5: 1e-06\nf6: 1e+21\nf7: 123456789012\nf8: 0\nf9: 1e+20\nf10: 12345678901234567000\nkeys:\n  _x: 6\n  \"1\": 7\n  \"01\": 12\n  \"002\": 13\n  \"9\": 9\n  \"10\": 8\n  B: 5\n  Z: 15\n  a: 10\n  a b: 11\n  a-b: 3\n  a2: 2\n  a10: 1\n  ab: 4\n  x.y: 14\n  ä1: 17\n  é: 16\nlong: Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n  incididunt ut labore et dolore magna aliqua\nlongd: \"Lorem\\tipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n  incididunt ut labore et dolore magna aliqua\"\n? longkey_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n: 1\nlongq: 'Lorem: ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n  incididunt ut labore et dolore magna aliqua'\nlongspaces: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn\n  oooo pppp qqqq rrrr  ssss tttt uuuu vvvv wwww xxxx yyyy\nlongsq: '''aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n  pppp qqqq rrrr  ssss tttt uuuu vvvv wwww xxxx yyyy'\nlongurl: https://example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/b\n  c\nlongwords: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n  pppp qqqq rrrr ssss tttt uuuu vvvv wwww xxxx yyyy zzzz\nmulti: |\n  line1\n  line2\n\n  line4\n? |-\n  multi\n  key\n: 2\nmultitrail: \"line1  \\nline2\"\nnested:\n  list:\n  - 1\n  - - 2\n    - - 3\n  - a: 1\n  - []\n  - {}\n  lstofmaps:\n  - name: a\n    v: 1\n  - list:\n    - 1\n    - 2\n    name: b\n  map:\n    empty: {}\n    emptyl: []\n    x:\n      \"true\":\n        z:\n        - a\n        - b\n  nil: null\nstrs:\n- \"yes\"\n- \"no\"\n- \"on\"\n- \"1.0\"\n- \"0x1F\"\n- \"12:30\"\n- \"~\"\n- \"\"\n- ' x'\n- 'x '\n- 'a: b'\n- 'a #b'\n- -x\n- '- x'\n- \"emoji \\U0001F600\"\n- \"tab\\there\"\n- |-\n  multi\n  line\n- |\n  multi\n  line\n- \"trail \\nx\"\n- \"null\"\n- \"2021-01-01\"\n- '@at'\n- '%p'\n- a'b\n- xé\n- \"09\"\n- \"1_000\"\n- \"+1\"\n- \".5\"\n- .\n- '-'\n- <<\n- '*star'\n- '!bang'\n- '&amp'\n- '{x}'\n- '[y]'\n- a,b\n- a?b\n- ?x\n- :x\n- 'x:'\n- 'y: '\n- '#c'\n- a#b\n- '---'\n- '...'\n- --x\n- \"1e3\"\n- \"0o17\"\n- \"0b101\"\n- \"-0b101\"\n- \"1:20:30\"\n- '\"dq\"'\n- back\\slash\n- ' nel'\n-  nbsp\n- \"ctl\\x01\"\n- \"\\uFEFF\\x62\\x6F\\x6D\"\n- |+\n  ends\n\n- |2-\n\n  leading\n- |2-\n   lead\n  x\n- |-\n  x\n   y\n- 2021-13-01\n- \"2001-12-14t21:59:43.10-05:00\"\n- \"true\"\n- \"True\"\n- \"TRUE\"\n- tRUE\n- \"Off\"\n- \"y\"\n- \"Y\"\n- \"n\"\n- =\n- \"0\"\n- \"-0\"\n- \"1.\"\n- 1e\n- Inf\n- \".inf\"\n- \"-.Inf\"\n- \".NaN\"\n- nan"],
  ["toYaml .Values.strs", "- \"yes\"\n- \"no\"\n- \"on\"\n- \"1.0\"\n- \"0x1F\"\n- \"12:30\"\n- \"~\"\n- \"\"\n- ' x'\n- 'x '\n- 'a: b'\n- 'a #b'\n- -x\n- '- x'\n- \"emoji \\U0001F600\"\n- \"tab\\there\"\n- |-\n  multi\n  line\n- |\n  multi\n  line\n- \"trail \\nx\"\n- \"null\"\n- \"2021-01-01\"\n- '@at'\n- '%p'\n- a'b\n- xé\n- \"09\"\n- \"1_000\"\n- \"+1\"\n- \".5\"\n- .\n- '-'\n- <<\n- '*star'\n- '!bang'\n- '&amp'\n- '{x}'\n- '[y]'\n- a,b\n- a?b\n- ?x\n- :x\n- 'x:'\n- 'y: '\n- '#c'\n- a#b\n- '---'\n- '...'\n- --x\n- \"1e3\"\n- \"0o17\"\n- \"0b101\"\n- \"-0b101\"\n- \"1:20:30\"\n- '\"dq\"'\n- back\\slash\n- ' nel'\n-  nbsp\n- \"ctl\\x01\"\n- \"\\uFEFF\\x62\\x6F\\x6D\"\n- |+\n  ends\n\n- |2-\n\n  leading\n- |2-\n   lead\n  x\n- |-\n  x\n   y\n- 2021-13-01\n- \"2001-12-14t21:59:43.10-05:00\"\n- \"true\"\n- \"True\"\n- \"TRUE\"\n- tRUE\n- \"Off\"\n- \"y\"\n- \"Y\"\n- \"n\"\n- =\n- \"0\"\n- \"-0\"\n- \"1.\"\n- 1e\n- Inf\n- \".inf\"\n- \"-.Inf\"\n- \".NaN\"\n- nan"],
  ["toYaml .Values.nested", "list:\n- 1\n- - 2\n  - - 3\n- a: 1\n- []\n- {}\nlstofmaps:\n- name: a\n  v: 1\n- list:\n  - 1\n  - 2\n  name: b\nmap:\n  empty: {}\n  emptyl: []\n  x:\n    \"true\":\n      z:\n      - a\n      - b\nnil: null"],
  ["toYaml .Values.nested.list", "- 1\n- - 2\n  - - 3\n- a: 1\n- []\n- {}"],
  ["toYaml .Values.multi", "|\n  line1\n  line2\n\n  line4"],
  ["toYaml .Values.f4", "1.2345675e+06"],
  ["toYaml nil", "null"],
  ["toYaml \"x\"", "x"],
  ["toYaml (list)", "[]"],
  ["toYaml (dict)", "{}"],
  ["toYaml (list (list 1 2) (list))", "- - 1\n  - 2\n- []"],
  ["toYaml (dict \"a\" (list (dict \"b\" (list 1))))", "a:\n- b:\n  - 1"],
  ["toYaml (list 1 2.5 \"3\" true nil)", "- 1\n- 2.5\n- \"3\"\n- true\n- null"],
  ["toYaml (dict \"k\" 3 \"f\" 3.0 \"big\" 1e100)", "big: 1e+100\nf: 3\nk: 3"],
  ["toJson .Values.nested", "{\"list\":[1,[2,[3]],{\"a\":1},[],{}],\"lstofmaps\":[{\"name\":\"a\",\"v\":1},{\"list\":[1,2],\"name\":\"b\"}],\"map\":{\"empty\":{},\"emptyl\":[],\"x\":{\"true\":{\"z\":[\"a\",\"b\"]}}},\"nil\":null}"],
  ["toJson .Values.strs", "[\"yes\",\"no\",\"on\",\"1.0\",\"0x1F\",\"12:30\",\"~\",\"\",\" x\",\"x \",\"a: b\",\"a #b\",\"-x\",\"- x\",\"emoji 😀\",\"tab\\there\",\"multi\\nline\",\"multi\\nline\\n\",\"trail \\nx\",\"null\",\"2021-01-01\",\"@at\",\"%p\",\"a'b\",\"xé\",\"09\",\"1_000\",\"+1\",\".5\",\".\",\"-\",\"\\u003c\\u003c\",\"*star\",\"!bang\",\"\\u0026amp\",\"{x}\",\"[y]\",\"a,b\",\"a?b\",\"?x\",\":x\",\"x:\",\"y: \",\"#c\",\"a#b\",\"---\",\"...\",\"--x\",\"1e3\",\"0o17\",\"0b101\",\"-0b101\",\"1:20:30\",\"\\\"dq\\\"\",\"back\\\\slash\",\"nel\",\" nbsp\",\"ctl\\u0001\",\"﻿bom\",\"ends\\n\\n\",\"\\nleading\",\" lead\\nx\",\"x\\n y\",\"2021-13-01\",\"2001-12-14t21:59:43.10-05:00\",\"true\",\"True\",\"TRUE\",\"tRUE\",\"Off\",\"y\",\"Y\",\"n\",\"=\",\"0\",\"-0\",\"1.\",\"1e\",\"Inf\",\".inf\",\"-.Inf\",\".NaN\",\"nan\"]"],
  ["toJson (dict \"h\" \"<a&b>\" \"f\" 1e21 \"g\" 1e-7 \"z\" -0.0 \"u\" \"\\u2028\")", "{\"f\":1e+21,\"g\":1e-7,\"h\":\"\\u003ca\\u0026b\\u003e\",\"u\":\"\\u2028\",\"z\":-0}"],
  ["toRawJson (dict \"h\" \"<a&b>\")", "{\"h\":\"<a&b>\"}"],
  ["toPrettyJson (dict \"a\" (list 1 (dict) (list)) \"b\" (dict \"c\" nil))", "{\n  \"a\": [\n    1,\n    {},\n    []\n  ],\n  \"b\": {\n    \"c\": null\n  }\n}"],
  ["toPrettyJson (list)", "[]"],
  ["toJson (list)", "[]"],
  ["toJson nil", "null"],
  ["toJson .Values.f8", "-0"],
  ["toJson .Values.f10", "12345678901234567000"],
  ["toYaml .Values.f10", "12345678901234567000"],
  ["toYaml .Values.f9", "1e+20"],
  ["fromJson \"{\\\"a\\\":1,\\\"b\\\":[1,2.5,\\\"x\\\"],\\\"c\\\":null}\"", "map[a:1 b:[1 2.5 x] c:<nil>]"],
  ["fromJson \"[1]\"", "map[Error:json: cannot unmarshal array into Go value of type map[string]interface {}]"],
  ["fromJson \"{bad\"", "map[Error:invalid character 'b' looking for beginning of object key string]"],
  ["fromJson \"\"", "map[Error:unexpected end of JSON input]"],
  ["fromJson \"{\\\"a\\\":1} x\"", "map[Error:invalid character 'x' after top-level value]"],
  ["fromJson \"{\\\"a\\\" 1}\"", "map[Error:invalid character '1' after object key]"],
  ["fromJson \"{\\\"a\\\":tru}\"", "map[Error:invalid character '}' in literal true (expecting 'e')]"],
  ["fromJson \"{\\\"a\\\":\\\"\\\\q\\\"}\"", "map[Error:invalid character 'q' in string escape code]"],
  ["fromJson \"{\\\"a\\\":01}\"", "map[Error:invalid character '1' after object key:value pair]"],
  ["fromJsonArray \"[1,{\\\"a\\\":2}]\"", "[1 map[a:2]]"],
  ["fromJsonArray \"{}\"", "[json: cannot unmarshal object into Go value of type []interface {}]"],
  ["mustFromJson \"1.5\"", "1.5"],
  ["fromYaml \"a: 1\\nb: [x, y]\\nc: yes\\nd: 2021-01-01\\ne: 0777\\nf: 1_000\\ng: ~\"", "map[a:1 b:[x true] c:true d:2021-01-01 e:511 f:1000 g:<nil>]"],
  ["fromYaml \"- a\\n- b\"", "map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}]"],
  ["fromYamlArray \"- 1\\n- a: 2\"", "[1 map[a:2]]"],
  ["fromYamlArray \"a: 1\"", "[error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}]"],
  ["toToml (dict \"a\" 1 \"b\" \"x\" \"c\" (dict \"d\" 2.5 \"e\" (dict \"f\" true)) \"g\" (list 1 2) \"h\" (list (dict \"i\" 1) (dict \"i\" 2)))", "a = 1\nb = \"x\"\ng = [1, 2]\n\n[c]\n  d = 2.5\n  [c.e]\n    f = true\n\n[[h]]\n  i = 1\n\n[[h]]\n  i = 2\n"],
  ["toToml (list 1)", "[1]"],
  ["toToml \"x\"", "\"x\""],
  ["toToml (dict \"a b\" 1 \"c\" nil \"d\" (list (dict) 1))", "\"a b\" = 1\nd = [{}, 1]\n"],
  ["toToml (dict \"x\" 3.0 \"y\" 1e6 \"z\" \"q\\\"\\n\")", "x = 3.0\ny = 1e+06\nz = \"q\\\"\\n\"\n"],
  ["fromToml \"a = 1\\nb = \\\"x\\\"\\n[c]\\nd = 2.5\\n[[e]]\\nf = true\"", "map[a:1 b:x c:map[d:2.5] e:[map[f:true]]]"],
  ["toYamlPretty (dict \"a\" (list 1 2) \"b\" (dict \"c\" \"yes\") \"f\" 1e6 \"g\" 3.0)", "a:\n  - 1\n  - 2\nb:\n  c: \"yes\"\nf: 1e+06\ng: 3"],
  ["list 1 \"a\" nil", "[1 a <nil>]"],
  ["first (list 1 2 3)", "1"],
  ["first (list)", "<nil>"],
  ["first \"abc\"", { error: "Cannot find first on type string" }],
  ["first nil", { error: "runtime error: invalid memory address or nil pointer dereference" }],
  ["last (list 1 2 3)", "3"],
  ["rest (list 1 2 3)", "[2 3]"],
  ["rest (list)", "[]"],
  ["initial (list 1 2 3)", "[1 2]"],
  ["append (list 1 2) 3", "[1 2 3]"],
  ["append \"x\" 3", { error: "Cannot push on type string" }],
  ["prepend (list 1 2) 0", "[0 1 2]"],
  ["concat (list 1) (list 2 3) (list)", "[1 2 3]"],
  ["concat (list)", "[]"],
  ["concat (list 1) \"s\"", { error: "Cannot concat type string as list" }],
  ["reverse (list 1 2 3)", "[3 2 1]"],
  ["uniq (list 1 2 1 \"a\" \"a\" 1.0 2)", "[1 2 a 1]"],
  ["without (list 1 2 3 2) 2 3", "[1]"],
  ["has 2 (list 1 2)", "true"],
  ["has \"2\" (list 1 2)", "false"],
  ["has 1 nil", "false"],
  ["compact (list 1 0 \"\" nil \"a\" false (list) (dict))", "[1 a]"],
  ["slice (list 1 2 3 4) 1 3", "[2 3]"],
  ["slice (list 1 2 3 4) 2", "[3 4]"],
  ["slice (list 1 2 3 4)", "[1 2 3 4]"],
  ["slice (list) 1", "<nil>"],
  ["slice (list 1 2) 3", { error: "reflect.Value.Slice: slice index out of bounds" }],
  ["chunk 2 (list 1 2 3 4 5)", "[[1 2] [3 4] [5]]"],
  ["chunk 3 (list)", "[]"],
  ["sortAlpha (list \"b\" \"a\" \"C\" 10 2)", "[10 2 C a b]"],
  ["sortAlpha \"x\"", "[x]"],
  ["sortAlpha nil", "[<nil>]"],
  ["until -3", "[0 -1 -2]"],
  ["untilStep 10 0 -3", "[10 7 4 1]"],
  ["untilStep 0 10 0", "[]"],
  ["seq 3 1 -1", ""],
  ["seq 0", "1 0"],
  ["seq -2", "1 0 -1 -2"],
  ["seq 1 -1 5", ""],
  ["seq 5 -2 1", "5 3 1"],
  ["dict \"a\" 1 \"b\"", "map[a:1 b:]"],
  ["dict 1 2 true 3", "map[1:2 true:3]"],
  ["get (dict \"a\" 1) \"a\"", "1"],
  ["get (dict \"a\" 1) \"b\"", ""],
  ["set (dict \"a\" 1) \"b\" 2", "map[a:1 b:2]"],
  ["unset (dict \"a\" 1 \"b\" 2) \"a\"", "map[b:2]"],
  ["hasKey (dict \"a\" 1) \"a\"", "true"],
  ["pluck \"a\" (dict \"a\" 1) (dict \"b\" 2) (dict \"a\" 3)", "[1 3]"],
  ["keys (dict \"a\" 1) | sortAlpha", "[a]"],
  ["values (dict \"a\" 1)", "[1]"],
  ["pick (dict \"a\" 1 \"b\" 2 \"c\" 3) \"a\" \"c\" \"z\"", "map[a:1 c:3]"],
  ["omit (dict \"a\" 1 \"b\" 2 \"c\" 3) \"a\" \"c\"", "map[b:2]"],
  ["merge (dict \"a\" 1 \"b\" (dict \"x\" 1) \"e\" \"\" \"f\" false) (dict \"a\" 2 \"b\" (dict \"y\" 2 \"x\" 5) \"c\" 3 \"e\" \"E\" \"f\" true)", "map[a:1 b:map[x:1 y:2] c:3 e:E f:true]"],
  ["mergeOverwrite (dict \"a\" 1 \"b\" (dict \"x\" 1) \"e\" \"x\" \"f\" true) (dict \"a\" 2 \"b\" (dict \"y\" 2 \"x\" 5) \"c\" 3 \"e\" \"\" \"f\" false \"g\" nil)", "map[a:2 b:map[x:5 y:2] c:3 e: f:false g:<nil>]"],
  ["merge (dict \"l\" (list 1)) (dict \"l\" (list 2 3))", "map[l:[1]]"],
  ["merge (dict \"l\" (list)) (dict \"l\" (list 2 3))", "map[l:[2 3]]"],
  ["mergeOverwrite (dict \"l\" (list 1)) (dict \"l\" (list))", "map[l:[]]"],
  ["merge (dict \"m\" (dict)) (dict \"m\" (dict \"a\" 1))", "map[m:map[a:1]]"],
  ["merge (dict \"s\" \"str\") (dict \"s\" (dict \"a\" 1))", "map[s:str]"],
  ["mergeOverwrite (dict \"s\" \"str\") (dict \"s\" (dict \"a\" 1))", "map[s:map[a:1]]"],
  ["merge (dict \"m\" (dict \"a\" 1)) (dict \"m\" \"str\")", "map[m:map[a:1]]"],
  ["mergeOverwrite (dict \"m\" (dict \"a\" 1)) (dict \"m\" \"str\")", "map[m:str]"],
  ["dig \"a\" \"b\" \"def\" (dict \"a\" (dict \"b\" 5))", "5"],
  ["dig \"a\" \"c\" \"def\" (dict \"a\" (dict \"b\" 5))", "def"],
  ["dig \"a\" \"b\" \"c\" \"def\" (dict \"a\" (dict \"b\" \"x\"))", { error: "interface conversion: interface {} is string, not map[string]interface {}" }],
  ["dig \"x\" \"def\" (dict \"a\" 1)", "def"],
  ["deepCopy (dict \"a\" (list 1 (dict \"b\" 2)))", "map[a:[1 map[b:2]]]"],
  ["empty 0", "true"],
  ["empty 0.0", "true"],
  ["empty \"\"", "true"],
  ["empty (list)", "true"],
  ["empty (dict)", "true"],
  ["empty false", "true"],
  ["empty nil", "true"],
  ["empty .Values.missing", "true"],
  ["empty \"0\"", "false"],
  ["default \"d\" nil", "d"],
  ["default \"d\" 0", "d"],
  ["default \"d\" \"x\"", "x"],
  ["default \"d\"", "d"],
  ["default \"d\" (list)", "d"],
  ["default \"d\" false", "d"],
  ["coalesce nil 0 \"\" \"x\" \"y\"", "x"],
  ["coalesce nil", "<nil>"],
  ["all 1 \"a\" true", "true"],
  ["all 1 \"\" true", "false"],
  ["any 0 \"\" nil", "false"],
  ["any 0 \"x\"", "true"],
  ["ternary \"a\" \"b\" true", "a"],
  ["ternary \"a\" \"b\" false", "b"],
  ["kindOf 1.5", "float64"],
  ["kindOf \"x\"", "string"],
  ["kindOf (list)", "slice"],
  ["kindOf (dict)", "map"],
  ["kindOf nil", "invalid"],
  ["kindOf true", "bool"],
  ["typeOf (list)", "[]interface {}"],
  ["typeOf (dict)", "map[string]interface {}"],
  ["typeOf nil", "<nil>"],
  ["typeOf 1.5", "float64"],
  ["typeOf (splitList \",\" \"a,b\")", "[]string"],
  ["typeOf (semver \"1.2.3\")", "*semver.Version"],
  ["kindIs \"map\" (dict)", "true"],
  ["typeIs \"string\" \"x\"", "true"],
  ["typeIsLike \"string\" \"x\"", "true"],
  ["deepEqual (list 1 2) (list 1 2)", "true"],
  ["deepEqual (dict \"a\" 1) (dict \"a\" 1.0)", "false"],
  ["deepEqual 1 1", "true"],
  ["split \",\" \"a,b,c\"", "map[_0:a _1:b _2:c]"],
  ["(split \",\" \"a,b,c\")._1", "b"],
  ["typeOf (split \",\" \"a\")", "map[string]string"],
  ["toJson (split \",\" \"a,b\")", "{\"_0\":\"a\",\"_1\":\"b\"}"],
  ["splitn \",\" 2 \"a,b,c\"", "map[_0:a _1:b,c]"],
  ["splitn \",\" 0 \"a,b,c\"", "map[]"],
  ["split \"\" \"héllo\"", "map[_0:h _1:é _2:l _3:l _4:o]"],
  ["splitList \"\" \"abc\"", "[a b c]"],
  ["splitList \",\" \"\"", "[]"],
  ["join \"-\" (list 1 \"a\" nil 2.5)", "1-a-2.5"],
  ["join \",\" \"abc\"", "abc"],
  ["join \",\" nil", ""],
  ["toStrings (list 1 nil \"x\")", "[1 x]"],
  ["regexMatch \"^[a-z]+$\" \"abc\"", "true"],
  ["regexMatch \"(\" \"abc\"", "false"],
  ["mustRegexMatch \"(\" \"abc\"", { error: "error parsing regexp: missing closing ): `(`" }],
  ["regexFind \"[0-9]+\" \"abc123def456\"", "123"],
  ["regexFindAll \"[0-9]+\" \"abc123def456\" -1", "[123 456]"],
  ["regexFindAll \"[0-9]+\" \"abc123def456\" 1", "[123]"],
  ["regexFindAll \"x\" \"abc\" -1", "[]"],
  ["toJson (regexFindAll \"x\" \"abc\" -1)", "null"],
  ["regexFindAll \"a*\" \"baaac\" -1", "[ aaa ]"],
  ["regexReplaceAll \"a*\" \"baaac\" \"X\"", "XbXcX"],
  ["regexReplaceAll \"(?P<first>[a-z]+) (?P<last>[a-z]+)\" \"john smith\" \"${last}, $first\"", "smith, john"],
  ["regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\"", "-W-xxW-"],
  ["regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"$1W\"", "---"],
  ["regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"$$1\"", "-$1-$1-"],
  ["regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"$2|$|${1\"", "-|$|${1-|$|${1-"],
  ["regexReplaceAllLiteral \"a(x*)b\" \"-ab-axxb-\" \"$1\"", "-$1-$1-"],
  ["regexReplaceAll \"\" \"abc\" \"-\"", "-a-b-c-"],
  ["regexReplaceAll \"(?i)HELLO\" \"hello Hello\" \"hi\"", "hi hi"],
  ["regexReplaceAll \"x*\" \"héllo\" \"-\"", "-h-é-l-l-o-"],
  ["regexSplit \"z+\" \"pizza\" -1", "[pi a]"],
  ["regexSplit \"z+\" \"pizza\" 0", "[]"],
  ["regexSplit \"z+\" \"pizza\" 1", "[pizza]"],
  ["regexSplit \"a\" \"banana\" 2", "[b nana]"],
  ["regexSplit \"\" \"abc\" -1", "[a b c]"],
  ["regexSplit \"x\" \"\" -1", "[]"],
  ["regexSplit \"a*\" \"baaac\" -1", "[b c]"],
  ["regexFind \"(\" \"x\"", { error: "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`" }],
  ["mustRegexFind \"[\" \"x\"", { error: "error parsing regexp: missing closing ]: `[`" }],
  ["regexQuoteMeta \"1.5+2*[x]\"", "1\\.5\\+2\\*\\[x\\]"],
  ["regexMatch \"\\\\$(?:__(?:env|file|vault))?{[^}]+}\" \"${__env:X}\"", "true"],
  ["regexMatch \"[[:alpha:]]+\\\\z\" \"abc\"", "true"],
  ["regexFindAll \"\\\\pL+\" \"héllo wörld 123\" -1", "[héllo wörld]"],
  ["regexMatch \"a{2,}\" \"caab\"", "true"],
  ["semver \"1.2.3-beta.1+build\"", "1.2.3-beta.1+build"],
  ["(semver \"v1.2\").Major", "1"],
  ["(semver \"1.2.3\").Minor", "2"],
  ["(semver \"1.2.3-alpha\").Prerelease", "alpha"],
  ["(semver \"1.2.3\").Original", "1.2.3"],
  ["semver \"1.2.3.4\"", { error: "invalid semantic version" }],
  ["semver \"x\"", { error: "invalid semantic version" }],
  ["semver \"01.2.3\"", "1.2.3"],
  ["semver \"1.2.3-01\"", { error: "version segment starts with 0" }],
  ["toJson (semver \"v1.2.3\")", "\"1.2.3\""],
  ["semverCompare \">=1.20.0-0\" \"v1.30.0\"", "true"],
  ["semverCompare \">=1.33.0-0\" \"v1.30.0\"", "false"],
  ["semverCompare \"^1.2.0\" \"1.3.0-beta\"", "false"],
  ["semverCompare \"^1.2.0-0\" \"1.3.0-beta\"", "true"],
  ["semverCompare \"~1.2\" \"1.2.9\"", "true"],
  ["semverCompare \">=1\" \"1.15.1\"", "true"],
  ["semverCompare \"1.2 - 1.4\" \"1.4.5\"", "true"],
  ["semverCompare \"!=1.2.3\" \"1.2.3\"", "false"],
  ["semverCompare \"bad constraint\" \"1.2.3\"", { error: "improper constraint: bad constraint" }],
  ["semverCompare \">1\" \"bad\"", { error: "invalid semantic version" }],
  ["semverCompare \"<=1.2.3 || >=2\" \"2.1.0\"", "true"],
  ["(semver \"1.2.3\").IncMinor", "1.3.0"],
  ["b64enc \"héllo\"", "aMOpbGxv"],
  ["b64dec \"aMOpbGxv\"", "héllo"],
  ["b64dec \"aMOpbGx\"", "illegal base64 data at input byte 4"],
  ["b64dec \"aGk=x\"", "illegal base64 data at input byte 4"],
  ["b64dec \"a$b=\"", "illegal base64 data at input byte 1"],
  ["b64dec \"aGk\"", "illegal base64 data at input byte 0"],
  ["b64dec \"aG==\"", "h"],
  ["b64dec \"aGk=\\naGk=\"", "illegal base64 data at input byte 5"],
  ["b32enc \"hello\"", "NBSWY3DP"],
  ["b32dec \"NBSWY3DP\"", "hello"],
  ["b32dec \"NBSWY3D\"", "illegal base32 data at input byte 0"],
  ["b32dec \"NBSWY3DPEE======\"", "hello!"],
  ["sha1sum \"abc\"", "a9993e364706816aba3e25717850c26c9cd0d89d"],
  ["sha256sum \"abc\"", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  ["sha512sum \"abc\"", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"],
  ["adler32sum \"Wikipedia\"", "300286872"],
  ["derivePassword 1 \"long\" \"password\" \"user\" \"example.com\"", "ZedaFaxcZaso9*"],
  ["derivePassword 1 \"maximum\" \"password\" \"user\" \"example.com\"", "pf4zS1LjCg&LjhsZ7T2~"],
  ["derivePassword 2 \"pin\" \"x\" \"y\" \"z\"", "7998"],
  ["derivePassword 1 \"nope\" \"x\" \"y\" \"z\"", "cannot find password template nope"],
  ["decryptAES \"secretkey\" \"xQqjHYTjnwf8nJ6vIPaUbKQnwZPPb/K3RFsxJsX/KwU=\"", { error: "runtime error: slice bounds out of range [:-202]" }],
  ["htpasswd \"a:b\" \"x\"", "invalid username: a:b"],
  ["dateInZone \"2006-01-02T15:04:05Z07:00\" 1700000000 \"UTC\"", "2023-11-14T22:13:20Z"],
  ["dateInZone \"2006-01-02T15:04:05Z07:00\" 1700000000 \"America/New_York\"", "2023-11-14T17:13:20-05:00"],
  ["dateInZone \"Mon Jan _2 15:04:05 MST 2006\" 1700000000 \"Europe/Berlin\"", "Tue Nov 14 23:13:20 CET 2023"],
  ["dateInZone \"Monday, January 2, 2006 3:04:05.000 PM -0700 MST\" 1700000000 \"Asia/Kolkata\"", "Wednesday, November 15, 2023 3:43:20.000 AM +0530 IST"],
  ["dateInZone \"2006-01-02 15:04:05 MST\" 1700000000 \"Asia/Dubai\"", "2023-11-15 02:13:20 +04"],
  ["dateInZone \"2006-01-02 15:04:05 MST\" 1700000000 \"Australia/Adelaide\"", "2023-11-15 08:43:20 ACDT"],
  ["dateInZone \"2006-01-02 15:04:05 MST\" 1700000000 \"America/Sao_Paulo\"", "2023-11-14 19:13:20 -03"],
  ["dateInZone \"2006-01-02 15:04:05 MST\" 1700000000 \"Europe/London\"", "2023-11-14 22:13:20 GMT"],
  ["dateInZone \"2006-01-02 15:04:05 MST\" 1690000000 \"Europe/London\"", "2023-07-22 05:26:40 BST"],
  ["dateInZone \"2006-01-02 15:04:05 MST\" 1700000000 \"Bogus/Zone\"", "2023-11-14 22:13:20 UTC"],
  ["dateInZone \"2006-01-02\" 1700000000 \"\"", "2023-11-14"],
  ["dateInZone \"06 Jan 1 2 3 4 5 002 __2 pm PM -07 -07:00:00 Z0700 .999 ,000\" 1700000000 \"America/St_Johns\"", "23 Nov 11 14 6 43 20 318 318 pm PM -03 -03:30:00 -0330  ,000"],
  ["date \"2006-01-02 15:04\" 1700000000", "2023-11-14 22:13"],
  ["htmlDate 1700000000", "2023-11-14"],
  ["htmlDateInZone 1700000000 \"Asia/Tokyo\"", "2023-11-15"],
  ["toDate \"2006-01-02\" \"2017-12-31\"", "2017-12-31 00:00:00 +0000 UTC"],
  ["toDate \"2006-01-02 15:04:05 -0700\" \"2017-12-31 10:11:12 +0530\"", "2017-12-31 10:11:12 +0530 +0530"],
  ["toDate \"2006-01-02T15:04:05Z07:00\" \"2017-12-31T10:11:12.123456789Z\"", "2017-12-31 10:11:12.123456789 +0000 UTC"],
  ["toDate \"2006-01-02T15:04:05Z07:00\" \"2017-12-31T10:11:12.5-08:00\"", "2017-12-31 10:11:12.5 -0800 -0800"],
  ["toDate \"2006-01-02\" \"bad\"", "0001-01-01 00:00:00 +0000 UTC"],
  ["mustToDate \"2006-01-02\" \"2017-13-01\"", { error: "parsing time \"2017-13-01\": month out of range" }],
  ["mustToDate \"2006-01-02\" \"2017-12-31x\"", { error: "parsing time \"2017-12-31x\": extra text: \"x\"" }],
  ["mustToDate \"Jan 2 2006\" \"feb 29 2020\"", "2020-02-29 00:00:00 +0000 UTC"],
  ["mustToDate \"Jan 2 2006\" \"feb 30 2020\"", { error: "parsing time \"feb 30 2020\": day out of range" }],
  ["mustToDate \"3:04PM\" \"11:30am\"", { error: "parsing time \"11:30am\" as \"3:04PM\": cannot parse \"am\" as \"PM\"" }],
  ["mustToDate \"3:04PM\" \"11:30AM\"", "0000-01-01 11:30:00 +0000 UTC"],
  ["mustToDate \"2006-01-02 15:04:05.000\" \"2017-12-31 10:11:12.1\"", { error: "parsing time \"2017-12-31 10:11:12.1\" as \"2006-01-02 15:04:05.000\": cannot parse \".1\" as \".000\"" }],
  ["mustToDate \"2006-01-02 15:04:05\" \"2017-12-31 10:11:12.987\"", "2017-12-31 10:11:12.987 +0000 UTC"],
  ["mustToDate \"2006-01-02 MST\" \"2017-12-31 CET\"", "2017-12-31 00:00:00 +0000 CET"],
  ["unixEpoch (toDate \"2006-01-02\" \"2017-12-31\")", "1514678400"],
  ["dateModify \"1h30m\" (toDate \"2006-01-02\" \"2017-12-31\")", "2017-12-31 01:30:00 +0000 UTC"],
  ["dateModify \"bad\" (toDate \"2006-01-02\" \"2017-12-31\")", "2017-12-31 00:00:00 +0000 UTC"],
  ["mustDateModify \"bad\" (toDate \"2006-01-02\" \"2017-12-31\")", { error: "time: invalid duration \"bad\"" }],
  ["mustDateModify \"-1.5h\" (toDate \"2006-01-02\" \"2017-12-31\")", "2017-12-30 22:30:00 +0000 UTC"],
  ["mustDateModify \"1us\" (toDate \"2006-01-02\" \"2017-12-31\")", "2017-12-31 00:00:00.000001 +0000 UTC"],
  ["duration \"95\"", "1m35s"],
  ["duration \"3700\"", "1h1m40s"],
  ["duration 0", "0s"],
  ["duration \"x\"", "0s"],
  ["durationRound \"2h30m\"", "2h"],
  ["durationRound \"400h\"", "16d"],
  ["durationRound \"9000h\"", "1y"],
  ["durationRound \"30s\"", "30s"],
  ["durationRound \"1s\"", "0s"],
  ["durationRound \"x\"", "0s"],
  ["durationRound \"-3h\"", "3h"],
  ["toDate \"2006-01-02\" \"0001-01-01\"", "0001-01-01 00:00:00 +0000 UTC"],
  ["dateInZone \"2006-01-02 15:04:05.999999999 -0700 MST\" (toDate \"2006-01-02T15:04:05.999999999Z07:00\" \"2017-12-31T10:11:12.000001Z\") \"UTC\"", "2017-12-31 10:11:12.000001 +0000 UTC"],
  ["toJson (toDate \"2006-01-02T15:04:05Z07:00\" \"2017-12-31T10:11:12.5-08:00\")", "\"2017-12-31T10:11:12.5-08:00\""],
  ["toYaml (dict \"t\" (toDate \"2006-01-02\" \"2017-12-31\"))", "t: \"2017-12-31T00:00:00Z\""],
  ["quote \"a\\\"b\\\\c\\n\\t\\x01\\u00e9\\u00a0😀\\u200b\"", "\"a\\\"b\\\\c\\n\\t\\x01é\\u00a0😀\\u200b\""],
  ["quote (list 1 \"a\") (dict \"k\" \"v\")", "\"[1 a]\" \"map[k:v]\""],
  ["quote 1.0 1e7 0.00001 true", "\"1\" \"1e+07\" \"1e-05\" \"true\""],
  ["squote (list 1 \"a\")", "'[1 a]'"],
  ["cat (list 1 2) nil 3.5", "[1 2] 3.5"],
  ["trim \"  \\t\\n x y \\u00a0\\u2003\"", "x y"],
  ["trimAll \"$-\" \"$-$x-y$-$\"", "x-y"],
  ["trimSuffix \"-\" \"a--\"", "a-"],
  ["trimPrefix \"-\" \"--a\"", "-a"],
  ["trimPrefix \"\" \"a\"", "a"],
  ["upper \"héllo ßtraße ǆ\"", "HÉLLO ßTRAßE Ǆ"],
  ["lower \"HÉLLO İ Σ\"", "héllo i σ"],
  ["title \"hello_world foo.bar x-y 1st élan\"", "Hello_world Foo.Bar X-Y 1st Élan"],
  ["title \"ǆemal\"", "ǅemal"],
  ["untitle \"HELLO World\\tX\"", "hELLO world\tx"],
  ["substr 0 3 \"héllo\"", "hé"],
  ["substr 2 1 \"abc\"", { error: "runtime error: slice bounds out of range [2:1]" }],
  ["substr -1 2 \"abc\"", "ab"],
  ["substr 1 -1 \"abc\"", "bc"],
  ["substr 1 10 \"abc\"", "bc"],
  ["substr 5 10 \"abc\"", { error: "runtime error: slice bounds out of range [5:3]" }],
  ["substr -1 5 \"abc\"", { error: "runtime error: slice bounds out of range [:5] with length 3" }],
  ["trunc 2 \"héllo\"", "h�"],
  ["trunc -2 \"héllo\"", "lo"],
  ["trunc 0 \"abc\"", ""],
  ["trunc -5 \"abc\"", "abc"],
  ["repeat 3 \"ab\"", "ababab"],
  ["repeat 0 \"ab\"", ""],
  ["repeat -1 \"ab\"", { error: "strings: negative Repeat count" }],
  ["nospace \" a\\u00a0b c \"", "aÂbc"],
  ["nospace \"héllo wörld\"", "hÃ©llowÃ¶rld"],
  ["nospace \"héllo\"", "héllo"],
  ["initials \"hello  world\\tfoo\"", "hwf"],
  ["initials \"Émile Zola\"", "ÃZ"],
  ["abbrev 3 \"hello\"", "hello"],
  ["abbrev 5 \"hi\"", "hi"],
  ["abbrev 4 \"hello\"", "h..."],
  ["abbrevboth 0 5 \"hello world\"", "he..."],
  ["abbrevboth 10 8 \"abcdefghijklmnopqrstuvwxyz\"", "...kl..."],
  ["abbrevboth 1 6 \"abcdefghijklmnopqrstuvwxyz\"", "abcdefghijklmnopqrstuvwxyz"],
  ["abbrevboth 20 10 \"abcdefghijklmnopqrstuvwxyz\"", "...tuvwxyz"],
  ["wrap 10 \"The quick brown fox jumps over the lazy dog\"", "The quick\nbrown fox\njumps over\nthe lazy\ndog"],
  ["wrap 3 \"a verylongword b\"", "a\nverylongword\nb"],
  ["wrap 0 \"a b c\"", "a\nb\nc"],
  ["wrapWith 5 \"<br>\" \"abcdefghijkl mnop\"", "abcde<br>fghij<br>kl<br>mnop"],
  ["wrapWith 10 \"\" \"aa bb\"", "aa bb"],
  ["wrap 5 \"   leading spaces here\"", "leading\nspaces\nhere"],
  ["contains \"b\" \"abc\"", "true"],
  ["hasPrefix \"ab\" \"abc\"", "true"],
  ["hasSuffix \"bc\" \"abc\"", "true"],
  ["indent 2 \"a\\nb\\n\"", "  a\n  b\n  "],
  ["nindent 4 \"x\"", "\n    x"],
  ["indent 0 \"\"", ""],
  ["replace \"a\" \"b\" \"banana\"", "bbnbnb"],
  ["replace \"\" \"-\" \"abc\"", "-a-b-c-"],
  ["replace \"\" \"-\" \"\"", "-"],
  ["plural \"one\" \"many\" 1", "one"],
  ["swapcase \"hELLO wORLD ǅx\"", "Hello World ǆX"],
  ["snakecase \"MyHTTPServer2Go\"", "my_http_server2_go"],
  ["snakecase \"already_snake\"", "already_snake"],
  ["snakecase \"A\"", "a"],
  ["snakecase \"ab-CD ef__GH\"", "ab_cd_ef__gh"],
  ["snakecase \"x1y2Z3\"", "x_1y2_z3"],
  ["snakecase \"Hello.World\"", "hello.world"],
  ["snakecase \"über Straße\"", "über_straße"],
  ["kebabcase \"HTTPRequest_ID\"", "http-request-id"],
  ["camelcase \"über_straße\"", "ÜberStraße"],
  ["camelcase \"x\"", "X"],
  ["camelcase \"-x\"", "-X"],
  ["camelcase \"a--b\"", "A-B"],
  ["camelcase \"a_ b\"", "A_B"],
  ["toString nil", "<nil>"],
  ["toString (list)", "[]"],
  ["toString true", "true"],
  ["toString 100000000.0", "1e+08"],
  ["toString 123456.0", "123456"],
  ["toString 0.0001", "0.0001"],
  ["toString 0.00001", "1e-05"],
  ["toString 1e21", "1e+21"],
  ["toString -0.0", "-0"],
  ["toString 3", "3"],
  ["toString (dict)", "map[]"],
  ["toString (dict \"a\" (list 1 (dict \"b\" nil)))", "map[a:[1 map[b:<nil>]]]"],
  ["randAlphaNum 0", ""],
  ["randAlpha -1", ""],
  ["atoi \" 12\"", "0"],
  ["atoi \"+12\"", "12"],
  ["atoi \"-0\"", "0"],
  ["int 3.99", "3"],
  ["int -3.99", "-3"],
  ["int \"3.99\"", "0"],
  ["int \"12.000\"", "12"],
  ["int \"1e3\"", "0"],
  ["int true", "1"],
  ["int nil", "0"],
  ["int (list)", "0"],
  ["int \"0b101\"", "5"],
  ["int \"0o17\"", "15"],
  ["int \"-0x10\"", "-16"],
  ["int \"9223372036854775808\"", "0"],
  ["int64 1e19", "-9223372036854775808"],
  ["float64 \"inf\"", "+Inf"],
  ["float64 \"0x1p-2\"", "0.25"],
  ["float64 \"1_000.5\"", "1000.5"],
  ["float64 true", "1"],
  ["float64 \"abc\"", "0"],
  ["float64 2", "2"],
  ["add 9223372036854775807 1", "-9223372036854775808"],
  ["mul 9223372036854775807 2", "-2"],
  ["sub \"a\" \"b\"", "0"],
  ["div 1 0", { error: "runtime error: integer divide by zero" }],
  ["mod 1 0", { error: "runtime error: integer divide by zero" }],
  ["add1 \"9\"", "10"],
  ["max 1", "1"],
  ["min", { error: "wrong number of args for min: want at least 1 got 0" }],
  ["addf \"1.1\" 2", "3.1"],
  ["subf 10 3.3 1.1", "5.6"],
  ["mulf 0.1 0.2", "0.02"],
  ["divf 10 4", "2.5"],
  ["divf 2 3", "0.6666666666666667"],
  ["divf 1 0", { error: "decimal division by 0" }],
  ["add1f 0.1", "1.1"],
  ["maxf 1 nil \"3.5\"", "3.5"],
  ["minf \"x\" 2", "0"],
  ["floor \"3.7\"", "3"],
  ["ceil -3.2", "-3"],
  ["round -2.4 0", "-3"],
  ["round 2.675 2", "2.68"],
  ["round 1.5 0 0.6", "1"],
  ["round 123.456 -1", "120"],
  ["base \"/a/b/c.txt\"", "c.txt"],
  ["base \"a/b/\"", "b"],
  ["base \"\"", "."],
  ["base \"/\"", "/"],
  ["dir \"/a/b/c.txt\"", "/a/b"],
  ["dir \"a\"", "."],
  ["dir \"/\"", "/"],
  ["dir \"a/../../b/\"", "../b"],
  ["clean \"a//b/./../c/\"", "a/c"],
  ["clean \"../../a/..\"", "../.."],
  ["clean \"\"", "."],
  ["ext \"a/b.tar.gz\"", ".gz"],
  ["ext \"a.b/c\"", ""],
  ["isAbs \"/x\"", "true"],
  ["osBase \"x/y\"", "y"],
  ["urlParse \"https://user:pa%20ss@example.com:8443/p/a%20th?q=1&r=2#frag%20x\"", "map[fragment:frag x host:example.com:8443 hostname:example.com opaque: path:/p/a th query:q=1&r=2 scheme:https userinfo:user:pa%20ss]"],
  ["urlParse \"mailto:joe@example.com\"", "map[fragment: host: hostname: opaque:joe@example.com path: query: scheme:mailto userinfo:]"],
  ["urlParse \"/relative/path?x=1\"", "map[fragment: host: hostname: opaque: path:/relative/path query:x=1 scheme: userinfo:]"],
  ["urlParse \"http://[::1]:80/x\"", "map[fragment: host:[::1]:80 hostname:::1 opaque: path:/x query: scheme:http userinfo:]"],
  ["urlJoin (dict \"scheme\" \"https\" \"host\" \"example.com:8443\" \"path\" \"/a b/c\" \"query\" \"x=1\" \"fragment\" \"f g\" \"userinfo\" \"u:p w\")", { error: "unable to parse userinfo in dict: parse \"proto://u:p w@host\": net/url: invalid userinfo" }],
  ["urlJoin (dict \"scheme\" \"mailto\" \"opaque\" \"joe@example.com\")", "mailto:joe@example.com"],
  ["urlJoin (dict \"path\" \"a:b\")", "./a:b"],
  ["urlJoin (dict \"host\" \"h\" \"path\" \"p\")", "//h/p"],
  ["toToml (dict \"srv\" (dict \"a.b\" (dict \"x\" 1) \"list\" (list (dict \"n\" (dict \"deep\" 1)) (dict \"n\" 2))) \"z\" (list (list 1 2) (list \"a\")) \"e\" (list) \"m\" (dict))", "e = []\nz = [[1, 2], [\"a\"]]\n\n[m]\n\n[srv]\n  [srv.\"a.b\"]\n    x = 1\n\n  [[srv.list]]\n    [srv.list.n]\n      deep = 1\n\n  [[srv.list]]\n    n = 2\n"],
  ["toToml (dict \"k\" (list 1 nil))", "toml: cannot encode array with nil element"],
  ["toToml (dict \"t\" (list (dict \"a\" (list (dict \"b\" 1)))))", "[[t]]\n\n  [[t.a]]\n    b = 1\n"],
  ["toToml (dict \"\" 1 \"ü\" 2)", "\"\" = 1\n\"ü\" = 2\n"],
  ["fromToml \"[a.b]\\nc = 1\\n[a]\\nd = 2\\n\"", "map[a:map[b:map[c:1] d:2]]"],
  ["fromToml \"x = [1, 2, [3]]\\ny = { a = 1, b = \\\"s\\\" }\\nz = 'lit'\\nw = \\\"\\\"\\\"\\nmulti\\nline\\\"\\\"\\\"\\n\"", "map[w:multi\nline x:[1 2 [3]] y:map[a:1 b:s] z:lit]"],
  ["fromToml \"a = 1\\na = 2\"", "map[Error:toml: line 2 (last key \"a\"): Key 'a' has already been defined.]"],
  ["fromToml \"bad\"", "map[Error:toml: line 1: unexpected EOF; expected key separator '=']"],
  ["toYamlPretty (dict \"long\" \"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua\" \"y\" \"y\" \"on\" \"on\" \"n\" nil \"l\" (list (list 1) (dict \"a\" (list 2))) \"m\" \"a\\nb\" \"e\" (list) \"t\" \"1.0\")", "e: []\nl:\n  - - 1\n  - a:\n      - 2\nlong: Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua\nm: |-\n  a\n  b\n\"n\": null\n\"on\": \"on\"\nt: \"1.0\"\n\"y\": \"y\""],
  ["toYamlPretty .Values.keys", "_x: 6\n\"1\": 7\n\"01\": 12\n\"002\": 13\n\"9\": 9\n\"10\": 8\nB: 5\nZ: 15\na: 10\na b: 11\na-b: 3\na2: 2\na10: 1\nab: 4\nx.y: 14\nä1: 17\né: 16"],
  ["toYamlPretty (list 1 \"x\")", "- 1\n- x"],
  ["tuple 1 \"a\"", "[1 a]"],
  ["hello", "Hello!"],
  ["uniq (list (dict \"a\" 1) (dict \"a\" 1) (list 1) (list 1))", "[map[a:1] [1]]"],
  ["keys (dict \"a\" 1) (dict \"b\" 2) | sortAlpha", "[a b]"],
  ["pluck \"a\" (dict \"a\" 1) nil", "[1]"],
  ["compact (list (list) (list 0) \"\")", "[[0]]"],
  ["sortAlpha (list 10 9 \"b\" \"B\" 1.5)", "[1.5 10 9 B b]"],
  ["indent -1 \"x\"", { error: "strings: negative Repeat count" }],
  ["semver \"v1.30.0-gke.123+abc\"", "1.30.0-gke.123+abc"],
  ["semverCompare \">=1.20.0-0\" \"v1.30.0-gke.1200\"", "true"],
  ["semverCompare \"~1.2.3\" \"1.2.9\"", "true"],
  ["semverCompare \"1.x\" \"1.9.0\"", "true"],
  ["semverCompare \">= 1.2, < 2\" \"1.5.0\"", "true"],
  ["semverCompare \"=1.2.3\" \"v1.2.3\"", "true"],
  ["toString .Values.f1", "1.5"],
  ["kindOf .Values.f1", "float64"],
  ["typeOf .Values.keys", "map[string]interface {}"],
  ["typeOf .Values.strs", "[]interface {}"],
  ["quote .Values.f3", "\"1e+06\""],
  ["quote .Values.f7", "\"1.23456789012e+11\""],
  ["toString .Values.f10", "1.2345678901234567e+19"],
  ["int .Values.f7", "123456789012"],
  ["add .Values.f7 1", "123456789013"],
  ["toJson .Values.keys", "{\"002\":13,\"01\":12,\"1\":7,\"10\":8,\"9\":9,\"B\":5,\"Z\":15,\"_x\":6,\"a\":10,\"a b\":11,\"a-b\":3,\"a10\":1,\"a2\":2,\"ab\":4,\"x.y\":14,\"ä1\":17,\"é\":16}"],
  ["toPrettyJson .Values.nested", "{\n  \"list\": [\n    1,\n    [\n      2,\n      [\n        3\n      ]\n    ],\n    {\n      \"a\": 1\n    },\n    [],\n    {}\n  ],\n  \"lstofmaps\": [\n    {\n      \"name\": \"a\",\n      \"v\": 1\n    },\n    {\n      \"list\": [\n        1,\n        2\n      ],\n      \"name\": \"b\"\n    }\n  ],\n  \"map\": {\n    \"empty\": {},\n    \"emptyl\": [],\n    \"x\": {\n      \"true\": {\n        \"z\": [\n          \"a\",\n          \"b\"\n        ]\n      }\n    }\n  },\n  \"nil\": null\n}"],
  ["mergeOverwrite (dict \"a\" (dict \"b\" (dict \"c\" 1 \"d\" 2))) (dict \"a\" (dict \"b\" (dict \"c\" 3)) \"x\" 1)", "map[a:map[b:map[c:3 d:2]] x:1]"],
  ["merge (dict) (dict \"a\" 1) (dict \"a\" 2 \"b\" 3)", "map[a:1 b:3]"],
  ["regexReplaceAll \"(a)(b)?\" \"ac ab\" \"[$2|$1]\"", "[|a]c [b|a]"],
  ["regexReplaceAll \"\\\\s+\" \"a  b\\tc\\n\" \"_\"", "a_b_c_"],
  ["regexFindAll \"(?m)^x$\" \"x\\ny\\nx\" -1", "[x x]"],
  ["regexFindAll \".\" \"😀é\" -1", "[😀 é]"],
  ["regexReplaceAll \"\" \"😀é\" \"|\"", "|😀|é|"],
  ["regexSplit \"\" \"😀é\" -1", "[😀 é]"],
  ["toJson \"😀\\u0000\\u001f\\t<>&'\\\"\"", "\"😀\\u0000\\u001f\\t\\u003c\\u003e\\u0026'\\\"\""],
  ["toRawJson (list \"<>\" \"\\u2029\")", "[\"<>\",\"\\u2029\"]"],
  ["toPrettyJson (dict \"<\" \">\")", "{\n  \"\\u003c\": \"\\u003e\"\n}"],
  ["fromYaml \"a: 1.0\\nb: 0o17\\nc: 1e3\\nd: .5\\ne: +1\\nf: 0x1F\\ng: 1_000\\nh: 0b101\\ni: 2021-01-01\\nj: 1:20\\nk: ~\\nl: Yes\\nm: 'yes'\\nn: 012\\no: 09\\np: -.inf\\nq: 1_2.5\"", "map[Error:error converting YAML to JSON: json: unsupported value: -Inf]"],
  ["fromYaml \"a: &x {b: 1}\\nc: *x\\nd:\\n  <<: *x\\n  e: 2\"", "map[a:map[b:1] c:map[b:1] d:map[b:1 e:2]]"],
  ["fromYaml \"a: |\\n  line1\\n  line2\\nb: >\\n  folded\\n  text\\n\"", "map[a:line1\nline2\n b:folded text\n]"],
  ["fromYaml \"---\\na: 1\\n---\\nb: 2\"", "map[a:1]"],
  ["fromYaml \"\"", "map[]"],
  ["fromYaml \"# only comment\"", "map[]"],
  ["fromYaml \"a: null\"", "map[a:<nil>]"],
  ["fromYaml \"x\"", "map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}]"],
  ["fromYaml \"[1, 2]\"", "map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}]"],
  ["fromYaml \"a: 12345678901234567890\"", "map[a:1.2345678901234567e+19]"],
  ["fromYaml \"a: 9007199254740993\"", "map[a:9.007199254740992e+15]"],
  ["fromYamlArray \"- 1\\n- [2, 3]\\n- {a: b}\"", "[1 [2 3] map[a:b]]"],
  ["fromYamlArray \"\"", "[]"],
  ["fromYaml \"a: !!str 123\\nb: !!int '7'\"", "map[a:123 b:7]"],
  ["fromYaml \"a:\\n- b\\n-   c: d\"", "map[a:[b map[c:d]]]"],
  ["fromYaml \"a: \\\"\\\\u00e9\\\\t\\\"\"", "map[a:é\t]"],
  ["toYaml .Values.edge", "a: 'a   b'\na key with spaces that is very long and goes past one hundred and twenty eight bytes for sure yes indeed it does: v\nb: \"x\\r\\ny\"\nc: |+\n  trailing\n\n\nd: |2-\n\n\n  leading\ne: ' '\nf: \"\\t\"\n\"false\": 0.1\ng: 'a '\nh: 'long line with a break near the end of the line aaaaaaaaaaaaaaaaaaaaaaaaaa bb   cc dd'\ni: 'key: value with ''quotes'' and a very long text that goes beyond the eighty columns\n  limit for sure'\nj: '    indented start with lots of text that goes on and on and on and on past the\n  limit of eighty'\nk: 'ends with spaces and is long enough to be folded because it goes past the limit\n  of eighty   '\nl:\n- ' '\n- \"\"\n- a b\n- '-'\n- '- '\n- \"x\\ty\"\n- '{'\n- '}'\n- 'a: '\n- a:b\n- a :b\n- '@'\n- '`'\n- '|'\n- '>'\n- '%'\n- '!'\n- '&'\n- '*'\n- '?'\n- '? x'\n- ','\n- '#'\n- ''''\n- '\"'\nm: -1\no: -1.5e-10\np: 1e+100\nq: 1.23456789125e+08"],
  ["toJson .Values.edge", "{\"a\":\"a\\u2028b\",\"a key with spaces that is very long and goes past one hundred and twenty eight bytes for sure yes indeed it does\":\"v\",\"b\":\"x\\r\\ny\",\"c\":\"trailing\\n\\n\\n\",\"d\":\"\\n\\nleading\",\"e\":\" \",\"f\":\"\\t\",\"false\":0.1,\"g\":\"a\\u2029\",\"h\":\"long line with a break near the end of the line aaaaaaaaaaaaaaaaaaaaaaaaaa bb\\u2028cc dd\",\"i\":\"key: value with 'quotes' and a very long text that goes beyond the eighty columns limit for sure\",\"j\":\"    indented start with lots of text that goes on and on and on and on past the limit of eighty\",\"k\":\"ends with spaces and is long enough to be folded because it goes past the limit of eighty   \",\"l\":[\" \",\"\",\"a b\",\"-\",\"- \",\"x\\ty\",\"{\",\"}\",\"a: \",\"a:b\",\"a :b\",\"@\",\"`\",\"|\",\"\\u003e\",\"%\",\"!\",\"\\u0026\",\"*\",\"?\",\"? x\",\",\",\"#\",\"'\",\"\\\"\"],\"m\":-1,\"o\":-1.5e-10,\"p\":1e+100,\"q\":123456789.125}"],
  ["toYamlPretty .Values.edge", "a: 'a   b'\na key with spaces that is very long and goes past one hundred and twenty eight bytes for sure yes indeed it does: v\nb: \"x\\r\\ny\"\nc: |+\n  trailing\n\n\nd: |2-\n\n\n  leading\ne: ' '\nf: \"\\t\"\n\"false\": 0.1\ng: 'a '\nh: 'long line with a break near the end of the line aaaaaaaaaaaaaaaaaaaaaaaaaa bb   cc dd'\ni: 'key: value with ''quotes'' and a very long text that goes beyond the eighty columns limit for sure'\nj: '    indented start with lots of text that goes on and on and on and on past the limit of eighty'\nk: 'ends with spaces and is long enough to be folded because it goes past the limit of eighty   '\nl:\n  - ' '\n  - \"\"\n  - a b\n  - '-'\n  - '- '\n  - \"x\\ty\"\n  - '{'\n  - '}'\n  - 'a: '\n  - a:b\n  - a :b\n  - '@'\n  - '`'\n  - '|'\n  - '>'\n  - '%'\n  - '!'\n  - '&'\n  - '*'\n  - '?'\n  - '? x'\n  - ','\n  - '#'\n  - ''''\n  - '\"'\nm: -1\no: -1.5e-10\np: 1e+100\nq: 1.23456789125e+08"],
  ["toToml .Values.edge", "a = \"a b\"\n\"a key with spaces that is very long and goes past one hundred and twenty eight bytes for sure yes indeed it does\" = \"v\"\nb = \"x\\r\\ny\"\nc = \"trailing\\n\\n\\n\"\nd = \"\\n\\nleading\"\ne = \" \"\nf = \"\\t\"\nfalse = 0.1\ng = \"a \"\nh = \"long line with a break near the end of the line aaaaaaaaaaaaaaaaaaaaaaaaaa bb cc dd\"\ni = \"key: value with 'quotes' and a very long text that goes beyond the eighty columns limit for sure\"\nj = \"    indented start with lots of text that goes on and on and on and on past the limit of eighty\"\nk = \"ends with spaces and is long enough to be folded because it goes past the limit of eighty   \"\nl = [\" \", \"\", \"a b\", \"-\", \"- \", \"x\\ty\", \"{\", \"}\", \"a: \", \"a:b\", \"a :b\", \"@\", \"`\", \"|\", \">\", \"%\", \"!\", \"&\", \"*\", \"?\", \"? x\", \",\", \"#\", \"'\", \"\\\"\"]\nm = -1.0\no = -1.5e-10\np = 1e+100\nq = 1.23456789125e+08\n"],
  ["toString (genCA \"x\" 1 | typeOf)", "sprig.certificate"],
];

describe('Go template functions, against helm v4.1.4', () => {
  it.each(CASES)('%s', (expr, expected) => {
    if (typeof expected === 'string') {
      expect(formatValue(run(expr))).toBe(expected);
    } else {
      let err: unknown;
      try {
        run(expr);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GoFuncError);
      expect((err as Error).message).toBe(expected.error);
    }
  });
});

describe('arguments as text/template passes them', () => {
  it('checks the count and the Go types of typed parameters', () => {
    expect(() => funcs.get('trunc')!(2n)).toThrow(new GoArgError('wrong number of args for trunc: want 2 got 1'));
    expect(() => funcs.get('trunc')!(2.0, 'abc')).toThrow('wrong type for value; expected int; got float64');
    expect(() => funcs.get('upper')!(3n)).toThrow('wrong type for value; expected string; got int64');
    expect(() => funcs.get('upper')!(null)).toThrow('invalid value; expected string');
    expect(() => funcs.get('ternary')!('a', 'b', 'yes')).toThrow('wrong type for value; expected bool; got string');
    expect(() => funcs.get('get')!(['x'], 'a')).toThrow('wrong type for value; expected map[string]interface {}; got []interface {}');
    expect(funcs.get('trunc')!(2n, 'abc')).toBe('ab');
  });
  it('treats a missing value (undefined) as nil', () => {
    expect(run('empty .Values.nothing')).toBe(true);
    expect(funcs.get('default')!('d', undefined)).toBe('d');
    expect(funcs.get('kindOf')!(undefined)).toBe('invalid');
    expect(funcs.get('toJson')!(undefined)).toBe('null');
  });
  it('declares each function with its Go parameters', () => {
    expect((funcs.get('substr') as unknown as { goParams: string[] }).goParams).toEqual(['int', 'int', 'string']);
  });
});

describe('results in the value model', () => {
  it('returns int64 as bigint and float64 as number', () => {
    expect(run('add 1 2')).toBe(3n);
    expect(run('add1 1.9')).toBe(2n);
    expect(run('addf 1 2')).toBe(3);
    expect(run('int "42"')).toBe(42n);
    expect(run('float64 "1.5"')).toBe(1.5);
    expect(run('until 2')).toEqual([0n, 1n]);
    expect(run('atoi "7"')).toBe(7n);
  });
  it('wraps int64 overflow like Go', () => {
    expect(run('add 9223372036854775807 1')).toBe(-9223372036854775808n);
  });
  it('keeps Go slice types where Sprig returns []string or []int, and nil slices', () => {
    expect(run('typeOf (splitList "," "a,b")')).toBe('[]string');
    expect(run('typeOf (until 3)')).toBe('[]int');
    expect(run('toJson (rest (list))')).toBe('null');
    expect(run('toJson (regexFindAll "x" "abc" -1)')).toBe('null');
    expect(formatValue(run('rest (list)'))).toBe('[]');
  });
  it('changes the map given to set, unset, merge and mergeOverwrite, as Go does', () => {
    const d: Record<string, GoValue> = { a: 1n, n: { x: 1n } };
    expect(funcs.get('set')!(d, 'b', 2n)).toBe(d);
    expect(d.b).toBe(2n);
    funcs.get('unset')!(d, 'a');
    expect('a' in d).toBe(false);
    const src = { n: { y: 2n }, c: 'c' };
    expect(funcs.get('merge')!(d, src)).toBe(d);
    expect(d).toEqual({ n: { x: 1n, y: 2n }, b: 2n, c: 'c' });
    expect(() => funcs.get('set')!(null, 'a', 1n)).toThrow('assignment to entry in nil map');
  });
  it('makes __proto__ an ordinary key', () => {
    const m = run('dict "__proto__" 1 "constructor" 2') as Record<string, GoValue>;
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.keys(m).sort()).toEqual(['__proto__', 'constructor']);
    expect(funcs.get('hasKey')!({}, 'constructor')).toBe(false);
    expect(funcs.get('get')!({}, 'toString')).toBe('');
  });
  it('deepCopy copies all the way down', () => {
    const orig = { a: [1n, { b: 2n }] };
    const copy = funcs.get('deepCopy')!(orig) as typeof orig;
    expect(copy).toEqual(orig);
    expect(copy.a).not.toBe(orig.a);
    expect(copy.a[1]).not.toBe(orig.a[1]);
  });
});

describe('toYaml (sigs.k8s.io/yaml)', () => {
  it('swallows what JSON cannot encode; mustToYaml reports it', () => {
    expect(funcs.get('toYaml')!({ a: NaN })).toBe('');
    expect(() => funcs.get('mustToYaml')!({ a: NaN })).toThrow('error marshaling into JSON: json: unsupported value: NaN');
    expect(() => toYamlText({ a: 'del\u007f' })).toThrow('yaml: control characters are not allowed');
  });
  it('writes times, durations and bytes as encoding/json does', () => {
    const t = new GoTime(Date.UTC(2024, 0, 15, 10, 30, 45, 500), 0, 'UTC');
    expect(funcs.get('toYaml')!({ t, d: new GoDuration(1500n), b: new Uint8Array([104, 105]) })).toBe('b: aGk=\nd: 1500\nt: "2024-01-15T10:30:45.5Z"');
  });
});

describe('dates with a fixed clock', () => {
  it('now, date, ago, unixEpoch', () => {
    expect(formatValue(run('now'))).toBe('2024-01-15 10:30:45.000123456 +0000 UTC');
    expect(run('date "2006-01-02 15:04:05.000000" now')).toBe('2024-01-15 10:30:45.000123');
    expect(run('dateInZone "15:04 MST" now "America/New_York"')).toBe('05:30 EST');
    expect(run('date "2006" "not a time"')).toBe('2024');
    expect(run('unixEpoch now')).toBe('1705314645');
    expect(run('ago (dateModify "-90m" now)')).toBe('1h30m0s');
    expect(run('durationRound (dateModify "-49h" now)')).toBe('2d');
  });
  it('reads Local as the configured zone', () => {
    const berlin = helmFuncs(hooks, { localZone: 'Europe/Berlin', now: () => FIXED_NOW });
    expect(run('date "15:04 MST" now', berlin)).toBe('11:30 CET');
    expect(run('date "15:04 MST" 1690000000', berlin)).toBe('06:26 CEST');
    expect(formatValue(run('toDate "2006-01-02" "2024-07-01"', berlin))).toBe('2024-07-01 00:00:00 +0200 CEST');
  });
});

describe('Helm functions', () => {
  it('include and tpl call the engine', () => {
    expect(run('include "x.tpl" (dict "a" 1)')).toBe('included x.tpl with map[a:1]');
    expect(run('tpl "{{ .a }}" 3')).toBe('tpl {{ .a }} with 3');
  });
  it('required and fail stop rendering with the message', () => {
    expect(run('required "need x" "value"')).toBe('value');
    expect(run('required "need x" 0')).toBe(0n);
    expect(() => run('required "need x" .Values.nothing')).toThrow(new TemplateFailError('need x'));
    expect(() => run('required "need x" ""')).toThrow(TemplateFailError);
    expect(() => run('fail "boom"')).toThrow(new TemplateFailError('boom'));
  });
  it('lint mode lets required and fail through', () => {
    const warnings: string[] = [];
    const lint = helmFuncs({ ...hooks, lintMode: true, warn: (m) => warnings.push(m) });
    expect(run('required "need x" nil', lint)).toBe('');
    expect(run('fail "boom"', lint)).toBe('');
    expect(warnings).toEqual(['missing required value: need x', 'fail: boom']);
  });
  it('lookup finds nothing without a cluster, and asks the hook with one', () => {
    expect(run('lookup "v1" "Secret" "ns" "name"')).toEqual({});
    const live = helmFuncs({ ...hooks, lookup: (...a) => ({ asked: a }) });
    expect(run('lookup "v1" "Secret" "ns" "name"', live)).toEqual({ asked: ['v1', 'Secret', 'ns', 'name'] });
  });
  it('has no env or expandenv; Sprig has them over the given environment', () => {
    expect(funcs.has('env')).toBe(false);
    const sprig = sprigFuncs({ env: { HOME: '/h', X: 'y' } });
    expect(run('env "HOME"', sprig)).toBe('/h');
    expect(run('expandenv "$HOME/${X}/$NOPE"', sprig)).toBe('/h/y/');
    expect(funcs.get('getHostByName')!('example.com')).toBe('');
  });
});

describe('random and crypto functions', () => {
  it('random strings have the asked length and alphabet', () => {
    expect(run('randAlphaNum 40')).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(run('randAlpha 10')).toMatch(/^[A-Za-z]{10}$/);
    expect(run('randNumeric 10')).toMatch(/^[0-9]{10}$/);
    expect(run('randAscii 10')).toMatch(/^[\x20-\x7e]{10}$/);
    expect(Buffer.from(run('randBytes 12') as string, 'base64')).toHaveLength(12);
    expect(run('uuidv4')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...(run('shuffle "abcdef"') as string)].sort().join('')).toBe('abcdef');
  });
  it('bcrypt and htpasswd write Go-style $2a$ hashes', () => {
    const h = run('htpasswd "user" "pass"') as string;
    expect(h).toMatch(/^user:\$2a\$10\$/);
    expect(bcryptjs.compareSync('pass', h.slice(5))).toBe(true);
  });
  it('encryptAES and decryptAES read each other and what helm wrote', () => {
    expect(run('decryptAES "secretkey" (encryptAES "secretkey" "plain text")')).toBe('plain text');
    expect(run('decryptAES "secretkey" "GQZU1aXoo55IAp7y/+o+MFPkLRze8RkHdTuwn8Pbo0k="')).toBe('plaintext');
    expect(run('decryptAES "a-very-long-password-longer-than-32-bytes!!" "ifZLiT7yMaJNTHI3PDL0XE/voUYfSDP+oJWYraOEnj0t9xFiQM+aWPhk7s6mpmdm4/naRV++uGZ4d+ApHshB0Q=="')).toBe(
      'héllo wörld, this is longer than one block',
    );
    expect(run('encryptAES "k" ""')).toBe('');
  });
  it('genPrivateKey writes the PEM blocks Go writes', () => {
    expect(run('genPrivateKey "ecdsa"')).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n[\s\S]+\n-----END EC PRIVATE KEY-----\n$/);
    expect(run('genPrivateKey "ed25519"')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(run('genPrivateKey "nope"')).toBe('Unknown type nope');
    const ec = run('genPrivateKey "ecdsa"') as string;
    expect(createPrivateKey(ec).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });
  it('genCA, genSignedCert and genSelfSignedCert make certificates that verify', () => {
    const ca = run('genCA "my-ca" 365') as { Cert: string; Key: string };
    const caCert = new X509Certificate(ca.Cert);
    expect(caCert.subject).toBe('CN=my-ca');
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(Date.parse(caCert.validTo) - Date.parse(caCert.validFrom)).toBe(365 * 86_400_000);
    expect(ca.Key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);

    const sign = funcs.get('genSignedCert')!;
    const leaf = sign('web.example.com', ['10.0.0.1', '::1'], ['web.example.com', '*.example.com'], 30n, ca) as { Cert: string };
    const leafCert = new X509Certificate(leaf.Cert);
    expect(leafCert.issuer).toBe('CN=my-ca');
    expect(leafCert.ca).toBe(false);
    expect(leafCert.checkIssued(caCert)).toBe(true);
    expect(leafCert.verify(caCert.publicKey)).toBe(true);
    expect(leafCert.subjectAltName).toBe('DNS:web.example.com, DNS:*.example.com, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1');

    const self = funcs.get('genSelfSignedCertWithKey')!('self', null, null, 1n, run('genPrivateKey "ecdsa"')) as { Cert: string; Key: string };
    const selfCert = new X509Certificate(self.Cert);
    expect(selfCert.verify(selfCert.publicKey)).toBe(true);
    expect(self.Key).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(() => funcs.get('genCAWithKey')!('x', 1n, 'not pem')).toThrow('parsing private key: no PEM data in input');
    expect(() => sign('x', null, [1n], 1n, ca)).toThrow('error processing alternate dns name: 1 is not a string');
  });
});
