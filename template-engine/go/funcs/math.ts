import { crypto } from '../../../core/builtin.js';
import { GoFuncError, type GoValue } from '../value.js';
import { toFloat64, toInt64 } from './conversion.js';
import { formatFloat } from './fmt.js';
import { def, type FuncTable } from './kinds.js';

/**
 * Sprig's arithmetic (numeric.go and functions.go). The integer functions convert every argument to int64
 * with spf13/cast (floats truncated, strings parsed, anything else 0) and wrap on overflow like Go; the `…f`
 * functions go through exact decimals (shopspring/decimal) and return float64.
 */

const wrap = (v: bigint) => BigInt.asIntN(64, v);

function intDiv(a: bigint, b: bigint, op: 'div' | 'mod'): bigint {
  if (b === 0n) throw new GoFuncError('runtime error: integer divide by zero');
  return wrap(op === 'div' ? a / b : a % b);
}

/** A decimal: coef × 10^exp. */
interface Dec {
  coef: bigint;
  exp: number;
}

/** decimal.NewFromFloat: the shortest decimal that reads back as the float. */
function decFromFloat(f: number): Dec {
  if (!Number.isFinite(f)) throw new GoFuncError(`Cannot create a Decimal from ${formatFloat(f)}`);
  const s = formatFloat(f, 'e');
  const [mant, e] = s.split('e');
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const frac = mant.includes('.') ? mant.split('.')[1].length : 0;
  const coef = BigInt(digits) * (neg ? -1n : 1n);
  return { coef, exp: Number(e) - frac };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
}

const DIV_PRECISION = 16;

const decOps: Record<'add' | 'sub' | 'mul' | 'div', (a: Dec, b: Dec) => Dec> = {
  add: (a, b) => {
    const [x, y, exp] = align(a, b);
    return { coef: x + y, exp };
  },
  sub: (a, b) => {
    const [x, y, exp] = align(a, b);
    return { coef: x - y, exp };
  },
  mul: (a, b) => ({ coef: a.coef * b.coef, exp: a.exp + b.exp }),
  div: (a, b) => {
    if (b.coef === 0n) throw new GoFuncError('decimal division by 0');
    // Quotient to DIV_PRECISION decimal places, rounded half away from zero (decimal.DivRound).
    const shift = DIV_PRECISION + a.exp - b.exp;
    let num = a.coef;
    let den = b.coef;
    if (shift >= 0) num *= 10n ** BigInt(shift);
    else den *= 10n ** BigInt(-shift);
    let q = num / den;
    const r = num % den;
    const absR2 = (r < 0n ? -r : r) * 2n;
    const absDen = den < 0n ? -den : den;
    if (absR2 >= absDen) q += (num < 0n) !== (den < 0n) ? -1n : 1n;
    return { coef: q, exp: -DIV_PRECISION };
  },
};

function decToFloat(d: Dec): number {
  return Number(`${d.coef}e${d.exp}`);
}

/** Sprig's execDecimalOp: floats through exact decimal arithmetic, back to float64. */
function decimalOp(first: GoValue, rest: GoValue[], op: keyof typeof decOps): number {
  let acc = decFromFloat(toFloat64(first));
  for (const x of rest) acc = decOps[op](acc, decFromFloat(toFloat64(x)));
  return decToFloat(acc);
}

/** math.Max / math.Min. */
function fmax(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === 0 && b === 0) return Object.is(a, -0) ? b : a;
  return a > b ? a : b;
}
function fmin(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === 0 && b === 0) return Object.is(a, -0) ? a : b;
  return a < b ? a : b;
}

/** Sprig's round: rounds up when the fraction (signed, as math.Modf gives it) reaches roundOn. */
function round(a: GoValue, places: number, ...opt: number[]): number {
  const roundOn = opt.length > 0 ? opt[0] : 0.5;
  const val = toFloat64(a);
  const pow = Math.pow(10, places);
  const digit = pow * val;
  const frac = digit - Math.trunc(digit);
  const r = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

export const mathFuncs: FuncTable = {
  add1: def('add1', ['any'], (i) => wrap(toInt64(i) + 1n)),
  add: def('add', ['...any'], (...xs: GoValue[]) => xs.reduce<bigint>((acc, x) => wrap(acc + toInt64(x)), 0n)),
  sub: def('sub', ['any', 'any'], (a, b) => wrap(toInt64(a) - toInt64(b))),
  div: def('div', ['any', 'any'], (a, b) => intDiv(toInt64(a), toInt64(b), 'div')),
  mod: def('mod', ['any', 'any'], (a, b) => intDiv(toInt64(a), toInt64(b), 'mod')),
  mul: def('mul', ['any', '...any'], (a, ...xs: GoValue[]) => xs.reduce<bigint>((acc, x) => wrap(acc * toInt64(x)), toInt64(a))),
  randInt: def('randInt', ['int', 'int'], (min: number, max: number) => {
    if (max - min <= 0) throw new GoFuncError('invalid argument to Intn');
    return BigInt(crypto().randomInt(max - min) + min);
  }),
  add1f: def('add1f', ['any'], (i) => decimalOp(i, [1n], 'add')),
  addf: def('addf', ['...any'], (...xs: GoValue[]) => decimalOp(0, xs, 'add')),
  subf: def('subf', ['any', '...any'], (a, ...xs: GoValue[]) => decimalOp(a, xs, 'sub')),
  divf: def('divf', ['any', '...any'], (a, ...xs: GoValue[]) => decimalOp(a, xs, 'div')),
  mulf: def('mulf', ['any', '...any'], (a, ...xs: GoValue[]) => decimalOp(a, xs, 'mul')),
  biggest: def('biggest', ['any', '...any'], (a, ...xs: GoValue[]) => xs.map(toInt64).reduce((m, x) => (x > m ? x : m), toInt64(a))),
  max: def('max', ['any', '...any'], (a, ...xs: GoValue[]) => xs.map(toInt64).reduce((m, x) => (x > m ? x : m), toInt64(a))),
  min: def('min', ['any', '...any'], (a, ...xs: GoValue[]) => xs.map(toInt64).reduce((m, x) => (x < m ? x : m), toInt64(a))),
  maxf: def('maxf', ['any', '...any'], (a, ...xs: GoValue[]) => xs.map(toFloat64).reduce(fmax, toFloat64(a))),
  minf: def('minf', ['any', '...any'], (a, ...xs: GoValue[]) => xs.map(toFloat64).reduce(fmin, toFloat64(a))),
  ceil: def('ceil', ['any'], (a) => Math.ceil(toFloat64(a))),
  floor: def('floor', ['any'], (a) => Math.floor(toFloat64(a))),
  round: def('round', ['any', 'int', '...float64'], round),
};
