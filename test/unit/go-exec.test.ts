import { describe, expect, it } from '@jest/globals';
import { parse } from '../../template-engine/go/parse/parser.js';
import { execute, executeTemplate, newBudget, removeNoValue, TemplateExecError, tracedSourceLine, withSignature, type ExecEnv, type MissingKey } from '../../template-engine/go/exec.js';
import { BUILTINS } from '../../template-engine/go/builtins.js';
import { sprint } from '../../template-engine/go/fmt.js';
import { GoDuration, GoFuncError, type GoFunc, type GoValue } from '../../template-engine/go/value.js';

/** The functions of the reference cases, with the Go signatures the Go side declares. */
const FUNCS: Record<string, GoFunc> = {
  fail: withSignature(() => {
    throw new GoFuncError('boom');
  }, { params: [] }),
  sq: withSignature((i: GoValue) => (i as bigint) * (i as bigint), { params: ['int'] }),
  half: withSignature((f: GoValue) => (f as number) / 2, { params: ['float64'] }),
  up: withSignature((s: GoValue) => (s as string).toUpperCase(), { params: ['string'] }),
  nilf: withSignature(() => null, { params: [] }),
  join: withSignature((sep: GoValue, ...args: GoValue[]) => args.map((a) => sprint(a)).join(sep as string), { params: ['string'], variadic: 'any' }),
  mk: withSignature(() => ({ a: 1n }), { params: [] }),
  lst: withSignature((...args: GoValue[]) => args, { params: [], variadic: 'any' }),
  fnv: withSignature(() => withSignature((i: GoValue) => (i as bigint) * (i as bigint), { params: ['int'] }), { params: [] }),
};

const DATA = {
  i: 1n, f: 3.0, f2: 2.5, big: 1e6, s: 'abc', b: true, nil: null, empty: '',
  map: { a: 1n, b: 2n }, emptymap: {}, list: [3n, 4n, 5n], emptylist: [], nils: [null, 1n],
  nested: { a: { b: 'deep' }, n: null }, zero: 0n, fzero: 0.0, strs: ['x', 'y'],
  maps: [{ name: 'a', port: 80n }, { name: 'b', port: 443n }],
};

interface Run {
  out?: string;
  err?: string;
  message?: string;
  parse?: string;
}

function env(src: string, missingKey: MissingKey, extra: Partial<ExecEnv> = {}, funcs: Record<string, GoFunc> = FUNCS) {
  const t = parse('t', src, { funcs: (n) => n in funcs });
  const e: ExecEnv = { funcs: new Map(Object.entries(funcs)), templates: t.defines, missingKey, file: 't', sources: new Map([['t', src]]), ...extra };
  return { t, e };
}

/** Runs src on data: the output, or Go's error line. */
function run(src: string, data: GoValue = DATA, missingKey: MissingKey = 'zero', funcs: Record<string, GoFunc> = FUNCS, extra: Partial<ExecEnv> = {}): Run {
  let t;
  let e: ExecEnv;
  try {
    ({ t, e } = env(src, missingKey, extra, funcs));
  } catch (err) {
    return { parse: (err as Error).message };
  }
  try {
    return { out: execute(t, data, e) };
  } catch (err) {
    if (err instanceof TemplateExecError) return { err: err.goMessage, message: err.message };
    throw err;
  }
}

const out = (src: string, data: GoValue = DATA, missingKey: MissingKey = 'zero') => run(src, data, missingKey).out;
const msg = (src: string, data: GoValue = DATA, missingKey: MissingKey = 'zero') => run(src, data, missingKey).message;

/**
 * [template, missingkey, what Go's text/template does] on DATA. Adapted from Go's exec_test.go and Helm's usual
 * templates; the expectations were produced by Go's own text/template (go1.19) with the same data and functions,
 * except where NEWER_GO says what current Go (Helm's toolchain) prints instead.
 */
