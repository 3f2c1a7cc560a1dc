import { describe, expect, it } from '@jest/globals';
import { formatFloat, goTypeName, GO_STRING, GO_TYPE, quoteGo, sprint, sprintf, sprintln, timeString, durationString, compareGoStrings } from '../../template-engine/go/fmt.js';
import { GoDuration, GoTime, type GoValue } from '../../template-engine/go/value.js';

/** A value with a String method (Go's fmt.Stringer). */
const stringer = (s: string) => ({ String: () => s });

/**
 * [function, format, arguments, what Go prints]. The expectations were produced by Go's own fmt (go1.19, whose
 * printing of these values is the current one), from cases adapted from Go's fmt_test.go plus Helm's usual values.
 */
const GO_CASES: [string, string, GoValue[], string][] = [
  ["printf", "%d", [12345n], "12345"],
  ["printf", "%d", [-12345n], "-12345"],
  ["printf", "%v", [true], "true"],
  ["printf", "%t", [false], "false"],
  ["printf", "%v", ["abc"], "abc"],
  ["printf", "%s", ["abc"], "abc"],
  ["printf", "%q", ["abc"], "\"abc\""],
  ["printf", "%x", ["xyz"], "78797a"],
  ["printf", "%X", ["xyz"], "78797A"],
  ["printf", "% x", ["xyz"], "78 79 7a"],
  ["printf", "%#x", ["xyz"], "0x78797a"],
  ["printf", "%# X", ["xyz"], "0X78 0X79 0X7A"],
  ["printf", "%x", [""], ""],
  ["printf", "%5x", [""], "     "],
  ["printf", "%q", ["\n"], "\"\\n\""],
  ["printf", "%#q", ["abc"], "`abc`"],
  ["printf", "%#q", ["a`b"], "\"a`b\""],
  ["printf", "%+q", ["日本語"], "\"\\u65e5\\u672c\\u8a9e\""],
  ["printf", "%q", ["☺"], "\"☺\""],
  ["printf", "%+q", ["☺"], "\"\\u263a\""],
  ["printf", "%10q", ["⌘"], "       \"⌘\""],
  ["printf", "%-10q", ["⌘"], "\"⌘\"       "],
  ["printf", "%010q", ["⌘"], "0000000\"⌘\""],
  ["printf", "%+010q", ["⌘"], "00\"\\u2318\""],
  ["printf", "%q", ["\u0007\b\f\r\t\u000b\"\\"], "\"\\a\\b\\f\\r\\t\\v\\\"\\\\\""],
  ["printf", "%q", ["\u0000"], "\"\\x00\\x7f\""],
  ["printf", "%q", [" x​"], "\"\\u00a0x\\u200b\""],
  ["printf", "%q", ["😀"], "\"😀\""],
  ["printf", "%+q", ["😀"], "\"\\U0001f600\""],
  ["printf", "%.3q", ["日本語日本語"], "\"日本語\""],
  ["printf", "%x", ["日本語"], "e697a5e69cace8aa9e"],
  ["printf", "%.1x", ["日本語"], "e6"],
  ["printf", "%c", [26412n], "本"],
  ["printf", "%c", [120n], "x"],
  ["printf", "%q", [120n], "'x'"],
  ["printf", "%+q", [9786n], "'\\u263a'"],
  ["printf", "%q", [10n], "'\\n'"],
  ["printf", "%3c", [8984n], "  ⌘"],
  ["printf", "%-3c", [8984n], "⌘  "],
  ["printf", "%U", [9786n], "U+263A"],
  ["printf", "%#U", [9786n], "U+263A '☺'"],
  ["printf", "%U", [0n], "U+0000"],
  ["printf", "%U", [-1n], "U+FFFFFFFFFFFFFFFF"],
  ["printf", "%#U", [10n], "U+000A"],
  ["printf", "%#14.6U", [8984n], "  U+002318 '⌘'"],
  ["printf", "%c", [-1n], "�"],
  ["printf", "%c", [56448n], "�"],
  ["printf", "%q", [-1n], "'�'"],
  ["printf", "%q", [1114112n], "'�'"],
  ["printf", "%5s", ["abc"], "  abc"],
  ["printf", "%-5s", ["abc"], "abc  "],
  ["printf", "%05s", ["abc"], "00abc"],
  ["printf", "%.5s", ["abcdefghijklmnopqrstuvwxyz"], "abcde"],
  ["printf", "%.0s", ["日本語"], ""],
  ["printf", "%.5s", ["日本語日本語"], "日本語日本"],
  ["printf", "%5s", ["日本"], "   日本"],
  ["printf", "%10v", [null], "     <nil>"],
  ["printf", "%-10v", [null], "<nil>     "],
  ["printf", "%05t", [true], "0true"],
  ["printf", "%.d", [0n], ""],
  ["printf", "%.0d", [0n], ""],
  ["printf", "%6.0d", [0n], "      "],
  ["printf", "%06.0d", [0n], "      "],
  ["printf", "% d", [12345n], " 12345"],
  ["printf", "%+d", [12345n], "+12345"],
  ["printf", "%+d", [-12345n], "-12345"],
  ["printf", "%b", [7n], "111"],
  ["printf", "%b", [-6n], "-110"],
  ["printf", "%#b", [7n], "0b111"],
  ["printf", "%#b", [-6n], "-0b110"],
  ["printf", "%o", [668n], "1234"],
  ["printf", "%#o", [668n], "01234"],
  ["printf", "%O", [668n], "0o1234"],
  ["printf", "%O", [-668n], "-0o1234"],
  ["printf", "%#X", [0n], "0X0"],
  ["printf", "%x", [313249263n], "12abcdef"],
  ["printf", "%X", [313249263n], "12ABCDEF"],
  ["printf", "%#x", [-255n], "-0xff"],
  ["printf", "%.20b", [7n], "00000000000000000111"],
  ["printf", "%10d", [12345n], "     12345"],
  ["printf", "%10d", [-12345n], "    -12345"],
  ["printf", "%+10d", [12345n], "    +12345"],
  ["printf", "%010d", [12345n], "0000012345"],
  ["printf", "%010d", [-12345n], "-000012345"],
  ["printf", "%20.8d", [1234n], "            00001234"],
  ["printf", "%020.8d", [-1234n], "           -00001234"],
  ["printf", "%-20.8d", [-1234n], "-00001234           "],
  ["printf", "%-#20.8x", [19090108n], "0x01234abc          "],
  ["printf", "%-#20.8o", [668n], "00001234            "],
  ["printf", "%-010d", [5n], "5         "],
  ["printf", "% 05d", [42n], " 0042"],
  ["printf", "%+05d", [42n], "+0042"],
  ["printf", "%d", [9223372036854775807n], "9223372036854775807"],
  ["printf", "%d", [-9223372036854775808n], "-9223372036854775808"],
  ["printf", "%x", [-9223372036854775808n], "-8000000000000000"],
  ["printf", "%+.3e", [0.0], "+0.000e+00"],
  ["printf", "%+.3e", [1.0], "+1.000e+00"],
  ["printf", "%+.3x", [1.0], "+0x1.000p+00"],
  ["printf", "%+.3f", [-1.0], "-1.000"],
  ["printf", "%+.3F", [-1.0], "-1.000"],
  ["printf", "%+07.2f", [1.0], "+001.00"],
  ["printf", "%+07.2f", [-1.0], "-001.00"],
  ["printf", "%-07.2f", [1.0], "1.00   "],
  ["printf", "%+-07.2f", [-1.0], "-1.00  "],
  ["printf", "%+10.2f", [1.0], "     +1.00"],
  ["printf", "% .3E", [-1.0], "-1.000E+00"],
  ["printf", "% .3e", [1.0], " 1.000e+00"],
  ["printf", "% .3X", [-1.0], "-0X1.000P+00"],
  ["printf", "%+.3g", [0.0], "+0"],
  ["printf", "%+.3g", [1.0], "+1"],
  ["printf", "% .3g", [1.0], " 1"],
  ["printf", "%b", [1.0], "4503599627370496p-52"],
  ["printf", "%b", [0.0], "0p-1074"],
  ["printf", "%b", [5e-324], "1p-1074"],
  ["printf", "%#g", [1e-323], "1.00000e-323"],
  ["printf", "%#g", [-1.0], "-1.00000"],
  ["printf", "%#g", [1.1], "1.10000"],
  ["printf", "%#g", [123456.0], "123456."],
  ["printf", "%#g", [1234567.0], "1.234567e+06"],
  ["printf", "%#g", [1230000.0], "1.23000e+06"],
  ["printf", "%#.0f", [1.0], "1."],
  ["printf", "%#.0e", [1.0], "1.e+00"],
  ["printf", "%#.0x", [1.0], "0x1.p+00"],
  ["printf", "%#.0g", [1100000.0], "1.e+06"],
  ["printf", "%#.4g", [100000.0], "1.000e+05"],
  ["printf", "%#.4g", [0.0], "0.000"],
  ["printf", "%#.4g", [0.012], "0.01200"],
  ["printf", "%#.0x", [123.0], "0x1.p+07"],
  ["printf", "%#.4x", [123.0], "0x1.ec00p+06"],
  ["printf", "%#9.4g", [1.0], "    1.000"],
  ["printf", "%.68f", [1.0], "1.00000000000000000000000000000000000000000000000000000000000000000000"],
  ["printf", "%f", [Infinity], "+Inf"],
  ["printf", "%.1f", [-Infinity], "-Inf"],
  ["printf", "% f", [NaN], " NaN"],
  ["printf", "%20f", [Infinity], "                +Inf"],
  ["printf", "% 20F", [Infinity], "                 Inf"],
  ["printf", "% +20g", [-Infinity], "                -Inf"],
  ["printf", "%+-20G", [Infinity], "+Inf                "],
  ["printf", "%20e", [NaN], "                 NaN"],
  ["printf", "% +20E", [NaN], "                +NaN"],
  ["printf", "% -20g", [NaN], " NaN                "],
  ["printf", "%+020e", [Infinity], "                +Inf"],
  ["printf", "%-020f", [-Infinity], "-Inf                "],
  ["printf", "%-020E", [NaN], "NaN                 "],
  ["printf", "%e", [1234567.8], "1.234568e+06"],
  ["printf", "%e", [1.2345678e-05], "1.234568e-05"],
  ["printf", "%e", [-7.0], "-7.000000e+00"],
  ["printf", "%e", [-1e-09], "-1.000000e-09"],
  ["printf", "%f", [1234567.8], "1234567.800000"],
  ["printf", "%f", [1.2345678e-05], "0.000012"],
  ["printf", "%f", [-1e-09], "-0.000000"],
  ["printf", "%g", [1234567.8], "1.2345678e+06"],
  ["printf", "%g", [1.2345678e-05], "1.2345678e-05"],
  ["printf", "%g", [-7.0], "-7"],
  ["printf", "%g", [-1e-09], "-1e-09"],
  ["printf", "%E", [1234567.8], "1.234568E+06"],
  ["printf", "%G", [1.2345678e-05], "1.2345678E-05"],
  ["printf", "%G", [-1e-09], "-1E-09"],
  ["printf", "%x", [1.0], "0x1p+00"],
  ["printf", "%x", [-3.5], "-0x1.cp+01"],
  ["printf", "%X", [0.1], "0X1.999999999999AP-04"],
  ["printf", "%.2x", [0.1], "0x1.9ap-04"],
  ["printf", "%x", [5e-324], "0x1p-1074"],
  ["printf", "%x", [0.0], "0x0p+00"],
  ["printf", "%.0f", [0.5], "0"],
  ["printf", "%.0f", [1.5], "2"],
  ["printf", "%.0f", [2.5], "2"],
  ["printf", "%.0f", [-0.5], "-0"],
  ["printf", "%.1f", [0.25], "0.2"],
  ["printf", "%.1f", [0.35], "0.3"],
  ["printf", "%.2f", [1.005], "1.00"],
  ["printf", "%.3g", [2.675], "2.67"],
  ["printf", "%.2f", [0.125], "0.12"],
  ["printf", "%.2e", [1.125], "1.12e+00"],
  ["printf", "%.1e", [0.25], "2.5e-01"],
  ["printf", "%.0e", [2.5], "2e+00"],
  ["printf", "%.3g", [1234.5678], "1.23e+03"],
  ["printf", "%.10g", [0.1], "0.1"],
  ["printf", "%.20f", [0.1], "0.10000000000000000555"],
  ["printf", "%.30e", [0.1], "1.000000000000000055511151231258e-01"],
  ["printf", "%.0g", [0.0001234], "0.0001"],
  ["printf", "%.2f", [1e+21], "1000000000000000000000.00"],
  ["printf", "%.1f", [999.96], "1000.0"],
  ["printf", "%.2f", [1e-7], "0.00"],
  ["printf", "%6.2f", [3.14159], "  3.14"],
  ["printf", "%06.2f", [-3.14159], "-03.14"],
  ["printf", "%.3f", [-0], "-0.000"],
  ["printf", "%v", [-0], "-0"],
  ["printf", "%.2f", [2.0], "2.00"],
  ["printf", "%5.1f%%", [99.5], " 99.5%"],
  ["printf", "%g", [100000.0], "100000"],
  ["printf", "%g", [1000000.0], "1e+06"],
  ["printf", "%.4g", [123456.0], "1.235e+05"],
  ["printf", "%v", [0.1], "0.1"],
  ["printf", "%v", [1e+21], "1e+21"],
  ["printf", "%v", [1e+20], "1e+20"],
  ["printf", "%v", [1234567.0], "1.234567e+06"],
  ["printf", "%v", [123456789.0], "1.23456789e+08"],
  ["printf", "%v", [100.0], "100"],
  ["printf", "%v", [123456.0], "123456"],
  ["printf", "%v", [1000000.0], "1e+06"],
  ["printf", "%v", [999999.0], "999999"],
  ["printf", "%v", [1.2345e-05], "1.2345e-05"],
  ["printf", "%v", [0.0001], "0.0001"],
  ["printf", "%v", [1e-05], "1e-05"],
  ["printf", "%v", [NaN], "NaN"],
  ["printf", "%v", [Infinity], "+Inf"],
  ["printf", "%v", [-Infinity], "-Inf"],
  ["printf", "%v", [3.0], "3"],
  ["printf", "%v", [2.5], "2.5"],
  ["printf", "%v", [5e-324], "5e-324"],
  ["printf", "%v", [1.7976931348623157e308], "1.7976931348623157e+308"],
  ["printf", "%v", [0.30000000000000004], "0.30000000000000004"],
  ["printf", "%v", [-1.5], "-1.5"],
  ["printf", "%v", [608863452348.1149], "6.088634523481149e+11"],
  ["printf", "%v", [1e-07], "1e-07"],
  ["printf", "%v", [123456.7], "123456.7"],
  ["printf", "%+v", [1.0], "1"],
  ["printf", "%#v", [1.0], "1"],
  ["printf", "%#v", [1000000.0], "1e+06"],
  ["printf", "%#v", [0.5], "0.5"],
  ["printf", "%8.3v", [3.14159], "    3.14"],
  ["printf", "%d", [3.5], "%!d(float64=3.5)"],
  ["printf", "%s", [5n], "%!s(int=5)"],
  ["printf", "%d", ["x"], "%!d(string=x)"],
  ["printf", "%z", [1n], "%!z(int=1)"],
  ["printf", "%t", [1n], "%!t(int=1)"],
  ["printf", "%d", [true], "%!d(bool=true)"],
  ["printf", "%d", [null], "%!d(<nil>)"],
  ["printf", "%s", [null], "%!s(<nil>)"],
  ["printf", "%d %d", [1n], "1 %!d(MISSING)"],
  ["printf", "%d", [1n, 2n], "1%!(EXTRA int=2)"],
  ["printf", "hi", ["x"], "hi%!(EXTRA string=x)"],
  ["printf", "%d", [1n, null], "1%!(EXTRA <nil>)"],
  ["printf", "%d", [1n, "a", 1.5], "1%!(EXTRA string=a, float64=1.5)"],
  ["printf", "%", [1n], "%!(NOVERB)%!(EXTRA int=1)"],
  ["printf", "%-", [], "%!(NOVERB)"],
  ["printf", "%*d", [4n, 42n], "  42"],
  ["printf", "%-*d", [4n, 42n], "42  "],
  ["printf", "%*d", [-4n, 42n], "42  "],
  ["printf", "%.*d", [4n, 42n], "0042"],
  ["printf", "%*d", [4.0, 42n], "%!(BADWIDTH)42"],
  ["printf", "%.*d", [-1n, 42n], "%!(BADPREC)42"],
  ["printf", "%*d", [10000000n, 42n], "%!(BADWIDTH)42"],
  ["printf", "%[2]d %[1]d", [11n, 22n], "22 11"],
  ["printf", "%[3]d", [1n, 2n], "%!d(BADINDEX)"],
  ["printf", "%[2]*[1]d", [12n, 2n], "12"],
  ["printf", "%[1]d %d", [1n, 2n], "1 2"],
  ["printf", "%d %[1]d %d", [1n, 2n], "1 1 2"],
  ["printf", "%[0]d", [1n], "%!d(BADINDEX)"],
  ["printf", "%[x]d", [1n], "%!d(BADINDEX)"],
  ["printf", "%%", [], "%"],
  ["printf", "%5%", [], "%"],
  ["printf", "%d%%", [50n], "50%"],
  ["printf", "%!", [], "%!!(MISSING)"],
  ["printf", "%日", [1n], "%!日(int=1)"],
  ["printf", "%w", [1n], "%!w(int=1)"],
  ["printf", "%v %v", ["a"], "a %!v(MISSING)"],
  ["printf", "%v", [[1n, "a", null, 2.5]], "[1 a <nil> 2.5]"],
  ["printf", "%v", [{ "b": 2n, "a": 1n }], "map[a:1 b:2]"],
  ["printf", "%v", [{ "z": [1n, { "y": "q" }], "a": {  } }], "map[a:map[] z:[1 map[y:q]]]"],
  ["printf", "%d", [[1n, 2n]], "[1 2]"],
  ["printf", "%s", [["a", 1n]], "[a %!s(int=1)]"],
  ["printf", "%#v", [{ "a": 1n, "b": "x" }], "map[string]interface {}{\"a\":1, \"b\":\"x\"}"],
  ["printf", "%#v", [["a", 1n]], "[]interface {}{\"a\", 1}"],
  ["printf", "%#v", [[null]], "[]interface {}{interface {}(nil)}"],
  ["printf", "%#v", ["x"], "\"x\""],
  ["printf", "%#v", [42n], "42"],
  ["printf", "%#v", [true], "true"],
  ["printf", "%#v", [null], "<nil>"],
  ["printf", "%#v", [{  }], "map[string]interface {}{}"],
  ["printf", "%#v", [[]], "[]interface {}{}"],
  ["printf", "%5v", [[1n, "a"]], "[    1     a]"],
  ["printf", "%x", [[255n, "hi"]], "[ff 6869]"],
  ["printf", "%v", [[]], "[]"],
  ["printf", "%v", [{  }], "map[]"],
  ["printf", "%q", [["a", "b"]], "[\"a\" \"b\"]"],
  ["printf", "%v", [[[1n, 2n], []]], "[[1 2] []]"],
  ["printf", "%v", [new Uint8Array([1, 2, 3])], "[1 2 3]"],
  ["printf", "%s", [new Uint8Array([104, 105])], "hi"],
  ["printf", "%x", [new Uint8Array([1, 171])], "01ab"],
  ["printf", "%q", [new Uint8Array([104, 105])], "\"hi\""],
  ["printf", "%#v", [new Uint8Array([1, 2])], "[]byte{0x1, 0x2}"],
  ["printf", "%d", [new Uint8Array([1, 2])], "[1 2]"],
  ["printf", "%o", [new Uint8Array([8, 9])], "[10 11]"],
  ["printf", "%T", [new Uint8Array([1])], "[]uint8"],
  ["printf", "%5s", [new Uint8Array([104, 105])], "   hi"],
  ["printf", "%v", [{ "k": new Uint8Array([1]) }], "map[k:[1]]"],
  ["printf", "%T", [1n], "int"],
  ["printf", "%T", [1.0], "float64"],
  ["printf", "%T", [""], "string"],
  ["printf", "%T", [true], "bool"],
  ["printf", "%T", [null], "<nil>"],
  ["printf", "%T", [[]], "[]interface {}"],
  ["printf", "%T", [{  }], "map[string]interface {}"],
  ["printf", "%T", [new GoDuration(1n)], "time.Duration"],
  ["printf", "%10T", [1n], "       int"],
  ["printf", "%-10T|", ["x"], "string    |"],
  ["printf", "%v", [stringer("str!")], "str!"],
  ["printf", "%s", [stringer("str!")], "str!"],
  ["printf", "%q", [stringer("str!")], "\"str!\""],
  ["printf", "%x", [stringer("ab")], "6162"],
  ["printf", "%d", [new GoDuration(1500000000n)], "1500000000"],
  ["printf", "%v", [new GoDuration(1500000000n)], "1.5s"],
  ["printf", "%v", [[stringer("a"), new GoDuration(60000000000n)]], "[a 1m0s]"],
  ["printf", "%v", [{ "a": new GoDuration(1n) }], "map[a:1ns]"],
  ["printf", "%10v|", [new GoDuration(1000n)], "       1µs|"],
  ["printf", "%v", [new GoDuration(0n)], "0s"],
  ["printf", "%v", [new GoDuration(1n)], "1ns"],
  ["printf", "%v", [new GoDuration(1100n)], "1.1µs"],
  ["printf", "%v", [new GoDuration(2200000n)], "2.2ms"],
  ["printf", "%v", [new GoDuration(3300000000n)], "3.3s"],
  ["printf", "%v", [new GoDuration(245000000000n)], "4m5s"],
  ["printf", "%v", [new GoDuration(245001000000n)], "4m5.001s"],
  ["printf", "%v", [new GoDuration(18367001000000n)], "5h6m7.001s"],
  ["printf", "%v", [new GoDuration(480000000001n)], "8m0.000000001s"],
  ["printf", "%v", [new GoDuration(3600000000000n)], "1h0m0s"],
  ["printf", "%v", [new GoDuration(-1500n)], "-1.5µs"],
  ["printf", "%v", [new GoDuration(-9223372036854775808n)], "-2562047h47m16.854775808s"],
  ["printf", "%v", [new GoDuration(9223372036854775807n)], "2562047h47m16.854775807s"],
  ["printf", "%v", [new GoDuration(999n)], "999ns"],
  ["printf", "%v", [new GoDuration(1000000n)], "1ms"],
  ["print", "", ["a", 1n, 2n, "b"], "a1 2b"],
  ["print", "", [1n, 2n], "1 2"],
  ["print", "", ["a", "b"], "ab"],
  ["print", "", [null, null], "<nil> <nil>"],
  ["print", "", [1n, "a", 2n], "1a2"],
  ["print", "", [1.5, true, null, [1n]], "1.5 true <nil> [1]"],
  ["print", "", [], ""],
  ["print", "", ["x", null, "y"], "x<nil>y"],
  ["println", "", ["a", 1n], "a 1\n"],
  ["println", "", [], "\n"],
  ["println", "", ["a", "b", null], "a b <nil>\n"],
];

