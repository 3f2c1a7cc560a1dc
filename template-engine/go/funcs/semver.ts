import { parseConstraint, satisfies } from '../../../core/semver-range.js';
import { GoFuncError, type GoValue } from '../value.js';
import { def, GO_JSON, GO_STRING, typed, type FuncTable } from './kinds.js';

/**
 * Sprig's semver and semverCompare (Masterminds/semver v3, as Helm links it): versions parsed leniently
 * (`v1.2` is 1.2.0), constraints evaluated by the project's Helm-parity rules (core/semver-range.ts).
 */

const LOOSE = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const UINT64_MAX = (1n << 64n) - 1n;

interface Parsed {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
  metadata: string;
  original: string;
}

function segment(s: string | undefined): bigint {
  if (!s) return 0n;
  const v = BigInt(s.replace(/^\./, ''));
  if (v > UINT64_MAX) throw new GoFuncError(`error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(s.replace(/^\./, ''))}: value out of range`);
  return v;
}

/** semver.NewVersion. */
export function parseVersion(v: string): Parsed {
  const m = LOOSE.exec(v);
  if (!m) throw new GoFuncError('invalid semantic version');
  const pre = m[5] ?? '';
  const metadata = m[8] ?? '';
  for (const part of pre ? pre.split('.') : []) {
    if (/^[0-9]+$/.test(part) && part.length > 1 && part[0] === '0') throw new GoFuncError('version segment starts with 0');
  }
  return { major: segment(m[1]), minor: segment(m[2]), patch: segment(m[3]), pre, metadata, original: v };
}

function versionString(p: Parsed): string {
  return `${p.major}.${p.minor}.${p.patch}${p.pre ? '-' + p.pre : ''}${p.metadata ? '+' + p.metadata : ''}`;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return -1;
  if (o === '') return 1;
  const sn = /^[0-9]+$/.test(s);
  const on = /^[0-9]+$/.test(o);
  if (!sn && !on) return s > o ? 1 : -1;
  if (!on) return -1;
  if (!sn) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

/** Version.Compare. */
export function compareVersions(a: Parsed, b: Parsed): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  if (a.pre === b.pre) return 0;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  const sp = a.pre.split('.');
  const op = b.pre.split('.');
  for (let i = 0; i < Math.max(sp.length, op.length); i++) {
    const d = comparePrePart(sp[i] ?? '', op[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

const PARSED = Symbol('semver.parsed');

function parsedOf(v: GoValue): Parsed {
  const p = (v as { [PARSED]?: Parsed } | null)?.[PARSED];
  if (!p) throw new GoFuncError(`wrong type for value; expected *semver.Version; got ${v === null || v === undefined ? '<nil>' : typeof v}`);
  return p;
}

/** A *semver.Version as templates use it: methods Major, Minor, Patch, Prerelease, Metadata, Original, … */
export function versionObject(p: Parsed): GoValue {
  const vPrefix = p.original.startsWith('v') ? 'v' : '';
  const next = (q: Omit<Parsed, 'original'>) => versionObject({ ...q, original: vPrefix + versionString({ ...q, original: '' }) });
  const obj = {
    Major: () => p.major,
    Minor: () => p.minor,
    Patch: () => p.patch,
    Prerelease: () => p.pre,
    Metadata: () => p.metadata,
    Original: () => p.original,
    String: () => versionString(p),
    IncPatch: () => next(p.pre ? { ...p, pre: '', metadata: '' } : { ...p, pre: '', metadata: '', patch: p.patch + 1n }),
    IncMinor: () => next({ ...p, pre: '', metadata: '', patch: 0n, minor: p.minor + 1n }),
    IncMajor: () => next({ ...p, pre: '', metadata: '', patch: 0n, minor: 0n, major: p.major + 1n }),
    SetPrerelease: (pre: GoValue) => {
      const s = String(pre);
      if (s) parseVersion(`0.0.0-${s}`);
      return next({ ...p, pre: s });
    },
    SetMetadata: (meta: GoValue) => next({ ...p, metadata: String(meta) }),
    Compare: (o: GoValue) => BigInt(compareVersions(p, parsedOf(o))),
    LessThan: (o: GoValue) => compareVersions(p, parsedOf(o)) < 0,
    LessThanEqual: (o: GoValue) => compareVersions(p, parsedOf(o)) <= 0,
    GreaterThan: (o: GoValue) => compareVersions(p, parsedOf(o)) > 0,
    GreaterThanEqual: (o: GoValue) => compareVersions(p, parsedOf(o)) >= 0,
    Equal: (o: GoValue) => compareVersions(p, parsedOf(o)) === 0,
  };
  Object.defineProperty(obj, PARSED, { value: p });
  Object.defineProperty(obj, GO_STRING, { value: () => versionString(p) });
  Object.defineProperty(obj, GO_JSON, { value: () => versionString(p) });
  return typed(obj, '*semver.Version', 'ptr');
}

/** semverCompare: does the version satisfy the constraint. */
export function semverCompare(constraint: string, version: string): boolean {
  let c;
  try {
    c = parseConstraint(constraint);
  } catch {
    // Masterminds names the whole `||` segment that does not parse.
    const bad = constraint.split('||').find((seg) => {
      try {
        parseConstraint(seg);
        return false;
      } catch {
        return true;
      }
    });
    throw new GoFuncError(`improper constraint: ${bad ?? constraint}`);
  }
  const p = parseVersion(version);
  return satisfies(versionString({ ...p, metadata: '' }), c);
}

export const semverFuncs: FuncTable = {
  semver: def('semver', ['string'], (v: string) => versionObject(parseVersion(v))),
  semverCompare: def('semverCompare', ['string', 'string'], semverCompare),
};