const GO_CASES: [string, MissingKey, { out?: string; err?: string; parse?: string }][] = [
  ["{{if true}}T{{else}}F{{end}}", "zero", {"out": "T"}],
  ["{{if false}}T{{else}}F{{end}}", "zero", {"out": "F"}],
  ["{{if 1}}T{{else}}F{{end}}", "zero", {"out": "T"}],
  ["{{if 0}}T{{else}}F{{end}}", "zero", {"out": "F"}],
  ["{{if 1.5}}T{{else}}F{{end}}", "zero", {"out": "T"}],
  ["{{if 0.0}}T{{else}}F{{end}}", "zero", {"out": "F"}],
  ["{{if \"\"}}T{{else}}F{{end}}", "zero", {"out": "F"}],
  ["{{if \"x\"}}T{{else}}F{{end}}", "zero", {"out": "T"}],
  ["{{if .emptymap}}T{{else}}F{{end}}", "zero", {"out": "F"}],
  ["{{if .map}}T{{else}}F{{end}}", "zero", {"out": "T"}],
  ["{{if .emptylist}}T{{else}}F{{end}}", "zero", {"out": "F"}],
  ["{{if .list}}T{{else}}F{{end}}", "zero", {"out": "T"}],
  ["{{if .nil}}T{{else}}F{{end}}", "zero", {"out": "F"}],
  ["{{if .missing}}T{{else}}F{{end}}", "zero", {"out": "F"}],
  ["{{if .zero}}T{{else}}F{{end}}", "zero", {"out": "F"}],
  ["{{if .fzero}}T{{else}}F{{end}}", "zero", {"out": "F"}],
  ["{{if .empty}}T{{else}}F{{end}}", "zero", {"out": "F"}],
  ["{{if not .missing}}T{{else}}F{{end}}", "zero", {"out": "T"}],
  ["{{if eq .i 1}}one{{else if eq .i 2}}two{{else}}other{{end}}", "zero", {"out": "one"}],
  ["{{if eq .i 5}}one{{else if eq .i 1}}two{{else}}other{{end}}", "zero", {"out": "two"}],
  ["{{with .s}}[{{.}}]{{end}}", "zero", {"out": "[abc]"}],
  ["{{with .missing}}x{{else}}none{{end}}", "zero", {"out": "none"}],
  ["{{with $x := .s}}{{$x}}{{.}}{{end}}", "zero", {"out": "abcabc"}],
  ["{{with .map}}{{.a}}{{end}}", "zero", {"out": "1"}],
  ["{{if .nested.n}}T{{else}}F{{end}}", "zero", {"out": "F"}],
  ["{{range .list}}-{{.}}-{{end}}", "zero", {"out": "-3--4--5-"}],
  ["{{range $i, $x := .list}}<{{$i}}={{$x}}>{{end}}", "zero", {"out": "<0=3><1=4><2=5>"}],
  ["{{range $x := .list}}<{{$x}}>{{end}}", "zero", {"out": "<3><4><5>"}],
  ["{{range .emptylist}}x{{else}}empty{{end}}", "zero", {"out": "empty"}],
  ["{{range .map}}{{.}},{{end}}", "zero", {"out": "1,2,"}],
  ["{{range $k, $v := .map}}{{$k}}={{$v}};{{end}}", "zero", {"out": "a=1;b=2;"}],
  ["{{range .missing}}x{{else}}none{{end}}", "zero", {"out": "none"}],
  ["{{range .nil}}x{{else}}none{{end}}", "zero", {"out": "none"}],
  ["{{range .emptymap}}x{{else}}none{{end}}", "zero", {"out": "none"}],
  ["{{range .list}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}", "zero", {"out": "3"}],
  ["{{range .list}}{{if eq . 4}}{{continue}}{{end}}{{.}}{{end}}", "zero", {"out": "35"}],
  ["{{range .s}}{{end}}", "zero", {"err": "template: t:1:8: executing \"t\" at <.s>: range can't iterate over abc", "out": ""}],
  ["{{range .b}}{{end}}", "zero", {"err": "template: t:1:8: executing \"t\" at <.b>: range can't iterate over true", "out": ""}],
  ["{{range .list}}{{$.s}}{{end}}", "zero", {"out": "abcabcabc"}],
  ["{{range .nils}}[{{.}}]{{end}}", "zero", {"out": "[<no value>][1]"}],
  ["{{range .nils}}{{.a}}{{end}}", "zero", {"err": "template: t:1:17: executing \"t\" at <.a>: nil pointer evaluating interface {}.a", "out": ""}],
  ["{{range .maps}}{{.name}}:{{.port}} {{end}}", "zero", {"out": "a:80 b:443 "}],
  ["{{range $i, $m := .maps}}{{$i}}{{$m.name}}{{end}}", "zero", {"out": "0a1b"}],
  ["{{range .list}}{{$y := .}}{{$y}}{{end}}", "zero", {"out": "345"}],
  ["{{range $i, $e := .list}}{{if $i}},{{end}}{{$e}}{{end}}", "zero", {"out": "3,4,5"}],
  ["{{range .strs}}{{range $.list}}{{.}}{{end}}{{.}}{{end}}", "zero", {"out": "345x345y"}],
  ["{{range $x := .list}}{{$x}}{{else}}{{$x}}{{end}}", "zero", {"out": "345"}],
  ["{{range .list}}{{.x}}{{end}}", "zero", {"err": "template: t:1:17: executing \"t\" at <.x>: can't evaluate field x in type interface {}", "out": ""}],
  ["{{range .strs}}{{.x}}{{end}}", "zero", {"err": "template: t:1:17: executing \"t\" at <.x>: can't evaluate field x in type interface {}", "out": ""}],
  ["{{range .nested}}{{.}}|{{end}}", "zero", {"out": "map[b:deep]|<no value>|"}],
  ["{{$x := \"hello\"}}{{$x}}", "zero", {"out": "hello"}],
  ["{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "zero", {"out": "2"}],
  ["{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "zero", {"out": "21"}],
  ["{{with .map}}{{$.s}}{{end}}", "zero", {"out": "abc"}],
  ["{{$x := .missing}}{{$x.foo}}|", "zero", {"out": "<no value>|"}],
  ["{{$x := .missing}}{{$x.foo}}|", "error", {"err": "template: t:1:8: executing \"t\" at <.missing>: map has no entry for key \"missing\"", "out": ""}],
  ["{{$x := .nil}}{{$x}}", "zero", {"out": "<no value>"}],
  ["{{$x := .s}}{{$x.foo}}", "zero", {"err": "template: t:1:16: executing \"t\" at <$x.foo>: can't evaluate field foo in type string", "out": ""}],
  ["{{$x := 1}}{{$y := 2}}{{$x}}{{$y}}", "zero", {"out": "12"}],
  ["{{$x := .list}}{{range $x}}{{.}}{{end}}", "zero", {"out": "345"}],
  ["{{$}}", "zero", {"out": "map[b:true big:1e+06 empty: emptylist:[] emptymap:map[] f:3 f2:2.5 fzero:0 i:1 list:[3 4 5] map:map[a:1 b:2] maps:[map[name:a port:80] map[name:b port:443]] nested:map[a:map[b:deep] n:<nil>] nil:<nil> nils:[<nil> 1] s:abc strs:[x y] zero:0]"}],
  ["{{$.i}}", "zero", {"out": "1"}],
  ["{{$x, $y := 1}}", "zero", {"parse": "template: t:1: too many declarations in command"}],
  ["{{.map.a}}", "zero", {"out": "1"}],
  ["{{.missing}}", "zero", {"out": "<no value>"}],
  ["{{.missing}}", "default", {"out": "<no value>"}],
  ["{{.missing.b}}", "zero", {"err": "template: t:1:10: executing \"t\" at <.missing.b>: nil pointer evaluating interface {}.b", "out": ""}],
  ["{{.missing.b}}", "default", {"out": "<no value>"}],
  ["{{.nil.b}}", "zero", {"err": "template: t:1:6: executing \"t\" at <.nil.b>: nil pointer evaluating interface {}.b", "out": ""}],
  ["{{.nil.b}}", "default", {"err": "template: t:1:6: executing \"t\" at <.nil.b>: nil pointer evaluating interface {}.b", "out": ""}],
  ["{{.s.x}}", "zero", {"err": "template: t:1:4: executing \"t\" at <.s.x>: can't evaluate field x in type interface {}", "out": ""}],
  ["{{.list.x}}", "zero", {"err": "template: t:1:7: executing \"t\" at <.list.x>: can't evaluate field x in type interface {}", "out": ""}],
  ["{{.i.x}}", "zero", {"err": "template: t:1:4: executing \"t\" at <.i.x>: can't evaluate field x in type interface {}", "out": ""}],
  ["{{.missing}}", "error", {"err": "template: t:1:2: executing \"t\" at <.missing>: map has no entry for key \"missing\"", "out": ""}],
  ["{{.map.a 1}}", "zero", {"err": "template: t:1:6: executing \"t\" at <.map.a>: a is not a method but has arguments", "out": ""}],
  ["{{1 2}}", "zero", {"err": "template: t:1:2: executing \"t\" at <1>: can't give argument to non-function 1", "out": ""}],
  ["{{.s | .map}}", "zero", {"err": "template: t:1:7: executing \"t\" at <.map>: map is not a method but has arguments", "out": ""}],
  ["{{.nested.a.b}}", "zero", {"out": "deep"}],
  ["{{.nested.n.x}}", "zero", {"err": "template: t:1:9: executing \"t\" at <.nested.n.x>: nil pointer evaluating interface {}.x", "out": ""}],
  ["{{.nested.zz.x}}", "zero", {"err": "template: t:1:9: executing \"t\" at <.nested.zz.x>: nil pointer evaluating interface {}.x", "out": ""}],
  ["{{.nested.zz.x}}", "default", {"out": "<no value>"}],
  ["{{nil}}", "zero", {"err": "template: t:1:2: executing \"t\" at <nil>: nil is not a command", "out": ""}],
  ["{{.}}", "zero", {"out": "map[b:true big:1e+06 empty: emptylist:[] emptymap:map[] f:3 f2:2.5 fzero:0 i:1 list:[3 4 5] map:map[a:1 b:2] maps:[map[name:a port:80] map[name:b port:443]] nested:map[a:map[b:deep] n:<nil>] nil:<nil> nils:[<nil> 1] s:abc strs:[x y] zero:0]"}],
  ["{{.map.zz}}", "zero", {"out": "<no value>"}],
  ["{{.map.zz}}", "error", {"err": "template: t:1:6: executing \"t\" at <.map.zz>: map has no entry for key \"zz\"", "out": ""}],
  ["{{.missing.x}}", "error", {"err": "template: t:1:10: executing \"t\" at <.missing.x>: map has no entry for key \"missing\"", "out": ""}],
  ["{{\"x\" | printf \"%s-%s\" \"a\"}}", "zero", {"out": "a-x"}],
  ["{{.i | printf \"%03d\"}}", "zero", {"out": "001"}],
  ["{{3 | sq}}", "zero", {"out": "9"}],
  ["{{.s | up | printf \"%q\"}}", "zero", {"out": "\"ABC\""}],
  ["{{\"x\" | up \"y\"}}", "zero", {"err": "template: t:1:8: executing \"t\" at <up>: wrong number of args for up: want 1 got 2", "out": ""}],
  ["{{sq 3}}", "zero", {"out": "9"}],
  ["{{sq 3.5}}", "zero", {"err": "template: t:1:5: executing \"t\" at <3.5>: expected integer; found 3.5", "out": ""}],
  ["{{sq .i}}", "zero", {"out": "1"}],
  ["{{sq .f}}", "zero", {"err": "template: t:1:5: executing \"t\" at <.f>: wrong type for value; expected int; got float64", "out": ""}],
  ["{{half 3}}", "zero", {"out": "1.5"}],
  ["{{half .i}}", "zero", {"err": "template: t:1:7: executing \"t\" at <.i>: wrong type for value; expected float64; got int", "out": ""}],
  ["{{half .f}}", "zero", {"out": "1.5"}],
  ["{{up 3}}", "zero", {"err": "template: t:1:5: executing \"t\" at <3>: expected string; found 3", "out": ""}],
  ["{{up .missing}}", "zero", {"err": "template: t:1:5: executing \"t\" at <.missing>: wrong type for value; expected string; got interface {}", "out": ""}],
  ["{{up .missing}}", "default", {"err": "template: t:1:5: executing \"t\" at <.missing>: invalid value; expected string", "out": ""}],
  ["{{.missing | up}}", "zero", {"err": "template: t:1:13: executing \"t\" at <up>: invalid value; expected string", "out": ""}],
  ["{{up .nil}}", "zero", {"err": "template: t:1:5: executing \"t\" at <.nil>: wrong type for value; expected string; got interface {}", "out": ""}],
  ["{{up nil}}", "zero", {"err": "template: t:1:5: executing \"t\" at <nil>: cannot assign nil to string", "out": ""}],
  ["{{sq}}", "zero", {"err": "template: t:1:2: executing \"t\" at <sq>: wrong number of args for sq: want 1 got 0", "out": ""}],
  ["{{sq 1 2}}", "zero", {"err": "template: t:1:2: executing \"t\" at <sq>: wrong number of args for sq: want 1 got 2", "out": ""}],
  ["{{fail}}", "zero", {"err": "template: t:1:2: executing \"t\" at <fail>: error calling fail: boom", "out": ""}],
  ["{{nilf}}", "zero", {"out": "<no value>"}],
  ["{{print (nilf)}}", "zero", {"out": "<nil>"}],
  ["{{join \",\" 1 \"a\" 2.5 .missing}}", "zero", {"out": "1,a,2.5,<nil>"}],
  ["{{join}}", "zero", {"err": "template: t:1:2: executing \"t\" at <join>: wrong number of args for join: want at least 1 got 0", "out": ""}],
  ["{{\"z\" | join \",\"}}", "zero", {"out": "z"}],
  ["{{(mk).a}}", "zero", {"out": "1"}],
  ["{{(mk).zz}}", "zero", {"out": "<no value>"}],
  ["{{(mk).a.b}}", "zero", {"err": "template: t:1:3: executing \"t\" at <mk>: can't evaluate field b in type interface {}", "out": ""}],
  ["{{lst 1 \"a\" | len}}", "zero", {"out": "2"}],
  ["{{(lst 1).x}}", "zero", {"err": "template: t:1:7: executing \"t\" at <1>: can't evaluate field x in type []interface {}", "out": ""}],
  ["{{nope}}", "zero", {"parse": "template: t:1: function \"nope\" not defined"}],
  ["{{up .s.x}}", "zero", {"err": "template: t:1:7: executing \"t\" at <.s.x>: can't evaluate field x in type interface {}", "out": ""}],
  ["{{printf \"%T\" (nilf)}}", "zero", {"out": "<nil>"}],
  ["{{$f := nilf}}{{$f}}", "zero", {"out": "<no value>"}],
  ["{{call (fnv) 7}}", "zero", {"out": "49"}],
  ["{{call (fnv)}}", "zero", {"err": "template: t:1:2: executing \"t\" at <call (fnv)>: error calling call: wrong number of args: got 0 want 1", "out": ""}],
  ["{{call (fnv) \"x\"}}", "zero", {"err": "template: t:1:2: executing \"t\" at <call (fnv) \"x\">: error calling call: arg 0: value has type string; should be int", "out": ""}],
  ["{{call .s}}", "zero", {"err": "template: t:1:2: executing \"t\" at <call .s>: error calling call: non-function of type string", "out": ""}],
  ["{{call .missing}}", "zero", {"err": "template: t:1:2: executing \"t\" at <call .missing>: error calling call: call of nil", "out": ""}],
  ["{{call nilf}}", "zero", {"err": "template: t:1:2: executing \"t\" at <call nilf>: error calling call: call of nil", "out": ""}],
  ["{{(lst 1 2)}}", "zero", {"out": "[1 2]"}],
  ["{{(.list)}}", "zero", {"out": "[3 4 5]"}],
  ["{{(3)}}", "zero", {"out": "3"}],
  ["{{(\"x\").y}}", "zero", {"err": "template: t:1:3: executing \"t\" at <\"x\">: can't evaluate field y in type string", "out": ""}],
  ["{{and 1 0 2}}", "zero", {"out": "0"}],
  ["{{and 1 2}}", "zero", {"out": "2"}],
  ["{{or 0 \"\" 3}}", "zero", {"out": "3"}],
  ["{{or 0 \"\"}}", "zero", {"out": ""}],
  ["{{and false (fail)}}", "zero", {"out": "false"}],
  ["{{or true (fail)}}", "zero", {"out": "true"}],
  ["{{and true (fail)}}", "zero", {"err": "template: t:1:12: executing \"t\" at <fail>: error calling fail: boom", "out": ""}],
  ["{{and .missing.x 1}}", "zero", {"err": "template: t:1:14: executing \"t\" at <.missing.x>: nil pointer evaluating interface {}.x", "out": ""}],
  ["{{or .missing \"d\"}}", "zero", {"out": "d"}],
  ["{{\"x\" | and 1}}", "zero", {"out": "x"}],
  ["{{\"x\" | and 0}}", "zero", {"out": "0"}],
  ["{{and}}", "zero", {"err": "template: t:1:2: executing \"t\" at <and>: wrong number of args for and: want at least 1 got 0", "out": ""}],
  ["{{not 0}}", "zero", {"out": "true"}],
  ["{{not .missing}}", "zero", {"out": "true"}],
  ["{{not}}", "zero", {"err": "template: t:1:2: executing \"t\" at <not>: wrong number of args for not: want 1 got 0", "out": ""}],
  ["{{not 1 2}}", "zero", {"err": "template: t:1:2: executing \"t\" at <not>: wrong number of args for not: want 1 got 2", "out": ""}],
  ["{{or .nil .missing}}", "zero", {"out": "<no value>"}],
  ["{{and .list .map}}", "zero", {"out": "map[a:1 b:2]"}],
  ["{{if and .i (not .missing)}}y{{end}}", "zero", {"out": "y"}],
  ["{{or .empty .emptylist .s}}", "zero", {"out": "abc"}],
  ["{{len .list}}", "zero", {"out": "3"}],
  ["{{len .s}}", "zero", {"out": "3"}],
  ["{{len \"日本\"}}", "zero", {"out": "6"}],
  ["{{len .map}}", "zero", {"out": "2"}],
  ["{{len 3}}", "zero", {"err": "template: t:1:2: executing \"t\" at <len 3>: error calling len: len of type int", "out": ""}],
  ["{{len .missing}}", "zero", {"err": "template: t:1:2: executing \"t\" at <len .missing>: error calling len: len of nil pointer", "out": ""}],
  ["{{len .missing}}", "default", {"err": "template: t:1:2: executing \"t\" at <len .missing>: error calling len: reflect: call of reflect.Value.Type on zero Value", "out": ""}],
  ["{{len .nil}}", "zero", {"err": "template: t:1:2: executing \"t\" at <len .nil>: error calling len: len of nil pointer", "out": ""}],
  ["{{.missing | len}}", "zero", {"err": "template: t:1:13: executing \"t\" at <len>: error calling len: reflect: call of reflect.Value.Type on zero Value", "out": ""}],
  ["{{len .emptylist}}", "zero", {"out": "0"}],
  ["{{index .list 1}}", "zero", {"out": "4"}],
  ["{{index .map \"a\"}}", "zero", {"out": "1"}],
  ["{{index .map \"zz\"}}", "zero", {"out": "<no value>"}],
  ["{{index .nested \"a\" \"b\"}}", "zero", {"out": "deep"}],
  ["{{index .list 3}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index .list 3>: error calling index: reflect: slice index out of range", "out": ""}],
  ["{{index .list 5}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index .list 5>: error calling index: index out of range: 5", "out": ""}],
  ["{{index .list -1}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index .list -1>: error calling index: index out of range: -1", "out": ""}],
  ["{{index .list 1.0}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index .list 1.0>: error calling index: cannot index slice/array with type float64", "out": ""}],
  ["{{index .s 1}}", "zero", {"out": "98"}],
  ["{{index .s 3}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index .s 3>: error calling index: reflect: string index out of range", "out": ""}],
  ["{{index .map 1}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index .map 1>: error calling index: value has type int; should be string", "out": ""}],
  ["{{index .missing \"a\"}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index .missing \"a\">: error calling index: index of untyped nil", "out": ""}],
  ["{{index .nested \"zz\" \"b\"}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index .nested \"zz\" \"b\">: error calling index: index of nil pointer", "out": ""}],
  ["{{index 3 1}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index 3 1>: error calling index: can't index item of type int", "out": ""}],
  ["{{index .list}}", "zero", {"out": "[3 4 5]"}],
  ["{{index .map .missing}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index .map .missing>: error calling index: value is nil; should be of type string", "out": ""}],
  ["{{index .list .missing}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index .list .missing>: error calling index: cannot index slice/array with nil", "out": ""}],
  ["{{index .maps 1 \"name\"}}", "zero", {"out": "b"}],
  ["{{index \"日本\" 0}}", "zero", {"out": "230"}],
  ["{{index .nested \"n\" \"x\"}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index .nested \"n\" \"x\">: error calling index: index of nil pointer", "out": ""}],
  ["{{index nil 1}}", "zero", {"err": "template: t:1:2: executing \"t\" at <index nil 1>: error calling index: index of untyped nil", "out": ""}],
  ["{{slice .list 1}}", "zero", {"out": "[4 5]"}],
  ["{{slice .list 1 2}}", "zero", {"out": "[4]"}],
  ["{{slice .list 1 2 3}}", "zero", {"out": "[4]"}],
  ["{{slice .s 1 3}}", "zero", {"out": "bc"}],
  ["{{slice .s 1 2 3}}", "zero", {"err": "template: t:1:2: executing \"t\" at <slice .s 1 2 3>: error calling slice: cannot 3-index slice a string", "out": ""}],
  ["{{slice .list 2 1}}", "zero", {"err": "template: t:1:2: executing \"t\" at <slice .list 2 1>: error calling slice: invalid slice index: 2 > 1", "out": ""}],
  ["{{slice .list 0 4}}", "zero", {"out": "[3 4 5 <nil>]"}],
  ["{{slice 3}}", "zero", {"err": "template: t:1:2: executing \"t\" at <slice 3>: error calling slice: can't slice item of type int", "out": ""}],
  ["{{slice .missing}}", "zero", {"err": "template: t:1:2: executing \"t\" at <slice .missing>: error calling slice: slice of untyped nil", "out": ""}],
  ["{{slice .list}}", "zero", {"out": "[3 4 5]"}],
  ["{{slice .list 1 2 1}}", "zero", {"err": "template: t:1:2: executing \"t\" at <slice .list 1 2 1>: error calling slice: invalid slice index: 2 > 1", "out": ""}],
  ["{{slice .list 0 0 0 0}}", "zero", {"err": "template: t:1:2: executing \"t\" at <slice .list 0 0 0 0>: error calling slice: too many slice indexes: 4", "out": ""}],
  ["{{slice .s 3}}", "zero", {"out": ""}],
  ["{{slice .s}}", "zero", {"out": "abc"}],
  ["{{eq 1 1}}", "zero", {"out": "true"}],
  ["{{eq 1 2 1}}", "zero", {"out": "true"}],
  ["{{eq \"a\" \"a\"}}", "zero", {"out": "true"}],
  ["{{eq .f 3}}", "zero", {"err": "template: t:1:2: executing \"t\" at <eq .f 3>: error calling eq: incompatible types for comparison", "out": ""}],
  ["{{eq .i 1}}", "zero", {"out": "true"}],
  ["{{eq .missing \"x\"}}", "zero", {"out": "false"}],
  ["{{eq \"x\" .missing}}", "zero", {"out": "false"}],
  ["{{eq .missing nil}}", "zero", {"out": "true"}],
  ["{{eq .nil .missing}}", "zero", {"out": "true"}],
  ["{{eq .map .map}}", "zero", {"err": "template: t:1:2: executing \"t\" at <eq .map .map>: error calling eq: non-comparable type map[a:%!s(int=1) b:%!s(int=2)]: map[string]interface {}", "out": ""}],
  ["{{eq .list 1}}", "zero", {"err": "template: t:1:2: executing \"t\" at <eq .list 1>: error calling eq: incompatible types for comparison", "out": ""}],
  ["{{eq 1}}", "zero", {"err": "template: t:1:2: executing \"t\" at <eq 1>: error calling eq: missing argument for comparison", "out": ""}],
  ["{{ne 1 2}}", "zero", {"out": "true"}],
  ["{{ne .f 3.0}}", "zero", {"out": "false"}],
  ["{{lt 1 2}}", "zero", {"out": "true"}],
  ["{{lt 1.5 2.5}}", "zero", {"out": "true"}],
  ["{{lt \"a\" \"b\"}}", "zero", {"out": "true"}],
  ["{{lt 1 2.0}}", "zero", {"err": "template: t:1:2: executing \"t\" at <lt 1 2.0>: error calling lt: incompatible types for comparison", "out": ""}],
  ["{{lt true false}}", "zero", {"err": "template: t:1:2: executing \"t\" at <lt true false>: error calling lt: invalid type for comparison", "out": ""}],
  ["{{lt .missing 1}}", "zero", {"err": "template: t:1:2: executing \"t\" at <lt .missing 1>: error calling lt: invalid type for comparison", "out": ""}],
  ["{{le 2 2}}", "zero", {"out": "true"}],
  ["{{gt 3 2}}", "zero", {"out": "true"}],
  ["{{ge 1 2}}", "zero", {"out": "false"}],
  ["{{eq .b true}}", "zero", {"out": "true"}],
  ["{{eq .b 1}}", "zero", {"err": "template: t:1:2: executing \"t\" at <eq .b 1>: error calling eq: incompatible types for comparison", "out": ""}],
  ["{{lt .list 1}}", "zero", {"err": "template: t:1:2: executing \"t\" at <lt .list 1>: error calling lt: invalid type for comparison", "out": ""}],
  ["{{eq 1.0 1.0 2.0}}", "zero", {"out": "true"}],
  ["{{eq .s \"x\" \"abc\"}}", "zero", {"out": "true"}],
  ["{{le 1 2.0}}", "zero", {"err": "template: t:1:2: executing \"t\" at <le 1 2.0>: error calling le: incompatible types for comparison", "out": ""}],
  ["{{gt \"b\" \"a\"}}", "zero", {"out": "true"}],
  ["{{ge .f .f2}}", "zero", {"out": "true"}],
  ["{{eq .emptymap .emptymap}}", "zero", {"err": "template: t:1:2: executing \"t\" at <eq .emptymap .emptymap>: error calling eq: non-comparable type map[]: map[string]interface {}", "out": ""}],
  ["{{eq .f 3.0}}", "zero", {"out": "true"}],
  ["{{eq 1 \"1\"}}", "zero", {"err": "template: t:1:2: executing \"t\" at <eq 1 \"1\">: error calling eq: incompatible types for comparison", "out": ""}],
  ["{{print 1 2 \"a\" 3}}", "zero", {"out": "1 2a3"}],
  ["{{println 1 \"a\"}}", "zero", {"out": "1 a\n"}],
  ["{{printf \"%d-%s\" 1 \"a\"}}", "zero", {"out": "1-a"}],
  ["{{printf 3}}", "zero", {"err": "template: t:1:9: executing \"t\" at <3>: expected string; found 3", "out": ""}],
  ["{{printf .i}}", "zero", {"err": "template: t:1:9: executing \"t\" at <.i>: wrong type for value; expected string; got int", "out": ""}],
  ["{{printf \"%v\" .missing}}", "zero", {"out": "<nil>"}],
  ["{{printf \"%s\" .missing}}", "zero", {"out": "%!s(<nil>)"}],
  ["{{print .missing}}", "zero", {"out": "<nil>"}],
  ["{{print nil}}", "zero", {"out": "<nil>"}],
  ["{{printf \"%d\" .f}}", "zero", {"out": "%!d(float64=3)"}],
  ["{{printf \"%.2f\" .f2}}", "zero", {"out": "2.50"}],
  ["{{printf \"%5.1f|%-5d|%05d\" .f2 .i .i}}", "zero", {"out": "  2.5|1    |00001"}],
  ["{{printf \"%v %v\" .map .list}}", "zero", {"out": "map[a:1 b:2] [3 4 5]"}],
  ["{{printf}}", "zero", {"err": "template: t:1:2: executing \"t\" at <printf>: wrong number of args for printf: want at least 1 got 0", "out": ""}],
  ["{{print}}", "zero", {"out": ""}],
  ["{{printf \"%s\"}}", "zero", {"out": "%!s(MISSING)"}],
  ["{{printf \"%d %d\" 1 2 3}}", "zero", {"out": "1 2%!(EXTRA int=3)"}],
  ["{{printf \"%T %T %T %T\" 1 1.0 \"a\" .map}}", "zero", {"out": "int float64 string map[string]interface {}"}],
  ["{{html \"<a href='x'>&\\\"</a>\"}}", "zero", {"out": "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;"}],
  ["{{js \"a'b\\\"c<>&=\\\\ \\n é\"}}", "zero", {"out": "a\\'b\\\"c\\u003C\\u003E\\u0026\\u003D\\\\ \\u000A é"}],
  ["{{urlquery \"a b&c=d/é~_-.\"}}", "zero", {"out": "a+b%26c%3Dd%2F%C3%A9~_-."}],
  ["{{html .missing}}", "zero", {"out": "&lt;no value&gt;"}],
  ["{{html 1 2}}", "zero", {"out": "1 2"}],
  ["{{js .map}}", "zero", {"out": "map[a:1 b:2]"}],
  ["{{urlquery .missing \"x\"}}", "zero", {"out": "%3Cno+value%3Ex"}],
  ["{{html}}", "zero", {"out": ""}],
  ["{{.map}}", "zero", {"out": "map[a:1 b:2]"}],
  ["{{.list}}", "zero", {"out": "[3 4 5]"}],
  ["{{.nils}}", "zero", {"out": "[<nil> 1]"}],
  ["{{.f}}", "zero", {"out": "3"}],
  ["{{.big}}", "zero", {"out": "1e+06"}],
  ["{{.i}}", "zero", {"out": "1"}],
  ["{{.b}}", "zero", {"out": "true"}],
  ["{{1e6}}", "zero", {"out": "1e+06"}],
  ["{{0x10}}", "zero", {"out": "16"}],
  ["{{'a'}}", "zero", {"out": "97"}],
  ["{{1_000}}", "zero", {"out": "1000"}],
  ["{{1.0}}", "zero", {"out": "1"}],
  ["{{1e3}}", "zero", {"out": "1000"}],
  ["{{-1}}", "zero", {"out": "-1"}],
  ["{{.nested}}", "zero", {"out": "map[a:map[b:deep] n:<nil>]"}],
  ["{{.maps}}", "zero", {"out": "[map[name:a port:80] map[name:b port:443]]"}],
  ["{{.emptymap}}{{.emptylist}}", "zero", {"out": "map[][]"}],
  ["{{0x1p4}}", "zero", {"out": "16"}],
  ["{{0b101}}", "zero", {"out": "5"}],
  ["{{0o17}}", "zero", {"out": "15"}],
  ["{{.f2}}", "zero", {"out": "2.5"}],
  ["{{\"a\\tb\"}}", "zero", {"out": "a\tb"}],
  ["{{`raw\\n`}}", "zero", {"out": "raw\\n"}],
  ["{{true}}", "zero", {"out": "true"}],
  ["{{define \"x\"}}[{{.}}]{{end}}{{template \"x\" .s}}{{template \"x\"}}", "zero", {"out": "[abc][<no value>]"}],
  ["{{template \"nope\"}}", "zero", {"err": "template: t:1:11: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined", "out": ""}],
  ["{{define \"x\"}}{{.a}}{{end}}{{template \"x\" .map}}", "zero", {"out": "1"}],
  ["{{define \"x\"}}{{$}}{{end}}{{template \"x\" 5}}", "zero", {"out": "5"}],
  ["{{define \"x\"}}{{.nope.x}}{{end}}{{template \"x\" .}}", "zero", {"err": "template: t:1:21: executing \"x\" at <.nope.x>: nil pointer evaluating interface {}.x", "out": ""}],
  ["{{block \"b\" .s}}<{{.}}>{{end}}", "zero", {"out": "<abc>"}],
  ["{{define \"x\"}}{{.}}{{end}}{{range .list}}{{template \"x\" .}}{{end}}", "zero", {"out": "345"}],
];