describe('Go fmt (cases checked against Go)', () => {
  it.each(GO_CASES.map((c, i) => [i, ...c] as const))('#%i %s %j', (_i, fn, format, args, want) => {
    const got = fn === 'printf' ? sprintf(format, ...args) : fn === 'print' ? sprint(...args) : sprintln(...args);
    expect(got).toBe(want);
  });
});

describe('float64 printing (strconv.FormatFloat)', () => {
  it('prints the shortest representation with %v and %g (exponent when exp < -4 || exp >= 6... of that form)', () => {
    const v = (x: number) => sprintf('%v', x);
    expect(v(0.1)).toBe('0.1');
    expect(v(1e21)).toBe('1e+21');
    expect(v(1234567)).toBe('1.234567e+06');
    expect(v(123456789)).toBe('1.23456789e+08');
    expect(v(100)).toBe('100');
    expect(v(0.000012345)).toBe('1.2345e-05');
    expect(v(-0)).toBe('-0');
    expect(v(NaN)).toBe('NaN');
    expect(v(Infinity)).toBe('+Inf');
    // Helm's classic: a large integer from a values file is a float64.
    expect(sprint(1000000)).toBe('1e+06');
    expect(sprint(999999)).toBe('999999');
  });
  it('rounds fixed precisions exactly, half to even on exact ties', () => {
    expect(formatFloat(0.5, 'f', 0)).toBe('0');
    expect(formatFloat(1.5, 'f', 0)).toBe('2');
    expect(formatFloat(2.5, 'f', 0)).toBe('2');
    expect(formatFloat(1.005, 'f', 2)).toBe('1.00'); // 1.00499999999999989...
    expect(formatFloat(0.1, 'f', 20)).toBe('0.10000000000000000555');
    expect(formatFloat(5e-324, 'e', 3)).toBe('4.941e-324');
    expect(formatFloat(1.7976931348623157e308, 'f', 0)).toBe('179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368');
    expect(formatFloat(-2.5, 'g', 1)).toBe('-2');
    expect(formatFloat(0, 'e', -1)).toBe('0e+00');
    expect(formatFloat(1, 'b', -1)).toBe('4503599627370496p-52');
    expect(formatFloat(1, 'x', -1)).toBe('0x1p+00');
    expect(formatFloat(0.1, 'x', -1)).toBe('0x1.999999999999ap-04');
    expect(formatFloat(1e100, 'x', 3)).toBe('0x1.24ap+332');
    expect(formatFloat(0.09375, 'x', 1)).toBe('0x1.8p-04');
    expect(formatFloat(1.5, 'x', 0)).toBe('0x1p+01'); // half to even: up
    expect(formatFloat(1 + 3 / 512, 'x', 2)).toBe('0x1.02p+00');
    expect(formatFloat(1 + 1 / 512, 'x', 2)).toBe('0x1.00p+00');
  });
});

