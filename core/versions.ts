import * as semver from './semver-lib.js';

const cache = new Map<string, semver.SemVer | null>();

/** A version as Helm's semver library reads it: an optional `v`, loose forms such as `1.2`; null when it is not one. */
export function parseVersion(v: string): semver.SemVer | null {
  let parsed = cache.get(v);
  if (parsed === undefined) {
    parsed = semver.parse(v.replace(/^v/, ''), { loose: true }) ?? (/^v?\d+(\.\d+)?$/.test(v) ? semver.coerce(v) : null);
    if (cache.size > 10_000) cache.clear();
    cache.set(v, parsed);
  }
  return parsed;
}

/**
 * The one newest-first order of chart versions (indexes, the resolver, the registry): by SemVer precedence,
 * ties (`1.0.0` and `v1.0.0`, build metadata) broken by the text so the order is total; versions that are not
 * SemVer go last, by their text.
 */
export function compareVersionsDesc(a: string, b: string): number {
  const qa = quickVersion(a);
  const qb = qa ? quickVersion(b) : null;
  if (qa && qb) return comparePrecedence(qb, qa) || (a < b ? 1 : a > b ? -1 : 0);
  const va = parseVersion(a);
  const vb = parseVersion(b);
  // The parsed versions compared as they are (semver.rcompare would parse both again on every call).
  if (va && vb) return vb.compare(va) || (a < b ? 1 : a > b ? -1 : 0);
  if (va) return -1;
  if (vb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * SemVer 2 with numbers of at most 15 digits (always safe integers), after one optional `v`: the versions
 * nearly every index holds. Their order is computed here (comparePrecedence) and is semver's exactly; any
 * other version goes to semver, which `repo index` would otherwise load (1 ms and more) just to sort.
 */
const QUICK = /^v?(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})(?:-((?:0|[1-9]\d{0,14}|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d{0,14}|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

interface QuickVersion {
  main: [number, number, number];
  /** Prerelease identifiers: numbers for numeric ones, as semver holds them. */
  pre: (number | string)[];
}

const quickCache = new Map<string, QuickVersion | null>();

/** A version of QUICK's shape, parsed; null for any other. */
export function quickVersion(v: string): QuickVersion | null {
  let q = quickCache.get(v);
  if (q === undefined) {
    // semver refuses versions over 256 characters (counted after the `v` parseVersion strips).
    const m = v.length <= 257 ? QUICK.exec(v) : null;
    q = m && v.length - (v.charCodeAt(0) === 0x76 ? 1 : 0) <= 256 ? { main: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] === undefined ? [] : m[4].split('.').map((id) => (/^[0-9]+$/.test(id) ? Number(id) : id)) } : null;
    if (quickCache.size > 10_000) quickCache.clear();
    quickCache.set(v, q);
  }
  return q;
}

/** SemVer 2 precedence (semver's `compare`): the three numbers, then a release above its prereleases, then identifiers. */
export function comparePrecedence(a: QuickVersion, b: QuickVersion): number {
  for (let i = 0; i < 3; i++) if (a.main[i] !== b.main[i]) return a.main[i] < b.main[i] ? -1 : 1;
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; ; i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1;
    if (x === y) continue;
    // Numeric identifiers sort below alphanumeric ones.
    if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
    return x < y ? -1 : 1;
  }
}

/** Versions sorted newest first (a new array). */
export function sortVersionsDesc(versions: string[]): string[] {
  return [...versions].sort(compareVersionsDesc);
}