/** Where Go 1.21+ (the toolchain Helm is built with) words things differently from the recorded go1.19 run. */
const NEWER_GO: Record<string, { out?: string; err?: string }> = {
  // go1.21+: the callee's name in call's errors, the two types in comparison errors.
  '{{call (fnv)}}': { err: 'template: t:1:2: executing "t" at <call (fnv)>: error calling call: wrong number of args for fnv: got 0 want 1' },
  '{{call .s}}': { err: 'template: t:1:2: executing "t" at <call .s>: error calling call: non-function .s of type string' },
  '{{eq .f 3}}': { err: 'template: t:1:2: executing "t" at <eq .f 3>: error calling eq: incompatible types for comparison: float64 and int' },
  '{{eq .list 1}}': { err: 'template: t:1:2: executing "t" at <eq .list 1>: error calling eq: incompatible types for comparison: []interface {} and int' },
  '{{lt 1 2.0}}': { err: 'template: t:1:2: executing "t" at <lt 1 2.0>: error calling lt: incompatible types for comparison: int and float64' },
  '{{eq .b 1}}': { err: 'template: t:1:2: executing "t" at <eq .b 1>: error calling eq: incompatible types for comparison: bool and int' },
  '{{le 1 2.0}}': { err: 'template: t:1:2: executing "t" at <le 1 2.0>: error calling le: incompatible types for comparison: int and float64' },
  '{{eq 1 "1"}}': { err: 'template: t:1:2: executing "t" at <eq 1 "1">: error calling eq: incompatible types for comparison: int and string' },
  // Approximation: Go slices up to a slice's capacity, which depends on how it was built (here 4); ours is its length.
  '{{slice .list 0 4}}': { err: 'template: t:1:2: executing "t" at <slice .list 0 4>: error calling slice: index out of range: 4' },
};