describe('types, quoting, time', () => {
  it('names Go types as %T does', () => {
    expect(goTypeName(1n)).toBe('int');
    expect(goTypeName(1.5)).toBe('float64');
    expect(goTypeName('x')).toBe('string');
    expect(goTypeName(true)).toBe('bool');
    expect(goTypeName(null)).toBe('<nil>');
    expect(goTypeName({})).toBe('map[string]interface {}');
    expect(goTypeName([])).toBe('[]interface {}');
    expect(goTypeName(new Uint8Array())).toBe('[]uint8');
    expect(goTypeName(new GoTime(0))).toBe('time.Time');
    const v = Object.defineProperty({ Major: 1n }, GO_TYPE, { value: { type: '*semver.Version', kind: 'ptr' } });
    expect(goTypeName(v)).toBe('*semver.Version');
    expect(sprintf('%v', v)).toBe('{1}'); // a struct, not a map
    class Files {}
    expect(goTypeName(new Files())).toBe('*Files');
  });
  it('uses String() methods and the GO_STRING symbol (fmt.Stringer)', () => {
    const s = { [GO_STRING]: () => '1.2.3', Major: 1n };
    expect(sprint(s)).toBe('1.2.3');
    expect(sprintf('%q', [stringer('a')])).toBe('["a"]');
    expect(sprintf('%v', { String: () => { throw new Error('boom'); } })).toBe('%!v(PANIC=String method: boom)');
  });
  it('quotes as strconv.Quote does', () => {
    expect(quoteGo('a"b\\c\n\u0000\u00e9')).toBe('"a\\"b\\\\c\\n\\x00é"');
    expect(quoteGo('\u00e9\u{1F600}', true)).toBe('"\\u00e9\\U0001f600"');
    expect(quoteGo('\ud800')).toBe('"�"');
  });
  it('prints time.Time and time.Duration as Go does', () => {
    expect(timeString(new GoTime(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe('2024-01-02 03:04:05 +0000 UTC');
    expect(timeString(new GoTime(Date.UTC(2024, 0, 2, 3, 4, 5, 120), 4500))).toBe('2024-01-02 03:04:05.1200045 +0000 UTC');
    expect(timeString(new GoTime(Date.UTC(2024, 0, 2, 3, 4, 5), 0, 'America/New_York'))).toBe('2024-01-01 22:04:05 -0500 EST');
    expect(timeString(new GoTime(Date.UTC(1969, 11, 31, 23, 59, 59, 500)))).toBe('1969-12-31 23:59:59.5 +0000 UTC');
    expect(sprint(new GoTime(0))).toBe('1970-01-01 00:00:00 +0000 UTC');
    expect(durationString(new GoDuration(90n * 60n * 1_000_000_000n))).toBe('1h30m0s');
  });
  it('orders strings by code point, as Go compares UTF-8 bytes', () => {
    expect(compareGoStrings('\uffff', '\u{10000}')).toBeLessThan(0);
    expect(compareGoStrings('a', 'ab')).toBeLessThan(0);
    expect(sprint({ '\u{10000}': 1n, '\uffff': 2n })).toBe('map[\uffff:2 \u{10000}:1]');
  });
});
