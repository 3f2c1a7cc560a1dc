import { describe, expect, it } from '@jest/globals';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import bcryptjs from 'bcryptjs';
import { loadYaml } from '../../core/yaml.js';
import { formatValue, GoArgError, helmFuncs, sprigFuncs, TemplateFailError, toYamlText } from '../../template-engine/go/funcs/index.js';
import { GoDuration, GoFuncError, GoTime, type FuncMap, type GoValue } from '../../template-engine/go/value.js';
import { CASES, VALUES_YAML } from '../fixtures/go-func-cases.js';

/*
 * Sprig's and Helm's template functions, checked against what the real helm (v4.1.4, Sprig v3.3.0) prints for
 * the same expressions: each case of CASES was rendered by `helm template` as {{ printf "%v" (EXPR) }} with
 * VALUES as values.yaml, and here the same expression is evaluated by a small stand-in for the interpreter
 * (literals, parentheses, pipes, .Values fields, field and method chains) and printed with formatValue.
 */


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