describe('Go text/template cases (checked against Go)', () => {
  it.each(GO_CASES.filter(([, , want]) => !want.parse).map((c, i) => [i, ...c] as const))('#%i %s (%s)', (_i, src, mk, want0) => {
    const want = NEWER_GO[src] ?? want0;
    const got = run(src, DATA, mk);
    if (want.err !== undefined) expect(got.err).toBe(want.err);
    else expect(got).toEqual({ out: want.out });
  });
});

describe('Go 1.22+ forms (range over an int, range with =, else with)', () => {
  it('ranges over an int', () => {
    expect(out('{{range 3}}{{.}}{{end}}')).toBe('012');
    expect(out('{{range $i := 3}}<{{$i}}>{{end}}')).toBe('<0><1><2>');
    expect(out('{{range 0}}x{{else}}none{{end}}')).toBe('none');
    expect(out('{{range -2}}x{{else}}none{{end}}')).toBe('none');
    expect(out('{{range .i}}[{{.}}]{{end}}')).toBe('[0]');
    expect(msg('{{range $i, $v := 3}}{{end}}')).toBe("can't use 3 to iterate over more than one variable");
    // A count from a values file is a float64: Go refuses to range over it (Helm charts use `until (int .n)`).
    expect(msg('{{range .f}}{{end}}')).toBe("range can't iterate over 3");
  });
  it('assigns range variables with =', () => {
    expect(out('{{$i := 0}}{{$v := 0}}{{range $i, $v = .list}}{{end}}{{$i}}{{$v}}')).toBe('25');
    expect(out('{{$v := 0}}{{range $v = .list}}{{end}}{{$v}}')).toBe('5');
  });
  it('chains else with', () => {
    expect(out('{{with .missing}}A{{else with .s}}B{{.}}{{else}}C{{end}}')).toBe('Babc');
    expect(out('{{with .missing}}A{{else with .nil}}B{{else}}C{{end}}')).toBe('C');
  });
  it('keeps a variable assigned in a loop that breaks', () => {
    expect(out('{{$x := 0}}{{range .list}}{{$x = .}}{{if eq . 4}}{{break}}{{end}}{{end}}{{$x}}')).toBe('4');
    expect(out('{{range .list}}{{range $.strs}}{{if eq . "y"}}{{break}}{{end}}{{.}}{{end}}{{.}}{{end}}')).toBe('x3x4x5');
    expect(out('{{range $i, $e := .list}}{{if eq $i 1}}{{continue}}{{end}}{{$e}}{{end}}')).toBe('35');
  });
});

