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
 * SemVer 2's own grammar: MAJOR.MINOR.PATCH (groups 1–3), prerelease identifiers (group 4), build metadata.
 * Shared by the chart version check (core/chart/metadata.ts) and quickVersion.
 */
export const SEMVER_2 = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Digits a number of a quick version may have: any such number is a safe integer. */
const QUICK_DIGITS = 15;

interface QuickVersion {
  main: [number, number, number];
  /** Prerelease identifiers: numbers for numeric ones, as semver holds them. */
  pre: (number | string)[];
}

const quickCache = new Map<string, QuickVersion | null>();

/**
 * SemVer 2 (after one optional `v`) with numbers of at most 15 digits, parsed; null for any other version.
 * These are the versions nearly every index holds: their order is computed here (comparePrecedence) and is
 * semver's exactly; any other version goes to semver, which `repo index` would otherwise load (1 ms and
 * more) just to sort.
 */
export function quickVersion(v: string): QuickVersion | null {
  let q = quickCache.get(v);
  if (q === undefined) {
    q = parseQuick(v.charCodeAt(0) === 0x76 /* v */ ? v.slice(1) : v);
    if (quickCache.size > 10_000) quickCache.clear();
    quickCache.set(v, q);
  }
  return q;
}

function parseQuick(v: string): QuickVersion | null {
  // semver refuses versions over 256 characters.
  const m = v.length <= 256 ? SEMVER_2.exec(v) : null;
  if (!m || m[1].length > QUICK_DIGITS || m[2].length > QUICK_DIGITS || m[3].length > QUICK_DIGITS) return null;
  const pre: (number | string)[] = [];
  if (m[4] !== undefined) {
    for (const id of m[4].split('.')) {
      if (!/^[0-9]+$/.test(id)) pre.push(id);
      else if (id.length <= QUICK_DIGITS) pre.push(Number(id));
      else return null;
    }
  }
  return { main: [Number(m[1]), Number(m[2]), Number(m[3])], pre };
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