describe('Helm observable behaviour', () => {
  it('prints a missing value as <no value>, which Helm erases from a rendered file', () => {
    const r = out('a={{.missing}} b={{.nested.n}} c={{index .map "zz"}}');
    expect(r).toBe('a=<no value> b=<no value> c=<no value>');
    expect(removeNoValue(r as string)).toBe('a= b= c=');
  });
  it('fails on a field of a missing map under missingkey=zero (Helm), not under default', () => {
    expect(run('{{.Values.a.b}}', { Values: {} }).err).toBe('template: t:1:9: executing "t" at <.Values.a.b>: nil pointer evaluating interface {}.b');
    expect(run('{{.Values.a.b}}', { Values: {} }, 'default').out).toBe('<no value>');
    expect(run('{{.Values.a.b}}', { Values: {} }, 'error').err).toBe('template: t:1:9: executing "t" at <.Values.a.b>: map has no entry for key "a"');
  });
  it('refuses to compare a float64 from a values file with an int constant (helm#3005)', () => {
    expect(run('{{if eq .Values.replicas 3}}x{{end}}', { Values: { replicas: 3 } }).message).toBe(
      'error calling eq: incompatible types for comparison: float64 and int',
    );
    expect(out('{{if eq .Values.replicas 3.0}}x{{end}}', { Values: { replicas: 3 } })).toBe('x');
    expect(out('{{if eq (int .Values.replicas) 3}}x{{end}}', { Values: { replicas: 3 } })).toBeUndefined(); // int is Sprig's, not defined here
  });
  it('prints large float64 values in exponent form, as Helm does', () => {
    expect(out('{{.Values.port}} {{.Values.big}} {{.Values.ratio}}', { Values: { port: 8080, big: 12345678, ratio: 0.25 } })).toBe('8080 1.2345678e+07 0.25');
  });
  it('keeps <no value> in what include returns (Helm erases it only in files and tpl results)', () => {
    const src = '{{define "x"}}[{{.missing}}]{{end}}{{include "x" . | up}}';
    const funcs: Record<string, GoFunc> = { ...FUNCS };
    const { t, e } = env(src, 'zero', {}, { ...funcs, include: () => '' });
    e.funcs.set('include', withSignature((name: GoValue, data: GoValue) => executeTemplate(name as string, data, e), { params: ['string', 'any'] }));
    expect(execute(t, DATA, e)).toBe('[<NO VALUE>]');
  });
});

describe('methods, structs and function values', () => {
  class Chart {
    Name = 'web';
    Version = '1.0.0';
  }
  const files = {
    Get: withSignature((name: GoValue) => (name === 'a.txt' ? 'A!' : ''), { params: ['string'] }),
    Glob: (pattern: GoValue) => ({ [`${pattern}`]: 'x' }),
  };
  const apiVersions = { Has: (v: GoValue) => v === 'apps/v1' };
  const data = { Files: files, Capabilities: { APIVersions: apiVersions }, Chart: new Chart(), Release: { Name: 'rel' }, F: (x: GoValue) => `F(${x})` };

  it('calls function properties as methods, with the command arguments and the pipeline value', () => {
    expect(out('{{.Files.Get "a.txt"}}', data)).toBe('A!');
    expect(out('{{"a.txt" | .Files.Get}}', data)).toBe('A!');
    expect(out('{{if .Capabilities.APIVersions.Has "apps/v1"}}yes{{end}}', data)).toBe('yes');
    expect(out('{{.Capabilities.APIVersions.Has "batch/v9"}}', data)).toBe('false');
    expect(out('{{range $k, $v := .Files.Glob "*.yaml"}}{{$k}}={{$v}}{{end}}', data)).toBe('*.yaml=x');
    expect(out('{{.Release.Name}}', data)).toBe('rel');
    expect(out('{{.Files}}', data)).toBe('map[]');
  });
  it('checks a method signature as Go checks it', () => {
    expect(run('{{.Files.Get}}', data).err).toBe('template: t:1:8: executing "t" at <.Files.Get>: wrong number of args for Get: want 1 got 0');
    expect(msg('{{.Files.Get 3}}', data)).toBe('expected string; found 3');
  });
  it('reads struct fields and says what Go says of others', () => {
    expect(out('{{.Chart.Name}}-{{.Chart.Version}}', data)).toBe('web-1.0.0');
    // Go names the static type: interface {} for a map's element, the struct's type for a variable or dot.
    expect(msg('{{.Chart.Nope}}', data)).toBe("can't evaluate field Nope in type interface {}");
    expect(msg('{{$c := .Chart}}{{$c.Nope}}', data)).toBe("can't evaluate field Nope in type *Chart");
    expect(msg('{{with .Chart}}{{.Nope}}{{end}}', data)).toBe("can't evaluate field Nope in type *Chart");
    expect(msg('{{.Chart.Name 1}}', data)).toBe('Name has arguments but cannot be invoked as function');
    expect(msg('{{.Release.Name 1}}', data)).toBe('Name is not a method but has arguments');
    expect(out('{{if .Chart}}t{{end}}', data)).toBe('t');
  });
  it('calls function values with call', () => {
    expect(out('{{call (index . "F") 2}}', data)).toBe('F(2)');
    expect(msg('{{call .missing}}', data)).toBe('error calling call: call of nil');
  });
  it('passes the argument errors functions raise themselves as the interpreter would word them', () => {
    const argErr = Object.assign(new GoFuncError('wrong type for value; expected int; got string'), { name: 'GoArgError' });
    const funcs = {
      typed: () => {
        throw argErr;
      },
    };
    expect(run('{{typed "x"}}', DATA, 'zero', funcs).message).toBe('wrong type for value; expected int; got string');
    expect(run('{{typed2 "x"}}', DATA, 'zero', { typed2: () => { throw new Error('other'); } }).message).toBe('error calling typed2: other');
    expect(run('{{typed3}}', DATA, 'zero', { typed3: () => { throw 'str'; } }).message).toBe('error calling typed3: str');
  });
  it("reads funcs/kinds.ts def's goParams as a signature", () => {
    const f = Object.assign((n: GoValue) => n, { goName: 'f', goParams: ['int'] });
    const g = Object.assign((s: GoValue, ...r: GoValue[]) => `${s}${r.length}`, { goName: 'g', goParams: ['string', '...any'] });
    const funcs = { f, g } as unknown as Record<string, GoFunc>;
    expect(run('{{f 3.5}}', DATA, 'zero', funcs).message).toBe('expected integer; found 3.5');
    expect(run('{{f 3}}', DATA, 'zero', funcs).out).toBe('3');
    expect(run('{{g}}', DATA, 'zero', funcs).message).toBe('wrong number of args for g: want at least 1 got 0');
    expect(run('{{g "a" 1 2}}', DATA, 'zero', funcs).out).toBe('a2');
  });
  it('lets template functions override builtins (which then are not short-circuited)', () => {
    let called = 0;
    const funcs = {
      ...FUNCS,
      and: withSignature((...a: GoValue[]) => a.length, { params: [], variadic: 'any' }),
      count: withSignature(() => ++called, { params: [] }),
    };
    expect(run('{{and false (count)}}', DATA, 'zero', funcs).out).toBe('2');
    expect(called).toBe(1);
    let calls = 0;
    const lazy = { ...FUNCS, count: withSignature(() => ++calls, { params: [] }) };
    expect(run('{{or 1 (count)}}{{and 0 (count)}}', DATA, 'zero', lazy).out).toBe('10');
    expect(calls).toBe(0);
  });
});

describe('values of the model', () => {
  it('treats []byte, time.Duration and time.Time as Go does', () => {
    const data = { bytes: new Uint8Array([104, 105]), d: new GoDuration(90_000_000_000n) };
    expect(out('{{.bytes}} {{len .bytes}} {{index .bytes 0}} {{printf "%s" .bytes}}', data)).toBe('[104 105] 2 104 hi');
    expect(out('{{range .bytes}}{{.}},{{end}}', data)).toBe('104,105,');
    expect(out('{{.d}} {{printf "%d" .d}} {{if .d}}t{{end}} {{eq .d 90000000000}}', data)).toBe('1m30s 90000000000 t true');
  });
  it('runs on nil data', () => {
    expect(out('{{.}}|{{.a}}', null)).toBe('<no value>|<no value>');
    expect(msg('{{.a}}', null, 'error')).toBe('nil data; no entry for key "a"');
  });
  it('treats a function result of undefined as nil, and prints no function', () => {
    expect(run('{{u}}|{{print (u)}}', DATA, 'zero', { u: () => undefined }).out).toBe('<no value>|<nil>');
    expect(run('{{fn}}', DATA, 'zero', { fn: () => () => 1 }).message).toBe("can't print {{fn}} of type func(...interface {}) interface {}");
  });
  it('sorts map keys as Go does (bytes, not UTF-16)', () => {
    expect(out('{{range $k, $v := .}}{{$k}}{{end}}', { b: 1n, a: 1n, 'é': 1n, B: 1n, '\u{1F600}': 1n, '\uffee': 1n })).toBe('Bab\u00e9\uffee\u{1F600}');
  });
});

describe('named templates, errors and budgets', () => {
  it('names the file and template of an error inside a define', () => {
    const helpers = parse('_helpers.tpl', '{{/* helpers */}}\n{{define "app.name"}}{{ .Values.x.y }}{{end}}');
    const main = parse('deploy.yaml', 'name: {{ template "app.name" . }}');
    const templates = new Map([...helpers.defines, ...main.defines]);
    const e: ExecEnv = {
      funcs: new Map(),
      templates,
      missingKey: 'zero',
      file: 'deploy.yaml',
      templateFiles: new Map([...helpers.defines.keys()].map((k) => [k, '_helpers.tpl'])),
      sources: new Map([
        ['_helpers.tpl', '{{/* helpers */}}\n{{define "app.name"}}{{ .Values.x.y }}{{end}}'],
        ['deploy.yaml', 'name: {{ template "app.name" . }}'],
      ]),
    };
    let err: TemplateExecError | undefined;
    try {
      execute(main, { Values: {} }, e);
    } catch (x) {
      err = x as TemplateExecError;
    }
    expect(err).toBeInstanceOf(TemplateExecError);
    expect(err?.goMessage).toBe('template: _helpers.tpl:2:31: executing "app.name" at <.Values.x.y>: nil pointer evaluating interface {}.y');
    expect(err?.file).toBe('_helpers.tpl');
    expect(err?.template).toBe('app.name');
    expect(err?.pos?.line).toBe(2);
    expect(err?.message).toBe('nil pointer evaluating interface {}.y');
  });
  it('wraps an error of a nested execution as Go wraps include errors', () => {
    const src = '{{define "x"}}{{.a.b}}{{end}}{{include "x" .}}';
    const { t, e } = env(src, 'zero', {}, { include: () => '' });
    e.funcs.set('include', withSignature((name: GoValue, data: GoValue) => executeTemplate(name as string, data, e), { params: ['string', 'any'] }));
    expect(() => execute(t, {}, e)).toThrow(TemplateExecError);
    try {
      execute(t, {}, e);
    } catch (x) {
      expect((x as TemplateExecError).goMessage).toBe(
        'template: t:1:31: executing "t" at <include "x" .>: error calling include: template: t:1:18: executing "x" at <.a.b>: nil pointer evaluating interface {}.b',
      );
    }
    expect(() => executeTemplate('nope', {}, e)).toThrow('no template "nope" associated with template "t"');
  });
  it('stops runaway recursion and loops', () => {
    expect(msg('{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}')).toBe('exceeded maximum template depth (1000)');
    const budget = newBudget({ maxSteps: 1000 });
    expect(run('{{range 100000}}{{end}}', DATA, 'zero', FUNCS, { budget }).message).toBe('template execution exceeded 1000 steps');
    const deep = newBudget({ maxDepth: 5 });
    expect(run('{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}', DATA, 'zero', FUNCS, { budget: deep }).message).toBe('exceeded maximum template depth (5)');
    expect(deep.depth).toBe(0);
  });
  it('exposes Go builtins with their signatures', () => {
    expect([...BUILTINS.keys()].sort()).toEqual(['and', 'call', 'eq', 'ge', 'gt', 'html', 'index', 'js', 'le', 'len', 'lt', 'ne', 'not', 'or', 'print', 'printf', 'println', 'slice', 'urlquery']);
  });
});

describe('number constants', () => {
  it('types constants by their syntax, as Go does', () => {
    expect(out('{{printf "%T %T %T %T %T" 1 1.0 1e3 0x10 \'a\'}}')).toBe('int float64 float64 int int');
    expect(msg('{{18446744073709551615}}')).toBe('18446744073709551615 overflows int');
    expect(run('{{99999999999999999999}}').parse).toContain('overflow'); // refused by the parser, as by Go's
    expect(out('{{half 3}} {{half 3.5}}')).toBe('1.5 1.75'); // an int constant is a float64 where one is wanted
    expect(msg('{{$x := 3}}{{half $x}}')).toBe('wrong type for value; expected float64; got int');
  });
});

describe('tracing output lines back to template lines', () => {
  it('maps literal lines to themselves, printed values to their action, {{template}} output to the call', () => {
    const src = ['{{- define "pair" }}', 'x: 1', 'y: 2', '{{- end }}', 'a: 1', '{{- range .strs }}', '{{ . }}: v', '{{- end }}', '{{ template "pair" . }}', 'multi: {{ "p\\nq" }}', 'tail: t', ''].join('\n');
    const { t, e } = env(src, 'zero');
    const trace = { pieces: [] as string[], spots: [] as number[] };
    const text = execute(t, DATA, { ...e, trace });
    expect(text).toBe('\na: 1\nx: v\ny: v\n\nx: 1\ny: 2\nmulti: p\nq\ntail: t\n');
    expect(trace.pieces.join('')).toBe(text);
    const lines = text.split('\n').map((_, i) => tracedSourceLine(src, trace, i + 1));
    // output:  1 ''  2 a:1  3 x: v  4 y: v  5 ''  6 x: 1  7 y: 2  8 multi: p  9 q  10 tail: t
    expect(lines.slice(1, 10)).toEqual([5, 7, 7, 9, 9, 9, 10, 10, 11]);
  });
});
